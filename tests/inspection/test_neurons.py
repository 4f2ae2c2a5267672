"""NeuronActivationDisplay: each heatmap is the neuron's output over the plane."""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import expit
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknetviz import MLPVisualClassifier
from sknetviz.inspection import NeuronActivationDisplay
from sknetviz.inspection._style import (
    CLASS_COLORS,
    DIVERGING_CMAP,
    EDGE_COLOR,
    SEQUENTIAL_CMAP,
)

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

HIDDEN = {
    "relu": lambda Z: np.maximum(Z, 0),
    "tanh": np.tanh,
    "logistic": expit,
    "identity": lambda Z: Z,
}


def _network(kind, hidden=(6, 4), activation="relu"):
    params = dict(activation=activation, max_iter=50, random_state=0)
    if kind == "sknetviz":
        return MLPVisualClassifier(hidden, **params)
    if kind == "sklearn":
        return MLPClassifier(hidden, **params)
    return make_pipeline(StandardScaler(), MLPVisualClassifier(hidden, **params))


def _manual_hidden_outputs(estimator, points):
    """Every hidden layer's output, computed here from coefs_ and intercepts_."""
    network = estimator
    if hasattr(estimator, "steps"):
        points = estimator[:-1].transform(points)
        network = estimator[-1]
    outputs, A = [], points
    for W, b in zip(network.coefs_[:-1], network.intercepts_[:-1]):
        A = HIDDEN[network.activation](A @ W + b)
        outputs.append(A)
    return outputs


@pytest.mark.parametrize("kind", ["sknetviz", "sklearn", "pipeline"])
def test_heatmaps_are_the_hidden_outputs_over_the_grid(kind, moons):
    X, y = moons
    estimator = _network(kind).fit(X, y)
    display = NeuronActivationDisplay.from_estimator(estimator, X, grid_resolution=30)

    assert display.xx0.shape == display.xx1.shape == (30, 30)
    assert display.xx0.min() == pytest.approx(X[:, 0].min() - 0.5)
    assert display.xx1.max() == pytest.approx(X[:, 1].max() + 0.5)
    assert display.layer_indices == [0, 1]
    assert [len(n) for n in display.neuron_indices] == [6, 4]
    points = np.column_stack([display.xx0.ravel(), display.xx1.ravel()])
    expected = _manual_hidden_outputs(estimator, points)
    for values, manual in zip(display.activations, expected):
        assert values.shape == (manual.shape[1], 30, 30)
        assert_allclose(values.reshape(len(values), -1), manual.T, atol=1e-12)

    assert display.axes_.shape == (2, 6)
    assert [len(row) for row in display.meshes_] == [6, 4]
    assert not display.axes_[1, 4].axison and not display.axes_[1, 5].axison
    assert_allclose(
        display.meshes_[0][2].get_array().ravel(), display.activations[0][2].ravel()
    )


def test_large_grid_is_evaluated_in_chunks(moons):
    X, y = moons
    estimator = _network("sknetviz", hidden=(3,)).fit(X, y)
    # 190 x 190 points is more than one chunk of 32768.
    display = NeuronActivationDisplay.from_estimator(estimator, X, grid_resolution=190)
    points = np.column_stack([display.xx0.ravel(), display.xx1.ravel()])
    (manual,) = _manual_hidden_outputs(estimator, points)
    assert_allclose(display.activations[0].reshape(3, -1), manual.T, atol=1e-12)


def test_colour_scale_follows_the_activation(moons):
    X, y = moons
    relu = _network("sknetviz").fit(X, y)
    display = NeuronActivationDisplay.from_estimator(relu, X, grid_resolution=20)
    for values, (vmin, vmax), meshes in zip(
        display.activations, display.color_ranges, display.meshes_
    ):
        assert vmax == pytest.approx(np.abs(values).max()) and vmin == -vmax
        assert meshes[0].norm.vmin == vmin and meshes[0].norm.vmax == vmax

    tanh = _network("sklearn", activation="tanh").fit(X, y)
    display = NeuronActivationDisplay.from_estimator(
        tanh, X, layers=[0, -1], grid_resolution=20
    )
    assert display.layer_indices == [0, 2]
    assert display.layer_activations == ["tanh", "logistic"]
    assert display.color_ranges == [(-1.0, 1.0), (0.0, 1.0)]
    proba = tanh.predict_proba(
        np.column_stack([display.xx0.ravel(), display.xx1.ravel()])
    )[:, 1]
    assert_allclose(display.activations[1][0].ravel(), proba, rtol=1e-10)
    assert len(display.colorbars_) == 2


def test_wide_layers_show_their_strongest_neurons(moons):
    X, y = moons
    net = _network("sknetviz", hidden=(10,)).fit(X, y)
    display = NeuronActivationDisplay.from_estimator(
        net, X, max_units=3, grid_resolution=20
    )
    W0, W1 = net.coefs_
    strengths = np.sqrt((W0**2).sum(axis=0) + (W1**2).sum(axis=1))
    assert_array_equal(display.neuron_indices[0], np.sort(np.argsort(-strengths)[:3]))
    assert display.activations[0].shape == (3, 20, 20)
    # The titles count neurons from 1, as the row labels count layers.
    titles = [ax.get_title() for ax in display.axes_[0]]
    assert titles == [f"neuron {n + 1}" for n in display.neuron_indices[0]]


