"""Each trainable array has a declared role; nothing is taken from its position.

'weight' arrays are penalised and are an estimator's coefs_, 'bias' arrays
its intercepts_; other roles (a scale, a shift, a second weight matrix)
train without being mistaken for either.
"""

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.datasets import load_iris
from sklearn.preprocessing import StandardScaler

from sknetviz import MLPVisualClassifier
from sknetviz.nn import Activation, Dense, Layer, Sequential

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


class Scale(Layer):
    """``gamma * X + beta`` per feature: a scale and a shift, as in batch norm."""

    param_roles = ("scale", "shift")

    def initialize(self, input_shape, rng, dtype):
        self.gamma = np.ones(input_shape, dtype=dtype)
        self.beta = np.zeros(input_shape, dtype=dtype)
        self.params = [self.gamma, self.beta]
        self.grads = [np.zeros_like(self.gamma), np.zeros_like(self.beta)]
        return tuple(input_shape)

    def forward(self, X, training=False):
        if training:
            self._X = X
        return X * self.gamma + self.beta

    def backward(self, delta):
        X = self._pop_cache("_X")
        self.grads[0][...] = (delta * X).sum(axis=0)
        self.grads[1][...] = delta.sum(axis=0)
        return delta * self.gamma

    _cache_names = ("_X",)


class TwoWeights(Layer):
    """``X @ W + X @ U + b``: two weight matrices before the bias."""

    param_roles = ("weight", "second_weight", "bias")

    def __init__(self, units):
        self.units = units

    def initialize(self, input_shape, rng, dtype):
        (fan_in,) = input_shape
        self.W = rng.normal(0, 0.1, (fan_in, self.units)).astype(dtype)
        self.U = rng.normal(0, 0.1, (fan_in, self.units)).astype(dtype)
        self.b = np.zeros(self.units, dtype=dtype)
        self.params = [self.W, self.U, self.b]
        self.grads = [np.zeros_like(p) for p in self.params]
        return (self.units,)

    def forward(self, X, training=False):
        if training:
            self._X = X
        return X @ (self.W + self.U) + self.b

    def backward(self, delta):
        X = self._pop_cache("_X")
        self.grads[0][...] = X.T @ delta
        self.grads[1][...] = X.T @ delta
        self.grads[2][...] = delta.sum(axis=0)
        return delta @ (self.W + self.U).T

    _cache_names = ("_X",)


class _WithOwnLayers(MLPVisualClassifier):
    """An MLP whose hidden stack holds the layers above."""

    def _build_network(self, n_features, n_outputs):
        init = self._resolved_init()
        return Sequential(
            [
                TwoWeights(6),
                Scale(),
                Activation("relu"),
                Dense(5, init=init),
                Scale(),
                Activation("relu"),
                Dense(n_outputs, init=init),
            ]
        )


@pytest.fixture(scope="module")
def fitted():
    X, y = load_iris(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    clf = _WithOwnLayers(alpha=0.5, learning_rate_init=0.01, max_iter=200)
    return clf.set_params(random_state=0).fit(X, y), X, y


def test_coefs_and_intercepts_follow_the_roles(fitted):
    clf, X, y = fitted
    two, scale, dense, out = (clf.network_.layers[i] for i in (0, 1, 3, 6))
    # The bias of [W, U, b] is b, not U; a scale and a shift are neither.
    assert [c is w for c, w in zip(clf.coefs_, [two.W, dense.W, out.W])] == [True] * 3
    assert [i is b for i, b in zip(clf.intercepts_, [two.b, dense.b, out.b])] == [
        True
    ] * 3
    assert clf.n_layers_ == 4 and clf.n_outputs_ == 3
    assert not any(scale.gamma is c for c in clf.coefs_)
    assert clf.score(X, y) > 0.8  # every array trained


def test_only_weights_are_penalised(fitted):
    clf, X, y = fitted
    network = clf.network_
    expected = sum(float((w**2).sum()) for w in clf.coefs_)
    assert network.squared_weight_norm() == pytest.approx(expected)
    # One more step's L2 gradient touches the weights' gradients alone.
    grads_before = [g.copy() for g in network.grads]
    network.add_l2_gradient(1.0)
    for array, grad, before, role in zip(
        network.params, network.grads, grads_before, network.param_roles
    ):
        if role == "weight":
            assert_array_equal(grad, before + array)
        else:
            assert_array_equal(grad, before)
    # history_ records one gradient norm per weight.
    assert len(clf.history_[-1]["grad_norms"]) == len(clf.coefs_)


def test_the_network_diagram_draws_a_network_with_a_scale_and_shift(fitted):
    # It used to fail with "max() arg is an empty sequence", the scale read
    # as a weight matrix. By their roles, a scale and shift is a step of the
    # weight layer before it (as a BatchNorm is), and of TwoWeights only the
    # array in the 'weight' role is drawn as lines.
    from sknetviz.inspection import NetworkDiagramDisplay

    clf, X, y = fitted
    display = NetworkDiagramDisplay.from_estimator(clf)
    assert display.figure_ is not None
    titles = [text.get_text() for text in display.ax_.texts]
    assert any("Scale, relu" in title for title in titles)


def test_a_layer_with_undeclared_roles_is_refused():
    class Undeclared(Scale):
        param_roles = ()

    net = Sequential([Dense(3), Undeclared()])
    with pytest.raises(TypeError, match=r"holds 2 trainable array\(s\) but declares 0"):
        net.initialize((4,), np.random.default_rng(0), np.float64)


def test_a_users_layer_below_a_dense_layer_gets_its_gradient():
    # The first Dense layer was told not to pass a gradient down, whatever
    # trainable layer of another kind lay below it.
    net = Sequential([TwoWeights(3), Dense(2)])
    net.initialize((4,), np.random.default_rng(0), np.float64)
    net.forward(np.ones((5, 4)), training=True)
    net.backward(np.ones((5, 2)))
    assert all(np.abs(grad).sum() > 0 for grad in net.grads)
    assert [layer.propagate_delta for layer in net.layers] == [False, True]


def test_a_users_noise_layer_is_seeded_and_given_the_batch_keys():
    class Jitter(Layer):
        """Adds noise in training; declares it, so the network feeds it."""

        draws_noise = True

        def initialize(self, input_shape, rng, dtype):
            self.rng = rng
            self.sample_keys = None
            return tuple(input_shape)

        def forward(self, X, training=False):
            self.seen_keys, self.sample_keys = self.sample_keys, None
            if not training:
                return X
            return X + self.rng.normal(size=X.shape)

    jitter = Jitter()
    net = Sequential([Dense(3), jitter, Dense(2)])
    net.initialize((4,), np.random.default_rng(0), np.float64)
    assert net.needs_sample_keys and net.noise_layers() == [jitter]
    stream = np.random.default_rng(1)
    net.reseed(stream)
    assert jitter.rng is stream
    X = np.arange(8.0).reshape(2, 4)
    net.forward(X, training=True)
    assert_array_equal(jitter.seen_keys, net.sample_keys(X))
