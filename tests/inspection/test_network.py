"""NetworkDiagramDisplay: the drawn units, weights and biases are the model's."""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.patches import Circle
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknetviz import MLPVisualClassifier
from sknetviz.inspection import NetworkDiagramDisplay
from sknetviz.inspection._network import MAX_LINEWIDTH
from sknetviz.inspection._style import DIVERGING_CMAP, INK

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def digits_net(digits):
    X, y = digits
    return MLPVisualClassifier((40,), max_iter=20, random_state=0).fit(X, y)


def _network(kind, hidden=(8, 6)):
    if kind == "sknetviz":
        return MLPVisualClassifier(hidden, max_iter=50, random_state=0)
    if kind == "sklearn":
        return MLPClassifier(hidden, max_iter=50, random_state=0)
    return make_pipeline(
        StandardScaler(), MLPVisualClassifier(hidden, max_iter=50, random_state=0)
    )


def _circles(ax):
    return [patch for patch in ax.patches if isinstance(patch, Circle)]


@pytest.mark.parametrize("kind", ["sknetviz", "sklearn", "pipeline"])
def test_small_network_is_drawn_whole(kind, moons):
    X, y = moons
    estimator = _network(kind).fit(X, y)
    network = estimator[-1] if kind == "pipeline" else estimator
    _, ax = plt.subplots()
    display = NetworkDiagramDisplay.from_estimator(estimator, ax=ax, title="moons")

    assert display.layer_sizes == [2, 8, 6, 1]
    assert display.hidden_counts == [0, 0, 0, 0]
    for units, size in zip(display.shown_units, display.layer_sizes):
        assert_array_equal(units, np.arange(size))
    for shown, W in zip(display.weights, network.coefs_):
        assert_array_equal(shown, W)
    for shown, b in zip(display.biases, network.intercepts_):
        assert_array_equal(shown, b)
    assert_array_equal(display.input_names, ["x0", "x1"])
    # A binary network's single logistic unit is the positive class.
    assert_array_equal(display.output_names, [str(network.classes_[1])])

    assert display.ax_ is ax
    assert display.figure_ is ax.figure
    assert [len(column) for column in display.node_patches_] == [2, 8, 6, 1]
    assert len(_circles(ax)) == 17
    assert len(display.edge_collection_.get_segments()) == 2 * 8 + 8 * 6 + 6 * 1
    assert display.more_texts_ == []
    assert ax.get_title() == "moons"


def test_new_figure_and_png(moons, tmp_path):
    X, y = moons
    display = NetworkDiagramDisplay.from_estimator(_network("sknetviz").fit(X, y))
    assert display.ax_.figure is display.figure_
    assert display.colorbar_.ax.figure is display.figure_
    path = tmp_path / "network.png"
    display.figure_.savefig(path)
    assert path.stat().st_size > 10_000


def _strongest(strengths, k):
    return np.sort(np.argsort(strengths)[::-1][:k])


def test_wide_layers_show_their_strongest_units(digits_net):
    display = NetworkDiagramDisplay.from_estimator(digits_net, max_units=10)
    W0, W1 = digits_net.coefs_
    input_strengths = np.sqrt((W0**2).sum(axis=1))
    hidden_strengths = np.sqrt((W0**2).sum(axis=0) + (W1**2).sum(axis=1))

    assert_array_equal(display.shown_units[0], _strongest(input_strengths, 10))
    assert_array_equal(display.shown_units[1], _strongest(hidden_strengths, 10))
    assert_array_equal(display.shown_units[2], np.arange(10))
    assert display.hidden_counts == [54, 30, 0]
    for units, hidden, size in zip(
        display.shown_units, display.hidden_counts, display.layer_sizes
    ):
        assert len(units) + hidden == size
    first, second = display.shown_units[:2]
    assert_array_equal(display.weights[0], W0[np.ix_(first, second)])
    assert_array_equal(display.biases[0], digits_net.intercepts_[0][second])
    assert_array_equal(display.input_names[first], [f"x{i}" for i in first])

    assert len(_circles(display.ax_)) == 30
    assert len(display.edge_collection_.get_segments()) == 10 * 10 + 10 * 10
    assert [t.get_text() for t in display.more_texts_] == ["+ 54 more", "+ 30 more"]


@pytest.mark.parametrize("max_units", [2, 3, 4, 5])
def test_more_text_exactly_when_a_layer_is_wider(max_units, iris):
    X, y = iris
    net = MLPVisualClassifier((5,), max_iter=50, random_state=0).fit(X, y)
    display = NetworkDiagramDisplay.from_estimator(net, max_units=max_units)
    wider = [size - max_units for size in (4, 5, 3) if size > max_units]
    assert [t.get_text() for t in display.more_texts_] == [f"+ {n} more" for n in wider]
    shown = [min(size, max_units) for size in (4, 5, 3)]
    assert [len(column) for column in display.node_patches_] == shown
    assert len(display.edge_collection_.get_segments()) == (
        shown[0] * shown[1] + shown[1] * shown[2]
    )


