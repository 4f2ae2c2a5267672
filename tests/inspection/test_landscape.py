"""LossLandscapeDisplay: the loss over a plane of weight space and the path on it."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.special import expit
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknetviz import (
    MLPVisualClassifier,
    MLPVisualRegressor,
    NeuralNetClassifier,
    SimpleCNNClassifier,
)
from sknetviz.inspection import LossLandscapeDisplay
from sknetviz.inspection._adapters import network_view
from sknetviz.inspection._landscape import (
    _train,
    filter_normalized_directions,
    pca_directions,
    project,
)
from sknetviz.inspection._style import EDGE_COLOR, SEQUENTIAL_CMAP
from sknetviz.nn import BatchNorm, Dense

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

FAST = dict(max_epochs=4, grid_resolution=7)


@pytest.fixture(scope="module")
def line_data():
    """1-D data whose classes split at x = 1: the best bias is not 0."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 1))
    y = (X[:, 0] + 0.4 * rng.normal(size=80) > 1.0).astype(int)
    return X, y


def neuron(**params):
    """A single logistic neuron: one weight and one bias."""
    defaults = dict(solver="sgd", momentum=0.0, batch_size=80, random_state=0)
    return MLPVisualClassifier((), learning_rate_init=0.5, **{**defaults, **params})


def small_mlp(**params):
    return MLPVisualClassifier((6,), learning_rate_init=0.05, random_state=0, **params)


def test_exact_surface_is_the_loss_computed_directly(line_data):
    X, y = line_data
    display = LossLandscapeDisplay.from_estimator(
        neuron(alpha=0.01), X, y, max_epochs=10, grid_resolution=9, subsample=None
    )
    assert display.kind == "exact"
    assert display.xlabel == "weight coefs_[0][0, 0]"
    assert display.ylabel == "bias intercepts_[0][0]"
    for row, column in [(0, 0), (4, 7), (8, 2), (3, 3)]:
        w, b = display.xx0[row, column], display.xx1[row, column]
        penalty = 0.5 * 0.01 * w**2 / len(X)
        expected = log_loss(y, expit(w * X[:, 0] + b), labels=[0, 1]) + penalty
        assert display.losses[row, column] == pytest.approx(expected, rel=1e-10)


def test_exact_path_runs_from_the_initial_to_the_final_weights(line_data):
    X, y = line_data
    estimator = neuron()
    display = LossLandscapeDisplay.from_estimator(estimator, X, y, max_epochs=12)
    initial = clone(estimator).initialize(X, y)
    trained = clone(estimator).initialize(X, y)
    for _ in range(12):
        trained.partial_fit(X, y)
    path = display.paths[0]
    assert_allclose(path[0], [initial.coefs_[0][0, 0], initial.intercepts_[0][0]])
    assert_allclose(path[-1], [trained.coefs_[0][0, 0], trained.intercepts_[0][0]])
    assert display.path_epochs[0].tolist() == list(range(13))
    assert display.path_losses[0][-1] < display.path_losses[0][0]
    assert display.explained_variance == [1.0]
    assert not hasattr(estimator, "coefs_")  # the user's estimator is untouched


def test_two_chosen_weights_train_while_the_rest_stay_frozen(moons):
    X, y = moons
    display = LossLandscapeDisplay.from_estimator(
        small_mlp(solver="sgd", batch_size=150), X, y, weights=(0, -1), **FAST
    )
    assert display.kind == "exact"
    assert display.xlabel == "weight coefs_[0][0, 0]"
    assert display.ylabel == "bias intercepts_[1][0]"
    assert "others frozen" in display.title
    run = _train(small_mlp(solver="sgd", batch_size=150), X, y, 4, free=(0, 24))
    moved = np.flatnonzero(np.any(run["path"] != run["path"][0], axis=0))
    assert moved.tolist() == [0, 24]


def test_pca_slice_is_centred_on_the_end_and_starts_at_the_initial_weights(moons):
    X, y = moons
    estimator = small_mlp()
    display = LossLandscapeDisplay.from_estimator(estimator, X, y, **FAST)
    assert display.kind == "pca"
    assert_allclose(display.paths[0][-1], [0.0, 0.0], atol=1e-12)
    assert display.xlabel.startswith("PC 1 of the path (")
    assert 0.5 < display.explained_variance[0] <= 1.0
    # The path's first loss is the loss of the untrained network.
    initial = clone(estimator).initialize(X, y)
    proba = initial.predict_proba(X)
    penalty = 0.5 * 1e-4 * sum(np.sum(W**2) for W in initial.coefs_) / len(X)
    expected = log_loss(y, proba) + penalty
    assert display.path_losses[0][0] == pytest.approx(expected, rel=1e-9)
    # And on a path of three points the plane holds it whole.
    run = _train(estimator, X, y, 2)
    directions, _ = pca_directions(run["path"], run["path"][-1])
    coords, explained = project(run["path"], run["path"][-1], directions)
    assert explained == pytest.approx(1.0)
    assert_allclose(coords @ directions + run["path"][-1], run["path"], atol=1e-10)
    assert_allclose(run["path"][0], network_view(initial, "test").flat_weights())


