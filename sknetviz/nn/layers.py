"""Layers: the Layer protocol and the Dense, Activation, Dropout and Flatten layers.

A layer caches in ``forward`` what its ``backward`` needs, fills ``grads``
(parallel to ``params``) in ``backward`` and returns the gradient with respect
to its input. Parameters are updated in place by the optimizers, so any view
of them (an estimator's ``coefs_``) always shows the live weights.
"""

import copy
import inspect

import numpy as np

from ._noise import keyed_keep_mask, sample_keys
from .activations import get_activation
from .initializers import INITIALIZERS, default_initializer


def column_sums(matrix, out):
    """Sum the rows of a tall matrix into ``out``: a bias gradient.

    A product with a vector of ones runs in BLAS, many times faster than a
    reduction along axis 0 for the tall matrices of convolutions (24x on
    50,176 x 8).
    """
    out[...] = np.ones(matrix.shape[0], dtype=matrix.dtype) @ matrix
    return out


def _constructor_arguments(layer):
    """The named arguments of a layer's ``__init__``, in order."""
    signature = inspect.signature(type(layer).__init__)
    return {
        name: parameter
        for name, parameter in list(signature.parameters.items())[1:]
        if parameter.kind
        not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    }


def _equal(value, default):
    """Whether an argument holds its default (``(2, 2)`` is the default 2)."""
    if isinstance(value, tuple) and np.isscalar(default):
        return all(v == default for v in value)
    return bool(np.all(value == default)) if np.ndim(value) else value == default


def _clone(value):
    """An argument for a clone: layers cloned, anything else copied."""
    if isinstance(value, Layer):
        return value.clone()
    if isinstance(value, (list, tuple)):
        return type(value)(_clone(item) for item in value)
    return copy.deepcopy(value)


