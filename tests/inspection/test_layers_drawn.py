"""The displays draw what a sknetviz network's own layers compute: batch
normalisation with its running statistics, skip connections added, each
hidden layer's own activation."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import sknetviz
from sknetviz import MLPVisualClassifier, MLPVisualRegressor
from sknetviz.inspection import (
    ActivationFunctionDisplay,
    GradientFlowDisplay,
    NetworkDiagramDisplay,
    NeuronActivationDisplay,
    NeuronDisplay,
    TrainingCurveDisplay,
)
from sknetviz.inspection._adapters import network_view
from sknetviz.nn import Activation, BatchNorm, Dense, Dropout, Layer, Residual

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

NeuralNetClassifier = getattr(sknetviz, "NeuralNetClassifier", None)
needs_neural_net = pytest.mark.skipif(
    NeuralNetClassifier is None, reason="sknetviz has no NeuralNetClassifier yet"
)


@pytest.fixture(scope="module")
def bn_residual(moons):
    """Two moons through Dense-BatchNorm-tanh, then two such layers in skips."""
    X, y = moons
    clf = MLPVisualClassifier(
        (6, 6, 6),
        activation="tanh",
        batch_norm=True,
        residual=True,
        learning_rate_init=0.01,
        max_iter=30,
        random_state=0,
    )
    return clf.fit(X, y)


def _hidden_layers(network_):
    """The layers whose outputs are the hidden layers' in this test's networks:
    the first activation, then the two Residual blocks."""
    layers = network_.layers
    assert isinstance(layers[2], Activation)
    assert isinstance(layers[3], Residual) and isinstance(layers[4], Residual)
    return [layers[2], layers[3], layers[4]]


def test_the_view_is_the_networks_own_inference(bn_residual, moons):
    X, _ = moons
    view = network_view(bn_residual, "test")
    hidden = _hidden_layers(bn_residual.network_)
    _, observed = bn_residual.network_.observe(X, hidden)
    outputs = view.layer_outputs(X)
    assert view.layer_sizes == [2, 6, 6, 6, 1]
    for drawn, layer in zip(outputs[1:-1], hidden):
        assert_array_equal(drawn, observed[layer])
    assert_allclose(outputs[-1][:, 0], bn_residual.predict_proba(X)[:, 1])
    # Running statistics: a sample's outputs do not depend on the batch.
    alone = view.layer_outputs(X[5:6])
    for drawn, single in zip(outputs, alone):
        assert_allclose(single[0], drawn[5], rtol=1e-12)
    assert [layer.description for layer in view.weight_layers] == [
        "BatchNorm, tanh",
        "BatchNorm, tanh + skip",
        "BatchNorm, tanh + skip",
        "logistic",
    ]
    assert view.activation == "tanh"


def test_neuron_activations_are_the_observed_outputs(bn_residual, moons):
    X, y = moons
    display = NeuronActivationDisplay.from_estimator(
        bn_residual, X, y=y, grid_resolution=15
    )
    points = np.column_stack([display.xx0.ravel(), display.xx1.ravel()])
    hidden = _hidden_layers(bn_residual.network_)
    _, observed = bn_residual.network_.observe(points, hidden)
    for values, layer in zip(display.activations, hidden):
        expected = observed[layer].T.reshape(values.shape)
        assert_allclose(values, expected, rtol=1e-12)
    # tanh keeps its range; with a skip added, the range is the layer's own.
    assert display.color_ranges[0] == (-1.0, 1.0)
    largest = np.abs(display.activations[1]).max()
    assert display.color_ranges[1] == pytest.approx((-largest, largest))
    assert display.layer_activations[1] == "BatchNorm, tanh + skip"


def test_neuron_display_shows_the_normalisation_and_the_skip(bn_residual, moons):
    X, _ = moons
    network_ = bn_residual.network_
    block = network_.layers[3]
    dense, batch_norm, activation = block.layers
    display = NeuronDisplay.from_estimator(bn_residual, X[9], layer=1, neuron=4)
    _, observed = network_.observe(X[9:10], [dense, batch_norm, activation, block])

    assert display.z == pytest.approx(observed[dense][0, 4], abs=1e-12)
    assert display.batch_norm["output"] == observed[batch_norm][0, 4]
    assert display.batch_norm["mean"] == batch_norm.running_mean[4]
    assert display.batch_norm["var"] == batch_norm.running_var[4]
    assert display.skip == pytest.approx(
        observed[block][0, 4] - observed[activation][0, 4], abs=1e-12
    )
    assert display.output == pytest.approx(observed[block][0, 4], abs=1e-12)
    # The first hidden layer's output for this sample is the skip's source.
    first = network_.observe(X[9:10], [network_.layers[2]])[1][network_.layers[2]]
    assert display.skip == pytest.approx(first[0, 4], abs=1e-12)
    assert display.batch_norm_box_ is not None
    assert "f + skip" in display.output_text_.get_text()
    texts = " ".join(text.get_text() for text in display.ax_.texts)
    assert "running statistics" in texts


def test_network_diagram_heads_and_skips(bn_residual, tmp_path):
    display = NetworkDiagramDisplay.from_estimator(bn_residual)
    assert display.skips == [(1, 2), (2, 3)]
    assert display.hidden_descriptions == [
        "BatchNorm, tanh",
        "BatchNorm, tanh + skip",
        "BatchNorm, tanh + skip",
    ]
    assert display._layer_heading(2) == "hidden 2\n6 × BatchNorm, tanh\n+ skip"
    assert len(display.skip_arrows_) == 2
    assert (
        display.ax_.get_ylim()[0]
        < min(
            patch.center[1] - patch.radius
            for column in display.node_patches_
            for patch in column
        )
        - 1.0
    )
    display.figure_.savefig(tmp_path / "diagram.png")


def test_training_and_gradient_displays_on_bn_residual(bn_residual):
    curve = TrainingCurveDisplay.from_estimator(bn_residual)
    assert curve.loss.tolist() == [r["data_loss"] for r in bn_residual.history_]
    flow = GradientFlowDisplay.from_estimator(bn_residual)
    assert flow.grad_norms.shape == (bn_residual.n_iter_, len(bn_residual.coefs_))
    assert flow.layer_names[1] == "layer 2: 6→6"


def test_regressor_with_batch_norm_and_skips(moons):
    X, _ = moons
    target = X[:, 0] * X[:, 1]
    reg = MLPVisualRegressor(
        hidden_layer_sizes=(5, 5),
        batch_norm=True,
        residual=True,
        max_iter=20,
        random_state=0,
    ).fit(X, target)
    display = NeuronActivationDisplay.from_estimator(
        reg, X, layers=[-1], grid_resolution=12
    )
    points = np.column_stack([display.xx0.ravel(), display.xx1.ravel()])
    assert_allclose(display.activations[0][0].ravel(), reg.predict(points))


@needs_neural_net
def test_a_network_of_ones_own_layers_is_read_layer_by_layer(iris):
    X, y = iris
    clf = NeuralNetClassifier(
        layers=[
            Dense(8, activation="tanh"),
            Dense(8),
            Activation("relu"),
            Residual([Dense(6), BatchNorm(), Activation("relu")]),
            Dropout(0.1),
        ],
        max_iter=20,
        random_state=0,
    ).fit(X, y)
    view = network_view(clf, "test")
    assert view.activation is None  # tanh, then relu
    assert [layer.description for layer in view.weight_layers] == [
        "tanh",
        "relu",
        "BatchNorm, relu + projected skip",
        "softmax",
    ]
    assert_allclose(view.layer_outputs(X)[-1], clf.predict_proba(X), rtol=1e-10)

    flow = GradientFlowDisplay.from_estimator(clf)
    assert len(flow.layer_names) == len(clf.coefs_) == 5
    assert flow.layer_names[3] == "layer 4: skip projection 8→6"
    assert flow.layer_names[0] == "layer 1 (input side): dense 4→8"
    roles = ActivationFunctionDisplay.from_estimator(clf).roles
    assert roles == {
        "tanh": "hidden layer 1",
        "relu": "hidden layers 2, 3",
        "softmax": "output layer",
    }
    diagram = NetworkDiagramDisplay.from_estimator(clf)
    assert diagram.activation is None
    assert diagram._layer_heading(1) == "hidden 1\n8 × tanh"
    assert diagram.skips == [(2, 3)]
    neuron = NeuronDisplay.from_estimator(clf, X[0], layer=0, neuron=1)
    assert neuron.output == pytest.approx(np.tanh(neuron.z))
    panels = GradientFlowDisplay.from_estimators([clf])
    assert panels.panels_[0].ax_.get_title() == "tanh and relu hidden layers"


@needs_neural_net
@pytest.mark.parametrize(
    "layers, message",
    [
        (
            [Dense(4), Activation("relu"), BatchNorm()],
            r"BatchNorm\(\) does not fit: it follows no weight layer, or follows its",
        ),
        (
            [Residual([Dropout(0.5)])],
            r"Residual\(\[Dropout\(0.5\)\]\) does not fit: its block holds no weight",
        ),
    ],
)
def test_a_network_the_displays_cannot_draw_says_which_layer(layers, message, iris):
    X, y = iris
    clf = NeuralNetClassifier(layers=layers, max_iter=2, random_state=0).fit(X, y)
    with pytest.raises(TypeError, match="NetworkDiagramDisplay cannot draw Neural"):
        NetworkDiagramDisplay.from_estimator(clf)
    with pytest.raises(TypeError, match=message):
        NetworkDiagramDisplay.from_estimator(clf)
    # What needs no layer-by-layer reading still works.
    TrainingCurveDisplay.from_estimator(clf)
    panels = GradientFlowDisplay.from_estimators([clf])
    assert panels.panels_[0].ax_.get_title() == "NeuralNetClassifier"


class _Shift(Layer):
    """A learned shift per feature: a layer of one's own, without weights."""

    param_names = ("beta",)
    param_roles = ("shift",)

    def initialize(self, input_shape, rng, dtype):
        self.beta = np.full(input_shape, 0.5, dtype=dtype)
        self.grads = [np.zeros_like(self.beta)]
        return tuple(input_shape)

    def forward(self, X, training=False):
        return X + self.beta

    def backward(self, delta):
        self.grads[0][...] = delta.sum(axis=0)
        return delta


@needs_neural_net
def test_a_layer_of_ones_own_is_drawn_whole(iris):
    X, y = iris
    shift, activation = _Shift(), Activation("tanh")
    clf = NeuralNetClassifier(
        layers=[Dense(5), shift, activation], max_iter=5, random_state=0
    ).fit(X, y)
    view = network_view(clf, "test")
    assert [layer.description for layer in view.weight_layers] == [
        "_Shift, tanh",
        "softmax",
    ]
    fitted_activation = clf.network_.layers[2]
    _, observed = clf.network_.observe(X, [fitted_activation])
    assert_array_equal(view.layer_outputs(X)[1], observed[fitted_activation])
    diagram = NetworkDiagramDisplay.from_estimator(clf)
    assert diagram._layer_heading(1) == "hidden 1\n5 × _Shift, tanh"
    with pytest.raises(
        TypeError, match=r"Dense\(5\), _Shift\(\), Activation\('tanh'\)"
    ):
        NeuronDisplay.from_estimator(clf, X[0], layer=0)
    output = NeuronDisplay.from_estimator(clf, X[0], layer=-1, neuron=1)
    assert output.output == pytest.approx(clf.predict_proba(X[:1])[0, 1])
