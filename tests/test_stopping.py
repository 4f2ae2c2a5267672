"""The stopping rule: scikit-learn's without noise, and right with dropout too."""

import numpy as np
import pytest
from sklearn.datasets import make_moons

from sknetviz import MLPVisualClassifier

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def moons():
    return make_moons(n_samples=300, noise=0.2, random_state=1)


def _stall_epoch(losses, tol, n_iter_no_change):
    """The epoch at which scikit-learn's rule stops on these losses, or None."""
    best, count = np.inf, 0
    for epoch, loss in enumerate(losses, start=1):
        count = 0 if loss <= best - tol else count + 1
        best = min(best, loss)
        if count > n_iter_no_change:
            return epoch
    return None


def test_dropout_does_not_stop_an_underfit_model(moons):
    # The case: the noisy dropout loss used to stall near epoch 70,
    # at 0.86 training accuracy, while the model could reach 0.97.
    X, y = moons
    clf = MLPVisualClassifier((64, 64), dropout=0.2, max_iter=1000, random_state=0)
    clf.fit(X, y)
    assert clf.n_iter_ < 1000  # it did stop, by the rule
    assert clf.score(X, y) > 0.95
    # It stopped where the rule says, on the loss with dropout off.
    clean = [record["clean_loss"] for record in clf.history_]
    assert _stall_epoch(clean, clf.tol, clf.n_iter_no_change) == clf.n_iter_
    assert clf.best_loss_ == min(clean)


def test_without_noise_the_rule_is_scikit_learns(moons):
    X, y = moons
    clf = MLPVisualClassifier((16,), learning_rate_init=0.01, max_iter=1000)
    clf.set_params(random_state=0).fit(X, y)
    assert "clean_loss" not in clf.history_[-1]
    assert _stall_epoch(clf.loss_curve_, clf.tol, clf.n_iter_no_change) == clf.n_iter_
    assert clf.best_loss_ == min(clf.loss_curve_)


def test_with_early_stopping_dropout_runs_watch_the_validation_score(moons):
    X, y = moons
    clf = MLPVisualClassifier(
        (32,), dropout=0.2, early_stopping=True, max_iter=300, random_state=0
    ).fit(X, y)
    assert "clean_loss" not in clf.history_[-1]
    assert len(clf.validation_scores_) == clf.n_iter_
