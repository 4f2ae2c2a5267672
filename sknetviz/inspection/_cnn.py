"""FilterDisplay and FeatureMapDisplay: what a SimpleCNNClassifier learned and how
one image travels through it."""

import textwrap

import numpy as np
from sklearn.pipeline import Pipeline

from ._adapters import check_fitted, final_estimator, network_view
from ._style import (
    DIVERGING_CMAP,
    FONT_SIZES,
    IMAGE_CMAP,
    INK,
    LINE_WIDTHS,
    MUTED,
    SEQUENTIAL_CMAP,
    class_colors,
    styled,
    symmetric_limit,
    tint,
)

# The layouts are planned in inches, so that tiles, headings and gaps keep
# their size whatever the number of filters, maps or classes.
_KERNEL_TILE, _KERNEL_GAP = 0.5, 0.07  # a kernel's side, the space between two
_MAP_TILE, _MAP_GAP = 0.52, 0.06  # a feature map's side, the space between two
_MAPS_PER_COLUMN = 8
_STAGE_GAP = 0.55  # between two stages of the pipeline: room for the arrow
_INPUT_SIDE = 1.3
_STRIP_WIDTH = 0.4  # a dense layer's strip of units
_OUTPUT_WIDTH = 1.7
_ACTIVATION_NAMES = {"relu": "ReLU", "identity": "no activation"}


def _convnet(estimator, what):
    """The fitted CNN inside ``estimator``, or a clear error."""
    network = final_estimator(estimator)
    if not hasattr(network, "image_shape") or not hasattr(network, "filters"):
        raise TypeError(
            f"{what} needs a SimpleCNNClassifier or a Pipeline ending in one; "
            f"got {type(network).__name__}."
        )
    check_fitted(estimator, what)
    return network


def _conv_kernels(network):
    kernels = [coef for coef in network.coefs_ if np.ndim(coef) == 4]
    if not kernels:
        raise ValueError(
            f"This {type(network).__name__} has no convolution layers (filters="
            f"{network.filters!r}): there are no kernels to draw."
        )
    return kernels


def _inches(figure, left, bottom, width, height, size):
    """Add axes placed in inches on a figure planned as ``size`` inches."""
    return figure.add_axes(
        [left / size[0], bottom / size[1], width / size[0], height / size[1]]
    )


def _bare(ax):
    """A tile: no ticks, a thin frame that separates white values from the page."""
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_linewidth(LINE_WIDTHS["edge"])
    return ax