def test_samples_and_given_axes_and_png(moons, tmp_path):
    X, y = moons
    net = _network("pipeline").fit(X, y)
    fig, axes = plt.subplots(2, 6)
    display = NeuronActivationDisplay.from_estimator(
        net, X, y=y, grid_resolution=20, axes=axes
    )
    assert display.figure_ is fig
    assert display.axes_[0, 0] is axes[0, 0]
    # One scatter per class on each of the 10 drawn heatmaps.
    assert len(display.sample_scatters_) == 2 * 10
    assert_array_equal(display.sample_scatters_[0].get_offsets(), X[y == 0])
    path = tmp_path / "neurons.png"
    display.figure_.savefig(path)
    assert path.stat().st_size > 10_000

    new = NeuronActivationDisplay.from_estimator(net, X, grid_resolution=20)
    assert new.figure_ is not fig and new.sample_scatters_ == []
    with pytest.raises(ValueError, match=r"must hold 2 x 6 Axes"):
        NeuronActivationDisplay.from_estimator(net, X, axes=axes[:, :3])


def test_input_must_have_two_features(iris):
    X, y = iris
    net = MLPVisualClassifier((4,), max_iter=20, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="plane of 2 input features; X has 4"):
        NeuronActivationDisplay.from_estimator(net, X)
    with pytest.raises(ValueError, match="2 input features; the estimator takes 4"):
        NeuronActivationDisplay.from_estimator(net, X[:, :2])


def test_bad_arguments(moons):
    X, y = moons
    net = _network("sknetviz").fit(X, y)
    with pytest.raises(ValueError, match=r"layers must be an int from 0 .* to 2"):
        NeuronActivationDisplay.from_estimator(net, X, layers=[3])
    with pytest.raises(ValueError, match="max_units must be an int"):
        NeuronActivationDisplay.from_estimator(net, X, max_units=0)
    with pytest.raises(ValueError, match="one label per sample of X"):
        NeuronActivationDisplay.from_estimator(net, X, y=y[:-1])
    with pytest.raises(ValueError, match="grid_resolution must be greater than 1"):
        NeuronActivationDisplay.from_estimator(net, X, grid_resolution=1)


@pytest.mark.parametrize("kind", ["sknetviz", "sklearn", "pipeline"])
def test_unfitted_estimator_raises_not_fitted(kind, moons):
    X, _ = moons
    with pytest.raises(NotFittedError, match="NeuronActivationDisplay"):
        NeuronActivationDisplay.from_estimator(_network(kind), X)


def test_other_estimators_are_refused(moons):
    X, y = moons
    with pytest.raises(TypeError, match="MLPVisualClassifier, an MLPClassifier"):
        NeuronActivationDisplay.from_estimator(LogisticRegression().fit(X, y), X)


def test_style_diverging_layers_and_samples_with_white_edges(moons):
    X, y = moons
    net = _network("sknetviz", activation="tanh").fit(X, y)
    display = NeuronActivationDisplay.from_estimator(
        net, X, y=y, layers=[0, -1], grid_resolution=15
    )
    # tanh: white at 0; the logistic output: white at 0.5 (z = 0).
    assert display.color_ranges == [(-1.0, 1.0), (0.0, 1.0)]
    for meshes, colorbar in zip(display.meshes_, display.colorbars_):
        assert {mesh.get_cmap().name for mesh in meshes} == {DIVERGING_CMAP}
        assert colorbar.cmap.name == DIVERGING_CMAP
    white = matplotlib.colors.to_rgba(EDGE_COLOR)
    for k, scatter in enumerate(display.sample_scatters_[:2]):
        assert_allclose(
            scatter.get_facecolor()[0], matplotlib.colors.to_rgba(CLASS_COLORS[k])
        )
        assert_allclose(scatter.get_edgecolor()[0], white)

    custom = NeuronActivationDisplay.from_estimator(
        net, X, grid_resolution=15, cmap="PuOr"
    )
    assert custom.meshes_[0][0].get_cmap().name == "PuOr"


def test_regressor_predictions_take_the_sequential_map(moons):
    from sknetviz import MLPVisualRegressor

    X, y = moons
    net = MLPVisualRegressor(hidden_layer_sizes=(4,), max_iter=50, random_state=0)
    net.fit(X, X[:, 1])
    display = NeuronActivationDisplay.from_estimator(
        net, X, y=X[:, 1], layers=[0, -1], grid_resolution=15
    )
    assert display.meshes_[0][0].get_cmap().name == DIVERGING_CMAP
    assert display.meshes_[1][0].get_cmap().name == SEQUENTIAL_CMAP
    assert display.sample_scatters_[0].get_cmap().name == SEQUENTIAL_CMAP
