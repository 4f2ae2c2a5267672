"""sample_weight: zero weights contribute nothing; bad weights get a clear error."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.datasets import make_moons

from sknetviz import MLPVisualClassifier, SimpleCNNClassifier

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def moons():
    return make_moons(n_samples=300, noise=0.2, random_state=1)


@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_a_zero_weight_batch_contributes_nothing(solver, moons):
    # With one sample per batch, a zero weight makes a batch of weight zero:
    # it must be skipped, as if the sample were not there, not be reported
    # as a diverging run.
    X, y = moons
    weights = np.ones(len(y))
    weights[[3, 100, 250]] = 0
    params = dict(hidden_layer_sizes=(5,), solver=solver, batch_size=1, shuffle=False)
    weighted = MLPVisualClassifier(max_iter=3, random_state=0, **params)
    weighted.fit(X, y, sample_weight=weights)
    kept = weights > 0
    without = MLPVisualClassifier(max_iter=3, random_state=0, **params)
    without.fit(X[kept], y[kept])
    for ours, theirs in zip(weighted.coefs_, without.coefs_):
        assert_array_equal(ours, theirs)
    assert np.isfinite(weighted.loss_)
    assert weighted.loss_curve_ == pytest.approx(without.loss_curve_)


def test_a_zero_weight_batch_in_partial_fit_changes_nothing(moons):
    X, y = moons
    clf = MLPVisualClassifier((5,), random_state=0)
    clf.partial_fit(X, y, classes=[0, 1])
    before = [c.copy() for c in clf.coefs_]
    weights = np.zeros(len(y))
    weights[:100] = 1
    # One batch of 100 weighted samples and two batches weighing nothing:
    # exactly one optimizer step.
    clf.set_params(batch_size=100, shuffle=False)
    clf.partial_fit(X, y, sample_weight=weights)
    one_step = MLPVisualClassifier((5,), random_state=0)
    one_step.partial_fit(X, y, classes=[0, 1])
    one_step.set_params(batch_size=100, shuffle=False)
    one_step.partial_fit(X[:100], y[:100])
    assert any(not np.array_equal(a, b) for a, b in zip(before, clf.coefs_))
    for ours, theirs in zip(clf.coefs_, one_step.coefs_):
        assert_array_equal(ours, theirs)


@pytest.mark.parametrize(
    "random_state, part", [(2, "validation"), (0, "training")], ids=str
)
def test_an_early_stopping_split_that_weighs_nothing_is_a_value_error(
    random_state, part, moons
):
    X, y = moons
    weights = np.zeros(len(y))
    weights[0] = 1  # the split puts this one sample on one side or the other
    clf = MLPVisualClassifier((5,), early_stopping=True, random_state=random_state)
    with pytest.raises(
        ValueError, match=f"early_stopping's {part} split .* sum to zero"
    ):
        clf.fit(X, y, sample_weight=weights)
    assert not hasattr(clf, "coefs_")


@pytest.mark.parametrize("Estimator", [MLPVisualClassifier, SimpleCNNClassifier])
def test_negative_weights_are_refused_with_scikit_learns_message(Estimator, moons):
    X, y = moons
    weights = np.ones(len(y))
    weights[5] = -2.0
    with pytest.raises(
        ValueError,
        match=r"Negative values in data passed to `sample_weight`.* 1 negative .*-2",
    ):
        Estimator(max_iter=2).fit(X, y, sample_weight=weights)
    with pytest.raises(ValueError, match="Negative values"):
        Estimator(max_iter=2).fit(X, y, sample_weight=-np.ones(len(y)))


def test_all_zero_weights_say_there_is_nothing_to_fit(moons):
    X, y = moons
    # scikit-learn >= 1.8 says it first, in its own words.
    with pytest.raises(ValueError, match="at least one non-zero|nothing to fit"):
        MLPVisualClassifier(max_iter=2).fit(X, y, sample_weight=np.zeros(len(y)))
