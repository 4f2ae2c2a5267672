"""Residual: a skip connection around a stack of layers, the guide's cure for
vanishing gradients in deep networks."""

import numpy as np

from .initializers import INITIALIZERS
from .layers import Layer
from .network import Sequential


class Residual(Layer):
    """Add a block's input to its output: ``y = F(x) + x``.

    The gradient reaches the layers below along two paths, through the block
    ``F`` and straight along the shortcut, so it does not fade however deep
    the network is. When ``F`` changes the width (the last axis: features,
    or an image's channels), the shortcut is a learned linear projection
    ``x @ P`` instead, ResNet's projection shortcut: for images, a 1x1
    convolution.

    Parameters
    ----------
    layers : list of Layer
        The block ``F``, input side first. Its output must have the input's
        shape, except perhaps its last axis.
    init : str, default='xavier_uniform'
        The initializer of the projection ``P``, when there is one.

    Attributes
    ----------
    block : Sequential
        ``F``, holding ``layers``.
    P : ndarray of shape (input width, output width) or None
        The projection's weights, in the 'weight' role (penalised by L2,
        listed in an estimator's ``coefs_`` after the block's), or None for
        the identity shortcut.

    Examples
    --------
    >>> import numpy as np
    >>> from sknetviz.nn import Activation, Dense, Residual
    >>> block = Residual([Dense(4), Activation("relu"), Dense(4)])
    >>> block
    Residual([Dense(4), Activation('relu'), Dense(4)])
    >>> block.initialize((4,), np.random.default_rng(0), np.float64)
    (4,)
    >>> X = np.ones((2, 4))
    >>> bool(np.allclose(block.forward(X), block.block.forward(X) + X))
    True

    A block that widens its input gets a projection shortcut:

    >>> wide = Residual([Dense(6)])
    >>> wide.initialize((4,), np.random.default_rng(0), np.float64)
    (6,)
    >>> wide.P.shape, wide.param_roles
    ((4, 6), ('weight', 'bias', 'weight'))
    """

    _cache_names = ("_X",)
    returns_new_array = True

    def __init__(self, layers, init="xavier_uniform"):
        self.layers = list(layers)
        self.init = init
        self.block = Sequential(self.layers)
        self.P = None

    @property
    def children(self):
        return self.layers

    @property
    def propagate_delta(self):
        return self.block.propagate_delta

    @propagate_delta.setter
    def propagate_delta(self, value):
        self.block.propagate_delta = value

    def initialize(self, input_shape, rng, dtype):
        input_shape = tuple(input_shape)
        output_shape = self.block.initialize(input_shape, rng, dtype)
        if output_shape[:-1] != input_shape[:-1]:
            raise ValueError(
                f"Residual adds the block's input {input_shape} to its output "
                f"{output_shape}: they may differ only in the last axis (the "
                "width, bridged by a projection), not in the others."
            )
        self.P = None
        if output_shape[-1] != input_shape[-1]:
            fan_in, fan_out = input_shape[-1], output_shape[-1]
            self.P = INITIALIZERS[self.init](
                fan_in, fan_out, (fan_in, fan_out), rng, dtype
            )
            self._P_grad = np.zeros_like(self.P)
        self._width = input_shape[-1]
        return output_shape

    @property
    def params(self):
        return self.block.params + ([] if self.P is None else [self.P])

    @property
    def grads(self):
        return self.block.grads + ([] if self.P is None else [self._P_grad])

    @property
    def param_roles(self):
        return self.block.param_roles + (() if self.P is None else ("weight",))

    @property
    def state(self):
        return self.block.state

    @property
    def scratch_values(self):
        return self.block.scratch_values

    def forward(self, X, training=False):
        out = self.block.forward(X, training=training)
        if self.P is None:
            return np.add(out, X)  # the block may keep its output for backward
        if training:
            self._X = X
        shortcut = (X.reshape(-1, self._width) @ self.P).reshape(out.shape)
        shortcut += out
        return shortcut

    def backward(self, delta):
        if self.P is not None:
            X = self._pop_cache("_X")
            width_out = self.P.shape[1]
            delta_rows = delta.reshape(-1, width_out)
            np.matmul(X.reshape(-1, self._width).T, delta_rows, out=self._P_grad)
            if self.propagate_delta:
                shortcut = (delta_rows @ self.P.T).reshape(
                    (*delta.shape[:-1], self._width)
                )
            through_block = self.block.backward(delta)
        else:
            shortcut = delta
            through_block = self.block.backward(
                delta.copy() if self.propagate_delta else delta
            )
        if not self.propagate_delta:
            return None
        if through_block is None:  # a block with nothing that passes delta on
            return shortcut
        through_block += shortcut
        return through_block

    def release_work_arrays(self):
        super().release_work_arrays()
        self.block.release_work_arrays()
