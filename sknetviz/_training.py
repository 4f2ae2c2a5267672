"""The training loop: minibatch epochs over a Sequential, with named hook points.

It works on a network and arrays; validating the user's input is the
estimator's job. The loop fills one record per epoch and calls hooks at
``on_train_begin``, ``on_epoch_begin``, ``on_batch_end``, ``on_epoch_end`` and
``on_train_end``. History, validation, stopping and verbose printing are hooks,
not branches inside the loop, so more can be added without touching it.
"""

import contextlib
import math
import signal
import threading
import time

import numpy as np

from .nn import LOSSES, OUTPUT_LOSS, get_activation, minimize_lbfgs


class DivergenceError(ValueError):
    """Training diverged: a non-finite loss or weights, or runaway weights.

    A :class:`ValueError`, raised by ``fit`` and ``partial_fit`` when a
    batch gives a non-finite loss or the weights become non-finite, and,
    with 'adam' or 'sgd', when the weights' root-mean-square has grown to
    more than 1e4 times its value at initialisation (working runs stay
    below 20 times). The message names the learning rate and the input
    scale, the usual culprits. The estimator is left as it was before the
    call.

    Examples
    --------
    >>> from sklearn.datasets import make_moons
    >>> from sknetviz import DivergenceError, MLPVisualClassifier
    >>> X, y = make_moons(n_samples=300, noise=0.2, random_state=1)
    >>> clf = MLPVisualClassifier((5,), solver="sgd", learning_rate_init=1e6)
    >>> try:
    ...     clf.fit(X, y)
    ... except DivergenceError as error:
    ...     print(str(error).split(":")[0])
    Training diverged at epoch 1
    >>> hasattr(clf, "coefs_")  # left as it was: unfitted
    False
    """


class Objective:
    """The regularised loss of a network: output activation, loss and L2 penalty.

    Parameters
    ----------
    network : Sequential
        Maps inputs to the output layer's pre-activation.
    out_activation : {'softmax', 'logistic'}
        The output activation; its canonical loss is used.
    alpha : float
        L2 strength: the penalty is ``0.5 * alpha * ||W||^2 / sum(sample_weight)``
        per batch, on weights only.
    """

    def __init__(self, network, out_activation, alpha):
        self.network = network
        self.out_activation = out_activation
        self.alpha = float(alpha)
        self._output_function = get_activation(out_activation)[0]
        self._loss, self._output_delta = LOSSES[OUTPUT_LOSS[out_activation]]

    def predict_proba(self, X, sequence_lengths=None):
        """Output probabilities at inference (dropout off).

        Large X goes through in chunks (:meth:`Sequential.rows_per_chunk`), so
        the hidden layers, or a CNN's sliding windows, of all of X never sit
        in memory at once. ``sequence_lengths`` (one per sample of padded
        sequences, or None) is cut into the same chunks.
        """
        rows = self.network.rows_per_chunk(np.dtype(X.dtype).itemsize)
        if X.shape[0] <= rows:
            return self._chunk_proba(X, sequence_lengths)
        return np.concatenate(
            [
                self._chunk_proba(
                    X[start : start + rows],
                    None
                    if sequence_lengths is None
                    else sequence_lengths[start : start + rows],
                )
                for start in range(0, X.shape[0], rows)
            ]
        )

    def _chunk_proba(self, X, sequence_lengths=None):
        logits = self.network.forward(
            X, training=False, sequence_lengths=sequence_lengths
        )
        # Inputs of absurd scale can overflow to inf - inf = nan in the logits;
        # clamping keeps every prediction a probability.
        np.nan_to_num(logits, copy=False)
        return self._output_function(logits, out=logits)

    def data_loss(self, Y, P, sample_weight=None):
        """The unregularised loss of probabilities ``P`` against targets ``Y``."""
        return self._loss(Y, P, sample_weight)

    def penalty(self, weight_sum):
        """The L2 term of a batch whose sample weights sum to ``weight_sum``."""
        if not self.alpha:
            return 0.0
        return 0.5 * self.alpha * self.network.squared_weight_norm() / weight_sum

    def loss_and_gradients(
        self, X, Y, sample_weight=None, sample_keys=None, sequence_lengths=None
    ):
        """Forward and backward on a batch: fill the grads, return the loss."""
        data_loss, penalty = self.loss_terms_and_gradients(
            X, Y, sample_weight, sample_keys, sequence_lengths
        )
        return data_loss + penalty

    def loss_terms_and_gradients(
        self, X, Y, sample_weight=None, sample_keys=None, sequence_lengths=None
    ):
        """Forward and backward on a batch: fill the grads, return the loss's
        two terms, the data loss and the L2 penalty (0.0 without ``alpha``).

        ``sequence_lengths`` (the batch's, for padded sequences) goes to the
        recurrent layers, as :meth:`Sequential.forward` describes."""
        logits = self.network.forward(
            X,
            training=True,
            sample_keys=sample_keys,
            sample_weight=sample_weight,
            sequence_lengths=sequence_lengths,
        )
        P = self._output_function(logits, out=logits)
        data_loss = self._loss(Y, P, sample_weight)
        self.network.backward(self._output_delta(Y, P, sample_weight))
        penalty = 0.0
        if self.alpha:
            weight_sum = X.shape[0] if sample_weight is None else sample_weight.sum()
            penalty = self.penalty(weight_sum)
            self.network.add_l2_gradient(self.alpha / weight_sum)
        return data_loss, penalty