def test_lines_and_fills_encode_weights_and_biases(moons):
    X, y = moons
    display = NetworkDiagramDisplay.from_estimator(_network("sklearn").fit(X, y))
    weights = np.concatenate([W.ravel() for W in display.weights])
    expected_widths = np.concatenate(
        [MAX_LINEWIDTH * np.abs(W.ravel()) / np.abs(W).max() for W in display.weights]
    )
    widths = display.edge_collection_.get_linewidths()
    assert_allclose(np.sort(widths), np.sort(expected_widths))

    # The style's diverging map: orange (red over blue) positive, blue negative.
    colors = display.edge_collection_.get_colors()
    order = np.argsort(expected_widths, kind="stable")
    red_over_blue = colors[:, 0] - colors[:, 2]
    strong = np.abs(weights[order]) > 0.1 * np.abs(weights).max()
    assert np.all(np.sign(red_over_blue[strong]) == np.sign(weights[order][strong]))

    cmap = matplotlib.colormaps[DIVERGING_CMAP]
    assert display.colorbar_.cmap.name == DIVERGING_CMAP
    vmax = display.colorbar_.norm.vmax
    largest = max(np.abs(weights).max(), *(np.abs(b).max() for b in display.biases))
    assert vmax == pytest.approx(largest)
    assert display.colorbar_.norm.vmin == pytest.approx(-largest)
    for circle, bias in zip(display.node_patches_[1], display.biases[0]):
        assert_allclose(circle.get_facecolor(), cmap((bias + vmax) / (2 * vmax)))


def test_names_of_features_and_classes(iris_frame):
    X, y = iris_frame
    net = MLPVisualClassifier((5,), max_iter=50, random_state=0).fit(X, y)
    display = NetworkDiagramDisplay.from_estimator(
        net, class_names=["setosa", "versicolor", "virginica"]
    )
    assert_array_equal(display.input_names, X.columns)
    assert_array_equal(display.output_names, ["setosa", "versicolor", "virginica"])
    texts = {text.get_text() for text in display.ax_.texts}
    assert {"sepal length (cm)", "setosa", "virginica"} <= texts

    pipe = make_pipeline(
        StandardScaler(), MLPClassifier((5,), max_iter=50, random_state=0)
    ).fit(X, y)
    display = NetworkDiagramDisplay.from_estimator(pipe, feature_names=list("abcd"))
    assert_array_equal(display.input_names, list("abcd"))
    with pytest.raises(ValueError, match=r"one name per input of the network \(4\)"):
        NetworkDiagramDisplay.from_estimator(net, feature_names=["a", "b"])
    with pytest.raises(ValueError, match=r"one name per class \(3\)"):
        NetworkDiagramDisplay.from_estimator(net, class_names=["a", "b"])


@pytest.mark.parametrize("kind", ["sknetviz", "sklearn", "pipeline"])
def test_unfitted_estimator_raises_not_fitted(kind):
    with pytest.raises(NotFittedError, match="NetworkDiagramDisplay"):
        NetworkDiagramDisplay.from_estimator(_network(kind))


def test_other_estimators_are_refused(moons):
    X, y = moons
    with pytest.raises(TypeError, match="MLPVisualClassifier, an MLPClassifier"):
        NetworkDiagramDisplay.from_estimator(LogisticRegression().fit(X, y))


@pytest.mark.parametrize("max_units", [0, 2.5, "3"])
def test_max_units_must_be_a_positive_int(max_units, moons):
    X, y = moons
    net = _network("sknetviz").fit(X, y)
    with pytest.raises(ValueError, match="max_units must be an int >= 1"):
        NetworkDiagramDisplay.from_estimator(net, max_units=max_units)


def test_hidden_units_are_numbered_from_one_and_a_cmap_can_be_given(iris):
    X, y = iris
    net = MLPVisualClassifier((5,), max_iter=50, random_state=0).fit(X, y)
    display = NetworkDiagramDisplay.from_estimator(net, class_names=["a", "b", "c"])
    numbers = [t.get_text() for t in display.ax_.texts if t.get_text().isdigit()]
    assert numbers == ["1", "2", "3", "4", "5"]
    assert "hidden 1\n5 × relu" in {t.get_text() for t in display.ax_.texts}
    for circle in display.node_patches_[1]:
        assert_allclose(circle.get_edgecolor(), matplotlib.colors.to_rgba(INK))

    display = NetworkDiagramDisplay.from_estimator(net, cmap="PiYG")
    assert display.colorbar_.cmap.name == "PiYG"
