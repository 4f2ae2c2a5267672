"""The network displays on regressors, and PredictionSurfaceDisplay: values where a
classifier has classes, R² where it has accuracy."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_diabetes, make_regression
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LinearRegression
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknetviz import MLPVisualRegressor
from sknetviz.inspection import (
    ActivationFunctionDisplay,
    BoundaryComparisonDisplay,
    BoundaryEvolutionDisplay,
    DecisionBoundaryDisplay,
    GradientFlowDisplay,
    NetworkDiagramDisplay,
    NeuronActivationDisplay,
    NeuronDisplay,
    PredictionSurfaceDisplay,
    TrainingCurveDisplay,
)
from sknetviz.inspection._adapters import network_view

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def diabetes():
    """Diabetes with standardised features and targets scaled to about [0, 3.5]."""
    X, y = load_diabetes(return_X_y=True)
    return StandardScaler().fit_transform(X), y / 100


@pytest.fixture(scope="module")
def plane():
    """A two-feature regression problem, for the displays over the input plane."""
    X, y = make_regression(n_samples=120, n_features=2, noise=3.0, random_state=0)
    return X, y / 50


def _regressor(kind, **params):
    params = dict(hidden_layer_sizes=(6, 5), max_iter=15, random_state=0, **params)
    if kind == "sknetviz":
        return MLPVisualRegressor(learning_rate_init=0.01, **params)
    return MLPRegressor(learning_rate_init=0.01, **params)


@pytest.mark.parametrize("kind", ["sknetviz", "sklearn"])
def test_the_view_of_a_regressor_ends_in_its_predictions(kind, diabetes):
    X, y = diabetes
    estimator = make_pipeline(StandardScaler(), _regressor(kind)).fit(X, y)
    view = network_view(estimator, "test")
    assert view.is_regressor and view.classes is None
    assert (view.loss_name, view.score_name) == ("half squared error", "R²")
    outputs = view.layer_outputs(X)
    assert [o.shape[1] for o in outputs] == view.layer_sizes == [10, 6, 5, 1]
    assert_allclose(outputs[-1][:, 0], estimator.predict(X), rtol=1e-10)


def test_poisson_regressor_reads_its_exp_output_and_loss(diabetes):
    X, y = diabetes
    reg = _regressor("sknetviz", loss="poisson").fit(X, y)
    view = network_view(reg, "test")
    assert view.out_activation == "exp"
    assert view.loss_name == "half Poisson deviance"
    assert_allclose(view.layer_outputs(X)[-1][:, 0], reg.predict(X), rtol=1e-10)
    neuron = NeuronDisplay.from_estimator(reg, X[3], layer=-1)
    assert neuron.output == pytest.approx(np.exp(neuron.z))
    assert neuron.output == pytest.approx(reg.predict(X[3:4])[0])


@pytest.mark.parametrize("kind", ["sknetviz", "sklearn"])
def test_training_curve_of_a_regressor_says_r2(kind, diabetes):
    X, y = diabetes
    reg = _regressor(kind, early_stopping=True).fit(X, y)
    display = TrainingCurveDisplay.from_estimator(reg)
    assert display.ax_.get_ylabel() == "loss (half squared error)"
    assert display.score_ax_.get_ylabel() == "validation R²"
    assert display.val_score_line_.get_label() == "validation R²"
    assert_allclose(display.val_score, reg.validation_scores_)
    if kind == "sknetviz":
        # Like with like: the data loss, as the validation loss is measured.
        data_loss = [record["data_loss"] for record in reg.history_]
        assert_allclose(display.loss, data_loss)
    else:  # scikit-learn records its loss with the L2 penalty only
        assert_allclose(display.loss, reg.loss_curve_)


def test_gradient_flow_of_a_regressor(diabetes):
    X, y = diabetes
    reg = _regressor("sknetviz").fit(X, y)
    display = GradientFlowDisplay.from_estimator(reg)
    assert display.grad_norms.shape == (reg.n_iter_, 3)
    assert display.layer_names == [
        "layer 1 (input side): 10→6",
        "layer 2: 6→5",
        "layer 3 (output side): 5→1",
    ]
    sklearn_reg = _regressor("sklearn").fit(X, y)
    with pytest.raises(ValueError, match="records no gradients"):
        GradientFlowDisplay.from_estimator(sklearn_reg)


@pytest.mark.parametrize("kind", ["sknetviz", "sklearn"])
def test_network_diagram_names_a_regressors_outputs(kind, diabetes):
    X, y = diabetes
    reg = _regressor(kind).fit(X, y)
    display = NetworkDiagramDisplay.from_estimator(reg)
    assert display.layer_sizes == [10, 6, 5, 1]
    assert_array_equal(display.output_names, ["y"])
    assert display.out_activation == "identity"
    assert display._layer_heading(3) == "output\n1 × identity"
    named = NetworkDiagramDisplay.from_estimator(reg, target_names=["progression"])
    assert_array_equal(named.output_names, ["progression"])
    with pytest.raises(ValueError, match="is a regressor: name its outputs"):
        NetworkDiagramDisplay.from_estimator(reg, class_names=["a"])
    with pytest.raises(ValueError, match=r"one name per output \(1\), got 2"):
        NetworkDiagramDisplay.from_estimator(reg, target_names=["a", "b"])


def test_network_diagram_of_a_two_target_regressor(plane):
    X, y = plane
    Y = np.column_stack([y, -y])
    reg = _regressor("sknetviz").fit(X, Y)
    display = NetworkDiagramDisplay.from_estimator(reg)
    assert_array_equal(display.output_names, ["y0", "y1"])


def test_target_names_are_refused_for_a_classifier(iris):
    X, y = iris
    clf = MLPClassifier((4,), max_iter=5, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="is a classifier: name its classes"):
        NetworkDiagramDisplay.from_estimator(clf, target_names=["a", "b", "c"])


@pytest.mark.parametrize("kind", ["sknetviz", "sklearn"])
def test_neuron_display_of_a_regressor_output(kind, diabetes):
    X, y = diabetes
    reg = _regressor(kind).fit(X, y)
    display = NeuronDisplay.from_estimator(reg, X[7], layer=-1, neuron=0)
    assert display.activation == "identity"
    assert display.output == pytest.approx(display.z)
    assert display.output == pytest.approx(reg.predict(X[7:8])[0], rel=1e-10)
    assert display.output_name == "y"
    assert display.ax_.get_title() == ("output neuron (predicted y), for one sample")
    hidden = NeuronDisplay.from_estimator(reg, X[7], layer=1, neuron=3)
    assert hidden.output == pytest.approx(max(hidden.z, 0.0))


@pytest.mark.parametrize("kind", ["sknetviz", "sklearn"])
def test_neuron_activations_of_a_regressor(kind, plane):
    X, y = plane
    reg = _regressor(kind).fit(X, y)
    display = NeuronActivationDisplay.from_estimator(
        reg, X, y=y, layers=[0, 1, 2], grid_resolution=20
    )
    points = np.column_stack([display.xx0.ravel(), display.xx1.ravel()])
    prediction = reg.predict(points).reshape(display.xx0.shape)
    assert_allclose(display.activations[2][0], prediction, rtol=1e-10)
    # The predictions keep their own range, not one centred on zero.
    assert display.color_ranges[2] == pytest.approx(
        (prediction.min(), prediction.max())
    )
    assert display.layer_names == ["hidden layer 1", "hidden layer 2", "output layer"]
    assert display.layer_activations == ["relu", "relu", "identity"]
    # One scatter of samples per heatmap, filled by target, not one per value.
    assert len(display.sample_scatters_) == 6 + 5 + 1
    assert_allclose(display.sample_scatters_[0].get_array(), y)


def test_activation_functions_of_a_regressor(diabetes):
    X, y = diabetes
    reg = _regressor("sknetviz", activation="tanh").fit(X, y)
    display = ActivationFunctionDisplay.from_estimator(reg)
    assert display.roles == {"tanh": "hidden layers", "identity": "output layer"}


# ------------------------------------------------------ PredictionSurfaceDisplay


@pytest.mark.parametrize("plot_method", ["contourf", "contour", "pcolormesh"])
def test_prediction_surface_is_predict_on_the_grid(plot_method, plane):
    import matplotlib.pyplot as plt

    X, y = plane
    reg = _regressor("sknetviz").fit(X, y)
    _, ax = plt.subplots()
    display = PredictionSurfaceDisplay.from_estimator(
        reg, X, y=y, grid_resolution=25, eps=0.5, plot_method=plot_method, ax=ax
    )
    points = np.column_stack([display.xx0.ravel(), display.xx1.ravel()])
    assert_allclose(display.response.ravel(), reg.predict(points), rtol=1e-12)
    assert display.xx0.min() == pytest.approx(X[:, 0].min() - 0.5)
    assert display.ax_ is ax and display.figure_ is ax.figure
    assert display.colorbar_.ax.get_ylabel() == "predicted value"
    # The samples are filled by their target on the surface's own scale.
    assert_allclose(display.sample_scatter_.get_array(), y)
    assert display.sample_scatter_.norm.vmin <= min(y.min(), display.response.min())
    assert display.sample_scatter_.norm.vmax >= max(y.max(), display.response.max())
    assert display.sample_scatter_.norm.vmin == display.surface_.norm.vmin


def test_prediction_surface_through_wider_data(diabetes):
    import pandas as pd

    X, y = diabetes
    frame = pd.DataFrame(X, columns=load_diabetes().feature_names)
    reg = make_pipeline(StandardScaler(), _regressor("sknetviz")).fit(frame, y)
    display = PredictionSurfaceDisplay.from_estimator(
        reg,
        frame,
        features=(2, 8),
        grid_resolution=10,
        X_highlight=frame.iloc[:5],
        title="bmi and s5",
        colorbar=False,
    )
    assert (display.ax_.get_xlabel(), display.ax_.get_ylabel()) == ("bmi", "s5")
    grid = np.tile(np.median(X, axis=0), (100, 1))
    grid[:, 2], grid[:, 8] = display.xx0.ravel(), display.xx1.ravel()
    expected = reg.predict(pd.DataFrame(grid, columns=frame.columns))
    assert_allclose(display.response.ravel(), expected, rtol=1e-12)
    assert display.colorbar_ is None and display.sample_scatter_ is None
    assert display.highlight_.get_offsets().shape == (5, 2)
    assert display.ax_.get_title() == "bmi and s5"


def test_prediction_surface_of_one_target_among_several(plane):
    X, y = plane
    Y = np.column_stack([y, 2 - y])
    reg = LinearRegression().fit(X, Y)
    with pytest.raises(ValueError, match="has 2 outputs: pick the one to draw"):
        PredictionSurfaceDisplay.from_estimator(reg, X)
    display = PredictionSurfaceDisplay.from_estimator(
        reg, X, y=Y, target=1, grid_resolution=10
    )
    points = np.column_stack([display.xx0.ravel(), display.xx1.ravel()])
    assert_allclose(display.response.ravel(), reg.predict(points)[:, 1])
    assert_allclose(display.sample_targets, Y[:, 1])
    assert display.colorbar_.ax.get_ylabel() == "predicted value (output 1)"
    with pytest.raises(ValueError, match="target must be an int from 0 to 1"):
        PredictionSurfaceDisplay.from_estimator(reg, X, target=2)


def test_prediction_surface_errors_are_clear(plane, moons):
    X, y = plane
    with pytest.raises(TypeError, match="MLPClassifier, a classifier.*Decision"):
        PredictionSurfaceDisplay.from_estimator(
            MLPClassifier((3,), max_iter=5).fit(*moons), X
        )
    with pytest.raises(NotFittedError):
        PredictionSurfaceDisplay.from_estimator(MLPVisualRegressor(), X)
    reg = LinearRegression().fit(X, y)
    with pytest.raises(ValueError, match="one target per sample of X, 120, got 3"):
        PredictionSurfaceDisplay.from_estimator(reg, X, y=y[:3])
    with pytest.raises(ValueError, match="plot_method must be one of"):
        PredictionSurfaceDisplay.from_estimator(reg, X, plot_method="surface")
    with pytest.raises(ValueError, match="n_features must be equal to 2"):
        PredictionSurfaceDisplay.from_estimator(reg, np.hstack([X, X]))


def test_a_flat_prediction_still_has_a_colour_range(plane):
    X, _ = plane
    reg = LinearRegression().fit(X, np.ones(len(X)))
    display = PredictionSurfaceDisplay.from_estimator(reg, X, grid_resolution=5)
    assert display.surface_.norm.vmin < display.surface_.norm.vmax


def test_boundary_displays_send_regressors_to_the_prediction_surface(plane):
    X, y = plane
    reg = LinearRegression().fit(X, y)
    with pytest.raises(ValueError, match="is a regressor: draw its predictions with "):
        DecisionBoundaryDisplay.from_estimator(reg, X, y=y)
    # Without y it stays scikit-learn's display, which draws a regressor too.
    assert DecisionBoundaryDisplay.from_estimator(reg, X).n_classes == 2
    with pytest.raises(TypeError, match="needs classifiers.*PredictionSurface"):
        BoundaryComparisonDisplay.from_estimators([reg], X, y)
    with pytest.raises(TypeError, match="needs a classifier.*PredictionSurface"):
        BoundaryEvolutionDisplay.from_estimator(MLPVisualRegressor(), X, y, epochs=(1,))
