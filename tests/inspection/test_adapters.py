"""The one way displays read a network: estimators, Pipelines and nested Pipelines."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from sknetviz import MLPVisualClassifier
from sknetviz.inspection._adapters import network_view

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.mark.parametrize("network", [MLPVisualClassifier, MLPClassifier])
@pytest.mark.parametrize("wrap", ["none", "pipeline", "nested"])
def test_layer_outputs_end_in_predict_proba(network, wrap, iris):
    X, y = iris
    estimator = network((6, 5), max_iter=30, random_state=0)
    if wrap == "pipeline":
        estimator = make_pipeline(StandardScaler(), estimator)
    elif wrap == "nested":
        estimator = make_pipeline(
            StandardScaler(), make_pipeline(MinMaxScaler(), estimator)
        )
    estimator.fit(X, y)
    view = network_view(estimator, "test")
    outputs = view.layer_outputs(X)
    assert [o.shape[1] for o in outputs] == view.layer_sizes == [4, 6, 5, 3]
    assert_allclose(outputs[-1], estimator.predict_proba(X), rtol=1e-10)
    with pytest.raises(ValueError, match="X has 3 features .* network expects 4"):
        view.layer_outputs(X[:, :3], transformed=True)


def test_unsupported_and_unfitted_estimators_are_told_apart(iris):
    X, y = iris
    with pytest.raises(
        TypeError, match="needs an MLPVisualClassifier, an MLPClassifier"
    ):
        network_view(LogisticRegression(), "SomeDisplay")
    with pytest.raises(TypeError, match="got LogisticRegression"):
        network_view(
            make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y), "D"
        )
    with pytest.raises(NotFittedError, match="SomeDisplay needs a fitted estimator"):
        network_view(MLPVisualClassifier(), "SomeDisplay")


def test_history_from_sklearn_curves(iris):
    X, y = iris
    clf = MLPClassifier((5,), early_stopping=True, max_iter=15, random_state=0).fit(
        X, y
    )
    history = network_view(clf, "test").history()
    assert [r["loss"] for r in history] == clf.loss_curve_
    assert [r["val_score"] for r in history] == clf.validation_scores_
    lbfgs = MLPClassifier((5,), solver="lbfgs", max_iter=15).fit(X, y)
    with pytest.raises(ValueError, match="recorded no training curve"):
        network_view(lbfgs, "test").history()
    assert np.isfinite([r["loss"] for r in history]).all()


def test_importing_the_displays_does_not_import_matplotlib():
    import subprocess
    import sys

    code = (
        "import sys, sknetviz, sknetviz.inspection, sknetviz.datasets; "
        "print(any(m.startswith('matplotlib') for m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "False", done.stderr
