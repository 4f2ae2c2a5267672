"""Tests of the Conv2D, MaxPool2D and AvgPool2D layers against naive loops."""

import re

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from sknetviz._training import Objective
from sknetviz.nn.conv import AvgPool2D, Conv2D, MaxPool2D
from sknetviz.nn.layers import Activation, Dense, Flatten
from sknetviz.nn.network import Sequential

# (kernel_size, padding, (height, width), channels, filters): odd, even,
# rectangular and 1x1 kernels, a 'same' kernel larger than the image and a
# 'valid' kernel exactly the image's size.
CONV_CASES = [
    (3, "same", (5, 7), 1, 2),
    (3, "valid", (5, 7), 3, 4),
    (2, "same", (4, 5), 2, 3),
    (2, "valid", (4, 5), 2, 1),
    ((2, 3), "same", (5, 4), 3, 2),
    ((2, 3), "valid", (5, 4), 1, 3),
    (1, "same", (3, 4), 4, 2),
    (1, "valid", (3, 4), 2, 5),
    (5, "same", (2, 3), 2, 2),
    ((3, 2), "valid", (3, 2), 2, 2),
]
CONV_IDS = [f"{k}-{padding}-{hw}-c{c}-f{f}" for k, padding, hw, c, f in CONV_CASES]

# (pool_size, (height, width), channels): divisible shapes, shapes whose last
# rows or columns do not fill a window, rectangular windows.
POOL_CASES = [
    (2, (4, 6), 2),
    (2, (5, 7), 3),
    ((2, 3), (5, 7), 2),
    ((3, 2), (3, 5), 1),
    (3, (3, 3), 2),
    (1, (2, 3), 2),
]
POOL_IDS = [f"{size}-{hw}-c{c}" for size, hw, c in POOL_CASES]
POOLS = [MaxPool2D, AvgPool2D]
N_SAMPLES = 2


def _pair(size):
    return (size, size) if np.isscalar(size) else tuple(size)


def _conv_layer(kernel_size, padding, image_shape, filters, dtype=np.float64, seed=0):
    """A Conv2D with random non-zero biases, so that ``b`` shows in the output."""
    rng = np.random.default_rng(seed)
    layer = Conv2D(filters, kernel_size, padding=padding)
    layer.initialize(image_shape, rng, dtype)
    layer.b[...] = rng.normal(size=filters)
    return layer


def _conv_problem(kernel_size, padding, hw, channels, filters, seed=1):
    """A layer, a batch and a random upstream gradient of the output's shape."""
    layer = _conv_layer(kernel_size, padding, (*hw, channels), filters)
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(N_SAMPLES, *hw, channels))
    upstream = rng.normal(size=layer.forward(X).shape)
    return layer, X, upstream


def _receptive_field(W, image_hw, padding):
    """Offsets (top, left) of the kernel and the output's height and width."""
    kh, kw = W.shape[:2]
    height, width = image_hw
    if padding == "same":
        return (kh - 1) // 2, (kw - 1) // 2, height, width
    return 0, 0, height - kh + 1, width - kw + 1


def naive_conv2d(X, W, b, padding):
    """Cross-correlation with zero padding, one output entry at a time."""
    n, height, width, channels = X.shape
    kh, kw, _, filters = W.shape
    top, left, out_height, out_width = _receptive_field(W, (height, width), padding)
    out = np.empty((n, out_height, out_width, filters))
    for sample in range(n):
        for y in range(out_height):
            for x in range(out_width):
                for f in range(filters):
                    total = b[f]
                    for i in range(kh):
                        for j in range(kw):
                            row, col = y + i - top, x + j - left
                            if 0 <= row < height and 0 <= col < width:
                                for c in range(channels):
                                    total += X[sample, row, col, c] * W[i, j, c, f]
                    out[sample, y, x, f] = total
    return out


def naive_conv2d_gradients(X, W, upstream, padding):
    """Gradients of sum(conv(X) * upstream) w.r.t. W, b and X, entry by entry."""
    n, height, width, channels = X.shape
    kh, kw, _, filters = W.shape
    top, left, out_height, out_width = _receptive_field(W, (height, width), padding)
    grad_W, grad_b, grad_X = np.zeros_like(W), np.zeros(filters), np.zeros_like(X)
    for sample in range(n):
        for y in range(out_height):
            for x in range(out_width):
                for f in range(filters):
                    g = upstream[sample, y, x, f]
                    grad_b[f] += g
                    for i in range(kh):
                        for j in range(kw):
                            row, col = y + i - top, x + j - left
                            if 0 <= row < height and 0 <= col < width:
                                for c in range(channels):
                                    grad_W[i, j, c, f] += g * X[sample, row, col, c]
                                    grad_X[sample, row, col, c] += g * W[i, j, c, f]
    return grad_W, grad_b, grad_X


