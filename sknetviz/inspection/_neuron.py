"""NeuronDisplay: the anatomy of one neuron, with the numbers of one sample."""

from numbers import Integral

import numpy as np

from ..nn import get_activation
from ..nn.activations import LEAKY_RELU_SLOPE
from ._adapters import network_view
from ._grid import as_array
from ._network import input_names

MAX_INPUT_ROWS = 10
ROW_HEIGHT = 0.34
CANVAS_WIDTH = 12.0

FORMULAS = {
    "identity": "f(z) = z",
    "logistic": r"f(z) = 1 / (1 + $e^{-z}$)",
    "sigmoid": r"f(z) = 1 / (1 + $e^{-z}$)",
    "tanh": "f(z) = tanh(z)",
    "relu": "f(z) = max(0, z)",
    "leaky_relu": f"f(z) = max({LEAKY_RELU_SLOPE:g} z, z)",
    "softmax": r"f(z)$_k$ = $e^{z_k}$ / $\Sigma_j\, e^{z_j}$",
}
"""dict: activation name -> the formula printed in the activation box."""


def significant(value):
    """``value`` printed with 3 significant digits (and no negative zero)."""
    return f"{float(value) + 0.0:.3g}"


def check_layer(layer, n_weight_layers, name="layer"):
    """Validate a layer index: 0 is the first hidden layer, ``n_weight_layers - 1``
    the output layer, and negative indices count from the output layer."""
    if (
        isinstance(layer, bool)
        or not isinstance(layer, Integral)
        or not -n_weight_layers <= layer < n_weight_layers
    ):
        raise ValueError(
            f"{name} must be an int from 0 (the first hidden layer) to "
            f"{n_weight_layers - 1} (the output layer), got {layer!r}."
        )
    return int(layer) % n_weight_layers


def layer_title(layer, n_weight_layers):
    """'hidden layer 1', ... or 'output layer' for a 0-based layer index."""
    if layer == n_weight_layers - 1:
        return "output layer"
    return f"hidden layer {layer + 1}"


def _one_sample(x, n_features):
    """``x`` as one row the estimator takes (a one-row DataFrame stays one)."""
    if hasattr(x, "columns"):
        row = x
    else:
        row = np.asarray(as_array(x), dtype=float)
        if row.ndim == 1:
            row = row.reshape(1, -1)
    if row.ndim != 2 or row.shape[0] != 1:
        raise ValueError(
            "x must be one sample, of shape (n_features,) or (1, n_features); "
            f"got shape {np.shape(row)}."
        )
    if n_features is not None and row.shape[1] != n_features:
        raise ValueError(
            f"x has {row.shape[1]} features, but the estimator expects {n_features}."
        )
    return row


