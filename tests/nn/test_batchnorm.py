"""Tests of the BatchNorm layer: PyTorch's numbers, gradients, weights and state."""

from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from sknetviz.nn.normalization import BatchNorm

TORCH_FIXTURE = Path(__file__).parent / "data" / "torch_batchnorm.npz"
# Tolerances of the comparisons with PyTorch (float64 on both sides).
TORCH_TOL = {"rtol": 1e-5, "atol": 1e-5}
SHAPES = [(5, 3), (3, 2, 3, 2)]  # rows of features and NHWC images


@pytest.fixture(scope="module")
def torch_results():
    """PyTorch's numbers, written by make_torch_batchnorm.py (NumPy data only)."""
    with np.load(TORCH_FIXTURE, allow_pickle=False) as arrays:
        return dict(arrays)


def _torch_case(torch_results, case):
    """A BatchNorm set up as the fixture's module, and the case's arrays."""
    arrays = {
        name.removeprefix(f"{case}_"): value
        for name, value in torch_results.items()
        if name.startswith(f"{case}_")
    }
    momentum, epsilon = torch_results["settings"]
    layer = BatchNorm(momentum=momentum, epsilon=epsilon)
    layer.initialize(arrays["X"].shape[2:], np.random.default_rng(0), np.float64)
    layer.gamma[...], layer.beta[...] = arrays["layer"][:2]
    return layer, arrays


def _layer(shape, dtype=np.float64, seed=0, **kwargs):
    """A BatchNorm for batches of ``shape``, with non-trivial gamma and beta."""
    rng = np.random.default_rng(seed)
    layer = BatchNorm(**kwargs)
    layer.initialize(shape[1:], rng, dtype)
    layer.gamma[...] = rng.uniform(0.5, 1.5, layer.gamma.shape)
    layer.beta[...] = rng.normal(size=layer.beta.shape)
    return layer


def _batch(shape, seed=1):
    """A batch with channels of different means and scales, and an upstream gradient."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=shape) * rng.uniform(1, 3, shape[-1]) + rng.normal(
        size=shape[-1]
    )
    return X, rng.normal(size=shape)


def _train_step(layer, X, upstream, weights=None):
    """A training pass: copies of the output, input gradient and grads."""
    layer.sample_weight = weights
    out = layer.forward(X, training=True).copy()
    input_delta = layer.backward(upstream.copy())
    return out, input_delta, [grad.copy() for grad in layer.grads]


def _inference(layer, X):
    """The output of normalising ``X`` with the layer's running statistics."""
    inv_std = 1 / np.sqrt(layer.running_var + layer.epsilon)
    return layer.gamma * (X - layer.running_mean) * inv_std + layer.beta


@pytest.mark.parametrize("case", ["1d", "2d"])
def test_training_matches_torch(torch_results, case):
    layer, arrays = _torch_case(torch_results, case)
    for step in range(2):
        out, input_delta, grads = _train_step(
            layer, arrays["X"][step], arrays["upstream"][step]
        )
        assert_allclose(out, arrays["out"][step], **TORCH_TOL)
        assert_allclose(input_delta, arrays["dX"][step], **TORCH_TOL)
        assert_allclose(grads, arrays["dparams"][step], **TORCH_TOL)
    assert_allclose(layer.state, arrays["running"], **TORCH_TOL)


@pytest.mark.parametrize("case", ["1d", "2d"])
def test_inference_matches_torch_eval_mode(torch_results, case):
    layer, arrays = _torch_case(torch_results, case)
    layer.running_mean[...], layer.running_var[...] = arrays["layer"][2:]
    assert_allclose(layer.forward(arrays["X"][2]), arrays["out"][2], **TORCH_TOL)


@pytest.mark.parametrize("case", ["1d", "2d"])
def test_a_batch_without_variance_backpropagates_as_torch_eval_mode(
    torch_results, case
):
    """Rows one at a time, or images all weighted 0: the running statistics
    normalise, and the gradients are those of PyTorch's eval mode."""
    layer, arrays = _torch_case(torch_results, case)
    layer.running_mean[...], layer.running_var[...] = arrays["layer"][2:]
    X, upstream = arrays["X"][2], arrays["upstream"][2]
    if case == "1d":
        passes = [
            _train_step(layer, X[i : i + 1], upstream[i : i + 1]) for i in range(len(X))
        ]
        out = np.concatenate([p[0] for p in passes])
        input_delta = np.concatenate([p[1] for p in passes])
        grads = np.sum([p[2] for p in passes], axis=0)
    else:
        out, input_delta, grads = _train_step(layer, X, upstream, np.zeros(len(X)))
    assert_allclose(out, arrays["out"][2], **TORCH_TOL)
    assert_allclose(input_delta, arrays["dX"][2], **TORCH_TOL)
    assert_allclose(grads, arrays["dparams"][2], **TORCH_TOL)
    assert_array_equal(layer.state, arrays["layer"][2:])


