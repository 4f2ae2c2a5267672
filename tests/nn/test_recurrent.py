"""Tests of the recurrent layers: PyTorch's numbers, gradients, masking, work arrays."""

from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from sknetviz.nn import GRU, LSTM, Dense, Sequential, SimpleRNN

TORCH_FIXTURE = Path(__file__).parent / "data" / "torch_recurrent.npz"
# float64 on both sides: agreement to rounding, well inside the 1e-6.
TORCH_TOL = {"rtol": 1e-6, "atol": 1e-9}
N, T, F, UNITS = 3, 5, 4, 3

CELLS = {
    "rnn_tanh": lambda **kw: SimpleRNN(UNITS, **kw),
    "rnn_relu": lambda **kw: SimpleRNN(UNITS, activation="relu", **kw),
    "lstm": lambda **kw: LSTM(UNITS, **kw),
    "gru": lambda **kw: GRU(UNITS, **kw),
}
OUTPUTS = {"sequences": True, "last": False}


@pytest.fixture(scope="module")
def torch_results():
    """PyTorch's numbers, written by make_torch_recurrent.py (NumPy data only)."""
    with np.load(TORCH_FIXTURE, allow_pickle=False) as arrays:
        return dict(arrays)


def _torch_shapes(layer):
    """Shapes of torch's weight_ih, weight_hh, bias_ih, bias_hh for ``layer``."""
    width = layer.n_gates * layer.units
    return [(width, layer.W.shape[0]), (width, layer.units), (width,), (width,)]


def _split(flat, shapes):
    """The fixture's raveled arrays, one after the other, as arrays of ``shapes``."""
    sizes = np.cumsum([int(np.prod(shape)) for shape in shapes])[:-1]
    return [part.reshape(shape) for part, shape in zip(np.split(flat, sizes), shapes)]


def load_torch_weights(layer, weight_ih, weight_hh, bias_ih, bias_hh):
    """Copy a torch.nn.RNN, LSTM or GRU layer's arrays into ``layer``.

    The weights are transposed; the two biases are summed, but for the GRU,
    which keeps both as PyTorch does.
    """
    layer.W[...] = weight_ih.T
    layer.U[...] = weight_hh.T
    if isinstance(layer, GRU):
        layer.b[...], layer.b_recurrent[...] = bias_ih, bias_hh
    else:
        layer.b[...] = bias_ih + bias_hh


def _torch_case(torch_results, case, output):
    layer = CELLS[case](return_sequences=OUTPUTS[output])
    layer.initialize((T, F), np.random.default_rng(0), np.float64)
    shapes = _torch_shapes(layer)
    load_torch_weights(layer, *_split(torch_results[f"{case}_params"], shapes))
    expected = {
        name: torch_results[f"{case}_{name}_{output}"]
        for name in ("upstream", "out", "dX")
    }
    expected["dparams"] = _split(torch_results[f"{case}_dparams_{output}"], shapes)
    return layer, expected


@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.parametrize("case", CELLS)
def test_forward_and_backward_match_torch(torch_results, case, output):
    layer, expected = _torch_case(torch_results, case, output)
    X = torch_results["X"]
    assert_allclose(layer.forward(X), expected["out"], **TORCH_TOL)
    out = layer.forward(X, training=True)
    assert_allclose(out, expected["out"], **TORCH_TOL)
    dX = layer.backward(expected["upstream"].copy())
    assert_allclose(dX, expected["dX"], **TORCH_TOL)
    d_weight_ih, d_weight_hh, d_bias_ih, d_bias_hh = expected["dparams"]
    assert_allclose(layer.grads[0], d_weight_ih.T, **TORCH_TOL)
    assert_allclose(layer.grads[1], d_weight_hh.T, **TORCH_TOL)
    assert_allclose(layer.grads[2], d_bias_ih, **TORCH_TOL)
    if isinstance(layer, GRU):
        assert_allclose(layer.grads[3], d_bias_hh, **TORCH_TOL)
    else:  # the two biases enter as a sum: one gradient for both
        assert_allclose(d_bias_hh, d_bias_ih, **TORCH_TOL)


