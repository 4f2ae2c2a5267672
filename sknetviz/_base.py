"""BaseNet: the scikit-learn glue shared by every sknetviz estimator.

Fitting, partial fitting, input validation, the early-stopping split, the
training hooks, history and the fitted attributes live here. What differs
between a classifier and a regressor (targets, output activation, score,
predict) lives in ``_classifier.py`` and ``_regressor.py``; each estimator
only says how to build its network (``_build_network``).
"""

import math
import warnings
from abc import abstractmethod
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    validate_data,
)

from ._callbacks import CallbackSupportMixin, SklearnCallbacks, start_fit_task
from ._diagnostics import Diagnostics
from ._training import (
    ConvergenceMonitor,
    History,
    NoiseFreeLoss,
    Objective,
    Snapshot,
    TrainingState,
    Validation,
    VerbosePrinter,
    first_interrupt_only,
    interrupts_held,
    return_to_last_finished_epoch,
    run_epochs,
    run_lbfgs,
)
from .nn import SGD, Adam

_STOCHASTIC_SOLVERS = ("sgd", "adam")


def positive_ints(name, value):
    """``value`` (an int or a sequence of them) as a tuple of positive ints.

    Anything else is refused rather than rounded: a layer of 2.5 units, or an
    image 8.5 pixels high, is a mistake to report, not to guess at.
    """
    values = list(value) if np.ndim(value) else [value]
    if not all(
        isinstance(v, Integral) and not isinstance(v, bool) and v >= 1 for v in values
    ):
        raise ValueError(f"{name} must hold positive integers, got {value!r}.")
    return tuple(int(v) for v in values)


def has_stochastic_solver(estimator):
    if estimator.solver not in _STOCHASTIC_SOLVERS:
        raise AttributeError(
            "partial_fit is only available for stochastic optimizers. "
            f"{estimator.solver} is not stochastic."
        )
    return True


