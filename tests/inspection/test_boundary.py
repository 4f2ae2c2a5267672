"""DecisionBoundaryDisplay: agreement with scikit-learn's, and what it adds."""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
import sklearn
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.datasets import make_moons
from sklearn.exceptions import NotFittedError
from sklearn.inspection import DecisionBoundaryDisplay as SklearnDisplay
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.fixes import parse_version

from sknetviz import MLPVisualClassifier
from sknetviz.inspection import DecisionBoundaryDisplay, _style

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

# scikit-learn 1.7 gave its display multiclass surfaces (one per class, with
# n_classes and multiclass_colors_); ours has them on every supported version,
# so on older scikit-learn those cases are checked on their own.
SKLEARN_MULTICLASS_SURFACES = parse_version(sklearn.__version__) >= parse_version("1.7")


@pytest.fixture(scope="module")
def moons():
    return make_moons(n_samples=120, noise=0.25, random_state=0)


@pytest.fixture(scope="module")
def iris2(iris):
    X, y = iris
    return X[:, :2], y


def _fitted(kind, X, y):
    if kind == "sknetviz":
        return MLPVisualClassifier((12,), max_iter=60, random_state=0).fit(X, y)
    if kind == "sklearn":
        return MLPClassifier((12,), max_iter=60, random_state=0).fit(X, y)
    if kind == "pipeline":
        return make_pipeline(
            StandardScaler(), MLPVisualClassifier((12,), max_iter=60, random_state=0)
        ).fit(X, y)
    return LogisticRegression().fit(X, y)


@pytest.mark.parametrize("kind", ["sknetviz", "sklearn", "pipeline", "logistic"])
@pytest.mark.parametrize("problem", ["binary", "multiclass"])
@pytest.mark.parametrize("response_method", ["auto", "predict", "predict_proba"])
@pytest.mark.parametrize("class_of_interest", [None, "first"])
def test_response_equals_sklearn(
    kind, problem, response_method, class_of_interest, moons, iris2
):
    X, y = moons if problem == "binary" else iris2
    estimator = _fitted(kind, X, y)
    coi = None if class_of_interest is None else estimator.classes_[0]
    params = dict(
        grid_resolution=37,
        eps=0.5,
        response_method=response_method,
        class_of_interest=coi,
    )
    ours = DecisionBoundaryDisplay.from_estimator(
        estimator, X, chunk_size=100, **params
    )
    # Before 1.7, scikit-learn's 'auto' on multiclass problems always drew
    # predict's labels, and predict_proba needed a class_of_interest.
    changed_in_1_7 = problem == "multiclass" and (
        response_method == "auto"
        or (response_method == "predict_proba" and coi is None)
    )
    if changed_in_1_7 and not SKLEARN_MULTICLASS_SURFACES:
        if coi is None:  # one surface per class
            assert ours.n_classes == 3
            assert ours.response.shape == (*ours.xx0.shape, 3)
        else:  # the class of interest's own response
            assert ours.response.shape == ours.xx0.shape
        assert np.isfinite(ours.response).all()
        return
    theirs = SklearnDisplay.from_estimator(estimator, X, **params)
    assert_array_equal(ours.xx0, theirs.xx0)
    assert_array_equal(ours.xx1, theirs.xx1)
    assert_allclose(ours.response, theirs.response, rtol=1e-12, atol=1e-15)
    if SKLEARN_MULTICLASS_SURFACES:
        assert ours.n_classes == theirs.n_classes
        if theirs.n_classes > 2:
            assert_allclose(ours.multiclass_colors_, theirs.multiclass_colors_)


