"""A layer's declared non-trained state goes with its weights, in every rollback."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.datasets import load_digits

from sknetviz import MLPVisualClassifier, NeuralNetClassifier
from sknetviz._training import Snapshot
from sknetviz.nn import Activation, BatchNorm, Dense, Layer

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


class Centre(Layer):
    """Subtracts a running mean of its inputs, updated in training: state."""

    state_names = ("running_mean",)

    def initialize(self, input_shape, rng, dtype):
        self.running_mean = np.zeros(input_shape, dtype=dtype)
        return tuple(input_shape)

    def forward(self, X, training=False):
        if training:
            self.running_mean *= 0.9
            self.running_mean += 0.1 * X.mean(axis=0)
        return X - self.running_mean


def _centred(**params):
    """A user's own stateful layer, inside NeuralNetClassifier."""
    return NeuralNetClassifier(
        layers=[Dense(16), Centre(), Activation("relu")], **params
    )


def _batch_normed(**params):
    return MLPVisualClassifier(hidden_layer_sizes=(16,), batch_norm=True, **params)


MODELS = [
    pytest.param(_centred, Centre, id="user-layer"),
    pytest.param(_batch_normed, BatchNorm, id="batch-norm"),
]


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:300] / 16, y[:300]


def _running_mean(clf):
    return clf.network_.layers[1].running_mean


@pytest.mark.parametrize("make, stateful", MODELS)
def test_an_interrupted_epoch_rolls_the_state_back_too(
    make, stateful, digits, monkeypatch
):
    X, y = digits
    captures = []
    original = Snapshot.capture

    def capture_then_interrupt(snapshot, *args, **kwargs):
        result = original(snapshot, *args, **kwargs)
        captures.append(1)
        if len(captures) == 2:  # epoch 3 has started: cut it short
            monkeypatch.setattr(stateful, "forward", _interrupting(stateful.forward))
        return result

    monkeypatch.setattr(Snapshot, "capture", capture_then_interrupt)
    clf = make(max_iter=10, random_state=0)
    with pytest.warns(UserWarning, match="after epoch 2"):
        clf.fit(X, y)
    monkeypatch.undo()
    two = make(max_iter=2, random_state=0).fit(X, y)
    assert_array_equal(_running_mean(clf), _running_mean(two))
    assert_array_equal(clf.predict_proba(X), two.predict_proba(X))


def _interrupting(forward):
    calls = []

    def wrapped(layer, X, training=False):
        if training:
            calls.append(1)
            if len(calls) == 2:  # after its state moved once in this epoch
                raise KeyboardInterrupt
        return forward(layer, X, training)

    return wrapped


@pytest.mark.parametrize("make, stateful", MODELS)
def test_early_stopping_restores_the_best_epochs_state(make, stateful, digits):
    X, y = digits
    params = dict(early_stopping=True, n_iter_no_change=3, random_state=0)
    clf = make(max_iter=200, **params).fit(X, y)
    assert isinstance(clf.network_.layers[1], stateful)
    best = int(np.argmax(clf.validation_scores_)) + 1
    assert best < clf.n_iter_  # it ran on past its best epoch
    at_best = make(max_iter=best, **params).fit(X, y)
    assert_array_equal(_running_mean(clf), _running_mean(at_best))
    assert_array_equal(clf.predict_proba(X), at_best.predict_proba(X))