class Layer:
    """Base class of all layers; a parameter-free identity by default.

    Attributes
    ----------
    params : list of ndarray
        Trainable arrays, empty for parameter-free layers.
    grads : list of ndarray
        Gradients of the loss with respect to ``params``, written by ``backward``.
    param_roles : tuple of str
        The role of each array of ``params``: 'weight', 'bias' or another
        name (see the class attribute's comment).

    Examples
    --------
    A layer that doubles its input, with no parameters:

    >>> import numpy as np
    >>> from sknetviz.nn import Layer
    >>> class Double(Layer):
    ...     def forward(self, X, training=False):
    ...         return 2 * X
    ...     def backward(self, delta):
    ...         return 2 * delta
    >>> layer = Double()
    >>> layer.initialize((3,), np.random.default_rng(0), np.float64)
    (3,)
    >>> layer.backward(layer.forward(np.ones((1, 3)), training=True))
    array([[4., 4., 4.]])

    Every layer shows its arguments and clones untrained:

    >>> from sknetviz.nn import Dense
    >>> Dense(10), Dense(10, init="he_normal").clone()
    (Dense(10), Dense(10, init='he_normal'))
    """

    # Names of the attributes that hold the trainable arrays, in order:
    # ``params`` reads them, so the layer and its optimizer always share the
    # same arrays (a model file or joblib, which stores each array apart,
    # cannot part them). A layer may instead assign ``self.params``.
    param_names = ()

    @property
    def params(self):
        """The trainable arrays: the attributes in ``param_names``, in order."""
        if self.param_names:
            attributes = vars(self)
            if not all(name in attributes for name in self.param_names):
                return ()  # not initialized yet
            return [attributes[name] for name in self.param_names]
        return vars(self).get("params", ())

    @params.setter
    def params(self, arrays):
        vars(self)["params"] = list(arrays)

    grads = ()
    # The role of each array of ``params``, in the same order: 'weight'
    # (penalised by L2, its gradient norm recorded, listed in an estimator's
    # ``coefs_`` and drawn as a network's lines), 'bias' (listed in
    # ``intercepts_``), or another name, such as a normalisation's 'scale'
    # and 'shift', which nothing penalises or lists. A layer with parameters
    # must declare one role per array.
    param_roles = ()
    # Whether ``backward`` must return the gradient with respect to the
    # input. Sequential turns it off for the layers with no parameters below
    # them; a layer may then return None and skip that work.
    propagate_delta = True
    # Names of the arrays that belong to the model without being trained by
    # gradient (a batch norm's running statistics). A layer updates them in
    # place; rollback, early stopping's best epoch and model files keep them
    # with the parameters.
    state_names = ()

    @property
    def state(self):
        """The arrays named by ``state_names``: the model's non-trained state."""
        return [getattr(self, name) for name in self.state_names]

    # Whether ``forward`` always returns an array of its own, never its input
    # or a view of it, and keeps no reference to it for ``backward``: an
    # activation after such a layer may work in place.
    returns_new_array = False
    # Whether a training pass draws random numbers (dropout, augmentation):
    # such a layer has an ``rng`` and takes the batch's ``sample_keys``.
    draws_noise = False
    # Values per sample of scratch that a pass needs beyond its output (a
    # convolution's im2col), for sizing inference chunks.
    scratch_values = 0
    # Whether a training pass weighs the batch's samples (a batch norm's
    # statistics): such a layer takes the batch's ``sample_weight``, set by
    # the network before the pass (None: equal weights).
    uses_sample_weight = False
    # Whether a pass honours the batch's sequence lengths (a recurrent
    # layer's masking of padded steps): such a layer takes the batch's
    # ``sequence_lengths``, set by the network before the pass (None: every
    # sequence fills its T steps).
    uses_sequence_lengths = False
    # The sub-layers of a container (Sequential, Residual), input side first.
    # A container's ``params``, ``grads``, ``param_roles`` and ``state``
    # include its children's, and every walk over a network recurses here.
    children = ()

    def walk(self):
        """This layer, then every layer inside it, depth first.

        Examples
        --------
        >>> from sknetviz.nn import Dense, Residual, Sequential
        >>> net = Sequential([Dense(4), Residual([Dense(4)])])
        >>> [type(layer).__name__ for layer in net.walk()]
        ['Sequential', 'Dense', 'Residual', 'Dense']
        """
        yield self
        for child in self.children:
            yield from child.walk()

    def get_config(self):
        """The constructor's arguments, as the layer holds them.

        ``type(layer)(**layer.get_config())`` builds the same layer, untrained.
        A layer keeps each argument of its ``__init__`` in an attribute of the
        same name (as scikit-learn's estimators keep their parameters).

        Returns
        -------
        config : dict
        """
        return {name: getattr(self, name) for name in _constructor_arguments(self)}

    def clone(self):
        """The same layer, untrained: no parameters, nothing cached.

        Sub-layers in the arguments (a container's ``layers``) are cloned too.
        """
        return type(self)(
            **{name: _clone(value) for name, value in self.get_config().items()}
        )

    def __repr__(self):
        arguments = _constructor_arguments(self)
        config = self.get_config()
        shown = []
        for name, parameter in arguments.items():
            value = config[name]
            if parameter.default is inspect.Parameter.empty:
                shown.append(repr(value))
            elif not _equal(value, parameter.default):
                shown.append(f"{name}={value!r}")
        return f"{type(self).__name__}({', '.join(shown)})"

    def initialize(self, input_shape, rng, dtype):
        """Allocate parameters for inputs of ``input_shape`` (without the sample axis).

        Returns the output shape, also without the sample axis.
        """
        return tuple(input_shape)

    def forward(self, X, training=False):
        """Compute the layer's output, caching what ``backward`` needs when training."""
        return X

    def backward(self, delta):
        """Fill ``grads`` from ``delta`` (dLoss/dOutput) and return dLoss/dInput.

        ``delta`` may be overwritten: pass a copy to keep it.
        """
        return delta

    def _work_array(self, name, shape, dtype, training, zeros=False):
        """An array for a pass's intermediate results, kept for the next training pass.

        Training reuses one array per name while the shape stays the same: a
        fresh array of a few MiB for every batch costs more in page faults
        than the arithmetic on it (conv and pool layers ran 2.2x faster with
        reuse). A training pass may write its *output* here too, because the
        next layer consumes it (or caches it for its own backward) before
        this layer's next training pass. Inference always gets a fresh array.
        ``zeros`` zero-fills only a new array: callers rely on it for borders
        they never write.
        """
        make = np.zeros if zeros else np.empty
        if not training:
            return make(shape, dtype=dtype)
        arrays = self.__dict__.setdefault("_work_arrays", {})
        array = arrays.get(name)
        if array is None or array.shape != tuple(shape) or array.dtype != dtype:
            array = arrays[name] = make(shape, dtype=dtype)
        return array

    # Attributes a training forward pass sets for its backward pass.
    _cache_names = ()

    def release_work_arrays(self):
        """Drop the arrays kept between training passes (at the end of a fit),
        and whatever a forward pass left for a backward pass that never came."""
        self.__dict__.pop("_work_arrays", None)
        for name in self._cache_names:
            self.__dict__.pop(name, None)

    def _pop_cache(self, name):
        """Take what the last training forward pass kept for backward, once."""
        value = self.__dict__.pop(name, None)
        if value is None:
            raise RuntimeError(
                f"{type(self).__name__}.backward needs a forward pass with "
                "training=True first (each forward pass serves one backward pass)."
            )
        return value


