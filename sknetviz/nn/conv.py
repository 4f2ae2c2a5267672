"""Convolution and pooling layers on NHWC batches: Conv2D, MaxPool2D, AvgPool2D.

Every pass is vectorised: a convolution gathers each output pixel's receptive
field into one row of an im2col matrix (a loop over the kernel's offsets,
never over samples or pixels) and multiplies it by the kernel matrix; its
input gradient adds one product per kernel offset onto the padded input.
Pooling works on strided views of non-overlapping windows. Buffers grow with
the batch, not the data.
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ._noise import keyed_integers, sample_keys
from .initializers import INITIALIZERS
from .layers import Layer


def _padding_widths(kernel_size, padding):
    """Rows (or columns) added before and after for 'same' or 'valid' padding."""
    if padding == "valid":
        return 0, 0
    total = kernel_size - 1
    return total // 2, total - total // 2


class Conv2D(Layer):
    """2-D convolution with stride 1 on images of shape (n, height, width, channels).

    Parameters
    ----------
    filters : int
        Number of output channels.
    kernel_size : int or tuple of two int
        Height and width of the kernels.
    padding : {'same', 'valid'}, default='same'
        'same' pads with zeros so the output keeps the input's height and
        width; 'valid' uses only full windows.
    init : str, default='he_uniform'
        Initializer of the kernels, with fan_in = kh * kw * in_channels and
        fan_out = kh * kw * filters. Biases start at zero.

    Attributes
    ----------
    W : ndarray of shape (kh, kw, in_channels, filters)
        The kernels.
    b : ndarray of shape (filters,)
        The biases.

    Examples
    --------
    >>> import numpy as np
    >>> from sknetviz.nn.conv import Conv2D
    >>> layer = Conv2D(4, 3)
    >>> layer.initialize((8, 8, 1), np.random.default_rng(0), np.float64)
    (8, 8, 4)
    >>> layer.forward(np.ones((2, 8, 8, 1))).shape
    (2, 8, 8, 4)
    """

    _cache_names = ("_cols", "_batch_shape")

    param_names = ("W", "b")
    param_roles = ("weight", "bias")
    returns_new_array = True

    def __init__(self, filters, kernel_size, padding="same", init="he_uniform"):
        if padding not in ("same", "valid"):
            raise ValueError(f"padding must be 'same' or 'valid', got {padding!r}.")
        self.filters = filters
        self.kernel_size = (
            (kernel_size, kernel_size)
            if np.isscalar(kernel_size)
            else tuple(kernel_size)
        )
        self.padding = padding
        self.init = init
        self.propagate_delta = True

    def initialize(self, input_shape, rng, dtype):
        height, width, channels = input_shape
        kh, kw = self.kernel_size
        self._pads = (
            _padding_widths(kh, self.padding),
            _padding_widths(kw, self.padding),
        )
        out_height = height + sum(self._pads[0]) - kh + 1
        out_width = width + sum(self._pads[1]) - kw + 1
        if out_height < 1 or out_width < 1:
            raise ValueError(
                f"A {kh}x{kw} 'valid' convolution needs images of at least {kh}x{kw}; "
                f"got {height}x{width}."
            )
        shape = (kh, kw, channels, self.filters)
        fan_in, fan_out = kh * kw * channels, kh * kw * self.filters
        self.W = INITIALIZERS[self.init](fan_in, fan_out, shape, rng, dtype)
        self.b = np.zeros(self.filters, dtype=dtype)
        self.grads = [np.zeros_like(self.W), np.zeros_like(self.b)]
        self._input_shape = (height, width, channels)
        # Values per sample of the im2col matrix, beside the output.
        self.scratch_values = out_height * out_width * (kh * kw * channels + 1)
        return (out_height, out_width, self.filters)

    def _padded(self, X, training):
        (top, bottom), (left, right) = self._pads
        if top == bottom == left == right == 0:
            return X
        n, height, width, channels = X.shape
        shape = (n, height + top + bottom, width + left + right, channels)
        # Only the interior is ever written, so a kept array's border stays zero.
        padded = self._work_array("padded", shape, X.dtype, training, zeros=True)
        padded[:, top : top + height, left : left + width] = X
        return padded

    def _im2col(self, X, training):
        """Rows of receptive fields, each ending in a 1 for the bias.

        Returns a matrix of shape (n * out_h * out_w, kh * kw * channels + 1):
        its product with the kernels stacked on the biases is the convolution,
        and its transpose's product with delta gives both gradients. The
        bias column makes the separate bias addition and bias-gradient sum
        unnecessary (they took as long as the products on 28x28x8 outputs).
        """
        padded = self._padded(X, training)
        kh, kw = self.kernel_size
        n, channels = X.shape[0], X.shape[3]
        out_height, out_width = padded.shape[1] - kh + 1, padded.shape[2] - kw + 1
        n_rows, n_taps = n * out_height * out_width, kh * kw * channels
        if channels > 1:
            # One copy of the windows view: copying runs of `channels` values
            # beats kh * kw strided slices once there are several channels
            # (2.1x on 14x14x8).
            cols = self._work_array("cols", (n_rows, n_taps + 1), X.dtype, training)
            windows = sliding_window_view(padded, (kh, kw), axis=(1, 2))
            np.copyto(
                cols[:, :n_taps].reshape(n, out_height, out_width, kh, kw, channels),
                windows.transpose(0, 1, 2, 4, 5, 3),
            )
            cols[:, n_taps] = 1
            return cols
        # One channel: build the transpose, one row per kernel offset, where
        # each slice copies whole image rows (2x faster than rows of kh * kw).
        cols_t = self._work_array("cols", (n_taps + 1, n_rows), X.dtype, training)
        image = padded[..., 0]
        for i in range(kh):
            for j in range(kw):
                cols_t[i * kw + j].reshape(n, out_height, out_width)[...] = image[
                    :, i : i + out_height, j : j + out_width
                ]
        cols_t[n_taps] = 1
        return cols_t.T

    def _kernel_matrix(self):
        """The kernels as a (kh * kw * channels, filters) matrix over the biases."""
        kh, kw, channels, filters = self.W.shape
        return np.vstack([self.W.reshape(kh * kw * channels, filters), self.b])

    def forward(self, X, training=False):
        n = X.shape[0]
        cols = self._im2col(X, training)
        if training:
            self._cols = cols
            self._batch_shape = X.shape
        filters = self.W.shape[3]
        out = self._work_array("out", (cols.shape[0], filters), X.dtype, training)
        np.matmul(cols, self._kernel_matrix(), out=out)
        out_height, out_width = self._output_hw(X.shape)
        return out.reshape(n, out_height, out_width, filters)

    def _output_hw(self, shape):
        kh, kw = self.kernel_size
        return (
            shape[1] + sum(self._pads[0]) - kh + 1,
            shape[2] + sum(self._pads[1]) - kw + 1,
        )

    def backward(self, delta):
        cols = self._pop_cache("_cols")
        kh, kw, channels, filters = self.W.shape
        delta_rows = delta.reshape(-1, filters)
        both = cols.T @ delta_rows  # the kernels' gradient over the biases'
        self.grads[0][...] = both[:-1].reshape(self.W.shape)
        self.grads[1][...] = both[-1]
        if not self.propagate_delta:
            return None
        return self._input_gradient(delta_rows)

    def _input_gradient(self, delta_rows):
        """The gradient with respect to the input: each kernel offset's product
        with delta, added onto the padded input where that offset reads.

        One small product per offset, added in place, beats forming the whole
        (rows x kh*kw*channels) matrix and scattering it (3.3x on 14x14x8).
        """
        n, height, width, channels = self._batch_shape
        kh, kw = self.kernel_size
        (top, bottom), (left, right) = self._pads
        out_height, out_width = self._output_hw(self._batch_shape)
        dtype = delta_rows.dtype
        padded = self._work_array(
            "padded_gradient",
            (n, height + top + bottom, width + left + right, channels),
            dtype,
            training=True,
        )
        padded.fill(0)
        contribution = self._work_array(
            "contribution", (delta_rows.shape[0], channels), dtype, training=True
        )
        for i in range(kh):
            for j in range(kw):
                np.matmul(delta_rows, self.W[i, j].T, out=contribution)
                padded[:, i : i + out_height, j : j + out_width] += (
                    contribution.reshape(n, out_height, out_width, channels)
                )
        return padded[:, top : top + height, left : left + width]


class _Pool2D(Layer):
    """Non-overlapping pooling over pool_size x pool_size windows (stride = size).

    Rows and columns that do not fill a whole window are dropped, as in
    Keras's 'valid' pooling; their gradient is zero.
    """

    # The output is never a view of the input, so an activation after it may
    # work in place.
    returns_new_array = True

    def __init__(self, pool_size=2):
        self.pool_size = (
            (pool_size, pool_size) if np.isscalar(pool_size) else tuple(pool_size)
        )

    def initialize(self, input_shape, rng, dtype):
        height, width, channels = input_shape
        ph, pw = self.pool_size
        if height < ph or width < pw:
            raise ValueError(
                f"A {ph}x{pw} pooling needs feature maps of at least {ph}x{pw}; "
                f"got {height}x{width}."
            )
        return (height // ph, width // pw, channels)

    def _windows(self, X):
        """View of shape (n, out_h, ph, out_w, pw, channels) over the whole windows."""
        n, height, width, channels = X.shape
        ph, pw = self.pool_size
        out_height, out_width = height // ph, width // pw
        X = X[:, : out_height * ph, : out_width * pw]
        return X.reshape(n, out_height, ph, out_width, pw, channels)

    def _spread(self, windows_grad, input_shape):
        """Place window gradients back into an input-shaped array of zeros."""
        n, out_height, ph, out_width, pw, channels = windows_grad.shape
        if input_shape[1] == out_height * ph and input_shape[2] == out_width * pw:
            return windows_grad.reshape(input_shape)
        full = np.zeros(input_shape, dtype=windows_grad.dtype)
        full[:, : out_height * ph, : out_width * pw] = windows_grad.reshape(
            n, out_height * ph, out_width * pw, channels
        )
        return full


class MaxPool2D(_Pool2D):
    """Max pooling over non-overlapping windows.

    The gradient goes to the maximum of each window; when several elements
    tie for it, they share it equally (a valid subgradient, and after a ReLU
    the usual tie, an all-zero window, passes nothing back anyway).

    Parameters
    ----------
    pool_size : int or tuple of two int, default=2

    Examples
    --------
    >>> import numpy as np
    >>> from sknetviz.nn.conv import MaxPool2D
    >>> X = np.arange(16.0).reshape(1, 4, 4, 1)
    >>> MaxPool2D(2).forward(X)[0, :, :, 0]
    array([[ 5.,  7.],
           [13., 15.]])
    """

    _cache_names = ("_is_max", "_share", "_input_shape_seen")

    def _rows_layout(self, X):
        """X's whole windows as (n, out_h, ph, out_w, pw * channels).

        It is X's own memory order, so every step below reads contiguous
        runs of ``pw * channels`` values, not runs of ``channels``.
        """
        windows = self._windows(X)
        return windows.reshape(*windows.shape[:4], -1)

    def forward(self, X, training=False):
        ph, pw = self.pool_size
        n, channels = X.shape[0], X.shape[3]
        rows = self._rows_layout(X)
        out_height, out_width = rows.shape[1], rows.shape[3]
        if ph > 1:
            row_max = self._work_array(
                "row_max", rows[:, :, 0].shape, X.dtype, training
            )
            np.maximum(rows[:, :, 0], rows[:, :, 1], out=row_max)
            for i in range(2, ph):
                np.maximum(row_max, rows[:, :, i], out=row_max)
        else:
            row_max = rows[:, :, 0]
        out = self._work_array(
            "out", (n, out_height, out_width, channels), X.dtype, training
        )
        if pw > 1:
            np.maximum(
                row_max[..., :channels], row_max[..., channels : 2 * channels], out=out
            )
            for j in range(2, pw):
                np.maximum(
                    out, row_max[..., j * channels : (j + 1) * channels], out=out
                )
        else:
            out[...] = row_max
        if training:
            # Compare each window row with the maxima repeated pw times, so
            # every operation runs along rows of out_w * pw * channels values
            # (broadcasting over runs of `channels` was 2.5x slower).
            tiled = np.tile(out, pw)[:, :, np.newaxis]
            is_max = self._work_array("is_max", rows.shape, bool, training)
            np.equal(rows, tiled, out=is_max)
            self._is_max = is_max
            # Without ties each window has one maximum, which takes the whole
            # gradient: no shares to count. Pre-activations tie only where a
            # window is uniform (a blank background), so many batches skip it.
            ties = np.count_nonzero(is_max) != out.size
            self._share = (
                self._tie_shares(is_max, out.shape, X.dtype) if ties else False
            )
            self._input_shape_seen = X.shape
        return out

    def _tie_shares(self, is_max, out_shape, dtype):
        """How many elements tie for each window's maximum, shape of the output."""
        ph, pw = self.pool_size
        channels = out_shape[3]
        row_count = self._work_array("row_count", is_max[:, :, 0].shape, dtype, True)
        np.add(is_max[:, :, 0], False, out=row_count, dtype=dtype)
        for i in range(1, ph):
            row_count += is_max[:, :, i]
        share = self._work_array("share", out_shape, dtype, True)
        share[...] = row_count[..., :channels]
        for j in range(1, pw):
            share += row_count[..., j * channels : (j + 1) * channels]
        return share

    def backward(self, delta):
        is_max = self._pop_cache("_is_max")
        share = self._pop_cache("_share")
        input_shape = self._pop_cache("_input_shape_seen")
        ph, pw = self.pool_size
        n, out_height, out_width, channels = delta.shape
        if share is not False:
            delta = np.divide(delta, share, out=share)
        per_max = np.tile(delta, pw)[:, :, np.newaxis]
        windows = self._work_array("gradient", is_max.shape, delta.dtype, True)
        np.multiply(is_max, per_max, out=windows)
        return self._spread(
            windows.reshape(n, out_height, ph, out_width, pw, channels), input_shape
        )