@pytest.mark.parametrize("plot_method", ["contourf", "contour", "pcolormesh"])
def test_same_artists_as_sklearn(plot_method, iris2):
    X, y = iris2
    estimator = _fitted("sknetviz", X, y)
    ours = DecisionBoundaryDisplay.from_estimator(estimator, X, plot_method=plot_method)
    if not SKLEARN_MULTICLASS_SURFACES:
        # One surface per class, each the artist that plot_method makes.
        artist = "QuadMesh" if plot_method == "pcolormesh" else "QuadContourSet"
        kinds = [type(surface).__name__ for surface in ours.surface_]
        # 'contour' adds the lines between the classes to the 3 class surfaces.
        assert kinds == [artist] * (4 if plot_method == "contour" else 3)
        assert ours.ax_.get_xlabel() == ""
        return
    theirs = SklearnDisplay.from_estimator(estimator, X, plot_method=plot_method)
    assert type(ours.surface_) is type(theirs.surface_)
    assert len(ours.surface_) == len(theirs.surface_)
    assert ours.ax_.get_xlabel() == theirs.ax_.get_xlabel() == ""


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (
            dict(grid_resolution=1),
            "grid_resolution must be greater than 1. Got 1 instead.",
        ),
        (dict(eps=-1), "eps must be greater than or equal to 0. Got -1 instead."),
        (
            dict(plot_method="bar"),
            "plot_method must be one of contourf, contour, pcolormesh",
        ),
        (
            dict(class_of_interest="tiger"),
            "class_of_interest=tiger is not a valid label",
        ),
    ],
)
def test_error_messages_match_sklearn(kwargs, message, moons):
    X, y = moons
    estimator = _fitted("sknetviz", X, y)
    for display in (DecisionBoundaryDisplay, SklearnDisplay):
        with pytest.raises(ValueError, match=message):
            display.from_estimator(estimator, X, **kwargs)


def test_wrong_feature_count_and_unfitted(moons):
    X, y = moons
    estimator = _fitted("sknetviz", X, y)
    X3 = np.c_[X, X[:, 0]]
    for display in (DecisionBoundaryDisplay, SklearnDisplay):
        with pytest.raises(
            ValueError, match="n_features must be equal to 2. Got 3 instead."
        ):
            display.from_estimator(estimator, X3)
        with pytest.raises(NotFittedError):
            display.from_estimator(MLPVisualClassifier(), X)
    with pytest.raises(ValueError, match="features=\\(0, 5\\) is out of range"):
        DecisionBoundaryDisplay.from_estimator(estimator, X3, features=(0, 5))


def test_samples_legend_misclassified_and_highlight(moons):
    X, y = moons
    estimator = MLPVisualClassifier(
        (12,), learning_rate_init=0.01, max_iter=300, random_state=0
    ).fit(X, y)
    wrong = int((estimator.predict(X) != y).sum())
    display = DecisionBoundaryDisplay.from_estimator(
        estimator,
        X,
        y=y,
        X_highlight=X[:7],
        response_method="predict_proba",
        title="moons",
        xlim=(-2, 3),
        ylim=(-1.5, 2),
    )
    assert len(display.sample_scatters_) == 2
    assert sum(len(s.get_offsets()) for s in display.sample_scatters_) == len(X)
    assert len(display.misclassified_.get_offsets()) == wrong > 0
    assert_allclose(display.highlight_.get_offsets(), X[:7])
    labels = [text.get_text() for text in display.legend_.get_texts()]
    assert labels == ["0", "1", f"misclassified ({wrong})", "highlighted"]
    assert display.ax_.get_title() == "moons"
    assert display.ax_.get_xlim() == (-2, 3) and display.ax_.get_ylim() == (-1.5, 2)
    assert display.xx0.min() == -2 and display.xx1.max() == 2
    # Saturated class colours with white edges, over pale tints of the same.
    orange = matplotlib.colors.to_rgba(_style.CLASS_COLORS[1])
    assert_allclose(display.sample_scatters_[1].get_facecolor()[0], orange)
    assert_allclose(display.sample_scatters_[1].get_edgecolor()[0], (1, 1, 1, 1))
    assert display.surface_.norm.vmin == 0 and display.surface_.norm.vmax == 1
    assert_allclose(display.surface_.cmap(0.5), (1, 1, 1, 1))
    assert_allclose(display.surface_.cmap(1.0), _style.tint(orange))
    # The trained network has decided: its boundary is drawn, in ink.
    assert display.boundary_line_.levels.tolist() == [0.5]
    assert display.note_ is None