class TrainingState:
    """What the loop and its hooks share.

    Attributes
    ----------
    network, objective, optimizer
        What is being trained and how.
    history : list of dict
        One record per epoch over every call (hooks append to it).
    loss_curve : list of float
        The 'loss' of each record of ``history``, kept beside it so that
        reading it costs nothing however long training has run.
    validation_loss_curve : list of float
        The 'val_loss' of the records that have one.
    lowest_loss : float
        The smallest 'loss' of ``history`` (inf while it is empty).
    record : dict
        The current epoch's record: 'epoch', 'loss', 'learning_rate',
        'data_loss', 'grad_norms', 'seconds', and what hooks add ('val_loss',
        'val_score', 'clean_loss', 'saturation', 'update_ratio'). 'loss' is
        the objective trained, L2 penalty included (scikit-learn's
        ``loss_curve_``); 'data_loss' is the same epoch's loss without the
        penalty, the one to compare with 'val_loss'.
    n_samples_seen : int
        Samples seen by the optimizer over every call (scikit-learn's ``t_``).
    epochs_this_call : int
        Epochs run by the current call.
    stop : bool
        Set by a hook to end training after the current epoch.
    interrupted : bool
        The current call was ended by a Ctrl-C (KeyboardInterrupt).
    keeps_finished_epochs : bool
        An interrupt now keeps the epochs this call has finished: set once
        the call's first epoch is over (never by L-BFGS, whose iterations
        have no epoch boundary to return to).
    epoch_in_progress : Snapshot or None
        The start of the epoch being run, while it runs: where an interrupt
        returns to (:func:`return_to_last_finished_epoch`).
    initial_weight_rms : float
        Root-mean-square of the weights as the network was initialised, the
        yardstick of the divergence rule (:func:`check_divergence`).
    lbfgs_result : tuple of (int, float) or None
        Iterations and final loss of the last L-BFGS run; None after epochs
        of minibatches.
    """

    def __init__(self, network, objective, optimizer):
        self.network = network
        self.objective = objective
        self.optimizer = optimizer
        self.history = []
        self.loss_curve = []
        self.validation_loss_curve = []
        self.lowest_loss = math.inf
        self.record = {}
        self.n_samples_seen = 0
        self.epochs_this_call = 0
        self.stop = False
        self.interrupted = False
        self.keeps_finished_epochs = False
        self.epoch_in_progress = None
        self.initial_weight_rms = weight_rms(network)
        self.lbfgs_result = None

    def __setstate__(self, attributes):
        vars(self).update(attributes)
        # Model files written before the curves and flags were kept.
        if "loss_curve" not in attributes:
            self.loss_curve = [record["loss"] for record in self.history]
            self.validation_loss_curve = [
                record["val_loss"] for record in self.history if "val_loss" in record
            ]
        vars(self).setdefault("interrupted", False)
        vars(self).setdefault("keeps_finished_epochs", False)
        vars(self).setdefault("epoch_in_progress", None)
        vars(self).setdefault("lowest_loss", min(self.loss_curve, default=math.inf))
        if "initial_weight_rms" not in attributes:
            # Unknown for such a file: the weights as saved stand in, which
            # loosens the runaway rule by their growth so far (at most ~16x).
            self.initial_weight_rms = weight_rms(self.network)