class AvgPool2D(_Pool2D):
    """Average pooling over non-overlapping windows.

    Parameters
    ----------
    pool_size : int or tuple of two int, default=2

    Examples
    --------
    >>> import numpy as np
    >>> from sknetviz.nn.conv import AvgPool2D
    >>> X = np.arange(16.0).reshape(1, 4, 4, 1)
    >>> AvgPool2D(2).forward(X)[0, :, :, 0]
    array([[ 2.5,  4.5],
           [10.5, 12.5]])
    """

    _cache_names = ("_input_shape_seen",)

    def forward(self, X, training=False):
        if training:
            self._input_shape_seen = X.shape
        return self._windows(X).mean(axis=(2, 4))

    def backward(self, delta):
        input_shape = self._pop_cache("_input_shape_seen")
        ph, pw = self.pool_size
        n, out_height, out_width, channels = delta.shape
        share = delta / (ph * pw)
        windows = np.broadcast_to(
            share[:, :, np.newaxis, :, np.newaxis, :],
            (n, out_height, ph, out_width, pw, channels),
        )
        return self._spread(np.ascontiguousarray(windows), input_shape)


def _shift(images, dy, dx):
    """Move every image dy pixels down and dx right, filling with zeros."""
    height, width = images.shape[1:3]
    out = np.zeros_like(images)
    out[:, max(dy, 0) : height + min(dy, 0), max(dx, 0) : width + min(dx, 0)] = images[
        :, max(-dy, 0) : height - max(dy, 0), max(-dx, 0) : width - max(dx, 0)
    ]
    return out


