"""FilterDisplay and FeatureMapDisplay, and the other displays on a CNN."""

import numpy as np
import pytest
from matplotlib.colors import to_rgba
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from sknetviz import MLPVisualClassifier, NeuralNetClassifier, SimpleCNNClassifier
from sknetviz.inspection import (
    FeatureMapDisplay,
    FilterDisplay,
    GradientFlowDisplay,
    NetworkDiagramDisplay,
    TrainingCurveDisplay,
)
from sknetviz.inspection._adapters import network_view
from sknetviz.inspection._style import (
    DIVERGING_CMAP,
    INK,
    SEQUENTIAL_CMAP,
    class_colors,
)
from sknetviz.nn import Activation, AvgPool2D, Conv2D, Reshape

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
    channel = display.channel_order_[1][2]
    filter_index = display.filter_order_[1][3]
    assert_array_equal(
        display.images_[1][2, 3].get_array(), cnn.coefs_[1][:, :, channel, filter_index]
    )
    display.figure_.savefig(tmp_path / "filters.png")


def test_filters_run_from_the_largest_norm_and_rows_follow_the_layer_before(cnn):
    display = FilterDisplay.from_estimator(cnn)
    for kernel, norms, order in zip(
        cnn.coefs_[:2], display.filter_norms_, display.filter_order_
    ):
        assert_allclose(
            norms, np.linalg.norm(kernel.reshape(-1, kernel.shape[3]), axis=0)
        )
        assert np.all(np.diff(norms[order]) <= 0)  # largest first
        assert sorted(order) == list(range(kernel.shape[3]))  # every filter once
    # The second block's rows are the first block's maps, in its columns' order,
    # and every tile says which filter and which map it is.
    assert_array_equal(display.channel_order_[1], display.filter_order_[0])
    assert display.axes_[1][0, 0].get_title() == f"#{display.filter_order_[1][0]}"
    assert display.axes_[1][1, 0].get_ylabel() == f"map #{display.filter_order_[0][1]}"
    by_index = FilterDisplay.from_estimator(cnn, order="index")
    assert_array_equal(by_index.filter_order_[1], np.arange(6))
    with pytest.raises(ValueError, match="order must be 'norm' or 'index'; got 'size'"):
        FilterDisplay.from_estimator(cnn, order="size")


def test_each_filter_block_has_one_symmetric_scale_and_its_colorbar(cnn):
    display = FilterDisplay.from_estimator(cnn)
    assert len(display.colorbars_) == 2
    for kernel, images, colorbar in zip(
        cnn.coefs_[:2], display.images_, display.colorbars_
    ):
        limit = np.abs(kernel).max()
        assert {image.get_clim() for image in images.ravel()} == {(-limit, limit)}
        assert images[0, 0].get_cmap().name == DIVERGING_CMAP
        assert colorbar.mappable.get_clim() == (-limit, limit)
        assert_allclose(colorbar.get_ticks(), [-limit, 0, limit])
    assert (
        FilterDisplay.from_estimator(cnn, cmap="RdBu_r")
        .images_[0][0, 0]
        .get_cmap()
        .name
        == "RdBu_r"
    )


def test_feature_maps_follow_the_network(cnn, digits_400, tmp_path):
    X, y = digits_400
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
    # The dense stage is the hidden layer the head computes from pool 2's maps.
    head = NetworkDiagramDisplay.from_estimator(cnn)
    assert [(name, units.shape) for name, units in display.dense] == [
        ("dense 1", (64,))
    ]
    assert head.layer_sizes[1] == 64
    assert display.activations == {
        "conv 1": "relu", "pool 1": "relu", "conv 2": "relu", "pool 2": "relu",
        "dense 1": "relu", "output": "softmax",
    }  # fmt: skip
    images = FeatureMapDisplay.from_estimator(cnn, X[7].reshape(8, 8))
    assert_allclose(images.probabilities, display.probabilities)
    display.figure_.savefig(tmp_path / "feature_maps.png")


def _left(ax):
    return ax.get_position().x0


def test_feature_map_stages_read_left_to_right(cnn, digits_400):
    X, y = digits_400
    display = FeatureMapDisplay.from_estimator(cnn, X[7], true_class=y[7])
    lefts = (
        [_left(display.image_ax_)]
        + [_left(axes[0]) for axes in display.stage_axes_]
        + [_left(ax) for ax in display.dense_axes_]
        + [_left(display.output_ax_)]
    )
    assert lefts == sorted(lefts) and len(set(lefts)) == 7
    headings = [text.get_text() for text in display.figure_.texts]
    for heading in [
        "input",
        "conv 1",
        "pool 1",
        "conv 2",
        "pool 2",
        "dense 1",
        "output",
    ]:
        assert heading in headings
    assert "4 maps, 8x8\nReLU" in headings and "64 units\nReLU" in headings
    # No class ticks above the maps: the only axes with tick labels is the output.
    for axes in display.stage_axes_:
        assert all(not ax.get_xticks().size and not ax.get_yticks().size for ax in axes)
    ticks = [label.get_text() for label in display.output_ax_.get_yticklabels()]
    assert ticks == [str(c) for c in cnn.classes_]


