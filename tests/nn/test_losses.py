"""Tests of the losses and of their gradient at the output layer."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.metrics import log_loss as sklearn_log_loss

from sknetviz.nn.activations import get_activation
from sknetviz.nn.losses import LOSSES, OUTPUT_LOSS, binary_log_loss, log_loss

N_SAMPLES = 12


def _sample_weight(weighted):
    if not weighted:
        return None
    return np.random.default_rng(10).uniform(0.1, 3.0, N_SAMPLES)


def _one_hot(labels, n_classes):
    return np.eye(n_classes)[labels]


def _multiclass_problem(n_classes=4):
    rng = np.random.default_rng(0)
    labels = np.arange(N_SAMPLES) % n_classes
    logits = rng.normal(size=(N_SAMPLES, n_classes))
    return labels, _one_hot(labels, n_classes), get_activation("softmax")[0](logits)


def _multilabel_problem(n_outputs):
    rng = np.random.default_rng(1)
    Y = (np.arange(N_SAMPLES)[:, np.newaxis] + np.arange(n_outputs)) % 2
    P = rng.uniform(0.05, 0.95, (N_SAMPLES, n_outputs))
    return Y.astype(np.float64), P


def test_output_loss_pairs_each_activation_with_its_loss():
    assert LOSSES[OUTPUT_LOSS["softmax"]][0] is log_loss
    assert LOSSES[OUTPUT_LOSS["logistic"]][0] is binary_log_loss


@pytest.mark.parametrize("weighted", [False, True])
def test_log_loss_matches_sklearn(weighted):
    labels, Y, P = _multiclass_problem()
    sample_weight = _sample_weight(weighted)
    expected = sklearn_log_loss(labels, P, sample_weight=sample_weight)
    assert log_loss(Y, P, sample_weight) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("n_outputs", [1, 3])
def test_binary_log_loss_matches_sklearn_summed_over_outputs(n_outputs, weighted):
    Y, P = _multilabel_problem(n_outputs)
    sample_weight = _sample_weight(weighted)
    expected = sum(
        sklearn_log_loss(Y[:, k], P[:, k], sample_weight=sample_weight, labels=[0, 1])
        for k in range(n_outputs)
    )
    assert binary_log_loss(Y, P, sample_weight) == pytest.approx(expected, rel=1e-12)


def test_losses_do_not_modify_their_inputs():
    _, Y, P = _multiclass_problem()
    sample_weight = _sample_weight(True)
    copies = Y.copy(), P.copy(), sample_weight.copy()
    for loss, output_delta in LOSSES.values():
        loss(Y, P, sample_weight)
        output_delta(Y, P, sample_weight)
    for array, copy in zip((Y, P, sample_weight), copies):
        assert_array_equal(array, copy)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_log_loss_clips_certain_wrong_probabilities(dtype):
    Y = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=dtype)
    P = np.array([[0.0, 1.0], [0.0, 1.0]], dtype=dtype)
    with np.errstate(divide="raise", invalid="raise"):
        loss = log_loss(Y, P)
    # The wrong row costs -log(eps); the right one costs about nothing.
    expected = -np.log(np.finfo(dtype).eps) / 2
    assert loss == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_binary_log_loss_clips_certain_probabilities(dtype):
    Y = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=dtype)
    P = np.array([[0.0, 0.0], [1.0, 1.0]], dtype=dtype)
    with np.errstate(divide="raise", invalid="raise"):
        loss = binary_log_loss(Y, P)
    # Each sample has one certain mistake (-log(eps)) and one certain hit (~0).
    expected = -np.log(np.finfo(dtype).eps)
    assert loss == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize("loss", [log_loss, binary_log_loss])
def test_perfect_predictions_cost_almost_nothing(loss):
    Y = np.array([[1.0, 0.0], [0.0, 1.0]])
    assert 0.0 <= loss(Y, Y.copy()) < 1e-12


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize(
    "out_activation, n_outputs",
    [("softmax", 2), ("softmax", 4), ("logistic", 1), ("logistic", 3)],
)
def test_output_delta_matches_central_differences(
    out_activation, n_outputs, weighted, numerical_gradient
):
    output_function, _ = get_activation(out_activation)
    loss, output_delta = LOSSES[OUTPUT_LOSS[out_activation]]
    rng = np.random.default_rng(2)
    Z = rng.normal(size=(N_SAMPLES, n_outputs))
    if out_activation == "softmax":
        Y = _one_hot(rng.integers(n_outputs, size=N_SAMPLES), n_outputs)
    else:
        Y = rng.integers(2, size=(N_SAMPLES, n_outputs)).astype(np.float64)
    sample_weight = _sample_weight(weighted)

    analytic = output_delta(Y, output_function(Z), sample_weight)

    expected = numerical_gradient(lambda: loss(Y, output_function(Z), sample_weight), Z)
    assert_allclose(analytic, expected, rtol=1e-6, atol=1e-10)


def test_output_delta_keeps_float32():
    _, Y, P = _multiclass_problem()
    delta = LOSSES["log_loss"][1](
        Y.astype(np.float32), P.astype(np.float32), _sample_weight(True)
    )
    assert delta.dtype == np.float32