def test_pca_directions_are_orthonormal_and_point_to_the_start():
    rng = np.random.default_rng(0)
    path = np.cumsum(rng.normal(size=(12, 40)), axis=0)
    directions, explained = pca_directions(path, path[-1])
    assert_allclose(directions @ directions.T, np.eye(2), atol=1e-12)
    assert np.all((path[0] - path[-1]) @ directions.T >= 0)
    assert explained[0] >= explained[1] > 0 and explained.sum() <= 1


def test_filter_normalised_directions_match_each_trained_unit(digits):
    X, y = digits
    cnn = SimpleCNNClassifier(filters=(3,), hidden_layer_sizes=(5,), random_state=0)
    view = network_view(cnn.initialize(X[:50], y[:50]), "test")
    center = view.flat_weights()
    directions = filter_normalized_directions(view.parameters, center, 0)
    start = 0
    for array, _, role in view.parameters:
        stop = start + array.size
        units = array.shape[-1]
        for direction in directions:
            block = direction[start:stop].reshape(-1, units)
            if role == "weight":  # a conv filter, or a Dense unit's inputs
                trained = center[start:stop].reshape(-1, units)
                assert_allclose(
                    np.linalg.norm(block, axis=0), np.linalg.norm(trained, axis=0)
                )
            else:
                assert not block.any()
        start = stop
    assert not np.allclose(directions[0], directions[1])


def test_random_slice_says_how_little_of_the_path_it_holds(moons):
    X, y = moons
    display = LossLandscapeDisplay.from_estimator(
        small_mlp(), X, y, directions="random", random_state=0, **FAST
    )
    assert display.kind == "random"
    assert display.xx0.min() <= -1 and display.xx0.max() >= 1
    assert "of the path's variance" in display.ax_.get_title()
    assert display.explained_variance[0] < 0.5


@pytest.mark.parametrize(
    "estimator",
    [
        MLPClassifier((6,), learning_rate_init=0.05, random_state=0),
        make_pipeline(StandardScaler(), small_mlp()),
        NeuralNetClassifier(layers=[Dense(6), BatchNorm()], random_state=0),
    ],
    ids=["MLPClassifier", "Pipeline", "NeuralNet with BatchNorm"],
)
def test_other_estimators(estimator, moons):
    X, y = moons
    display = LossLandscapeDisplay.from_estimator(estimator, X, y, **FAST)
    losses = display.path_losses[0]
    assert np.all(np.isfinite(display.losses)) and np.all(np.isfinite(losses))
    assert_allclose(display.paths[0][-1], [0.0, 0.0], atol=1e-12)
    # scikit-learn's MLP sets up its weights only by training an epoch.
    first = 1 if isinstance(estimator, MLPClassifier) else 0
    assert display.path_epochs[0].tolist() == list(range(first, 5))
    assert display.start_markers_[0].get_label() == f"start (epoch {first})"


def test_regressor_loss_is_half_the_squared_error(moons):
    X, y = moons
    target = X[:, 0] - X[:, 1]
    estimator = MLPVisualRegressor(hidden_layer_sizes=(5,), alpha=0.0, random_state=0)
    display = LossLandscapeDisplay.from_estimator(estimator, X, target, **FAST)
    trained = clone(estimator).initialize(X, target)
    for _ in range(4):
        trained.partial_fit(X, target)
    expected = 0.5 * np.mean((trained.predict(X) - target) ** 2)
    assert display.path_losses[0][-1] == pytest.approx(expected, rel=1e-9)
    assert display.loss_label == "training half squared error (log scale)"


def test_cnn_on_a_subsample(digits):
    X, y = digits
    cnn = SimpleCNNClassifier(filters=(2,), hidden_layer_sizes=(), random_state=0)
    display = LossLandscapeDisplay.from_estimator(
        cnn, X[:120], y[:120], max_epochs=2, grid_resolution=4, subsample=30
    )
    assert display.losses.shape == (4, 4)
    assert np.all(np.isfinite(display.losses))