def _layer(case, return_sequences, seed=0, dtype=np.float64, n_features=F):
    """A layer of random weights and biases, so that every array matters."""
    layer = CELLS[case](return_sequences=return_sequences)
    layer.initialize((T, n_features), np.random.default_rng(seed), dtype)
    rng = np.random.default_rng(seed + 1)
    for param in layer.params:
        param[...] = rng.uniform(-0.7, 0.7, param.shape)
    return layer


def _data(n=N, n_steps=T, seed=2, units=UNITS, return_sequences=True):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, n_steps, F))
    shape = (n, n_steps, units) if return_sequences else (n, units)
    return X, rng.normal(size=shape)


def _train_step(layer, X, upstream, lengths=None):
    """A training pass: copies of the output, the input's and the params' gradients."""
    layer.sequence_lengths = lengths
    out = layer.forward(X, training=True).copy()
    dX = layer.backward(upstream.copy())
    return out, dX.copy(), [grad.copy() for grad in layer.grads]


@pytest.mark.parametrize("lengths", [None, [5, 2, 4], [3, 0, 1]], ids=str)
@pytest.mark.parametrize("return_sequences", [True, False])
@pytest.mark.parametrize("case", CELLS)
def test_backward_matches_central_differences(
    case, return_sequences, lengths, numerical_gradient
):
    layer = _layer(case, return_sequences)
    X, upstream = _data(return_sequences=return_sequences)
    lengths = None if lengths is None else np.array(lengths)

    def loss():
        layer.sequence_lengths = lengths
        return np.sum(layer.forward(X) * upstream)

    _, dX, grads = _train_step(layer, X, upstream, lengths)
    for param, grad in zip(layer.params, grads):
        assert_allclose(grad, numerical_gradient(loss, param), rtol=1e-6, atol=1e-8)
    assert_allclose(dX, numerical_gradient(loss, X), rtol=1e-6, atol=1e-8)