class NeuronDisplay:
    """The anatomy of one neuron, with the real numbers of one sample.

    The visual guide's neuron, "inputs -> weights -> sum + bias -> activation
    -> output", for one sample ``x``: each input of the neuron (the previous
    layer's output for ``x``), its weight and their product; the weighted sum
    plus the bias, ``z``; the activation and its formula; and the output
    ``a = f(z)``. An output neuron of a softmax network depends on the whole
    layer's ``z``: its output is the layer's softmax, and the drawing says so.
    With more than 10 inputs, the 10 largest contributions ``|input * weight|``
    are drawn, largest first, and the others summed on one line.

    Create it with :meth:`from_estimator`; every parameter is kept as an attribute.

    Parameters
    ----------
    inputs : ndarray of shape (n_inputs,)
        The neuron's inputs for the sample.
    weights : ndarray of shape (n_inputs,)
        The neuron's weights.
    products : ndarray of shape (n_inputs,)
        ``inputs * weights``.
    bias : float
    z : float
        ``products.sum() + bias``.
    activation : str
        The activation of the neuron's layer.
    output : float
        ``f(z)``; for a softmax layer, the neuron's share of the layer's softmax.
    input_names : ndarray of str of shape (n_inputs,)
        The input features for the first hidden layer; ``h1[3]`` (unit 3 of
        hidden layer 1) and so on after it.
    layer : int
        0 for the first hidden layer; the last index is the output layer.
    neuron : int
        The neuron's index in its layer.
    layer_name : str
        'hidden layer 1', ... or 'output layer'.
    output_name : str, default=None
        The class of an output neuron.
    preprocessed : bool, default=False
        Whether the first layer's inputs went through a Pipeline's earlier
        steps (so they are the transformed values of the named features).

    Attributes
    ----------
    shown_inputs : ndarray of int
        The inputs drawn: all, or the 10 largest contributions.
    rest_sum : float
        Sum of the products of the inputs not drawn (0 when all are).
    input_texts_ : list of matplotlib Text
        One line per drawn input, "input x weight = product".
    more_text_ : matplotlib Text or None
        The "+ N more (sum = ...)" line.
    sum_box_ : matplotlib FancyBboxPatch
        The box with the weighted sum, the bias and z.
    activation_box_ : matplotlib FancyBboxPatch
        The box with the activation and its formula.
    output_text_ : matplotlib Text
        The output a = f(z).
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure

    See Also
    --------
    NetworkDiagramDisplay : The whole network's neurons and weights.
    NeuronActivationDisplay : Every hidden neuron's output over the input plane.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_iris
    >>> from sknetviz import MLPVisualClassifier
    >>> from sknetviz.inspection import NeuronDisplay
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = MLPVisualClassifier((5,), learning_rate_init=0.01, max_iter=1000,
    ...                           random_state=0).fit(X, y)
    >>> display = NeuronDisplay.from_estimator(clf, X[0], layer=0, neuron=2)
    >>> bool(abs(display.z - (display.inputs @ display.weights + display.bias)) < 1e-12)
    True
    >>> display.activation, display.output == max(0.0, display.z)
    ('relu', True)
    """

    def __init__(
        self,
        *,
        inputs,
        weights,
        products,
        bias,
        z,
        activation,
        output,
        input_names,
        layer,
        neuron,
        layer_name,
        output_name=None,
        preprocessed=False,
    ):
        self.inputs = inputs
        self.weights = weights
        self.products = products
        self.bias = bias
        self.z = z
        self.activation = activation
        self.output = output
        self.input_names = input_names
        self.layer = layer
        self.neuron = neuron
        self.layer_name = layer_name
        self.output_name = output_name
        self.preprocessed = preprocessed
        if products.size > MAX_INPUT_ROWS:
            order = np.argsort(-np.abs(products), kind="stable")
            self.shown_inputs = order[:MAX_INPUT_ROWS]
            self.rest_sum = float(products[order[MAX_INPUT_ROWS:]].sum())
        else:
            self.shown_inputs = np.arange(products.size)
            self.rest_sum = 0.0

    def plot(self, ax=None, *, cmap="RdBu_r"):
        """Draw the inputs, the sum box, the activation box and the output.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None. The drawing is laid out
            for an Axes about 12 inches wide.
        cmap : str or matplotlib Colormap, default="RdBu_r"
            Colours the input arrows by the sign and size of their product.

        Returns
        -------
        display : NeuronDisplay
        """
        import matplotlib as mpl
        import matplotlib.pyplot as plt

        n_rows = len(self.shown_inputs) + (self._n_hidden > 0)
        table_half = ROW_HEIGHT * (n_rows - 1) / 2
        # Room below the boxes for the bias and the softmax note.
        centre = max(table_half + 0.35, 1.85)
        height = centre + table_half + 0.75
        if ax is None:
            figure = plt.figure(figsize=(CANVAS_WIDTH, height + 0.45))
            ax = figure.add_axes((0.0, 0.0, 1.0, height / (height + 0.45)))
        ax.set_xlim(0, CANVAS_WIDTH)
        ax.set_ylim(0, height)
        ax.set_axis_off()
        cmap = mpl.colormaps[cmap] if isinstance(cmap, str) else cmap
        row_heights = centre + table_half - ROW_HEIGHT * np.arange(n_rows)
        self._draw_inputs(ax, row_heights, centre, cmap)
        self._draw_sum(mpl, ax, centre)
        self._draw_activation(mpl, ax, centre)
        if self.output_name is None:
            title = f"neuron {self.neuron} of {self.layer_name}"
        else:
            title = f"output neuron {self.neuron} (class {self.output_name})"
        ax.set_title(title + ", for one sample")
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    @property
    def _n_hidden(self):
        return self.products.size - len(self.shown_inputs)

    def _draw_inputs(self, ax, row_heights, centre, cmap):
        header_height = row_heights[0] + 0.3
        header = f"{'input':>9}   {'weight':>9}   {'product':>9}"
        ax.text(2.05, header_height, header, family="monospace", va="bottom")
        if self.layer > 0:
            source = f"unit of hidden layer {self.layer}"
        else:
            source = "feature (preprocessed)" if self.preprocessed else "feature"
        ax.text(1.95, header_height, source, ha="right", va="bottom")
        largest = np.abs(self.products).max(initial=0) or 1.0
        # The arrows land spread along the sum box's left side.
        spread = row_heights - centre
        ends = centre + 0.45 * spread / (np.abs(spread).max(initial=0) or 1.0)
        self.input_texts_ = []
        for index, height, end in zip(self.shown_inputs, row_heights, ends):
            ax.text(1.95, height, self.input_names[index], ha="right", va="center")
            line = (
                f"{significant(self.inputs[index]):>9} × "
                f"{significant(self.weights[index]):>9} = "
                f"{significant(self.products[index]):>9}"
            )
            self.input_texts_.append(
                ax.text(2.05, height, line, family="monospace", va="center")
            )
            share = self.products[index] / largest
            color = cmap(0.5 + 0.45 * share)
            _arrow(ax, (4.85, height), (5.75, end), color, 0.6 + 2.4 * abs(share))
        self.more_text_ = None
        if self._n_hidden:
            height = row_heights[-1]
            self.more_text_ = ax.text(
                4.75,
                height,
                f"+ {self._n_hidden} more (sum = {significant(self.rest_sum)})",
                ha="right",
                va="center",
                style="italic",
                color="0.3",
            )
            _arrow(ax, (4.85, height), (5.75, ends[-1]), "0.6", 0.8)

    def _draw_sum(self, mpl, ax, centre):
        self.sum_box_ = _box(mpl, ax, (5.8, centre - 0.6), 2.1, 1.2, "#f2f2f2")
        lines = [
            f"Σ input × weight = {significant(self.products.sum())}",
            f"+ bias = {significant(self.bias)}",
            f"z = {significant(self.z)}",
        ]
        ax.text(
            6.85, centre, "\n".join(lines), ha="center", va="center", linespacing=1.6
        )
        ax.annotate(
            f"bias b = {significant(self.bias)}",
            xy=(6.85, centre - 0.67),
            xytext=(6.85, centre - 1.3),
            ha="center",
            va="top",
            arrowprops={"arrowstyle": "-|>", "color": "0.3"},
        )

    def _draw_activation(self, mpl, ax, centre):
        _arrow(ax, (7.97, centre), (8.33, centre), "0.2", 1.5)
        self.activation_box_ = _box(mpl, ax, (8.4, centre - 0.6), 1.9, 1.2, "#fff2cc")
        formula = FORMULAS[self.activation]
        if self.activation == "softmax":
            lines = [self.activation, formula, "over the whole layer"]
            ax.text(
                9.35,
                centre - 0.8,
                "softmax needs every z of the layer:\n"
                "a is this neuron's share of the\nlayer's softmax",
                ha="center",
                va="top",
                style="italic",
                fontsize="small",
                color="0.3",
            )
        else:
            lines = [
                self.activation,
                formula,
                f"f({significant(self.z)}) = {significant(self.output)}",
            ]
        ax.text(
            9.35, centre, "\n".join(lines), ha="center", va="center", linespacing=1.6
        )
        _arrow(ax, (10.37, centre), (10.73, centre), "0.2", 1.5)
        self.output_text_ = ax.text(
            10.8,
            centre,
            f"output\na = {significant(self.output)}",
            va="center",
            fontweight="bold",
            linespacing=1.5,
        )

    @classmethod
    def from_estimator(
        cls, estimator, x, *, layer=0, neuron=0, feature_names=None, ax=None
    ):
        """Draw one neuron of a fitted network at work on one sample.

        Parameters
        ----------
        estimator : estimator
            A fitted MLPVisualClassifier, MLPClassifier, or Pipeline ending in one.
        x : array-like of shape (n_features,) or (1, n_features)
            The sample, as the estimator takes it (before the Pipeline's steps).
        layer : int, default=0
            0 is the first hidden layer, ``n_layers_ - 2`` the output layer;
            negative values count from the output layer.
        neuron : int, default=0
            The neuron's index in its layer.
        feature_names : array-like of str, default=None
            Names of the network's inputs, for ``layer=0``; by default the
            names the Pipeline's earlier steps give out, the network's
            ``feature_names_in_``, or x0, x1, ...
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.

        Returns
        -------
        display : NeuronDisplay
        """
        view = network_view(estimator, "NeuronDisplay")
        n_weight_layers = len(view.coefs)
        layer = check_layer(layer, n_weight_layers)
        n_units = view.layer_sizes[layer + 1]
        if isinstance(neuron, bool) or not isinstance(neuron, Integral):
            raise ValueError(f"neuron must be an int, got {neuron!r}.")
        if not 0 <= neuron < n_units:
            raise ValueError(
                f"neuron must be in [0, {n_units - 1}]: the "
                f"{layer_title(layer, n_weight_layers)} has {n_units} units; "
                f"got {neuron}."
            )
        row = _one_sample(x, getattr(estimator, "n_features_in_", None))
        outputs = view.layer_outputs(row)
        inputs = outputs[layer][0]
        weights = view.coefs[layer][:, neuron]
        products = inputs * weights
        bias = float(view.intercepts[layer][neuron])
        z = float(inputs @ weights + bias)
        is_output = layer == n_weight_layers - 1
        activation = view.out_activation if is_output else view.activation
        if activation == "softmax":
            output = float(outputs[layer + 1][0, neuron])
        else:
            output = float(get_activation(activation)[0](np.array([z]))[0])
        if layer == 0:
            names = input_names(view, feature_names)
        else:
            names = np.array([f"h{layer}[{j}]" for j in range(inputs.size)])
        output_name = None
        if is_output:
            classes = view.classes[1:] if n_units == 1 else view.classes
            output_name = str(classes[neuron])
        display = cls(
            inputs=inputs,
            weights=weights,
            products=products,
            bias=bias,
            z=z,
            activation=activation,
            output=output,
            input_names=names,
            layer=layer,
            neuron=int(neuron),
            layer_name=layer_title(layer, n_weight_layers),
            output_name=output_name,
            preprocessed=view.estimator is not view.network,
        )
        return display.plot(ax=ax)


def _box(mpl, ax, corner, width, height, color):
    """A rounded box of the diagram."""
    box = mpl.patches.FancyBboxPatch(
        corner,
        width,
        height,
        boxstyle="round,pad=0.05",
        facecolor=color,
        edgecolor="0.25",
        linewidth=1.2,
    )
    ax.add_patch(box)
    return box


def _arrow(ax, start, end, color, width):
    """An arrow of the diagram."""
    ax.annotate(
        "",
        xy=end,
        xytext=start,
        arrowprops={"arrowstyle": "-|>", "color": color, "lw": width},
    )