class Hook:
    """Base class of training hooks: every hook point is a no-op."""

    def on_train_begin(self, state):
        pass

    def on_epoch_begin(self, state):
        pass

    def on_batch_end(self, state):
        pass

    def on_epoch_end(self, state):
        pass

    def on_train_end(self, state):
        pass

    def on_divergence(self, state):
        """The epoch in ``state.record`` diverged; a hook that can keep a model
        (early stopping's best epoch) says so by returning True."""
        return False

    def checkpoint(self):
        """What :meth:`rollback` needs to return to this moment; None if nothing.

        Its cost must not grow with the length of training: it is taken at
        the start of every epoch.
        """
        return None

    def rollback(self, saved):
        """Return to a :meth:`checkpoint` (an epoch or a call is undone)."""


def _call(hooks, point, state):
    for hook in hooks:
        getattr(hook, point)(state)


# ------------------------------------------------------------------ divergence

# The divergence rule: the weights' root-mean-square may grow to this many
# times its value at initialisation before a run counts as running away.
# Working runs, dropout and learning rates up to 1 included, grow their
# weights at most 16-fold in benchmarks/bench_divergence.py; the runaways
# there pass 1e4 within two epochs, on their way to 1e30 and beyond.
RUNAWAY_GROWTH = 1e4


def weight_rms(network):
    """Root-mean-square of a network's weights (biases and scales excluded)."""
    n_weights = sum(w.size for w in network.weights)
    if n_weights == 0:
        return 0.0
    with np.errstate(over="ignore", invalid="ignore"):
        return math.sqrt(network.squared_weight_norm() / n_weights)


def _diverged(state, what, non_finite=False):
    rate = state.optimizer.learning_rate if state.optimizer is not None else None
    rate_text = f"the learning rate ({rate:g})" if rate is not None else "the step size"
    # scikit-learn's own sentence too, for code that matches on it.
    sklearn_words = (
        " Solver produced non-finite parameter weights. The input data may "
        "contain large values and need to be preprocessed."
        if non_finite
        else ""
    )
    return DivergenceError(
        f"Training diverged at epoch {len(state.history) + 1}: {what}."
        f"{sklearn_words} Either {rate_text} is too large, or the input scale is "
        "too large: lower learning_rate_init, or standardize X (for example "
        "with sklearn.preprocessing.StandardScaler)."
    )


def _check_finite_params(state):
    # min and max carry any NaN or inf through, without a mask the size of p.
    if not all(
        math.isfinite(p.min()) and math.isfinite(p.max())
        for p in state.network.params
        if p.size
    ):
        raise _diverged(state, "the weights became non-finite", non_finite=True)


def check_divergence(state):
    """Raise :class:`DivergenceError` if the epoch just run has diverged.

    A run diverges when a weight becomes non-finite, or when the weights'
    root-mean-square grows beyond ``RUNAWAY_GROWTH`` (1e4) times its value
    at initialisation: such a run is on its way to inf, and its model is no
    model. A non-finite loss is caught at the batch that produced it. L-BFGS
    is not held to the growth rule: its line search only takes steps that
    lower the loss, so it cannot run away.
    """
    _check_finite_params(state)
    reference = state.initial_weight_rms
    rms = weight_rms(state.network)
    if reference > 0 and rms > RUNAWAY_GROWTH * reference:
        raise _diverged(
            state,
            f"the weights ran away, to a root-mean-square of {rms:.3g}, "
            f"{rms / reference:.3g} times the {reference:.3g} they started at "
            f"(the limit is {RUNAWAY_GROWTH:g} times)",
        )


def _batches(n_samples, batch_size, order):
    for start in range(0, n_samples, batch_size):
        stop = min(start + batch_size, n_samples)
        yield (slice(start, stop) if order is None else order[start:stop]), stop - start


# -------------------------------------------------------------------- rollback


def _hold_interrupt(signum, frame):
    """A Ctrl-C while a rollback finishes: training is already stopping."""


@contextlib.contextmanager
def interrupts_held():
    """Let no Ctrl-C cut the block short; one that comes meanwhile is dropped.

    For the work that ends an interrupted run (finishing a rollback, or
    restoring early stopping's best weights), so that a second Ctrl-C cannot
    leave it half done. Signals reach only the main thread, so elsewhere
    there is nothing to hold.
    """
    previous = None
    if threading.current_thread() is threading.main_thread():
        current = signal.getsignal(signal.SIGINT)
        if callable(current) or current in (signal.SIG_DFL, signal.SIG_IGN):
            previous = signal.signal(signal.SIGINT, _hold_interrupt)
    try:
        yield
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


