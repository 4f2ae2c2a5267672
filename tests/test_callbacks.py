"""scikit-learn's callbacks: one task per epoch, also in Pipeline and GridSearchCV."""

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknetviz import MLPVisualClassifier, RNNClassifier, SimpleCNNClassifier
from sknetviz._callbacks import SKLEARN_HAS_CALLBACKS

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:300] / 16, y[:300]


def _estimators():
    return [
        MLPVisualClassifier((16,), max_iter=6, random_state=0),
        SimpleCNNClassifier(filters=(4,), max_iter=4, random_state=0),
        RNNClassifier(
            units=(8,),
            sequence_shape=(8, 8),
            learning_rate_init=0.01,
            max_iter=4,
            random_state=0,
        ),
    ]


@pytest.mark.skipif(SKLEARN_HAS_CALLBACKS, reason="scikit-learn >= 1.9 has callbacks")
@pytest.mark.parametrize("estimator", _estimators(), ids=["mlp", "cnn", "rnn"])
def test_without_sklearn_callbacks_the_estimators_train_as_before(estimator, digits):
    X, y = digits
    assert not hasattr(estimator, "set_callbacks")
    assert estimator.fit(X, y).n_iter_ == estimator.max_iter


if SKLEARN_HAS_CALLBACKS:
    from sklearn.callback import ProgressBar, ScoringMonitor

needs_callbacks = pytest.mark.skipif(
    not SKLEARN_HAS_CALLBACKS, reason="sklearn.callback arrived in scikit-learn 1.9"
)


def _epoch_rows(log, estimator_name):
    """The rows of one run's log (a ScoringMonitorLog) that score an epoch."""
    return [
        row
        for row in log.data
        if row["task_name"] == "epoch" and row["estimator_name"] == estimator_name
    ]


@needs_callbacks
@pytest.mark.parametrize("estimator", _estimators(), ids=["mlp", "cnn", "rnn"])
def test_scoring_monitor_scores_every_epoch(estimator, digits):
    X, y = digits
    monitor = ScoringMonitor(scoring="accuracy")
    estimator.set_callbacks(monitor).fit(X, y)
    rows = _epoch_rows(monitor.get_logs(), type(estimator).__name__)
    assert [row["task_id"] for row in rows] == list(range(estimator.n_iter_))
    # Each score is of the model as it was at that epoch's end.
    assert rows[-1]["accuracy"] == pytest.approx(estimator.score(X, y))
    assert rows[0]["accuracy"] < rows[-1]["accuracy"]


@needs_callbacks
def test_one_task_per_epoch_for_every_way_of_training(digits):
    X, y = digits
    monitor = ScoringMonitor(scoring="accuracy")
    stopped = MLPVisualClassifier(
        (16,), early_stopping=True, n_iter_no_change=2, max_iter=200, random_state=0
    ).set_callbacks(monitor)
    stopped.fit(X, y)
    assert stopped.n_iter_ < 200
    assert (
        len(_epoch_rows(monitor.get_logs(), "MLPVisualClassifier")) == stopped.n_iter_
    )

    monitor = ScoringMonitor(scoring="accuracy")
    lbfgs = MLPVisualClassifier((16,), solver="lbfgs", max_iter=15, random_state=0)
    lbfgs.set_callbacks(monitor).fit(X, y)
    assert len(_epoch_rows(monitor.get_logs(), "MLPVisualClassifier")) == lbfgs.n_iter_

    monitor = ScoringMonitor(scoring="accuracy")
    online = MLPVisualClassifier((16,), random_state=0).set_callbacks(monitor)
    for _ in range(3):
        online.partial_fit(X, y, classes=np.unique(y))
    runs = monitor.get_logs(select="all")  # each call is a fit task of its own
    assert [len(_epoch_rows(run, "MLPVisualClassifier")) for run in runs] == [1, 1, 1]


class _StopAfter:
    """A callback that asks training to stop at the end of epoch ``n``."""

    def __init__(self, n):
        self.n = n

    def setup(self, estimator, context):
        pass

    def teardown(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context):
        pass

    def on_fit_task_end(self, estimator, context):
        return context.task_name == "epoch" and context.task_id == self.n - 1


@needs_callbacks
def test_a_callback_can_stop_training(digits):
    X, y = digits
    clf = MLPVisualClassifier((16,), max_iter=50, random_state=0)
    clf.set_callbacks(_StopAfter(3)).fit(X, y)
    assert clf.n_iter_ == 3 and len(clf.loss_curve_) == 3