def test_stacked_layers_with_padding_match_central_differences(numerical_gradient):
    net = Sequential([LSTM(4, return_sequences=True), GRU(3), Dense(2)])
    net.initialize((T, F), np.random.default_rng(0), np.float64)
    net.propagate_delta = True
    X, _ = _data()
    upstream = np.random.default_rng(3).normal(size=(N, 2))
    lengths = np.array([5, 2, 4])

    def loss():
        return np.sum(net.forward(X, sequence_lengths=lengths) * upstream)

    net.forward(X, training=True, sequence_lengths=lengths)
    dX = net.backward(upstream.copy())
    grads = [grad.copy() for grad in net.grads]
    for param, grad in zip(net.params, grads):
        assert_allclose(grad, numerical_gradient(loss, param), rtol=1e-6, atol=1e-8)
    assert_allclose(dX, numerical_gradient(loss, X), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("return_sequences", [True, False])
@pytest.mark.parametrize("case", CELLS)
def test_appending_padding_changes_no_output_and_no_gradient(case, return_sequences):
    X, upstream = _data(return_sequences=return_sequences)
    layer = _layer(case, return_sequences)
    out, dX, grads = _train_step(layer, X, upstream)
    # Padding of any content, even NaN, after every sequence's end.
    padding = np.full((N, 3, F), np.nan)
    padding[0] = 1e6
    padded = np.concatenate([X, padding], axis=1)
    padded_upstream = upstream
    if return_sequences:
        padded_upstream = np.concatenate([upstream, np.ones((N, 3, UNITS))], axis=1)
    lengths = np.full(N, T)
    padded_layer = _layer(case, return_sequences)
    padded_out, padded_dX, padded_grads = _train_step(
        padded_layer, padded, padded_upstream, lengths
    )
    if return_sequences:
        assert_array_equal(padded_out[:, T:], 0)
        padded_out = padded_out[:, :T]
    assert_allclose(padded_out, out, rtol=1e-13, atol=1e-15)
    assert_array_equal(padded_dX[:, T:], 0)
    assert_allclose(padded_dX[:, :T], dX, rtol=1e-13, atol=1e-15)
    for padded_grad, grad in zip(padded_grads, grads):
        assert_allclose(padded_grad, grad, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("return_sequences", [True, False])
@pytest.mark.parametrize("case", CELLS)
def test_a_batch_of_mixed_lengths_equals_each_sequence_alone(case, return_sequences):
    X, upstream = _data(return_sequences=return_sequences)
    lengths = np.array([5, 2, 4])
    X[1, 2:], X[2, 4:] = np.nan, np.inf  # whatever the padding holds
    layer = _layer(case, return_sequences)
    out, dX, grads = _train_step(layer, X, upstream, lengths)
    summed = [np.zeros_like(grad) for grad in grads]
    for i, length in enumerate(lengths):
        alone = X[i : i + 1, :length]
        alone_upstream = upstream[i : i + 1]
        if return_sequences:
            alone_upstream = alone_upstream[:, :length]
        alone_out, alone_dX, alone_grads = _train_step(layer, alone, alone_upstream)
        if return_sequences:
            assert_array_equal(out[i, length:], 0)
            assert_allclose(out[i, :length], alone_out[0], rtol=1e-12, atol=1e-15)
        else:
            assert_allclose(out[i], alone_out[0], rtol=1e-12, atol=1e-15)
        assert_array_equal(dX[i, length:], 0)
        assert_allclose(dX[i, :length], alone_dX[0], rtol=1e-12, atol=1e-15)
        for total, grad in zip(summed, alone_grads):
            total += grad
    for grad, total in zip(grads, summed):
        assert_allclose(grad, total, rtol=1e-12, atol=1e-14)


def test_sequential_hands_the_lengths_over_and_takes_them_back():
    net = Sequential([SimpleRNN(3, return_sequences=True), LSTM(2)])
    net.initialize((T, F), np.random.default_rng(0), np.float64)
    assert net.sequence_layers() == net.layers
    X, _ = _data()
    lengths = np.array([5, 2, 4])
    masked = net.forward(X, sequence_lengths=lengths)
    assert all(layer.sequence_lengths is None for layer in net.layers)
    assert not np.allclose(net.forward(X), masked)  # the next pass is unmasked
    for i, length in enumerate(lengths):
        assert_allclose(masked[i], net.forward(X[i : i + 1, :length])[0])
    first = net.layers[0]
    output, outputs = net.observe(X, [first], sequence_lengths=lengths)
    assert_allclose(output, masked)
    assert_array_equal(outputs[first][1, 2:], 0)


def test_a_pass_cut_short_leaves_no_lengths_behind():
    net = Sequential([SimpleRNN(3, return_sequences=True), GRU(2)])
    net.initialize((T, F), np.random.default_rng(0), np.float64)
    with pytest.raises(ValueError, match="one integer length"):
        net.forward(np.ones((2, T, F)), sequence_lengths=np.array([5, 2, 4]))
    assert all(layer.sequence_lengths is None for layer in net.layers)


@pytest.mark.parametrize(
    "lengths", [[5, 2], [5, 2, 6], [5, 2, -1], [5.0, 2.0, 4.0]], ids=str
)
def test_bad_lengths_are_refused_with_the_numbers(lengths):
    layer = _layer("lstm", False)
    layer.sequence_lengths = np.array(lengths)
    with pytest.raises(ValueError, match=r"in \[0, 5\] per sequence .* shape \(3,\)"):
        layer.forward(np.ones((N, T, F)))


def test_input_of_the_wrong_shape_is_refused():
    layer = _layer("gru", False)
    with pytest.raises(ValueError, match=r"shape \(n, T, 4\), got .* \(3, 5, 2\)"):
        layer.forward(np.ones((N, T, 2)))
    with pytest.raises(ValueError, match=r"sequences of shape \(T, F\)"):
        GRU(2).initialize((4,), np.random.default_rng(0), np.float64)


@pytest.mark.parametrize("return_sequences", [True, False])
@pytest.mark.parametrize("case", CELLS)
def test_work_arrays_are_reused_across_training_batches(case, return_sequences):
    layer = _layer(case, return_sequences)
    first_X, upstream = _data(seed=4, return_sequences=return_sequences)
    second_X, _ = _data(seed=5, return_sequences=return_sequences)
    layer.forward(first_X, training=True)
    layer.backward(upstream.copy())
    arrays = dict(layer._work_arrays)
    assert {"inputs", "gates", "states", "out", "d_gates", "d_inputs"} <= set(arrays)
    # A second batch of other lengths, but the same shape.
    layer.sequence_lengths = np.array([5, 3, 1])
    second_out = layer.forward(second_X, training=True)
    layer.backward(upstream.copy())
    assert layer._work_arrays.keys() == arrays.keys()
    for name, array in arrays.items():
        assert layer._work_arrays[name] is array, name
    # The second pass's result is its own, not the first's left over.
    fresh = _layer(case, return_sequences)
    fresh.sequence_lengths = np.array([5, 3, 1])
    assert_allclose(second_out, fresh.forward(second_X), rtol=1e-14)


@pytest.mark.parametrize("case", CELLS)
def test_inference_returns_a_fresh_array(case):
    layer = _layer(case, False)
    X, _ = _data()
    first = layer.forward(X)
    assert layer.forward(X) is not first


@pytest.mark.parametrize("case", CELLS)
def test_float32_in_float32_out(case):
    layer = _layer(case, True, dtype=np.float32)
    X, upstream = _data()
    X, upstream = X.astype(np.float32), upstream.astype(np.float32)
    out, dX, grads = _train_step(layer, X, upstream, np.array([5, 2, 4]))
    assert out.dtype == dX.dtype == np.float32
    assert all(grad.dtype == np.float32 for grad in grads)
    reference = _layer(case, True)
    reference.sequence_lengths = np.array([5, 2, 4])
    assert_allclose(out, reference.forward(X.astype(np.float64)), atol=1e-5)


@pytest.mark.parametrize("layer_class, n_gates", [(SimpleRNN, 1), (LSTM, 4), (GRU, 3)])
def test_initialisation(layer_class, n_gates):
    units, n_features = 8, 5
    layer = layer_class(units)
    layer.initialize((T, n_features), np.random.default_rng(0), np.float64)
    width = n_gates * units
    assert layer.W.shape == (n_features, width)
    bound = np.sqrt(6 / (n_features + width))  # Xavier's, as Keras' glorot_uniform
    assert np.abs(layer.W).max() <= bound and np.abs(layer.W).max() > 0.8 * bound
    for block in np.hsplit(layer.U, n_gates):  # one orthogonal block per gate
        assert_allclose(block.T @ block, np.eye(units), atol=1e-12)
    expected_b = np.zeros((n_gates, units))
    if layer_class is LSTM:
        expected_b[1] = 1  # the forget gate's, as Keras' unit_forget_bias
    assert_array_equal(layer.b.reshape(n_gates, units), expected_b)
    other = layer_class(units, init="he_normal")
    other.initialize((T, n_features), np.random.default_rng(0), np.float64)
    assert not np.allclose(other.W, layer.W)


def test_both_weights_are_weights_and_the_biases_biases():
    net = Sequential([GRU(4), Dense(2)])
    net.initialize((T, F), np.random.default_rng(0), np.float64)
    gru, dense = net.layers
    assert net.weights == [gru.W, gru.U, dense.W]
    assert net.biases == [gru.b, gru.b_recurrent, dense.b]
    expected = sum(float((w**2).sum()) for w in (gru.W, gru.U, dense.W))
    assert net.squared_weight_norm() == pytest.approx(expected)


@pytest.mark.parametrize("case", CELLS)
def test_a_first_layer_skips_the_input_gradient_but_fills_its_grads(case):
    X, upstream = _data(return_sequences=False)
    layer = _layer(case, False)
    _, _, expected = _train_step(layer, X, upstream, np.array([5, 2, 4]))
    net = Sequential([layer])
    net.initialize((T, F), np.random.default_rng(0), np.float64)
    for param, reference in zip(net.params, _layer(case, False).params):
        param[...] = reference
    assert not layer.propagate_delta
    net.forward(X, training=True, sequence_lengths=np.array([5, 2, 4]))
    assert net.backward(upstream.copy()) is None
    for grad, reference in zip(net.grads, expected):
        assert_allclose(grad, reference, rtol=1e-14)