def _weights(n_samples):
    """Sample weights with a zero, a fraction and a weight above one."""
    return np.array([0.0, 2.5, 1.0, 0.5, 3.0][:n_samples])


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("shape", SHAPES)
def test_backward_matches_central_differences(shape, weighted, numerical_gradient):
    layer = _layer(shape)
    X, upstream = _batch(shape)
    weights = _weights(shape[0]) if weighted else None
    _, input_delta, (grad_gamma, grad_beta) = _train_step(layer, X, upstream, weights)

    def loss():
        layer.sample_weight = weights
        return np.sum(layer.forward(X, training=True) * upstream)

    tol = {"rtol": 1e-6, "atol": 1e-8}
    assert_allclose(grad_gamma, numerical_gradient(loss, layer.gamma), **tol)
    assert_allclose(grad_beta, numerical_gradient(loss, layer.beta), **tol)
    assert_allclose(input_delta, numerical_gradient(loss, X), **tol)


@pytest.mark.parametrize("shape", SHAPES)
def test_integer_weights_act_as_repeated_samples(shape):
    counts = np.array([2, 0, 1, 3, 1][: shape[0]])
    X, upstream = _batch(shape)
    weighted, repeated = _layer(shape, momentum=0.3), _layer(shape, momentum=0.3)
    # The loss's weights reach the layer inside the upstream gradient.
    upstream_weighted = upstream * counts.reshape(-1, *[1] * (len(shape) - 1))
    out, input_delta, grads = _train_step(
        weighted, X, upstream_weighted, counts.astype(float)
    )
    copies = np.repeat(np.arange(shape[0]), counts)
    out_r, input_delta_r, grads_r = _train_step(repeated, X[copies], upstream[copies])

    kept = counts > 0
    firsts = np.searchsorted(copies, np.flatnonzero(kept))
    assert_allclose(out[kept], out_r[firsts], rtol=1e-12, atol=1e-12)
    # A sample's input gradient is the sum of its copies'; 0 when weighted 0.
    summed = np.zeros_like(input_delta)
    np.add.at(summed, copies, input_delta_r)
    assert_allclose(input_delta, summed, rtol=1e-10, atol=1e-12)
    assert_allclose(grads, grads_r, rtol=1e-12, atol=1e-12)
    assert_allclose(weighted.state, repeated.state, rtol=1e-12, atol=1e-12)


def test_uniform_weights_normalise_as_no_weights():
    X, upstream = _batch((6, 3))
    out, input_delta, _ = _train_step(_layer(X.shape), X, upstream)
    out_w, input_delta_w, _ = _train_step(_layer(X.shape), X, upstream, np.full(6, 0.1))
    assert_allclose(out_w, out, rtol=1e-12, atol=1e-12)
    assert_allclose(input_delta_w, input_delta, rtol=1e-12, atol=1e-12)


def test_small_fractional_weights_do_not_blow_up_the_running_variance():
    """Weights summing to 2 or less: the unbiased correction is held at 2."""
    X = np.array([[0.0], [2.0]])
    layer = _layer(X.shape, momentum=1.0)
    layer.sample_weight = np.array([0.3, 0.3])
    layer.forward(X, training=True)
    assert_allclose(layer.running_var, [2.0])  # biased variance 1, times 2


def test_inference_uses_the_running_statistics_and_changes_nothing():
    shape = (6, 4)
    layer = _layer(shape, momentum=0.5)
    X, upstream = _batch(shape)
    train_out, _, _ = _train_step(layer, X, upstream)
    state = [array.copy() for array in layer.state]
    assert not np.allclose(state, [np.zeros(4), np.ones(4)])

    layer.sample_weight = np.ones(shape[0])  # consumed, and ignored
    out = layer.forward(X, training=False)
    assert layer.sample_weight is None
    assert_allclose(out, _inference(layer, X), rtol=1e-12)
    assert not np.allclose(out, train_out)
    assert_array_equal(layer.state, state)
    with pytest.raises(RuntimeError, match="training=True"):
        layer.backward(upstream)  # inference caches nothing