class RandomShift(Layer):
    """Data augmentation: shift each training image by up to ``max_shift`` pixels.

    Every sample moves by its own (dy, dx), each in [-max_shift, max_shift]
    (only along axes longer than one pixel), with zeros filling the edge;
    nothing else changes, so a digit keeps its meaning. At inference the layer
    is the identity. Shifts are keyed by sample like dropout masks: a step key
    from ``rng`` and the sample's content pick them.

    Parameters
    ----------
    max_shift : int, default=1

    Examples
    --------
    >>> import numpy as np
    >>> from sknetviz.nn.conv import RandomShift
    >>> layer = RandomShift(1)
    >>> layer.initialize((5, 5, 1), np.random.default_rng(0), np.float64)
    (5, 5, 1)
    >>> X = np.zeros((3, 5, 5, 1)); X[:, 2, 2] = 1
    >>> moved = layer.forward(X, training=True)
    >>> bool(np.abs(np.argwhere(moved[..., 0])[:, 1:] - 2).max() <= 1)
    True
    >>> bool((layer.forward(X) == X).all())
    True
    """

    _cache_names = ("_choice",)

    draws_noise = True

    def __init__(self, max_shift=1):
        self.max_shift = max_shift
        self.sample_keys = None

    def initialize(self, input_shape, rng, dtype):
        height, width = input_shape[:2]
        self.rng = rng
        self._reach = (
            self.max_shift if height > 1 else 0,
            self.max_shift if width > 1 else 0,
        )
        return tuple(input_shape)

    def _offsets(self):
        reach_y, reach_x = self._reach
        return [
            (dy, dx)
            for dy in range(-reach_y, reach_y + 1)
            for dx in range(-reach_x, reach_x + 1)
        ]

    def forward(self, X, training=False):
        keys, self.sample_keys = self.sample_keys, None
        if not training or self._reach == (0, 0):
            return X
        if keys is None:
            keys = sample_keys(X)
        offsets = self._offsets()
        step_key = int(self.rng.integers(np.iinfo(np.int64).max))
        self._choice = keyed_integers(keys, step_key, len(offsets))
        out = np.empty_like(X)
        for index, (dy, dx) in enumerate(offsets):
            chosen = self._choice == index
            if chosen.any():
                out[chosen] = _shift(X[chosen], dy, dx)
        return out

    def backward(self, delta):
        if self._reach == (0, 0):
            return delta
        choice = self._pop_cache("_choice")
        out = np.empty_like(delta)
        for index, (dy, dx) in enumerate(self._offsets()):
            chosen = choice == index
            if chosen.any():
                out[chosen] = _shift(delta[chosen], -dy, -dx)
        return out