def test_users_cmap_colours_surface_and_samples(moons):
    X, y = moons
    estimator = _fitted("sknetviz", X, y)
    display = DecisionBoundaryDisplay.from_estimator(
        estimator, X, y=y, response_method="predict_proba", cmap="viridis"
    )
    cmap = matplotlib.colormaps["viridis"]
    assert display.surface_.cmap.name == "viridis"
    assert_allclose(display.sample_scatters_[1].get_facecolor()[0], cmap(1.0))


def test_untrained_network_draws_no_boundary_but_says_why(moons):
    """An untrained network's output is flat near 0.5: its 0.5 contour would be
    noise drawn as boundaries, so the panel shows the pale surface and a note."""
    X, y = moons
    untrained = MLPVisualClassifier((16, 16), learning_rate_init=0.02, random_state=0)
    untrained.initialize(X, y)
    display = DecisionBoundaryDisplay.from_estimator(
        untrained, X, y=y, response_method="predict_proba"
    )
    assert display.boundary_line_ is None
    assert "no sharp boundary" in display.note_.get_text()
    # Five epochs later the boundary is sharp and drawn.
    for _ in range(5):
        untrained.partial_fit(X, y)
    display = DecisionBoundaryDisplay.from_estimator(
        untrained, X, y=y, response_method="predict_proba"
    )
    assert display.boundary_line_ is not None and display.note_ is None


def test_features_and_filler_plot_a_plane_of_wider_data(iris):
    X, y = iris
    estimator = make_pipeline(
        StandardScaler(), MLPVisualClassifier((10,), max_iter=200, random_state=0)
    ).fit(X, y)
    display = DecisionBoundaryDisplay.from_estimator(
        estimator,
        X,
        features=(2, 3),
        response_method="predict",
        grid_resolution=20,
        y=y,
    )
    assert display.xlabel == "feature 2" and display.ylabel == "feature 3"
    grid = np.tile(np.median(X, axis=0), (400, 1))
    grid[:, 2], grid[:, 3] = display.xx0.ravel(), display.xx1.ravel()
    assert_array_equal(display.response.ravel(), estimator.predict(grid))
    filled = DecisionBoundaryDisplay.from_estimator(
        estimator,
        X,
        features=(2, 3),
        filler=[7.0, 2.0, 0.0, 0.0],
        grid_resolution=20,
        response_method="predict",
    )
    grid[:, 0], grid[:, 1] = 7.0, 2.0
    assert_array_equal(filled.response.ravel(), estimator.predict(grid))
    with pytest.raises(ValueError, match="one value per feature"):
        DecisionBoundaryDisplay.from_estimator(
            estimator, X, features=(2, 3), filler=[1, 2]
        )


def test_chunking_does_not_change_the_response(moons):
    X, y = moons
    estimator = _fitted("sknetviz", X, y)
    whole = DecisionBoundaryDisplay.from_estimator(
        estimator, X, grid_resolution=50, chunk_size=10**6
    )
    pieces = DecisionBoundaryDisplay.from_estimator(
        estimator, X, grid_resolution=50, chunk_size=7
    )
    # Equal up to the last bit that BLAS blocking may move.
    assert_allclose(whole.response, pieces.response, rtol=1e-12, atol=1e-15)
    labels = [
        DecisionBoundaryDisplay.from_estimator(
            estimator, X, grid_resolution=50, chunk_size=size, response_method="predict"
        ).response
        for size in (10**6, 7)
    ]
    assert_array_equal(*labels)


def test_draws_into_given_ax_or_new_figure(moons, tmp_path):
    X, y = moons
    estimator = _fitted("sknetviz", X, y)
    fig, ax = plt.subplots()
    display = DecisionBoundaryDisplay.from_estimator(estimator, X, ax=ax, y=y)
    assert display.ax_ is ax and display.figure_ is fig
    fresh = DecisionBoundaryDisplay.from_estimator(estimator, X)
    assert fresh.figure_ is not fig
    display.figure_.savefig(tmp_path / "boundary.png")
    assert (tmp_path / "boundary.png").stat().st_size > 10_000


@pytest.mark.parametrize("chunk_size", [0, -1, 2.5])
def test_chunk_size_must_be_a_positive_integer(chunk_size, moons):
    X, y = moons
    estimator = _fitted("sknetviz", X, y)
    with pytest.raises(ValueError, match="chunk_size must be a positive integer"):
        DecisionBoundaryDisplay.from_estimator(estimator, X, chunk_size=chunk_size)