@pytest.mark.parametrize(
    "kernel_size, padding, hw, channels, filters", CONV_CASES, ids=CONV_IDS
)
def test_conv2d_forward_matches_naive_loops(
    kernel_size, padding, hw, channels, filters
):
    layer, X, _ = _conv_problem(kernel_size, padding, hw, channels, filters)
    expected = naive_conv2d(X, layer.W, layer.b, padding)
    assert_allclose(layer.forward(X), expected, rtol=1e-12, atol=1e-12)
    assert_allclose(layer.forward(X, training=True), expected, rtol=1e-12, atol=1e-12)


def test_even_kernel_same_padding_puts_the_extra_zero_after():
    layer = Conv2D(1, 2)
    layer.initialize((3, 3, 1), np.random.default_rng(0), np.float64)
    layer.W[...] = 1.0
    X = np.arange(9.0).reshape(1, 3, 3, 1)
    # Each output pixel sums its own input pixel and those right and below.
    expected = np.array([[8.0, 12.0, 7.0], [20.0, 24.0, 13.0], [13.0, 15.0, 8.0]])
    assert_array_equal(layer.forward(X)[0, :, :, 0], expected)


@pytest.mark.parametrize(
    "kernel_size, padding, hw, channels, filters", CONV_CASES, ids=CONV_IDS
)
def test_conv2d_backward_matches_naive_loops_and_central_differences(
    kernel_size, padding, hw, channels, filters, numerical_gradient
):
    layer, X, upstream = _conv_problem(kernel_size, padding, hw, channels, filters)
    layer.forward(X, training=True)
    input_delta = layer.backward(upstream.copy())
    grad_W, grad_b = (g.copy() for g in layer.grads)

    naive_W, naive_b, naive_X = naive_conv2d_gradients(X, layer.W, upstream, padding)
    assert_allclose(grad_W, naive_W, rtol=1e-12, atol=1e-12)
    assert_allclose(grad_b, naive_b, rtol=1e-12, atol=1e-12)
    assert_allclose(input_delta, naive_X, rtol=1e-12, atol=1e-12)

    def loss():
        return np.sum(layer.forward(X) * upstream)

    assert_allclose(grad_W, numerical_gradient(loss, layer.W), rtol=1e-6, atol=1e-8)
    assert_allclose(grad_b, numerical_gradient(loss, layer.b), rtol=1e-6, atol=1e-8)
    assert_allclose(input_delta, numerical_gradient(loss, X), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("padding", ["same", "valid"])
def test_conv2d_without_propagate_delta_still_fills_its_grads(padding):
    layer, X, upstream = _conv_problem(3, padding, (5, 6), 2, 3)
    expected_W, expected_b, _ = naive_conv2d_gradients(X, layer.W, upstream, padding)

    layer.propagate_delta = False
    layer.forward(X, training=True)
    assert layer.backward(upstream.copy()) is None
    assert_allclose(layer.grads[0], expected_W, rtol=1e-12, atol=1e-12)
    assert_allclose(layer.grads[1], expected_b, rtol=1e-12, atol=1e-12)


def test_conv2d_params_and_grads_are_parallel():
    layer = _conv_layer((2, 3), "same", (4, 5, 3), 6)
    assert layer.params[0] is layer.W
    assert layer.params[1] is layer.b
    assert layer.W.shape == (2, 3, 3, 6)
    assert [g.shape for g in layer.grads] == [(2, 3, 3, 6), (6,)]


def naive_pool(X, pool_size, reduce):
    """Apply ``reduce`` to every whole window, one window at a time."""
    n, height, width, channels = X.shape
    ph, pw = _pair(pool_size)
    out = np.empty((n, height // ph, width // pw, channels))
    for sample, y, x, c in np.ndindex(out.shape):
        window = X[sample, y * ph : (y + 1) * ph, x * pw : (x + 1) * pw, c]
        out[sample, y, x, c] = reduce(window)
    return out


def naive_pool_gradient(X, pool_size, upstream, kind):
    """Input gradient of sum(pool(X) * upstream), one window at a time."""
    ph, pw = _pair(pool_size)
    grad_X = np.zeros_like(X)
    for sample, y, x, c in np.ndindex(upstream.shape):
        rows, cols = slice(y * ph, (y + 1) * ph), slice(x * pw, (x + 1) * pw)
        g = upstream[sample, y, x, c]
        if kind == "max":
            window = X[sample, rows, cols, c]
            i, j = np.unravel_index(np.argmax(window), window.shape)
            grad_X[sample, y * ph + i, x * pw + j, c] = g
        else:
            grad_X[sample, rows, cols, c] = g / (ph * pw)
    return grad_X


def _pool_problem(pool_class, pool_size, hw, channels, seed=3):
    """A pooling layer, a batch of distinct values (no ties) and an upstream."""
    layer = pool_class(pool_size)
    out_shape = layer.initialize((*hw, channels), np.random.default_rng(0), np.float64)
    rng = np.random.default_rng(seed)
    size = N_SAMPLES * hw[0] * hw[1] * channels
    # Distinct values 0.1 apart, negative and positive: far from ties at eps.
    X = (rng.permutation(size) - size / 2).reshape(N_SAMPLES, *hw, channels) * 0.1
    upstream = rng.normal(size=(N_SAMPLES, *out_shape))
    return layer, X, upstream


def _kind(pool_class):
    return "max" if pool_class is MaxPool2D else "avg"


@pytest.mark.parametrize("pool_size, hw, channels", POOL_CASES, ids=POOL_IDS)
@pytest.mark.parametrize("pool_class", POOLS)
def test_pool_forward_matches_naive_loops(pool_class, pool_size, hw, channels):
    layer, X, _ = _pool_problem(pool_class, pool_size, hw, channels)
    expected = naive_pool(X, pool_size, np.max if pool_class is MaxPool2D else np.mean)
    assert_allclose(layer.forward(X), expected, rtol=1e-14)
    assert_allclose(layer.forward(X, training=True), expected, rtol=1e-14)


@pytest.mark.parametrize("pool_size, hw, channels", POOL_CASES, ids=POOL_IDS)
@pytest.mark.parametrize("pool_class", POOLS)
def test_pool_backward_matches_naive_loops_and_central_differences(
    pool_class, pool_size, hw, channels, numerical_gradient
):
    layer, X, upstream = _pool_problem(pool_class, pool_size, hw, channels)
    layer.forward(X, training=True)
    input_delta = layer.backward(upstream.copy())

    naive = naive_pool_gradient(X, pool_size, upstream, _kind(pool_class))
    assert_allclose(input_delta, naive, rtol=1e-14)

    def loss():
        return np.sum(layer.forward(X) * upstream)

    expected = numerical_gradient(loss, X)
    assert_allclose(input_delta, expected, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("pool_class", POOLS)
def test_pool_gradient_of_dropped_rows_and_columns_is_exactly_zero(pool_class):
    layer, X, upstream = _pool_problem(pool_class, (2, 3), (5, 7), 2)
    layer.forward(X, training=True)
    input_delta = layer.backward(upstream.copy())
    assert input_delta.shape == X.shape
    assert_array_equal(input_delta[:, 4:], 0.0)
    assert_array_equal(input_delta[:, :, 6:], 0.0)
    # Each window passes on all of its upstream entry, to its own elements.
    window_sums = input_delta[:, :4, :6].reshape(N_SAMPLES, 2, 2, 2, 3, 2).sum((2, 4))
    assert_allclose(window_sums, upstream, rtol=1e-14)


def test_max_pool_shares_the_gradient_of_a_tie_equally_among_the_maxima():
    rng = np.random.default_rng(4)
    # Values in {0, 1, 2}: most 2x2 windows hold a tied maximum; the last
    # window of each row and column is constant.
    X = rng.integers(3, size=(N_SAMPLES, 6, 6, 2)).astype(np.float64)
    X[:, 4:, :] = 1.0
    X[:, :, 4:] = 1.0
    layer = MaxPool2D(2)
    layer.initialize(X.shape[1:], rng, np.float64)
    output = layer.forward(X, training=True)
    upstream = rng.uniform(0.5, 2.0, size=output.shape)
    input_delta = layer.backward(upstream.copy())

    windows = X.reshape(N_SAMPLES, 3, 2, 3, 2, 2)
    window_grads = input_delta.reshape(N_SAMPLES, 3, 2, 3, 2, 2)
    assert_allclose(window_grads.sum(axis=(2, 4)), upstream, rtol=1e-14)
    # Every maximum gets an equal share, and nothing else gets anything.
    is_max = windows == windows.max(axis=(2, 4), keepdims=True)
    n_max = is_max.sum(axis=(2, 4), keepdims=True)
    expected = is_max * (upstream[:, :, None, :, None, :] / n_max)
    assert_allclose(window_grads, expected, rtol=1e-14)
    assert (n_max > 1).any()  # the data really has ties


@pytest.mark.parametrize(
    "kernel_size, padding, image_shape, expected",
    [
        (3, "same", (7, 5, 2), (7, 5, 4)),
        (3, "valid", (7, 5, 2), (5, 3, 4)),
        (2, "same", (7, 5, 2), (7, 5, 4)),
        (2, "valid", (7, 5, 2), (6, 4, 4)),
        ((2, 4), "valid", (7, 5, 2), (6, 2, 4)),
        (1, "valid", (7, 5, 2), (7, 5, 4)),
        (5, "same", (2, 3, 1), (2, 3, 4)),
    ],
)
def test_conv2d_initialize_returns_the_output_shape(
    kernel_size, padding, image_shape, expected
):
    layer = Conv2D(4, kernel_size, padding=padding)
    assert layer.initialize(image_shape, np.random.default_rng(0), np.float64) == (
        expected
    )
    X = np.zeros((3, *image_shape))
    assert layer.forward(X).shape == (3, *expected)


@pytest.mark.parametrize("pool_class", POOLS)
@pytest.mark.parametrize(
    "pool_size, image_shape, expected",
    [
        (2, (6, 4, 3), (3, 2, 3)),
        (2, (7, 5, 3), (3, 2, 3)),
        ((3, 2), (7, 5, 3), (2, 2, 3)),
        (4, (4, 4, 1), (1, 1, 1)),
    ],
)
def test_pool_initialize_returns_the_output_shape(
    pool_class, pool_size, image_shape, expected
):
    layer = pool_class(pool_size)
    rng = np.random.default_rng(0)
    assert layer.initialize(image_shape, rng, np.float64) == expected
    assert layer.forward(np.zeros((3, *image_shape))).shape == (3, *expected)


def test_valid_conv2d_on_an_image_smaller_than_its_kernel_is_rejected():
    layer = Conv2D(2, (3, 5), padding="valid")
    message = "A 3x5 'valid' convolution needs images of at least 3x5; got 4x3."
    with pytest.raises(ValueError, match=re.escape(message)):
        layer.initialize((4, 3, 1), np.random.default_rng(0), np.float64)


@pytest.mark.parametrize("pool_class", POOLS)
def test_pooling_larger_than_the_feature_map_is_rejected(pool_class):
    message = "A 3x3 pooling needs feature maps of at least 3x3; got 2x5."
    with pytest.raises(ValueError, match=re.escape(message)):
        pool_class(3).initialize((2, 5, 1), np.random.default_rng(0), np.float64)


def test_unknown_padding_is_rejected():
    with pytest.raises(
        ValueError, match="padding must be 'same' or 'valid', got 'full'"
    ):
        Conv2D(2, 3, padding="full")


LAYER_KINDS = {
    "conv-same": lambda: Conv2D(3, 3),
    "conv-valid": lambda: Conv2D(3, 2, padding="valid"),
    "max-pool": lambda: MaxPool2D(2),
    "avg-pool": lambda: AvgPool2D(2),
}
IMAGE_SHAPE = (5, 6, 2)


def _initialized(kind, dtype=np.float64):
    """A layer of ``kind`` for images of IMAGE_SHAPE, with non-zero biases if any."""
    layer = LAYER_KINDS[kind]()
    rng = np.random.default_rng(5)
    layer.initialize(IMAGE_SHAPE, rng, dtype)
    if layer.params:
        layer.b[...] = rng.normal(size=layer.b.shape)
    return layer


def _batch():
    return np.random.default_rng(6).normal(size=(N_SAMPLES, *IMAGE_SHAPE))


@pytest.mark.parametrize("kind", LAYER_KINDS)
def test_backward_needs_one_training_forward_pass_each_time(kind):
    layer, X = _initialized(kind), _batch()
    upstream = np.ones_like(layer.forward(X))
    with pytest.raises(RuntimeError, match="training=True"):
        layer.backward(upstream.copy())
    layer.forward(X, training=True)
    layer.backward(upstream.copy())
    with pytest.raises(RuntimeError, match="training=True"):
        layer.backward(upstream.copy())


@pytest.mark.parametrize("kind", LAYER_KINDS)
def test_forward_and_backward_leave_the_input_untouched(kind):
    layer, X = _initialized(kind), _batch()
    X_before = X.copy()
    output = layer.forward(X, training=True)
    assert_array_equal(X, X_before)
    layer.backward(np.ones_like(output))
    assert_array_equal(X, X_before)


@pytest.mark.parametrize("kind", LAYER_KINDS)
def test_float32_in_gives_float32_out_and_grads(kind):
    layer32, layer64 = _initialized(kind, np.float32), _initialized(kind)
    for param32, param64 in zip(layer32.params, layer64.params):
        param64[...] = param32
    X = _batch()
    upstream = np.random.default_rng(7).normal(size=layer64.forward(X).shape)

    output32 = layer32.forward(X.astype(np.float32), training=True)
    input_delta32 = layer32.backward(upstream.astype(np.float32))
    assert output32.dtype == np.float32
    assert input_delta32.dtype == np.float32
    assert all(grad.dtype == np.float32 for grad in layer32.grads)

    output64 = layer64.forward(X, training=True)
    input_delta64 = layer64.backward(upstream.copy())
    assert_allclose(output32, output64, rtol=1e-5, atol=1e-5)
    assert_allclose(input_delta32, input_delta64, rtol=1e-5, atol=1e-5)
    for grad32, grad64 in zip(layer32.grads, layer64.grads):
        assert_allclose(grad32, grad64, rtol=1e-5, atol=1e-5)


def _conv_network(seed=0):
    network = Sequential(
        [
            Conv2D(4, 3),
            Activation("relu"),
            MaxPool2D(2),
            Conv2D(6, 3, padding="valid"),
            Activation("tanh"),
            AvgPool2D(2),
            Flatten(),
            Dense(3),
        ]
    )
    rng = np.random.default_rng(seed)
    assert network.initialize((9, 10, 2), rng, np.float64) == (3,)
    for layer in network.layers:
        if layer.params:
            # Non-zero biases, so that their gradients are exercised.
            layer.b[...] = rng.normal(0.0, 0.5, layer.b.shape)
    return network


def test_conv_network_gradients_match_central_differences(numerical_gradient):
    network = _conv_network()
    objective = Objective(network, "softmax", alpha=0.1)
    rng = np.random.default_rng(7)
    X = rng.normal(size=(2, 9, 10, 2))
    Y = np.eye(3)[[0, 2]]

    objective.loss_and_gradients(X, Y)
    analytic_grads = [g.copy() for g in network.grads]
    assert [g.shape for g in analytic_grads] == [
        (3, 3, 2, 4),
        (4,),
        (3, 3, 4, 6),
        (6,),
        (6, 3),
        (3,),
    ]

    def loss():
        return objective.loss_and_gradients(X, Y)

    for param, analytic in zip(network.params, analytic_grads):
        expected = numerical_gradient(loss, param)
        assert_allclose(analytic, expected, rtol=1e-5, atol=1e-8)


def test_conv2d_on_a_batch_of_digit_sized_images_keeps_one_im2col_matrix():
    # The largest buffer of a pass is the batch's im2col matrix, one row per
    # output pixel and one column per kernel entry (and one of ones for the
    # bias): the bound on its memory.
    layer = Conv2D(8, 3)
    assert layer.initialize((28, 28, 1), np.random.default_rng(0), np.float64) == (
        28,
        28,
        8,
    )
    X = np.random.default_rng(8).uniform(size=(64, 28, 28, 1))
    output = layer.forward(X, training=True)
    assert output.shape == (64, 28, 28, 8)
    assert layer._cols.shape == (64 * 28 * 28, 9 + 1)
    assert (layer._cols[:, -1] == 1).all()

    input_delta = layer.backward(np.ones_like(output))
    assert input_delta.shape == X.shape
    assert [g.shape for g in layer.grads] == [(3, 3, 1, 8), (8,)]
    assert "_cols" not in vars(layer)