class Dense(Layer):
    """Fully connected layer: ``Z = X @ W + b``, then an optional activation.

    Parameters
    ----------
    units : int
        Number of output units.
    activation : str or None, default=None
        A key of :data:`sknetviz.nn.activations.ACTIVATIONS` applied to ``Z``
        (as Keras' ``Dense(10, activation="relu")``), or None for ``Z``
        itself. ``Dense(10, activation="relu")`` computes exactly what
        ``Dense(10)`` then ``Activation("relu")`` compute.
    init : str, default='auto'
        Name of the initializer of ``W`` in
        :data:`sknetviz.nn.initializers.INITIALIZERS`; 'auto' is He's for
        'relu' and 'leaky_relu', Xavier's otherwise. ``b`` starts at zero.

    Attributes
    ----------
    W : ndarray of shape (fan_in, units)
        Weights.
    b : ndarray of shape (units,)
        Biases.
    propagate_delta : bool
        Whether ``backward`` computes the gradient with respect to the input.
        :class:`~sknetviz.nn.network.Sequential` turns it off when no layer
        below has parameters: the first layer's input is the data.

    Examples
    --------
    >>> import numpy as np
    >>> from sknetviz.nn.layers import Dense
    >>> layer = Dense(3)
    >>> layer.initialize((2,), np.random.default_rng(0), np.float64)
    (3,)
    >>> layer.forward(np.ones((4, 2))).shape
    (4, 3)
    >>> Dense(10, activation="relu")
    Dense(10, activation='relu')
    """

    _cache_names = ("_X", "_A")

    param_names = ("W", "b")
    param_roles = ("weight", "bias")

    @property
    def returns_new_array(self):
        # With an activation, the output is kept for backward: not to be
        # overwritten by an in-place activation after it.
        return self.activation is None

    def __init__(self, units, activation=None, init="auto"):
        self.units = units
        self.activation = activation
        self.init = init
        self.propagate_delta = True
        self._set_activation()

    def _set_activation(self):
        self._function = self._derivative = None
        if self.activation is not None:
            self._function, self._derivative = get_activation(self.activation)

    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("_function", None)
        state.pop("_derivative", None)
        return state

    def __setstate__(self, state):
        state.setdefault("activation", None)  # saved before Dense had one
        self.__dict__.update(state)
        self._set_activation()

    def initialize(self, input_shape, rng, dtype):
        if len(input_shape) != 1:
            raise ValueError(
                f"Dense takes samples of one axis of features, got samples of "
                f"shape {tuple(input_shape)}: put a Flatten() before it."
            )
        (fan_in,) = input_shape
        init = self.init
        if init == "auto":
            init = default_initializer(self.activation or "identity")
        self.W = INITIALIZERS[init](
            fan_in, self.units, (fan_in, self.units), rng, dtype
        )
        self.b = np.zeros(self.units, dtype=dtype)
        self.grads = [np.zeros_like(self.W), np.zeros_like(self.b)]
        return (self.units,)

    def forward(self, X, training=False):
        if training:
            self._X = X
        Z = X @ self.W
        Z += self.b
        if self._function is None:
            return Z
        A = self._function(Z, out=Z)
        if training:
            self._A = A
        return A

    def backward(self, delta):
        if self._derivative is not None:
            delta = self._derivative(self._pop_cache("_A"), delta, out=delta)
        X = self._pop_cache("_X")
        if isinstance(X, np.ndarray):
            np.matmul(X.T, delta, out=self.grads[0])
        else:  # a sparse batch: its product is a new array
            self.grads[0][...] = X.T @ delta
        column_sums(delta, out=self.grads[1])
        if self.propagate_delta:
            return delta @ self.W.T
        return None


class Activation(Layer):
    """Element-wise (or, for softmax, row-wise) activation.

    Parameters
    ----------
    name : str
        A key of :data:`sknetviz.nn.activations.ACTIVATIONS`.

    Attributes
    ----------
    inplace : bool
        Whether ``forward`` overwrites its input. ``Sequential`` turns it on
        where the layer before makes a fresh array (a layer with parameters),
        which saves a copy of every hidden activation.

    Examples
    --------
    >>> import numpy as np
    >>> from sknetviz.nn.layers import Activation
    >>> Activation("relu").forward(np.array([[-2.0, 3.0]]))
    array([[0., 3.]])
    """

    _cache_names = ("_A",)

    def __init__(self, name):
        self.name = name
        self.function, self.derivative = get_activation(name)
        self.inplace = False

    def forward(self, X, training=False):
        A = self.function(X, out=X if self.inplace else None)
        if training:
            self._A = A
        return A

    def backward(self, delta):
        A = self._pop_cache("_A")
        return self.derivative(A, delta, out=delta)

    def __getstate__(self):
        state = self.__dict__.copy()
        del state["function"], state["derivative"]
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.function, self.derivative = get_activation(self.name)