@pytest.mark.parametrize(
    "y, message",
    [
        (
            lambda y: np.where(y == 0, 7, y),
            r"y holds labels that MLPVisualClassifier was not fitted on: \[7\]\. "
            r"Every label must be one of its classes_ \[0, 1, 2\]",
        ),
        (
            lambda y: y[:-5],
            r"y must hold one label per sample of X, shape \(150,\), got "
            r"shape \(145,\)",
        ),
        (
            lambda y: y.reshape(-1, 1),
            r"y must hold one label per sample of X, shape \(150,\), got "
            r"shape \(150, 1\)",
        ),
    ],
    ids=["unseen label", "too short", "2-d"],
)
def test_y_that_does_not_fit_the_estimator_or_X_is_refused(y, message, iris2):
    X, labels = iris2
    estimator = _fitted("sknetviz", X, labels)
    with pytest.raises(ValueError, match=message):
        DecisionBoundaryDisplay.from_estimator(estimator, X, y=y(labels))


def test_y_of_a_binary_problem_with_an_unseen_label_is_refused(moons):
    X, y = moons
    estimator = _fitted("logistic", X, y)
    with pytest.raises(ValueError, match=r"not fitted on: \[2\].*classes_ \[0, 1\]"):
        DecisionBoundaryDisplay.from_estimator(estimator, X, y=np.where(y, 2, 0))


@pytest.mark.parametrize("name", ["xlim", "ylim"])
@pytest.mark.parametrize(
    "limits, message",
    [
        ((-np.inf, 1), r"must be two finite numbers \(low, high\), got \(-inf, 1\)"),
        ((0, np.nan), r"must be two finite numbers \(low, high\), got \(0, nan\)"),
        ((3, -2), r"must have low < high, got \(3, -2\).*invert_"),
        ((1, 1), r"must have low < high, got \(1, 1\)"),
        ((1, 2, 3), r"must be a pair of numbers \(low, high\), got \(1, 2, 3\)"),
        ("ab", r"must be a pair of numbers \(low, high\), got 'ab'"),
    ],
)
def test_limits_must_be_a_finite_increasing_pair(name, limits, message, moons):
    X, y = moons
    estimator = _fitted("sknetviz", X, y)
    with pytest.raises(ValueError, match=f"^{name} {message}"):
        DecisionBoundaryDisplay.from_estimator(estimator, X, **{name: limits})


@pytest.mark.parametrize("value", [np.nan, np.inf])
def test_filler_must_be_finite_off_the_plane(value, iris):
    X, y = iris
    estimator = _fitted("sknetviz", X, y)
    with pytest.raises(
        ValueError,
        match=(
            rf"^filler must be finite for every feature off the plotted plane, "
            rf"got \[{value}\] for features \[1\]"
        ),
    ):
        DecisionBoundaryDisplay.from_estimator(
            estimator, X, features=(2, 3), filler=[5.0, value, 0.0, 0.0]
        )
    # The plotted features' filler values are never used, so they may be anything.
    display = DecisionBoundaryDisplay.from_estimator(
        estimator, X, features=(2, 3), filler=[5.0, 3.0, value, value]
    )
    assert np.isfinite(display.response).all()


def test_filler_from_data_with_missing_values_says_so(iris):
    X, y = iris
    estimator = _fitted("sknetviz", X, y)
    X_missing = X.copy()
    X_missing[3, 0] = np.nan
    with pytest.raises(
        ValueError,
        match=r"^filler='median' \(the median of X's columns\) must be finite .* "
        r"got \[nan\] for features \[0\]",
    ):
        DecisionBoundaryDisplay.from_estimator(estimator, X_missing, features=(2, 3))