@contextlib.contextmanager
def first_interrupt_only():
    """The first Ctrl-C of a fit call raises KeyboardInterrupt; later ones are dropped.

    Users often press Ctrl-C twice. The first stops training and starts a
    rollback; a second must not cut that rollback short, wherever it lands,
    even in the moment before the rollback could hold it off. Only where
    Python's own handler is in place, in the main thread; a handler of the
    user's is left alone.
    """
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGINT) is not signal.default_int_handler
    ):
        yield
        return
    received = []

    def on_interrupt(signum, frame):
        if not received:
            received.append(signum)
            raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, on_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def return_to_last_finished_epoch(state):
    """After an interrupt: put back the start of the epoch it cut short, if any.

    Safe to call more than once: the second call finds nothing to undo.
    """
    with interrupts_held():
        epoch_start, state.epoch_in_progress = state.epoch_in_progress, None
        if epoch_start is not None:
            epoch_start.restore()
        state.interrupted = True


class Snapshot:
    """The training state at one moment, and the way back to it.

    The one rollback mechanism. ``fit`` and ``partial_fit`` take one as a
    call starts, so that a failed call leaves the model as it was; the epoch
    loop takes one as each epoch after the first starts, so that an
    interrupt keeps the epochs already finished.

    It copies what training changes in place: the parameter values and the
    layers' declared state (running statistics), the optimizer's running
    state (when asked), the hooks' checkpoints and the
    positions of the random streams. The history and the loss curves only
    grow, so their lengths are enough, and the cost of a snapshot does not
    depend on how long the model has trained. ``capture`` reuses the arrays
    of its previous capture.
    """

    def __init__(self):
        self._values = []

    def capture(self, state, *, hooks=(), rngs=(), optimizer_arrays=True):
        """Remember ``state`` now.

        Parameters
        ----------
        state : TrainingState
        hooks : sequence of Hook
            Hooks whose :meth:`Hook.checkpoint` to keep.
        rngs : sequence of numpy.random.Generator
            Streams to rewind on restore, beside the network's own.
        optimizer_arrays : bool, default=True
            Copy the optimizer's running state. Without it only the
            optimizer object is kept: enough when the call will replace the
            optimizer rather than update it.
        """
        network, optimizer = state.network, state.optimizer
        live = list(network.arrays)
        if optimizer_arrays and optimizer is not None:
            live += optimizer.state_arrays()
        if [(v.shape, v.dtype) for v in self._values] != [
            (a.shape, a.dtype) for a in live
        ]:
            self._values = [np.empty_like(a) for a in live]
        for value, array in zip(self._values, live):
            np.copyto(value, array)
        self._live = live
        self._state = state
        self._optimizer = optimizer
        self._optimizer_scalars = None if optimizer is None else dict(vars(optimizer))
        self._counts = (
            len(state.history),
            len(state.loss_curve),
            len(state.validation_loss_curve),
        )
        self._scalars = (
            state.n_samples_seen,
            state.epochs_this_call,
            state.lbfgs_result,
            state.keeps_finished_epochs,
            state.lowest_loss,
        )
        self._hooks = [(hook, hook.checkpoint()) for hook in hooks]
        layer_streams = [(layer, layer.rng) for layer in network.noise_layers()]
        self._layer_streams = layer_streams
        self._rngs = [
            (rng, rng.bit_generator.state)
            for rng in [*rngs, *(rng for _, rng in layer_streams)]
        ]
        return self

    def saved(self, arrays):
        """The captured values of ``arrays``, live arrays of the captured
        state (its weights, say), or None if one of them was not captured.

        Read-only: they are what :meth:`restore` puts back.
        """
        if not self._values:
            return None
        index = {id(array): i for i, array in enumerate(self._live)}
        if not all(id(array) in index for array in arrays):
            return None
        return [self._values[index[id(array)]] for array in arrays]

    def restore(self):
        """Put everything captured back, in place."""
        state = self._state
        for array, value in zip(self._live, self._values):
            np.copyto(array, value)
        state.optimizer = self._optimizer
        if self._optimizer is not None:
            vars(self._optimizer).update(self._optimizer_scalars)
        n_history, n_losses, n_val_losses = self._counts
        del state.history[n_history:]
        del state.loss_curve[n_losses:]
        del state.validation_loss_curve[n_val_losses:]
        (
            state.n_samples_seen,
            state.epochs_this_call,
            state.lbfgs_result,
            state.keeps_finished_epochs,
            state.lowest_loss,
        ) = self._scalars
        for hook, saved in self._hooks:
            if saved is not None:
                hook.rollback(saved)
        for layer, rng in self._layer_streams:
            layer.rng = rng
        for rng, position in self._rngs:
            rng.bit_generator.state = position
        # Also drops what a forward pass cut short left for its backward.
        state.network.release_work_arrays()


