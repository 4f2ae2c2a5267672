"""FilterDisplay and FeatureMapDisplay, and the other displays on a CNN."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from sknetviz import MLPVisualClassifier, SimpleCNNClassifier
from sknetviz.inspection import (
    FeatureMapDisplay,
    FilterDisplay,
    GradientFlowDisplay,
    NetworkDiagramDisplay,
    TrainingCurveDisplay,
)

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def digits_400(digits):
    X, y = digits
    return X[:400], y[:400]


@pytest.fixture(scope="module")
def cnn(digits_400):
    X, y = digits_400
    return SimpleCNNClassifier(filters=(4, 6), max_iter=10, random_state=0).fit(X, y)


def test_filter_display_draws_every_kernel(cnn, tmp_path):
    display = FilterDisplay.from_estimator(cnn, max_filters=5)
    assert_array_equal(display.kernels[0], cnn.coefs_[0])
    assert_array_equal(display.kernels[1], cnn.coefs_[1])
    assert display.axes_[0].shape == (1, 4) and display.axes_[1].shape == (4, 5)
    assert_array_equal(display.images_[1][2, 3].get_array(), cnn.coefs_[1][:, :, 2, 3])
    display.figure_.savefig(tmp_path / "filters.png")


def test_feature_maps_follow_the_network(cnn, digits_400, tmp_path):
    X, _ = digits_400
    display = FeatureMapDisplay.from_estimator(cnn, X[7], max_maps=3)
    names = [name for name, _ in display.stages]
    assert names == ["conv 1", "pool 1", "conv 2", "pool 2"]
    assert [maps.shape for _, maps in display.stages] == [
        (8, 8, 4), (4, 4, 4), (4, 4, 6), (2, 2, 6),
    ]  # fmt: skip
    # pool 1 is the 2x2 max of conv 1's maps
    conv1, pool1 = display.stages[0][1], display.stages[1][1]
    assert_allclose(pool1, conv1.reshape(4, 2, 4, 2, 4).max(axis=(1, 3)))
    assert_allclose(display.probabilities, cnn.predict_proba(X[7:8])[0])
    assert len(display.stage_axes_[2]) == 3 and len(display.bars_) == 10
    images = FeatureMapDisplay.from_estimator(cnn, X[7].reshape(8, 8))
    assert_allclose(images.probabilities, display.probabilities)
    display.figure_.savefig(tmp_path / "feature_maps.png")


def test_pipelines_and_bad_arguments(digits_400):
    X, y = digits_400
    pipe = make_pipeline(
        StandardScaler(), SimpleCNNClassifier(filters=(4,), max_iter=5, random_state=0)
    ).fit(X, y)
    display = FeatureMapDisplay.from_estimator(pipe, X[0])
    assert_allclose(display.probabilities, pipe.predict_proba(X[:1])[0])
    assert_allclose(display.image.ravel(), pipe[0].transform(X[:1])[0])
    FilterDisplay.from_estimator(pipe)
    with pytest.raises(ValueError, match="x has 63 values, but the pipeline takes"):
        FeatureMapDisplay.from_estimator(pipe, X[0, :63])
    # x is the pipeline's input, even when its steps change the feature count.
    padded = make_pipeline(
        FunctionTransformer(lambda Z: Z[:, :64]),
        SimpleCNNClassifier(filters=(4,), max_iter=5, random_state=0),
    ).fit(np.hstack([X, X[:, :8]]), y)
    wide = np.hstack([X[:1], X[:1, :8]])[0]
    shown = FeatureMapDisplay.from_estimator(padded, wide)
    assert_allclose(shown.probabilities, padded.predict_proba(wide[None])[0])
    with pytest.raises(TypeError, match="needs a SimpleCNNClassifier"):
        FilterDisplay.from_estimator(MLPVisualClassifier().fit(X, y))
    with pytest.raises(NotFittedError, match="FeatureMapDisplay"):
        FeatureMapDisplay.from_estimator(SimpleCNNClassifier(), X[0])


def test_guide_displays_work_on_a_cnn(cnn):
    assert TrainingCurveDisplay.from_estimator(cnn).loss.tolist() == cnn.loss_curve_
    flow = GradientFlowDisplay.from_estimator(cnn)
    assert flow.grad_norms.shape == (cnn.n_iter_, 4)  # 2 conv, 2 dense
    assert "conv 3x3x1→4" in flow.layer_names[0]
    head = NetworkDiagramDisplay.from_estimator(cnn)
    assert head.layer_sizes == [24, 64, 10]  # the dense head, from 2x2x6 features
