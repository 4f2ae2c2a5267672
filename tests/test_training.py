"""The training loop: hook points, stopping, history and divergence."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.datasets import load_digits, load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import log_loss
from sklearn.preprocessing import LabelBinarizer, StandardScaler

import sknetviz
from sknetviz import MLPVisualClassifier, SimpleCNNClassifier
from sknetviz._training import (
    ConvergenceMonitor,
    DivergenceError,
    History,
    Hook,
    Objective,
    TrainingState,
    run_epochs,
)
from sknetviz.nn import SGD, Activation, Adam, Dense, Sequential


@pytest.fixture
def problem():
    X, y = load_iris(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    Y = LabelBinarizer().fit_transform(y).astype(float)
    network = Sequential([Dense(8), Activation("tanh"), Dense(3)])
    network.initialize((4,), np.random.default_rng(0), np.float64)
    state = TrainingState(network, Objective(network, "softmax", 1e-4), None)
    state.optimizer = Adam(network.params, learning_rate_init=0.01)
    return state, X, Y


class Recorder(Hook):
    def __init__(self, stop_at=None):
        self.calls = []
        self.stop_at = stop_at

    def on_train_begin(self, state):
        self.calls.append("train_begin")

    def on_epoch_begin(self, state):
        self.calls.append(f"epoch_begin {state.record['epoch']}")

    def on_batch_end(self, state):
        self.calls.append("batch")

    def on_epoch_end(self, state):
        self.calls.append(f"epoch_end {state.record['epoch']}")
        if state.record["epoch"] == self.stop_at:
            state.stop = True

    def on_train_end(self, state):
        self.calls.append("train_end")


def test_hook_points_are_called_in_order(problem):
    state, X, Y = problem
    recorder = Recorder()
    run_epochs(
        state,
        X,
        Y,
        n_epochs=2,
        batch_size=64,
        shuffle=True,
        rng=np.random.default_rng(0),
        hooks=[recorder, History()],
    )
    batches = ["batch"] * 3  # 150 samples in batches of 64
    assert recorder.calls == [
        "train_begin",
        "epoch_begin 1",
        *batches,
        "epoch_end 1",
        "epoch_begin 2",
        *batches,
        "epoch_end 2",
        "train_end",
    ]
    assert [r["epoch"] for r in state.history] == [1, 2]
    assert state.n_samples_seen == 300 and state.epochs_this_call == 2


def test_a_hook_can_stop_training_and_history_continues_across_calls(problem):
    state, X, Y = problem
    hooks = [Recorder(stop_at=3), History()]
    run_epochs(
        state,
        X,
        Y,
        n_epochs=10,
        batch_size=50,
        shuffle=False,
        rng=np.random.default_rng(0),
        hooks=hooks,
    )
    assert state.epochs_this_call == 3 and len(state.history) == 3
    run_epochs(
        state,
        X,
        Y,
        n_epochs=2,
        batch_size=50,
        shuffle=False,
        rng=np.random.default_rng(0),
        hooks=[History()],
    )
    assert [r["epoch"] for r in state.history] == [1, 2, 3, 4, 5]
    assert state.history[-1]["loss"] < state.history[0]["loss"]


def test_without_hooks_nothing_is_recorded(problem):
    state, X, Y = problem
    run_epochs(
        state,
        X,
        Y,
        n_epochs=2,
        batch_size=50,
        shuffle=True,
        rng=np.random.default_rng(0),
    )
    assert state.history == [] and state.epochs_this_call == 2


class WeightNormAtEpochStart(Hook):
    """The squared weight norm as each epoch starts, before its first step."""

    def __init__(self):
        self.norms = []

    def on_epoch_begin(self, state):
        self.norms.append(state.network.squared_weight_norm())


def test_each_record_splits_the_loss_into_data_loss_and_penalty(problem):
    # One batch per epoch: its L2 term is the one of the epoch's first weights.
    state, X, Y = problem
    state.objective.alpha = 2.0
    weights = WeightNormAtEpochStart()
    run_epochs(
        state,
        X,
        Y,
        n_epochs=3,
        batch_size=len(X),
        shuffle=False,
        rng=np.random.default_rng(0),
        hooks=[weights, History()],
    )
    for record, norm in zip(state.history, weights.norms):
        penalty = 0.5 * 2.0 * norm / len(X)
        assert record["loss"] - record["data_loss"] == pytest.approx(penalty)
    # loss_curve_ stays scikit-learn's: the objective trained, penalty included.
    assert state.loss_curve == [record["loss"] for record in state.history]


@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
def test_estimators_record_the_data_loss_beside_the_penalised_loss(solver):
    X, y = load_iris(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        plain = MLPVisualClassifier(
            (8,), solver=solver, alpha=0.0, max_iter=20, random_state=0
        )
        plain.fit(X, y)
        penalised = MLPVisualClassifier(
            (8,), solver=solver, alpha=1.0, max_iter=20, random_state=0
        )
        penalised.fit(X, y)
    for record in plain.history_:
        assert record["data_loss"] == record["loss"]
    for record in penalised.history_:
        assert 0 < record["data_loss"] < record["loss"]
    assert penalised.loss_curve_ == [record["loss"] for record in penalised.history_]
    if solver == "lbfgs":
        # The last iteration's data loss is the loss of the weights it ended with.
        last = penalised.history_[-1]
        assert last["data_loss"] == pytest.approx(
            log_loss(y, penalised.predict_proba(X))
        )
        squared_norm = sum(float((W**2).sum()) for W in penalised.coefs_)
        assert last["loss"] - last["data_loss"] == pytest.approx(
            0.5 * 1.0 * squared_norm / len(X)
        )


def test_convergence_monitor_stops_on_stalled_loss(problem):
    state, X, Y = problem
    monitor = ConvergenceMonitor(
        early_stopping=False, tol=10.0, n_iter_no_change=2, verbose=False
    )
    run_epochs(
        state,
        X,
        Y,
        n_epochs=50,
        batch_size=50,
        shuffle=True,
        rng=np.random.default_rng(0),
        hooks=[History(), monitor],
    )
    # Only the first epoch improves on an infinite best loss by tol; the stall
    # count then passes n_iter_no_change on the fourth, as in scikit-learn.
    assert state.epochs_this_call == 4 and state.stop


def test_adaptive_schedule_divides_the_rate_instead_of_stopping(problem):
    state, X, Y = problem
    state.optimizer = SGD(
        state.network.params, learning_rate_init=0.1, lr_schedule="adaptive"
    )
    monitor = ConvergenceMonitor(
        early_stopping=False, tol=10.0, n_iter_no_change=1, verbose=False
    )
    run_epochs(
        state,
        X,
        Y,
        n_epochs=6,
        batch_size=50,
        shuffle=True,
        rng=np.random.default_rng(0),
        hooks=[History(), monitor],
    )
    rates = [r["learning_rate"] for r in state.history]
    assert rates == pytest.approx([0.1, 0.1, 0.1, 0.02, 0.02, 0.004])


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_divergence_raises_a_value_error(problem):
    state, X, Y = problem
    state.optimizer = SGD(state.network.params, learning_rate_init=1e30, momentum=0.9)
    with pytest.raises(DivergenceError, match="learning rate \\(1e\\+30\\)"):
        run_epochs(
            state,
            X * 1e30,
            Y,
            n_epochs=20,
            batch_size=50,
            shuffle=True,
            rng=np.random.default_rng(0),
        )
    assert issubclass(DivergenceError, ValueError)
    assert sknetviz.DivergenceError is DivergenceError


def test_estimator_warns_when_max_iter_is_reached():
    X, y = load_iris(return_X_y=True)
    with pytest.warns(ConvergenceWarning, match="Maximum iterations \\(3\\) reached"):
        MLPVisualClassifier((5,), max_iter=3, random_state=0).fit(X, y)


def _interrupt_at(update_params, n):
    """Adam's step, raising KeyboardInterrupt (a Ctrl-C) at its n-th call."""
    calls = []

    def update(optimizer, params, grads):
        calls.append(1)
        if len(calls) == n:
            raise KeyboardInterrupt
        return update_params(optimizer, params, grads)

    return update


