"""NetworkDiagramDisplay: a fitted network drawn as neurons and weighted connections."""

from numbers import Integral

import numpy as np

from ._adapters import network_view
from ._style import (
    DIVERGING_CMAP,
    EDGE_COLOR,
    FONT_SIZES,
    INK,
    LINE_WIDTHS,
    MUTED,
    styled,
    symmetric_limit,
)

MAX_LINEWIDTH = 3.5
NODE_RADIUS = 0.32
LAYER_SPACING = 4.0
INCH_PER_UNIT = 0.42
HEADING_ROOM = 1.8
SKIP_ROOM = 1.3
LINE_ROOM = 0.45


def check_positive_int(value, name):
    """Raise a ValueError unless ``value`` is an int >= 1."""
    if isinstance(value, bool) or not isinstance(value, Integral) or value < 1:
        raise ValueError(f"{name} must be an int >= 1, got {value!r}.")
    return int(value)


def unit_strengths(coefs, layer):
    """L2 norm of every unit's incoming and outgoing weights.

    Parameters
    ----------
    coefs : list of ndarray of shape (fan_in, fan_out)
        The network's weight matrices, input side first.
    layer : int
        The layer, counted from the input layer (0) to the output layer
        (``len(coefs)``).

    Returns
    -------
    strengths : ndarray of shape (n_units,)
    """
    size = coefs[0].shape[0] if layer == 0 else coefs[layer - 1].shape[1]
    squares = np.zeros(size)
    if layer > 0:
        squares += np.square(coefs[layer - 1]).sum(axis=0)
    if layer < len(coefs):
        squares += np.square(coefs[layer]).sum(axis=1)
    return np.sqrt(squares)


def strongest_units(coefs, layer, max_units):
    """Indices, ascending, of the ``max_units`` strongest units of a layer
    (all of them if the layer is not wider), as ranked by :func:`unit_strengths`."""
    strengths = unit_strengths(coefs, layer)
    if strengths.size <= max_units:
        return np.arange(strengths.size)
    return np.sort(np.argsort(-strengths, kind="stable")[:max_units])


def input_names(view, feature_names):
    """Names of the network's input features.

    ``feature_names`` if given; else the names the Pipeline's earlier steps
    give out, or the network's ``feature_names_in_``; else x0, x1, ...
    """
    n_inputs = view.layer_sizes[0]
    if feature_names is None:
        feature_names = getattr(view.network, "feature_names_in_", None)
        if view.estimator is not view.network:
            try:
                feature_names = view.estimator[:-1].get_feature_names_out()
            except AttributeError:
                feature_names = None
    if feature_names is None:
        return np.array([f"x{i}" for i in range(n_inputs)])
    names = np.asarray(feature_names, dtype=object).astype(str)
    if names.shape != (n_inputs,):
        raise ValueError(
            f"feature_names must have one name per input of the network "
            f"({n_inputs}), got {len(names)}."
        )
    return names


def output_names(view, class_names, target_names=None):
    """Names of the output units: one per class, or the positive class alone
    for a binary network's single logistic unit; a regressor's targets,
    'y' alone or y0, y1, ..."""
    if view.is_regressor:
        if class_names is not None:
            raise ValueError(
                f"class_names names a classifier's classes, and "
                f"{type(view.network).__name__} is a regressor: name its outputs "
                "with target_names."
            )
        n_outputs = view.layer_sizes[-1]
        if target_names is None:
            return np.array(
                ["y"] if n_outputs == 1 else [f"y{i}" for i in range(n_outputs)]
            )
        names = np.asarray(target_names, dtype=object).astype(str)
        if names.shape != (n_outputs,):
            raise ValueError(
                f"target_names must have one name per output ({n_outputs}), got "
                f"{names.size}."
            )
        return names
    if target_names is not None:
        raise ValueError(
            f"target_names names a regressor's outputs, and "
            f"{type(view.network).__name__} is a classifier: name its classes "
            "with class_names."
        )
    classes = view.classes if class_names is None else np.asarray(class_names)
    if len(classes) != len(view.classes):
        raise ValueError(
            f"class_names must have one name per class ({len(view.classes)}), "
            f"got {len(classes)}."
        )
    names = np.asarray(classes, dtype=object).astype(str)
    if view.layer_sizes[-1] == 1:
        return names[1:]
    return names


