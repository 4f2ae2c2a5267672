"""Training diagnostics: saturated and dead units, and how far the weights move."""

import math
import numbers
from functools import partial

import numpy as np

from ._training import Hook
from .nn import Activation, Dense
from .nn.optimizers import CHUNK_VALUES

# A unit's output counts as saturated where the activation's slope there is
# below this fraction of its peak: a sample passing through it hands back at
# most a tenth of the gradient an unsaturated unit would, and two such layers
# a hundredth. For tanh the rule reads |a| > 0.949, the usual "|a| > 0.95".
# tanh(z) = 2 logistic(2z) - 1, so the same rule gives logistic outputs
# below 0.026 or above 0.974; the common 0.05 / 0.95 cut would call a
# logistic unit saturated at 19% of its peak slope, twice as soon as tanh.
SATURATED_SLOPE = 0.1

# The centred output (2a - 1 for logistic, a for tanh) beyond which the slope
# 1 - centred**2, relative to its peak, is below SATURATED_SLOPE.
_SATURATED_LEVEL = math.sqrt(1 - SATURATED_SLOPE)


def _never_saturated(A):
    """The identity's slope is 1 everywhere."""
    return np.zeros(A.shape, dtype=bool)


def _saturated_logistic(A):
    """Where the slope a (1 - a) = (1 - (2a - 1)**2) / 4 is below the cut."""
    return np.abs(2 * A - 1) > _SATURATED_LEVEL


def _saturated_tanh(A):
    """Where the slope 1 - a**2 is below the cut."""
    return np.abs(A) > _SATURATED_LEVEL


def _saturated_softmax(A):
    """Rows so near one-hot that every unit's slope a (1 - a) is below the cut.

    With two units, this is the logistic rule.
    """
    return A.max(axis=-1) > (1 + _SATURATED_LEVEL) / 2


def _saturated_exp(A):
    """Where the slope, a itself, is below the cut of its value at z = 0."""
    return A < SATURATED_SLOPE


class _SaturatedShare:
    """The share of a layer's output values that ``saturated`` flags, over the probe."""

    def __init__(self, saturated):
        self.saturated = saturated
        self.n_saturated = self.n_counted = 0

    def add(self, A):
        flags = self.saturated(A)
        self.n_saturated += int(np.count_nonzero(flags))
        self.n_counted += flags.size

    def share(self):
        return float(self.n_saturated / self.n_counted)


class _DeadShare:
    """The share of a rectifier's units never positive over the whole probe.

    A unit is an entry of the last axis: a feature, or an image's channel
    (a filter is dead when no position of any probe image excites it). Its
    output is positive exactly where its pre-activation is, for relu and
    leaky_relu alike; a unit never positive gets no gradient from relu, and
    only 1% of it from leaky_relu, whatever the sample.
    """

    def __init__(self):
        self.alive = None

    def add(self, A):
        positive = (A > 0).reshape(-1, A.shape[-1]).any(axis=0)
        self.alive = positive if self.alive is None else self.alive | positive

    def share(self):
        return float(1 - np.count_nonzero(self.alive) / self.alive.size)


# Activation name -> a new tally of that activation's saturation.
SATURATION_TALLIES = {
    "identity": partial(_SaturatedShare, _never_saturated),
    "logistic": partial(_SaturatedShare, _saturated_logistic),
    "sigmoid": partial(_SaturatedShare, _saturated_logistic),
    "tanh": partial(_SaturatedShare, _saturated_tanh),
    "softmax": partial(_SaturatedShare, _saturated_softmax),
    "exp": partial(_SaturatedShare, _saturated_exp),
    "relu": _DeadShare,
    "leaky_relu": _DeadShare,
}


def _activation_name(layer):
    """The activation a layer applies last, or None: an Activation's, or a
    Dense's own (``Dense(10, activation="relu")``)."""
    if isinstance(layer, Activation):
        return layer.name
    if isinstance(layer, Dense):
        return layer.activation
    return None


def _activation_layers(network):
    """The layers that end in an activation, at any depth, input side first."""
    return [layer for layer in network.walk() if _activation_name(layer)]


def _norm(array):
    flat = array.ravel()
    return math.sqrt(float(np.dot(flat, flat)))