@pytest.mark.parametrize(
    "make",
    [
        lambda **kw: MLPVisualClassifier((16,), batch_size=50, **kw),
        lambda **kw: SimpleCNNClassifier(filters=(4,), hidden_layer_sizes=(), **kw),
    ],
    ids=["mlp", "cnn"],
)
def test_keyboard_interrupt_keeps_the_last_finished_epoch(make, monkeypatch):
    X, y = load_digits(return_X_y=True)
    X, y = X[:300] / 16, y[:300]
    with pytest.warns(ConvergenceWarning):
        two_epochs = make(max_iter=2, random_state=0).fit(X, y)
    steps_per_epoch = int(np.ceil(len(X) / two_epochs._batch_size(len(X))))

    interrupted = make(max_iter=10, random_state=0, warm_start=True)
    # Ctrl-C in the middle of the third epoch.
    monkeypatch.setattr(
        Adam,
        "update_params",
        _interrupt_at(Adam.update_params, 2 * steps_per_epoch + 2),
    )
    with pytest.warns(UserWarning, match="interrupted by the user.* after epoch 2"):
        interrupted.fit(X, y)
    monkeypatch.undo()
    assert interrupted.n_iter_ == 2 and len(interrupted.loss_curve_) == 2
    for got, expected in zip(interrupted.coefs_, two_epochs.coefs_):
        assert_array_equal(got, expected)
    assert_array_equal(interrupted.predict_proba(X), two_epochs.predict_proba(X))
    assert not any(
        vars(layer).get("_work_arrays") for layer in interrupted.network_.layers
    )

    # warm_start resumes from the kept model and its history.
    interrupted.set_params(max_iter=3)
    with pytest.warns(ConvergenceWarning):
        interrupted.fit(X, y)
    assert len(interrupted.loss_curve_) == 5
    assert interrupted.loss_ < two_epochs.loss_


def test_keyboard_interrupt_before_training_rolls_back(monkeypatch):
    X, y = load_digits(return_X_y=True)
    clf = MLPVisualClassifier((8,), max_iter=3, random_state=0)

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(clf, "_batch_size", interrupt)
    with pytest.raises(KeyboardInterrupt):
        clf.fit(X, y)
    assert not hasattr(clf, "coefs_")


def test_keyboard_interrupt_during_lbfgs_undoes_the_call(monkeypatch):
    # L-BFGS runs inside scipy: no finished epoch to keep, so the call is undone.
    X, y = load_digits(return_X_y=True)
    clf = MLPVisualClassifier((8,), solver="lbfgs", max_iter=5, random_state=0)
    clf.fit(X / 16, y)
    before = [c.copy() for c in clf.coefs_]

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("sknetviz._training.minimize_lbfgs", interrupt)
    with pytest.raises(KeyboardInterrupt):
        clf.set_params(warm_start=True).fit(X / 16, y)
    for coef, saved in zip(clf.coefs_, before):
        assert_array_equal(coef, saved)
    assert clf.n_iter_ == 5
