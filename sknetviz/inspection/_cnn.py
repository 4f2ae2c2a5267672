"""FilterDisplay and FeatureMapDisplay: what a SimpleCNNClassifier learned and how
one image travels through it."""

import numpy as np
from sklearn.pipeline import Pipeline

from ._adapters import check_fitted, final_estimator


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


class FilterDisplay:
    """The learned kernels of each convolution layer of a SimpleCNNClassifier.

    Each conv layer gets a block of small heatmaps: one column per filter and
    one row per input channel, every tile a ``kh x kw`` kernel on a diverging
    scale shared within the layer (red positive, blue negative).

    Parameters
    ----------
    kernels : list of ndarray of shape (kh, kw, in_channels, filters)
        The kernels of each conv layer, input side first.
    max_filters : int, default=16
        Filters drawn per layer (the first ones).
    max_channels : int, default=8
        Input channels drawn per layer.

    Attributes
    ----------
    axes_ : list of ndarray of matplotlib Axes
        One 2-D array (channels x filters) per conv layer.
    images_ : list of ndarray of matplotlib AxesImage
    figure_ : matplotlib Figure

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
    """

    def __init__(self, *, kernels, max_filters=16, max_channels=8):
        self.kernels = kernels
        self.max_filters = max_filters
        self.max_channels = max_channels

    def plot(self, *, figure=None, cmap="RdBu_r"):
        """Draw one block of kernels per conv layer.

        Parameters
        ----------
        figure : matplotlib Figure, default=None
            Where to draw; a new figure when None.
        cmap : str, default='RdBu_r'

        Returns
        -------
        display : FilterDisplay
        """
        import matplotlib.pyplot as plt

        shown = [
            (min(k.shape[2], self.max_channels), min(k.shape[3], self.max_filters))
            for k in self.kernels
        ]
        if figure is None:
            width = 0.6 * max(cols for _, cols in shown) + 1.5
            height = sum(0.6 * rows + 0.6 for rows, _ in shown)
            figure = plt.figure(figsize=(width, height), layout="constrained")
        blocks = figure.subfigures(
            len(self.kernels), 1, height_ratios=[r + 1 for r, _ in shown]
        )
        blocks = np.atleast_1d(blocks)
        self.axes_, self.images_ = [], []
        for index, (kernel, block, (rows, cols)) in enumerate(
            zip(self.kernels, blocks, shown)
        ):
            limit = float(np.abs(kernel).max()) or 1.0
            axes = np.atleast_2d(block.subplots(rows, cols, squeeze=False))
            images = np.empty(axes.shape, dtype=object)
            for channel in range(rows):
                for filter_index in range(cols):
                    ax = axes[channel, filter_index]
                    images[channel, filter_index] = ax.imshow(
                        kernel[:, :, channel, filter_index],
                        cmap=cmap,
                        vmin=-limit,
                        vmax=limit,
                    )
                    ax.set_xticks([])
                    ax.set_yticks([])
                    if channel == 0:
                        ax.set_title(f"f{filter_index}", fontsize="small")
                    if filter_index == 0:
                        ax.set_ylabel(f"in {channel}", fontsize="small")
            kh, kw, channels, filters = kernel.shape
            hidden = ""
            if (rows, cols) != (channels, filters):
                hidden = (
                    f" (first {cols} of {filters} filters, {rows} of {channels} inputs)"
                )
            title = f"conv layer {index + 1}: {filters} filters of {kh}x{kw}x{channels}"
            block.suptitle(title + hidden, fontsize="medium")
            block.colorbar(images[0, 0], ax=axes, shrink=0.8, label="weight")
            self.axes_.append(axes)
            self.images_.append(images)
        self.figure_ = figure
        return self

    @classmethod
    def from_estimator(
        cls, estimator, *, max_filters=16, max_channels=8, figure=None, cmap="RdBu_r"
    ):
        """Draw the kernels of a fitted SimpleCNNClassifier or a Pipeline ending in one.

        Parameters
        ----------
        estimator : SimpleCNNClassifier or Pipeline
        max_filters : int, default=16
        max_channels : int, default=8
        figure : matplotlib Figure, default=None
        cmap : str, default='RdBu_r'

        Returns
        -------
        display : FilterDisplay
        """
        network = _convnet(estimator, "FilterDisplay")
        display = cls(
            kernels=_conv_kernels(network),
            max_filters=max_filters,
            max_channels=max_channels,
        )
        return display.plot(figure=figure, cmap=cmap)