# ------------------------------------------------------------------- the loop


def clip_global_norm(grads, clip_norm):
    """Scale ``grads`` in place so that their joint norm is at most ``clip_norm``.

    Returns whether they were scaled. The direction of the step is kept;
    only its length is capped.
    """
    norm = math.sqrt(sum(float(np.dot(g.ravel(), g.ravel())) for g in grads))
    if not norm > clip_norm:  # NaN is left for the divergence check
        return False
    scale = clip_norm / norm
    for g in grads:
        g *= scale
    return True


def _run_epoch(
    state,
    X,
    Y,
    batch_size,
    shuffle,
    rng,
    sample_weight,
    keys,
    hooks,
    clip_norm,
    sequence_lengths=None,
):
    """One pass over the data in minibatches, then the epoch's record and hooks.

    A batch whose sample weights sum to zero holds nothing to learn from: it
    is skipped, with no step and no share in the epoch's loss. With
    ``clip_norm``, each step's gradient is clipped to that global norm after
    its norms are recorded (they show what clipping cut).
    """
    n_samples = X.shape[0]
    network, objective, optimizer = state.network, state.objective, state.optimizer
    params, grads, weight_grads = network.params, network.grads, network.weight_grads
    started = time.perf_counter()
    state.record = {"epoch": len(state.history) + 1}
    _call(hooks, "on_epoch_begin", state)
    order = rng.permutation(n_samples) if shuffle else None
    learning_rate = optimizer.learning_rate
    accumulated_loss = accumulated_data_loss = 0.0
    n_trained, n_batches = 0, 0
    grad_norm_sums = np.zeros(len(weight_grads))
    n_clipped = 0
    for batch, size in _batches(n_samples, batch_size, order):
        sw_batch = None if sample_weight is None else sample_weight[batch]
        if sw_batch is not None and not sw_batch.sum() > 0:
            continue
        keys_batch = None if keys is None else keys[batch]
        lengths_batch = None if sequence_lengths is None else sequence_lengths[batch]
        batch_data_loss, batch_penalty = objective.loss_terms_and_gradients(
            X[batch], Y[batch], sw_batch, keys_batch, lengths_batch
        )
        batch_loss = batch_data_loss + batch_penalty
        if not math.isfinite(batch_loss):
            raise _diverged(state, f"the loss became {batch_loss}", non_finite=True)
        grad_norm_sums += [
            math.sqrt(np.dot(g.ravel(), g.ravel())) for g in weight_grads
        ]
        if clip_norm is not None:
            n_clipped += clip_global_norm(grads, clip_norm)
        optimizer.update_params(params, grads)
        accumulated_loss += batch_loss * size
        accumulated_data_loss += batch_data_loss * size
        n_trained += size
        n_batches += 1
        _call(hooks, "on_batch_end", state)
    check_divergence(state)
    state.n_samples_seen += n_samples
    state.epochs_this_call += 1
    state.record.update(
        loss=accumulated_loss / n_trained,
        data_loss=accumulated_data_loss / n_trained,
        learning_rate=learning_rate,
        grad_norms=(grad_norm_sums / n_batches).tolist(),
        seconds=time.perf_counter() - started,
    )
    if clip_norm is not None:
        state.record["clipped"] = n_clipped
    optimizer.iteration_ends(state.n_samples_seen)  # the next epoch's rate
    _call(hooks, "on_epoch_end", state)


def _keep_best_epoch_of_diverged_run(state, hooks, error):
    """Record the diverged epoch and stop, if a hook keeps a model; else False.

    Early stopping has the weights of its best validation epoch, a model
    worth keeping, so a run that diverges after it ends as scikit-learn's
    does: the diverged epoch is in the history with NaN figures, and the
    best epoch's weights come back at the end. Without such a hook the
    error propagates and the call is undone.
    """
    with interrupts_held():
        epoch_start, state.epoch_in_progress = state.epoch_in_progress, None
        epoch_start.restore()  # finite arrays again, for the hooks to read
        state.record = {
            "epoch": len(state.history) + 1,
            "loss": math.nan,
            "data_loss": math.nan,
            "learning_rate": state.optimizer.learning_rate,
            "diverged": str(error),
        }
        if not any([hook.on_divergence(state) for hook in hooks]):
            return False
        state.epochs_this_call += 1
        state.diverged = str(error)
        state.stop = True
        return True


