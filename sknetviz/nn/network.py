"""Sequential: a network that composes layers and exposes their parameters in order."""

from contextvars import ContextVar

import numpy as np

from ._noise import sample_keys
from .layers import Activation, Layer
from .optimizers import CHUNK_VALUES as _CHUNK_VALUES

# The layers whose outputs an observing pass keeps (see Sequential.observe),
# seen by every Sequential, however deep (a Residual's block is one).
_OBSERVED = ContextVar("sknetviz_observed_layers", default=None)


class Sequential(Layer):
    """A stack of layers applied one after the other.

    The network ends in the output layer's pre-activation (the logits); the
    output activation and its loss are applied by the training loop, which
    lets the pair use its simple canonical gradient.

    Parameters
    ----------
    layers : list of Layer
        The layers, input side first.

    Attributes
    ----------
    params : list of ndarray
        Every layer's parameters, input side first, each layer's in its own
        order (for Dense: ``W`` then ``b``). Optimizers update them in place.
    grads : list of ndarray
        The gradients, parallel to ``params``.
    weights : list of ndarray
        The arrays in the 'weight' role, which the L2 penalty applies to.

    Examples
    --------
    >>> import numpy as np
    >>> from sknetviz.nn import Activation, Dense, Sequential
    >>> net = Sequential([Dense(4), Activation("relu"), Dense(2)])
    >>> net.initialize((3,), np.random.default_rng(0), np.float64)
    (2,)
    >>> [p.shape for p in net.params]
    [(3, 4), (4,), (4, 2), (2,)]
    >>> net.forward(np.ones((5, 3))).shape
    (5, 2)
    """

    def __init__(self, layers):
        self.layers = list(layers)

    @property
    def children(self):
        return self.layers

    # Whether ``backward`` returns the gradient with respect to the input.
    # Off by default: a network's input is the data. A container holding this
    # network as a sub-layer sets it, and it passes down to the first layers.
    _propagate_delta = False

    @property
    def propagate_delta(self):
        return self._propagate_delta

    @propagate_delta.setter
    def propagate_delta(self, value):
        self._propagate_delta = bool(value)
        if "values_per_sample" in vars(self):  # initialized
            self._set_inplace_and_first_layer()

    def initialize(self, input_shape, rng, dtype):
        """Allocate every layer's parameters; return the output shape."""
        shape = tuple(input_shape)
        self.values_per_sample = int(np.prod(shape))
        for layer in self.layers:
            shape = layer.initialize(shape, rng, dtype)
            if len(layer.param_roles) != len(layer.params) or len(layer.grads) != len(
                layer.params
            ):
                raise TypeError(
                    f"{layer!r} holds {len(layer.params)} trainable array(s) but "
                    f"declares {len(layer.param_roles)} role(s) in param_roles "
                    f"and {len(layer.grads)} gradient(s) in grads: "
                    "give each array of params its role, 'weight' (penalised, "
                    "in coefs_), 'bias' (in intercepts_) or a name of your own; "
                    "and one gradient array in grads for each."
                )
            self.values_per_sample = max(
                self.values_per_sample,
                int(np.prod(shape)) + layer.scratch_values,
            )
        self._set_inplace_and_first_layer()
        return shape

    def rows_per_chunk(self, itemsize, budget_bytes=32 * 2**20, most=4096):
        """How many samples to push through at once at inference.

        The largest intermediate of a chunk (a layer's output plus its
        scratch, such as a convolution's im2col matrix) stays near
        ``budget_bytes``: 4096 rows for small dense networks, a few hundred
        28x28 images for a CNN.
        """
        per_sample = getattr(self, "values_per_sample", 1) * itemsize
        return int(np.clip(budget_bytes // max(per_sample, 1), 1, most))

    def _set_inplace_and_first_layer(self):
        previous_makes_new_array = False
        params_below = self.propagate_delta
        for layer in self.layers:
            if isinstance(layer, Activation):
                layer.inplace = previous_makes_new_array
            # A gradient for the input is needed only where some layer below
            # has parameters to train; the layers that can skip it do.
            layer.propagate_delta = params_below
            params_below = params_below or bool(layer.params)
            previous_makes_new_array = layer.returns_new_array

    @property
    def scratch_values(self):
        """Values per sample a pass holds at its widest (for an enclosing network)."""
        return getattr(self, "values_per_sample", 0)

    @property
    def returns_new_array(self):
        return bool(self.layers) and self.layers[-1].returns_new_array

    def noise_layers(self):
        """The layers, at any depth, that draw random numbers in training
        (Dropout, RandomShift)."""
        return [layer for layer in self.walk() if layer.draws_noise]

    def weighing_layers(self):
        """The layers, at any depth, that weigh a batch's samples (BatchNorm)."""
        return [layer for layer in self.walk() if layer.uses_sample_weight]

    def sequence_layers(self):
        """The layers, at any depth, that honour sequence lengths (recurrent ones)."""
        return [layer for layer in self.walk() if layer.uses_sequence_lengths]

    def reseed(self, rng):
        """Point every layer that draws random numbers at ``rng``."""
        for layer in self.noise_layers():
            layer.rng = rng

    @property
    def params(self):
        return [p for layer in self.layers for p in layer.params]

    @property
    def grads(self):
        return [g for layer in self.layers for g in layer.grads]

    @property
    def state(self):
        """Every layer's non-trained state arrays, input side first."""
        return [array for layer in self.layers for array in layer.state]

    @property
    def arrays(self):
        """What the network computes with: ``params``, then ``state``."""
        return self.params + self.state

    @property
    def param_roles(self):
        return tuple(role for layer in self.layers for role in layer.param_roles)

    def _with_role(self, arrays, role):
        return [
            array
            for array, its_role in zip(arrays, self.param_roles)
            if its_role == role
        ]

    @property
    def weights(self):
        """The arrays in the 'weight' role, input side first."""
        return self._with_role(self.params, "weight")

    @property
    def weight_grads(self):
        """The gradients of :attr:`weights`."""
        return self._with_role(self.grads, "weight")

    @property
    def biases(self):
        """The arrays in the 'bias' role, input side first."""
        return self._with_role(self.params, "bias")

    @property
    def needs_sample_keys(self):
        """Whether a training pass draws per-sample noise (the network has dropout)."""
        return any(layer.draws_noise for layer in self.walk())

    def sample_keys(self, X):
        """Content keys of the rows of ``X``, for :meth:`forward`'s ``sample_keys``."""
        return sample_keys(X)

    def forward(
        self,
        X,
        training=False,
        sample_keys=None,
        sample_weight=None,
        sequence_lengths=None,
    ):
        """Run ``X`` through every layer; return the last layer's output.

        ``sample_keys`` (from :meth:`sample_keys` on the whole data, indexed
        like the batch) saves the noise layers from hashing the batch again.
        ``sample_weight`` (the batch's) goes to the layers that weigh
        samples in training. ``sequence_lengths`` (the batch's, an int array
        of shape (n,)) goes to the recurrent layers, in training and
        inference: padding after a sequence's length is masked. All reach
        the layers at any depth; a network inside another leaves alone what
        the outer one has handed out.
        """
        if training:
            noise_layers = self.noise_layers()
            if sample_keys is not None:
                for layer in noise_layers:
                    layer.sample_keys = sample_keys
            elif any(layer.sample_keys is None for layer in noise_layers):
                keys = self.sample_keys(X)
                for layer in noise_layers:
                    if layer.sample_keys is None:
                        layer.sample_keys = keys
            if sample_weight is not None:
                for layer in self.weighing_layers():
                    layer.sample_weight = sample_weight
        if sequence_lengths is not None:
            for layer in self.sequence_layers():
                layer.sequence_lengths = sequence_lengths
        observed = _OBSERVED.get()
        try:
            for layer in self.layers:
                X = layer.forward(X, training=training)
                if observed is not None and layer in observed:
                    observed[layer] = X.copy()  # a later layer may work in place
        finally:
            if sequence_lengths is not None:
                # A pass cut short must not leave its lengths to the next one
                # (an inference pass has no release_work_arrays after it).
                for layer in self.sequence_layers():
                    layer.sequence_lengths = None
        return X

    def observe(self, X, layers, sequence_lengths=None):
        """An inference pass that also keeps the outputs of ``layers``.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
        layers : iterable of Layer
            Layers of this network, at any depth (inside a Residual, for
            example): see :meth:`walk`.
        sequence_lengths : ndarray of int of shape (n_samples,), default=None
            The length of each padded sequence of ``X``, for the recurrent
            layers (None: every sequence is full length).

        Returns
        -------
        output : ndarray
            The network's output, as :meth:`forward` gives it.
        outputs : dict
            Each layer of ``layers`` -> its output on ``X``.

        Examples
        --------
        >>> import numpy as np
        >>> from sknetviz.nn import Activation, Dense, Residual, Sequential
        >>> inner = Activation("tanh")
        >>> net = Sequential([Dense(3), Residual([Dense(3), inner]), Dense(1)])
        >>> net.initialize((2,), np.random.default_rng(0), np.float64)
        (1,)
        >>> output, outputs = net.observe(np.ones((4, 2)), [inner])
        >>> outputs[inner].shape, bool(np.all(np.abs(outputs[inner]) < 1))
        ((4, 3), True)
        """
        observed = {layer: None for layer in layers}
        token = _OBSERVED.set(observed)
        try:
            output = self.forward(X, training=False, sequence_lengths=sequence_lengths)
        finally:
            _OBSERVED.reset(token)
        missing = [layer for layer, value in observed.items() if value is None]
        if missing:
            raise ValueError(f"{missing!r} are not layers of this network.")
        return output, observed

    def backward(self, delta):
        """Backpropagate ``delta`` (dLoss/dOutput) and fill every layer's ``grads``.

        Needs a forward pass with ``training=True`` first. ``delta`` may be
        overwritten: pass a copy to keep it.
        """
        for layer in reversed(self.layers):
            delta = layer.backward(delta)
            if delta is None:
                break
        return delta

    def release_work_arrays(self):
        """Free the arrays layers keep between training passes; call after training.

        Also forgets any batch's keys or weights that a pass cut short left
        undelivered.
        """
        for layer in self.layers:
            layer.release_work_arrays()
        for layer in self.noise_layers():
            layer.sample_keys = None
        for layer in self.weighing_layers():
            layer.sample_weight = None
        for layer in self.sequence_layers():
            layer.sequence_lengths = None

    def squared_weight_norm(self):
        """Sum of the squared weights, the quantity the L2 penalty scales."""
        return float(sum(np.dot(w.ravel(), w.ravel()) for w in self.weights))

    def add_l2_gradient(self, scale):
        """Add ``scale * W`` to each weight gradient (the gradient of the L2 term).

        A few rows at a time: ``scale * W`` whole would be a temporary as
        large as the largest layer, at every step.
        """
        for W, grad in zip(self.weights, self.weight_grads):
            rows = max(1, _CHUNK_VALUES // W[0].size)
            for start in range(0, len(W), rows):
                grad[start : start + rows] += scale * W[start : start + rows]
