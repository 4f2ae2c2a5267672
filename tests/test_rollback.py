"""The one rollback: its cost does not grow with training and stays near the model.

These count memory with tracemalloc, which is exact and repeatable; the
times and the peak RSS beside scikit-learn's are in
benchmarks/bench_partial_fit.py and benchmarks/bench_refit_memory.py.
"""

import tracemalloc

import numpy as np
import pytest
from sklearn.datasets import make_classification

from sknetviz import MLPVisualClassifier

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _traced_peak(call):
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_partial_fit_call_costs_the_same_after_a_long_history():
    # Each call used to deep-copy the whole training state, history included,
    # as its rollback point: the 1000th call copied 1000 records.
    X, y = make_classification(n_samples=200, random_state=0)
    clf = MLPVisualClassifier((64, 64), random_state=0)
    clf.partial_fit(X, y, classes=[0, 1])
    early = _traced_peak(lambda: clf.partial_fit(X, y))
    for _ in range(600):
        clf.partial_fit(X, y)
    late = _traced_peak(lambda: clf.partial_fit(X, y))
    assert len(clf.history_) == 603
    assert late < early + 16 * 1024, (early, late)


def test_a_warm_refit_holds_one_copy_of_the_weights_beside_its_optimizer():
    X, y = make_classification(
        n_samples=100, n_features=300, n_informative=20, n_classes=4, random_state=0
    )
    clf = MLPVisualClassifier((1024, 1024), max_iter=1, warm_start=True)
    clf.set_params(random_state=0).fit(X, y)
    weights = sum(a.nbytes for a in clf.coefs_ + clf.intercepts_)
    extra = _traced_peak(lambda: clf.fit(X, y))
    # The call's rollback copy of the weights (1x) and Adam's two moments
    # (2x); the batch's arrays are small beside them. It was 12.8x: a deep
    # copy of the whole state, an epoch copy of the weights and the old
    # optimizer, a full-size Adam buffer and the L2 term's temporaries.
    assert extra < 3.5 * weights, extra / weights


def test_a_failed_call_after_a_long_history_restores_all_of_it():
    X, y = make_classification(n_samples=100, random_state=0)
    clf = MLPVisualClassifier((8,), random_state=0)
    for _ in range(50):
        clf.partial_fit(X, y, classes=[0, 1])
    history, curve = list(clf.history_), list(clf.loss_curve_)
    coefs = [c.copy() for c in clf.coefs_]
    with pytest.raises(ValueError):
        clf.partial_fit(X[:, :5], y)  # the wrong number of features
    clf.set_params(learning_rate_init=1e9, solver="sgd", warm_start=True)
    with pytest.raises(ValueError, match="diverged"):
        clf.fit(X * 1e3, y)
    assert clf.history_ == history and clf.loss_curve_ == curve
    for coef, saved in zip(clf.coefs_, coefs):
        np.testing.assert_array_equal(coef, saved)
