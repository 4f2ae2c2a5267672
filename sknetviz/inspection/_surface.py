"""PredictionSurfaceDisplay: a regressor's predicted value over the plane of two
features, with the samples coloured by their target on the same scale."""

import numpy as np
from sklearn.base import is_classifier, is_regressor
from sklearn.utils.validation import check_is_fitted

from ._adapters import as_array
from ._boundary import PLOT_METHODS
from ._grid import (
    check_features,
    check_grid_arguments,
    check_limits,
    chunk_rows,
    evaluate_grid,
    plane_grid,
    plane_labels,
)
from ._style import SEQUENTIAL_CMAP, highlight_kwargs, sample_kwargs, styled

CONTOUR_LEVELS = 15
"""int: most bands of a filled contour; enough to read the surface as continuous."""


class PredictionSurfaceDisplay:
    """A regressor's prediction over the plane of two features.

    What :class:`DecisionBoundaryDisplay` is for a classifier: the estimator
    is evaluated on a grid over two features of ``X`` and its predicted value
    drawn as a continuous surface, with a colorbar. Given ``y``, the samples
    are drawn on it, filled by their true target on the same colour scale
    with white edges, so that a sample whose colour stands out from the
    surface beneath it is one the model predicts badly. As in
    :class:`DecisionBoundaryDisplay`, ``features`` and ``filler`` cut a plane
    through data with more features, and the grid is evaluated in chunks so
    that memory stays bounded at any ``grid_resolution``.

    Create it with :meth:`from_estimator`; every parameter is kept as an
    attribute.

    Parameters
    ----------
    xx0, xx1 : ndarray of shape (grid_resolution, grid_resolution)
        The meshgrid.
    response : ndarray of shape (grid_resolution, grid_resolution)
        The predicted value at each grid point.
    xlabel, ylabel : str, default=None
        Axis labels.
    response_label : str, default='predicted value'
        The colorbar's label.
    samples : ndarray of shape (n_samples, 2), default=None
        Coordinates of the samples to draw.
    sample_targets : ndarray of shape (n_samples,), default=None
        Their true targets, which fill them.
    highlight : ndarray of shape (n_highlight, 2), default=None
        Coordinates of samples to ring.
    title : str, default=None
    xlim, ylim : tuple of float, default=None
        Axis limits.

    Attributes
    ----------
    surface_ : matplotlib QuadContourSet or QuadMesh
        The prediction surface.
    colorbar_ : matplotlib Colorbar or None
        The scale of the predictions and targets, unless ``colorbar=False``.
    sample_scatter_ : matplotlib PathCollection or None
        The samples, when drawn.
    highlight_ : matplotlib PathCollection or None
        The rings around ``highlight``.
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure

    See Also
    --------
    DecisionBoundaryDisplay : The same plane for a classifier.
    NeuronActivationDisplay : Each hidden neuron's output over the plane.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import warnings
    >>> from sklearn.datasets import make_regression
    >>> from sklearn.exceptions import ConvergenceWarning
    >>> from sknetviz import MLPVisualRegressor
    >>> from sknetviz.inspection import PredictionSurfaceDisplay
    >>> X, y = make_regression(n_samples=200, n_features=2, noise=5.0,
    ...                        random_state=0)
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", ConvergenceWarning)
    ...     reg = MLPVisualRegressor(hidden_layer_sizes=(16,),
    ...                              learning_rate_init=0.05, max_iter=100,
    ...                              random_state=0).fit(X, y)
    >>> display = PredictionSurfaceDisplay.from_estimator(
    ...     reg, X, y=y, grid_resolution=50, title="make_regression")
    >>> display.response.shape
    (50, 50)
    >>> display.colorbar_.ax.get_ylabel()
    'predicted value'
    """

    def __init__(
        self,
        *,
        xx0,
        xx1,
        response,
        xlabel=None,
        ylabel=None,
        response_label="predicted value",
        samples=None,
        sample_targets=None,
        highlight=None,
        title=None,
        xlim=None,
        ylim=None,
    ):
        self.xx0 = xx0
        self.xx1 = xx1
        self.response = response
        self.xlabel = xlabel
        self.ylabel = ylabel
        self.response_label = response_label
        self.samples = samples
        self.sample_targets = sample_targets
        self.highlight = highlight
        self.title = title
        self.xlim = xlim
        self.ylim = ylim

    @styled
    def plot(
        self,
        plot_method="contourf",
        ax=None,
        xlabel=None,
        ylabel=None,
        *,
        cmap=SEQUENTIAL_CMAP,
        colorbar=True,
        **kwargs,
    ):
        """Draw the surface, its colorbar, then the samples and highlights.

        Parameters
        ----------
        plot_method : {'contourf', 'contour', 'pcolormesh'}, default='contourf'
            The matplotlib function that draws the surface.
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.
        xlabel, ylabel : str, default=None
            Override the axis labels.
        cmap : str or matplotlib Colormap, default='viridis'
            Colours of the predictions and of the samples' targets.
        colorbar : bool, default=True
            Whether to draw the colorbar.
        **kwargs : dict
            Passed to the plot method (``levels`` defaults to about 15 round
            values over the range, for 'contourf' and 'contour').

        Returns
        -------
        display : PredictionSurfaceDisplay
        """
        import matplotlib as mpl
        import matplotlib.pyplot as plt

        if plot_method not in PLOT_METHODS:
            raise ValueError(
                f"plot_method must be one of {', '.join(PLOT_METHODS)}. "
                f"Got {plot_method} instead."
            )
        if ax is None:
            _, ax = plt.subplots()
        # One scale for the surface and the targets: a sample's fill compares
        # with the surface beneath it.
        values = [self.response.ravel()]
        if self.samples is not None and self.sample_targets is not None:
            values.append(np.asarray(self.sample_targets, dtype=float))
        values = np.concatenate(values)
        low, high = float(values.min()), float(values.max())
        if not low < high:  # a flat surface still needs a range of colours
            low, high = low - 0.5, high + 0.5
        if plot_method in ("contourf", "contour"):
            # Round levels: the colorbar reads 100, 120, ... not 113.7, 135.1.
            levels = mpl.ticker.MaxNLocator(CONTOUR_LEVELS).tick_values(low, high)
            kwargs.setdefault("levels", levels)
            low, high = min(low, levels[0]), max(high, levels[-1])
        else:
            kwargs.setdefault("shading", "auto")
        norm = mpl.colors.Normalize(low, high)
        self.surface_ = getattr(ax, plot_method)(
            self.xx0, self.xx1, self.response, cmap=cmap, norm=norm, **kwargs
        )
        self.colorbar_ = None
        if colorbar:
            self.colorbar_ = ax.figure.colorbar(self.surface_, ax=ax)
            self.colorbar_.set_label(self.response_label)
        if xlabel is not None or not ax.get_xlabel():
            ax.set_xlabel(self.xlabel if xlabel is None else xlabel)
        if ylabel is not None or not ax.get_ylabel():
            ax.set_ylabel(self.ylabel if ylabel is None else ylabel)
        self._draw_samples(ax, cmap, norm)
        if self.title is not None:
            ax.set_title(self.title)
        if self.xlim is not None:
            ax.set_xlim(self.xlim)
        if self.ylim is not None:
            ax.set_ylim(self.ylim)
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    def _draw_samples(self, ax, cmap, norm):
        self.sample_scatter_ = self.highlight_ = None
        if self.samples is not None and self.sample_targets is not None:
            self.sample_scatter_ = ax.scatter(
                self.samples[:, 0],
                self.samples[:, 1],
                **sample_kwargs(c=self.sample_targets, cmap=cmap, norm=norm),
            )
        if self.highlight is not None:
            self.highlight_ = ax.scatter(
                self.highlight[:, 0],
                self.highlight[:, 1],
                **highlight_kwargs(label="highlighted"),
            )
            ax.legend(loc="best")

    @classmethod
    def from_estimator(
        cls,
        estimator,
        X,
        *,
        grid_resolution=100,
        eps=1.0,
        plot_method="contourf",
        target=None,
        xlabel=None,
        ylabel=None,
        ax=None,
        y=None,
        X_highlight=None,
        features=None,
        filler="median",
        title=None,
        xlim=None,
        ylim=None,
        chunk_size=None,
        cmap=SEQUENTIAL_CMAP,
        colorbar=True,
        **kwargs,
    ):
        """Plot the predicted value of a fitted regressor over two features.

        Parameters
        ----------
        estimator : object
            A fitted regressor (a Pipeline ending in one too); the grid
            passes through it whole.
        X : {array-like, sparse matrix, dataframe} of shape (n_samples, n_features)
            The data that sets the grid's range. It must have 2 features,
            unless ``features`` picks two.
        grid_resolution : int, default=100
            Points per side of the grid.
        eps : float, default=1.0
            Margin added around the range of X.
        plot_method : {'contourf', 'contour', 'pcolormesh'}, default='contourf'
        target : int, default=None
            The output to draw, for a regressor with several; ignored with
            one output.
        xlabel, ylabel : str, default=None
            Axis labels; the column names of a dataframe X by default.
        ax : matplotlib Axes, default=None
        y : array-like of shape (n_samples,), default=None
            Draw the samples of X, filled by their target (the column
            ``target`` of a 2-D y).
        X_highlight : array-like of shape (n_highlight, n_features), default=None
            Samples to ring, a test set for example.
        features : tuple of two int, default=None
            The columns of X spanning the plane, for X with more than 2 features.
        filler : {'median', 'mean'} or array-like of shape (n_features,), \
                default='median'
            Values of the other features on the plane.
        title : str, default=None
        xlim, ylim : tuple of float, default=None
            The range of the grid and of the axes (instead of X's range + eps).
        chunk_size : int, default=None
            Most grid points evaluated at a time, as in
            :meth:`DecisionBoundaryDisplay.from_estimator`.
        cmap : str or matplotlib Colormap, default='viridis'
        colorbar : bool, default=True
        **kwargs : dict
            Passed to the plot method.

        Returns
        -------
        display : PredictionSurfaceDisplay
        """
        what = "PredictionSurfaceDisplay"
        if is_classifier(estimator) or not is_regressor(estimator):
            kind = "a classifier" if is_classifier(estimator) else "not a regressor"
            raise TypeError(
                f"{what} draws a regressor's predicted values; got "
                f"{type(estimator).__name__}, {kind}. For a classifier, use "
                "DecisionBoundaryDisplay."
            )
        check_is_fitted(estimator)
        check_grid_arguments(grid_resolution, eps)
        chunk_size = chunk_rows(estimator, chunk_size)
        if plot_method not in PLOT_METHODS:
            raise ValueError(
                f"plot_method must be one of {', '.join(PLOT_METHODS)}. "
                f"Got {plot_method} instead."
            )
        columns = check_features(X, features)
        X_array = as_array(X)
        xlim, ylim = check_limits("xlim", xlim), check_limits("ylim", ylim)
        xx0, xx1, fill = plane_grid(
            X_array,
            columns,
            features=features,
            filler=filler,
            grid_resolution=grid_resolution,
            eps=eps,
            xlim=xlim,
            ylim=ylim,
        )
        response, _ = evaluate_grid(
            estimator,
            xx0,
            xx1,
            X=X,
            features=columns,
            filler_values=fill,
            response_method="predict",
            class_of_interest=None,
            chunk_size=chunk_size,
        )
        several = response.ndim == 2 and response.shape[1] > 1
        response = _one_output(response, target, what)
        plane_xlabel, plane_ylabel = plane_labels(X, columns, features)
        samples = targets = highlight = None
        if y is not None:
            targets = _one_output(np.asarray(y, dtype=float), target, "y")
            if targets.shape != (len(X_array),):
                raise ValueError(
                    f"y must hold one target per sample of X, {len(X_array)}, got "
                    f"{len(targets)}."
                )
            samples = X_array[:, columns].astype(float)
        if X_highlight is not None:
            highlight = as_array(X_highlight)[:, columns].astype(float)
        display = cls(
            xx0=xx0,
            xx1=xx1,
            response=response.reshape(xx0.shape),
            xlabel=plane_xlabel if xlabel is None else xlabel,
            ylabel=plane_ylabel if ylabel is None else ylabel,
            response_label=f"predicted value (output {target})"
            if several
            else "predicted value",
            samples=samples,
            sample_targets=targets,
            highlight=highlight,
            title=title,
            xlim=xlim,
            ylim=ylim,
        )
        return display.plot(
            ax=ax, plot_method=plot_method, cmap=cmap, colorbar=colorbar, **kwargs
        )


def _one_output(values, target, what):
    """The column ``target`` of a multi-output ``values``, or ``values``."""
    if values.ndim == 1:
        return values
    n_outputs = values.shape[1]
    if target is None:
        if n_outputs == 1:
            return values[:, 0]
        raise ValueError(
            f"The regressor has {n_outputs} outputs: pick the one to draw with "
            f"target, an int from 0 to {n_outputs - 1}."
        )
    if not 0 <= target < n_outputs:
        raise ValueError(
            f"target must be an int from 0 to {n_outputs - 1} for the "
            f"{n_outputs} outputs of {what}, got {target!r}."
        )
    return values[:, target]