class FilterDisplay:
    """The learned kernels of each convolution layer of a SimpleCNNClassifier.

    Each conv layer gets a block of small heatmaps, every tile a ``kh x kw``
    kernel slice: one column per filter and one row per input channel. The
    columns are the filters, labelled ``#k`` with their index (the index of
    the feature map they make); with ``order='norm'`` they run from the
    largest weight norm (over all input channels) to the smallest, so the
    filters that weigh most come first. The rows of a deeper block are the
    maps of the block before, in the order of that block's columns; the
    first block's row is the pixels. A block is drawn on one diverging
    scale centred on zero (white), symmetric about it, with its colorbar.

    Parameters
    ----------
    kernels : list of ndarray of shape (kh, kw, in_channels, filters)
        The kernels of each conv layer, input side first.
    max_filters : int, default=16
        Filters drawn per layer (the first ones in ``order``).
    max_channels : int, default=8
        Input channels drawn per layer (the first ones in the order of the
        previous layer's filters).
    order : {'norm', 'index'}, default='norm'
        'norm' sorts each layer's filters by their L2 norm, largest first
        (ties keep their index order); 'index' keeps the network's order.

    Attributes
    ----------
    axes_ : list of ndarray of matplotlib Axes
        One 2-D array (channels x filters) per conv layer.
    images_ : list of ndarray of matplotlib AxesImage
        ``images_[layer][row, column]`` draws
        ``kernels[layer][:, :, channel_order_[layer][row],
        filter_order_[layer][column]]``.
    filter_order_ : list of ndarray of int
        The filters drawn, left to right, per layer.
    channel_order_ : list of ndarray of int
        The input channels drawn, top to bottom, per layer.
    filter_norms_ : list of ndarray of shape (filters,)
        The L2 norm of each filter, in the network's order.
    colorbars_ : list of matplotlib Colorbar
        One per layer, from ``-limit`` to ``limit``.
    figure_ : matplotlib Figure

    See Also
    --------
    FeatureMapDisplay : One image carried through the convolutions.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_digits
    >>> from sknetviz import SimpleCNNClassifier
    >>> from sknetviz.inspection import FilterDisplay
    >>> X, y = load_digits(return_X_y=True)
    >>> clf = SimpleCNNClassifier(filters=(4, 6), max_iter=5, random_state=0)
    >>> display = FilterDisplay.from_estimator(clf.fit(X / 16, y))
    >>> [k.shape for k in display.kernels], display.axes_[1].shape
    ([(3, 3, 1, 4), (3, 3, 4, 6)], (4, 6))
    >>> norms = display.filter_norms_[1][display.filter_order_[1]]
    >>> bool(all(norms[:-1] >= norms[1:]))  # largest first
    True
    """

    def __init__(self, *, kernels, max_filters=16, max_channels=8, order="norm"):
        self.kernels = kernels
        self.max_filters = max_filters
        self.max_channels = max_channels
        self.order = order

    def _orders(self):
        """Filter norms, and the filters and channels drawn, per layer."""
        if self.order not in ("norm", "index"):
            raise ValueError(f"order must be 'norm' or 'index'; got {self.order!r}.")
        norms, filters, channels = [], [], []
        previous = None
        for kernel in self.kernels:
            norm = np.sqrt((np.asarray(kernel, dtype=float) ** 2).sum(axis=(0, 1, 2)))
            if self.order == "norm":
                order = np.argsort(-norm, kind="stable")
            else:
                order = np.arange(kernel.shape[3])
            inputs = np.arange(kernel.shape[2])
            if previous is not None and len(previous) == kernel.shape[2]:
                inputs = previous  # a deeper layer reads the maps of the one before
            norms.append(norm)
            filters.append(order[: self.max_filters])
            channels.append(inputs[: self.max_channels])
            previous = order
        return norms, filters, channels

    def _titles(self, index, kernel, shown_rows, shown_cols, width):
        """The block's heading and its note on rows and columns, wrapped."""
        kh, kw, channels, filters = kernel.shape
        inputs = "the pixels" if index == 0 else f"the {channels} maps of conv {index}"
        title = f"conv {index + 1}: {filters} filters of {kh}x{kw}, over {inputs}"
        order = "largest weight norm first" if self.order == "norm" else "in order"
        if shown_cols < filters:
            order += f", the first {shown_cols} shown"
        rows = (
            "input channels" if index == 0 else f"conv {index}'s maps, ordered as above"
        )
        if shown_rows < channels:
            rows += f", the first {shown_rows} shown"
        note = f"columns: filters #k, {order}; rows: {rows}; one scale, white = 0"
        return (
            textwrap.fill(
                title, max(int(width / 0.1), 30)
            ),  # 10 bold characters an inch
            textwrap.fill(note, max(int(width / 0.075), 30)),  # 13 an inch
        )

    @styled
    def plot(self, *, figure=None, cmap=None):
        """Draw one block of kernels per conv layer.

        Parameters
        ----------
        figure : matplotlib Figure, default=None
            Where to draw; a new figure when None. The layout is planned for
            the size of the figure it makes, and stretched to another.
        cmap : str or Colormap, default=None
            None is the style's diverging map (white at zero).

        Returns
        -------
        display : FilterDisplay
        """
        import matplotlib.pyplot as plt

        cmap = DIVERGING_CMAP if cmap is None else cmap
        self.filter_norms_, self.filter_order_, self.channel_order_ = self._orders()
        shapes = [
            (len(c), len(f)) for c, f in zip(self.channel_order_, self.filter_order_)
        ]
        step = _KERNEL_TILE + _KERNEL_GAP
        left, bar = 0.8, 0.95
        width = max(left + max(cols for _, cols in shapes) * step + bar, 7.0)
        titles = [
            self._titles(index, kernel, rows, cols, width - 0.2)
            for index, (kernel, (rows, cols)) in enumerate(zip(self.kernels, shapes))
        ]
        headers = [
            0.45 + 0.19 * title.count("\n") + 0.15 * note.count("\n") + 0.3
            for title, note in titles
        ]
        bodies = [max(rows * step, 0.9) for rows, _ in shapes]
        size = (width, sum(bodies) + sum(headers) + 0.2 * len(shapes))
        if figure is None:
            figure = plt.figure(figsize=size)
        self.axes_, self.images_, self.colorbars_ = [], [], []
        top = size[1]
        for index, ((_, cols), (title, note)) in enumerate(zip(shapes, titles)):
            figure.text(
                0.1 / size[0],
                (top - 0.1) / size[1],
                title,
                va="top",
                fontsize=FONT_SIZES["title"],
                color=INK,
                weight="bold",
            )
            figure.text(
                0.1 / size[0],
                (top - 0.32 - 0.19 * title.count("\n")) / size[1],
                note,
                va="top",
                fontsize=FONT_SIZES["note"],
                color=INK,
            )
            top -= headers[index]
            axes, images = self._block(figure, index, cmap, left, top, size)
            limit = images[0, 0].norm.vmax
            bar_ax = _inches(
                figure,
                left + cols * step + 0.1,
                top - bodies[index],
                0.12,
                bodies[index] - _KERNEL_GAP,
                size,
            )
            colorbar = figure.colorbar(images[0, 0], cax=bar_ax)
            colorbar.set_ticks([-limit, 0.0, limit])
            colorbar.ax.set_yticklabels([f"{-limit:.2g}", "0", f"{limit:.2g}"])
            colorbar.set_label("weight", labelpad=-4)
            self.axes_.append(axes)
            self.images_.append(images)
            self.colorbars_.append(colorbar)
            top -= bodies[index] + 0.2
        self.figure_ = figure
        return self

    def _block(self, figure, index, cmap, left, top, size):
        """The tiles of one layer, on one symmetric scale."""
        kernel = self.kernels[index]
        channels, filters = self.channel_order_[index], self.filter_order_[index]
        limit = symmetric_limit(kernel)
        step = _KERNEL_TILE + _KERNEL_GAP
        axes = np.empty((len(channels), len(filters)), dtype=object)
        images = np.empty(axes.shape, dtype=object)
        for row, channel in enumerate(channels):
            for col, filter_index in enumerate(filters):
                ax = _bare(
                    _inches(
                        figure,
                        left + col * step,
                        top - (row + 1) * step + _KERNEL_GAP,
                        _KERNEL_TILE,
                        _KERNEL_TILE,
                        size,
                    )
                )
                images[row, col] = ax.imshow(
                    kernel[:, :, channel, filter_index],
                    cmap=cmap,
                    vmin=-limit,
                    vmax=limit,
                )
                if row == 0:
                    ax.set_title(f"#{filter_index}", fontsize=FONT_SIZES["note"], pad=2)
                if col == 0:
                    label = (
                        "pixels"
                        if index == 0 and len(channels) == 1
                        else (f"ch {channel}" if index == 0 else f"map #{channel}")
                    )
                    ax.set_ylabel(
                        label,
                        fontsize=FONT_SIZES["note"],
                        rotation=0,
                        ha="right",
                        va="center",
                        labelpad=3,
                    )
                axes[row, col] = ax
        return axes, images

    @classmethod
    def from_estimator(
        cls,
        estimator,
        *,
        max_filters=16,
        max_channels=8,
        order="norm",
        figure=None,
        cmap=None,
    ):
        """Draw the kernels of a fitted SimpleCNNClassifier or a Pipeline ending in one.

        Parameters
        ----------
        estimator : SimpleCNNClassifier or Pipeline
        max_filters : int, default=16
        max_channels : int, default=8
        order : {'norm', 'index'}, default='norm'
        figure : matplotlib Figure, default=None
        cmap : str or Colormap, default=None

        Returns
        -------
        display : FilterDisplay
        """
        network = _convnet(estimator, "FilterDisplay")
        display = cls(
            kernels=_conv_kernels(network),
            max_filters=max_filters,
            max_channels=max_channels,
            order=order,
        )
        return display.plot(figure=figure, cmap=cmap)


