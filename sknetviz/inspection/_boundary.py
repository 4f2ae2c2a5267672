"""DecisionBoundaryDisplay: scikit-learn's display, plus samples, more features and
bounded memory."""

import warnings

import numpy as np
from sklearn.base import is_classifier, is_regressor

from ._adapters import as_array
from ._grid import (
    check_features,
    check_grid_arguments,
    check_limits,
    chunk_rows,
    evaluate_grid,
    n_classes_shown,
    plane_grid,
    plane_labels,
)

PETROFF_10 = [
    "#3f90da", "#ffa90e", "#bd1f01", "#94a4a2", "#832db6",
    "#a96b59", "#e76300", "#b9ac70", "#717581", "#92dadd",
]  # fmt: skip
PLOT_METHODS = ("contourf", "contour", "pcolormesh")


def select_colors(mpl, multiclass_colors, n_classes):
    """RGBA colors, one per class, as scikit-learn chooses them.

    Parameters
    ----------
    mpl : module
        matplotlib.
    multiclass_colors : None, str or list
        None gives the accessible Petroff colors up to 10 classes and
        'gist_rainbow' beyond; a string names a colormap; a list gives one
        color per class.
    n_classes : int

    Returns
    -------
    colors : ndarray of shape (n_classes, 4)
    """
    if multiclass_colors is None:
        multiclass_colors = (
            PETROFF_10[:n_classes] if n_classes <= 10 else "gist_rainbow"
        )
    if isinstance(multiclass_colors, str):
        if multiclass_colors not in mpl.pyplot.colormaps():
            raise ValueError(
                "When 'multiclass_colors' is a string, it must be a valid "
                f"Matplotlib colormap. Got: {multiclass_colors}"
            )
        cmap = mpl.pyplot.get_cmap(multiclass_colors)
        if cmap.N < n_classes:
            raise ValueError(
                f"Colormap '{multiclass_colors}' only has {cmap.N} colors, but "
                f"{n_classes} classes are to be displayed. Please specify a "
                "different colormap or provide a list of colors via "
                "'multiclass_colors'."
            )
        return cmap(np.linspace(0, 1, n_classes))
    if isinstance(multiclass_colors, list):
        if len(multiclass_colors) != n_classes:
            raise ValueError(
                "When 'multiclass_colors' is a list, it must be of the same "
                f"length as the classes or labels to plot ({n_classes}), got: "
                f"{len(multiclass_colors)}."
            )
        if any(not mpl.colors.is_color_like(color) for color in multiclass_colors):
            raise ValueError(
                "When 'multiclass_colors' is a list, it can only contain valid"
                f" Matplotlib color names. Got: {multiclass_colors}"
            )
        return mpl.colors.to_rgba_array(multiclass_colors)
    raise TypeError("'multiclass_colors' must be a list or a str.")


