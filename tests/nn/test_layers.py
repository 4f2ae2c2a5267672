"""Tests of the Dense, Activation, Dropout and Flatten layers."""

import pickle

import numpy as np
import pytest
import scipy.sparse
from numpy.testing import assert_allclose, assert_array_equal

from sknetviz.nn.activations import ACTIVATIONS
from sknetviz.nn.layers import Activation, Dense, Dropout, Flatten

N_SAMPLES, N_FEATURES, N_UNITS = 6, 4, 3


def _dense_layer(seed=0):
    """A float64 Dense layer with non-zero biases, so that ``b`` shows in the output."""
    rng = np.random.default_rng(seed)
    layer = Dense(N_UNITS)
    layer.initialize((N_FEATURES,), rng, np.float64)
    layer.b[...] = rng.normal(size=N_UNITS)
    return layer


def _inputs_and_upstream(seed=1):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(N_SAMPLES, N_FEATURES))
    upstream = rng.normal(size=(N_SAMPLES, N_UNITS))
    return X, upstream


def test_dense_forward_is_affine():
    layer = _dense_layer()
    X, _ = _inputs_and_upstream()
    assert_allclose(layer.forward(X), X @ layer.W + layer.b, rtol=1e-14)
    assert_allclose(layer.forward(X, training=True), X @ layer.W + layer.b, rtol=1e-14)


def test_dense_params_and_grads_are_parallel():
    layer = _dense_layer()
    assert layer.params[0] is layer.W
    assert layer.params[1] is layer.b
    assert [g.shape for g in layer.grads] == [(N_FEATURES, N_UNITS), (N_UNITS,)]


def test_dense_backward_matches_central_differences(numerical_gradient):
    layer = _dense_layer()
    X, upstream = _inputs_and_upstream()

    layer.forward(X, training=True)
    input_delta = layer.backward(upstream.copy())

    def loss():
        return np.sum(layer.forward(X) * upstream)

    assert_allclose(layer.grads[0], numerical_gradient(loss, layer.W), rtol=1e-6)
    assert_allclose(layer.grads[1], numerical_gradient(loss, layer.b), rtol=1e-6)
    assert_allclose(input_delta, numerical_gradient(loss, X), rtol=1e-6)


def test_dense_without_propagate_delta_still_fills_its_grads():
    layer = _dense_layer()
    X, upstream = _inputs_and_upstream()
    layer.forward(X, training=True)
    expected_grads = [X.T @ upstream, upstream.sum(axis=0)]

    layer.propagate_delta = False
    layer.forward(X, training=True)
    assert layer.backward(upstream) is None
    for grad, expected in zip(layer.grads, expected_grads):
        assert_allclose(grad, expected, rtol=1e-12)


@pytest.mark.parametrize(
    "sparse_container", [scipy.sparse.csr_matrix, scipy.sparse.csr_array]
)
def test_dense_on_sparse_input_equals_dense_input(sparse_container):
    X, upstream = _inputs_and_upstream()
    X[np.abs(X) < 0.7] = 0.0
    dense_layer, sparse_layer = _dense_layer(), _dense_layer()

    dense_output = dense_layer.forward(X, training=True)
    sparse_output = sparse_layer.forward(sparse_container(X), training=True)
    assert isinstance(sparse_output, np.ndarray)
    assert_allclose(sparse_output, dense_output, rtol=1e-12)

    dense_layer.propagate_delta = sparse_layer.propagate_delta = False
    dense_layer.backward(upstream.copy())
    sparse_layer.backward(upstream.copy())
    for sparse_grad, dense_grad in zip(sparse_layer.grads, dense_layer.grads):
        assert isinstance(sparse_grad, np.ndarray)
        assert_allclose(sparse_grad, dense_grad, rtol=1e-12)


