"""NeuronDisplay: the anatomy of one neuron, with the numbers of one sample."""

from numbers import Integral

import numpy as np

from ..nn import Activation, BatchNorm, Dense, get_activation
from ..nn.activations import LEAKY_RELU_SLOPE
from ._adapters import as_array, network_view
from ._network import input_names, output_names
from ._style import (
    DIVERGING_CMAP,
    FONT_SIZES,
    INK,
    LINE_WIDTHS,
    MUTED,
    styled,
    tint,
)

MAX_INPUT_ROWS = 10
ROW_HEIGHT = 0.34
CANVAS_WIDTH = 12.0
BATCH_NORM_WIDTH = 2.9
SKIP_WIDTH = 1.0
ARROW_WIDTHS = (1.3, 3.8)
"""tuple of float: line widths of the smallest and the largest product's arrow;
the smallest stays visible."""
ARROW_DEPTHS = (0.5, 0.92)
"""tuple of float: how far along its arm of the diverging map (0 white, 1 the
darkest end) the smallest and the largest product's arrow is coloured."""
BOX_FILL = 0.12
"""float: how much of MUTED grey a box of the diagram shows over white."""

FORMULAS = {
    "identity": "f(z) = z",
    "logistic": r"f(z) = 1 / (1 + $e^{-z}$)",
    "sigmoid": r"f(z) = 1 / (1 + $e^{-z}$)",
    "tanh": "f(z) = tanh(z)",
    "relu": "f(z) = max(0, z)",
    "leaky_relu": f"f(z) = max({LEAKY_RELU_SLOPE:g} z, z)",
    "softmax": r"f(z)$_k$ = $e^{z_k}$ / $\Sigma_j\, e^{z_j}$",
    "exp": r"f(z) = $e^{z}$",
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
    Where the network has them, a batch normalisation box comes between the
    sum and the activation (``ẑ = γ (z - μ) / √(σ² + ε) + β`` with the running
    statistics, as at inference; the activation is then ``f(ẑ)``), and a
    skip connection adds its share to the output (``a = f + skip``). A
    regressor's output neuron gives a predicted value.
    With more than 10 inputs, the 10 largest contributions ``|input * weight|``
    are drawn, largest first, and the others summed on one line.

    Each input's arrow takes the sign of its product from the diverging map
    (orange adds to ``z``, blue takes away) and its size from its width, which
    never falls below a visible line.

    The picture counts layers and neurons from 1, as every display of
    sknetviz does: ``layer=0, neuron=2`` is drawn as "neuron 3 of hidden
    layer 1", and the first hidden layer's third output feeds the next layer
    as ``h1[3]``. The ``layer`` and ``neuron`` arguments and attributes are
    Python indices, from 0.

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
        ``f(z)``; for a softmax layer, the neuron's share of the layer's
        softmax; with a batch normalisation, ``f(ẑ)``; with a skip
        connection, plus ``skip``.
    input_names : ndarray of str of shape (n_inputs,)
        The input features for the first hidden layer; ``h1[3]`` (the third
        unit of hidden layer 1, counted from 1) and so on after it.
    layer : int
        0 for the first hidden layer; the last index is the output layer.
    neuron : int
        The neuron's index in its layer, from 0 (the picture counts from 1).
    layer_name : str
        'hidden layer 1', ... or 'output layer'.
    output_name : str, default=None
        The class (or a regressor's target) of an output neuron.
    preprocessed : bool, default=False
        Whether the first layer's inputs went through a Pipeline's earlier
        steps (so they are the transformed values of the named features).
    batch_norm : dict, default=None
        The neuron's batch normalisation at inference: 'mean' and 'var' (its
        running statistics), 'gamma', 'beta', 'epsilon', and 'output', the
        normalised ``ẑ`` the activation takes. None without one.
    skip : float, default=None
        What the layer's skip connection adds to the activation's output
        (the block's input for this unit, or its projection); None without
        one.
    output_role : {'class', 'target'}, default='class'
        What ``output_name`` is: a class, or a regressor's target (the
        title then reads "predicted y").

    Attributes
    ----------
    shown_inputs : ndarray of int
        The inputs drawn: all, or the 10 largest contributions.
    rest_sum : float
        Sum of the products of the inputs not drawn (0 when all are).
    input_texts_ : list of matplotlib Text
        One line per drawn input, "input x weight = product".
    input_arrows_ : list of matplotlib Annotation
        One arrow per drawn input, into the sum box: orange (the diverging
        map's upper arm) for a positive product, blue for a negative one,
        grey for 0; wider and deeper the larger the product.
    more_text_ : matplotlib Text or None
        The "+ N more (sum = ...)" line.
    sum_box_ : matplotlib FancyBboxPatch
        The box with the weighted sum, the bias and z.
    batch_norm_box_ : matplotlib FancyBboxPatch or None
        The box with the batch normalisation, when there is one.
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
        batch_norm=None,
        skip=None,
        output_role="class",
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
        self.batch_norm = batch_norm
        self.skip = skip
        self.output_role = output_role
        if products.size > MAX_INPUT_ROWS:
            order = np.argsort(-np.abs(products), kind="stable")
            self.shown_inputs = order[:MAX_INPUT_ROWS]
            self.rest_sum = float(products[order[MAX_INPUT_ROWS:]].sum())
        else:
            self.shown_inputs = np.arange(products.size)
            self.rest_sum = 0.0

    @styled
    def plot(self, ax=None, *, cmap=None):
        """Draw the inputs, the sum box, the activation box and the output.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None. The drawing is laid out
            for an Axes about 12 inches wide, 2.9 more with a batch
            normalisation and 1 more with a skip connection.
        cmap : str or matplotlib Colormap, default=None
            A diverging map whose two arms colour the input arrows by the
            sign of their product (its middle is never used); the style's
            :data:`~sknetviz.inspection._style.DIVERGING_CMAP` when None.

        Returns
        -------
        display : NeuronDisplay
        """
        import matplotlib as mpl
        import matplotlib.pyplot as plt

        n_rows = len(self.shown_inputs) + (self._n_hidden > 0)
        table_half = ROW_HEIGHT * (n_rows - 1) / 2
        # Room below the boxes for the bias and the softmax note, below the
        # table for the arrows' key.
        centre = max(table_half + 0.8, 1.85)
        height = centre + table_half + 0.75
        width = (
            CANVAS_WIDTH
            + BATCH_NORM_WIDTH * (self.batch_norm is not None)
            + SKIP_WIDTH * (self.skip is not None)
        )
        if ax is None:
            figure = plt.figure(figsize=(width, height + 0.45))
            ax = figure.add_axes((0.0, 0.0, 1.0, height / (height + 0.45)))
        ax.set_xlim(0, width)
        ax.set_ylim(0, height)
        ax.set_axis_off()
        cmap = mpl.colormaps[DIVERGING_CMAP if cmap is None else cmap]
        row_heights = centre + table_half - ROW_HEIGHT * np.arange(n_rows)
        self._draw_inputs(ax, row_heights, centre, cmap)
        self._draw_sum(mpl, ax, centre)
        self.batch_norm_box_ = None
        if self.batch_norm is not None:
            self._draw_batch_norm(mpl, ax, centre)
        self._draw_activation(mpl, ax, centre)
        if self.output_name is None:
            title = f"neuron {self.neuron + 1} of {self.layer_name}"
        else:
            # The class (or target) names an output neuron: a number beside a
            # class label would read as another class.
            role = "predicted" if self.output_role == "target" else self.output_role
            title = f"output neuron ({role} {self.output_name})"
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
        ax.text(2.05, header_height, header, family="monospace", va="bottom", color=INK)
        if self.layer > 0:
            source = f"unit of hidden layer {self.layer}"
        else:
            source = "feature (preprocessed)" if self.preprocessed else "feature"
        ax.text(1.95, header_height, source, ha="right", va="bottom", color=INK)
        largest = np.abs(self.products).max(initial=0) or 1.0
        # The arrows land spread along the sum box's left side.
        spread = row_heights - centre
        ends = centre + 0.45 * spread / (np.abs(spread).max(initial=0) or 1.0)
        self.input_texts_, self.input_arrows_ = [], []
        for index, height, end in zip(self.shown_inputs, row_heights, ends):
            ax.text(
                1.95,
                height,
                self.input_names[index],
                ha="right",
                va="center",
                color=INK,
            )
            line = (
                f"{significant(self.inputs[index]):>9} × "
                f"{significant(self.weights[index]):>9} = "
                f"{significant(self.products[index]):>9}"
            )
            self.input_texts_.append(
                ax.text(2.05, height, line, family="monospace", va="center", color=INK)
            )
            share = self.products[index] / largest
            low, high = ARROW_WIDTHS
            self.input_arrows_.append(
                _arrow(
                    ax,
                    (4.95, height),
                    (5.75, end),
                    _product_color(cmap, share),
                    low + (high - low) * abs(share),
                )
            )
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
                color=MUTED,
            )
            _arrow(ax, (4.95, height), (5.75, ends[-1]), MUTED, ARROW_WIDTHS[0])
        ax.text(
            4.75,
            row_heights[-1] - 0.45,
            "arrow: orange adds to z, blue takes away; width: |product|",
            ha="right",
            va="top",
            style="italic",
            fontsize=FONT_SIZES["note"],
            color=MUTED,
        )

    def _draw_sum(self, mpl, ax, centre):
        self.sum_box_ = _box(mpl, ax, (5.8, centre - 0.6), 2.1, 1.2)
        lines = [
            f"Σ input × weight = {significant(self.products.sum())}",
            f"+ bias = {significant(self.bias)}",
            f"z = {significant(self.z)}",
        ]
        ax.text(
            6.85,
            centre,
            "\n".join(lines),
            ha="center",
            va="center",
            linespacing=1.6,
            color=INK,
        )
        ax.annotate(
            f"bias b = {significant(self.bias)}",
            xy=(6.85, centre - 0.67),
            xytext=(6.85, centre - 1.3),
            ha="center",
            va="top",
            color=INK,
            arrowprops={"arrowstyle": "-|>", "color": INK},
        )

    def _draw_batch_norm(self, mpl, ax, centre):
        """The normalisation box, between the sum and the activation."""
        bn = self.batch_norm
        _arrow(ax, (7.97, centre), (8.33, centre), INK, LINE_WIDTHS["curve"])
        width = BATCH_NORM_WIDTH - 0.6
        self.batch_norm_box_ = _box(mpl, ax, (8.4, centre - 0.75), width, 1.5)
        std = np.sqrt(bn["var"] + bn["epsilon"])
        lines = [
            "batch norm (running statistics)",
            r"ẑ = γ (z − μ) / $\sqrt{σ^2 + ε}$ + β",
            f"μ = {significant(bn['mean'])},  "
            rf"$\sqrt{{σ^2 + ε}}$ = {significant(std)}",
            f"γ = {significant(bn['gamma'])},  β = {significant(bn['beta'])}",
            f"ẑ = {significant(bn['output'])}",
        ]
        ax.text(
            8.4 + width / 2,
            centre,
            "\n".join(lines),
            ha="center",
            va="center",
            linespacing=1.5,
            fontsize=FONT_SIZES["note"],
            color=INK,
        )

    def _draw_activation(self, mpl, ax, centre):
        # Everything from here on sits right of the normalisation box, if any.
        x = 7.97 + BATCH_NORM_WIDTH * (self.batch_norm is not None)
        _arrow(ax, (x, centre), (x + 0.36, centre), INK, LINE_WIDTHS["curve"])
        self.activation_box_ = _box(mpl, ax, (x + 0.43, centre - 0.6), 1.9, 1.2)
        formula = FORMULAS[self.activation]
        activated = self.output - (self.skip or 0.0)
        if self.activation == "softmax":
            lines = [self.activation, formula, "over the whole layer"]
            ax.text(
                x + 1.38,
                centre - 0.8,
                "softmax needs every z of the layer:\n"
                "a is this neuron's share of the\nlayer's softmax",
                ha="center",
                va="top",
                style="italic",
                fontsize=FONT_SIZES["note"],
                color=MUTED,
            )
        else:
            argument = self.z if self.batch_norm is None else self.batch_norm["output"]
            lines = [
                self.activation,
                formula if self.batch_norm is None else formula.replace("z", "ẑ"),
                f"f({significant(argument)}) = {significant(activated)}",
            ]
        ax.text(
            x + 1.38,
            centre,
            "\n".join(lines),
            ha="center",
            va="center",
            linespacing=1.6,
            color=INK,
        )
        _arrow(ax, (x + 2.4, centre), (x + 2.76, centre), INK, LINE_WIDTHS["curve"])
        if self.skip is None:
            text = f"output\na = {significant(self.output)}"
        else:
            text = (
                f"output\na = f + skip\n= {significant(activated)} "
                f"{'−' if self.skip < 0 else '+'} {significant(abs(self.skip))}"
                f"\n= {significant(self.output)}"
            )
        self.output_text_ = ax.text(
            x + 2.83,
            centre,
            text,
            va="center",
            fontweight="bold",
            linespacing=1.5,
            color=INK,
        )

    @classmethod
    def from_estimator(
        cls, estimator, x, *, layer=0, neuron=0, feature_names=None, ax=None
    ):
        """Draw one neuron of a fitted network at work on one sample.

        Parameters
        ----------
        estimator : estimator
            A fitted sknetviz network estimator (MLPVisualClassifier,
            MLPVisualRegressor, NeuralNetClassifier...), MLPClassifier,
            MLPRegressor, or Pipeline ending in one.
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
        n_weight_layers = len(view.weight_layers)
        layer = check_layer(layer, n_weight_layers)
        weight_layer = view.weight_layers[layer]
        n_units = view.layer_sizes[layer + 1]
        if isinstance(neuron, bool) or not isinstance(neuron, Integral):
            raise ValueError(f"neuron must be an int, got {neuron!r}.")
        if not 0 <= neuron < n_units:
            raise ValueError(
                f"neuron must be in [0, {n_units - 1}]: the "
                f"{layer_title(layer, n_weight_layers)} has {n_units} units; "
                f"got {neuron}."
            )
        _check_anatomy(weight_layer, layer_title(layer, n_weight_layers), view)
        row = _one_sample(x, getattr(estimator, "n_features_in_", None))
        network_input, steps = view.steps(row)
        step = steps[layer]
        inputs = (network_input if layer == 0 else steps[layer - 1]["output"])[0]
        weights = weight_layer.coef[:, neuron]
        products = inputs * weights
        bias = float(weight_layer.intercept[neuron])
        z = float(inputs @ weights + bias)
        activation = weight_layer.activation
        batch_norm = _batch_norm_numbers(weight_layer.batch_norm, step, neuron)
        skip = None
        if weight_layer.shortcut is not None:
            skip = float(step["output"][0, neuron] - step["activated"][0, neuron])
        if activation == "softmax":
            output = float(step["output"][0, neuron])
        else:
            argument = z if batch_norm is None else batch_norm["output"]
            output = float(get_activation(activation)[0](np.array([argument]))[0])
            output += skip or 0.0
        if layer == 0:
            names = input_names(view, feature_names)
        else:
            # Units counted from 1, as the picture counts them.
            names = np.array([f"h{layer}[{j + 1}]" for j in range(inputs.size)])
        output_name = None
        if layer == n_weight_layers - 1:
            output_name = output_names(view, None)[neuron]
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
            batch_norm=batch_norm,
            skip=skip,
            output_role="target" if view.is_regressor else "class",
        )
        return display.plot(ax=ax)


ANATOMIES = ([], [BatchNorm], [Activation], [BatchNorm, Activation])
"""list: the steps after a Dense that NeuronDisplay draws one by one."""


def _check_anatomy(weight_layer, title, view):
    """Refuse a layer that is not a Dense, then its BatchNorm and activation."""
    if weight_layer.layer is None:  # scikit-learn's MLPs
        return
    steps = [type(step) for step in weight_layer.steps]
    if isinstance(weight_layer.layer, Dense) and steps in ANATOMIES:
        return
    layers = ", ".join(map(repr, (weight_layer.layer, *weight_layer.steps)))
    raise TypeError(
        "NeuronDisplay draws a neuron as z = x @ w + b in a Dense, then a "
        f"BatchNorm and an activation; the {title} of "
        f"{type(view.network).__name__} is {layers}, which it cannot break "
        "down so. NetworkDiagramDisplay and NeuronActivationDisplay draw such "
        "a layer whole."
    )


def _batch_norm_numbers(batch_norm, step, neuron):
    """One unit's running statistics, scale, shift and normalised output, or
    None without a BatchNorm."""
    if batch_norm is None:
        return None
    return {
        "mean": float(batch_norm.running_mean[neuron]),
        "var": float(batch_norm.running_var[neuron]),
        "gamma": float(batch_norm.gamma[neuron]),
        "beta": float(batch_norm.beta[neuron]),
        "epsilon": float(batch_norm.epsilon),
        "output": float(step["normalized"][0, neuron]),
    }


def _box(mpl, ax, corner, width, height):
    """A rounded box of the diagram, pale grey with an ink edge."""
    box = mpl.patches.FancyBboxPatch(
        corner,
        width,
        height,
        boxstyle="round,pad=0.05",
        facecolor=tint(MUTED, BOX_FILL),
        edgecolor=INK,
        linewidth=LINE_WIDTHS["guide"],
    )
    ax.add_patch(box)
    return box


def _product_color(cmap, share):
    """The colour of an input's arrow: the diverging map's arm for the sign of
    its product, deeper the larger ``|share|`` (its size relative to the
    largest product) is, never as pale as the map's white middle."""
    if share == 0:
        return MUTED
    low, high = ARROW_DEPTHS
    depth = low + (high - low) * abs(share)
    return cmap(0.5 + 0.5 * np.sign(share) * depth)


def _arrow(ax, start, end, color, width):
    """An arrow of the diagram."""
    return ax.annotate(
        "",
        xy=end,
        xytext=start,
        arrowprops={"arrowstyle": "-|>", "color": color, "lw": width},
    )