class NetworkDiagramDisplay:
    """A fitted network drawn as neurons and the weights between them.

    The feedforward diagram of the visual guide with the model's real numbers:
    one column of circles per layer, input layer first; one line per weight,
    as thick as the weight is large (relative to the largest of its layer) and
    coloured by its value on the style's diverging map (blue below 0, white at
    0, orange above), on one scale symmetric about 0 shared with every
    neuron's fill, which is coloured by its bias. A layer
    wider than ``max_units`` shows its strongest units only (by the L2 norm of
    their incoming and outgoing weights) and says how many it hides.

    Each heading says what its layer applies after the weights: the
    activation, "BatchNorm, relu" where a batch normalisation comes between,
    "+ skip" where a Residual block adds the layer's input back; a dashed
    arc under the columns draws each skip connection. A bias before a
    BatchNorm is drawn as trained, though the normalisation takes it away
    again. A regressor's output units are its predicted values, named 'y'
    (or y0, y1, ...).

    The picture counts layers and units from 1, as every display of sknetviz
    does: the headings read "hidden 1", ..., and each hidden unit carries its
    number in its layer, from 1 (``shown_units`` holds Python indices, from 0).

    Create it with :meth:`from_estimator`; every parameter is kept as an attribute.

    Parameters
    ----------
    layer_sizes : list of int
        Units per layer, the input layer first.
    shown_units : list of ndarray of int
        The units drawn in each layer, ascending.
    weights : list of ndarray of shape (n_shown_in, n_shown_out)
        The weights between the drawn units of consecutive layers.
    biases : list of ndarray of shape (n_shown_out,)
        The biases of the drawn units of every layer after the input layer:
        ``biases[i]`` belongs to layer ``i + 1``.
    hidden_counts : list of int
        How many units of each layer are not drawn.
    input_names : ndarray of str of shape (layer_sizes[0],)
        Names of the input units.
    output_names : ndarray of str of shape (layer_sizes[-1],)
        Names of the output units.
    activation : str or None
        Activation of the hidden layers (None when they differ).
    out_activation : str
        Activation of the output layer.
    title : str, default=None
    hidden_descriptions : list of str, default=None
        What each hidden layer applies after its weights, e.g. 'relu' or
        'BatchNorm, relu + skip'; None gives ``activation`` to each.
    skips : list of tuple of int, default=()
        The skip connections, as (from, to) layer indices (0 the input
        layer): layer ``from``'s output is added to layer ``to``'s.

    Attributes
    ----------
    node_patches_ : list of list of matplotlib Circle
        The drawn neurons, one list per layer.
    edge_collection_ : matplotlib LineCollection
        The drawn weights.
    more_texts_ : list of matplotlib Text
        One "+ N more" per layer that hides units.
    skip_arrows_ : list of matplotlib FancyArrowPatch
        One dashed arc per skip connection.
    colorbar_ : matplotlib Colorbar
        The scale of the weights and biases.
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure

    See Also
    --------
    NeuronDisplay : The anatomy of one neuron for one sample.
    NeuronActivationDisplay : Every hidden neuron's output over the input plane.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_digits
    >>> from sknetviz import MLPVisualClassifier
    >>> from sknetviz.inspection import NetworkDiagramDisplay
    >>> X, y = load_digits(return_X_y=True)
    >>> clf = MLPVisualClassifier((32,), learning_rate_init=0.01, max_iter=200,
    ...                           random_state=0).fit(X / 16, y)
    >>> display = NetworkDiagramDisplay.from_estimator(clf, max_units=10)
    >>> display.layer_sizes, display.hidden_counts
    ([64, 32, 10], [54, 22, 0])
    >>> [text.get_text() for text in display.more_texts_]
    ['+ 54 more', '+ 22 more']
    """

    def __init__(
        self,
        *,
        layer_sizes,
        shown_units,
        weights,
        biases,
        hidden_counts,
        input_names,
        output_names,
        activation,
        out_activation,
        title=None,
        hidden_descriptions=None,
        skips=(),
    ):
        self.layer_sizes = layer_sizes
        self.shown_units = shown_units
        self.weights = weights
        self.biases = biases
        self.hidden_counts = hidden_counts
        self.input_names = input_names
        self.output_names = output_names
        self.activation = activation
        self.out_activation = out_activation
        self.title = title
        self.hidden_descriptions = hidden_descriptions
        self.skips = skips

    @styled
    def plot(self, ax=None, *, cmap=None):
        """Draw the neurons, the weights, the labels and a colorbar.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.
        cmap : str or matplotlib Colormap, default=None
            A diverging colormap for the weights and biases, its middle at 0;
            the style's :data:`~sknetviz.inspection._style.DIVERGING_CMAP`
            (blue negative, orange positive) when None.

        Returns
        -------
        display : NetworkDiagramDisplay
        """
        import matplotlib as mpl
        import matplotlib.pyplot as plt

        rows = max(len(units) for units in self.shown_units) + any(self.hidden_counts)
        n_layers = len(self.layer_sizes)
        # Room above the columns for the tallest heading, below for the skips.
        top_room = HEADING_ROOM + LINE_ROOM * max(
            self._layer_heading(layer).count("\n") - 1 for layer in range(n_layers)
        )
        bottom_room = SKIP_ROOM if self.skips else 0.0
        if ax is None:
            label_chars = max(len(name) for name in self.input_names) + max(
                len(name) for name in self.output_names
            )
            width = INCH_PER_UNIT * LAYER_SPACING * (n_layers - 1) + 2.2
            width += 0.075 * label_chars
            height = INCH_PER_UNIT * (rows + 0.4 + top_room + bottom_room) + 0.5
            _, ax = plt.subplots(figsize=(width, height), layout="constrained")
        cmap = mpl.colormaps[DIVERGING_CMAP if cmap is None else cmap]
        largest = symmetric_limit(
            np.concatenate(
                [w.ravel() for w in self.weights] + [b.ravel() for b in self.biases]
            )
        )
        norm = mpl.colors.Normalize(-largest, largest)
        positions = [self._unit_heights(units) for units in self.shown_units]
        self.edge_collection_ = self._draw_edges(mpl, ax, positions, cmap, norm)
        self.node_patches_ = self._draw_nodes(mpl, ax, positions, cmap, norm)
        self.more_texts_ = self._draw_labels(ax, positions)
        top = max(heights[0] for heights in positions)
        bottom = top - rows - 0.1
        self.skip_arrows_ = self._draw_skips(mpl, ax, bottom)
        ax.set_xlim(-2 * NODE_RADIUS, LAYER_SPACING * (n_layers - 1) + 2 * NODE_RADIUS)
        ax.set_ylim(bottom - bottom_room, top + top_room)
        ax.set_aspect("equal")
        ax.set_axis_off()
        mappable = mpl.cm.ScalarMappable(norm=norm, cmap=cmap)
        self.colorbar_ = ax.figure.colorbar(mappable, ax=ax, shrink=0.6, pad=0.02)
        self.colorbar_.set_label("weight (lines), bias (fill)")
        self.colorbar_.ax.tick_params(labelsize=FONT_SIZES["tick"])
        if self.title is not None:
            ax.set_title(self.title)
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    def _unit_heights(self, units):
        """Heights of the drawn units of a column, top to bottom, centred;
        a layer that hides units keeps room for its "+ N more" below."""
        heights = (len(units) - 1) / 2 - np.arange(len(units), dtype=float)
        return heights + 0.5 * any(self.hidden_counts)

    def _draw_edges(self, mpl, ax, positions, cmap, norm):
        segments, colors, widths = [], [], []
        for layer, W in enumerate(self.weights):
            x_from = layer * LAYER_SPACING + NODE_RADIUS
            x_to = (layer + 1) * LAYER_SPACING - NODE_RADIUS
            largest = np.abs(W).max(initial=0) or 1.0
            for i, j in np.ndindex(*W.shape):
                segments.append(
                    ((x_from, positions[layer][i]), (x_to, positions[layer + 1][j]))
                )
                colors.append(cmap(norm(W[i, j])))
                widths.append(MAX_LINEWIDTH * abs(W[i, j]) / largest)
        # Strong weights are drawn last, over the faint ones.
        order = np.argsort(widths, kind="stable")
        edges = mpl.collections.LineCollection(
            [segments[k] for k in order],
            colors=[colors[k] for k in order],
            linewidths=np.asarray(widths)[order],
            zorder=1,
        )
        ax.add_collection(edges)
        return edges

    def _draw_nodes(self, mpl, ax, positions, cmap, norm):
        patches = []
        for layer, heights in enumerate(positions):
            column = []
            for k, height in enumerate(heights):
                # An input has no bias: the page's white.
                fill = (
                    EDGE_COLOR if layer == 0 else cmap(norm(self.biases[layer - 1][k]))
                )
                circle = mpl.patches.Circle(
                    (layer * LAYER_SPACING, height),
                    NODE_RADIUS,
                    facecolor=fill,
                    edgecolor=INK,
                    linewidth=LINE_WIDTHS["guide"],
                    zorder=2,
                )
                ax.add_patch(circle)
                column.append(circle)
                if 0 < layer < len(positions) - 1:
                    # The unit's number, from 1, as NeuronDisplay and
                    # NeuronActivationDisplay name it.
                    dark = np.mean(mpl.colors.to_rgb(fill)) < 0.5
                    ax.text(
                        layer * LAYER_SPACING,
                        height,
                        str(self.shown_units[layer][k] + 1),
                        ha="center",
                        va="center",
                        fontsize=FONT_SIZES["note"] - 1,
                        color=EDGE_COLOR if dark else INK,
                        zorder=3,
                    )
            patches.append(column)
        return patches

    def _draw_labels(self, ax, positions):
        last = len(positions) - 1
        top = max(heights[0] for heights in positions) + NODE_RADIUS + 0.35
        for layer in range(len(positions)):
            ax.text(
                layer * LAYER_SPACING,
                top,
                self._layer_heading(layer),
                ha="center",
                va="bottom",
                fontsize=FONT_SIZES["tick"],
                color=INK,
            )
        gap = NODE_RADIUS + 0.15
        for name, height in zip(self.input_names[self.shown_units[0]], positions[0]):
            ax.text(
                -gap,
                height,
                name,
                ha="right",
                va="center",
                fontsize=FONT_SIZES["tick"],
                color=INK,
            )
        for name, height in zip(
            self.output_names[self.shown_units[last]], positions[last]
        ):
            x = last * LAYER_SPACING + gap
            ax.text(
                x,
                height,
                name,
                ha="left",
                va="center",
                fontsize=FONT_SIZES["tick"],
                color=INK,
            )
        more_texts = []
        for layer, (heights, hidden) in enumerate(zip(positions, self.hidden_counts)):
            if hidden:
                more_texts.append(
                    ax.text(
                        layer * LAYER_SPACING,
                        heights[-1] - 1.0,
                        f"+ {hidden} more",
                        ha="center",
                        va="center",
                        fontsize=FONT_SIZES["note"],
                        style="italic",
                        color=MUTED,
                    )
                )
        return more_texts

    def _draw_skips(self, mpl, ax, bottom):
        """A dashed arc under the columns for each skip connection, from the
        layer whose output it carries to the layer it is added to."""
        arrows = []
        for source, target in self.skips:
            start = (source * LAYER_SPACING, bottom)
            end = (target * LAYER_SPACING, bottom)
            # arc3 bends an arrow drawn left to right below the line joining
            # its ends, by `rad` times their distance.
            rad = 0.5 * SKIP_ROOM / (LAYER_SPACING * (target - source))
            arrow = mpl.patches.FancyArrowPatch(
                start,
                end,
                connectionstyle=f"arc3,rad={rad:.3f}",
                arrowstyle="-|>",
                mutation_scale=12,
                linestyle="--",
                linewidth=LINE_WIDTHS["guide"] * 1.4,
                color=MUTED,
                zorder=1,
            )
            ax.add_patch(arrow)
            ax.text(
                (start[0] + end[0]) / 2,
                bottom - 0.25 * SKIP_ROOM,
                "skip",
                ha="center",
                va="top",
                fontsize=FONT_SIZES["note"],
                style="italic",
                color=MUTED,
            )
            arrows.append(arrow)
        return arrows

    def _layer_heading(self, layer):
        size = self.layer_sizes[layer]
        if layer == 0:
            return f"input\n{size} features"
        if layer == len(self.layer_sizes) - 1:
            return f"output\n{size} × {self.out_activation}"
        if self.hidden_descriptions is None:
            return f"hidden {layer}\n{size} × {self.activation}"
        # A skip goes on a line of its own: neighbouring headings stay apart.
        description = self.hidden_descriptions[layer - 1].replace(" + ", "\n+ ")
        return f"hidden {layer}\n{size} × {description}"

    @classmethod
    def from_estimator(
        cls,
        estimator,
        *,
        max_units=12,
        ax=None,
        cmap=None,
        feature_names=None,
        class_names=None,
        title=None,
        target_names=None,
    ):
        """Draw the neurons and weights of a fitted network.

        Parameters
        ----------
        estimator : estimator
            A fitted sknetviz network estimator (MLPVisualClassifier,
            MLPVisualRegressor, NeuralNetClassifier...), MLPClassifier,
            MLPRegressor, or Pipeline ending in one (the diagram shows the
            network's inputs: the features after the Pipeline's earlier
            steps). A network with convolutions shows its dense head.
        max_units : int, default=12
            Most units drawn per layer; a wider layer shows its strongest.
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.
        cmap : str or matplotlib Colormap, default=None
            A diverging colormap; the style's, orange positive and blue
            negative, when None.
        feature_names : array-like of str, default=None
            Names of the network's inputs; by default the names the Pipeline's
            earlier steps give out, the network's ``feature_names_in_``, or
            x0, x1, ...
        class_names : array-like of str, default=None
            Names of the classes, in the order of ``classes_``; by default
            the class labels. A binary network has one output unit, named
            after the positive class ``classes_[1]``.
        title : str, default=None
        target_names : array-like of str, default=None
            Names of a regressor's outputs; 'y' for one output, y0, y1, ...
            for several by default.

        Returns
        -------
        display : NetworkDiagramDisplay
        """
        view = network_view(estimator, "NetworkDiagramDisplay")
        max_units = check_positive_int(max_units, "max_units")
        shown_units = [
            strongest_units(view.coefs, layer, max_units)
            for layer in range(len(view.layer_sizes))
        ]
        weights = [
            W[np.ix_(shown_units[layer], shown_units[layer + 1])]
            for layer, W in enumerate(view.coefs)
        ]
        biases = [b[shown_units[layer + 1]] for layer, b in enumerate(view.intercepts)]
        display = cls(
            layer_sizes=list(view.layer_sizes),
            shown_units=shown_units,
            weights=weights,
            biases=biases,
            hidden_counts=[
                size - len(units) for size, units in zip(view.layer_sizes, shown_units)
            ],
            input_names=input_names(view, feature_names),
            output_names=output_names(view, class_names, target_names),
            activation=view.activation,
            out_activation=view.out_activation,
            title=title,
            hidden_descriptions=[
                layer.description for layer in view.weight_layers[:-1]
            ],
            skips=[
                (layer.shortcut_source, index + 1)
                for index, layer in enumerate(view.weight_layers)
                if layer.shortcut is not None
            ],
        )
        return display.plot(ax=ax, cmap=cmap)
