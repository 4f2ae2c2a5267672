"""BoundaryEvolutionDisplay: one real training run, epoch by epoch."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib import animation
from numpy.testing import assert_allclose, assert_array_equal
from PIL import Image
from sklearn.base import clone
from sklearn.datasets import load_iris, make_circles, make_moons
from sklearn.ensemble import RandomForestClassifier
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import (
    LogisticRegression,
    SGDClassifier,
    SGDRegressor,
)
from sklearn.metrics import accuracy_score, log_loss
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted

from sknetviz import MLPVisualClassifier
from sknetviz.inspection import (
    BoundaryEvolutionDisplay,
    DecisionBoundaryDisplay,
)

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

EPOCHS = (1, 3, 8)
RESOLUTION = 30


@pytest.fixture(scope="module")
def moons():
    return make_moons(n_samples=120, noise=0.2, random_state=0)


@pytest.fixture(scope="module")
def iris2():
    iris = load_iris(as_frame=True)
    return iris.data.iloc[:, :2], iris.target


def _estimator(kind):
    if kind == "sknetviz":
        return MLPVisualClassifier((16,), learning_rate_init=0.05, random_state=0)
    if kind == "sknetviz-dropout":
        return MLPVisualClassifier(
            (16,), learning_rate_init=0.05, dropout=0.2, random_state=0
        )
    if kind == "sklearn":
        return MLPClassifier((16,), learning_rate_init=0.05, random_state=0)
    if kind == "sgd":
        return SGDClassifier(loss="log_loss", random_state=0)
    return make_pipeline(
        StandardScaler(),
        MLPVisualClassifier((16,), learning_rate_init=0.05, random_state=0),
    )


def _trained_by_hand(estimator, X, y, n_epochs):
    """The estimator trained the plain way: partial_fit n_epochs times."""
    trained = clone(estimator)
    network, X_network = trained, X
    if isinstance(trained, Pipeline):
        network = trained.steps[-1][1]
        X_network = trained[:-1].fit(X, y).transform(X)
    for epoch in range(n_epochs):
        network.partial_fit(X_network, y, classes=np.unique(y) if epoch == 0 else None)
    return trained


@pytest.mark.parametrize(
    "kind", ["sknetviz", "sknetviz-dropout", "sklearn", "sgd", "pipeline"]
)
def test_last_frame_is_the_plainly_trained_boundary(kind, moons):
    X, y = moons
    estimator = _estimator(kind)
    display = BoundaryEvolutionDisplay.from_estimator(
        estimator, X, y, epochs=EPOCHS, grid_resolution=RESOLUTION
    )
    reference = _trained_by_hand(estimator, X, y, EPOCHS[-1])
    expected = DecisionBoundaryDisplay.from_estimator(
        reference, X, grid_resolution=RESOLUTION
    )
    assert_allclose(display.responses[-1], expected.response, rtol=0, atol=1e-12)
    assert_array_equal(display.xx0, expected.xx0)
    assert_array_equal(display.xx1, expected.xx1)
    assert display.accuracies[-1] == accuracy_score(y, reference.predict(X))
    assert display.losses[-1] == pytest.approx(
        log_loss(y, reference.predict_proba(X)), abs=1e-12
    )
    assert np.max(np.abs(display.responses[0] - display.responses[-1])) > 1e-3


def test_data_attributes(moons):
    X, y = moons
    display = BoundaryEvolutionDisplay.from_estimator(
        _estimator("sknetviz"), X, y, epochs=[1, 5, 40], grid_resolution=RESOLUTION
    )
    assert_array_equal(display.epochs, [1, 5, 40])
    assert display.epochs.dtype.kind == "i"
    assert display.xx0.shape == display.xx1.shape == (RESOLUTION, RESOLUTION)
    assert len(display.responses) == len(display.losses) == 3
    assert len(display.accuracies) == len(display.sample_predictions) == 3
    assert all(r.shape == (RESOLUTION, RESOLUTION) for r in display.responses)
    assert display.n_classes == 2
    assert display.response_method == "predict_proba"
    assert_array_equal(display.classes, [0, 1])
    assert_array_equal(display.samples, X)
    assert_array_equal(display.sample_labels, y)
    assert display.frames is None
    # Training on moons: the loss falls and the accuracy rises.
    assert display.losses[-1] < display.losses[0]
    assert display.accuracies[-1] > display.accuracies[0]
    assert display.accuracies[-1] > 0.85


def test_record_all_keeps_every_epoch(moons):
    X, y = moons
    display = BoundaryEvolutionDisplay.from_estimator(
        _estimator("sknetviz"),
        X,
        y,
        epochs=EPOCHS,
        grid_resolution=RESOLUTION,
        record_all=True,
    )
    assert [frame["epoch"] for frame in display.frames] == list(range(1, 9))
    for epoch, response, loss in zip(display.epochs, display.responses, display.losses):
        frame = display.frames[epoch - 1]
        assert_array_equal(frame["response"], response)
        assert frame["loss"] == loss
    assert sorted(display.frames[0]) == [
        "accuracy",
        "epoch",
        "loss",
        "predictions",
        "response",
    ]


def test_panels_titles_and_artists(moons):
    X, y = moons
    display = BoundaryEvolutionDisplay.from_estimator(
        _estimator("sklearn"), X, y, epochs=EPOCHS, grid_resolution=RESOLUTION
    )
    assert len(display.axes_) == len(display.panels_) == len(EPOCHS)
    assert display.figure_ is display.axes_[0].figure
    for index, (panel, ax) in enumerate(zip(display.panels_, display.axes_)):
        assert isinstance(panel, DecisionBoundaryDisplay)
        assert panel.ax_ is ax
        assert ax.get_title() == (
            f"epoch {EPOCHS[index]} — loss {display.losses[index]:.3f}, "
            f"accuracy {display.accuracies[index]:.3f}"
        )
        wrong = int(round((1 - display.accuracies[index]) * len(y)))
        assert len(panel.misclassified_.get_offsets()) == wrong
        assert panel.legend_ is None  # one legend for all, below the panels
        # probabilities: one [0, 1] scale for every panel, 0.5 a level
        assert_allclose(panel.surface_.levels, np.linspace(0, 1, 21))
    labels = [text.get_text() for text in display.legend_.get_texts()]
    assert labels[:2] == ["0", "1"] and labels[2].startswith("misclassified")
    assert display.legend_ in display.figure_.legends
    lines = [line for line in display.boundary_lines_ if line is not None]
    assert lines and all(list(line.levels) == [0.5] for line in lines)


def test_decision_function_without_probabilities(moons):
    X, y = moons
    display = BoundaryEvolutionDisplay.from_estimator(
        SGDClassifier(random_state=0), X, y, epochs=EPOCHS, grid_resolution=RESOLUTION
    )
    assert display.response_method == "decision_function"
    assert display.losses is None
    assert display.axes_[1].get_title() == (
        f"epoch 3 — accuracy {display.accuracies[1]:.3f}"
    )
    # one scale symmetric about 0, the boundary, shared by every panel
    levels = display.panels_[0].surface_.levels
    assert levels[0] == pytest.approx(-levels[-1])
    assert np.max(np.abs(np.stack(display.responses))) == pytest.approx(levels[-1])
    assert all(list(panel.surface_.levels) == list(levels) for panel in display.panels_)


def test_multiclass_pipeline_on_iris(iris2):
    X, y = iris2
    display = BoundaryEvolutionDisplay.from_estimator(
        _estimator("pipeline"), X, y, epochs=EPOCHS, grid_resolution=RESOLUTION
    )
    assert display.n_classes == 3
    assert display.responses[0].shape == (RESOLUTION, RESOLUTION, 3)
    assert_allclose(display.responses[-1].sum(axis=2), 1.0)
    # the grid lives in the space of X, not of the scaled features
    assert display.xx0.min() == pytest.approx(X.iloc[:, 0].min() - 1.0)
    assert display.axes_[0].get_xlabel() == "sepal length (cm)"
    assert display.boundary_lines_ == [None] * len(EPOCHS)
    assert len(display.panels_[0].surface_) == 3


def test_class_of_interest(iris2):
    X, y = iris2
    display = BoundaryEvolutionDisplay.from_estimator(
        _estimator("pipeline"),
        X,
        y,
        epochs=(2,),
        grid_resolution=RESOLUTION,
        class_of_interest=2,
    )
    full = BoundaryEvolutionDisplay.from_estimator(
        _estimator("pipeline"), X, y, epochs=(2,), grid_resolution=RESOLUTION
    )
    assert display.n_classes == 2
    assert_array_equal(display.responses[0], full.responses[0][:, :, 2])


@pytest.mark.parametrize("plot_method", ["contour", "pcolormesh"])
def test_other_plot_methods(plot_method, moons):
    X, y = moons
    display = BoundaryEvolutionDisplay.from_estimator(
        _estimator("sknetviz"),
        X,
        y,
        epochs=(1, 4),
        grid_resolution=RESOLUTION,
        plot_method=plot_method,
    )
    surface = display.panels_[-1].surface_
    if plot_method == "pcolormesh":
        assert surface.get_clim() == (0.0, 1.0)
    else:
        assert_allclose(surface.levels, np.linspace(0, 1, 11))


def test_draws_into_given_axes(moons, tmp_path):
    X, y = moons
    figure, axes = plt.subplots(1, 3)
    display = BoundaryEvolutionDisplay.from_estimator(
        _estimator("sknetviz"),
        X,
        y,
        epochs=EPOCHS,
        grid_resolution=RESOLUTION,
        axes=axes,
    )
    assert display.figure_ is figure
    assert list(display.axes_) == list(axes)
    path = tmp_path / "evolution.png"
    display.figure_.savefig(path)
    assert path.stat().st_size > 0
    with pytest.raises(
        ValueError, match="draws 3 panel.*needs one Axes for each; got 2"
    ):
        display.plot(axes=axes[:2])


def test_new_figure_grid(moons):
    X, y = moons
    display = BoundaryEvolutionDisplay.from_estimator(
        _estimator("sknetviz"),
        X,
        y,
        epochs=(1, 2, 3, 4, 5),
        grid_resolution=RESOLUTION,
        ncols=2,
    )
    assert len(display.figure_.axes) == 5
    rows = {round(ax.get_position().y0, 3) for ax in display.axes_}
    assert len(rows) == 3
    with pytest.raises(ValueError, match="ncols must be a positive integer"):
        display.plot(ncols=0)


def test_estimator_is_cloned(moons):
    X, y = moons
    unfitted = _estimator("sknetviz")
    BoundaryEvolutionDisplay.from_estimator(
        unfitted, X, y, epochs=(1,), grid_resolution=RESOLUTION
    )
    with pytest.raises(NotFittedError):
        check_is_fitted(unfitted)
    fitted = MLPVisualClassifier((8,), max_iter=20, random_state=0).fit(X, y)
    weights = [coef.copy() for coef in fitted.coefs_]
    display = BoundaryEvolutionDisplay.from_estimator(
        fitted, X, y, epochs=(1,), grid_resolution=RESOLUTION
    )
    assert all(np.array_equal(a, b) for a, b in zip(weights, fitted.coefs_))
    # trained from scratch: one epoch, not the fitted model's twenty
    assert display.accuracies[0] != fitted.score(X, y)


def test_save_animation_gif(moons, tmp_path):
    X, y = moons
    display = BoundaryEvolutionDisplay.from_estimator(
        _estimator("sknetviz"), X, y, epochs=EPOCHS, grid_resolution=RESOLUTION
    )
    path = tmp_path / "evolution.gif"
    assert display.save_animation(path, fps=4, dpi=40) == path
    assert path.stat().st_size > 0
    with Image.open(path) as image:
        assert image.n_frames == len(EPOCHS)
        durations = []
        for frame in range(image.n_frames):
            image.seek(frame)
            durations.append(image.info["duration"])
    # 250 ms a frame, and the trained network held 2 s longer before the loop.
    assert durations[:-1] == [250] * (len(EPOCHS) - 1)
    assert durations[-1] == 250 + 2000
    every = BoundaryEvolutionDisplay.from_estimator(
        _estimator("sknetviz"),
        X,
        y,
        epochs=EPOCHS,
        grid_resolution=RESOLUTION,
        record_all=True,
    )
    every.save_animation(str(tmp_path / "every.gif"), dpi=40)
    with Image.open(tmp_path / "every.gif") as image:
        assert image.n_frames == EPOCHS[-1]


def test_save_animation_refuses_other_formats(moons, tmp_path):
    X, y = moons
    display = BoundaryEvolutionDisplay.from_estimator(
        _estimator("sknetviz"), X, y, epochs=(1,), grid_resolution=RESOLUTION
    )
    with pytest.raises(ValueError, match=r"must end in '\.gif' or '\.mp4'"):
        display.save_animation(tmp_path / "evolution.png")
    with pytest.raises(ValueError, match="hold must be a number of seconds"):
        display.save_animation(tmp_path / "evolution.gif", hold=-1)
    if animation.writers.is_available("ffmpeg"):
        path = display.save_animation(tmp_path / "evolution.mp4", dpi=40)
        assert path.stat().st_size > 0
    else:
        with pytest.raises(RuntimeError, match="needs ffmpeg"):
            display.save_animation(tmp_path / "evolution.mp4")


@pytest.mark.parametrize(
    "estimator, message",
    [
        (RandomForestClassifier(), "RandomForestClassifier has no partial_fit"),
        (LogisticRegression(), "LogisticRegression has no partial_fit"),
        (
            MLPVisualClassifier(solver="lbfgs"),
            "MLPVisualClassifier has no partial_fit.*solver='adam' or 'sgd'",
        ),
        (
            make_pipeline(StandardScaler(), LogisticRegression()),
            "the last step of the Pipeline, LogisticRegression, has no partial_fit",
        ),
    ],
)
def test_needs_partial_fit(estimator, message, moons):
    X, y = moons
    with pytest.raises(TypeError, match=message):
        BoundaryEvolutionDisplay.from_estimator(estimator, X, y, epochs=(1,))


def test_needs_a_classifier(moons):
    X, y = moons
    with pytest.raises(TypeError, match="needs a classifier; got SGDRegressor"):
        BoundaryEvolutionDisplay.from_estimator(SGDRegressor(), X, y, epochs=(1,))


@pytest.mark.parametrize(
    "epochs, message",
    [
        ((5, 3), r"strictly increasing, got \(5, 3\)"),
        ((2, 2), "strictly increasing"),
        ((-1, 2), r"non-negative integers .* got \(-1, 2\)"),
        ((), "non-empty sequence of integers"),
        ((1.5, 3), "non-empty sequence of integers"),
        ([[1, 2]], "non-empty sequence of integers"),
    ],
)
def test_bad_epochs(epochs, message, moons):
    X, y = moons
    with pytest.raises(ValueError, match=message):
        BoundaryEvolutionDisplay.from_estimator(
            _estimator("sknetviz"), X, y, epochs=epochs
        )


def test_bad_data_and_arguments(moons):
    X, y = moons
    X3 = np.column_stack([X, X[:, 0]])
    estimator = _estimator("sknetviz")
    with pytest.raises(
        ValueError, match="n_features must be equal to 2. Got 3 instead."
    ):
        BoundaryEvolutionDisplay.from_estimator(estimator, X3, y, epochs=(1,))
    with pytest.raises(
        ValueError,
        match=(
            r"class_of_interest=bird is not a valid label: "
            r"It should be one of \[0 1\]"
        ),
    ):
        BoundaryEvolutionDisplay.from_estimator(
            estimator, X, y, epochs=(1,), class_of_interest="bird"
        )
    with pytest.raises(ValueError, match="grid_resolution must be greater than 1"):
        BoundaryEvolutionDisplay.from_estimator(
            estimator, X, y, epochs=(1,), grid_resolution=1
        )
    with pytest.raises(ValueError, match="plot_method must be one of"):
        BoundaryEvolutionDisplay.from_estimator(
            estimator, X, y, epochs=(1,), plot_method="imshow"
        )
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        BoundaryEvolutionDisplay.from_estimator(estimator, X, y[:-1], epochs=(1,))


def test_circles_need_hidden_units():
    # A network learns the circles; the white line closes around the inner one.
    X, y = make_circles(n_samples=150, noise=0.05, factor=0.4, random_state=0)
    display = BoundaryEvolutionDisplay.from_estimator(
        MLPVisualClassifier((16,), learning_rate_init=0.05, random_state=0),
        X,
        y,
        epochs=(1, 60),
        grid_resolution=RESOLUTION,
    )
    assert display.accuracies[-1] > 0.95 > display.accuracies[0]
    final = display.responses[-1]
    centre = final[RESOLUTION // 2, RESOLUTION // 2]
    corner = final[0, 0]
    assert centre > 0.5 > corner


def test_epoch_zero_is_the_untrained_network(moons):
    X, y = moons
    display = BoundaryEvolutionDisplay.from_estimator(
        _estimator("sknetviz"), X, y, epochs=(0, 2), grid_resolution=20
    )
    assert list(display.epochs) == [0, 2]
    untrained = clone(_estimator("sknetviz")).initialize(X, y)
    grid = np.c_[display.xx0.ravel(), display.xx1.ravel()]
    expected = untrained.predict_proba(grid)[:, 1].reshape(display.xx0.shape)
    assert_allclose(display.responses[0], expected, rtol=1e-12)
    assert display.axes_[0].get_title().startswith("epoch 0")
    # The last frame is still exactly two plain partial_fit calls.
    trained = clone(_estimator("sknetviz"))
    trained.partial_fit(X, y, classes=np.unique(y))
    trained.partial_fit(X, y)
    expected = trained.predict_proba(grid)[:, 1].reshape(display.xx0.shape)
    assert_allclose(display.responses[-1], expected, rtol=1e-12)


def test_epoch_zero_is_left_out_for_sklearn_with_a_warning(moons):
    X, y = moons
    with pytest.warns(UserWarning, match="Epoch 0 is left out: SGDClassifier"):
        display = BoundaryEvolutionDisplay.from_estimator(
            SGDClassifier(random_state=0), X, y, epochs=(0, 1, 3), grid_resolution=20
        )
    assert list(display.epochs) == [1, 3]
    with (
        pytest.raises(ValueError, match="asks only for epoch 0"),
        pytest.warns(UserWarning),
    ):
        BoundaryEvolutionDisplay.from_estimator(
            SGDClassifier(random_state=0), X, y, epochs=(0,)
        )
