"""NeuronDisplay: one neuron's inputs, weights, sum, bias and output for one sample."""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.patches import FancyBboxPatch
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import expit
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknetviz import MLPVisualClassifier
from sknetviz.inspection import NeuronDisplay
from sknetviz.inspection._neuron import ARROW_WIDTHS
from sknetviz.inspection._style import DIVERGING_CMAP, MUTED

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

HIDDEN = {
    "relu": lambda z: np.maximum(z, 0),
    "tanh": np.tanh,
    "logistic": expit,
    "identity": lambda z: z,
}


def _network(kind, hidden=(5, 4), activation="relu"):
    params = dict(activation=activation, max_iter=200, random_state=0)
    if kind == "sknetviz":
        return MLPVisualClassifier(hidden, **params)
    if kind == "sklearn":
        return MLPClassifier(hidden, **params)
    return make_pipeline(StandardScaler(), MLPVisualClassifier(hidden, **params))


def _manual_hidden_outputs(estimator, x):
    """The network's input and every hidden layer's output for one sample,
    computed here from coefs_ and intercepts_."""
    network, A = estimator, np.asarray(x, dtype=float).reshape(1, -1)
    if hasattr(estimator, "steps"):
        A = estimator[:-1].transform(A)
        network = estimator[-1]
    outputs = [A[0]]
    for W, b in zip(network.coefs_[:-1], network.intercepts_[:-1]):
        A = HIDDEN[network.activation](A @ W + b)
        outputs.append(A[0])
    return network, outputs


@pytest.mark.parametrize("kind", ["sknetviz", "sklearn", "pipeline"])
@pytest.mark.parametrize("layer, neuron", [(0, 0), (0, 3), (1, 2)])
def test_numbers_are_the_neurons_own(kind, layer, neuron, iris):
    X, y = iris
    estimator = _network(kind).fit(X, y)
    x = X[70]
    display = NeuronDisplay.from_estimator(estimator, x, layer=layer, neuron=neuron)
    network, outputs = _manual_hidden_outputs(estimator, x)

    assert_allclose(display.inputs, outputs[layer], rtol=1e-12)
    assert_array_equal(display.weights, network.coefs_[layer][:, neuron])
    assert display.bias == network.intercepts_[layer][neuron]
    assert_allclose(display.products, display.inputs * display.weights)
    assert display.z == pytest.approx(display.inputs @ display.weights + display.bias)
    assert display.activation == "relu"
    assert display.output == max(display.z, 0.0)
    assert display.output == pytest.approx(outputs[layer + 1][neuron], abs=1e-12)
    if layer == 0:
        assert_array_equal(display.input_names, ["x0", "x1", "x2", "x3"])
    else:
        # The picture counts units from 1.
        assert_array_equal(display.input_names, [f"h1[{j}]" for j in range(1, 6)])


@pytest.mark.parametrize("activation", ["tanh", "logistic", "identity"])
def test_output_is_the_activation_of_z(activation, iris):
    X, y = iris
    net = _network("sknetviz", activation=activation).fit(X, y)
    display = NeuronDisplay.from_estimator(net, X[10], layer=1, neuron=1)
    assert display.activation == activation
    assert display.output == pytest.approx(HIDDEN[activation](display.z), abs=1e-12)
    _, outputs = _manual_hidden_outputs(net, X[10])
    assert display.output == pytest.approx(outputs[2][1], abs=1e-12)


def test_softmax_output_neuron_uses_the_whole_layer(iris):
    X, y = iris
    net = _network("sklearn").fit(X, y)
    display = NeuronDisplay.from_estimator(net, X[100], layer=2, neuron=2)
    assert display.activation == "softmax"
    assert display.output == pytest.approx(net.predict_proba(X[100:101])[0, 2])
    # A softmax output is not a function of its own z alone.
    assert display.output != pytest.approx(expit(display.z))
    texts = " ".join(text.get_text() for text in display.ax_.texts)
    assert "softmax needs every z of the layer" in texts
    assert "class 2" in display.ax_.get_title()


def test_binary_output_neuron_is_the_positive_class(moons):
    X, y = moons
    net = MLPVisualClassifier((6,), max_iter=100, random_state=0).fit(X, y)
    display = NeuronDisplay.from_estimator(net, X[0], layer=-1)
    assert display.activation == "logistic"
    assert display.output == pytest.approx(expit(display.z))
    assert display.output == pytest.approx(net.predict_proba(X[:1])[0, 1])
    assert display.output_name == "1"


def test_wide_input_shows_the_ten_largest_contributions(tmp_path, digits):
    X, y = digits
    net = MLPVisualClassifier((16,), max_iter=20, random_state=0).fit(X, y)
    display = NeuronDisplay.from_estimator(net, X[5], neuron=7)
    top = np.argsort(-np.abs(display.products))[:10]
    assert_array_equal(display.shown_inputs, top)
    rest = np.setdiff1d(np.arange(64), top)
    assert display.rest_sum == pytest.approx(display.products[rest].sum())
    assert len(display.input_texts_) == 10
    assert display.more_text_.get_text() == (
        f"+ 54 more (sum = {display.rest_sum:.3g})"
    )
    first = display.input_texts_[0].get_text().split()
    assert first == [
        f"{display.inputs[top[0]]:.3g}",
        "×",
        f"{display.weights[top[0]]:.3g}",
        "=",
        f"{display.products[top[0]]:.3g}",
    ]
    path = tmp_path / "neuron.png"
    display.figure_.savefig(path)
    assert path.stat().st_size > 10_000


