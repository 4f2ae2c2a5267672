"""Models saved before the rollback rewrite keep training, under the new rules.

Such a model lacks what the rewrite added: the recorded architecture, the
loss curves kept beside the history, the divergence yardstick, and the
optimizers' one small scratch (it had one full-size buffer per parameter).
These tests turn a fitted model back into that layout, save and load it,
and train on.
"""

import pickle

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.preprocessing import StandardScaler

from sknetviz import DivergenceError, MLPVisualClassifier
from sknetviz.io import dump, load

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def _in_the_old_layout(clf):
    """``clf`` with its attributes as the version before the rewrite saved them."""
    del clf._architecture
    state = clf._state
    for name in (
        "loss_curve",
        "validation_loss_curve",
        "interrupted",
        "keeps_finished_epochs",
        "epoch_in_progress",
        "initial_weight_rms",
    ):
        vars(state).pop(name, None)
    optimizer = state.optimizer
    del optimizer._buffer
    optimizer._buffers = [np.empty_like(p) for p in state.network.params]
    del clf._monitor.monitored
    return clf


def _round_trip(clf, how, tmp_path):
    if how == "pickle":
        return pickle.loads(pickle.dumps(clf))
    path = tmp_path / "old.skops"
    dump(clf, path)
    return load(path)


@pytest.mark.parametrize("how", ["pickle", "skops"])
@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_an_old_model_trains_on_with_partial_fit(how, solver, iris, tmp_path):
    X, y = iris
    clf = MLPVisualClassifier((8,), solver=solver, max_iter=5, random_state=0)
    old = _round_trip(_in_the_old_layout(clf.fit(X, y)), how, tmp_path)
    assert old.loss_curve_ == [record["loss"] for record in old.history_]
    old.partial_fit(X, y)
    assert len(old.history_) == len(old.loss_curve_) == 6


@pytest.mark.parametrize("how", ["pickle", "skops"])
def test_an_old_model_refuses_a_changed_architecture(how, iris, tmp_path):
    X, y = iris
    clf = MLPVisualClassifier((8,), max_iter=5, random_state=0).fit(X, y)
    old = _round_trip(_in_the_old_layout(clf), how, tmp_path)
    old.set_params(activation="tanh", warm_start=True)
    with pytest.raises(ValueError, match="activation was 'relu'"):
        old.fit(X, y)


def test_an_old_model_is_still_held_to_the_runaway_rule(iris, tmp_path):
    X, y = iris
    clf = MLPVisualClassifier((8,), solver="sgd", max_iter=5, random_state=0)
    old = _round_trip(_in_the_old_layout(clf.fit(X, y)), "pickle", tmp_path)
    old.set_params(warm_start=True, learning_rate_init=1e6, alpha=0.0)
    with pytest.raises(DivergenceError, match="ran away|non-finite"):
        old.fit(X * 100, y)
