"""The training loop: minibatch epochs over a Sequential, with named hook points.

It works on a network and arrays; validating the user's input is the
estimator's job. The loop fills one record per epoch and calls hooks at
``on_train_begin``, ``on_epoch_begin``, ``on_batch_end``, ``on_epoch_end`` and
``on_train_end``. History, validation, stopping and verbose printing are hooks,
not branches inside the loop, so more can be added without touching it.
"""

import copy
import math
import time

import numpy as np

from .nn import LOSSES, OUTPUT_LOSS, get_activation, minimize_lbfgs


class DivergenceError(ValueError):
    """Training produced a non-finite loss or non-finite weights.

    A :class:`ValueError`, raised by ``fit`` and ``partial_fit``; its message
    names the learning rate and the input scale, the usual culprits.

    Examples
    --------
    >>> import numpy as np
    >>> from sknetviz import DivergenceError, MLPVisualClassifier
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0]] * 10, dtype=np.float32) * 1e6
    >>> y = [0, 1] * 10
    >>> clf = MLPVisualClassifier(
    ...     solver="sgd", learning_rate_init=1e8, max_iter=20, random_state=0
    ... )
    >>> try:
    ...     clf.fit(X, y)
    ... except DivergenceError as error:
    ...     print(str(error).split(":")[0])
    Training diverged at epoch 4
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

    def predict_proba(self, X):
        """Output probabilities at inference (dropout off).

        Large X goes through in chunks (:meth:`Sequential.rows_per_chunk`), so
        the hidden layers, or a CNN's sliding windows, of all of X never sit
        in memory at once.
        """
        rows = self.network.rows_per_chunk(np.dtype(X.dtype).itemsize)
        if X.shape[0] <= rows:
            return self._chunk_proba(X)
        return np.concatenate(
            [
                self._chunk_proba(X[start : start + rows])
                for start in range(0, X.shape[0], rows)
            ]
        )

    def _chunk_proba(self, X):
        logits = self.network.forward(X, training=False)
        # Inputs of absurd scale can overflow to inf - inf = nan in the logits;
        # clamping keeps every prediction a probability.
        np.nan_to_num(logits, copy=False)
        return self._output_function(logits, out=logits)

    def data_loss(self, Y, P, sample_weight=None):
        """The unregularised loss of probabilities ``P`` against targets ``Y``."""
        return self._loss(Y, P, sample_weight)

    def loss_and_gradients(self, X, Y, sample_weight=None, sample_keys=None):
        """Forward and backward on a batch: fill the grads, return the loss."""
        logits = self.network.forward(X, training=True, sample_keys=sample_keys)
        P = self._output_function(logits, out=logits)
        loss = self._loss(Y, P, sample_weight)
        self.network.backward(self._output_delta(Y, P, sample_weight))
        if self.alpha:
            weight_sum = X.shape[0] if sample_weight is None else sample_weight.sum()
            loss += 0.5 * self.alpha * self.network.squared_weight_norm() / weight_sum
            self.network.add_l2_gradient(self.alpha / weight_sum)
        return loss


class TrainingState:
    """What the loop and its hooks share.

    Attributes
    ----------
    network, objective, optimizer
        What is being trained and how.
    history : list of dict
        One record per epoch over every call (hooks append to it).
    record : dict
        The current epoch's record: 'epoch', 'loss', 'learning_rate',
        'grad_norms', 'seconds', and what hooks add ('val_loss', 'val_score').
    n_samples_seen : int
        Samples seen by the optimizer over every call (scikit-learn's ``t_``).
    epochs_this_call : int
        Epochs run by the current call.
    stop : bool
        Set by a hook to end training after the current epoch.
    lbfgs_result : tuple of (int, float) or None
        Iterations and final loss of the last L-BFGS run; None after epochs
        of minibatches.
    """

    def __init__(self, network, objective, optimizer):
        self.network = network
        self.objective = objective
        self.optimizer = optimizer
        self.history = []
        self.record = {}
        self.n_samples_seen = 0
        self.epochs_this_call = 0
        self.stop = False
        self.lbfgs_result = None


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

    def checkpoint(self):
        """What :meth:`rollback` needs to undo an epoch cut short; None if nothing."""
        return None

    def rollback(self, saved):
        """Return to a :meth:`checkpoint` (an interrupt cut the epoch short)."""


def _call(hooks, point, state):
    for hook in hooks:
        getattr(hook, point)(state)


def _diverged(state, what):
    rate = state.optimizer.learning_rate if state.optimizer is not None else None
    rate_text = f"the learning rate ({rate:g})" if rate is not None else "the step size"
    return DivergenceError(
        f"Training diverged at epoch {len(state.history) + 1}: {what}. "
        f"Either {rate_text} is too large, or the input scale is too large: "
        "lower learning_rate_init, or standardize X (for example with "
        "sklearn.preprocessing.StandardScaler)."
    )


def _check_finite_params(state):
    if not all(np.isfinite(p).all() for p in state.network.params):
        raise _diverged(state, "the weights became non-finite")


def _batches(n_samples, batch_size, order):
    for start in range(0, n_samples, batch_size):
        stop = min(start + batch_size, n_samples)
        yield (slice(start, stop) if order is None else order[start:stop]), stop - start


class _EpochStart:
    """What an epoch changes, as it was before the epoch: for an interrupt."""

    def __init__(self, state, hooks):
        self.state = state
        self.hooks = [(hook, hook.checkpoint()) for hook in hooks]
        self.values = [param.copy() for param in state.network.params]
        self.optimizer = copy.deepcopy(state.optimizer)
        self.n_history = len(state.history)
        self.n_samples_seen = state.n_samples_seen
        self.epochs_this_call = state.epochs_this_call

    def restore(self):
        state = self.state
        for param, value in zip(state.network.params, self.values):
            param[...] = value
        state.optimizer = self.optimizer
        del state.history[self.n_history :]
        state.n_samples_seen = self.n_samples_seen
        state.epochs_this_call = self.epochs_this_call
        for hook, saved in self.hooks:
            if saved is not None:
                hook.rollback(saved)
        # Also drops what a forward pass cut short left for its backward.
        state.network.release_work_arrays()


def _run_epoch(state, X, Y, batch_size, shuffle, rng, sample_weight, keys, hooks):
    """One pass over the data in minibatches, then the epoch's record and hooks."""
    n_samples = X.shape[0]
    network, objective, optimizer = state.network, state.objective, state.optimizer
    params, grads, weight_grads = network.params, network.grads, network.weight_grads
    started = time.perf_counter()
    state.record = {"epoch": len(state.history) + 1}
    _call(hooks, "on_epoch_begin", state)
    order = rng.permutation(n_samples) if shuffle else None
    learning_rate = optimizer.learning_rate
    accumulated_loss = 0.0
    grad_norm_sums = np.zeros(len(weight_grads))
    for batch, size in _batches(n_samples, batch_size, order):
        X_batch = X[batch]
        sw_batch = None if sample_weight is None else sample_weight[batch]
        keys_batch = None if keys is None else keys[batch]
        batch_loss = objective.loss_and_gradients(
            X_batch, Y[batch], sw_batch, keys_batch
        )
        if not math.isfinite(batch_loss):
            raise _diverged(state, f"the loss became {batch_loss}")
        optimizer.update_params(params, grads)
        accumulated_loss += batch_loss * size
        grad_norm_sums += [
            math.sqrt(np.dot(g.ravel(), g.ravel())) for g in weight_grads
        ]
        _call(hooks, "on_batch_end", state)
    _check_finite_params(state)
    n_batches = math.ceil(n_samples / batch_size)
    state.n_samples_seen += n_samples
    state.epochs_this_call += 1
    state.record.update(
        loss=accumulated_loss / n_samples,
        learning_rate=learning_rate,
        grad_norms=(grad_norm_sums / n_batches).tolist(),
        seconds=time.perf_counter() - started,
    )
    _call(hooks, "on_epoch_end", state)


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
):
    """Train ``state.network`` for up to ``n_epochs`` epochs of minibatches.

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

    Returns
    -------
    state : TrainingState
    """
    network = state.network
    keys = network.sample_keys(X) if network.needs_sample_keys else None
    state.stop = False
    state.interrupted = False
    state.epochs_this_call = 0
    _call(hooks, "on_train_begin", state)
    for _ in range(n_epochs):
        epoch_start = _EpochStart(state, hooks)
        try:
            _run_epoch(
                state, X, Y, batch_size, shuffle, rng, sample_weight, keys, hooks
            )
        except KeyboardInterrupt:
            # As scikit-learn's MLP does, an interrupt ends training but keeps
            # a usable model: here, exactly the one of the last whole epoch.
            epoch_start.restore()
            state.interrupted = True
            break
        optimizer = state.optimizer
        optimizer.iteration_ends(state.n_samples_seen)
        if state.stop:
            break
    _call(hooks, "on_train_end", state)
    return state