class DecisionBoundaryDisplay:
    """Decision boundary of any fitted estimator, with the samples drawn on it.

    A superset of :class:`sklearn.inspection.DecisionBoundaryDisplay`: the same
    constructor, ``plot``, ``from_estimator`` signature, defaults, attributes and
    error messages, so code written for scikit-learn's display works unchanged.
    ``from_estimator`` adds ``y`` (samples coloured by class, misclassified ones
    marked), ``X_highlight`` (ringed samples), ``features`` and ``filler`` (a
    plane through data with more than two features), ``title``, ``xlim`` and
    ``ylim``, and evaluates the grid in chunks so that memory stays bounded at
    any ``grid_resolution``.

    Create it with :meth:`from_estimator`; every parameter is kept as an attribute.

    Parameters
    ----------
    xx0, xx1 : ndarray of shape (grid_resolution, grid_resolution)
        The meshgrid.
    n_classes : int
        Number of classes shown (2 for binary, regression, outlier detection
        and a single ``class_of_interest``).
    response : ndarray of shape (grid_resolution, grid_resolution) or \
            (grid_resolution, grid_resolution, n_classes)
        The response on the grid.
    multiclass_colors : str or list of matplotlib colors, default=None
        Colors of the classes of a multiclass problem (see scikit-learn).
    xlabel, ylabel : str, default=None
        Axis labels.
    samples : ndarray of shape (n_samples, 2), default=None
        Coordinates of the samples to draw.
    sample_labels : ndarray of shape (n_samples,), default=None
        Their true classes, which colour them.
    sample_predictions : ndarray of shape (n_samples,), default=None
        Their predicted classes; samples where they differ are marked.
    highlight : ndarray of shape (n_highlight, 2), default=None
        Coordinates of samples to ring.
    classes : ndarray, default=None
        The estimator's classes, in the order of the response's last axis.
    class_of_interest : label, default=None
        The class shown when one class of several is plotted.
    title : str, default=None
    xlim, ylim : tuple of float, default=None
        Axis limits.

    Attributes
    ----------
    surface_ : matplotlib QuadContourSet or QuadMesh, or a list of them
        The response surface.
    multiclass_colors_ : ndarray of shape (n_classes, 4)
        Colors of the classes, when ``n_classes > 2``.
    sample_scatters_ : list of matplotlib PathCollection
        One scatter per class of ``sample_labels``.
    misclassified_ : matplotlib PathCollection or None
        The marks over misclassified samples.
    highlight_ : matplotlib PathCollection or None
        The rings around ``highlight``.
    legend_ : matplotlib Legend or None
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure

    See Also
    --------
    sklearn.inspection.DecisionBoundaryDisplay : The display this one extends.
    PredictionSurfaceDisplay : A regressor's predictions over the same plane,
        with a colorbar and the samples coloured by target.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import make_moons
    >>> from sklearn.model_selection import train_test_split
    >>> from sknetviz import MLPVisualClassifier
    >>> from sknetviz.inspection import DecisionBoundaryDisplay
    >>> X, y = make_moons(n_samples=200, noise=0.2, random_state=0)
    >>> X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    >>> clf = MLPVisualClassifier((16, 16), learning_rate_init=0.01, max_iter=300,
    ...                           random_state=0).fit(X_train, y_train)
    >>> display = DecisionBoundaryDisplay.from_estimator(
    ...     clf, X, y=y, X_highlight=X_test, response_method="predict_proba",
    ...     title="two moons")
    >>> display.response.shape, len(display.sample_scatters_)
    ((100, 100), 2)
    """

    def __init__(
        self,
        *,
        xx0,
        xx1,
        n_classes,
        response,
        multiclass_colors=None,
        xlabel=None,
        ylabel=None,
        samples=None,
        sample_labels=None,
        sample_predictions=None,
        highlight=None,
        classes=None,
        class_of_interest=None,
        title=None,
        xlim=None,
        ylim=None,
    ):
        self.xx0 = xx0
        self.xx1 = xx1
        self.n_classes = n_classes
        self.response = response
        self.multiclass_colors = multiclass_colors
        self.xlabel = xlabel
        self.ylabel = ylabel
        self.samples = samples
        self.sample_labels = sample_labels
        self.sample_predictions = sample_predictions
        self.highlight = highlight
        self.classes = classes
        self.class_of_interest = class_of_interest
        self.title = title
        self.xlim = xlim
        self.ylim = ylim

    def plot(self, plot_method="contourf", ax=None, xlabel=None, ylabel=None, **kwargs):
        """Draw the response, then the samples, highlights, title and limits.

        Parameters
        ----------
        plot_method : {'contourf', 'contour', 'pcolormesh'}, default='contourf'
            The matplotlib function that draws the response.
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.
        xlabel, ylabel : str, default=None
            Override the axis labels.
        **kwargs : dict
            Passed to the plot method (``cmap`` or ``colors`` for binary
            problems; ``zorder`` defaults to -1 for multiclass ones).

        Returns
        -------
        display : DecisionBoundaryDisplay
        """
        import matplotlib as mpl
        import matplotlib.pyplot as plt

        if plot_method not in PLOT_METHODS:
            raise ValueError(
                "plot_method must be 'contourf', 'contour', or 'pcolormesh'. "
                f"Got {plot_method} instead."
            )
        if ax is None:
            _, ax = plt.subplots()
        cmap = kwargs.get("cmap", "viridis")
        binary_cmap = mpl.colormaps[cmap] if isinstance(cmap, str) else cmap
        self._draw_surface(mpl, ax, plot_method, kwargs)
        if xlabel is not None or not ax.get_xlabel():
            ax.set_xlabel(self.xlabel if xlabel is None else xlabel)
        if ylabel is not None or not ax.get_ylabel():
            ax.set_ylabel(self.ylabel if ylabel is None else ylabel)
        self._draw_samples(ax, binary_cmap)
        if self.title is not None:
            ax.set_title(self.title)
        if self.xlim is not None:
            ax.set_xlim(self.xlim)
        if self.ylim is not None:
            ax.set_ylim(self.ylim)
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    def _draw_surface(self, mpl, ax, plot_method, kwargs):
        plot_func = getattr(ax, plot_method)
        if self.n_classes == 2:
            self.surface_ = plot_func(self.xx0, self.xx1, self.response, **kwargs)
            return
        for kwarg in ("cmap", "colors"):
            if kwarg in kwargs:
                warnings.warn(
                    f"'{kwarg}' is ignored in favor of 'multiclass_colors' "
                    "in the multiclass case.",
                    stacklevel=3,
                )
                del kwargs[kwarg]
        self.multiclass_colors_ = select_colors(
            mpl, self.multiclass_colors, self.n_classes
        )
        kwargs.setdefault("zorder", -1)
        if self.response.ndim == 3:  # predict_proba and decision_function
            winner = self.response.argmax(axis=2)
            self.surface_ = []
            for class_index, (r, g, b, _) in enumerate(self.multiclass_colors_):
                cmap = mpl.colors.LinearSegmentedColormap.from_list(
                    f"colormap_{class_index}", [(1.0, 1.0, 1.0, 1.0), (r, g, b, 1.0)]
                )
                response = np.ma.array(
                    self.response[:, :, class_index], mask=(winner != class_index)
                )
                self.surface_.append(
                    plot_func(self.xx0, self.xx1, response, cmap=cmap, **kwargs)
                )
            if plot_method == "contour":
                self.surface_.append(
                    plot_func(
                        self.xx0,
                        self.xx1,
                        winner,
                        colors="black",
                        zorder=-1,
                        levels=np.arange(self.n_classes),
                    )
                )
            return
        if "levels" not in kwargs:
            if plot_method == "contour":
                kwargs["levels"] = np.arange(self.n_classes)
            elif plot_method == "contourf":
                kwargs["levels"] = np.arange(self.n_classes + 1) - 0.5
        if plot_method == "contour":
            self.surface_ = plot_func(
                self.xx0, self.xx1, self.response, colors="black", **kwargs
            )
        else:
            cmap = mpl.colors.ListedColormap(self.multiclass_colors_)
            self.surface_ = plot_func(
                self.xx0, self.xx1, self.response, cmap=cmap, **kwargs
            )

    def _sample_colors(self, labels, binary_cmap):
        """One color per distinct label, matching the surface's colors."""
        if self.n_classes > 2:
            index = {label: i for i, label in enumerate(self.classes)}
            return {label: self.multiclass_colors_[index[label]] for label in labels}
        if self.class_of_interest is not None or self.classes is None:
            positive = self.class_of_interest
        else:
            positive = self.classes[-1]
        return {
            label: binary_cmap(1.0 if label == positive else 0.0) for label in labels
        }

    def _draw_samples(self, ax, binary_cmap):
        self.sample_scatters_, self.misclassified_, self.highlight_ = [], None, None
        self.legend_ = None
        if self.samples is not None and self.sample_labels is not None:
            labels = np.unique(self.sample_labels)
            colors = self._sample_colors(labels, binary_cmap)
            for label in labels:
                points = self.samples[self.sample_labels == label]
                self.sample_scatters_.append(
                    ax.scatter(
                        points[:, 0],
                        points[:, 1],
                        color=colors[label],
                        edgecolor="black",
                        linewidth=0.6,
                        s=22,
                        label=str(label),
                    )
                )
            if self.sample_predictions is not None:
                wrong = self.sample_predictions != self.sample_labels
                self.misclassified_ = ax.scatter(
                    self.samples[wrong, 0],
                    self.samples[wrong, 1],
                    marker="x",
                    color="black",
                    s=40,
                    linewidth=1.4,
                    label=f"misclassified ({int(wrong.sum())})",
                )
        if self.highlight is not None:
            self.highlight_ = ax.scatter(
                self.highlight[:, 0],
                self.highlight[:, 1],
                facecolors="none",
                edgecolors="black",
                s=90,
                linewidth=1.3,
                label="highlighted",
            )
        if self.sample_scatters_ or self.highlight_ is not None:
            self.legend_ = ax.legend(loc="best", fontsize="small", framealpha=0.8)

    @classmethod
    def from_estimator(
        cls,
        estimator,
        X,
        *,
        grid_resolution=100,
        eps=1.0,
        plot_method="contourf",
        response_method="auto",
        class_of_interest=None,
        multiclass_colors=None,
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
        **kwargs,
    ):
        """Plot the decision boundary of a fitted estimator.

        Parameters
        ----------
        estimator : object
            Fitted estimator (a Pipeline too); the grid passes through it whole.
        X : {array-like, sparse matrix, dataframe} of shape (n_samples, n_features)
            The data that sets the grid's range. It must have 2 features,
            unless ``features`` picks two.
        grid_resolution : int, default=100
            Points per side of the grid.
        eps : float, default=1.0
            Margin added around the range of X.
        plot_method : {'contourf', 'contour', 'pcolormesh'}, default='contourf'
        response_method : {'auto', 'decision_function', 'predict_proba', \
                'predict'}, default='auto'
            Tried in that order for 'auto', as in scikit-learn.
        class_of_interest : label, default=None
            The class to plot; by default the positive class for binary
            problems and every class for multiclass ones.
        multiclass_colors : str or list of matplotlib colors, default=None
            Colors of the classes of a multiclass problem.
        xlabel, ylabel : str, default=None
            Axis labels; the column names of a dataframe X by default.
        ax : matplotlib Axes, default=None
        y : array-like of shape (n_samples,), default=None
            Draw the samples of X coloured by class, with a legend, and mark the
            ones the estimator misclassifies. For a classifier, every label
            must be one of its ``classes_``; a regressor is refused (see
            :class:`PredictionSurfaceDisplay`).
        X_highlight : array-like of shape (n_highlight, n_features), default=None
            Samples to ring, a test set for example.
        features : tuple of two int, default=None
            The columns of X spanning the plane, for X with more than 2 features.
        filler : {'median', 'mean'} or array-like of shape (n_features,), \
                default='median'
            Values of the other features on the plane.
        title : str, default=None
        xlim, ylim : tuple of float, default=None
            The range of the grid and of the axes (instead of X's range + eps):
            two finite numbers, low < high.
        chunk_size : int, default=None
            Most grid points evaluated at a time; memory grows with it, not
            with ``grid_resolution``. None lets a sknetviz estimator choose
            (what its network evaluates in one pass) and uses 8192 for any
            other; a sknetviz estimator also lowers a larger value to its own.
        **kwargs : dict
            Passed to the plot method.

        Returns
        -------
        display : DecisionBoundaryDisplay
        """
        from sklearn.utils.validation import check_is_fitted

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
        labels = None if y is None else _check_labels(estimator, y, len(X_array))
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
        classes = getattr(estimator, "classes_", None)
        if (
            class_of_interest is not None
            and classes is not None
            and (class_of_interest not in classes)
        ):
            raise ValueError(
                f"class_of_interest={class_of_interest} is not a valid label: It "
                f"should be one of {classes}"
            )
        response, method = evaluate_grid(
            estimator,
            xx0,
            xx1,
            X=X,
            features=columns,
            filler_values=fill,
            response_method=response_method,
            class_of_interest=class_of_interest,
            chunk_size=chunk_size,
        )
        n_classes = n_classes_shown(estimator, response, class_of_interest)
        if response.ndim == 1:
            response = response.reshape(*xx0.shape)
        else:
            if is_regressor(estimator):
                raise ValueError("Multi-output regressors are not supported")
            if class_of_interest is not None:
                column = np.flatnonzero(classes == class_of_interest)[0]
                response = response[:, column].reshape(*xx0.shape)
            else:
                response = response.reshape(*xx0.shape, response.shape[-1])
        plane_xlabel, plane_ylabel = plane_labels(X, columns, features)
        xlabel = plane_xlabel if xlabel is None else xlabel
        ylabel = plane_ylabel if ylabel is None else ylabel
        samples = predictions = highlight = None
        if labels is not None:
            samples = X_array[:, columns].astype(float)
            if is_classifier(estimator):
                predictions = np.asarray(estimator.predict(X))
        if X_highlight is not None:
            highlight = as_array(X_highlight)[:, columns].astype(float)
        display = cls(
            xx0=xx0,
            xx1=xx1,
            n_classes=n_classes,
            response=response,
            multiclass_colors=multiclass_colors,
            xlabel=xlabel,
            ylabel=ylabel,
            samples=samples,
            sample_labels=labels,
            sample_predictions=predictions,
            highlight=highlight,
            classes=classes,
            class_of_interest=class_of_interest,
            title=title,
            xlim=xlim,
            ylim=ylim,
        )
        display.response_method_ = method
        return display.plot(ax=ax, plot_method=plot_method, **kwargs)


def _check_labels(estimator, y, n_samples):
    """``y`` as an array: one label per sample, each a class of a classifier."""
    if is_regressor(estimator):
        raise ValueError(
            "y colours the samples by class, and "
            f"{type(estimator).__name__} is a regressor: draw its predictions with "
            "PredictionSurfaceDisplay.from_estimator(estimator, X, y=y), which "
            "colours the samples by their target."
        )
    labels = np.asarray(y)
    if labels.shape != (n_samples,):
        raise ValueError(
            f"y must hold one label per sample of X, shape ({n_samples},), got "
            f"shape {labels.shape}."
        )
    classes = getattr(estimator, "classes_", None)
    if is_classifier(estimator) and classes is not None:
        unseen = np.setdiff1d(labels, classes)
        if unseen.size:
            raise ValueError(
                f"y holds labels that {type(estimator).__name__} was not fitted "
                f"on: {unseen.tolist()}. Every label must be one of its classes_ "
                f"{np.asarray(classes).tolist()}."
            )
    return labels