def test_plot_draws_from_the_style(moons):
    X, y = moons
    display = LossLandscapeDisplay.from_estimator(small_mlp(), X, y, **FAST)
    assert display.surfaces_[0].get_cmap().name == SEQUENTIAL_CMAP
    assert display.path_lines_[0].get_color() == EDGE_COLOR
    assert len(display.path_lines_[0].get_xdata()) == 5
    assert display.colorbar_.ax.get_ylabel().startswith("training cross-entropy")
    assert display.end_markers_[0].get_label() == "end (epoch 4)"
    assert display.figure_ is display.ax_.figure
    display.plot(cmap="magma", colorbar=False)
    assert display.surfaces_[0].get_cmap().name == "magma"
    assert display.colorbar_ is None


def test_learning_rates_share_one_plane_and_survive_divergence(moons):
    X, y = moons
    network = small_mlp(solver="sgd", momentum=0.0, batch_size=150)
    display = LossLandscapeDisplay.from_learning_rates(
        network, X, y, (0.01, 0.5, 1e6), **FAST
    )
    assert len(display.axes_) == 3 and len(display.path_lines_) == 3
    assert len(display.figure_.axes) == 4  # three panels and one colorbar
    assert [ax.get_title().split("\n")[0] for ax in display.axes_] == [
        "learning rate 0.01",
        "learning rate 0.5",
        "learning rate 1e+06",
    ]
    starts = np.array([path[0] for path in display.paths])
    assert_allclose(starts, starts[[0, 0, 0]])  # the same initial weights
    assert display.diverged[:2] == [None, None]
    assert display.diverged[2] == 1 and len(display.paths[2]) == 1
    assert "diverged at epoch 1" in display.notes_[2]
    assert display.path_losses[1][-1] < display.path_losses[0][-1]


def test_a_path_that_leaves_the_plot_is_clipped_and_said_to(moons):
    X, y = moons
    network = small_mlp(solver="sgd", momentum=0.0, batch_size=150)
    display = LossLandscapeDisplay.from_learning_rates(
        network, X, y, (0.5,), extent=0.01, **FAST
    )
    assert "leaves the plot at epoch 0" in display.notes_[0]
    assert display.ax_.get_xlim() == pytest.approx((-0.01, 0.01))
    assert display.path_lines_[0].get_clip_on()


def test_flat_weights_round_trip_through_the_adapter(moons):
    X, y = moons
    for estimator in (small_mlp(), MLPClassifier((6,), max_iter=5, random_state=0)):
        view = network_view(estimator.fit(X, y), "test")
        flat = view.flat_weights()
        before = estimator.predict_proba(X)
        view.set_flat_weights(flat * 2)
        assert_allclose(view.flat_weights(), flat * 2)
        after = estimator.predict_proba(X)
        assert not np.allclose(after, before)
        assert_allclose(view.outputs(view.network_rows(X))[:, -1], after[:, -1])


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(directions="hessian"), "directions must be one of 'pca', 'random'"),
        (dict(grid_resolution=1), "grid_resolution must be an integer >= 2, got 1"),
        (dict(max_epochs=1), "max_epochs must be an integer >= 2, got 1"),
        (dict(subsample=0), "subsample must be an integer >= 1, got 0"),
        (dict(extent=-2.0), "extent must be a positive number, got -2.0"),
        (dict(extent=(1, 0, 0, 1)), r"xmin < xmax and ymin < ymax, got \(1, 0"),
        (dict(weights=(3, 3)), "two different indices into the network's 25"),
        (dict(weights=(0, 25)), "two different indices into the network's 25"),
    ],
)
def test_bad_arguments(kwargs, message, moons):
    X, y = moons
    with pytest.raises(ValueError, match=message):
        LossLandscapeDisplay.from_estimator(small_mlp(), X, y, **{**FAST, **kwargs})


def test_estimators_it_cannot_train(moons):
    X, y = moons
    with pytest.raises(TypeError, match="has no partial_fit"):
        LossLandscapeDisplay.from_estimator(small_mlp(solver="lbfgs"), X, y)
    with pytest.raises(TypeError, match="LogisticRegression has no partial_fit"):
        LossLandscapeDisplay.from_estimator(LogisticRegression(), X, y)
    with pytest.raises(ValueError, match="positive numbers, got \\(0.1, -1\\)"):
        LossLandscapeDisplay.from_learning_rates(small_mlp(), X, y, (0.1, -1))
