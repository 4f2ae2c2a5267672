"""Every layer says what it was built with: a repr, its config, an untrained clone."""

import numpy as np
import pytest
from sklearn.datasets import load_iris

from sknetviz import MLPVisualClassifier
from sknetviz.nn import (
    GRU,
    LSTM,
    Activation,
    AvgPool2D,
    BatchNorm,
    Conv2D,
    Dense,
    Dropout,
    Flatten,
    MaxPool2D,
    Residual,
    Sequential,
    SimpleRNN,
)
from sknetviz.nn.conv import RandomShift
from sknetviz.nn.layers import Layer, Reshape

LAYERS = [
    (Dense(10), "Dense(10)"),
    (Dense(4, init="he_normal"), "Dense(4, init='he_normal')"),
    (Dense(10, activation="relu"), "Dense(10, activation='relu')"),
    (Activation("tanh"), "Activation('tanh')"),
    (Dropout(0.25), "Dropout(0.25)"),
    (Flatten(), "Flatten()"),
    (Reshape((2, 3)), "Reshape((2, 3))"),
    (Conv2D(8, 3), "Conv2D(8, (3, 3))"),
    (Conv2D(4, (3, 5), padding="valid"), "Conv2D(4, (3, 5), padding='valid')"),
    (MaxPool2D(), "MaxPool2D()"),
    (AvgPool2D(3), "AvgPool2D(pool_size=(3, 3))"),
    (RandomShift(2), "RandomShift(max_shift=2)"),
    (BatchNorm(), "BatchNorm()"),
    (BatchNorm(momentum=0.01), "BatchNorm(momentum=0.01)"),
    (SimpleRNN(8), "SimpleRNN(8)"),
    (
        SimpleRNN(4, activation="relu", return_sequences=True),
        "SimpleRNN(4, activation='relu', return_sequences=True)",
    ),
    (LSTM(16), "LSTM(16)"),
    (LSTM(4, return_sequences=True), "LSTM(4, return_sequences=True)"),
    (GRU(5, init="he_uniform"), "GRU(5, init='he_uniform')"),
    (
        Residual([Dense(4), Activation("relu")]),
        "Residual([Dense(4), Activation('relu')])",
    ),
]


@pytest.mark.parametrize("layer, text", LAYERS, ids=[text for _, text in LAYERS])
def test_repr_shows_the_arguments_that_are_not_defaults(layer, text):
    assert repr(layer) == text
    rebuilt = type(layer)(**layer.get_config())
    assert repr(rebuilt) == text


def test_every_sknetviz_layer_is_covered():
    # A layer class of sknetviz.nn missing from LAYERS would go untested.
    import sknetviz.nn as nn
    import sknetviz.nn.conv as conv
    import sknetviz.nn.layers as layers

    classes = {
        value
        for module in (nn, conv, layers)
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, Layer)
        and not value.__name__.startswith("_")
    } - {Layer, Sequential}
    assert classes <= {type(layer) for layer, _ in LAYERS}


def test_a_clone_is_untrained_and_shares_nothing():
    net = Sequential([Dense(5), Activation("relu"), Dropout(0.5), Dense(2)])
    net.initialize((3,), np.random.default_rng(0), np.float64)
    clone = net.clone()
    assert (
        repr(clone)
        == repr(net)
        == ("Sequential([Dense(5), Activation('relu'), Dropout(0.5), Dense(2)])")
    )
    assert all(a is not b for a, b in zip(clone.layers, net.layers))
    assert clone.params == []  # untrained: nothing allocated
    clone.initialize((3,), np.random.default_rng(0), np.float64)
    for ours, theirs in zip(clone.params, net.params):
        np.testing.assert_array_equal(ours, theirs)  # same seed, same weights


def test_a_fitted_estimators_network_reads_as_it_was_built():
    X, y = load_iris(return_X_y=True)
    clf = MLPVisualClassifier((8, 4), dropout=0.1, max_iter=3, random_state=0)
    clf.fit(X, y)
    assert repr(clf.network_) == (
        "Sequential([Dense(8, init='he_uniform'), Activation('relu'), Dropout(0.1), "
        "Dense(4, init='he_uniform'), Activation('relu'), Dropout(0.1), "
        "Dense(3, init='he_uniform')])"
    )