def _end_training(state, hooks):
    """Call the hooks' ``on_train_end``; an interrupt there still lets them finish.

    They finish what the finished epochs decided (early stopping puts back
    its best weights), and each may be called again to complete.
    """
    try:
        _call(hooks, "on_train_end", state)
    except KeyboardInterrupt:
        if not state.keeps_finished_epochs:
            raise
        state.interrupted = True
        with interrupts_held():
            _call(hooks, "on_train_end", state)


# A diverging run overflows in many places; DivergenceError reports it once,
# instead of a storm of RuntimeWarnings before it.
@np.errstate(over="ignore", invalid="ignore")
def run_epochs(
    state,
    X,
    Y,
    *,
    n_epochs,
    batch_size,
    shuffle,
    rng,
    sample_weight=None,
    hooks=(),
    clip_norm=None,
    sequence_lengths=None,
):
    """Train ``state.network`` for up to ``n_epochs`` epochs of minibatches.

    A Ctrl-C (KeyboardInterrupt) during the call's first epoch propagates:
    the caller undoes the call. Once an epoch has finished, a Ctrl-C
    anywhere ends training and keeps the epochs finished so far, with
    ``state.interrupted`` set: an epoch it cuts short is rolled back.

    Parameters
    ----------
    state : TrainingState
        Carries the network, objective, optimizer and history across calls.
    X : ndarray or CSR matrix of shape (n_samples, n_features)
    Y : ndarray of shape (n_samples, n_outputs)
        Targets, one-hot or {0, 1}, in the network's dtype.
    n_epochs : int
    batch_size : int
    shuffle : bool
        Visit the samples in a new random order each epoch.
    rng : numpy.random.Generator
        The only source of randomness for shuffling.
    sample_weight : ndarray of shape (n_samples,), default=None
    hooks : sequence of Hook
        Called in order at each hook point.
    clip_norm : float, default=None
        Clip each step's gradient to this global norm (see
        :func:`clip_global_norm`); the record's 'clipped' counts the steps.
    sequence_lengths : ndarray of int of shape (n_samples,), default=None
        The length of each padded sequence of ``X`` (None: all full length),
        cut into batches as the samples are, for the recurrent layers.

    Returns
    -------
    state : TrainingState
    """
    network = state.network
    keys = network.sample_keys(X) if network.needs_sample_keys else None
    state.stop = False
    state.interrupted = False
    state.diverged = None
    state.keeps_finished_epochs = False
    state.epochs_this_call = 0
    _call(hooks, "on_train_begin", state)
    epoch_start = Snapshot()
    for epoch in range(n_epochs):
        if epoch:
            try:
                epoch_start.capture(state, hooks=hooks, rngs=(rng,))
            except KeyboardInterrupt:
                # Capturing only reads the model, which is whole.
                state.interrupted = True
                break
            state.epoch_in_progress = epoch_start
        try:
            _run_epoch(
                state,
                X,
                Y,
                batch_size,
                shuffle,
                rng,
                sample_weight,
                keys,
                hooks,
                clip_norm,
                sequence_lengths,
            )
        except DivergenceError as error:
            if not epoch or not _keep_best_epoch_of_diverged_run(state, hooks, error):
                raise
            break
        except KeyboardInterrupt:
            if not epoch:
                raise
            # As scikit-learn's MLP does, an interrupt ends training but keeps
            # a usable model: here, exactly the one of the last whole epoch.
            return_to_last_finished_epoch(state)
            break
        state.epoch_in_progress = None
        state.keeps_finished_epochs = True
        if state.stop:
            break
    _end_training(state, hooks)
    return state


