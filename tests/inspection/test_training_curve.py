"""TrainingCurveDisplay: the recorded curves, drawn as recorded."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.colors import to_rgba
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import make_moons
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknetviz import MLPVisualClassifier
from sknetviz.inspection import TrainingCurveDisplay
from sknetviz.inspection._style import CLASS_COLORS, INK, MUTED

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def moons():
    return make_moons(n_samples=200, noise=0.3, random_state=0)


def _net(kind, **params):
    params = {"hidden_layer_sizes": (16,), "max_iter": 25, "random_state": 0, **params}
    if kind == "sklearn":
        return MLPClassifier(**params)
    return MLPVisualClassifier(**params)


def _last_step(estimator):
    return estimator[-1] if hasattr(estimator, "steps") else estimator


@pytest.mark.parametrize(
    "kind, in_pipeline",
    [("sknetviz", False), ("sklearn", False), ("sknetviz", True), ("sklearn", True)],
)
def test_training_curve_is_the_data_loss_where_recorded(kind, in_pipeline, moons):
    X, y = moons
    estimator = _net(kind, alpha=0.5)
    if in_pipeline:
        estimator = make_pipeline(StandardScaler(), estimator)
    estimator.fit(X, y)
    network = _last_step(estimator)
    display = TrainingCurveDisplay.from_estimator(estimator)
    if kind == "sknetviz":
        # The data loss, which the penalised loss_curve_ lies above.
        expected = [record["data_loss"] for record in network.history_]
        assert (np.array(network.loss_curve_) > expected).all()
        label = "training loss, without L2 penalty"
    else:
        expected = network.loss_curve_  # all scikit-learn records
        label = "training loss, with L2 penalty"
    assert display.loss_includes_penalty == (kind == "sklearn")
    assert_array_equal(display.loss, expected)
    assert_array_equal(display.epochs, np.arange(1, len(network.loss_curve_) + 1))
    assert_array_equal(display.loss_line_.get_ydata(), expected)
    assert_array_equal(display.loss_line_.get_xdata(), display.epochs)
    assert display.val_loss is None and display.val_score is None
    assert display.val_loss_line_ is None and display.val_score_line_ is None
    assert display.gap_ is None and display.score_ax_ is None
    assert display.best_epoch is None and display.best_epoch_line_ is None
    assert display.figure_.axes == [display.ax_]
    assert display.ax_.get_xlabel() == "epoch"
    assert display.ax_.get_ylabel().startswith("loss")
    assert [t.get_text() for t in display.legend_.get_texts()] == [label]


def test_early_stopping_draws_validation_loss_gap_best_epoch_and_score(moons):
    X, y = moons
    clf = _net(
        "sknetviz",
        early_stopping=True,
        max_iter=60,
        n_iter_no_change=60,
        hidden_layer_sizes=(64, 64),
        learning_rate_init=0.02,
    )
    clf.fit(X, y)
    display = TrainingCurveDisplay.from_estimator(clf, title="moons")
    data_loss = np.array([record["data_loss"] for record in clf.history_])
    assert_array_equal(display.loss, data_loss)
    assert_array_equal(display.val_loss, clf.validation_loss_curve_)
    assert_array_equal(display.val_score, clf.validation_scores_)
    assert_array_equal(display.val_loss_line_.get_ydata(), clf.validation_loss_curve_)
    # The shading spans only the epochs where validation is above training.
    above = display.val_loss > display.loss
    assert above.any() and not above.all()
    assert isinstance(display.gap_, PolyCollection)
    vertices = np.concatenate([path.vertices for path in display.gap_.get_paths()])
    assert_allclose(vertices[:, 1].max(), display.val_loss[above].max())
    assert vertices[:, 1].min() >= display.loss.min()
    # Early stopping kept the weights of the first best score: that epoch is marked.
    best = clf.validation_scores_.index(clf.best_validation_score_) + 1
    assert display.best_epoch == best
    assert_array_equal(display.best_epoch_line_.get_xdata(), [best, best])
    assert display.score_ax_ is not None
    assert display.val_score_line_.axes is display.score_ax_
    assert_array_equal(display.val_score_line_.get_ydata(), clf.validation_scores_)
    assert display.score_ax_.get_ylabel() == "validation accuracy"
    assert [t.get_text() for t in display.legend_.get_texts()] == [
        "training loss, without L2 penalty",
        "validation loss",
        "gap: validation loss above training",
        f"best epoch ({best}): weights kept",
        "validation accuracy",
    ]
    assert display.ax_.get_title() == "moons"


def test_curves_take_their_colours_from_the_style(moons):
    X, y = moons
    clf = _net("sknetviz", early_stopping=True, max_iter=15).fit(X, y)
    display = TrainingCurveDisplay.from_estimator(clf)
    training, validation = (to_rgba(color) for color in CLASS_COLORS[:2])
    assert to_rgba(display.loss_line_.get_color()) == training
    assert to_rgba(display.val_loss_line_.get_color()) == validation
    assert to_rgba(display.val_score_line_.get_color()) == to_rgba(MUTED)
    assert to_rgba(display.best_epoch_line_.get_color()) == to_rgba(INK)


def _crossing_history(**extra):
    """Validation below training for three epochs, then above for three."""
    losses = [1.0, 0.8, 0.6, 0.5, 0.4, 0.3]
    val_losses = [0.9, 0.7, 0.5, 0.6, 0.7, 0.8]
    return [
        {"loss": loss + 0.2, "data_loss": loss, "val_loss": val_loss, **extra}
        for loss, val_loss in zip(losses, val_losses)
    ]


def test_gap_is_shaded_only_where_validation_loss_is_above():
    display = TrainingCurveDisplay.from_history(_crossing_history())
    vertices = np.concatenate([path.vertices for path in display.gap_.get_paths()])
    # The curves cross between epochs 3 and 4 (0.6 > 0.5, then 0.5 < 0.6):
    # at 3.5, where both are 0.55, the shading starts.
    assert_allclose(vertices[:, 0].min(), 3.5)
    assert_allclose(vertices[:, 0].max(), 6)
    assert_allclose(vertices[:, 1].min(), 0.3)
    assert_allclose(vertices[:, 1].max(), 0.8)


def test_no_gap_where_validation_loss_is_never_above():
    history = [
        {"loss": 1.0, "data_loss": 1.0, "val_loss": 0.9},
        {"loss": 0.8, "data_loss": 0.8, "val_loss": 0.7},
    ]
    display = TrainingCurveDisplay.from_history(history)
    assert display.gap_ is None
    assert display.val_loss_line_ is not None
    assert "gap" not in " ".join(t.get_text() for t in display.legend_.get_texts())


def test_a_penalised_training_loss_is_drawn_but_no_gap_against_it():
    # Records without 'data_loss' (a model file from before it was recorded):
    # the penalised 'loss' is drawn and said to be, and nothing is shaded.
    history = [
        {key: value for key, value in record.items() if key != "data_loss"}
        for record in _crossing_history()
    ]
    display = TrainingCurveDisplay.from_history(history)
    assert display.loss_includes_penalty
    assert_allclose(display.loss, [record["loss"] for record in history])
    assert display.gap_ is None and display.val_loss_line_ is not None
    assert display.legend_.get_texts()[0].get_text() == (
        "training loss, with L2 penalty"
    )


def test_sklearn_early_stopping_draws_score_and_best_epoch_without_a_gap(moons):
    X, y = moons
    clf = _net("sklearn", early_stopping=True, learning_rate_init=0.01).fit(X, y)
    display = TrainingCurveDisplay.from_estimator(clf)
    assert display.val_loss is None
    assert display.val_loss_line_ is None and display.gap_ is None
    assert_array_equal(display.val_score, clf.validation_scores_)
    assert display.score_ax_ is not None
    assert_array_equal(display.val_score_line_.get_ydata(), clf.validation_scores_)
    best = clf.validation_scores_.index(clf.best_validation_score_) + 1
    assert display.best_epoch == best


def test_show_validation_false_keeps_the_data_but_draws_the_loss_only(moons):
    X, y = moons
    clf = _net("sknetviz", early_stopping=True, max_iter=10).fit(X, y)
    display = TrainingCurveDisplay.from_estimator(
        clf, show_validation=False, log_scale=True
    )
    assert display.val_loss is not None and display.val_score is not None
    assert display.gap_ is None and display.score_ax_ is None
    assert display.best_epoch is not None and display.best_epoch_line_ is None
    assert len(display.ax_.lines) == 1
    assert display.ax_.get_yscale() == "log"


def test_partial_fit_epochs_continue(moons):
    X, y = moons
    clf = MLPVisualClassifier((8,), random_state=0)
    for _ in range(3):
        clf.partial_fit(X, y, classes=[0, 1])
    display = TrainingCurveDisplay.from_estimator(clf)
    assert_array_equal(display.epochs, [1, 2, 3])
    assert_array_equal(display.loss, [r["data_loss"] for r in clf.history_])


def test_from_history_fills_missing_validation_with_nan():
    history = [
        {"loss": 0.9, "data_loss": 0.9},
        {"loss": 0.7, "data_loss": 0.7, "val_loss": 0.8, "val_score": 0.6},
        {"loss": 0.5, "data_loss": 0.5, "val_loss": 0.75, "val_score": 0.7},
    ]
    display = TrainingCurveDisplay.from_history(history)
    assert_array_equal(display.epochs, [1, 2, 3])
    assert_array_equal(display.val_loss, [np.nan, 0.8, 0.75])
    assert_array_equal(display.val_score, [np.nan, 0.6, 0.7])
    assert display.gap_ is not None and display.score_ax_ is not None
    assert display.best_epoch == 3


@pytest.mark.parametrize(
    "history, message",
    [
        ([], "empty history"),
        ([{"loss": 1.0}, {"val_loss": 1.0}], "record 1 has keys \\['val_loss'\\]"),
    ],
)
def test_from_history_errors(history, message):
    with pytest.raises(ValueError, match=message):
        TrainingCurveDisplay.from_history(history)


def test_unfitted_and_unsupported_estimators(moons):
    X, y = moons
    with pytest.raises(NotFittedError, match="TrainingCurveDisplay"):
        TrainingCurveDisplay.from_estimator(MLPVisualClassifier())
    with pytest.raises(NotFittedError):
        TrainingCurveDisplay.from_estimator(
            make_pipeline(StandardScaler(), MLPClassifier())
        )
    with pytest.raises(TypeError, match="got LogisticRegression"):
        TrainingCurveDisplay.from_estimator(LogisticRegression().fit(X, y))
    lbfgs = MLPClassifier((8,), solver="lbfgs", max_iter=20, random_state=0)
    with pytest.raises(ValueError, match="recorded no training curve"):
        TrainingCurveDisplay.from_estimator(lbfgs.fit(X, y))


def test_draws_into_given_ax_or_new_figure(moons, tmp_path):
    X, y = moons
    clf = _net("sknetviz", early_stopping=True, max_iter=15).fit(X, y)
    fig, ax = plt.subplots()
    display = TrainingCurveDisplay.from_estimator(clf, ax=ax)
    assert display.ax_ is ax and display.figure_ is fig
    assert display.score_ax_.figure is fig
    fresh = TrainingCurveDisplay.from_estimator(clf)
    assert fresh.figure_ is not fig
    fresh.figure_.savefig(tmp_path / "training_curve.png")
    assert (tmp_path / "training_curve.png").stat().st_size > 10_000