def _activation_name(name):
    return _ACTIVATION_NAMES.get(name, name) if name else "no activation"


def _scale(values, cmap):
    """imshow keywords of one colour scale: unsigned values from 0 on the
    sequential map, signed ones symmetric about 0 on the diverging map."""
    values = np.asarray(values, dtype=float)
    if values.size and values.min() < 0:
        limit = symmetric_limit(values)
        return {"cmap": cmap or DIVERGING_CMAP, "vmin": -limit, "vmax": limit}
    top = float(values.max()) if values.size else 0.0
    return {"cmap": cmap or SEQUENTIAL_CMAP, "vmin": 0.0, "vmax": top or 1.0}


class FeatureMapDisplay:
    """One image carried through a CNN, left to right, to the class probabilities.

    The guide's pipeline drawn from a real model: the input image, then for
    each conv block the feature maps after the convolution (and its
    activation) and after the pooling, then each hidden dense layer's units
    as a strip, then the class probabilities as horizontal bars, the
    predicted class in its class colour and the true class, when given,
    outlined and tagged. Every stage is a column headed by its name, size and
    activation; arrows lead from one to the next.

    Colour scales: the maps of a conv block and of the pooling after it share
    one scale (a pooled cell keeps the colour of the largest cell of its
    window), with one colorbar under the block; each dense layer has its own,
    and so has the input. Unsigned values (after ReLU or the logistic
    function) run from 0 on the sequential map; values of both signs (after
    tanh, or without an activation) use the diverging map, symmetric about 0.

    Parameters
    ----------
    image : ndarray of shape (H, W, C)
        The image as the network sees it (after a Pipeline's earlier steps).
    stages : list of tuple of (str, ndarray of shape (h, w, channels))
        Name and output of each conv and pool stage, in order.
    probabilities : ndarray of shape (n_classes,)
    classes : ndarray of shape (n_classes,)
    max_maps : int, default=16
        Feature maps drawn per stage (the first ones), in columns of 8.
    dense : list of tuple of (str, ndarray of shape (n_units,)), default=None
        Name and output of each hidden dense layer, in order.
    activations : dict of str to str, default=None
        The activation after each stage, dense layer or 'output', by name,
        written in its heading ('relu', 'softmax').
    true_class : object, default=None
        The image's true class, one of ``classes``, marked on the output.

    Attributes
    ----------
    image_ax_ : matplotlib Axes
    stage_axes_ : list of list of matplotlib Axes
        The maps' axes of each stage, left to right.
    images_ : list of list of matplotlib AxesImage
    dense_axes_ : list of matplotlib Axes
        One strip per hidden dense layer.
    output_ax_ : matplotlib Axes
    bars_ : matplotlib BarContainer
        The probabilities, one horizontal bar per class in ``classes`` order.
    colorbars_ : list of matplotlib Colorbar
        The input's, then one per conv block, then one per dense layer.
    figure_ : matplotlib Figure

    See Also
    --------
    FilterDisplay : The kernels that make the maps.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_digits
    >>> from sknetviz import SimpleCNNClassifier
    >>> from sknetviz.inspection import FeatureMapDisplay
    >>> X, y = load_digits(return_X_y=True)
    >>> clf = SimpleCNNClassifier(max_iter=5, random_state=0).fit(X / 16, y)
    >>> display = FeatureMapDisplay.from_estimator(clf, X[0] / 16, true_class=y[0])
    >>> [(name, maps.shape) for name, maps in display.stages][:3]
    [('conv 1', (8, 8, 8)), ('pool 1', (4, 4, 8)), ('conv 2', (4, 4, 16))]
    >>> [(name, units.shape) for name, units in display.dense]
    [('dense 1', (64,))]
    """

    def __init__(
        self,
        *,
        image,
        stages,
        probabilities,
        classes,
        max_maps=16,
        dense=None,
        activations=None,
        true_class=None,
    ):
        self.image = image
        self.stages = stages
        self.probabilities = probabilities
        self.classes = classes
        self.max_maps = max_maps
        self.dense = dense
        self.activations = activations
        self.true_class = true_class

    def _columns(self):
        """Each column of the figure: kind, name, content, width and grid."""
        columns = [{"kind": "input", "name": "input", "width": _INPUT_SIDE}]
        for name, maps in self.stages:
            count = min(maps.shape[-1], self.max_maps)
            rows = min(count, _MAPS_PER_COLUMN)
            cols = -(-count // rows)
            width = cols * (_MAP_TILE + _MAP_GAP) - _MAP_GAP
            columns.append(
                {
                    "kind": "maps",
                    "name": name,
                    "maps": maps,
                    "count": count,
                    "rows": rows,
                    "width": width,
                }
            )
        for name, units in self.dense or []:
            columns.append(
                {
                    "kind": "dense",
                    "name": name,
                    "units": np.ravel(units),
                    "width": _STRIP_WIDTH,
                }
            )
        columns.append({"kind": "output", "name": "output", "width": _OUTPUT_WIDTH})
        x = 0.25
        for column in columns:
            if column["kind"] == "output":
                x += 0.3  # the class labels
            column["x"] = x
            x += column["width"] + _STAGE_GAP
        return columns, x - _STAGE_GAP + 1.45  # the tags right of the bars

    def _heading(self, column):
        """Three lines: the stage's name, its size, its activation."""
        name = column["name"]
        activation = (self.activations or {}).get(name)
        if column["kind"] == "input":
            height, width, channels = self.image.shape
            size = f"{height}x{width} image" + (
                f", {channels} ch" if channels > 1 else ""
            )
            return name, size + "\n"
        if column["kind"] == "maps":
            maps = column["maps"]
            total = maps.shape[-1]
            shown = (
                f"{total} maps"
                if column["count"] == total
                else (f"{column['count']} of {total} maps")
            )
            size = f"{shown}, {maps.shape[0]}x{maps.shape[1]}"
        elif column["kind"] == "dense":
            size = f"{len(column['units'])} units"
        else:
            size = f"{len(self.classes)} classes"
        return name, f"{size}\n{_activation_name(activation)}"

    @styled
    def plot(self, *, figure=None, cmap=None):
        """Draw the pipeline left to right: image, maps, dense units, probabilities.

        Parameters
        ----------
        figure : matplotlib Figure, default=None
            Where to draw; a new figure when None. The layout is planned for
            the size of the figure it makes, and stretched to another.
        cmap : str or Colormap, default=None
            The map of every feature map and dense strip. None picks the
            style's sequential map for unsigned values and its diverging map,
            centred on 0, for signed ones.

        Returns
        -------
        display : FeatureMapDisplay
        """
        import matplotlib.pyplot as plt

        columns, width = self._columns()
        rows = max([c["rows"] for c in columns if c["kind"] == "maps"] + [1])
        maps_height = rows * (_MAP_TILE + _MAP_GAP) - _MAP_GAP
        bars_height = 0.27 * len(self.classes)
        body = max(maps_height, bars_height, _INPUT_SIDE + 0.6)
        bottom = 0.85  # colorbars, their ticks and labels
        size = (width, bottom + body + 0.75)
        if figure is None:
            figure = plt.figure(figsize=size)
        self.stage_axes_, self.images_, self.dense_axes_, self.colorbars_ = (
            [],
            [],
            [],
            [],
        )
        for column in columns:
            center = column["x"] + column["width"] / 2
            name, details = self._heading(column)
            figure.text(
                center / size[0],
                (bottom + body + 0.38) / size[1],
                name,
                ha="center",
                va="bottom",
                weight="bold",
                fontsize=FONT_SIZES["label"],
                color=INK,
            )
            figure.text(
                center / size[0],
                (bottom + body + 0.06) / size[1],
                details,
                ha="center",
                va="bottom",
                fontsize=FONT_SIZES["note"],
                color=INK,
                linespacing=1.15,
            )
            draw = getattr(self, f"_draw_{column['kind']}")
            draw(figure, column, bottom, body, size, cmap)
        self._draw_scales(figure, columns, bottom, size)
        for before, after in zip(columns, columns[1:]):
            start = before["x"] + before["width"] + 0.08
            end = after["x"] - (0.38 if after["kind"] == "output" else 0.08)
            self._arrow(figure, start, end, bottom + body / 2, size)
        self.figure_ = figure
        return self

    @staticmethod
    def _arrow(figure, start, end, height, size):
        from matplotlib.patches import FancyArrowPatch

        figure.add_artist(
            FancyArrowPatch(
                (start / size[0], height / size[1]),
                (end / size[0], height / size[1]),
                transform=figure.transFigure,
                arrowstyle="-|>",
                mutation_scale=14,
                color=MUTED,
                linewidth=LINE_WIDTHS["curve"],
            )
        )

    def _draw_input(self, figure, column, bottom, body, size, cmap):
        side = column["width"]
        ax = _bare(
            _inches(figure, column["x"], bottom + (body - side) / 2, side, side, size)
        )
        channels = self.image.shape[-1]
        if channels == 1:
            image = self.image[..., 0]
            low = min(0.0, float(image.min()))
            top = float(image.max())
            column["image"] = ax.imshow(
                image, cmap=IMAGE_CMAP, vmin=low, vmax=top if top > low else low + 1
            )
            column["label"] = "pixel value"
        else:
            ax.imshow(np.clip(self.image[..., :3], 0, 1))
        self.image_ax_ = ax

    def _draw_maps(self, figure, column, bottom, body, size, cmap):
        maps, rows = column["maps"], column["rows"]
        step = _MAP_TILE + _MAP_GAP
        top = bottom + body - (body - (rows * step - _MAP_GAP)) / 2
        axes_list, images = [], []
        for channel in range(column["count"]):
            row, col = channel % rows, channel // rows
            ax = _bare(
                _inches(
                    figure,
                    column["x"] + col * step,
                    top - row * step - _MAP_TILE,
                    _MAP_TILE,
                    _MAP_TILE,
                    size,
                )
            )
            images.append(ax.imshow(maps[..., channel], cmap=cmap or SEQUENTIAL_CMAP))
            axes_list.append(ax)
        self.stage_axes_.append(axes_list)
        self.images_.append(images)
        column["images"] = images

    def _draw_dense(self, figure, column, bottom, body, size, cmap):
        units = column["units"]
        ax = _bare(_inches(figure, column["x"], bottom, column["width"], body, size))
        column["image"] = ax.imshow(
            units[:, None],
            aspect="auto",
            interpolation="nearest",
            **_scale(units, cmap),
        )
        column["label"] = "unit output"
        self.dense_axes_.append(ax)

    def _draw_output(self, figure, column, bottom, body, size, cmap):
        probabilities = np.asarray(self.probabilities, dtype=float)
        n_classes = len(self.classes)
        labels = [str(label) for label in self.classes]
        winner = int(np.argmax(probabilities))
        truth = None
        if self.true_class is not None:
            truth = int(np.flatnonzero(np.asarray(self.classes) == self.true_class)[0])
        # the other classes pale, so that even a grey class colour stands out
        colors = [tint(MUTED, 0.4)] * n_classes
        colors[winner] = class_colors(n_classes)[winner]
        ax = _inches(figure, column["x"], bottom, column["width"], body, size)
        self.bars_ = ax.barh(
            np.arange(n_classes), probabilities, color=colors, height=0.7
        )
        ax.set_yticks(np.arange(n_classes), labels)
        ax.set_ylim(n_classes - 0.5, -0.5)
        ax.set_xlim(0, 1)
        ax.set_xticks([0, 0.5, 1], ["0", "0.5", "1"])
        ax.set_xlabel("probability")
        ax.spines[["top", "right"]].set_visible(False)
        for index, probability in enumerate(probabilities):
            tags = [f"{probability:.2f}"] if probability >= 0.005 else []
            if index == winner:
                tags.append("predicted," if index == truth else "predicted")
            if index == truth:
                tags.append("true")
                self.bars_[index].set_edgecolor(INK)
                self.bars_[index].set_linewidth(LINE_WIDTHS["guide"] * 1.4)
                ax.get_yticklabels()[index].set_fontweight("bold")
            if tags:
                ax.text(
                    probability + 0.03,
                    index,
                    " ".join(tags),
                    va="center",
                    clip_on=False,
                    fontsize=FONT_SIZES["note"],
                    color=INK,
                    weight="bold" if index in (winner, truth) else "normal",
                )
        self.output_ax_ = ax

    def _draw_scales(self, figure, columns, bottom, size):
        """Set each scale's limits and draw its colorbar under its columns."""
        if "image" in columns[0]:
            self._colorbar(
                figure, columns[0]["image"], [columns[0]], "pixel value", bottom, size
            )
        groups = []
        for column in columns:
            if column["kind"] == "maps":
                if column["name"].startswith("conv") or not groups:
                    groups.append([])
                groups[-1].append(column)
        for group in groups:
            values = np.concatenate(
                [c["maps"][..., : c["count"]].ravel() for c in group]
            )
            scale = _scale(values, None)
            for column in group:
                for image in column["images"]:
                    image.set_clim(scale["vmin"], scale["vmax"])
                    if image.get_cmap().name == SEQUENTIAL_CMAP and scale["vmin"] < 0:
                        image.set_cmap(DIVERGING_CMAP)
            activation = _activation_name(
                (self.activations or {}).get(group[0]["name"])
            )
            names = " & ".join(c["name"] for c in group)
            self._colorbar(
                figure,
                group[0]["images"][0],
                group,
                f"{names}: {activation} output",
                bottom,
                size,
            )
        for column in columns:
            if column["kind"] == "dense":
                self._colorbar(
                    figure, column["image"], [column], "unit output", bottom, size
                )

    def _colorbar(self, figure, image, group, label, bottom, size):
        from matplotlib.ticker import MaxNLocator

        left = group[0]["x"]
        right = group[-1]["x"] + group[-1]["width"]
        # A narrow column's bar reaches into the gaps beside it, but not into
        # its neighbours' bars.
        span = min(max(right - left, 1.0), right - left + _STAGE_GAP - 0.15)
        middle = (left + right) / 2
        left, right = middle - span / 2, middle + span / 2
        ax = _inches(figure, left, bottom - 0.38, right - left, 0.1, size)
        colorbar = figure.colorbar(image, cax=ax, orientation="horizontal")
        colorbar.locator = MaxNLocator(nbins=3 if span >= 1.0 else 2)
        colorbar.update_ticks()
        colorbar.ax.tick_params(labelsize=FONT_SIZES["note"], length=2, pad=1)
        colorbar.set_label(label, fontsize=FONT_SIZES["note"], labelpad=1)
        self.colorbars_.append(colorbar)

    @classmethod
    def from_estimator(
        cls,
        estimator,
        x,
        *,
        true_class=None,
        max_maps=16,
        figure=None,
        cmap=None,
    ):
        """Carry one image ``x`` through a fitted SimpleCNNClassifier.

        Parameters
        ----------
        estimator : SimpleCNNClassifier or Pipeline ending in one
        x : array-like
            One sample: a row of H * W * C features, or an (H, W) or (H, W, C)
            image.
        true_class : object, default=None
            The class ``x`` belongs to, marked on the output.
        max_maps : int, default=16
        figure : matplotlib Figure, default=None
        cmap : str or Colormap, default=None

        Returns
        -------
        display : FeatureMapDisplay
        """
        network = _convnet(estimator, "FeatureMapDisplay")
        row = _network_row(estimator, network, x)
        view = network_view(estimator, "FeatureMapDisplay")
        image, conv_stages = view.feature_maps(row, transformed=True)
        _, steps = view.steps(row, transformed=True)
        stages, activations, counts = [], {}, {"conv": 0, "pool": 0}
        for stage in conv_stages:
            counts[stage["kind"]] += 1
            name = f"{stage['kind']} {counts[stage['kind']]}"
            stages.append((name, stage["maps"][0]))
            activations[name] = stage["activation"]
        dense = []
        for index, (layer, step) in enumerate(zip(view.weight_layers, steps[:-1]), 1):
            dense.append((f"dense {index}", step["output"][0]))
            activations[f"dense {index}"] = layer.description
        activations["output"] = view.out_activation
        if true_class is not None and true_class not in set(network.classes_):
            raise ValueError(
                f"true_class={true_class!r} is not one of the classes "
                f"{network.classes_.tolist()}."
            )
        display = cls(
            image=image[0],
            stages=stages,
            probabilities=steps[-1]["output"][0],
            classes=network.classes_,
            max_maps=max_maps,
            dense=dense,
            activations=activations,
            true_class=true_class,
        )
        return display.plot(figure=figure, cmap=cmap)


def _network_row(estimator, network, x):
    """``x`` as the one row of features the network itself takes, checked."""
    height, width, channels = network.image_shape_
    row = np.asarray(x, dtype=float).reshape(1, -1)
    if isinstance(estimator, Pipeline):
        # x is what the pipeline takes; its earlier steps make the image.
        expected = getattr(estimator, "n_features_in_", row.shape[1])
        if row.shape[1] != expected:
            raise ValueError(
                f"x has {row.shape[1]} values, but the pipeline takes rows of "
                f"{expected} features."
            )
        row = np.asarray(estimator[:-1].transform(row), dtype=float)
    if row.size != height * width * channels:
        raise ValueError(
            f"x has {row.size} values, but the network takes one image of "
            f"{network.image_shape_} ({height * width * channels} values)."
        )
    return row