@np.errstate(over="ignore", invalid="ignore")
def run_lbfgs(
    state,
    X,
    Y,
    *,
    max_iter,
    max_fun,
    tol,
    sample_weight=None,
    hooks=(),
    sequence_lengths=None,
):
    """Train ``state.network`` on the full batch with L-BFGS.

    Each L-BFGS iteration counts as an epoch for the hooks and the history;
    its 'learning_rate' is None, as L-BFGS chooses its own steps.
    ``sequence_lengths`` is as in :func:`run_epochs`.

    Returns
    -------
    result : scipy.optimize.OptimizeResult
    """
    network, objective = state.network, state.objective
    weight_grads = network.weight_grads
    state.stop = False
    state.epochs_this_call = 0
    started = [time.perf_counter()]
    # L-BFGS-B ends an iteration with an evaluation at the point it accepts,
    # so the last evaluation's data loss is the iteration's.
    last_data_loss = [math.nan]

    def loss_and_grads():
        data_loss, penalty = objective.loss_terms_and_gradients(
            X, Y, sample_weight, sequence_lengths=sequence_lengths
        )
        loss = data_loss + penalty
        if not math.isfinite(loss):
            raise _diverged(state, f"the loss became {loss}", non_finite=True)
        last_data_loss[0] = data_loss
        return loss, network.grads

    def on_iteration(loss):
        state.record = {"epoch": len(state.history) + 1}
        state.n_samples_seen += X.shape[0]
        state.epochs_this_call += 1
        state.record.update(
            loss=loss,
            data_loss=float(last_data_loss[0]),
            learning_rate=None,
            grad_norms=[math.sqrt(np.dot(g.ravel(), g.ravel())) for g in weight_grads],
            seconds=time.perf_counter() - started[0],
        )
        # So far: what the run would report if it ended here (hooks read it).
        state.lbfgs_result = (state.epochs_this_call, loss)
        _call(hooks, "on_epoch_end", state)
        started[0] = time.perf_counter()

    _call(hooks, "on_train_begin", state)
    result = minimize_lbfgs(
        network.params,
        loss_and_grads,
        max_iter=max_iter,
        max_fun=max_fun,
        tol=tol,
        callback=on_iteration,
    )
    _check_finite_params(state)
    _call(hooks, "on_train_end", state)
    return result


class History(Hook):
    """Append each epoch's record to ``state.history``, and its losses to the curves."""

    def on_divergence(self, state):
        self.on_epoch_end(state)
        return False

    def on_epoch_end(self, state):
        record = dict(state.record)
        state.history.append(record)
        state.loss_curve.append(record["loss"])
        state.lowest_loss = min(state.lowest_loss, record["loss"])
        if "val_loss" in record:
            state.validation_loss_curve.append(record["val_loss"])


class Validation(Hook):
    """Score a held-out set after each epoch: adds 'val_loss' and 'val_score'.

    'val_loss' is the unregularised loss; 'val_score' is ``score(Y, P,
    sample_weight)`` of the outputs ``P``: a classifier's accuracy, a
    regressor's R². ``sequence_lengths`` are those of padded sequences in
    ``X``, or None.
    """

    def __init__(self, X, Y, sample_weight=None, *, score, sequence_lengths=None):
        self.X, self.Y, self.sample_weight = X, Y, sample_weight
        self.score = score
        self.sequence_lengths = sequence_lengths

    def on_epoch_end(self, state):
        P = state.objective.predict_proba(self.X, self.sequence_lengths)
        state.record["val_loss"] = state.objective.data_loss(
            self.Y, P, self.sample_weight
        )
        state.record["val_score"] = float(self.score(self.Y, P, self.sample_weight))

    def on_divergence(self, state):
        state.record["val_loss"] = state.record["val_score"] = math.nan
        return False


class NoiseFreeLoss(Hook):
    """Add 'clean_loss' to each record: the training loss with the noise off.

    With dropout or augmentation, an epoch's 'loss' is measured under random
    noise that changes every step, and it jumps by more than ``tol`` from one
    epoch to the next while the model is still far from fitted. The same
    loss at inference, with the noise off, moves as the model does; the
    stopping rule watches it instead (see :class:`ConvergenceMonitor`).

    Like 'loss', it includes the L2 term of a batch, so the two compare. It
    is measured on at most ``max_samples`` training samples, evenly spaced
    and the same every epoch, so that it costs little beside the epoch (one
    inference pass over 2048 samples) however large the data; evenly spaced,
    they cover data sorted by class or by source. ``sequence_lengths`` are
    those of padded sequences in ``X``, or None.
    """

    max_samples = 2048

    def __init__(self, X, Y, sample_weight=None, *, batch_size, sequence_lengths=None):
        n_samples = X.shape[0]
        total = n_samples if sample_weight is None else float(sample_weight.sum())
        # The L2 term as the epoch's 'loss' carries it: per batch, divided by
        # the batch's weight, so that the two losses compare.
        self.batch_weight = total * min(batch_size, n_samples) / n_samples
        rows = slice(None, None, math.ceil(n_samples / self.max_samples))
        if sample_weight is not None and not sample_weight[rows].sum() > 0:
            rows = slice(None)  # the spaced rows weigh nothing: use them all
        self.X, self.Y = X[rows], Y[rows]
        self.sample_weight = None if sample_weight is None else sample_weight[rows]
        self.sequence_lengths = (
            None if sequence_lengths is None else sequence_lengths[rows]
        )

    def on_epoch_end(self, state):
        objective = state.objective
        P = objective.predict_proba(self.X, self.sequence_lengths)
        state.record["clean_loss"] = objective.data_loss(
            self.Y, P, self.sample_weight
        ) + objective.penalty(self.batch_weight)