class FeatureMapDisplay:
    """One image carried through every conv and pool stage to the class probabilities.

    The guide's CNN pipeline drawn from a real model: the input image, then
    for each block the feature maps after the convolution (and its
    activation) and after the pooling, then the predicted probabilities.

    Parameters
    ----------
    image : ndarray of shape (H, W, C)
        The image as the network sees it (after a Pipeline's earlier steps).
    stages : list of tuple of (str, ndarray of shape (h, w, channels))
        Name and output of each conv and pool stage, in order.
    probabilities : ndarray of shape (n_classes,)
    classes : ndarray of shape (n_classes,)
    max_maps : int, default=8
        Feature maps drawn per stage (the first ones).

    Attributes
    ----------
    image_ax_ : matplotlib Axes
    stage_axes_ : list of list of matplotlib Axes
        One row of axes per stage.
    images_ : list of list of matplotlib AxesImage
    bars_ : matplotlib BarContainer
        The probabilities.
    figure_ : matplotlib Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_digits
    >>> from sknetviz import SimpleCNNClassifier
    >>> from sknetviz.inspection import FeatureMapDisplay
    >>> X, y = load_digits(return_X_y=True)
    >>> clf = SimpleCNNClassifier(max_iter=5, random_state=0).fit(X / 16, y)
    >>> display = FeatureMapDisplay.from_estimator(clf, X[0] / 16)
    >>> [(name, maps.shape) for name, maps in display.stages][:3]
    [('conv 1', (8, 8, 8)), ('pool 1', (4, 4, 8)), ('conv 2', (4, 4, 16))]
    """

    def __init__(self, *, image, stages, probabilities, classes, max_maps=8):
        self.image = image
        self.stages = stages
        self.probabilities = probabilities
        self.classes = classes
        self.max_maps = max_maps

    def plot(self, *, figure=None, cmap="viridis"):
        """Draw the image, the stages' feature maps and the probabilities.

        Parameters
        ----------
        figure : matplotlib Figure, default=None
            Where to draw; a new figure when None.
        cmap : str, default='viridis'

        Returns
        -------
        display : FeatureMapDisplay
        """
        import matplotlib.pyplot as plt

        columns = max(min(maps.shape[-1], self.max_maps) for _, maps in self.stages)
        rows = len(self.stages) + 1
        if figure is None:
            figure = plt.figure(
                figsize=(1.3 * columns + 1.5, 1.35 * rows), layout="constrained"
            )
        grid = figure.add_gridspec(rows, columns + 1)
        self.image_ax_ = figure.add_subplot(grid[0, 0])
        channels = self.image.shape[-1]
        shown = self.image[..., 0] if channels == 1 else self.image[..., :3]
        self.image_ax_.imshow(shown, cmap="gray_r" if channels == 1 else None)
        self.image_ax_.set_title("input", fontsize="small")
        self.image_ax_.axis("off")
        bar_ax = figure.add_subplot(grid[0, 1:])
        labels = [str(label) for label in self.classes]
        self.bars_ = bar_ax.bar(labels, self.probabilities, color="#3f90da")
        winner = int(np.argmax(self.probabilities))
        self.bars_[winner].set_color("#bd1f01")
        bar_ax.set_ylim(0, 1)
        bar_ax.set_title(
            f"output: class {labels[winner]} with p = {self.probabilities[winner]:.2f}",
            fontsize="small",
        )
        self.stage_axes_, self.images_ = [], []
        for row, (name, maps) in enumerate(self.stages, start=1):
            count = min(maps.shape[-1], self.max_maps)
            limit = float(np.abs(maps).max()) or 1.0
            axes_row, images_row = [], []
            for channel in range(count):
                ax = figure.add_subplot(grid[row, channel + 1])
                images_row.append(
                    ax.imshow(
                        maps[..., channel],
                        cmap=cmap,
                        vmin=min(0.0, maps.min()),
                        vmax=limit,
                    )
                )
                ax.set_xticks([])
                ax.set_yticks([])
                axes_row.append(ax)
            label_ax = figure.add_subplot(grid[row, 0])
            label_ax.axis("off")
            more = (
                f"\n(first {count} of {maps.shape[-1]})"
                if count < maps.shape[-1]
                else ""
            )
            label_ax.text(
                0.5,
                0.5,
                f"{name}\n{maps.shape[0]}x{maps.shape[1]}x{maps.shape[2]}{more}",
                ha="center",
                va="center",
                fontsize="small",
            )
            self.stage_axes_.append(axes_row)
            self.images_.append(images_row)
        self.figure_ = figure
        return self

    @classmethod
    def from_estimator(cls, estimator, x, *, max_maps=8, figure=None, cmap="viridis"):
        """Carry one image ``x`` through a fitted SimpleCNNClassifier.

        Parameters
        ----------
        estimator : SimpleCNNClassifier or Pipeline ending in one
        x : array-like
            One sample: a row of H * W * C features, or an (H, W) or (H, W, C)
            image.
        max_maps : int, default=8
        figure : matplotlib Figure, default=None
        cmap : str, default='viridis'

        Returns
        -------
        display : FeatureMapDisplay
        """
        network = _convnet(estimator, "FeatureMapDisplay")
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
        display = cls(
            image=np.asarray(row, dtype=float).reshape(height, width, channels),
            stages=_stages(network.network_.layers, np.asarray(row, dtype=float)),
            probabilities=network.predict_proba(row)[0],
            classes=network.classes_,
            max_maps=max_maps,
        )
        return display.plot(figure=figure, cmap=cmap)


def _stages(layers, row):
    """("conv k", maps) and ("pool k", maps) of one sample, all after activation.

    A block may activate before or after pooling (SimpleCNNClassifier pools
    first, the same function for its non-decreasing activations): the maps
    shown are the activated ones either way, as the guide draws them.
    """
    stages, counts = [], {"conv": 0, "pool": 0}
    values = row
    for index, layer in enumerate(layers):
        values = layer.forward(values)
        kind = type(layer).__name__
        follower = layers[index + 1] if index + 1 < len(layers) else None
        activated_next = type(follower).__name__ == "Activation"
        if kind == "Conv2D":
            block_activation = _block_activation(layers, index)
            maps = values[0].copy()
            if block_activation is not None:
                maps = block_activation.function(maps)
            counts["conv"] += 1
            stages.append((f"conv {counts['conv']}", maps))
        elif kind in ("MaxPool2D", "AvgPool2D"):
            maps = values[0].copy()
            if activated_next:
                maps = follower.function(maps)
            counts["pool"] += 1
            stages.append((f"pool {counts['pool']}", maps))
    return stages


def _block_activation(layers, conv_index):
    """The Activation layer of the conv block at layers[conv_index], or None."""
    for layer in layers[conv_index + 1 :]:
        kind = type(layer).__name__
        if kind == "Activation":
            return layer
        if kind in ("Conv2D", "Flatten"):
            return None
    return None
