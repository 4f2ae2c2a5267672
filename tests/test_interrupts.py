"""Ctrl-C: once an epoch has finished, an interrupt anywhere keeps the finished epochs.

Each test interrupts at one place between or around epochs, where an
interrupt used to reach ``_fit`` and undo the whole call. The interrupt is
either raised where it lands (as a KeyboardInterrupt from that code) or sent
as a real SIGINT, which Python turns into a KeyboardInterrupt at the next
bytecode: the same as a user's Ctrl-C. benchmarks/bench_interrupts.py sends
300 of them at random moments.
"""

import signal

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.datasets import load_digits

from sknetviz import MLPVisualClassifier, SimpleCNNClassifier
from sknetviz._callbacks import SKLEARN_HAS_CALLBACKS
from sknetviz._training import ConvergenceMonitor, Snapshot
from sknetviz.nn import Adam

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(autouse=True)
def python_handles_ctrl_c():
    """Python's own SIGINT handler, as in a terminal, whatever launched the
    tests: a shell starts background jobs with SIGINT ignored, and Python then
    leaves it ignored, so a raised SIGINT would interrupt nothing."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:300] / 16, y[:300]


def _ctrl_c(how):
    """Something that, called, is a Ctrl-C arriving right there."""
    if how == "raise":

        def interrupt():
            raise KeyboardInterrupt

    else:

        def interrupt():
            signal.raise_signal(signal.SIGINT)

    return interrupt


def _on_call(method, n, interrupt):
    """``method``, with a Ctrl-C as its n-th call starts."""
    calls = []

    def wrapped(*args, **kwargs):
        calls.append(1)
        if len(calls) == n:
            interrupt()
        return method(*args, **kwargs)

    return wrapped


def _after_call(method, n, interrupt):
    """``method``, with a Ctrl-C as its n-th call has done its work."""
    calls = []

    def wrapped(*args, **kwargs):
        result = method(*args, **kwargs)
        calls.append(1)
        if len(calls) == n:
            interrupt()
        return result

    return wrapped


def _assert_same_model(got, expected, X):
    assert got.n_iter_ == expected.n_iter_
    assert got.loss_curve_ == expected.loss_curve_
    assert [r["epoch"] for r in got.history_] == list(range(1, len(got.history_) + 1))
    for ours, theirs in zip(
        got.coefs_ + got.intercepts_, expected.coefs_ + expected.intercepts_
    ):
        assert_array_equal(ours, theirs)
    assert_array_equal(got.predict_proba(X), expected.predict_proba(X))


@pytest.mark.parametrize("how", ["raise", "signal"])
def test_ctrl_c_while_the_epoch_start_is_saved_keeps_the_finished_epochs(
    how, digits, monkeypatch
):
    X, y = digits
    params = dict(hidden_layer_sizes=(16,), random_state=0)
    # The loop saves the state as epochs 2, 3, ... start: the 3rd save is epoch 4's.
    monkeypatch.setattr(
        Snapshot, "capture", _on_call(Snapshot.capture, 3, _ctrl_c(how))
    )
    clf = MLPVisualClassifier(max_iter=10, **params)
    with pytest.warns(UserWarning, match="interrupted by the user.* after epoch 3"):
        clf.fit(X, y)
    monkeypatch.undo()
    _assert_same_model(clf, MLPVisualClassifier(max_iter=3, **params).fit(X, y), X)


@pytest.mark.parametrize("how", ["raise", "signal"])
def test_ctrl_c_in_the_optimizers_end_of_epoch_step_rolls_that_epoch_back(
    how, digits, monkeypatch
):
    X, y = digits
    params = dict(hidden_layer_sizes=(16,), solver="sgd", random_state=0)
    params["learning_rate"] = "invscaling"
    from sknetviz.nn import SGD

    monkeypatch.setattr(
        SGD, "iteration_ends", _on_call(SGD.iteration_ends, 3, _ctrl_c(how))
    )
    clf = MLPVisualClassifier(max_iter=10, **params)
    with pytest.warns(UserWarning, match="after epoch 2"):
        clf.fit(X, y)
    monkeypatch.undo()
    two = MLPVisualClassifier(max_iter=2, **params).fit(X, y)
    _assert_same_model(clf, two, X)
    # The kept optimizer is epoch 2's, rate included: resuming gives the
    # same model as an uninterrupted run of 5 epochs.
    clf.set_params(warm_start=True, max_iter=3).fit(X, y)
    two.set_params(warm_start=True, max_iter=3).fit(X, y)
    _assert_same_model(clf, two, X)


@pytest.mark.parametrize("how", ["raise", "signal"])
def test_ctrl_c_while_training_ends_keeps_every_epoch_and_the_best_weights(
    how, digits, monkeypatch
):
    X, y = digits
    params = dict(
        hidden_layer_sizes=(16,), early_stopping=True, max_iter=8, random_state=0
    )
    # Early stopping puts back its best weights as training ends: a Ctrl-C
    # halfway must not leave some layers at the best epoch and some at the last.
    monkeypatch.setattr(
        ConvergenceMonitor,
        "on_train_end",
        _on_call(ConvergenceMonitor.on_train_end, 1, _ctrl_c(how)),
    )
    clf = MLPVisualClassifier(**params)
    with pytest.warns(UserWarning, match="best validation epoch"):
        clf.fit(X, y)
    monkeypatch.undo()
    expected = MLPVisualClassifier(**params).fit(X, y)
    _assert_same_model(clf, expected, X)
    assert clf.validation_scores_ == expected.validation_scores_


@pytest.mark.parametrize("how", ["raise", "signal"])
def test_ctrl_c_while_the_fitted_attributes_are_set_keeps_the_epochs(
    how, digits, monkeypatch
):
    X, y = digits
    params = dict(hidden_layer_sizes=(16,), max_iter=4, random_state=0)
    clf = MLPVisualClassifier(**params)
    monkeypatch.setattr(
        clf,
        "_set_fitted_attributes",
        _after_call(clf._set_fitted_attributes, 1, _ctrl_c(how)),
    )
    with pytest.warns(UserWarning, match="after epoch 4"):
        clf.fit(X, y)
    monkeypatch.undo()
    _assert_same_model(clf, MLPVisualClassifier(**params).fit(X, y), X)


@pytest.mark.skipif(
    not SKLEARN_HAS_CALLBACKS, reason="sklearn.callback arrived in scikit-learn 1.9"
)
@pytest.mark.parametrize("how", ["raise", "signal"])
def test_ctrl_c_in_a_callbacks_end_of_fit_hook_keeps_the_fit(how, digits):
    X, y = digits
    interrupt = _ctrl_c(how)

    class InterruptAtTheEndOfFit:
        def setup(self, estimator, context):
            pass

        def teardown(self, estimator, context):
            pass

        def on_fit_task_begin(self, estimator, context):
            pass

        def on_fit_task_end(self, estimator, context):
            if context.task_name != "epoch":
                interrupt()
            return False

    params = dict(hidden_layer_sizes=(16,), max_iter=4, random_state=0)
    clf = MLPVisualClassifier(**params).set_callbacks(InterruptAtTheEndOfFit())
    with pytest.warns(UserWarning, match="after epoch 4"):
        clf.fit(X, y)
    _assert_same_model(clf, MLPVisualClassifier(**params).fit(X, y), X)


def test_ctrl_c_in_the_first_epoch_undoes_the_call_and_reaches_the_caller(
    digits, monkeypatch
):
    # Nothing of the call has finished: the estimator is as it was, and the
    # interrupt stops the caller too (a loop of partial_fit calls, say).
    X, y = digits
    clf = MLPVisualClassifier((16,), random_state=0)
    clf.partial_fit(X, y, classes=np.unique(y))
    expected = MLPVisualClassifier((16,), random_state=0)
    expected.partial_fit(X, y, classes=np.unique(y))
    monkeypatch.setattr(
        Adam, "update_params", _on_call(Adam.update_params, 1, _ctrl_c("raise"))
    )
    with pytest.raises(KeyboardInterrupt):
        clf.partial_fit(X, y)
    monkeypatch.undo()
    _assert_same_model(clf, expected, X)
    # Nothing was lost either: the next call goes on as if none had failed.
    clf.partial_fit(X, y)
    expected.partial_fit(X, y)
    _assert_same_model(clf, expected, X)


def test_a_second_ctrl_c_cannot_cut_the_rollback_short(digits, monkeypatch):
    X, y = digits
    params = dict(hidden_layer_sizes=(16,), random_state=0)
    steps = int(np.ceil(len(X) / 200))
    first = _on_call(Adam.update_params, 2 * steps + 1, _ctrl_c("raise"))
    monkeypatch.setattr(Adam, "update_params", first)
    # The second Ctrl-C arrives while the epoch's start is being put back.
    monkeypatch.setattr(
        Snapshot, "restore", _on_call(Snapshot.restore, 1, _ctrl_c("signal"))
    )
    clf = MLPVisualClassifier(max_iter=10, **params)
    with pytest.warns(UserWarning, match="after epoch 2"):
        clf.fit(X, y)
    monkeypatch.undo()
    _assert_same_model(clf, MLPVisualClassifier(max_iter=2, **params).fit(X, y), X)


def test_the_cnn_keeps_its_finished_epochs_too(digits, monkeypatch):
    X, y = digits
    params = dict(filters=(4,), hidden_layer_sizes=(), random_state=0)
    monkeypatch.setattr(
        Snapshot, "capture", _on_call(Snapshot.capture, 2, _ctrl_c("signal"))
    )
    cnn = SimpleCNNClassifier(max_iter=10, **params)
    with pytest.warns(UserWarning, match="after epoch 2"):
        cnn.fit(X, y)
    monkeypatch.undo()
    _assert_same_model(cnn, SimpleCNNClassifier(max_iter=2, **params).fit(X, y), X)


@pytest.mark.parametrize("place", ["fitted attributes", "on_train_end"])
def test_ctrl_c_after_a_partial_fit_epoch_keeps_it_and_reaches_the_caller(
    place, digits, monkeypatch
):
    X, y = digits
    clf = MLPVisualClassifier((16,), random_state=0)
    clf.partial_fit(X, y, classes=np.unique(y))
    if place == "fitted attributes":
        interrupted = _after_call(clf._set_fitted_attributes, 1, _ctrl_c("signal"))
        monkeypatch.setattr(clf, "_set_fitted_attributes", interrupted)
    else:
        interrupted = _on_call(ConvergenceMonitor.on_train_end, 1, _ctrl_c("signal"))
        monkeypatch.setattr(ConvergenceMonitor, "on_train_end", interrupted)
    with pytest.raises(KeyboardInterrupt):
        clf.partial_fit(X, y)
    monkeypatch.undo()
    expected = MLPVisualClassifier((16,), random_state=0)
    expected.partial_fit(X, y, classes=np.unique(y))
    expected.partial_fit(X, y)
    _assert_same_model(clf, expected, X)


def test_a_second_ctrl_c_before_the_rollback_starts_is_dropped(digits, monkeypatch):
    # Users press Ctrl-C twice: the second one may land in the moment between
    # the first one's arrival and the rollback holding interrupts off.
    import sknetviz._training as training

    X, y = digits
    params = dict(hidden_layer_sizes=(16,), random_state=0)
    steps = int(np.ceil(len(X) / 200))
    monkeypatch.setattr(
        Adam,
        "update_params",
        _on_call(Adam.update_params, 2 * steps + 1, _ctrl_c("signal")),
    )
    monkeypatch.setattr(
        training,
        "interrupts_held",
        _on_call(training.interrupts_held, 1, _ctrl_c("signal")),
    )
    clf = MLPVisualClassifier(max_iter=10, **params)
    with pytest.warns(UserWarning, match="after epoch 2"):
        clf.fit(X, y)
    monkeypatch.undo()
    _assert_same_model(clf, MLPVisualClassifier(max_iter=2, **params).fit(X, y), X)


def test_ctrl_c_in_initialize_leaves_the_fitted_model_as_it_was(digits, monkeypatch):
    X, y = digits
    clf = MLPVisualClassifier((16,), max_iter=3, random_state=0).fit(X, y)
    expected = MLPVisualClassifier((16,), max_iter=3, random_state=0).fit(X, y)
    monkeypatch.setattr(
        clf, "_validate_input", _on_call(clf._validate_input, 1, _ctrl_c("signal"))
    )
    with pytest.raises(KeyboardInterrupt):
        clf.initialize(X, y)
    monkeypatch.undo()
    _assert_same_model(clf, expected, X)
    with pytest.raises(ValueError, match="features"):
        clf.predict(X[:, :5])
