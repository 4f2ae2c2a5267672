"""TrainingCurveDisplay: the recorded curves, drawn as recorded."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.collections import PolyCollection
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import make_moons
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknetviz import MLPVisualClassifier
from sknetviz.inspection import TrainingCurveDisplay

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
def test_loss_is_the_loss_curve(kind, in_pipeline, moons):
    X, y = moons
    estimator = _net(kind)
    if in_pipeline:
        estimator = make_pipeline(StandardScaler(), estimator)
    estimator.fit(X, y)
    network = _last_step(estimator)
    display = TrainingCurveDisplay.from_estimator(estimator)
    assert_array_equal(display.loss, network.loss_curve_)
    assert_array_equal(display.epochs, np.arange(1, len(network.loss_curve_) + 1))
    assert_array_equal(display.loss_line_.get_ydata(), network.loss_curve_)
    assert_array_equal(display.loss_line_.get_xdata(), display.epochs)
    assert display.val_loss is None and display.val_score is None
    assert display.val_loss_line_ is None and display.val_score_line_ is None
    assert display.gap_ is None and display.score_ax_ is None
    assert display.figure_.axes == [display.ax_]
    assert display.ax_.get_xlabel() == "epoch"
    assert display.ax_.get_ylabel().startswith("loss")
    assert [t.get_text() for t in display.legend_.get_texts()] == ["training loss"]


def test_early_stopping_draws_validation_loss_gap_and_score(moons):
    X, y = moons
    clf = _net("sknetviz", early_stopping=True, max_iter=30, n_iter_no_change=30)
    clf.fit(X, y)
    display = TrainingCurveDisplay.from_estimator(clf, title="moons")
    assert_array_equal(display.val_loss, clf.validation_loss_curve_)
    assert_array_equal(display.val_score, clf.validation_scores_)
    assert_array_equal(display.val_loss_line_.get_ydata(), clf.validation_loss_curve_)
    assert isinstance(display.gap_, PolyCollection)
    vertices = np.concatenate([path.vertices for path in display.gap_.get_paths()])
    both = np.concatenate([display.loss, display.val_loss])
    assert_allclose(vertices[:, 1].min(), both.min())
    assert_allclose(vertices[:, 1].max(), both.max())
    assert display.score_ax_ is not None
    assert display.val_score_line_.axes is display.score_ax_
    assert_array_equal(display.val_score_line_.get_ydata(), clf.validation_scores_)
    assert display.score_ax_.get_ylabel() == "validation accuracy"
    assert [t.get_text() for t in display.legend_.get_texts()] == [
        "training loss",
        "validation loss",
        "gap",
        "validation accuracy",
    ]
    assert display.ax_.get_title() == "moons"


def test_sklearn_early_stopping_draws_the_score_without_a_gap(moons):
    X, y = moons
    clf = _net("sklearn", early_stopping=True, learning_rate_init=0.01).fit(X, y)
    display = TrainingCurveDisplay.from_estimator(clf)
    assert display.val_loss is None
    assert display.val_loss_line_ is None and display.gap_ is None
    assert_array_equal(display.val_score, clf.validation_scores_)
    assert display.score_ax_ is not None
    assert_array_equal(display.val_score_line_.get_ydata(), clf.validation_scores_)


def test_show_validation_false_keeps_the_data_but_draws_the_loss_only(moons):
    X, y = moons
    clf = _net("sknetviz", early_stopping=True, max_iter=10).fit(X, y)
    display = TrainingCurveDisplay.from_estimator(
        clf, show_validation=False, log_scale=True
    )
    assert display.val_loss is not None and display.val_score is not None
    assert display.gap_ is None and display.score_ax_ is None
    assert len(display.ax_.lines) == 1
    assert display.ax_.get_yscale() == "log"


def test_partial_fit_epochs_continue(moons):
    X, y = moons
    clf = MLPVisualClassifier((8,), random_state=0)
    for _ in range(3):
        clf.partial_fit(X, y, classes=[0, 1])
    display = TrainingCurveDisplay.from_estimator(clf)
    assert_array_equal(display.epochs, [1, 2, 3])
    assert_array_equal(display.loss, clf.loss_curve_)


def test_from_history_fills_missing_validation_with_nan():
    history = [
        {"loss": 0.9},
        {"loss": 0.7, "val_loss": 0.8, "val_score": 0.6},
        {"loss": 0.5, "val_loss": 0.75, "val_score": 0.7},
    ]
    display = TrainingCurveDisplay.from_history(history)
    assert_array_equal(display.epochs, [1, 2, 3])
    assert_array_equal(display.val_loss, [np.nan, 0.8, 0.75])
    assert_array_equal(display.val_score, [np.nan, 0.6, 0.7])
    assert display.gap_ is not None and display.score_ax_ is not None


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
