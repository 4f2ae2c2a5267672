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
from ._style import (
    FONT_SIZES,
    MUTED,
    PAPER,
    SEQUENTIAL_CMAP,
    TINT,
    binary_tint_cmap,
    boundary_kwargs,
    class_colors,
    highlight_kwargs,
    mistake_kwargs,
    sample_kwargs,
    styled,
    symmetric_limit,
)

PLOT_METHODS = ("contourf", "contour", "pcolormesh")

# Where a binary classifier's prediction changes, by response method.
THRESHOLDS = {"predict_proba": 0.5, "decision_function": 0.0}
# How far from the threshold a region must reach, on each side, before the
# line between them is called a boundary: p = 0.4 and 0.6, or the decision
# function's logits of those. An untrained network hovers at p = 0.5 and its
# threshold contour is noise; it is left out and the panel says why.
DECIDED = {"predict_proba": 0.1, "decision_function": float(np.log(0.6 / 0.4))}
# The widest band, as a share of the grid's side, across which a response may
# go from one decided side to the other and still be drawn as a boundary.
SHARP_WIDTH = 0.2
# Bands of a filled probability surface: enough that the tint fades smoothly.
SURFACE_LEVELS = 21
# Lines of a contour plot of the same: one every 0.1 of probability.
LINE_LEVELS = 11


def sharp_crossing(response, threshold, margin, width=SHARP_WIDTH):
    """Where the threshold contour of a response is a boundary.

    A grid point belongs to a boundary when, within a short distance, the
    response is decided both ways: below ``threshold - margin`` on one side
    and above ``threshold + margin`` on the other. A trained network
    changes its mind over a narrow band; an untrained one drifts across the
    threshold over half the plane, and that contour is not drawn.

    Parameters
    ----------
    response : ndarray of shape (n, n)
    threshold, margin : float
    width : float, default=SHARP_WIDTH
        The widest band, as a share of the grid's side, over which the
        response may go from one decided side to the other.

    Returns
    -------
    mask : ndarray of bool of shape (n, n)
        True where the contour may be drawn.
    """
    from scipy.ndimage import distance_transform_edt

    low, high = response <= threshold - margin, response >= threshold + margin
    if not (low.any() and high.any()):
        return np.zeros(response.shape, dtype=bool)
    to_low, to_high = distance_transform_edt(~low), distance_transform_edt(~high)
    return to_low + to_high <= width * max(response.shape)


