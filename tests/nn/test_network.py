"""Tests of Sequential and of whole-network gradients with the training objective."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.metrics import log_loss as sklearn_log_loss

from sknetviz._training import Objective
from sknetviz.nn.layers import Activation, Dense, Dropout
from sknetviz.nn.network import Sequential

N_SAMPLES, N_FEATURES = 7, 6
HIDDEN_ACTIVATIONS = ["identity", "logistic", "tanh", "relu", "leaky_relu"]


def _network(hidden_activation="tanh", n_outputs=3, dtype=np.float64, seed=0):
    network = Sequential(
        [
            Dense(5),
            Activation(hidden_activation),
            Dense(4),
            Activation(hidden_activation),
            Dense(n_outputs),
        ]
    )
    rng = np.random.default_rng(seed)
    assert network.initialize((N_FEATURES,), rng, dtype) == (n_outputs,)
    for layer in network.layers:
        if isinstance(layer, Dense):
            # Non-zero biases, so that their gradients are exercised.
            layer.b[...] = rng.normal(0.0, 0.5, layer.b.shape)
    return network


def test_params_are_each_dense_layers_weights_then_biases():
    network = _network()
    dense_layers = [network.layers[0], network.layers[2], network.layers[4]]
    expected = [p for layer in dense_layers for p in (layer.W, layer.b)]
    assert len(network.params) == 6
    assert all(p is q for p, q in zip(network.params, expected))
    assert [p.shape for p in network.params] == [
        (N_FEATURES, 5),
        (5,),
        (5, 4),
        (4,),
        (4, 3),
        (3,),
    ]
    assert [g.shape for g in network.grads] == [p.shape for p in network.params]


def test_weights_are_the_dense_weights_only():
    network = _network()
    dense_layers = [network.layers[0], network.layers[2], network.layers[4]]
    assert len(network.weights) == 3
    assert all(w is layer.W for w, layer in zip(network.weights, dense_layers))
    assert all(
        g is layer.grads[0] for g, layer in zip(network.weight_grads, dense_layers)
    )


def test_initialize_sets_inplace_and_first_layer_flags():
    network = _network()
    assert [layer.propagate_delta for layer in network.layers[::2]] == [
        False,
        True,
        True,
    ]
    assert [layer.inplace for layer in network.layers[1::2]] == [True, True]


def test_activation_after_activation_is_not_inplace():
    network = Sequential([Dense(3), Activation("relu"), Activation("tanh"), Dense(2)])
    network.initialize((4,), np.random.default_rng(0), np.float64)
    assert network.layers[1].inplace
    assert not network.layers[2].inplace


@pytest.mark.parametrize("training", [False, True])
def test_forward_composes_the_layers_and_keeps_the_input(training):
    network = _network()
    X = np.random.default_rng(1).normal(size=(N_SAMPLES, N_FEATURES))
    X_before = X.copy()
    W0, b0, W1, b1, W2, b2 = (p.copy() for p in network.params)
    expected = np.tanh(np.tanh(X @ W0 + b0) @ W1 + b1) @ W2 + b2
    assert_allclose(network.forward(X, training=training), expected, rtol=1e-12)
    assert_array_equal(X, X_before)


def test_squared_weight_norm_sums_the_weights_only():
    network = _network()
    expected = sum(np.sum(layer.W**2) for layer in network.layers[::2])
    assert network.squared_weight_norm() == pytest.approx(expected, rel=1e-12)


def _problem(out_activation, n_outputs, weighted, seed=2):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(N_SAMPLES, N_FEATURES))
    if out_activation == "softmax":
        labels = np.arange(N_SAMPLES) % n_outputs
        Y = np.eye(n_outputs)[labels]
    else:
        Y = rng.integers(2, size=(N_SAMPLES, n_outputs)).astype(np.float64)
    sample_weight = rng.uniform(0.2, 3.0, N_SAMPLES) if weighted else None
    return X, Y, sample_weight


OUTPUTS = [("softmax", 3), ("logistic", 2), ("logistic", 1)]


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("alpha", [0.0, 0.1])
@pytest.mark.parametrize("out_activation, n_outputs", OUTPUTS)
@pytest.mark.parametrize("hidden_activation", HIDDEN_ACTIVATIONS)
def test_network_gradients_match_central_differences(
    hidden_activation, out_activation, n_outputs, alpha, weighted, numerical_gradient
):
    network = _network(hidden_activation, n_outputs)
    objective = Objective(network, out_activation, alpha)
    X, Y, sample_weight = _problem(out_activation, n_outputs, weighted)

    objective.loss_and_gradients(X, Y, sample_weight)
    analytic_grads = [g.copy() for g in network.grads]

    def loss():
        return objective.loss_and_gradients(X, Y, sample_weight)

    for param, analytic in zip(network.params, analytic_grads):
        expected = numerical_gradient(loss, param)
        assert_allclose(analytic, expected, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("out_activation, n_outputs", OUTPUTS)
def test_objective_loss_is_sklearn_log_loss_plus_l2_penalty(
    out_activation, n_outputs, weighted
):
    alpha = 0.1
    network = _network("relu", n_outputs)
    objective = Objective(network, out_activation, alpha)
    X, Y, sample_weight = _problem(out_activation, n_outputs, weighted)

    P = objective.predict_proba(X)
    if out_activation == "softmax":
        data_loss = sklearn_log_loss(Y.argmax(axis=1), P, sample_weight=sample_weight)
    else:
        data_loss = sum(
            sklearn_log_loss(
                Y[:, k], P[:, k], sample_weight=sample_weight, labels=[0, 1]
            )
            for k in range(n_outputs)
        )
    weight_sum = N_SAMPLES if sample_weight is None else sample_weight.sum()
    squared_norm = sum(np.sum(W**2) for W in network.weights)
    expected = data_loss + 0.5 * alpha * squared_norm / weight_sum

    loss = objective.loss_and_gradients(X, Y, sample_weight)
    assert loss == pytest.approx(expected, rel=1e-10)


def test_loss_and_gradients_leaves_the_batch_untouched():
    network = _network("relu")
    X, Y, sample_weight = _problem("softmax", 3, weighted=True)
    copies = X.copy(), Y.copy(), sample_weight.copy()
    Objective(network, "softmax", 0.1).loss_and_gradients(X, Y, sample_weight)
    for array, copy in zip((X, Y, sample_weight), copies):
        assert_array_equal(array, copy)


def test_float32_network_gives_float32_gradients_close_to_float64():
    X, Y, sample_weight = _problem("softmax", 3, weighted=True)
    grads = {}
    for dtype in (np.float32, np.float64):
        network = _network("tanh", dtype=dtype)
        objective = Objective(network, "softmax", 0.1)
        objective.loss_and_gradients(X.astype(dtype), Y.astype(dtype), sample_weight)
        assert all(g.dtype == dtype for g in network.grads)
        grads[dtype] = network.grads
    for grad32, grad64 in zip(grads[np.float32], grads[np.float64]):
        assert_allclose(grad32, grad64, rtol=1e-3, atol=1e-5)


def test_network_with_dropout_gradients_match_central_differences_for_fixed_masks(
    numerical_gradient,
):
    network = Sequential(
        [Dense(5), Activation("tanh"), Dropout(0.4), Dense(4), Dropout(0.3), Dense(3)]
    )
    network.initialize((N_FEATURES,), np.random.default_rng(0), np.float64)
    objective = Objective(network, "softmax", 0.1)
    X, Y, sample_weight = _problem("softmax", 3, weighted=True)

    def loss():
        # The masks depend on the network's input and on a key drawn from the
        # generator: reseeding freezes them while the weights are perturbed.
        network.reseed(np.random.default_rng(1))
        return objective.loss_and_gradients(X, Y, sample_weight)

    network.reseed(np.random.default_rng(2))
    other_masks_loss = objective.loss_and_gradients(X, Y, sample_weight)
    assert loss() != pytest.approx(other_masks_loss)
    analytic_grads = [g.copy() for g in network.grads]

    for param, analytic in zip(network.params, analytic_grads):
        expected = numerical_gradient(loss, param)
        assert_allclose(analytic, expected, rtol=1e-5, atol=1e-8)