def test_feature_maps_have_colour_scales(cnn, digits_400):
    X, _ = digits_400
    display = FeatureMapDisplay.from_estimator(cnn, X[7])
    # the input, one per conv block (conv k with pool k), the dense layer
    assert len(display.colorbars_) == 4
    conv1, pool1 = display.images_[0], display.images_[1]
    top = display.stages[0][1].max()  # ReLU maps: from 0 to conv 1's largest
    assert {image.get_clim() for image in conv1 + pool1} == {(0.0, top)}
    assert conv1[0].get_cmap().name == SEQUENTIAL_CMAP
    assert display.colorbars_[1].mappable.get_clim() == (0.0, top)
    assert "conv 1 & pool 1" in display.colorbars_[1].ax.get_xlabel()
    units = display.dense[0][1]
    strip = display.dense_axes_[0].images[0]
    assert_allclose(strip.get_array().ravel(), units)
    assert strip.get_clim() == (0.0, units.max())


def test_signed_maps_use_the_diverging_map_centred_on_zero(digits_400):
    X, y = digits_400
    tanh_cnn = SimpleCNNClassifier(
        filters=(4,), activation="tanh", max_iter=5, random_state=0
    ).fit(X, y)
    display = FeatureMapDisplay.from_estimator(tanh_cnn, X[3])
    maps = np.concatenate([m.ravel() for _, m in display.stages])
    limit = np.abs(maps).max()
    for image in display.images_[0] + display.images_[1]:
        assert image.get_cmap().name == DIVERGING_CMAP
        assert image.get_clim() == (-limit, limit)
    chosen = FeatureMapDisplay.from_estimator(tanh_cnn, X[3], cmap="magma")
    assert chosen.images_[0][0].get_cmap().name == "magma"


def test_output_bars_show_the_prediction_and_the_truth(cnn, digits_400):
    X, y = digits_400
    probabilities = cnn.predict_proba(X)
    wrong = int(np.flatnonzero(cnn.predict(X) != y)[0])
    display = FeatureMapDisplay.from_estimator(cnn, X[wrong], true_class=y[wrong])
    winner = int(np.argmax(probabilities[wrong]))
    truth = int(np.flatnonzero(cnn.classes_ == y[wrong])[0])
    colors = class_colors(10)
    assert_allclose(display.bars_[winner].get_facecolor(), colors[winner])
    for index, bar in enumerate(display.bars_):
        assert_allclose(bar.get_width(), probabilities[wrong, index])
        if index != winner:
            assert not np.allclose(bar.get_facecolor(), colors[index])
    assert_allclose(display.bars_[truth].get_edgecolor(), to_rgba(INK))
    tags = [text.get_text() for text in display.output_ax_.texts]
    assert any(tag.endswith("predicted") for tag in tags)
    assert any(tag.endswith("true") for tag in tags)
    with pytest.raises(ValueError, match="true_class=11 is not one of the classes"):
        FeatureMapDisplay.from_estimator(cnn, X[0], true_class=11)


def test_adapter_reads_a_block_that_activates_before_pooling(digits_400):
    X, y = digits_400
    net = NeuralNetClassifier(
        layers=[Reshape((8, 8, 1)), Conv2D(3, 3), Activation("tanh"), AvgPool2D(2)],
        max_iter=3,
        random_state=0,
    ).fit(X / 16, y)
    images, stages = network_view(net, "test").feature_maps(X[:2] / 16)
    assert_allclose(images, X[:2].reshape(2, 8, 8, 1) / 16)
    assert [(s["kind"], s["activation"]) for s in stages] == [
        ("conv", "tanh"), ("pool", "tanh"),
    ]  # fmt: skip
    conv, pool = stages[0]["maps"], stages[1]["maps"]
    assert np.abs(conv).max() < 1  # activated
    assert_allclose(pool, conv.reshape(2, 4, 2, 4, 2, 3).mean(axis=(2, 4)))


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
    # The training curve is the data loss, comparable with the validation loss.
    data_loss = [record["data_loss"] for record in cnn.history_]
    assert_allclose(TrainingCurveDisplay.from_estimator(cnn).loss, data_loss)
    flow = GradientFlowDisplay.from_estimator(cnn)
    assert flow.grad_norms.shape == (cnn.n_iter_, 4)  # 2 conv, 2 dense
    assert "conv 3x3x1→4" in flow.layer_names[0]
    head = NetworkDiagramDisplay.from_estimator(cnn)
    assert head.layer_sizes == [24, 64, 10]  # the dense head, from 2x2x6 features