def response_scale(responses, method, plot_method):
    """One colour scale for boundary panels that are to be compared.

    Probabilities span [0, 1] and decision functions a range symmetric about
    0, so that the threshold, the boundary, is always the white middle of the
    tint and a hesitant network looks pale instead of being stretched to
    full contrast. Predicted labels keep their own levels.

    Parameters
    ----------
    responses : list of ndarray
        The binary responses of the panels, each of shape (n, n).
    method : str or None
        The response method that gave them.
    plot_method : {'contourf', 'contour', 'pcolormesh'}

    Returns
    -------
    kwargs : dict
        ``levels`` for contour plots or ``vmin`` and ``vmax`` for pcolormesh;
        empty when the display's defaults apply.
    """
    if method == "predict_proba":
        low, high = 0.0, 1.0
    elif method == "decision_function" and all(r.ndim == 2 for r in responses):
        high = max(symmetric_limit(response) for response in responses)
        low = -high
    else:
        return {}
    if plot_method == "pcolormesh":
        return {"vmin": low, "vmax": high}
    if plot_method == "contour":
        return {"levels": np.linspace(low, high, LINE_LEVELS)}
    return {"levels": np.linspace(low, high, SURFACE_LEVELS)}


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
    response_method : {'predict_proba', 'decision_function', 'predict'}, \
            default=None
        The method that gave ``response``. It fixes a binary problem's colour
        scale and threshold; None draws neither scale nor boundary line.

    Attributes
    ----------
    surface_ : matplotlib QuadContourSet or QuadMesh, or a list of them
        The response surface.
    multiclass_colors_ : ndarray of shape (n_classes, 4)
        Colors of the classes, when ``n_classes > 2``.
    sample_scatters_ : list of matplotlib PathCollection
        One scatter per class of ``sample_labels``.
    boundary_line_ : matplotlib QuadContourSet or None
        The line where a binary classifier's prediction changes (p = 0.5, or
        a decision function of 0), drawn only where it is sharp: where the
        response goes from p <= 0.4 to p >= 0.6 within a fifth of the plot;
        a softer change shows only in the tint.
    note_ : matplotlib Text or None
        Says why no line is drawn when the response drifts across the
        threshold without a sharp change anywhere (an untrained network).
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
        response_method=None,
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
        self.response_method = response_method

    @styled
    def plot(self, plot_method="contourf", ax=None, xlabel=None, ylabel=None, **kwargs):
        """Draw the response, the boundary, then the samples, title and limits.

        A binary problem is drawn, unless ``cmap`` or ``colors`` say
        otherwise, as pale tints of the two class colours that fade to white
        where the network hesitates, on a fixed scale (probabilities from 0
        to 1, decision functions symmetric about 0), with the boundary as a
        dark line. The line is drawn only where it is sharp: where, within a
        fifth of the plot, the response goes from p <= 0.4 to p >= 0.6 (or the
        decision function's equivalent). An untrained network drifts across
        0.5 without deciding, and a note says so instead of a line. A
        multiclass problem keeps scikit-learn's colormaps, one per class
        from white to its colour, on a scale where the surest region shows
        only ``TINT`` (42 %) of that colour.

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
        styled_binary = "cmap" not in kwargs and "colors" not in kwargs
        if self.n_classes == 2 and styled_binary:
            binary_colors = class_colors(2)
            # Lines need the colours themselves; filled regions, pale tints.
            kwargs["cmap"] = binary_tint_cmap(
                binary_colors, strength=1.0 if plot_method == "contour" else TINT
            )
            if not {"levels", "norm", "vmin", "vmax"} & set(kwargs):
                kwargs.update(self._binary_scale(plot_method))
        else:
            cmap = kwargs.get("cmap", SEQUENTIAL_CMAP)
            cmap = mpl.colormaps[cmap] if isinstance(cmap, str) else cmap
            binary_colors = cmap([0.0, 1.0])
        self._draw_surface(mpl, ax, plot_method, kwargs)
        self._draw_boundary(ax)
        if xlabel is not None or not ax.get_xlabel():
            ax.set_xlabel(self.xlabel if xlabel is None else xlabel)
        if ylabel is not None or not ax.get_ylabel():
            ax.set_ylabel(self.ylabel if ylabel is None else ylabel)
        self._draw_samples(ax, binary_colors)
        if self.title is not None:
            ax.set_title(self.title)
        if self.xlim is not None:
            ax.set_xlim(self.xlim)
        if self.ylim is not None:
            ax.set_ylim(self.ylim)
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    def _binary_scale(self, plot_method):
        """The fixed scale of a binary response, by its response method."""
        if self.response_method == "predict":
            if plot_method == "pcolormesh":
                return {"vmin": 0.0, "vmax": 1.0}
            return {"levels": [-0.5, 0.5, 1.5], "vmin": 0.0, "vmax": 1.0}
        scale = response_scale([self.response], self.response_method, plot_method)
        if "levels" in scale:
            scale.update(vmin=scale["levels"][0], vmax=scale["levels"][-1])
        return scale

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
                    stacklevel=4,
                )
                del kwargs[kwarg]
        self.multiclass_colors_ = class_colors(self.n_classes, self.multiclass_colors)
        kwargs.setdefault("zorder", -1)
        if self.response.ndim == 3:  # predict_proba and decision_function
            self._draw_class_surfaces(mpl, plot_func, plot_method, kwargs)
            return
        if "levels" not in kwargs:
            if plot_method == "contour":
                kwargs["levels"] = np.arange(self.n_classes)
            elif plot_method == "contourf":
                kwargs["levels"] = np.arange(self.n_classes + 1) - 0.5
        if plot_method == "contour":
            self.surface_ = plot_func(
                # Black, as scikit-learn draws (and its tests check) them.
                self.xx0,
                self.xx1,
                self.response,
                colors="black",
                **kwargs,
            )
            return
        if self.multiclass_colors is None:
            # Our palette is drawn as tints; colours the user chose, as given.
            kwargs.setdefault("alpha", TINT)
        cmap = mpl.colors.ListedColormap(self.multiclass_colors_)
        self.surface_ = plot_func(
            self.xx0, self.xx1, self.response, cmap=cmap, **kwargs
        )

    def _draw_class_surfaces(self, mpl, plot_func, plot_method, kwargs):
        """One surface per class, where it wins: white to its colour with the
        response, on a scale that keeps the surest region a pale tint."""
        winner = self.response.argmax(axis=2)
        scaled = plot_method != "contour" and not (
            {"levels", "norm", "vmin", "vmax"} & set(kwargs)
        )
        self.surface_ = []
        for class_index, (r, g, b, _) in enumerate(self.multiclass_colors_):
            cmap = mpl.colors.LinearSegmentedColormap.from_list(
                f"colormap_{class_index}", [(1.0, 1.0, 1.0, 1.0), (r, g, b, 1.0)]
            )
            wins = winner == class_index
            response = np.ma.array(self.response[:, :, class_index], mask=~wins)
            scale = {}
            if scaled and wins.any():
                won = self.response[:, :, class_index][wins]
                if self.response_method == "predict_proba":
                    low, high = 1.0 / self.n_classes, 1.0
                else:
                    low, high = float(won.min()), float(won.max())
                if high > low:
                    scale = {"vmin": low, "vmax": low + (high - low) / TINT}
            self.surface_.append(
                plot_func(
                    self.xx0, self.xx1, response, cmap=cmap, **{**scale, **kwargs}
                )
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

    def _draw_boundary(self, ax):
        """The line where a binary prediction changes, where it is sharp;
        a note instead when it is sharp nowhere (an untrained network)."""
        self.boundary_line_ = self.note_ = None
        threshold = THRESHOLDS.get(self.response_method)
        if threshold is None or self.n_classes != 2 or self.response.ndim != 2:
            return
        sharp = sharp_crossing(self.response, threshold, DECIDED[self.response_method])
        if sharp.any():
            line = np.ma.array(self.response, mask=~sharp)
            self.boundary_line_ = ax.contour(
                self.xx0, self.xx1, line, levels=[threshold], **boundary_kwargs()
            )
            return
        low, high = float(np.nanmin(self.response)), float(np.nanmax(self.response))
        if low < threshold < high:
            what = "p" if self.response_method == "predict_proba" else "f(x)"
            self.note_ = ax.text(
                0.5,
                0.03,
                f"no sharp boundary: {what} drifts slowly, {low:.2f} to {high:.2f}",
                transform=ax.transAxes,
                ha="center",
                va="bottom",
                color=MUTED,
                fontsize=FONT_SIZES["note"],
                bbox={"facecolor": PAPER, "edgecolor": "none", "alpha": 0.8},
            )

    def _sample_colors(self, labels, binary_colors):
        """One color per distinct label, matching the surface's colors."""
        if self.n_classes > 2:
            index = {label: i for i, label in enumerate(self.classes)}
            return {label: self.multiclass_colors_[index[label]] for label in labels}
        if self.class_of_interest is not None or self.classes is None:
            positive = self.class_of_interest
        else:
            positive = self.classes[-1]
        return {
            label: binary_colors[1] if label == positive else binary_colors[0]
            for label in labels
        }

    def _draw_samples(self, ax, binary_colors):
        self.sample_scatters_, self.misclassified_, self.highlight_ = [], None, None
        self.legend_ = None
        if self.samples is not None and self.sample_labels is not None:
            labels = np.unique(self.sample_labels)
            colors = self._sample_colors(labels, binary_colors)
            for label in labels:
                points = self.samples[self.sample_labels == label]
                self.sample_scatters_.append(
                    ax.scatter(
                        points[:, 0],
                        points[:, 1],
                        **sample_kwargs(color=colors[label], label=str(label)),
                    )
                )
            if self.sample_predictions is not None:
                wrong = self.sample_predictions != self.sample_labels
                self.misclassified_ = ax.scatter(
                    self.samples[wrong, 0],
                    self.samples[wrong, 1],
                    **mistake_kwargs(label=f"misclassified ({int(wrong.sum())})"),
                )
        if self.highlight is not None:
            self.highlight_ = ax.scatter(
                self.highlight[:, 0],
                self.highlight[:, 1],
                **highlight_kwargs(label="highlighted"),
            )
        if self.sample_scatters_ or self.highlight_ is not None:
            self.legend_ = ax.legend(loc="best")

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
            response_method=method,
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