@pytest.mark.parametrize("weights", [None, np.array([0.0, 2.0, 0.0])])
def test_a_batch_of_one_normalises_with_the_running_statistics(weights):
    """One row (or one row of positive weight): no error, no change of state,
    and gamma and beta still learn through the fixed affine map."""
    rng = np.random.default_rng(2)
    n_rows = 1 if weights is None else len(weights)
    layer = _layer((n_rows, 3))
    layer.running_mean[...] = rng.normal(size=3)
    layer.running_var[...] = rng.uniform(0.5, 2, size=3)
    state = [array.copy() for array in layer.state]
    X, upstream = _batch((n_rows, 3))

    out, input_delta, (grad_gamma, grad_beta) = _train_step(layer, X, upstream, weights)
    assert_array_equal(layer.state, state)
    assert_allclose(out, _inference(layer, X), rtol=1e-12)
    inv_std = 1 / np.sqrt(layer.running_var + layer.epsilon)
    assert_allclose(input_delta, upstream * layer.gamma * inv_std, rtol=1e-12)
    normalised = (X - layer.running_mean) * inv_std
    assert_allclose(grad_gamma, np.sum(upstream * normalised, axis=0), rtol=1e-12)
    assert_allclose(grad_beta, upstream.sum(axis=0), rtol=1e-12)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("shape", SHAPES)
def test_float32_stays_float32(shape, weighted):
    layer = _layer(shape, dtype=np.float32)
    X, upstream = (array.astype(np.float32) for array in _batch(shape))
    weights = _weights(shape[0]) if weighted else None
    out, input_delta, grads = _train_step(layer, X, upstream, weights)
    arrays = [out, input_delta, *grads, *layer.state, layer.forward(X)]
    assert [array.dtype for array in arrays] == [np.float32] * len(arrays)
    expected, _, _ = _train_step(_layer(shape), X.astype(float), upstream, weights)
    assert_allclose(out, expected, rtol=1e-4, atol=1e-5)


def test_running_statistics_are_updated_in_place():
    shape = (3, 2, 2, 4)
    layer = _layer(shape)
    running_mean, running_var = layer.state
    for seed in range(2):
        _train_step(layer, *_batch(shape, seed))
    assert layer.running_mean is running_mean
    assert layer.running_var is running_var
    assert not np.allclose(running_mean, 0)


def test_parameters_state_roles_and_declarations():
    layer = _layer((4, 3))
    assert layer.params[0] is layer.gamma and layer.params[1] is layer.beta
    assert layer.param_roles == ("scale", "shift")
    assert layer.state_names == ("running_mean", "running_var")
    assert layer.returns_new_array and BatchNorm.uses_sample_weight
    assert [grad.shape for grad in layer.grads] == [(3,), (3,)]
    assert BatchNorm().initialize((2, 2, 3), None, np.float64) == (2, 2, 3)


def test_repr_config_and_an_untrained_clone():
    assert repr(BatchNorm()) == "BatchNorm()"
    layer = _layer((4, 3), momentum=0.01, epsilon=1e-3)
    assert repr(layer) == "BatchNorm(momentum=0.01, epsilon=0.001)"
    _train_step(layer, *_batch((4, 3)))
    clone = layer.clone()
    assert clone.get_config() == {"momentum": 0.01, "epsilon": 1e-3}
    assert clone.params == () and clone.sample_weight is None
    assert "running_mean" not in vars(clone)


def test_release_work_arrays_drops_the_cache():
    layer = _layer((4, 3))
    X, upstream = _batch((4, 3))
    layer.forward(X, training=True)
    layer.release_work_arrays()
    assert vars(layer).keys().isdisjoint({"_centred", "_work_arrays"})
    with pytest.raises(RuntimeError, match="training=True"):
        layer.backward(upstream)


@pytest.mark.parametrize("shape", SHAPES)
def test_without_propagate_delta_backward_fills_grads_and_returns_none(shape):
    X, upstream = _batch(shape)
    _, _, expected = _train_step(_layer(shape), X, upstream)
    layer = _layer(shape)
    layer.propagate_delta = False
    _, input_delta, grads = _train_step(layer, X, upstream)
    assert input_delta is None
    assert_allclose(grads, expected, rtol=1e-12)


@pytest.mark.parametrize(
    "kwargs, message",
    [({"momentum": 1.5}, "momentum must be in"), ({"epsilon": 0}, "epsilon must be")],
)
def test_invalid_arguments_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        BatchNorm(**kwargs)


def test_weights_of_the_wrong_shape_are_refused():
    layer = _layer((4, 3))
    layer.sample_weight = np.ones(3)
    with pytest.raises(ValueError, match=r"one weight per sample.*\(4,\)"):
        layer.forward(np.ones((4, 3)), training=True)
