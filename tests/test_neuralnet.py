"""NeuralNetClassifier and NeuralNetRegressor: your own layers, scikit-learn's idiom."""

import pickle
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.datasets import load_digits, load_iris, make_moons
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknetviz import MLPVisualClassifier, NeuralNetClassifier, NeuralNetRegressor
from sknetviz.nn import (
    Activation,
    BatchNorm,
    Conv2D,
    Dense,
    Dropout,
    Layer,
    MaxPool2D,
    Reshape,
    Residual,
)

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


class Swish(Layer):
    """A user's own layer, written against the documented protocol only:
    x * sigmoid(beta * x) with one learned ``beta`` per feature."""

    param_names = ("beta",)
    param_roles = ("shape",)  # neither weight nor bias: not penalised

    def initialize(self, input_shape, rng, dtype):
        self.beta = np.ones(input_shape, dtype=dtype)
        self.grads = [np.zeros_like(self.beta)]
        return tuple(input_shape)

    def forward(self, X, training=False):
        gate = 1 / (1 + np.exp(-self.beta * X))
        if training:
            self._X, self._gate = X, gate
        return X * gate

    def backward(self, delta):
        X, gate = self._X, self._gate
        slope = gate * (1 - gate)
        self.grads[0][...] = (delta * X * X * slope).sum(axis=0)
        return delta * (gate + self.beta * X * slope)


def test_a_users_own_layer_trains_inside_the_estimator(iris, numerical_gradient):
    X, y = iris
    swish = Swish()
    clf = NeuralNetClassifier(
        layers=[Dense(8), swish], solver="lbfgs", max_iter=200, random_state=0
    ).fit(X, y)
    assert clf.score(X, y) > 0.95
    assert not hasattr(swish, "beta")  # the user's object is never trained
    trained = clf.network_.layers[1]
    assert isinstance(trained, Swish) and not np.allclose(trained.beta, 1)
    # Its own role keeps beta out of coefs_, intercepts_ and the L2 penalty.
    assert [c.shape for c in clf.coefs_] == [(4, 8), (8, 3)]
    assert all(c is not trained.beta for c in clf.coefs_ + clf.intercepts_)
    # And its gradient is the loss's: central differences through the estimator.
    objective = clf._state.objective
    Y = clf._label_binarizer.transform(y).astype(float)

    def loss():
        return objective.loss_and_gradients(X, Y)

    loss()
    analytic = trained.grads[0].copy()
    assert_allclose(analytic, numerical_gradient(loss, trained.beta), atol=1e-6)


def test_the_guides_keras_example_on_iris():
    X, y = load_iris(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, stratify=y, random_state=0
    )
    clf = NeuralNetClassifier(
        layers=[Dense(10, activation="relu"), Dense(8, activation="relu")],
        solver="adam",
        batch_size=32,
        learning_rate_init=0.01,
        max_iter=300,
        early_stopping=True,
        validation_fraction=0.2,
        n_iter_no_change=30,
        random_state=0,
    )
    model = make_pipeline(StandardScaler(), clf).fit(X_train, y_train)
    assert model.score(X_test, y_test) > 0.9
    assert clf.history_[-1]["val_score"] == clf.validation_scores_[-1]


def test_the_layers_given_are_never_changed_and_clone_works(iris):
    X, y = iris
    layers = [Dense(6, activation="tanh"), BatchNorm(), Dropout(0.1)]
    clf = NeuralNetClassifier(layers=layers, max_iter=5, random_state=0).fit(X, y)
    assert clf.layers is layers
    assert all(not vars(layer).get("_work_arrays") for layer in layers)
    assert not hasattr(layers[0], "W") and not hasattr(layers[1], "gamma")
    twin = clone(clf)
    assert twin.layers is not layers and repr(twin.layers) == repr(layers)
    twin.fit(X, y)
    assert_array_equal(twin.predict_proba(X), clf.predict_proba(X))
    again = pickle.loads(pickle.dumps(clf))
    assert_array_equal(again.predict_proba(X), clf.predict_proba(X))