class BaseNet(CallbackSupportMixin, BaseEstimator):
    """Base class of sknetviz's estimators; not for direct use.

    A concrete estimator combines it with the classifier part
    (:class:`~sknetviz._classifier.NetClassifierMixin`) or the regressor part
    (:class:`~sknetviz._regressor.NetRegressorMixin`), defines ``__init__``
    (storing its parameters) and ``_build_network(n_features, n_outputs)``,
    returning an uninitialised :class:`~sknetviz.nn.Sequential` that ends in
    the output layer's pre-activation.
    """

    _parameter_constraints: dict = {
        "solver": [StrOptions({"lbfgs", "sgd", "adam"})],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [
            StrOptions({"auto"}),
            Interval(Integral, 1, None, closed="left"),
        ],
        "learning_rate": [StrOptions({"constant", "invscaling", "adaptive"})],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "n_iter_no_change": [
            Interval(Integral, 1, None, closed="left"),
            Options(Real, {np.inf}),
        ],
        "max_fun": [Interval(Integral, 1, None, closed="left")],
        "clip_norm": [Interval(Real, 0, None, closed="neither"), None],
    }

    def __setstate__(self, state):
        super().__setstate__(state)
        if "_state" in vars(self) and "_architecture" not in vars(self):
            # Saved before the architecture was recorded: it was built with
            # the parameters it was saved with.
            self._architecture = self._architecture_parameters()
        if "coefs_" in vars(self):
            # joblib and model files store each array apart, which parts
            # coefs_ from the network's arrays: point them at those again.
            self._point_at_network()

    def _point_at_network(self):
        """``network_``, and ``coefs_`` and ``intercepts_`` as its own arrays."""
        network = self._state.network
        self.network_ = network
        self.coefs_, self.intercepts_ = network.weights, network.biases

    @abstractmethod
    def _build_network(self, n_features, n_outputs):
        """Return the uninitialised network for this estimator's parameters."""

    def _architecture_parameters(self):
        """The parameters that define the network, resolved, by name.

        ``warm_start`` and ``partial_fit`` refuse a change to any of them.
        """
        return {}

    def _training_noise(self):
        """The settings that draw random noise in training, as 'name=value'."""
        return []

    # ------------------------------------------------------------------ fit

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the model to data matrix X and targets y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data. float32 input trains in float32.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The targets: class labels (or a label-indicator matrix for
            multilabel targets) for a classifier, values for a regressor.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight=sample_weight, incremental=False)

    def _fit(
        self, X, y, sample_weight=None, incremental=False, classes=None, train=True
    ):
        with first_interrupt_only():
            return self._fit_undoably(X, y, sample_weight, incremental, classes, train)

    def _fit_undoably(self, X, y, sample_weight, incremental, classes, train):
        """The call, undone if it fails; a Ctrl-C keeps the epochs it finished."""
        if train:  # one callback task per call, one subtask per epoch
            start_fit_task(self, 1 if incremental else self.max_iter)
        if hasattr(self, "_state"):
            self._state.keeps_finished_epochs = False  # this call's, from now on
        # A failed call leaves the estimator as it was: no half-fitted model.
        before = self.__dict__.copy()
        call_start = self._call_start(incremental) if train else None
        if call_start is not None:  # hooks may read the weights it holds
            self._state.call_start = call_start
        try:
            if not train:  # initialize: forget any previous model first
                for name in [name for name in vars(self) if name.endswith("_")]:
                    delattr(self, name)
            return self._fit_unsafe(X, y, sample_weight, incremental, classes, train)
        except KeyboardInterrupt:
            state = getattr(self, "_state", None)
            if not train or state is None or not state.keeps_finished_epochs:
                self._undo(before, call_start)
                raise
            return_to_last_finished_epoch(state)
            # partial_fit's one epoch is kept, and the interrupt goes on to
            # stop the caller's loop of partial_fit calls, as asked.
            self._keep_finished_epochs(warn=not incremental)
            if incremental:
                raise
            return self
        except BaseException:
            self._undo(before, call_start)
            raise
        finally:
            # The layers' reusable training arrays die with the call: they
            # are batch-sized scratch, not part of the model.
            if hasattr(self, "_state"):
                self._state.network.release_work_arrays()
                self._state.call_start = None

    def _call_start(self, incremental):
        """A :class:`Snapshot` of what this call may change in place, or None.

        Only a call that continues the fitted network (warm_start, or
        partial_fit) changes arrays in place; any other call builds a new
        network and leaves the old one alone. The optimizer's running state
        is copied only for partial_fit: fit starts a new optimizer.
        """
        state = getattr(self, "_state", None)
        if state is None:
            return None
        if not (self.warm_start or incremental):
            return None
        return Snapshot().capture(
            state,
            hooks=[self._monitor],
            rngs=[self._rng],
            optimizer_arrays=incremental,
        )

    def _undo(self, before, call_start):
        with interrupts_held():
            self.__dict__.clear()
            self.__dict__.update(before)
            if call_start is not None:
                call_start.restore()

    def _keep_finished_epochs(self, warn=True):
        """End a call that a Ctrl-C cut short with the epochs it finished."""
        with interrupts_held():
            self._set_fitted_attributes()
        if not warn:
            return
        kept = (
            "the best validation epoch so far (early_stopping)"
            if self.early_stopping
            else f"epoch {len(self._state.history)}, the last one finished"
        )
        warnings.warn(
            f"Training interrupted by the user: the model is kept as it was after "
            f"{kept}. With warm_start=True, fit continues from there.",
            UserWarning,
            stacklevel=4,
        )

    def _checked_sample_weight(self, sample_weight, X):
        sample_weight = _check_sample_weight(sample_weight, X, dtype=X.dtype)
        if np.any(sample_weight < 0):
            raise ValueError(
                "Negative values in data passed to `sample_weight`: a weight says "
                "how much a sample counts (k counts as k copies), so it must be >= "
                f"0; got {int(np.sum(sample_weight < 0))} negative weight(s), the "
                f"smallest {sample_weight.min():g}."
            )
        if not sample_weight.sum() > 0:
            raise ValueError(
                "sample_weight is zero for every sample: there is nothing to fit. "
                "Give at least one sample a positive weight."
            )
        return sample_weight

    def _check_architecture(self, incremental):
        """Refuse a change to a parameter that defines the fitted network.

        warm_start and partial_fit continue the network already built, whose
        layers, activation and noise were fixed when it was built; the
        displays read those parameters too, so a silent mismatch would show
        one network and predict with another.
        """
        built = getattr(self, "_architecture", None)
        if built is None:
            return
        now = self._architecture_parameters()
        changed = [
            f"{name} was {built[name]!r} and is now {now[name]!r}"
            for name in built
            if now.get(name) != built[name]
        ]
        if not changed:
            return
        how = (
            "Call fit (or clone the estimator) to build a new network"
            if incremental
            else "Set them back, or set warm_start=False to build a new network"
        )
        raise ValueError(
            f"{'partial_fit' if incremental else 'warm_start=True'} continues the "
            "network built by the previous fit, so the parameters that define it "
            f"cannot change: {'; '.join(changed)}. {how} with the new settings."
        )

    def _fit_unsafe(self, X, y, sample_weight, incremental, classes, train=True):
        if train and incremental and self.early_stopping:
            raise ValueError("partial_fit does not support early_stopping=True")
        noise = self._training_noise() if self.solver == "lbfgs" else []
        if noise:
            raise ValueError(
                f"{' and '.join(noise)} need{'s' if len(noise) == 1 else ''} a "
                "stochastic solver: L-BFGS minimises one fixed objective, and "
                "random training noise changes it at every step. Use solver='adam' "
                "or 'sgd', or turn the noise off."
            )
        first_pass = not hasattr(self, "network_") or (
            not self.warm_start and not incremental
        )
        if not first_pass:
            self._check_architecture(incremental)
        if incremental:
            self._first_partial_fit(y, classes)
        X, Y, y, lengths = self._validate_input(X, y, incremental, reset=first_pass)
        if sample_weight is not None:
            sample_weight = self._checked_sample_weight(sample_weight, X)

        if first_pass:
            self._rng, noise_rng, init_rng = self._make_rngs()
            self._initialize(X, Y, init_rng)
            self._state.network.reseed(noise_rng)
        elif not incremental:
            self._rng, noise_rng, _ = self._make_rngs()
            self._state.network.reseed(noise_rng)
        state = self._state
        state.objective.alpha = float(self.alpha)
        if self._monitor.early_stopping != self.early_stopping:
            self._monitor = self._new_monitor()
        if not train:
            self._set_fitted_attributes()
            return self

        X_train, Y_train, sw_train, lengths_train, hooks = (
            self._prepare_split_and_hooks(X, Y, y, sample_weight, lengths)
        )
        if self.solver == "lbfgs":
            self._run_lbfgs(X_train, Y_train, sw_train, hooks, lengths_train)
        else:
            if not incremental or state.optimizer is None:
                state.optimizer = self._make_optimizer(state.network.params)
            state.lbfgs_result = None
            run_epochs(
                state,
                X_train,
                Y_train,
                n_epochs=1 if incremental else self.max_iter,
                batch_size=self._batch_size(X_train.shape[0]),
                shuffle=self.shuffle,
                rng=self._rng,
                sample_weight=sw_train,
                hooks=hooks,
                clip_norm=self.clip_norm,
                sequence_lengths=lengths_train,
            )
            if state.interrupted and incremental:
                raise KeyboardInterrupt  # kept, and passed on (see _fit)
            if state.interrupted:
                self._keep_finished_epochs()
            elif getattr(state, "diverged", None):
                warnings.warn(
                    f"{state.diverged} early_stopping kept the weights of the "
                    "best validation epoch.",
                    ConvergenceWarning,
                    stacklevel=3,
                )
            elif (
                not incremental
                and not state.stop
                and state.epochs_this_call == self.max_iter
            ):
                warnings.warn(
                    f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) "
                    "reached and the optimization hasn't converged yet.",
                    ConvergenceWarning,
                    stacklevel=3,
                )
        self._set_fitted_attributes()
        task = getattr(self, "_callback_fit_ctx", None)
        if task is not None:
            task.call_on_fit_task_end(estimator=self, reconstruction_attributes={})
        return self

    def _make_rngs(self):
        """Generators for (shuffling and splits, dropout noise, initialisation).

        random_state alone decides them; the global generator is never used.
        Separate streams keep each use independent of how much another draws:
        the dropout masks do not depend on the number of samples shuffled.
        """
        if self.random_state is None:
            root = np.random.default_rng()
        else:
            seed_source = check_random_state(self.random_state)
            root = np.random.default_rng(
                seed_source.randint(np.iinfo(np.int32).max, size=4)
            )
        return root.spawn(3)

    # The targets part's hooks (see _classifier.py and _regressor.py).

    def _first_partial_fit(self, y, classes):
        """Set up what a first partial_fit needs before validation (labels)."""

    @abstractmethod
    def _encode_targets(self, X, y, incremental, first_pass):
        """``(Y, y)``: the training targets in X's dtype, and y as validated."""

    @abstractmethod
    def _output_activation(self):
        """The output activation, whose canonical loss is trained."""

    @abstractmethod
    def _score_outputs(self, Y, P, sample_weight):
        """The validation score of outputs ``P`` against targets ``Y``."""

    def _stratify(self, Y, y):
        """What the early-stopping split stratifies by, or None."""
        return None

    _y_numeric = False

    def _validate_input(self, X, y, incremental, reset):
        """``(X, Y, y, lengths)``: the samples as the network takes them, the
        encoded targets, y as validated, and the lengths of padded sequences
        (None but for the recurrent estimators)."""
        X, y = validate_data(
            self,
            self._as_rows(X, reset=reset),
            y,
            accept_sparse=["csr", "csc"],
            multi_output=True,
            y_numeric=self._y_numeric,
            dtype=(np.float64, np.float32),
            reset=reset,
        )
        if sp.issparse(X):
            X = X.tocsr()  # batches are rows
        Y, y = self._encode_targets(X, y, incremental, first_pass=reset)
        return X, Y, y, None

    def _initialize(self, X, Y, rng):
        n_outputs = Y.shape[1]
        out_activation = self._output_activation()
        network = self._build_network(X.shape[1], n_outputs)
        self._initialize_network(network, X.shape[1], rng, X.dtype)
        self._state = TrainingState(
            network, Objective(network, out_activation, self.alpha), None
        )
        self._monitor = self._new_monitor()
        self._architecture = self._architecture_parameters()

    def _initialize_network(self, network, n_features, rng, dtype):
        """Allocate the network's parameters for rows of n_features values."""
        network.initialize((n_features,), rng, dtype)

    def _new_monitor(self):
        return ConvergenceMonitor(
            early_stopping=self.early_stopping,
            tol=self.tol,
            n_iter_no_change=self.n_iter_no_change,
            verbose=self.verbose,
        )

    def _prepare_split_and_hooks(self, X, Y, y, sample_weight, lengths=None):
        hooks = []
        X_train, Y_train, sw_train, lengths_train = X, Y, sample_weight, lengths
        if self.early_stopping and self.solver in _STOCHASTIC_SOLVERS:
            (
                X_train,
                X_val,
                Y_train,
                Y_val,
                sw_train,
                sw_val,
                lengths_train,
                lengths_val,
            ) = self._validation_split(X, Y, y, sample_weight, lengths)
            hooks.append(
                Validation(
                    X_val,
                    Y_val,
                    sw_val,
                    score=self._score_outputs,
                    sequence_lengths=lengths_val,
                )
            )
        stochastic = self.solver in _STOCHASTIC_SOLVERS
        # Dropout and augmentation make the epoch loss too jumpy for tol:
        # without a validation set, stopping watches the loss with them off.
        noisy = (
            stochastic
            and not self.early_stopping
            and self._state.network.needs_sample_keys
        )
        if noisy:
            hooks.append(
                NoiseFreeLoss(
                    X_train,
                    Y_train,
                    sw_train,
                    batch_size=self._batch_size(X_train.shape[0]),
                    sequence_lengths=lengths_train,
                )
            )
        # Before History, which keeps the record as the hooks above left it.
        hooks.append(Diagnostics(X_train, sequence_lengths=lengths_train))
        hooks.append(History())
        if stochastic:
            self._monitor.monitored = "clean_loss" if noisy else "loss"
            self._monitor.tol = self.tol
            self._monitor.n_iter_no_change = self.n_iter_no_change
            self._monitor.verbose = self.verbose
            hooks.append(self._monitor)
        task = getattr(self, "_callback_fit_ctx", None)
        if task is not None:
            metadata = (
                {"sample_weight": sample_weight} if sample_weight is not None else None
            )
            task.call_on_fit_task_begin(estimator=self, X=X, y=y, metadata=metadata)
            # After the others, so callbacks see the epoch's record and
            # stopping decision.
            hooks.append(SklearnCallbacks(self, task, X, y, metadata))
        if self.verbose:
            # Last: a printed line is an epoch finished, one that a Ctrl-C
            # from then on keeps.
            hooks.append(VerbosePrinter())
        return X_train, Y_train, sw_train, lengths_train, hooks

    def _validation_split(self, X, Y, y, sample_weight, lengths=None):
        """The early-stopping split: training then validation parts of X, Y,
        sample_weight and the lengths of padded sequences (None stays None)."""
        n_samples = X.shape[0]
        n_val = math.ceil(self.validation_fraction * n_samples)
        held_out = (
            f"early_stopping holds out validation_fraction="
            f"{self.validation_fraction} of the {n_samples} samples ({n_val})"
        )
        # A classifier's split is stratified by class, and the split's own
        # errors come first.
        stratify = self._stratify(Y, y)
        arrays = [X, Y] + [a for a in (sample_weight, lengths) if a is not None]
        try:
            parts = train_test_split(
                *arrays,
                test_size=n_val,
                random_state=int(self._rng.integers(np.iinfo(np.int32).max)),
                stratify=stratify,
            )
        except ValueError as error:
            which = ""
            if stratify is not None:
                labels, counts = np.unique(y, return_counts=True)
                rare = [
                    f"{label!r}" for label, count in zip(labels, counts) if count < 2
                ]
                which = (
                    f"; in y, {', '.join(rare)} {'has' if len(rare) == 1 else 'have'}"
                    " a single member, and a stratified split needs at least 2 of "
                    "each"
                    if rare
                    else ""
                )
            raise ValueError(
                f"{str(error).rstrip('.')}. Cannot make the "
                f"{'stratified ' if stratify is not None else ''}"
                f"early-stopping split: {held_out}{which}. Increase "
                "validation_fraction or the size of your dataset, or set "
                "early_stopping=False."
            ) from error
        if n_val < 2 or n_samples - n_val < 1:
            raise ValueError(
                f"The validation set is too small: {held_out}; early stopping "
                "needs at least 2 validation samples, and at least one to train "
                "on. Increase validation_fraction or the size of your dataset."
            )
        X_train, X_val, Y_train, Y_val = parts[:4]
        sw_train, sw_val = (
            (parts[4], parts[5]) if sample_weight is not None else (None, None)
        )
        lengths_train, lengths_val = (
            (parts[-2], parts[-1]) if lengths is not None else (None, None)
        )
        if sample_weight is not None:
            for part, weights, use in (
                ("validation", sw_val, "score the model on"),
                ("training", sw_train, "fit"),
            ):
                if not weights.sum() > 0:
                    raise ValueError(
                        f"early_stopping's {part} split ({weights.shape[0]} of "
                        f"{n_samples} samples) has sample weights that sum to zero, "
                        f"so there is nothing to {use}. Give more samples a "
                        "positive weight, change validation_fraction or "
                        "random_state, or set early_stopping=False."
                    )
        return (
            X_train,
            X_val,
            Y_train,
            Y_val,
            sw_train,
            sw_val,
            lengths_train,
            lengths_val,
        )

    # The minibatch size that batch_size='auto' caps at (scikit-learn's 200).
    _auto_batch_size = 200

    def _batch_size(self, n_samples):
        if self.batch_size == "auto":
            return min(self._auto_batch_size, n_samples)
        if self.batch_size > n_samples:
            warnings.warn(
                "Got `batch_size` less than 1 or larger than sample size. "
                "It is going to be clipped",
                stacklevel=4,
            )
        return int(np.clip(self.batch_size, 1, n_samples))

    def _make_optimizer(self, params):
        if self.solver == "sgd":
            return SGD(
                params,
                self.learning_rate_init,
                self.learning_rate,
                self.momentum,
                self.nesterovs_momentum,
                self.power_t,
            )
        return Adam(
            params, self.learning_rate_init, self.beta_1, self.beta_2, self.epsilon
        )

    def _run_lbfgs(self, X, Y, sample_weight, hooks, lengths=None):
        result = run_lbfgs(
            self._state,
            X,
            Y,
            max_iter=self.max_iter,
            max_fun=self.max_fun,
            tol=self.tol,
            sample_weight=sample_weight,
            hooks=hooks,
            sequence_lengths=lengths,
        )
        if result.status != 0:
            message = result.message
            if isinstance(message, bytes):
                message = message.decode("latin1")
            warnings.warn(
                f"lbfgs failed to converge after {result.nit} iteration(s) "
                f"(status={result.status}):\n{message}\n\nIncrease the number of "
                "iterations to improve the convergence (max_iter="
                f"{self.max_iter}) or scale the data.",
                ConvergenceWarning,
                stacklevel=4,
            )
        self._state.lbfgs_result = (min(result.nit, self.max_iter), float(result.fun))

    def _set_fitted_attributes(self):
        state, monitor = self._state, self._monitor
        self._point_at_network()
        self.n_layers_ = len(self.coefs_) + 1
        self.n_outputs_ = self.intercepts_[-1].shape[0]
        self.out_activation_ = state.objective.out_activation
        self.history_ = state.history
        self.loss_curve_ = state.loss_curve
        self.t_ = state.n_samples_seen
        if state.lbfgs_result is not None:
            self.n_iter_, self.loss_ = state.lbfgs_result
            self.best_loss_ = min(state.lowest_loss, self.loss_)
            self.validation_scores_ = self.best_validation_score_ = None
            self.validation_loss_curve_ = None
            return
        self.n_iter_ = state.epochs_this_call
        self.loss_ = self.loss_curve_[-1] if self.loss_curve_ else None
        self.best_loss_ = monitor.best_loss
        self.validation_scores_ = monitor.validation_scores
        self.best_validation_score_ = monitor.best_validation_score
        self.validation_loss_curve_ = (
            state.validation_loss_curve if monitor.early_stopping else None
        )

    # -------------------------------------------------------------- predict

    def _forward_output(self, X):
        """The network's output for X, after the output activation."""
        check_is_fitted(self)
        X, lengths = self._validate_for_prediction(X)
        return self._state.objective.predict_proba(X, lengths)  # in chunks

    def _validate_for_prediction(self, X):
        """``(X, lengths)``: the samples as the network takes them, and the
        lengths of padded sequences (None but for the recurrent estimators)."""
        X = validate_data(
            self,
            self._as_rows(X, reset=False),
            accept_sparse=["csr", "csc"],
            dtype=(np.float64, np.float32),
            reset=False,
        )
        return X, None

    def _as_rows(self, X, reset):
        """The samples as rows of features; estimators taking images override it."""
        return X

    def __sklearn_is_fitted__(self):
        return hasattr(self, "network_")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