def _difference_norm(A, B):
    """``||A - B||`` a few rows at a time, with no temporary the size of A."""
    A2, B2 = A.reshape(len(A), -1), B.reshape(len(B), -1)
    rows = max(1, CHUNK_VALUES // max(A2.shape[1], 1))
    total = 0.0
    for start in range(0, len(A2), rows):
        difference = (A2[start : start + rows] - B2[start : start + rows]).ravel()
        total += float(np.dot(difference, difference))
    return math.sqrt(total)


class Diagnostics(Hook):
    """Add to each epoch's record the signs of a sick network.

    Two figures a practitioner reads when a network will not learn: how
    many hidden units are saturated or dead, and how far each weight array
    moved during the epoch. They are measured in ``on_epoch_end``; put the
    hook before :class:`~sknetviz._training.History` in the hook list, so
    that the history keeps them.

    Parameters
    ----------
    X : ndarray or CSR matrix of shape (n_samples, ...)
        The training inputs, as the training loop gets them. At most
        ``max_samples`` rows of them, evenly spaced (every
        ``ceil(n_samples / max_samples)``-th row, the first included), are
        copied once, here, as the probe: the same samples every epoch, and
        spread over data sorted by class or by source.
    max_samples : int, default=512
        The most rows the probe holds.
    sequence_lengths : ndarray of int of shape (n_samples,), default=None
        The real lengths of padded sequences in ``X``, which the recurrent
        layers mask by; None when every sequence is full length.

    Attributes
    ----------
    probe : ndarray or CSR matrix of shape (n_probe, ...)
        The probe rows, ``n_probe <= max_samples``.
    probe_lengths : ndarray of int of shape (n_probe,) or None
        The probe rows' sequence lengths.

    Notes
    -----
    The hook adds two keys to ``state.record``:

    'saturation' : list of float
        One share in [0, 1] for each :class:`~sknetviz.nn.Activation` layer
        (and each Dense with an ``activation``) of the network, at any depth
        (inside Residual blocks too), in :meth:`~sknetviz.nn.Layer.walk`
        order, input side first. The
        output activation is not one of them: the network ends in logits.
        It is measured by an inference pass over the probe (no dropout;
        batch normalisation with its running statistics), and means:

        - 'logistic' ('sigmoid'), 'tanh': the share of output values (probe
          samples times units, times positions for images) where the slope
          is below ``SATURATED_SLOPE`` (0.1) of its peak: logistic outputs
          below 0.026 or above 0.974, tanh outputs with ``|a| > 0.949``.
          Little gradient flows back through such a unit. A few percent is
          normal; tens of percent, growing over epochs, is the classic
          saturated network (too large weights, inputs or learning rate).
        - 'relu', 'leaky_relu': the share of dead units, units (entries of
          the last axis: features, or channels of images) whose
          pre-activation is positive for no probe sample. Such a unit
          passes no gradient (relu) or 1% of it (leaky_relu), so it rarely
          comes back. A share that jumps after a large step is a learning
          rate too high.
        - 'identity': 0.0; it cannot saturate.
        - 'softmax': the share of output rows so close to one-hot that
          every slope is below the cut (the logistic rule, for two units).
          'exp': the share of outputs below 0.1, its slope there.

    'update_ratio' : list of float
        One ratio for each array of ``network.weights`` (the order of
        ``coefs_`` and of the record's 'grad_norms'):
        ``||W_end - W_start|| / ||W_start||`` over the epoch, Frobenius
        norms, from the weights as the epoch began to the weights as it
        ended. It is per epoch, not per step: an epoch of many steps adds
        them up, partly cancelling. Read the arrays against each other. One
        near 0 while the others move is a layer that gets no gradient
        (vanishing gradients, or a layer of dead units). Large ratios, the
        weights changing by a sizeable share of themselves every epoch
        (above 0.1 or so, steadily), are a learning rate too high;
        settling towards 0 is convergence. inf for an array that started
        at zero and moved.

    The probe is copied once, so the hook keeps no reference to the
    training data, and it holds a copy of the weights only while training
    runs (released in ``on_train_end``). The copy is taken afresh at each
    epoch's start, so an epoch that is rolled back leaves nothing to undo:
    the hook needs no checkpoint. In a loop with no ``on_epoch_begin``
    (L-BFGS, whose iterations count as epochs), each epoch starts where the
    last one ended.

    The cost is one inference pass over the probe, a copy of the weights
    and a subtraction per epoch: for an MLP 784-256-128-10 trained on
    10,000 samples with Adam in batches of 200, about 1.5% of the epoch;
    on data smaller than the probe, a larger share of a shorter epoch.

    Examples
    --------
    >>> import numpy as np
    >>> from sknetviz._diagnostics import Diagnostics
    >>> from sknetviz._training import TrainingState
    >>> from sknetviz.nn import Activation, Dense, Sequential
    >>> network = Sequential([Dense(4), Activation("tanh"), Dense(1)])
    >>> network.initialize((3,), np.random.default_rng(0), np.float64)
    (1,)
    >>> X = np.random.default_rng(1).normal(size=(1000, 3))
    >>> hook = Diagnostics(X, max_samples=100)
    >>> hook.probe.shape
    (100, 3)
    >>> state = TrainingState(network, objective=None, optimizer=None)
    >>> hook.on_train_begin(state)
    >>> hook.on_epoch_begin(state)
    >>> network.weights[0] *= 100  # as a runaway step would
    >>> hook.on_epoch_end(state)
    >>> state.record["update_ratio"]
    [99.0, 0.0]
    >>> state.record["saturation"][0] > 0.9  # tanh units pinned at +-1
    True
    """

    def __init__(self, X, max_samples=512, sequence_lengths=None):
        if (
            not isinstance(max_samples, numbers.Integral)
            or isinstance(max_samples, bool)
            or max_samples < 1
        ):
            raise ValueError(
                f"max_samples must be a positive integer, got {max_samples!r}."
            )
        self.max_samples = int(max_samples)
        rows = slice(None, None, math.ceil(X.shape[0] / self.max_samples))
        self.probe = X[rows].copy()  # a copy: no view keeps all of X alive
        # Padded sequences' real lengths, for the recurrent layers' masks.
        self.probe_lengths = (
            None if sequence_lengths is None else np.asarray(sequence_lengths)[rows]
        )
        self._start = []
        self._start_norms = []
        self._borrowed = False  # whether _start is a snapshot's, to read only
        self._epoch_begin_called = False

    def on_train_begin(self, state):
        self._epoch_begin_called = False
        self._start_weights(state, [getattr(state, "call_start", None)])

    def on_epoch_begin(self, state):
        self._epoch_begin_called = True
        self._start_weights(
            state, [state.epoch_in_progress, getattr(state, "call_start", None)]
        )

    def _start_weights(self, state, snapshots):
        """Hold the weights as the epoch begins.

        The rollback already holds them: the epoch's own snapshot, or, in a
        call's first epoch, the call's (warm_start, partial_fit). Only a new
        fit's first epoch needs a copy of its own.
        """
        for snapshot in snapshots:
            saved = None if snapshot is None else snapshot.saved(state.network.weights)
            if saved is not None:
                self._start = saved
                self._start_norms = [_norm(W) for W in saved]
                self._borrowed = True
                return
        self._copy_start(state.network)

    def on_epoch_end(self, state):
        network = state.network
        state.record["saturation"] = self._saturation(network)
        state.record["update_ratio"] = self._update_ratios(network)
        if not self._epoch_begin_called:
            self._copy_start(network)

    def on_divergence(self, state):
        # The diverged epoch's record keeps the keys, as NaN: its weights
        # were not finite, and they have been put back.
        network = state.network
        n_activations = len(_activation_layers(network))
        state.record["saturation"] = [math.nan] * n_activations
        state.record["update_ratio"] = [math.nan] * len(network.weights)
        return False

    def on_train_end(self, state):
        self._start, self._start_norms, self._borrowed = [], [], False

    def _copy_start(self, network):
        """Copy the weights into the buffers, which are reused while the shapes hold."""
        weights = network.weights
        if self._borrowed:
            self._start, self._borrowed = [], False
        if [(w.shape, w.dtype) for w in self._start] != [
            (w.shape, w.dtype) for w in weights
        ]:
            self._start = [np.empty_like(w) for w in weights]
        for start, W in zip(self._start, weights):
            np.copyto(start, W)
        self._start_norms = [_norm(W) for W in weights]

    def _update_ratios(self, network):
        weights = network.weights
        if len(self._start) != len(weights):
            raise RuntimeError(
                "Diagnostics.on_epoch_end needs the weights as the epoch began: "
                "call on_train_begin or on_epoch_begin first."
            )
        ratios = []
        for start, start_norm, W in zip(self._start, self._start_norms, weights):
            change_norm = _difference_norm(W, start)
            if start_norm:
                ratios.append(change_norm / start_norm)
            else:
                ratios.append(math.inf if change_norm else 0.0)
        return ratios

    def _saturation(self, network):
        layers = _activation_layers(network)
        if not layers:
            return []
        tallies = [SATURATION_TALLIES[_activation_name(layer)]() for layer in layers]
        probe = self.probe
        # In chunks as inference runs (Objective.predict_proba): a CNN's
        # feature maps for all the probe at once could take far more memory.
        # A training batch's worth at a time: the outputs kept of every
        # activation, beside the pass's own, stay within a batch's memory.
        rows = min(network.rows_per_chunk(np.dtype(probe.dtype).itemsize), 64)
        for start in range(0, probe.shape[0], rows):
            chunk = slice(start, start + rows)
            lengths = None if self.probe_lengths is None else self.probe_lengths[chunk]
            _, outputs = network.observe(probe[chunk], layers, sequence_lengths=lengths)
            for layer, tally in zip(layers, tallies):
                tally.add(outputs[layer])
        return [tally.share() for tally in tallies]