class _PointCountingNetwork:
    """Records the rows of every prediction call and of every network pass."""

    def __init__(self, monkeypatch, estimator):
        self.calls, self.passes = [], []
        network = estimator[-1] if hasattr(estimator, "steps") else estimator
        predict_proba, forward = network.predict_proba, network.network_.forward

        def counting_predict_proba(X):
            self.calls.append(X.shape[0])
            return predict_proba(X)

        def counting_forward(X, *args, **kwargs):
            self.passes.append(X.shape[0])
            return forward(X, *args, **kwargs)

        monkeypatch.setattr(network, "predict_proba", counting_predict_proba)
        monkeypatch.setattr(network.network_, "forward", counting_forward)


@pytest.mark.parametrize("hidden", [(12,), (3000,)])
@pytest.mark.parametrize("pipeline", [False, True])
def test_grid_chunks_are_the_network_s_own_so_it_never_cuts_them_again(
    hidden, pipeline, moons, monkeypatch
):
    X, y = moons
    network = MLPVisualClassifier(hidden, max_iter=5, random_state=0)
    estimator = make_pipeline(StandardScaler(), network) if pipeline else network
    estimator.fit(X, y)
    rows = network.network_.rows_per_chunk(np.dtype(np.float64).itemsize)
    counter = _PointCountingNetwork(monkeypatch, estimator)
    display = DecisionBoundaryDisplay.from_estimator(
        estimator, X, grid_resolution=120, response_method="predict_proba"
    )
    assert sum(counter.calls) == display.response.size == 120**2
    # One network pass per grid chunk, each as large as the network takes.
    assert counter.passes == counter.calls
    assert counter.calls[:-1] == [rows] * (len(counter.calls) - 1)
    # A chunk_size above the network's own is lowered to it; below, kept.
    for chunk_size, expected in [(10**6, rows), (1000, min(rows, 1000))]:
        counter.calls.clear(), counter.passes.clear()
        DecisionBoundaryDisplay.from_estimator(
            estimator, X, grid_resolution=120, chunk_size=chunk_size
        )
        assert counter.passes == counter.calls
        assert max(counter.calls) == expected


def test_foreign_estimators_take_the_fixed_chunk_or_chunk_size(moons, monkeypatch):
    X, y = moons
    estimator = _fitted("sklearn", X, y)
    calls = []
    predict_proba = estimator.predict_proba

    def counting_predict_proba(X):
        calls.append(X.shape[0])
        return predict_proba(X)

    monkeypatch.setattr(estimator, "predict_proba", counting_predict_proba)
    # None, the default, leaves the choice to the estimator: 8192 for this one.
    DecisionBoundaryDisplay.from_estimator(
        estimator, X, grid_resolution=100, chunk_size=None
    )
    assert calls == [8192, 100**2 - 8192]
    calls.clear()
    DecisionBoundaryDisplay.from_estimator(
        estimator, X, grid_resolution=100, chunk_size=3000
    )
    assert calls == [3000, 3000, 3000, 1000]


class _ZeroDimensionalRegressor(RegressorMixin, BaseEstimator):
    def fit(self, X, y):
        self.fitted_ = True
        return self

    def predict(self, X):
        return np.array(0.5)


def test_a_response_that_is_not_one_value_per_point_is_named(moons):
    X, y = moons
    estimator = _ZeroDimensionalRegressor().fit(X, y)
    with pytest.raises(
        ValueError,
        match=r"^_ZeroDimensionalRegressor\.predict returned an array of shape \(\) "
        r"for 8192 grid points; it should return one value or one row per point, "
        r"of shape \(8192,\) or \(8192, n_outputs\)",
    ):
        DecisionBoundaryDisplay.from_estimator(estimator, X)


def test_a_list_of_response_methods_is_tried_in_order_as_in_sklearn(moons):
    X, y = moons
    regressor = _ZeroDimensionalRegressor().fit(X, y)
    with pytest.raises(
        AttributeError,
        match="_ZeroDimensionalRegressor has none of the following attributes: "
        "predict_proba, decision_function.",
    ):
        DecisionBoundaryDisplay.from_estimator(
            regressor, X, response_method=["predict_proba", "decision_function"]
        )
    estimator = _fitted("sknetviz", X, y)
    display = DecisionBoundaryDisplay.from_estimator(
        estimator, X, response_method=["decision_function", "predict_proba"]
    )
    assert display.response_method_ == "predict_proba"