def test_nested_parameters_of_the_layers(iris):
    X, y = iris
    first = Dense(4, activation="relu")
    clf = NeuralNetClassifier(layers=[first, Dense(3)], max_iter=50, random_state=0)
    params = clf.get_params()
    assert params["layers__0__units"] == 4
    assert params["layers__0__activation"] == "relu"
    assert params["layers__1__units"] == 3
    clf.set_params(layers__0__units=7, layers__1__activation="tanh")
    assert first.units == 4  # a new layer replaced it
    assert (
        repr(clf.layers) == "[Dense(7, activation='relu'), Dense(3, activation='tanh')]"
    )
    with pytest.raises(ValueError, match="layers has 2 layer"):
        clf.set_params(layers__5__units=3)
    with pytest.raises(ValueError, match="its arguments are"):
        clf.set_params(layers__0__size=3)
    search = GridSearchCV(
        NeuralNetClassifier(layers=[first], solver="lbfgs", random_state=0),
        {"layers__0__units": [1, 8]},
        cv=3,
    ).fit(X, y)
    assert [p["layers__0__units"] for p in search.cv_results_["params"]] == [1, 8]
    best = search.best_params_["layers__0__units"]
    assert search.best_estimator_.layers[0].units == best
    assert first.units == 4  # the searched copies were rebuilt, never this one
    # A linear layer cannot bend around the moons; eight tanh units can.
    X_moons, y_moons = make_moons(n_samples=200, noise=0.1, random_state=0)
    search = GridSearchCV(
        NeuralNetClassifier(solver="lbfgs", random_state=0),
        {"layers": [[Dense(1)], [Dense(8, activation="tanh")]]},
        cv=3,
    ).fit(X_moons, y_moons)
    assert repr(search.best_estimator_.layers) == "[Dense(8, activation='tanh')]"


def test_an_image_stack_is_flattened_before_the_output_layer():
    X, y = load_digits(return_X_y=True)
    clf = NeuralNetClassifier(
        layers=[Reshape((8, 8, 1)), Conv2D(4, 3), MaxPool2D(), Activation("relu")],
        max_iter=30,
        learning_rate_init=0.01,
        random_state=0,
    ).fit(X[:500] / 16, y[:500])
    names = [type(layer).__name__ for layer in clf.network_.layers]
    assert names[-2:] == ["Flatten", "Dense"]
    assert [c.shape for c in clf.coefs_] == [(3, 3, 1, 4), (64, 10)]
    assert clf.score(X[500:800] / 16, y[500:800]) > 0.8


def test_clear_errors_for_bad_layers(iris):
    X, y = iris
    with pytest.raises(TypeError, match="not these, by position: 1: str"):
        NeuralNetClassifier(layers=[Dense(3), "relu"]).fit(X, y)
    with pytest.raises(ValueError, match="must be an instance of 'list'"):
        NeuralNetClassifier(layers=Dense(3)).fit(X, y)
    with pytest.raises(ValueError, match="cannot take samples of 4 features"):
        NeuralNetClassifier(layers=[Reshape((3, 3, 1))]).fit(X, y)
    with pytest.raises(ValueError, match=r"Dropout\(0.2\) needs a stochastic solver"):
        NeuralNetClassifier(layers=[Dense(3), Dropout(0.2)], solver="lbfgs").fit(X, y)


def test_warm_start_refuses_other_layers(iris):
    X, y = iris
    clf = NeuralNetClassifier(layers=[Dense(4)], max_iter=2, warm_start=True)
    clf.fit(X, y)
    clf.set_params(layers=[Dense(5)])
    with pytest.raises(ValueError, match=r"layers was \['Dense\(4\)'\]"):
        clf.fit(X, y)
    clf.set_params(layers=[Dense(4)])  # an equal stack is the same network
    clf.fit(X, y)
    assert len(clf.history_) == 4


def test_the_mlp_is_a_preset_of_the_same_machinery(iris):
    """The same layers and seed give the same model, bit for bit."""
    X, y = iris
    params = dict(solver="sgd", max_iter=20, random_state=0)
    mlp = MLPVisualClassifier(
        (6,), activation="tanh", batch_norm=True, residual=False, **params
    ).fit(X, y)
    net = NeuralNetClassifier(
        layers=[Dense(6, init="xavier_uniform"), BatchNorm(), Activation("tanh")],
        **params,
    ).fit(X, y)
    assert [type(layer) for layer in net.network_.layers] == [
        type(layer) for layer in mlp.network_.layers
    ]
    assert_array_equal(net.predict_proba(X), mlp.predict_proba(X))
    assert net.loss_curve_ == mlp.loss_curve_


def test_regressor_with_residual_blocks_learns_and_round_trips():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 3))
    y = np.sin(X[:, 0]) + X[:, 1] * X[:, 2]
    reg = NeuralNetRegressor(
        layers=[Dense(16, activation="tanh"), Residual([Dense(16, activation="tanh")])],
        solver="lbfgs",
        max_iter=300,
        random_state=0,
    ).fit(X, y)
    assert reg.score(X, y) > 0.9
    assert reg.out_activation_ == "identity"
    again = pickle.loads(pickle.dumps(reg))
    assert_allclose(again.predict(X), reg.predict(X))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        poisson = NeuralNetRegressor(loss="poisson", max_iter=5).fit(X, np.abs(y))
    assert poisson.out_activation_ == "exp"