@np.errstate(over="ignore", invalid="ignore")
def run_lbfgs(state, X, Y, *, max_iter, max_fun, tol, sample_weight=None, hooks=()):
    """Train ``state.network`` on the full batch with L-BFGS.

    Each L-BFGS iteration counts as an epoch for the hooks and the history;
    its 'learning_rate' is None, as L-BFGS chooses its own steps.

    Returns
    -------
    result : scipy.optimize.OptimizeResult
    """
    network, objective = state.network, state.objective
    weight_grads = network.weight_grads
    state.stop = False
    state.epochs_this_call = 0
    started = [time.perf_counter()]

    def loss_and_grads():
        loss = objective.loss_and_gradients(X, Y, sample_weight)
        if not math.isfinite(loss):
            raise _diverged(state, f"the loss became {loss}")
        return loss, network.grads

    def on_iteration(loss):
        state.record = {"epoch": len(state.history) + 1}
        state.n_samples_seen += X.shape[0]
        state.epochs_this_call += 1
        state.record.update(
            loss=loss,
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
    """Append each epoch's record to ``state.history``."""

    def on_epoch_end(self, state):
        state.history.append(dict(state.record))


class Validation(Hook):
    """Score a held-out set after each epoch: adds 'val_loss' and 'val_score'.

    'val_loss' is the unregularised loss; 'val_score' is the accuracy (for
    multilabel targets, the subset accuracy), weighted by ``sample_weight``.
    """

    def __init__(self, X, Y, sample_weight=None):
        self.X, self.Y, self.sample_weight = X, Y, sample_weight

    def on_epoch_end(self, state):
        P = state.objective.predict_proba(self.X)
        if state.objective.out_activation == "softmax":
            correct = P.argmax(axis=1) == self.Y.argmax(axis=1)
        else:
            correct = ((P > 0.5) == (self.Y > 0.5)).all(axis=1)
        state.record["val_loss"] = state.objective.data_loss(
            self.Y, P, self.sample_weight
        )
        state.record["val_score"] = float(
            np.average(correct, weights=self.sample_weight)
        )


class ConvergenceMonitor(Hook):
    """scikit-learn's stopping rule, as a hook that persists across calls.

    Without early stopping, training stalls when the loss has not improved on
    ``best_loss - tol`` for more than ``n_iter_no_change`` epochs; with it,
    when the validation score has not improved on ``best + tol``, and the
    weights of the best score are restored at the end. A stall stops training,
    or, for the 'adaptive' schedule, divides the learning rate by 5.
    """

    def __init__(self, *, early_stopping, tol, n_iter_no_change, verbose):
        self.early_stopping = early_stopping
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.verbose = verbose
        self.no_improvement_count = 0
        self.best_loss = None if early_stopping else np.inf
        self.best_validation_score = -np.inf if early_stopping else None
        self.validation_scores = [] if early_stopping else None
        self.best_params = None

    def checkpoint(self):
        return copy.deepcopy(self.__dict__)

    def rollback(self, saved):
        self.__dict__.clear()
        self.__dict__.update(saved)

    def on_epoch_end(self, state):
        if self.early_stopping:
            score = state.record["val_score"]
            self.validation_scores.append(score)
            improved = score >= self.best_validation_score + self.tol
            if score > self.best_validation_score:
                self.best_validation_score = score
                self.best_params = [p.copy() for p in state.network.params]
        else:
            loss = state.record["loss"]
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

    def on_train_end(self, state):
        if self.early_stopping and self.best_params is not None:
            for param, best in zip(state.network.params, self.best_params):
                param[...] = best


class VerbosePrinter(Hook):
    """Print one line per epoch: epoch, loss, validation figures and seconds."""

    def __init__(self, n_epochs=None):
        self.n_epochs = n_epochs

    def on_epoch_end(self, state):
        record = state.record
        epoch = f"{record['epoch']}" + (f"/{self.n_epochs}" if self.n_epochs else "")
        parts = [f"Epoch {epoch}", f"loss = {record['loss']:.8f}"]
        if "val_loss" in record:
            parts.append(f"val_loss = {record['val_loss']:.8f}")
            parts.append(f"val_score = {record['val_score']:.4f}")
        parts.append(f"{record['seconds']:.3f}s")
        print(", ".join(parts))