class Dropout(Layer):
    """Inverted dropout.

    At training time each unit is zeroed with probability ``rate`` and the
    survivors are scaled by ``1 / (1 - rate)``, so nothing changes at
    inference, where the layer is the identity.

    Parameters
    ----------
    rate : float
        Probability of dropping a unit, ``0 <= rate < 1``.

    Masks are keyed by sample: each step draws a key from ``rng``, and a
    unit's fate is a hash of that key, the unit and the sample's content, so
    a sample weighted k drops exactly as k copies of it would.

    Attributes
    ----------
    rng : numpy.random.Generator
        Source of the step keys. ``initialize`` sets the generator it is
        given; estimators then point it at a stream of their own with
        :meth:`Sequential.reseed`, so their seed alone decides the masks.
    sample_keys : ndarray of uint64 or None
        Keys of the current batch's samples, set by ``Sequential`` before a
        training forward pass from the network's input; without them the layer
        keys samples by its own input.

    Examples
    --------
    >>> import numpy as np
    >>> from sknetviz.nn.layers import Dropout
    >>> layer = Dropout(0.5)
    >>> layer.initialize((4,), np.random.default_rng(0), np.float64)
    (4,)
    >>> X = np.ones((2, 4))
    >>> np.array_equal(layer.forward(X, training=False), X)
    True
    >>> np.unique(layer.forward(X, training=True)).tolist()
    [0.0, 2.0]
    """

    _cache_names = ("_mask",)

    draws_noise = True

    def __init__(self, rate):
        if not 0 <= rate < 1:
            raise ValueError(f"Dropout rate must be in [0, 1), got {rate!r}.")
        self.rate = rate
        self.sample_keys = None

    def initialize(self, input_shape, rng, dtype):
        self.rng = rng
        return tuple(input_shape)

    def forward(self, X, training=False):
        keys, self.sample_keys = self.sample_keys, None
        if not training or self.rate == 0:
            return X
        if keys is None:
            keys = sample_keys(X)
        step_key = int(self.rng.integers(np.iinfo(np.int64).max))
        n_units = int(np.prod(X.shape[1:]))
        keep = keyed_keep_mask(keys, n_units, step_key, self.rate).reshape(X.shape)
        self._mask = np.multiply(keep, 1.0 / (1.0 - self.rate), dtype=X.dtype)
        # Not in place: the activation below keeps X to compute its derivative.
        return X * self._mask

    def backward(self, delta):
        if self.rate == 0:
            return delta
        mask = self._pop_cache("_mask")
        delta *= mask
        return delta


class Flatten(Layer):
    """Reshape each sample to a vector.

    Examples
    --------
    >>> import numpy as np
    >>> from sknetviz.nn.layers import Flatten
    >>> Flatten().forward(np.zeros((5, 2, 3, 3))).shape
    (5, 18)
    """

    def initialize(self, input_shape, rng, dtype):
        self._input_shape = tuple(input_shape)
        return (int(np.prod(input_shape)),)

    def forward(self, X, training=False):
        return X.reshape(X.shape[0], -1)

    def backward(self, delta):
        return delta.reshape((delta.shape[0], *self._input_shape))


class Reshape(Layer):
    """Give each sample a shape: rows of features become images, for example.

    Sparse rows are made dense first.

    Parameters
    ----------
    shape : tuple of int
        The shape of one sample after the layer.

    Examples
    --------
    >>> import numpy as np
    >>> from sknetviz.nn.layers import Reshape
    >>> Reshape((2, 3, 1)).forward(np.zeros((4, 6))).shape
    (4, 2, 3, 1)
    """

    def __init__(self, shape):
        self.shape = tuple(shape)

    def initialize(self, input_shape, rng, dtype):
        if int(np.prod(input_shape)) != int(np.prod(self.shape)):
            raise ValueError(
                f"Cannot reshape samples of shape {tuple(input_shape)} "
                f"({int(np.prod(input_shape))} values) to {self.shape}."
            )
        self._input_shape = tuple(input_shape)
        return self.shape

    def forward(self, X, training=False):
        if not isinstance(X, np.ndarray):
            X = X.toarray()
        return X.reshape((X.shape[0], *self.shape))

    def backward(self, delta):
        return delta.reshape((delta.shape[0], *self._input_shape))
