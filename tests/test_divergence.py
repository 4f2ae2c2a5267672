"""DivergenceError: a runaway run is flagged, and an ordinary one never is."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.datasets import load_digits, make_circles, make_moons

from sknetviz import DivergenceError, MLPVisualClassifier, SimpleCNNClassifier

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def moons():
    return make_moons(n_samples=300, noise=0.2, random_state=1)


@pytest.mark.parametrize("alpha", [1e-4, 0.0])
def test_a_runaway_sgd_run_raises_instead_of_returning_garbage(alpha, moons):
    # With a learning rate of 1e6 the weights reach 1e66 and the loss 1e115
    # while every number stays finite; without the runaway rule fit returned
    # that model, at chance accuracy, without a word.
    X, y = moons
    clf = MLPVisualClassifier(
        (5,), solver="sgd", learning_rate_init=1e6, alpha=alpha, random_state=0
    )
    with pytest.raises(DivergenceError, match=r"ran away.*learning rate \(1e\+06\)"):
        clf.fit(X, y)
    assert not hasattr(clf, "coefs_")


def test_a_run_that_runs_away_slowly_is_flagged_too(moons):
    # Inputs 100 times too large: each epoch multiplies the weights, and
    # 12 epochs later the loss would be 1e63.
    X, y = moons
    clf = MLPVisualClassifier((32, 32), solver="sgd", learning_rate_init=0.1)
    with pytest.raises(DivergenceError, match="standardize X"):
        clf.set_params(random_state=0).fit(X * 100, y)


def test_a_diverging_warm_start_leaves_the_model_as_it_was(moons):
    X, y = moons
    clf = MLPVisualClassifier((5,), solver="sgd", max_iter=20, random_state=0)
    clf.fit(X, y)
    before = [c.copy() for c in clf.coefs_]
    history = list(clf.history_)
    clf.set_params(warm_start=True, learning_rate_init=1e6)
    with pytest.raises(DivergenceError):
        clf.fit(X, y)
    for coef, saved in zip(clf.coefs_, before):
        assert_array_equal(coef, saved)
    assert clf.history_ == history and clf.n_iter_ == 20


@pytest.mark.parametrize(
    "make, data",
    [
        # Noisy dropout runs.
        (lambda: MLPVisualClassifier((64, 64), dropout=0.5, max_iter=150), "moons"),
        (
            lambda: SimpleCNNClassifier(
                filters=(4,), learning_rate_init=0.01, max_iter=30, augment=True
            ),
            "digits",
        ),
        # High learning rates that still work.
        (lambda: MLPVisualClassifier((32, 32), learning_rate_init=0.3), "circles"),
        (
            lambda: MLPVisualClassifier(
                (32,), solver="sgd", learning_rate_init=0.5, momentum=0.9
            ),
            "moons",
        ),
    ],
    ids=["dropout", "cnn-augment", "adam-lr-0.3", "sgd-lr-0.5"],
)
def test_ordinary_runs_are_never_flagged(make, data):
    if data == "moons":
        X, y = make_moons(n_samples=300, noise=0.2, random_state=1)
    elif data == "circles":
        X, y = make_circles(n_samples=300, noise=0.1, factor=0.5, random_state=0)
    else:
        X, y = load_digits(return_X_y=True)
        X, y = X[:400] / 16, y[:400]
    clf = make().set_params(random_state=0).fit(X, y)
    assert clf.score(X, y) > 0.85
    assert np.all(np.isfinite(clf.predict_proba(X)))
