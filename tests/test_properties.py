"""Property tests: on any small input, fit and predict work or refuse clearly.

For random shapes, dtypes, label types and counts, and tiny or constant
inputs, both estimators must either fit and predict, with probabilities that
are finite and sum to 1, or raise a ValueError that says what is wrong. No
other exception, no NaN, and no storm of warnings.
"""

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.exceptions import ConvergenceWarning

from sknetviz import MLPVisualClassifier, SimpleCNNClassifier

# Deterministic and without a database in the repository: CI sees the same
# examples every run.
SETTINGS = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

LABEL_KINDS = {
    "int": lambda codes: codes,
    "str": lambda codes: np.array([f"class {c}" for c in codes]),
    "bool": lambda codes: codes % 2 == 0,
    "float": lambda codes: codes * 0.5 - 1,
}


@st.composite
def datasets(draw, images=False):
    n_samples = draw(st.integers(1, 25))
    dtype = draw(st.sampled_from([np.float64, np.float32, np.int64]))
    if images and draw(st.booleans()):
        shape = (n_samples, draw(st.integers(1, 6)), draw(st.integers(1, 6)))
        if draw(st.booleans()):
            shape += (draw(st.integers(1, 3)),)
    else:
        shape = (n_samples, draw(st.integers(1, 10)))
    scale = draw(st.sampled_from([0.0, 1e-8, 1.0, 1e3, 1e8]))
    elements = st.floats(-1, 1, allow_nan=False, width=32)
    X = (draw(arrays(np.float64, shape, elements=elements)) * scale).astype(dtype)
    n_classes = draw(st.integers(1, 4))
    codes = draw(arrays(np.int64, n_samples, elements=st.integers(0, n_classes - 1)))
    y = LABEL_KINDS[draw(st.sampled_from(sorted(LABEL_KINDS)))](codes)
    return X, y


def _fit_and_predict(estimator, X, y, report=event):
    """Fit and predict, or a clear ValueError; no other failure, few warnings.

    ``report`` tallies the outcomes (pytest --hypothesis-show-statistics).
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            estimator.fit(X, y)
            proba = estimator.predict_proba(X)
            predicted = estimator.predict(X)
        except ValueError as error:
            message = str(error)
            report(f"ValueError: {message[:60]}")
            assert len(message) > 20, message  # says what is wrong
            return
    kinds = [w.category for w in caught]
    assert all(issubclass(kind, (ConvergenceWarning, UserWarning)) for kind in kinds), [
        str(w.message) for w in caught
    ]
    assert len(caught) <= 2, [str(w.message) for w in caught]
    assert proba.shape == (len(X), len(estimator.classes_))
    assert np.isfinite(proba).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
    assert set(np.unique(predicted)) <= set(np.unique(y))
    report("fitted and predicted")


@SETTINGS
@given(
    data=datasets(),
    hidden=st.sampled_from([(), (3,), (4, 3)]),
    solver=st.sampled_from(["adam", "sgd", "lbfgs"]),
    dropout=st.sampled_from([0.0, 0.5]),
)
def test_mlp_on_any_small_input(data, hidden, solver, dropout):
    X, y = data
    if solver == "lbfgs":
        dropout = 0.0
    clf = MLPVisualClassifier(
        hidden, solver=solver, dropout=dropout, max_iter=5, random_state=0
    )
    _fit_and_predict(clf, X, y)


@SETTINGS
@given(
    data=datasets(images=True),
    filters=st.sampled_from([(2,), (2, 3)]),
    hidden=st.sampled_from([(), (4,)]),
    augment=st.booleans(),
)
def test_cnn_on_any_small_input(data, filters, hidden, augment):
    X, y = data
    clf = SimpleCNNClassifier(
        filters=filters, hidden_layer_sizes=hidden, augment=augment, max_iter=3,
        random_state=0,
    )  # fmt: skip
    _fit_and_predict(clf, X, y)


@pytest.mark.parametrize("estimator", [MLPVisualClassifier, SimpleCNNClassifier])
def test_constant_and_single_class_inputs(estimator):
    X = np.ones((6, 4))
    outcomes = []
    _fit_and_predict(
        estimator(max_iter=3, random_state=0), X, np.arange(6) % 2, outcomes.append
    )
    _fit_and_predict(
        estimator(max_iter=3, random_state=0), X, np.zeros(6), outcomes.append
    )
    assert outcomes == ["fitted and predicted"] * 2
