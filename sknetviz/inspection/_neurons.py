"""NeuronActivationDisplay: every hidden neuron's output as a heatmap over the input
plane, as TensorFlow Playground shows it."""

import numpy as np

from ._adapters import as_array, network_view
from ._grid import (
    CHUNK_POINTS,
    _as_rows,
    check_grid_arguments,
    chunk_slices,
    meshgrid,
    n_features_of,
)
from ._network import check_positive_int, strongest_units
from ._neuron import check_layer, layer_title
from ._style import (
    DIVERGING_CMAP,
    FONT_SIZES,
    LINE_WIDTHS,
    MARKER_SIZES,
    SEQUENTIAL_CMAP,
    class_colors,
    sample_kwargs,
    styled,
)

BOUNDED_RANGES = {
    "logistic": (0.0, 1.0),
    "sigmoid": (0.0, 1.0),
    "softmax": (0.0, 1.0),
    "tanh": (-1.0, 1.0),
}
"""dict: activation -> its fixed colour range; others are symmetric around 0."""

PANEL_INCHES = 1.9
SAMPLE_SCALE = 0.4
"""float: a sample's marker area (and edge width) on a small heatmap, as a
share of the style's."""


def layer_outputs_on_grid(view, xx0, xx1, layers, neurons, like):
    """The outputs of chosen neurons of chosen layers over the grid.

    Evaluated ``CHUNK_POINTS`` grid points at a time, so memory stays bounded
    at any grid resolution.

    Parameters
    ----------
    view : NetworkView
    xx0, xx1 : ndarray of shape (grid_resolution, grid_resolution)
    layers : list of int
        Layer indices, 0 for the first hidden layer.
    neurons : list of ndarray of int
        The neurons of each layer.
    like : array-like
        The user's X, whose container (a DataFrame's columns) the grid takes.

    Returns
    -------
    activations : list of ndarray of shape (n_neurons, grid_resolution, \
            grid_resolution)
    """
    points = np.column_stack([xx0.ravel(), xx1.ravel()])
    flat = [np.empty((len(units), len(points))) for units in neurons]
    for rows in chunk_slices(len(points), CHUNK_POINTS):
        outputs = view.layer_outputs(_as_rows(points[rows], like))
        for values, layer, units in zip(flat, layers, neurons):
            values[:, rows] = outputs[layer + 1][:, units].T
    return [values.reshape(-1, *xx0.shape) for values in flat]


def color_range(activation, values, *, bounded=True):
    """(vmin, vmax) of a layer: fixed for bounded activations (unless
    ``bounded`` is False: a skip connection adds to them), else symmetric
    around 0 up to the layer's largest magnitude."""
    if bounded and activation in BOUNDED_RANGES:
        return BOUNDED_RANGES[activation]
    largest = float(np.abs(values).max(initial=0)) or 1.0
    return -largest, largest


def _layer_color_range(view, layer, values):
    """The colour range of a weight layer's outputs: a regressor's predicted
    values span their own range, centred or not."""
    weight_layer = view.weight_layers[layer]
    if view.is_regressor and layer == len(view.weight_layers) - 1:
        low, high = float(values.min()), float(values.max())
        return (low, high) if low < high else (low - 1.0, high + 1.0)
    return color_range(
        weight_layer.activation, values, bounded=weight_layer.shortcut is None
    )


