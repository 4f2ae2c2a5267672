"""BoundaryEvolutionDisplay: the decision boundary at chosen epochs of one real
training run, as small multiples and as an animation."""

import math
import warnings
from pathlib import Path

import numpy as np
from sklearn.base import clone, is_classifier
from sklearn.metrics import accuracy_score, log_loss
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_consistent_length, column_or_1d

from ._adapters import as_array
from ._boundary import PLOT_METHODS, DecisionBoundaryDisplay
from ._grid import (
    check_features,
    check_grid_arguments,
    evaluate_grid,
    meshgrid,
    n_classes_shown,
)

INCREMENTAL = (
    "MLPVisualClassifier or MLPClassifier with solver='adam' or 'sgd', "
    "SGDClassifier, or a Pipeline ending in one"
)


def check_plot_method(plot_method):
    """DecisionBoundaryDisplay's check and message for ``plot_method``."""
    if plot_method not in PLOT_METHODS:
        raise ValueError(
            f"plot_method must be one of {', '.join(PLOT_METHODS)}. "
            f"Got {plot_method} instead."
        )


def check_class_of_interest(class_of_interest, classes):
    """scikit-learn's message for a ``class_of_interest`` that is no label."""
    if class_of_interest is not None and class_of_interest not in classes:
        raise ValueError(
            f"class_of_interest={class_of_interest} is not a valid label: It "
            f"should be one of {classes}"
        )


def axis_labels(X):
    """The column names of a dataframe X, else empty labels."""
    names = getattr(X, "columns", None)
    return ("", "") if names is None else (str(names[0]), str(names[1]))


def grid_response(estimator, X, xx0, xx1, *, response_method, class_of_interest):
    """The response of a fitted classifier on the grid, as DecisionBoundaryDisplay
    computes it for two-feature data.

    Returns
    -------
    response : ndarray of shape (grid_resolution, grid_resolution) or \
            (grid_resolution, grid_resolution, n_classes)
    n_classes : int
    method : str
        The response method used.
    """
    response, method = evaluate_grid(
        estimator,
        xx0,
        xx1,
        X=X,
        features=(0, 1),
        filler_values=np.zeros(2),
        response_method=response_method,
        class_of_interest=class_of_interest,
    )
    n_classes = n_classes_shown(estimator, response, class_of_interest)
    if response.ndim == 1:
        return response.reshape(xx0.shape), n_classes, method
    if class_of_interest is not None:
        column = np.flatnonzero(estimator.classes_ == class_of_interest)[0]
        return response[:, column].reshape(xx0.shape), n_classes, method
    return response.reshape(*xx0.shape, response.shape[-1]), n_classes, method


def color_scale(responses, method, plot_method):
    """One color scale for panels that are to be compared.

    Probabilities span [0, 1] and decision functions a range symmetric about
    0, so that 0.5 (or 0), the boundary, is always the middle color and a
    hesitant early network looks pale instead of being stretched to full
    contrast. Predicted labels keep DecisionBoundaryDisplay's own levels.

    Returns
    -------
    kwargs : dict
        ``levels`` for contour plots or ``vmin`` and ``vmax`` for pcolormesh;
        empty when the display's defaults apply.
    """
    two_d = all(response.ndim == 2 for response in responses)
    if method == "predict_proba":
        low, high = 0.0, 1.0
    elif method == "decision_function" and two_d:
        high = max(float(np.max(np.abs(response))) for response in responses)
        high = high if high > 0 else 1.0
        low = -high
    else:
        return {}
    if plot_method == "pcolormesh":
        return {"vmin": low, "vmax": high}
    return {"levels": np.linspace(low, high, 11)}


THRESHOLDS = {"predict_proba": 0.5, "decision_function": 0.0}