def test_drawing_has_boxes_and_three_digit_numbers(iris):
    X, y = iris
    net = _network("pipeline").fit(X, y)
    _, ax = plt.subplots(figsize=(12, 4))
    display = NeuronDisplay.from_estimator(
        net, X[0], neuron=1, feature_names=["sl", "sw", "pl", "pw"], ax=ax
    )
    assert display.ax_ is ax and display.figure_ is ax.figure
    assert display.more_text_ is None
    assert len(display.input_texts_) == 4
    assert isinstance(display.sum_box_, FancyBboxPatch)
    assert isinstance(display.activation_box_, FancyBboxPatch)
    assert {display.sum_box_, display.activation_box_} <= set(ax.patches)
    texts = " ".join(text.get_text() for text in ax.texts)
    assert f"z = {display.z + 0.0:.3g}" in texts
    assert f"bias b = {display.bias:.3g}" in texts
    assert "f(z) = max(0, z)" in texts
    assert {"sl", "sw", "pl", "pw"} <= {text.get_text() for text in ax.texts}
    assert display.output_text_.get_text() == f"output\na = {display.output + 0.0:.3g}"


def test_dataframe_row_and_its_feature_names(iris_frame):
    X, y = iris_frame
    net = make_pipeline(
        StandardScaler(), MLPClassifier((3,), max_iter=50, random_state=0)
    ).fit(X, y)
    display = NeuronDisplay.from_estimator(net, X.iloc[[3]])
    assert_array_equal(display.input_names, X.columns)
    assert_allclose(display.inputs, net[0].transform(X.iloc[[3]])[0])
    # The values are the scaled ones, and the header says so.
    assert display.preprocessed
    assert "feature (preprocessed)" in {text.get_text() for text in display.ax_.texts}
    bare = NeuronDisplay.from_estimator(net[-1], net[0].transform(X.iloc[[3]]))
    assert not bare.preprocessed


def test_bad_arguments(iris):
    X, y = iris
    net = _network("sknetviz").fit(X, y)
    with pytest.raises(ValueError, match=r"layer must be an int from 0 .* to 2"):
        NeuronDisplay.from_estimator(net, X[0], layer=3)
    with pytest.raises(ValueError, match=r"hidden layer 2 has 4 units; got 4"):
        NeuronDisplay.from_estimator(net, X[0], layer=1, neuron=4)
    with pytest.raises(ValueError, match="x has 3 features, but the estimator"):
        NeuronDisplay.from_estimator(net, X[0, :3])
    with pytest.raises(ValueError, match="x must be one sample"):
        NeuronDisplay.from_estimator(net, X[:2])


@pytest.mark.parametrize("kind", ["sknetviz", "sklearn", "pipeline"])
def test_unfitted_estimator_raises_not_fitted(kind, iris):
    X, _ = iris
    with pytest.raises(NotFittedError, match="NeuronDisplay"):
        NeuronDisplay.from_estimator(_network(kind), X[0])


def test_other_estimators_are_refused(iris):
    X, y = iris
    with pytest.raises(TypeError, match="MLPVisualClassifier, an MLPClassifier"):
        NeuronDisplay.from_estimator(LogisticRegression().fit(X, y), X[0])


def _arrow_style(arrow):
    patch = arrow.arrow_patch
    return np.asarray(patch.get_edgecolor()), patch.get_linewidth()


def test_arrows_show_the_sign_in_colour_and_the_size_in_width(digits):
    X, y = digits
    net = MLPVisualClassifier((16,), max_iter=20, random_state=0).fit(X, y)
    display = NeuronDisplay.from_estimator(net, X[5], neuron=7)
    shown = display.products[display.shown_inputs]
    assert len(display.input_arrows_) == len(shown) == 10
    cmap = matplotlib.colormaps[DIVERGING_CMAP]
    blue_arm, orange_arm = cmap(0.0), cmap(1.0)
    widths = []
    for product, arrow in zip(shown, display.input_arrows_):
        color, width = _arrow_style(arrow)
        widths.append(width)
        if product == 0:
            assert_allclose(color, matplotlib.colors.to_rgba(MUTED))
            continue
        # Each arm's hue: blue has more blue than red, orange the reverse.
        arm = orange_arm if product > 0 else blue_arm
        assert np.sign(color[0] - color[2]) == np.sign(arm[0] - arm[2])
        # Never the map's pale middle: at least one channel well below white.
        assert color[:3].min() < 0.75
    # Width grows with |product| and never falls below a visible line.
    assert min(widths) >= ARROW_WIDTHS[0]
    assert max(widths) == pytest.approx(ARROW_WIDTHS[1])
    order = np.argsort(np.abs(shown))
    assert np.all(np.diff(np.asarray(widths)[order]) >= -1e-12)


def test_title_counts_neurons_and_layers_from_one(iris):
    X, y = iris
    net = _network("sknetviz").fit(X, y)
    display = NeuronDisplay.from_estimator(net, X[0], layer=1, neuron=0)
    assert display.ax_.get_title() == "neuron 1 of hidden layer 2, for one sample"
    # An output neuron is named by its class alone.
    display = NeuronDisplay.from_estimator(net, X[0], layer=-1, neuron=2)
    assert display.ax_.get_title() == "output neuron (class 2), for one sample"
