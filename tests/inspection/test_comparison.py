"""BoundaryComparisonDisplay: several classifiers on the same data."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_iris, make_circles, make_moons
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted

from sknetviz import MLPVisualClassifier
from sknetviz.inspection import (
    BoundaryComparisonDisplay,
    DecisionBoundaryDisplay,
)

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

RESOLUTION = 30


@pytest.fixture(scope="module")
def moons():
    return make_moons(n_samples=150, noise=0.25, random_state=0)


def _network(sizes, **params):
    params = {"solver": "lbfgs", "max_iter": 300, "random_state": 0, **params}
    return MLPVisualClassifier(sizes, **params)


@pytest.mark.parametrize("library", ["sknetviz", "sklearn"])
def test_single_neuron_shallow_deep(library, moons, tmp_path):
    # hidden_layer_sizes=() is a network with no hidden layer: a single
    # logistic neuron, in sknetviz and in scikit-learn alike.
    X, y = moons
    make = _network if library == "sknetviz" else MLPClassifier
    params = {} if library == "sknetviz" else {"solver": "lbfgs", "random_state": 0}
    networks = [make(sizes, **params) for sizes in [(), (8,), (32, 32, 32)]]
    display = BoundaryComparisonDisplay.from_estimators(
        networks,
        X,
        y,
        names=["single neuron", "shallow", "deep"],
        test_size=0.3,
        random_state=0,
        grid_resolution=RESOLUTION,
    )
    assert display.names == ["single neuron", "shallow", "deep"]
    assert [len(net.coefs_) for net in display.estimators_] == [1, 2, 4]
    for original, fitted in zip(networks, display.estimators_):
        assert fitted is not original
        with pytest.raises(NotFittedError):
            check_is_fitted(original)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, stratify=y, random_state=0
    )
    for index, fitted in enumerate(display.estimators_):
        assert display.train_scores[index] == fitted.score(X_train, y_train)
        assert display.test_scores[index] == fitted.score(X_test, y_test)
        assert display.axes_[index].get_title() == (
            f"{display.names[index]}\naccuracy: train "
            f"{display.train_scores[index]:.2f}, test {display.test_scores[index]:.2f}"
        )
    # a line cannot follow the moons; hidden units can
    assert display.train_scores[0] < 0.9 < display.train_scores[2]
    # the single neuron's boundary is a straight line: its response is a
    # logistic of a linear function, so the logit has zero second differences
    logit = np.log(display.responses[0] / (1 - display.responses[0]))
    assert_allclose(np.diff(logit, n=2, axis=0), 0, atol=1e-8)
    assert_allclose(np.diff(logit, n=2, axis=1), 0, atol=1e-8)
    path = tmp_path / f"depth_{library}.png"
    display.figure_.savefig(path)
    assert path.stat().st_size > 0


def test_alpha_sweep_shows_overfitting():
    X, y = make_moons(n_samples=80, noise=0.35, random_state=0)
    sweep = [_network((32, 32), alpha=alpha, max_iter=500) for alpha in (1e-5, 3.0)]
    display = BoundaryComparisonDisplay.from_estimators(
        sweep, X, y, test_size=0.5, random_state=0, grid_resolution=RESOLUTION
    )
    assert display.names == [
        "MLPVisualClassifier(alpha=1e-05)",
        "MLPVisualClassifier(alpha=3.0)",
    ]
    train, test = np.array(display.train_scores), np.array(display.test_scores)
    # barely regularised: every training sample right, the test set much less
    assert train[0] == 1.0
    assert train[0] - test[0] > 0.15
    # strongly regularised: the gap closes
    assert train[1] - test[1] < train[0] - test[0]
    assert test[1] > test[0]


def test_data_attributes_and_artists(moons):
    X, y = moons
    display = BoundaryComparisonDisplay.from_estimators(
        [LogisticRegression(), _network((8,))],
        X,
        y,
        test_size=0.25,
        random_state=0,
        grid_resolution=RESOLUTION,
    )
    assert display.names == ["LogisticRegression", "MLPVisualClassifier"]
    assert display.xx0.shape == display.xx1.shape == (RESOLUTION, RESOLUTION)
    assert display.n_classes == 2
    assert display.response_methods == ["decision_function", "predict_proba"]
    for estimator, response in zip(display.estimators_, display.responses):
        expected = DecisionBoundaryDisplay.from_estimator(
            estimator, display.samples, grid_resolution=RESOLUTION
        )
        assert_array_equal(response, expected.response)
    n_test = int(np.ceil(0.25 * len(y)))
    assert display.highlight.shape == (n_test, 2)
    assert_array_equal(display.samples[-n_test:], display.highlight)
    assert sorted(display.sample_labels) == sorted(y)
    assert len(display.panels_) == len(display.axes_) == 2
    assert display.figure_ is display.axes_[0].figure
    assert all(panel.legend_ is None for panel in display.panels_)
    assert display.legend_ in display.figure_.legends
    assert "test" in [text.get_text() for text in display.legend_.get_texts()]
    assert len(display.panels_[1].highlight_.get_offsets()) == n_test
    # decision function: a scale symmetric about 0; probabilities: [0, 1]
    levels = display.panels_[0].surface_.levels
    assert levels[0] == pytest.approx(-levels[-1])
    assert_allclose(display.panels_[1].surface_.levels, np.linspace(0, 1, 21))
    assert [list(line.levels) for line in display.boundary_lines_] == [[0.0], [0.5]]


def test_fitted_estimators_are_used_as_they_are(moons):
    X, y = moons
    fitted = _network((8,)).fit(X[:60], y[:60])
    weights = [coef.copy() for coef in fitted.coefs_]
    unfitted = LogisticRegression()
    display = BoundaryComparisonDisplay.from_estimators(
        [fitted, unfitted], X, y, grid_resolution=RESOLUTION
    )
    assert display.estimators_[0] is fitted
    assert all(np.array_equal(a, b) for a, b in zip(weights, fitted.coefs_))
    assert display.estimators_[1] is not unfitted
    check_is_fitted(display.estimators_[1])
    with pytest.raises(NotFittedError):
        check_is_fitted(unfitted)
    # scores are on the data given, whatever the estimator was fitted on
    assert display.train_scores[0] == fitted.score(X, y)


def test_given_test_set_and_no_test_set(moons):
    X, y = moons
    X_test, y_test = make_moons(n_samples=40, noise=0.25, random_state=1)
    display = BoundaryComparisonDisplay.from_estimators(
        [LogisticRegression()],
        X,
        y,
        X_test=X_test,
        y_test=y_test,
        grid_resolution=RESOLUTION,
    )
    fitted = display.estimators_[0]
    assert display.train_scores == [fitted.score(X, y)]
    assert display.test_scores == [fitted.score(X_test, y_test)]
    assert_array_equal(display.highlight, X_test)
    assert_array_equal(display.samples, np.vstack([X, X_test]))
    # the grid covers the test samples too
    assert display.xx0.max() == pytest.approx(
        max(X[:, 0].max(), X_test[:, 0].max()) + 1
    )

    alone = BoundaryComparisonDisplay.from_estimators(
        [LogisticRegression()], X, y, grid_resolution=RESOLUTION
    )
    assert alone.test_scores is None and alone.highlight is None
    assert alone.axes_[0].get_title() == (
        f"LogisticRegression\naccuracy: train {alone.train_scores[0]:.2f}"
    )
    assert alone.panels_[0].highlight_ is None


def test_multiclass_pipeline_on_iris(tmp_path):
    iris = load_iris(as_frame=True)
    X, y = iris.data.iloc[:, :2], iris.target
    display = BoundaryComparisonDisplay.from_estimators(
        [
            make_pipeline(StandardScaler(), _network(())),
            make_pipeline(StandardScaler(), _network((16,))),
        ],
        X,
        y,
        names=["no hidden layer", "16 hidden units"],
        test_size=0.3,
        random_state=0,
        grid_resolution=RESOLUTION,
    )
    assert display.n_classes == 3
    assert all(r.shape == (RESOLUTION, RESOLUTION, 3) for r in display.responses)
    assert display.axes_[0].get_xlabel() == "sepal length (cm)"
    assert display.boundary_lines_ == [None, None]
    path = tmp_path / "iris.png"
    display.figure_.savefig(path)
    assert path.stat().st_size > 0


def test_default_names():
    X, y = make_circles(n_samples=60, factor=0.4, noise=0.05, random_state=0)
    display = BoundaryComparisonDisplay.from_estimators(
        [LogisticRegression(), LogisticRegression(), _network((4,)), _network((8,))],
        X,
        y,
        grid_resolution=RESOLUTION,
    )
    assert display.names == [
        "LogisticRegression #1",
        "LogisticRegression #2",
        "MLPVisualClassifier(hidden_layer_sizes=(4,))",
        "MLPVisualClassifier(hidden_layer_sizes=(8,))",
    ]


def test_axes_and_layout(moons):
    X, y = moons
    estimators = [LogisticRegression(), _network((4,)), _network((8,))]
    figure, axes = plt.subplots(3, 1)
    display = BoundaryComparisonDisplay.from_estimators(
        estimators, X, y, axes=axes, grid_resolution=RESOLUTION
    )
    assert display.figure_ is figure
    assert list(display.axes_) == list(axes)
    with pytest.raises(ValueError, match="draws 3 panel.*got 2"):
        display.plot(axes=axes[:2])
    display.plot(ncols=2, plot_method="pcolormesh")
    assert display.figure_ is not figure
    assert len(display.figure_.axes) == 3
    assert display.panels_[2].surface_.get_clim() == (0.0, 1.0)


def test_errors(moons):
    X, y = moons
    estimators = [LogisticRegression()]
    with pytest.raises(ValueError, match="one name per estimator \\(1\\), got 2"):
        BoundaryComparisonDisplay.from_estimators(estimators, X, y, names=["a", "b"])
    with pytest.raises(ValueError, match="at least one estimator"):
        BoundaryComparisonDisplay.from_estimators([], X, y)
    with pytest.raises(TypeError, match="needs classifiers; got LinearRegression"):
        BoundaryComparisonDisplay.from_estimators([LinearRegression()], X, y)
    with pytest.raises(
        ValueError, match="n_features must be equal to 2. Got 3 instead."
    ):
        BoundaryComparisonDisplay.from_estimators(
            estimators, np.column_stack([X, X[:, 0]]), y
        )
    with pytest.raises(ValueError, match="X_test and y_test must be given together"):
        BoundaryComparisonDisplay.from_estimators(estimators, X, y, X_test=X)
    with pytest.raises(ValueError, match="not both"):
        BoundaryComparisonDisplay.from_estimators(
            estimators, X, y, X_test=X, y_test=y, test_size=0.2
        )
    with pytest.raises(ValueError, match="n_features must be equal to 2. Got 1"):
        BoundaryComparisonDisplay.from_estimators(
            estimators, X, y, X_test=X[:, :1], y_test=y
        )
    fitted_on_three = LogisticRegression().fit(X, np.arange(len(y)) % 3)
    with pytest.raises(ValueError, match="disagree on the number of classes"):
        BoundaryComparisonDisplay.from_estimators([fitted_on_three, *estimators], X, y)