def draw_threshold(ax, xx0, xx1, response, method, classes):
    """Draw the decision threshold of a binary classifier as a line, or nothing.

    The filled surface shows the response; the line shows where the predicted
    class changes, the boundary the guide draws.

    Returns
    -------
    line : matplotlib QuadContourSet or None
        None for multiclass problems, predicted labels, or a surface that does
        not cross the threshold.
    """
    threshold = THRESHOLDS.get(method)
    if (
        threshold is None
        or classes is None
        or len(classes) != 2
        or response.ndim != 2
        or not response.min() < threshold < response.max()
    ):
        return None
    return ax.contour(
        xx0, xx1, response, levels=[threshold], colors="white", linewidths=2.0
    )


def panel_axes(n_panels, axes, ncols, what):
    """The figure and one Axes per panel: the given ones, or a new grid.

    Parameters
    ----------
    n_panels : int
    axes : array-like of matplotlib Axes or None
        Exactly ``n_panels`` of them, in panel order, when given.
    ncols : int or None
        Columns of the new grid; ``min(n_panels, 4)`` when None.
    what : str
        Name of the display, for the error messages.

    Returns
    -------
    figure : matplotlib Figure
    axes : ndarray of matplotlib Axes of shape (n_panels,)
    """
    import matplotlib.pyplot as plt

    if axes is not None:
        axes = np.asarray(axes, dtype=object).ravel()
        if axes.size != n_panels:
            raise ValueError(
                f"{what} draws {n_panels} panel(s) and needs one Axes for each; "
                f"got {axes.size}."
            )
        return axes[0].figure, axes
    if ncols is None:
        ncols = min(n_panels, 4)
    if not (isinstance(ncols, int | np.integer) and ncols >= 1):
        raise ValueError(f"ncols must be a positive integer, got {ncols!r}.")
    ncols = min(int(ncols), n_panels)
    nrows = math.ceil(n_panels / ncols)
    figure, grid = plt.subplots(
        nrows,
        ncols,
        figsize=(4.2 * ncols, 4.0 * nrows),
        squeeze=False,
        layout="constrained",
    )
    for ax in grid.ravel()[n_panels:]:
        ax.remove()
    return figure, grid.ravel()[:n_panels]


def keep_first_legend(panels):
    """Remove every panel's legend but the first: they all say the same."""
    for panel in panels[1:]:
        if panel.legend_ is not None:
            panel.legend_.remove()
            panel.legend_ = None


def _trained_step(estimator):
    """The step that partial_fit trains: the estimator or a Pipeline's last step."""
    what = "BoundaryEvolutionDisplay"
    if not is_classifier(estimator):
        raise TypeError(
            f"{what} needs a classifier; got {type(estimator).__name__}. A "
            "regressor has no decision boundary: draw its predictions with "
            "PredictionSurfaceDisplay."
        )
    if isinstance(estimator, Pipeline):
        step = estimator.steps[-1][1]
        where = f"the last step of the Pipeline, {type(step).__name__},"
    else:
        step, where = estimator, type(estimator).__name__
    if not hasattr(step, "partial_fit"):
        raise TypeError(
            f"{what} trains a clone of the estimator one epoch at a time with "
            f"partial_fit, and {where} has no partial_fit. Use an estimator that "
            f"learns incrementally: {INCREMENTAL}."
        )
    return step


def check_epochs(epochs, estimator):
    """Validate ``epochs``: positive, strictly increasing integers. ``estimator``,
    the step that partial_fit trains, names the model in the messages.

    Returns
    -------
    epochs : ndarray of int of shape (n_epochs,)
    """
    values = np.asarray(epochs)
    if (
        values.ndim != 1
        or values.size == 0
        or values.dtype == bool
        or not np.issubdtype(values.dtype, np.integer)
    ):
        raise ValueError(
            f"epochs must be a non-empty sequence of integers, got {epochs!r}."
        )
    shown = tuple(values.tolist())
    if values.min() < 0:
        raise ValueError(
            "epochs must be non-negative integers (epoch N is the network after N "
            f"passes over the data), got {shown}."
        )
    if np.any(np.diff(values) <= 0):
        raise ValueError(f"epochs must be strictly increasing, got {shown}.")
    if values[0] == 0 and not hasattr(estimator, "initialize"):
        warnings.warn(
            f"Epoch 0 is left out: {type(estimator).__name__} cannot set up its "
            "weights without training (its first partial_fit both initialises and "
            "trains an epoch). sknetviz's estimators can, with initialize(). Pass "
            "epochs starting at 1 to silence this warning.",
            UserWarning,
            stacklevel=3,
        )
        values = values[1:]
        if values.size == 0:
            raise ValueError(
                f"epochs={shown} asks only for epoch 0, which "
                f"{type(estimator).__name__} cannot show."
            )
    return values.astype(int)