@needs_callbacks
def test_callbacks_reach_the_network_in_a_pipeline_and_a_grid_search(digits, capsys):
    X, y = digits
    pipe = make_pipeline(
        StandardScaler(), SimpleCNNClassifier(filters=(4,), max_iter=3)
    )
    pipe.set_callbacks(ProgressBar())
    pipe.fit(X, y)
    assert pipe[-1].n_iter_ == 3

    # ScoringMonitor stays on the estimator it is set on (it is not propagated
    # from a meta-estimator); clones made by the search share it.
    monitor = ScoringMonitor(scoring="accuracy")
    network = MLPVisualClassifier((8,), max_iter=4).set_callbacks(monitor)
    search = GridSearchCV(
        make_pipeline(StandardScaler(), network),
        {"mlpvisualclassifier__alpha": [1e-4, 1e-2]},
        cv=2,
    ).set_callbacks(ProgressBar())
    search.fit(X, y)
    (run,) = monitor.get_logs(select="all")  # one run: the search's fit
    assert run.estimator_name == "GridSearchCV"
    task_ids = [row["task_id"] for row in _epoch_rows(run, "MLPVisualClassifier")]
    # 2 settings x 2 folds, then the refit: 5 fits of 4 epochs each.
    assert sorted(task_ids) == sorted([0, 1, 2, 3] * 5)


class _InterruptAtEndOf(_StopAfter):
    """Ctrl-C arriving while this callback handles the end of epoch ``n``."""

    def on_fit_task_end(self, estimator, context):
        if context.task_name == "epoch" and context.task_id == self.n - 1:
            raise KeyboardInterrupt
        return False


@needs_callbacks
@pytest.mark.parametrize("early_stopping", [False, True])
def test_ctrl_c_during_an_epochs_end_hooks_rolls_back_that_whole_epoch(
    early_stopping, digits
):
    # The stopping monitor has already counted epoch 5 when the callback is
    # interrupted: its record must go too, or the kept model would mix epochs.
    X, y = digits
    params = dict(early_stopping=early_stopping, n_iter_no_change=100, random_state=0)
    clf = MLPVisualClassifier((8,), max_iter=50, **params)
    with pytest.warns(UserWarning, match="interrupted by the user"):
        clf.set_callbacks(_InterruptAtEndOf(5)).fit(X, y)
    four = MLPVisualClassifier((8,), max_iter=4, **params).fit(X, y)
    assert clf.n_iter_ == 4 and clf.loss_curve_ == four.loss_curve_
    assert clf.best_loss_ == four.best_loss_
    assert clf.validation_scores_ == four.validation_scores_
    for ours, expected in zip(clf.coefs_, four.coefs_):
        np.testing.assert_array_equal(ours, expected)


@needs_callbacks
def test_model_files_leave_the_callbacks_out(digits, tmp_path):
    from sknetviz.io import dump, load

    X, y = digits
    monitor = ScoringMonitor(scoring="accuracy")
    pipe = make_pipeline(
        StandardScaler(),
        MLPVisualClassifier((8,), max_iter=3, random_state=0).set_callbacks(monitor),
    ).fit(X, y)
    dump(pipe, tmp_path / "pipe.skops")
    loaded = load(tmp_path / "pipe.skops")
    assert not hasattr(loaded[-1], "_skl_callbacks")
    assert pipe[-1]._skl_callbacks == [monitor]  # the fitted pipeline keeps them
    np.testing.assert_array_equal(loaded.predict(X), pipe.predict(X))


class _RecordFitted(_StopAfter):
    """Records the fitted estimator's n_iter_ and loss_ at each epoch's end."""

    def __init__(self):
        self.seen = []

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None):
        if context.task_name == "epoch" and fitted_estimator is not None:
            self.seen.append((fitted_estimator.n_iter_, fitted_estimator.loss_))


@needs_callbacks
@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_callbacks_see_the_model_as_of_each_epoch(solver, digits):
    X, y = digits
    recorder = _RecordFitted()
    clf = MLPVisualClassifier((8,), solver=solver, max_iter=4, random_state=0)
    clf.set_callbacks(recorder).fit(X, y)
    assert recorder.seen == list(zip(range(1, 5), clf.loss_curve_))