class ConvergenceMonitor(Hook):
    """scikit-learn's stopping rule, as a hook that persists across calls.

    Without early stopping, training stalls when the loss has not improved on
    ``best_loss - tol`` for more than ``n_iter_no_change`` epochs; with it,
    when the validation score has not improved on ``best + tol``, and the
    weights of the best score are restored at the end. A stall stops training,
    or, for the 'adaptive' schedule, divides the learning rate by 5.

    ``monitored`` names the record's loss the rule watches: 'loss', as
    scikit-learn does, or 'clean_loss' (:class:`NoiseFreeLoss`) when the
    network trains with noise, whose epoch losses are too jumpy for ``tol``.
    """

    def __init__(self, *, early_stopping, tol, n_iter_no_change, verbose):
        self.early_stopping = early_stopping
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.verbose = verbose
        self.monitored = "loss"
        self.no_improvement_count = 0
        self.best_loss = None if early_stopping else np.inf
        self.best_validation_score = -np.inf if early_stopping else None
        self.validation_scores = [] if early_stopping else None
        self.best_params = None

    def checkpoint(self):
        # best_params is replaced, never written into, so keeping the
        # reference is enough; validation_scores only grows.
        scores = self.validation_scores
        return dict(vars(self)), None if scores is None else len(scores)

    def rollback(self, saved):
        attributes, n_scores = saved
        vars(self).clear()
        vars(self).update(attributes)
        if n_scores is not None:
            del self.validation_scores[n_scores:]

    def on_epoch_end(self, state):
        if self.early_stopping:
            score = state.record["val_score"]
            self.validation_scores.append(score)
            improved = score >= self.best_validation_score + self.tol
            if score > self.best_validation_score:
                self.best_validation_score = score
                self.best_params = [a.copy() for a in state.network.arrays]
        else:
            loss = state.record[self.monitored]
            improved = loss <= self.best_loss - self.tol
            self.best_loss = min(self.best_loss, loss)
        self.no_improvement_count = 0 if improved else self.no_improvement_count + 1
        if self.no_improvement_count > self.n_iter_no_change:
            what = "Validation score" if self.early_stopping else "Training loss"
            msg = (
                f"{what} did not improve more than tol={self.tol:f} for "
                f"{self.n_iter_no_change} consecutive epochs."
            )
            if state.optimizer.trigger_stopping(msg, self.verbose):
                state.stop = True
            else:
                self.no_improvement_count = 0

    def on_divergence(self, state):
        if not (self.early_stopping and self.best_params is not None):
            return False
        self.validation_scores.append(math.nan)
        return True

    def on_train_end(self, state):
        if self.early_stopping and self.best_params is not None:
            for param, best in zip(state.network.arrays, self.best_params):
                param[...] = best


class VerbosePrinter(Hook):
    """Print one line per epoch, scikit-learn's first, then sknetviz's figures.

    ``Iteration 3, loss = 0.42371123`` as MLPClassifier prints it (the
    iteration counts every epoch of the model, across calls), followed by the
    validation loss and score with early stopping, and the epoch's seconds.
    """

    def on_epoch_end(self, state):
        record = state.record
        parts = [f"Iteration {record['epoch']}, loss = {record['loss']:.8f}"]
        if "val_loss" in record:
            parts.append(f"val_loss = {record['val_loss']:.8f}")
            parts.append(f"val_score = {record['val_score']:.4f}")
        parts.append(f"{record['seconds']:.3f}s")
        print(", ".join(parts))
