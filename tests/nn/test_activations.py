"""Tests of the activation functions and their derivatives."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import expit

from sknetviz.nn.activations import ACTIVATIONS, LEAKY_RELU_SLOPE, get_activation

ACTIVATION_NAMES = sorted(ACTIVATIONS)


def _softmax_reference(Z):
    exp_Z = np.exp(Z)
    return exp_Z / exp_Z.sum(axis=1, keepdims=True)


REFERENCE_FORMULAS = {
    "identity": lambda Z: Z,
    "logistic": lambda Z: 1 / (1 + np.exp(-Z)),
    "sigmoid": lambda Z: 1 / (1 + np.exp(-Z)),
    "tanh": np.tanh,
    "relu": lambda Z: np.where(Z > 0, Z, 0.0),
    "leaky_relu": lambda Z: np.where(Z > 0, Z, LEAKY_RELU_SLOPE * Z),
    "softmax": _softmax_reference,
    "exp": np.exp,
}


def _logits(shape, seed=0, dtype=np.float64):
    """Random logits kept at least 0.1 away from the kink of (leaky) ReLU at 0."""
    Z = np.random.default_rng(seed).normal(0.0, 2.0, shape)
    return (np.sign(Z) * (np.abs(Z) + 0.1)).astype(dtype)


def test_every_activation_has_a_reference_formula():
    assert set(ACTIVATIONS) == set(REFERENCE_FORMULAS)


@pytest.mark.parametrize("name", ACTIVATION_NAMES)
def test_activation_matches_its_formula(name):
    function, _ = get_activation(name)
    Z = _logits((6, 4))
    assert_allclose(function(Z), REFERENCE_FORMULAS[name](Z), rtol=1e-12)


@pytest.mark.parametrize("name", ACTIVATION_NAMES)
def test_derivative_matches_central_differences(name, numerical_gradient):
    function, derivative = get_activation(name)
    Z = _logits((5, 4), seed=1)
    upstream = np.random.default_rng(2).normal(size=Z.shape)

    analytic = derivative(function(Z), upstream)

    expected = numerical_gradient(lambda: np.sum(function(Z) * upstream), Z)
    assert_allclose(analytic, expected, rtol=1e-6, atol=1e-9)


def test_sigmoid_is_logistic():
    assert ACTIVATIONS["sigmoid"] == ACTIVATIONS["logistic"]


def test_logistic_equals_scipy_expit():
    logistic, _ = get_activation("logistic")
    Z = np.linspace(-800.0, 800.0, 41).reshape(1, -1)
    assert_array_equal(logistic(Z), expit(Z))


def test_softmax_rows_sum_to_one():
    softmax, _ = get_activation("softmax")
    P = softmax(_logits((10, 5)))
    assert np.all(P > 0)
    assert_allclose(P.sum(axis=1), 1.0, rtol=1e-12)


def test_softmax_is_invariant_to_a_constant_per_row():
    softmax, _ = get_activation("softmax")
    Z = _logits((6, 3))
    shift = np.random.default_rng(3).normal(0.0, 50.0, (6, 1))
    assert_allclose(softmax(Z + shift), softmax(Z), rtol=1e-9)


def test_softmax_of_huge_logits_is_finite():
    softmax, _ = get_activation("softmax")
    Z = np.array([[1000.0, 0.0, -1000.0], [1000.0, 1000.0, 990.0], [-1e300, 0, 1e300]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        P = softmax(Z)
    assert np.all(np.isfinite(P))
    assert_allclose(P[0], [1.0, 0.0, 0.0], atol=1e-300)
    expected_middle = _softmax_reference(np.array([[10.0, 10.0, 0.0]]))[0]
    assert_allclose(P[1], expected_middle, rtol=1e-12)
    assert_allclose(P[2], [0.0, 0.0, 1.0])


@pytest.mark.parametrize("name", ACTIVATION_NAMES)
def test_without_out_the_input_is_untouched(name):
    function, derivative = get_activation(name)
    Z = _logits((4, 3))
    Z_before = Z.copy()
    A = function(Z)
    assert_array_equal(Z, Z_before)
    assert not np.shares_memory(A, Z)

    delta = np.random.default_rng(4).normal(size=Z.shape)
    A_before, delta_before = A.copy(), delta.copy()
    gradient = derivative(A, delta)
    assert_array_equal(A, A_before)
    assert_array_equal(delta, delta_before)
    assert not np.shares_memory(gradient, delta)


@pytest.mark.parametrize("name", ACTIVATION_NAMES)
def test_out_argument_works_in_place(name):
    function, derivative = get_activation(name)
    Z = _logits((4, 3))
    expected_A = function(Z)

    out = np.empty_like(Z)
    assert function(Z, out=out) is out
    assert_allclose(out, expected_A, rtol=1e-15)

    Z_inplace = Z.copy()
    assert function(Z_inplace, out=Z_inplace) is Z_inplace
    assert_allclose(Z_inplace, expected_A, rtol=1e-15)

    delta = np.random.default_rng(5).normal(size=Z.shape)
    expected_gradient = derivative(expected_A, delta)
    delta_inplace = delta.copy()
    assert derivative(expected_A, delta_inplace, out=delta_inplace) is delta_inplace
    assert_allclose(delta_inplace, expected_gradient, rtol=1e-15)


@pytest.mark.parametrize("name", ACTIVATION_NAMES)
def test_float32_stays_float32(name):
    function, derivative = get_activation(name)
    Z = _logits((4, 3), dtype=np.float32)
    A = function(Z)
    assert A.dtype == np.float32
    assert_allclose(A, function(Z.astype(np.float64)), rtol=1e-5, atol=1e-6)

    delta = np.ones_like(Z)
    assert derivative(A, delta).dtype == np.float32
    assert derivative(A, delta, out=delta).dtype == np.float32


def test_unknown_activation_is_rejected_with_the_choices():
    with pytest.raises(ValueError, match=r"Unknown activation 'swish'.*'relu'"):
        get_activation("swish")
