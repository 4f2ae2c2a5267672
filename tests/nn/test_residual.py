"""Residual blocks and nested containers: both gradient paths, checked by
central differences, and every walk reaching the layers inside."""

import numpy as np
import pytest

from sknetviz.nn import (
    Activation,
    Conv2D,
    Dense,
    Dropout,
    Flatten,
    Residual,
    Sequential,
)


def _loss_and_analytic(net, X, upstream):
    """``sum(upstream * net(X))`` and its gradients, for parameters and X."""

    def loss():
        return float(np.sum(upstream * net.forward(X.copy(), training=True)))

    loss()  # a training pass, then its backward
    net.forward(X.copy(), training=True)
    dX = net.backward(upstream.copy())
    return loss, [g.copy() for g in net.grads], dX


def _check(net, input_shape, numerical_gradient, rng):
    net.initialize(input_shape, rng, np.float64)
    net.propagate_delta = True  # also check the gradient for the input
    X = rng.normal(size=(5, *input_shape))
    out = net.forward(X.copy())
    upstream = rng.normal(size=out.shape)
    loss, grads, dX = _loss_and_analytic(net, X, upstream)
    for param, grad in zip(net.params, grads):
        np.testing.assert_allclose(grad, numerical_gradient(loss, param), atol=1e-6)

    def loss_of_X():
        return float(np.sum(upstream * net.forward(Xp.copy(), training=True)))

    Xp = X.copy()
    np.testing.assert_allclose(dX, numerical_gradient(loss_of_X, Xp), atol=1e-6)


@pytest.mark.parametrize(
    "block, width",
    [
        ([Dense(4), Activation("tanh"), Dense(4)], 4),  # identity shortcut
        ([Dense(6), Activation("tanh")], 6),  # projection shortcut
        ([Activation("tanh")], 4),  # no parameters in the block
    ],
    ids=["identity", "projection", "parameter-free"],
)
def test_residual_gradients_match_central_differences(block, width, numerical_gradient):
    rng = np.random.default_rng(0)
    net = Sequential([Dense(4), Residual(block), Activation("tanh"), Dense(3)])
    _check(net, (3,), numerical_gradient, rng)
    # The output is the block's plus the shortcut's, exactly.
    residual = net.layers[1]
    X = rng.normal(size=(2, 4))
    shortcut = X if residual.P is None else X @ residual.P
    np.testing.assert_allclose(
        residual.forward(X.copy()), residual.block.forward(X.copy()) + shortcut
    )
    assert residual.forward(X.copy()).shape == (2, width)


def test_residual_on_images_projects_channels_as_a_1x1_convolution(
    numerical_gradient,
):
    rng = np.random.default_rng(1)
    net = Sequential(
        [
            Residual([Conv2D(3, 3), Activation("relu")]),
            Residual([Conv2D(3, 3)]),
            Flatten(),
            Dense(2),
        ]
    )
    _check(net, (4, 4, 2), numerical_gradient, rng)
    assert net.layers[0].P.shape == (2, 3)
    assert net.layers[1].P is None


def test_a_first_residual_block_still_trains_both_paths(numerical_gradient):
    """The block's first Dense sees the data, yet its weights get gradients.

    The old rule, "no parameters below, no delta", told the block's first
    layer to skip its input gradient; the block must still pass its
    parameters' gradients, and the projection its own.
    """
    rng = np.random.default_rng(2)
    net = Sequential([Residual([Dense(5), Activation("tanh")]), Dense(2)])
    net.initialize((3,), rng, np.float64)
    assert net.propagate_delta is False and net.layers[0].propagate_delta is False
    X = rng.normal(size=(4, 3))
    upstream = rng.normal(size=(4, 2))
    net.forward(X, training=True)
    assert net.backward(upstream.copy()) is None  # the data needs no gradient

    def loss():
        return float(np.sum(upstream * net.forward(X, training=True)))

    grads = [g.copy() for g in net.grads]
    for param, grad in zip(net.params, grads):
        np.testing.assert_allclose(grad, numerical_gradient(loss, param), atol=1e-6)


def test_nested_sequential_passes_delta_to_its_first_layer(numerical_gradient):
    rng = np.random.default_rng(3)
    inner = Sequential([Dense(4), Activation("tanh")])
    net = Sequential([Dense(3), Activation("tanh"), inner, Dense(2)])
    net.initialize((2,), rng, np.float64)
    assert inner.layers[0].propagate_delta  # parameters below it
    _check(net, (2,), numerical_gradient, rng)


def test_walks_reach_layers_at_any_depth():
    net = Sequential(
        [Dense(4), Residual([Dense(4), Dropout(0.5), Sequential([Dropout(0.2)])])]
    )
    net.initialize((3,), np.random.default_rng(0), np.float64)
    dropouts = [layer for layer in net.walk() if isinstance(layer, Dropout)]
    assert net.noise_layers() == dropouts and len(dropouts) == 2
    assert net.needs_sample_keys
    stream = np.random.default_rng(7)
    net.reseed(stream)
    assert all(layer.rng is stream for layer in dropouts)
    assert len(net.params) == len(net.grads) == len(net.param_roles) == 4


def test_dropout_in_a_block_is_keyed_by_the_network_input():
    """A nested dropout masks by the network's input rows, not its own input,
    so a sample weighted k still drops as k copies of it would."""
    X = np.random.default_rng(0).normal(size=(6, 3))
    masks = []
    for order in (np.arange(6), np.arange(6)[::-1]):
        net = Sequential([Dense(4), Residual([Dropout(0.5)])])
        net.initialize((3,), np.random.default_rng(0), np.float64)
        net.reseed(np.random.default_rng(1))
        keys = net.sample_keys(X)
        dropout = net.layers[1].layers[0]
        net.forward(X[order], training=True, sample_keys=keys[order])
        masks.append(dropout._mask[np.argsort(order)])
    np.testing.assert_array_equal(masks[0], masks[1])


def test_residual_refuses_a_block_that_changes_more_than_the_width():
    block = Residual([Conv2D(2, 3, padding="valid")])
    with pytest.raises(ValueError, match="only in the last axis"):
        block.initialize((5, 5, 2), np.random.default_rng(0), np.float64)


def test_residual_config_and_clone():
    block = Residual([Dense(4), Activation("relu")], init="he_normal")
    assert repr(block) == "Residual([Dense(4), Activation('relu')], init='he_normal')"
    block.initialize((4,), np.random.default_rng(0), np.float64)
    twin = block.clone()
    assert repr(twin) == repr(block)
    assert twin.layers[0] is not block.layers[0]
    assert not hasattr(twin.layers[0], "W")


def test_observe_keeps_outputs_at_any_depth_untouched_by_later_layers():
    inner = Activation("tanh")
    first = Dense(3)
    net = Sequential([first, Residual([Dense(3), inner]), Activation("relu"), Dense(2)])
    net.initialize((2,), np.random.default_rng(0), np.float64)
    X = np.random.default_rng(1).normal(size=(5, 2))
    output, outputs = net.observe(X, [first, inner])
    np.testing.assert_array_equal(output, net.forward(X))
    # The relu after the residual works in place; the kept outputs are copies.
    np.testing.assert_allclose(outputs[first], X @ first.W + first.b)
    block_input = outputs[first]
    expected = np.tanh(
        block_input @ net.layers[1].layers[0].W + net.layers[1].layers[0].b
    )
    np.testing.assert_allclose(outputs[inner], expected)
    with pytest.raises(ValueError, match="not layers of this network"):
        net.observe(X, [Dense(2)])