def _record(pipeline, step, epoch, X, X_step, y, grid, response_method, coi):
    """What the display keeps of one epoch, with the number of classes shown and
    the response method used."""
    response, n_classes, method = grid_response(
        pipeline, X, *grid, response_method=response_method, class_of_interest=coi
    )
    predictions = np.asarray(step.predict(X_step))
    loss = None
    if hasattr(step, "predict_proba"):
        loss = float(log_loss(y, step.predict_proba(X_step), labels=step.classes_))
    record = {
        "epoch": epoch,
        "response": response,
        "loss": loss,
        "accuracy": float(accuracy_score(y, predictions)),
        "predictions": predictions,
    }
    return record, n_classes, method


class BoundaryEvolutionDisplay:
    """The decision boundary of one network at chosen epochs of its training.

    :meth:`from_estimator` clones the estimator and trains the clone one epoch
    at a time with ``partial_fit``, keeping its boundary at each epoch asked
    for: the guide's "random initialisation, training, converged" pictures,
    drawn from a real run. Every panel is a :class:`DecisionBoundaryDisplay`
    titled with the epoch, the training log-loss and the training accuracy;
    misclassified samples are marked. :meth:`save_animation` writes the same
    run as a GIF or MP4.

    Epoch ``N`` is the clone after ``N`` calls to ``partial_fit`` (``classes``
    given on the first), so the last panel is exactly the boundary of the
    same estimator trained that way. Epoch 0 is the untrained network, set up
    by the estimator's ``initialize`` (sknetviz's estimators have it, and a
    following ``partial_fit`` continues from exactly there). scikit-learn's
    estimators cannot set up their weights without training an epoch, so
    for them epoch 0 is left out with a warning.

    Create it with :meth:`from_estimator`; every parameter is kept as an attribute.

    Parameters
    ----------
    epochs : ndarray of int of shape (n_panels,)
        The epochs drawn as panels.
    xx0, xx1 : ndarray of shape (grid_resolution, grid_resolution)
        The meshgrid.
    responses : list of ndarray
        The response on the grid at each epoch of ``epochs``, each of shape
        (grid_resolution, grid_resolution) or (grid_resolution,
        grid_resolution, n_classes).
    losses : list of float or None
        Log-loss on the training data at each epoch of ``epochs``, without
        the L2 term and after the epoch (unlike ``loss_curve_``, which
        averages over the epoch's batches while the weights move); None when
        the estimator has no ``predict_proba``.
    accuracies : list of float
        Accuracy on the training data at each epoch of ``epochs``.
    n_classes : int
        Number of classes shown.
    samples : ndarray of shape (n_samples, 2), default=None
        The training samples.
    sample_labels : ndarray of shape (n_samples,), default=None
        Their classes.
    sample_predictions : list of ndarray of shape (n_samples,), default=None
        The predicted classes at each epoch of ``epochs``.
    classes : ndarray of shape (n_classes,), default=None
        The estimator's classes.
    class_of_interest : label, default=None
        The class shown when one class of several is plotted.
    response_method : str, default=None
        The response method that gave ``responses``; probabilities are drawn
        on a fixed [0, 1] scale and decision functions on one scale for all
        epochs.
    xlabel, ylabel : str, default=None
    frames : list of dict, default=None
        Every epoch from the first to ``epochs[-1]`` when ``record_all=True``: dicts
        with 'epoch', 'response', 'loss', 'accuracy' and 'predictions'.
        :meth:`save_animation` draws one frame per record; when None, one per
        panel.

    Attributes
    ----------
    panels_ : list of DecisionBoundaryDisplay
        One per epoch of ``epochs``; only the first has a legend.
    boundary_lines_ : list of matplotlib QuadContourSet or None
        Per panel, the white line where the predicted class changes (0.5 for
        probabilities, 0 for decision functions) of a binary problem; None
        for multiclass problems, predicted labels, or a surface that does not
        cross it.
    axes_ : ndarray of matplotlib Axes of shape (n_panels,)
    figure_ : matplotlib Figure

    See Also
    --------
    DecisionBoundaryDisplay : The boundary of one fitted estimator.
    BoundaryComparisonDisplay : The boundaries of several estimators.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import make_moons
    >>> from sknetviz import MLPVisualClassifier
    >>> from sknetviz.inspection import BoundaryEvolutionDisplay
    >>> X, y = make_moons(n_samples=200, noise=0.2, random_state=0)
    >>> clf = MLPVisualClassifier((16, 16), learning_rate_init=0.02, random_state=0)
    >>> display = BoundaryEvolutionDisplay.from_estimator(
    ...     clf, X, y, epochs=(1, 10, 60), grid_resolution=50)
    >>> display.epochs
    array([ 1, 10, 60])
    >>> len(display.panels_), display.accuracies[-1] > display.accuracies[0]
    (3, True)
    """

    def __init__(
        self,
        *,
        epochs,
        xx0,
        xx1,
        responses,
        losses,
        accuracies,
        n_classes,
        samples=None,
        sample_labels=None,
        sample_predictions=None,
        classes=None,
        class_of_interest=None,
        response_method=None,
        xlabel=None,
        ylabel=None,
        frames=None,
    ):
        self.epochs = epochs
        self.xx0 = xx0
        self.xx1 = xx1
        self.responses = responses
        self.losses = losses
        self.accuracies = accuracies
        self.n_classes = n_classes
        self.samples = samples
        self.sample_labels = sample_labels
        self.sample_predictions = sample_predictions
        self.classes = classes
        self.class_of_interest = class_of_interest
        self.response_method = response_method
        self.xlabel = xlabel
        self.ylabel = ylabel
        self.frames = frames

    def _panel_records(self):
        """One record per panel, in the form of ``frames``."""
        predictions = self.sample_predictions or [None] * len(self.epochs)
        losses = self.losses or [None] * len(self.epochs)
        return [
            {
                "epoch": int(epoch),
                "response": response,
                "loss": loss,
                "accuracy": accuracy,
                "predictions": prediction,
            }
            for epoch, response, loss, accuracy, prediction in zip(
                self.epochs, self.responses, losses, self.accuracies, predictions
            )
        ]

    def _boundary(self, record):
        """The DecisionBoundaryDisplay of one epoch, titled with its scores."""
        scores = f"accuracy {record['accuracy']:.3f}"
        if record["loss"] is not None:
            scores = f"loss {record['loss']:.3f}, {scores}"
        return DecisionBoundaryDisplay(
            xx0=self.xx0,
            xx1=self.xx1,
            n_classes=self.n_classes,
            response=record["response"],
            xlabel=self.xlabel,
            ylabel=self.ylabel,
            samples=self.samples,
            sample_labels=self.sample_labels,
            sample_predictions=record["predictions"],
            classes=self.classes,
            class_of_interest=self.class_of_interest,
            title=f"epoch {record['epoch']} — {scores}",
        )

    def _draw_threshold(self, ax, record):
        return draw_threshold(
            ax,
            self.xx0,
            self.xx1,
            record["response"],
            self.response_method,
            self.classes,
        )

    def _scale(self, plot_method, kwargs):
        records = self.frames if self.frames is not None else self._panel_records()
        scale = color_scale(
            [record["response"] for record in records],
            self.response_method,
            plot_method,
        )
        return {**scale, **kwargs}

    def plot(self, axes=None, *, ncols=None, plot_method="contourf", **kwargs):
        """Draw one panel per epoch of ``epochs``.

        Parameters
        ----------
        axes : array-like of matplotlib Axes, default=None
            One Axes per panel, in epoch order; a new figure when None.
        ncols : int, default=None
            Panels per row of a new figure; ``min(n_panels, 4)`` when None.
        plot_method : {'contourf', 'contour', 'pcolormesh'}, default='contourf'
        **kwargs : dict
            Passed to every panel's :meth:`DecisionBoundaryDisplay.plot`.

        Returns
        -------
        display : BoundaryEvolutionDisplay
        """
        check_plot_method(plot_method)
        figure, axes = panel_axes(
            len(self.epochs), axes, ncols, "BoundaryEvolutionDisplay"
        )
        panel_kwargs = self._scale(plot_method, kwargs)
        self.panels_, self.boundary_lines_ = [], []
        for record, ax in zip(self._panel_records(), axes):
            self.panels_.append(
                self._boundary(record).plot(
                    plot_method=plot_method, ax=ax, **panel_kwargs
                )
            )
            self.boundary_lines_.append(self._draw_threshold(ax, record))
        keep_first_legend(self.panels_)
        self.axes_ = axes
        self.figure_ = figure
        return self

    def save_animation(self, path, *, fps=5, dpi=80, plot_method="contourf", **kwargs):
        """Write the training run as an animation, one frame per recorded epoch.

        The frames are the panels' epochs, or every epoch when the display was
        made with ``record_all=True``.

        Parameters
        ----------
        path : str or path-like
            Ending in '.gif' (written with Pillow) or '.mp4' (written with
            ffmpeg, which must be installed).
        fps : float, default=5
            Frames per second.
        dpi : float, default=80
            Resolution of the frames.
        plot_method : {'contourf', 'contour', 'pcolormesh'}, default='contourf'
        **kwargs : dict
            Passed to each frame's :meth:`DecisionBoundaryDisplay.plot`.

        Returns
        -------
        path : str or path-like
            The path written, as given.
        """
        import matplotlib.pyplot as plt
        from matplotlib import animation

        check_plot_method(plot_method)
        suffix = Path(path).suffix.lower()
        if suffix == ".mp4":
            if not animation.writers.is_available("ffmpeg"):
                raise RuntimeError(
                    "Writing an MP4 needs ffmpeg, which matplotlib cannot find. "
                    "Install ffmpeg, or save a '.gif' instead."
                )
            writer = animation.FFMpegWriter(fps=fps)
        elif suffix == ".gif":
            writer = animation.PillowWriter(fps=fps)
        else:
            raise ValueError(f"path must end in '.gif' or '.mp4', got {str(path)!r}.")
        records = self.frames if self.frames is not None else self._panel_records()
        frame_kwargs = self._scale(plot_method, kwargs)
        figure, ax = plt.subplots(figsize=(5.2, 4.8))
        # Fixed margins: a layout engine would move the axes as titles change.
        figure.subplots_adjust(left=0.12, right=0.97, bottom=0.11, top=0.92)
        try:
            with writer.saving(figure, path, dpi):
                for record in records:
                    ax.clear()
                    self._boundary(record).plot(
                        plot_method=plot_method, ax=ax, **frame_kwargs
                    )
                    self._draw_threshold(ax, record)
                    writer.grab_frame()
        finally:
            plt.close(figure)
        return path

    @classmethod
    def from_estimator(
        cls,
        estimator,
        X,
        y,
        *,
        epochs=(0, 1, 5, 25, 100),
        grid_resolution=100,
        eps=1.0,
        response_method="auto",
        plot_method="contourf",
        class_of_interest=None,
        record_all=False,
        axes=None,
        ncols=None,
        **kwargs,
    ):
        """Train a clone epoch by epoch and draw its boundary at ``epochs``.

        Parameters
        ----------
        estimator : estimator
            A classifier with ``partial_fit`` (fitted or not: a clone is
            trained), or a Pipeline whose last step has it. The Pipeline's
            earlier steps are fitted once on X; the grid goes through the
            whole Pipeline, so it lives in the space of X.
        X : {array-like, dataframe} of shape (n_samples, 2)
            The training data; it also sets the grid's range.
        y : array-like of shape (n_samples,)
            Its classes; every class is passed to the first ``partial_fit``.
        epochs : sequence of int, default=(0, 1, 5, 25, 100)
            The epochs drawn, strictly increasing: epoch N is the network after
            N passes over the data, epoch 0 the untrained one (left out with a
            warning for estimators without ``initialize``).
        grid_resolution : int, default=100
            Points per side of the grid.
        eps : float, default=1.0
            Margin added around the range of X.
        response_method : {'auto', 'decision_function', 'predict_proba', \
                'predict'}, default='auto'
            As in :class:`DecisionBoundaryDisplay`.
        plot_method : {'contourf', 'contour', 'pcolormesh'}, default='contourf'
        class_of_interest : label, default=None
            The class to plot; by default the positive class for binary
            problems and every class for multiclass ones.
        record_all : bool, default=False
            Also keep every epoch up to the last in ``frames``, for a smooth
            :meth:`save_animation`; costs one grid evaluation per epoch.
        axes : array-like of matplotlib Axes, default=None
            One Axes per epoch; a new figure when None.
        ncols : int, default=None
            Panels per row of a new figure; ``min(len(epochs), 4)`` when None.
        **kwargs : dict
            Passed to every panel's :meth:`DecisionBoundaryDisplay.plot`.

        Returns
        -------
        display : BoundaryEvolutionDisplay
        """
        epochs = check_epochs(epochs, _trained_step(estimator))
        check_grid_arguments(grid_resolution, eps)
        check_plot_method(plot_method)
        check_features(X, None)
        y = column_or_1d(y, warn=True)
        check_consistent_length(X, y)
        classes = np.unique(y)
        check_class_of_interest(class_of_interest, classes)
        samples = as_array(X).astype(float)
        grid = meshgrid(samples[:, 0], samples[:, 1], grid_resolution, eps)

        pipeline = clone(estimator)
        step = _trained_step(pipeline)
        X_step = pipeline[:-1].fit(X, y).transform(X) if step is not pipeline else X
        kept = set(epochs.tolist())
        records = []
        for epoch in range(0 if epochs[0] == 0 else 1, int(epochs[-1]) + 1):
            if epoch == 0:
                # The untrained network; partial_fit continues from exactly here.
                step.initialize(X_step, y, classes=classes)
            else:
                step.partial_fit(X_step, y, classes=classes if epoch == 1 else None)
            if record_all or epoch in kept:
                record, n_classes, method = _record(
                    pipeline,
                    step,
                    epoch,
                    X,
                    X_step,
                    y,
                    grid,
                    response_method,
                    class_of_interest,
                )
                records.append(record)
        panels = [record for record in records if record["epoch"] in kept]
        has_loss = panels[0]["loss"] is not None
        xlabel, ylabel = axis_labels(X)
        display = cls(
            epochs=epochs,
            xx0=grid[0],
            xx1=grid[1],
            responses=[record["response"] for record in panels],
            losses=[record["loss"] for record in panels] if has_loss else None,
            accuracies=[record["accuracy"] for record in panels],
            n_classes=n_classes,
            samples=samples,
            sample_labels=y,
            sample_predictions=[record["predictions"] for record in panels],
            classes=step.classes_,
            class_of_interest=class_of_interest,
            response_method=method,
            xlabel=xlabel,
            ylabel=ylabel,
            frames=records if record_all else None,
        )
        return display.plot(axes=axes, ncols=ncols, plot_method=plot_method, **kwargs)