def _activation_inputs(seed=2):
    """Inputs kept at least 0.1 away from the kink of (leaky) ReLU at 0."""
    rng = np.random.default_rng(seed)
    Z = rng.normal(0.0, 2.0, (N_SAMPLES, N_UNITS))
    return np.sign(Z) * (np.abs(Z) + 0.1), rng.normal(size=(N_SAMPLES, N_UNITS))


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
@pytest.mark.parametrize("inplace", [False, True])
def test_activation_backward_matches_central_differences(
    name, inplace, numerical_gradient
):
    layer = Activation(name)
    layer.inplace = inplace
    Z, upstream = _activation_inputs()

    layer.forward(Z.copy(), training=True)
    input_delta = layer.backward(upstream.copy())

    reference = Activation(name)
    expected = numerical_gradient(lambda: np.sum(reference.forward(Z) * upstream), Z)
    assert_allclose(input_delta, expected, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_overwrites_its_input_only_when_inplace(name):
    Z, _ = _activation_inputs()
    expected = ACTIVATIONS[name][0](Z)

    layer = Activation(name)
    Z_kept = Z.copy()
    assert_allclose(layer.forward(Z_kept), expected, rtol=1e-15)
    assert_array_equal(Z_kept, Z)

    layer.inplace = True
    Z_overwritten = Z.copy()
    output = layer.forward(Z_overwritten)
    assert output is Z_overwritten
    assert_allclose(Z_overwritten, expected, rtol=1e-15)


def test_activation_survives_pickling():
    layer = pickle.loads(pickle.dumps(Activation("tanh")))
    Z, _ = _activation_inputs()
    assert_allclose(layer.forward(Z), np.tanh(Z), rtol=1e-15)


def test_unknown_activation_layer_is_rejected():
    with pytest.raises(ValueError, match="Unknown activation 'softplus'"):
        Activation("softplus")


def _dropout(rate, seed=0):
    layer = Dropout(rate)
    assert layer.initialize((N_FEATURES,), np.random.default_rng(seed), np.float64) == (
        N_FEATURES,
    )
    return layer


def _positive_inputs(n_samples=2000, seed=3, dtype=np.float64):
    """Inputs in [1, 2], so that a dropped unit is the only zero."""
    rng = np.random.default_rng(seed)
    return rng.uniform(1.0, 2.0, (n_samples, N_FEATURES)).astype(dtype)


def test_dropout_is_the_identity_at_inference():
    X = _positive_inputs()
    assert_array_equal(_dropout(0.5).forward(X, training=False), X)


@pytest.mark.parametrize("rate", [0.2, 0.5, 0.8])
def test_dropout_zeroes_a_fraction_rate_and_scales_the_survivors(rate):
    X = _positive_inputs()
    output = _dropout(rate).forward(X, training=True)
    dropped = output == 0
    # 8000 units: the fraction's standard deviation is below 0.006.
    assert dropped.mean() == pytest.approx(rate, abs=0.03)
    assert_allclose(output[~dropped], X[~dropped] / (1 - rate), rtol=1e-12)


@pytest.mark.parametrize("rate", [0.2, 0.5])
def test_dropout_preserves_the_mean_over_samples(rate):
    X = _positive_inputs(n_samples=20000)
    output = _dropout(rate).forward(X, training=True)
    # Each column mean has a standard deviation below 1% of the input mean.
    assert_allclose(output.mean(axis=0), X.mean(axis=0), rtol=0.04)


@pytest.mark.parametrize("rate", [0.2, 0.5])
def test_dropout_preserves_each_unit_on_average_over_steps(rate):
    X = np.array([[1.0, -2.0, 3.0, 0.5], [0.25, 4.0, -1.0, 2.0]])
    layer = _dropout(rate)
    mean_output = np.mean(
        [layer.forward(X, training=True) for _ in range(4000)], axis=0
    )
    # Each mean has a standard deviation of at most 1.6% of its unit's input.
    assert_allclose(mean_output, X, rtol=0.1)


def test_dropout_keeps_the_input_and_its_dtype():
    X = _positive_inputs(dtype=np.float32)
    X_before = X.copy()
    output = _dropout(0.5).forward(X, training=True)
    assert output.dtype == np.float32
    assert_array_equal(X, X_before)


@pytest.mark.parametrize("rate", [0.0, 0.3])
def test_dropout_backward_applies_the_same_mask(rate):
    X = _positive_inputs()
    upstream = np.random.default_rng(4).normal(size=X.shape)
    layer = _dropout(rate)
    output = layer.forward(X, training=True)
    input_delta = layer.backward(upstream.copy())
    assert_allclose(input_delta, upstream * (output / X), rtol=1e-12)


def test_dropout_masks_come_from_the_initialize_rng():
    X = _positive_inputs()
    first = _dropout(0.5, seed=7).forward(X, training=True)
    same_seed = _dropout(0.5, seed=7).forward(X, training=True)
    other_seed = _dropout(0.5, seed=8).forward(X, training=True)
    assert_array_equal(first, same_seed)
    assert not np.array_equal(first, other_seed)


def test_dropout_draws_a_new_mask_each_batch():
    X = _positive_inputs()
    layer = _dropout(0.5)
    assert not np.array_equal(
        layer.forward(X, training=True), layer.forward(X, training=True)
    )


@pytest.mark.parametrize("rate", [-0.1, 1.0, 1.5, np.nan])
def test_dropout_rate_outside_zero_one_is_rejected(rate):
    with pytest.raises(ValueError, match=r"Dropout rate must be in \[0, 1\)"):
        Dropout(rate)


def test_flatten_round_trips_shapes():
    layer = Flatten()
    assert layer.initialize((2, 3, 3), None, np.float64) == (18,)
    X = np.arange(5 * 2 * 3 * 3, dtype=np.float64).reshape(5, 2, 3, 3)
    output = layer.forward(X, training=True)
    assert output.shape == (5, 18)
    assert_array_equal(output[1], X[1].ravel())
    assert_array_equal(layer.backward(output), X)


def test_dropout_mask_of_a_sample_depends_on_its_content_not_its_row():
    X = _positive_inputs(n_samples=50)
    order = np.random.default_rng(5).permutation(50)
    output = _dropout(0.5, seed=9).forward(X, training=True)
    permuted_output = _dropout(0.5, seed=9).forward(X[order], training=True)
    assert_array_equal(permuted_output, output[order])


def test_dropout_gives_copies_of_a_sample_the_same_mask():
    # A sample of weight k must drop as k copies of it do.
    X = _positive_inputs(n_samples=20)
    X[10:] = X[:10]
    output = _dropout(0.5).forward(X, training=True)
    assert_array_equal(output[10:], output[:10])
    assert len({tuple(row) for row in (output[:10] == 0)}) > 1


@pytest.mark.parametrize("activation", ["relu", "tanh", "logistic", "identity"])
def test_dense_with_an_activation_equals_dense_then_activation(activation):
    from sknetviz.nn import Sequential

    rng = np.random.default_rng(0)
    X = rng.normal(size=(6, 3))
    upstream = rng.normal(size=(6, 2))
    fused = Sequential([Dense(4), Dense(2, activation=activation)])
    split = Sequential([Dense(4), Dense(2), Activation(activation)])
    for net in (fused, split):
        net.initialize((3,), np.random.default_rng(1), np.float64)
    for mine, theirs in zip(fused.params, split.params):
        mine[...] = theirs
    np.testing.assert_allclose(fused.forward(X), split.forward(X))
    fused.forward(X, training=True)
    split.forward(X, training=True)
    fused.backward(upstream.copy())
    split.backward(upstream.copy())
    for mine, theirs in zip(fused.grads, split.grads):
        np.testing.assert_allclose(mine, theirs)


def test_an_in_place_activation_after_a_dense_with_activation_keeps_its_gradient(
    numerical_gradient,
):
    from sknetviz.nn import Sequential

    rng = np.random.default_rng(2)
    net = Sequential([Dense(4, activation="tanh"), Activation("tanh"), Dense(2)])
    net.initialize((3,), rng, np.float64)
    assert not net.layers[1].inplace  # the Dense keeps its output for backward
    X, upstream = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))

    def loss():
        return float(np.sum(upstream * net.forward(X, training=True)))

    loss()
    net.backward(upstream.copy())
    grads = [g.copy() for g in net.grads]
    for param, grad in zip(net.params, grads):
        np.testing.assert_allclose(grad, numerical_gradient(loss, param), atol=1e-6)


def test_dense_refuses_images_with_a_hint():
    with pytest.raises(ValueError, match="put a Flatten"):
        Dense(3).initialize((4, 4, 1), np.random.default_rng(0), np.float64)