class NeuronActivationDisplay:
    """Every hidden neuron's output over the plane of two input features.

    As TensorFlow Playground shows a network: one row per layer, one heatmap
    per neuron, its colour the neuron's output (after the activation) at each
    point of the input plane. It shows how the first layer cuts the plane with
    lines and how later layers combine those cuts into curved regions. A
    Pipeline's earlier steps are applied to the grid, so the plane is that of
    the raw features. A layer wider than ``max_units`` shows its
    strongest neurons (as :class:`NetworkDiagramDisplay` ranks them).

    The outputs are those the network computes at inference, layer by layer:
    a BatchNorm normalises with its running statistics, and the output of a
    layer in a Residual block includes the skip (its input added back), as
    the next layer receives it. A regressor's output layer shows its
    predicted values, on their own colour range.

    Each layer has one colour scale, shared by its heatmaps and shown by its
    colorbar. Outputs that change sign are drawn with the style's diverging
    map on a scale symmetric about 0 (white at 0); a logistic or softmax
    output on [0, 1] has its white at 0.5, where the unit's ``z`` is 0; a
    regressor's predicted values, which carry no sign, take the sequential
    map. Samples are drawn in their class colours with white edges, so they
    stay visible on either arm of the map.

    The picture counts layers and neurons from 1, as every display of
    sknetviz does ("neuron 1" of "hidden layer 1"); ``layer_indices`` and
    ``neuron_indices`` are Python indices, from 0.

    Create it with :meth:`from_estimator`; every parameter is kept as an attribute.

    Parameters
    ----------
    xx0, xx1 : ndarray of shape (grid_resolution, grid_resolution)
        The meshgrid.
    activations : list of ndarray of shape (n_neurons, grid_resolution, \
            grid_resolution)
        The outputs of the drawn neurons, one array per drawn layer.
    layer_indices : list of int
        The drawn layers: 0 is the first hidden layer.
    neuron_indices : list of ndarray of int
        The drawn neurons of each drawn layer.
    layer_activations : list of str
        What each drawn layer applies after its weights: its activation, and
        'BatchNorm' or '+ skip' where the network has them.
    layer_names : list of str
        'hidden layer 1', ... or 'output layer'.
    color_ranges : list of tuple of float
        (vmin, vmax) of each drawn layer: [0, 1] for logistic and softmax,
        [-1, 1] for tanh (without a skip), a regressor's predictions from
        their smallest to their largest, symmetric around 0 up to the
        layer's largest magnitude otherwise.
    xlabel, ylabel : str
        Names of the two features.
    samples : ndarray of shape (n_samples, 2), default=None
        Samples to draw over every heatmap.
    sample_labels : ndarray of shape (n_samples,), default=None
        Their classes, which colour them.
    sample_targets : ndarray of shape (n_samples,), default=None
        Their target values (for a regressor, instead of ``sample_labels``),
        which colour them on a sequential scale.

    Attributes
    ----------
    meshes_ : list of list of matplotlib QuadMesh
        The heatmaps, one list per drawn layer.
    colorbars_ : list of matplotlib Colorbar
        One per drawn layer.
    sample_scatters_ : list of matplotlib PathCollection
        The samples of each class (all samples, for targets), on every heatmap.
    axes_ : ndarray of matplotlib Axes of shape (n_layers_drawn, n_columns)
        Axes beyond a layer's drawn neurons are hidden.
    figure_ : matplotlib Figure

    See Also
    --------
    NetworkDiagramDisplay : The whole network's neurons and weights.
    NeuronDisplay : The anatomy of one neuron for one sample.
    DecisionBoundaryDisplay : The output over the same plane.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import make_moons
    >>> from sknetviz import MLPVisualClassifier
    >>> from sknetviz.inspection import NeuronActivationDisplay
    >>> X, y = make_moons(n_samples=200, noise=0.2, random_state=0)
    >>> clf = MLPVisualClassifier((6, 4), activation="tanh", learning_rate_init=0.01,
    ...                           max_iter=300, random_state=0).fit(X, y)
    >>> display = NeuronActivationDisplay.from_estimator(clf, X, y=y,
    ...                                                  grid_resolution=50)
    >>> [a.shape for a in display.activations]
    [(6, 50, 50), (4, 50, 50)]
    >>> display.axes_.shape, display.color_ranges
    ((2, 6), [(-1.0, 1.0), (-1.0, 1.0)])
    """

    def __init__(
        self,
        *,
        xx0,
        xx1,
        activations,
        layer_indices,
        neuron_indices,
        layer_activations,
        layer_names,
        color_ranges,
        xlabel,
        ylabel,
        samples=None,
        sample_labels=None,
        sample_targets=None,
    ):
        self.xx0 = xx0
        self.xx1 = xx1
        self.activations = activations
        self.layer_indices = layer_indices
        self.neuron_indices = neuron_indices
        self.layer_activations = layer_activations
        self.layer_names = layer_names
        self.color_ranges = color_ranges
        self.xlabel = xlabel
        self.ylabel = ylabel
        self.samples = samples
        self.sample_labels = sample_labels
        self.sample_targets = sample_targets

    @styled
    def plot(self, axes=None, *, cmap=None):
        """Draw one heatmap per neuron, one row and one colorbar per layer.

        Parameters
        ----------
        axes : array-like of matplotlib Axes of shape (n_layers_drawn, \
                n_columns), default=None
            Where to draw, ``n_columns`` being the most neurons drawn in a
            layer; a new figure when None.
        cmap : str or matplotlib Colormap, default=None
            The map of every layer; when None, the style's diverging map
            (blue below the middle of the scale, white at it, orange above),
            and its sequential map for a regressor's predicted values.

        Returns
        -------
        display : NeuronActivationDisplay
        """
        shape = (len(self.activations), max(len(n) for n in self.neuron_indices))
        axes = self._new_axes(shape) if axes is None else np.asarray(axes, dtype=object)
        if axes.size != shape[0] * shape[1]:
            raise ValueError(
                f"axes must hold {shape[0]} x {shape[1]} Axes (layers x neurons "
                f"drawn), got an array of shape {axes.shape}."
            )
        axes = axes.reshape(shape)
        self.meshes_, self.colorbars_, self.sample_scatters_ = [], [], []
        for row, values in enumerate(self.activations):
            vmin, vmax = self.color_ranges[row]
            layer_cmap = cmap
            if cmap is None:
                layer_cmap = DIVERGING_CMAP if self._signed(row) else SEQUENTIAL_CMAP
            meshes = []
            for column, ax in enumerate(axes[row]):
                if column >= len(values):
                    ax.set_axis_off()
                    continue
                meshes.append(
                    ax.pcolormesh(
                        self.xx0,
                        self.xx1,
                        values[column],
                        cmap=layer_cmap,
                        vmin=vmin,
                        vmax=vmax,
                        shading="auto",
                        rasterized=True,
                    )
                )
                self._decorate(ax, row, column)
            self.meshes_.append(meshes)
            colorbar = axes[row][0].figure.colorbar(
                meshes[0], ax=list(axes[row]), shrink=0.9, pad=0.02, aspect=12
            )
            colorbar.set_label("output", fontsize=FONT_SIZES["label"])
            colorbar.ax.tick_params(labelsize=FONT_SIZES["tick"])
            self.colorbars_.append(colorbar)
        self.axes_ = axes
        self.figure_ = axes[0, 0].figure
        return self

    def _new_axes(self, shape):
        import matplotlib.pyplot as plt

        figure, axes = plt.subplots(
            *shape,
            figsize=(PANEL_INCHES * shape[1] + 1.6, PANEL_INCHES * shape[0] + 0.6),
            squeeze=False,
            sharex=True,
            sharey=True,
            layout="constrained",
        )
        figure.suptitle(
            f"Each neuron's output over the plane of {self.xlabel} (across) "
            f"and {self.ylabel} (up)",
            fontsize=FONT_SIZES["title"],
        )
        return axes

    def _signed(self, row):
        """Whether a layer's scale has a meaningful middle (0, or 0.5 for
        a logistic or softmax output): everything but a regressor's
        predicted values."""
        vmin, vmax = self.color_ranges[row]
        return vmin == -vmax or (vmin, vmax) in BOUNDED_RANGES.values()

    def _decorate(self, ax, row, column):
        # Counted from 1, as the layer names and the other displays count.
        neuron = self.neuron_indices[row][column] + 1
        ax.set_title(f"neuron {neuron}", fontsize=FONT_SIZES["label"])
        ax.set_xticks([])
        ax.set_yticks([])
        if column == 0:
            ax.set_ylabel(
                f"{self.layer_names[row]}\n{self.layer_activations[row]}",
                fontsize=FONT_SIZES["label"],
            )
        # Small heatmaps take small marks: the style's, scaled down.
        marks = sample_kwargs(
            s=SAMPLE_SCALE * MARKER_SIZES["sample"],
            linewidths=SAMPLE_SCALE * LINE_WIDTHS["edge"],
        )
        if self.samples is not None and self.sample_targets is not None:
            self.sample_scatters_.append(
                ax.scatter(
                    self.samples[:, 0],
                    self.samples[:, 1],
                    c=self.sample_targets,
                    cmap=SEQUENTIAL_CMAP,
                    **marks,
                )
            )
        elif self.samples is not None:
            labels = np.unique(self.sample_labels)
            for color, label in zip(class_colors(len(labels)), labels):
                members = self.sample_labels == label
                self.sample_scatters_.append(
                    ax.scatter(
                        self.samples[members, 0],
                        self.samples[members, 1],
                        color=color,
                        label=str(label),
                        **marks,
                    )
                )
        ax.set_xlim(self.xx0.min(), self.xx0.max())
        ax.set_ylim(self.xx1.min(), self.xx1.max())

    @classmethod
    def from_estimator(
        cls,
        estimator,
        X,
        *,
        y=None,
        grid_resolution=100,
        eps=0.5,
        layers=None,
        max_units=8,
        axes=None,
        cmap=None,
    ):
        """Draw the output of every hidden neuron over the input plane.

        Parameters
        ----------
        estimator : estimator
            A fitted sknetviz network estimator (MLPVisualClassifier,
            MLPVisualRegressor, NeuralNetClassifier...), MLPClassifier,
            MLPRegressor, or Pipeline ending in one, that takes 2 features.
        X : array-like of shape (n_samples, 2)
            The data that sets the plane's range.
        y : array-like of shape (n_samples,), default=None
            Draw the samples of X over every heatmap, coloured by class (by
            target value, for a regressor).
        grid_resolution : int, default=100
            Points per side of the grid.
        eps : float, default=0.5
            Margin added around the range of X.
        layers : list of int, default=None
            The layers to draw: 0 is the first hidden layer, ``n_layers_ - 2``
            the output layer, negative values count from the output layer.
            By default every hidden layer.
        max_units : int, default=8
            Most neurons drawn per layer; a wider layer shows its strongest.
        axes : array-like of matplotlib Axes, default=None
            Shape (n_layers_drawn, n_columns); a new figure when None.
        cmap : str or matplotlib Colormap, default=None
            The map of every layer; the style's (see :meth:`plot`) when None.

        Returns
        -------
        display : NeuronActivationDisplay
        """
        view = network_view(estimator, "NeuronActivationDisplay")
        check_grid_arguments(grid_resolution, eps)
        n_features = n_features_of(X)
        if n_features != 2:
            raise ValueError(
                "NeuronActivationDisplay draws neurons over the plane of 2 input "
                f"features; X has {n_features} features."
            )
        n_inputs = getattr(estimator, "n_features_in_", n_features)
        if n_inputs != 2:
            raise ValueError(
                "NeuronActivationDisplay draws neurons over the plane of 2 input "
                f"features; the estimator takes {n_inputs}."
            )
        max_units = check_positive_int(max_units, "max_units")
        n_weight_layers = len(view.coefs)
        if layers is None:
            layers = range(n_weight_layers - 1)
        layers = [check_layer(layer, n_weight_layers, "layers") for layer in layers]
        if not layers:
            raise ValueError(
                "There is no layer to draw: the network has no hidden layer and "
                "layers is empty or None."
            )
        neurons = [
            strongest_units(view.coefs, layer + 1, max_units) for layer in layers
        ]
        X_array = as_array(X).astype(float)
        if y is not None and len(y) != len(X_array):
            raise ValueError(
                f"y must have one label per sample of X ({len(X_array)}), got {len(y)}."
            )
        xx0, xx1 = meshgrid(X_array[:, 0], X_array[:, 1], grid_resolution, eps)
        activations = layer_outputs_on_grid(view, xx0, xx1, layers, neurons, X)
        y = None if y is None else np.asarray(y)
        columns = getattr(X, "columns", None)
        xlabel, ylabel = (
            [str(name) for name in columns] if columns is not None else ["x0", "x1"]
        )
        display = cls(
            xx0=xx0,
            xx1=xx1,
            activations=activations,
            layer_indices=layers,
            neuron_indices=neurons,
            layer_activations=[
                view.weight_layers[layer].description for layer in layers
            ],
            layer_names=[layer_title(layer, n_weight_layers) for layer in layers],
            color_ranges=[
                _layer_color_range(view, layer, values)
                for layer, values in zip(layers, activations)
            ],
            xlabel=xlabel,
            ylabel=ylabel,
            samples=None if y is None else X_array,
            sample_labels=None if y is None or view.is_regressor else y,
            sample_targets=y if view.is_regressor else None,
        )
        return display.plot(axes=axes, cmap=cmap)
