"""BoundaryEvolutionDisplay: the decision boundary at chosen epochs of one real
training run, as small multiples and as an animation."""

import warnings
from pathlib import Path

import numpy as np
from sklearn.base import clone, is_classifier
from sklearn.metrics import accuracy_score, log_loss
from sklearn.utils.validation import check_consistent_length, column_or_1d

from ._adapters import as_array, incremental_step
from ._boundary import PLOT_METHODS, DecisionBoundaryDisplay, response_scale
from ._grid import (
    check_features,
    check_grid_arguments,
    evaluate_grid,
    meshgrid,
    n_classes_shown,
)
from ._panels import panel_axes, shared_legend
from ._style import ANIMATION_DPI, styled

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


def _trained_step(estimator):
    """The step that partial_fit trains: the estimator or a Pipeline's last step."""
    what = "BoundaryEvolutionDisplay"
    if not is_classifier(estimator):
        raise TypeError(
            f"{what} needs a classifier; got {type(estimator).__name__}. A "
            "regressor has no decision boundary: draw its predictions with "
            "PredictionSurfaceDisplay."
        )
    return incremental_step(estimator, what, INCREMENTAL)


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
        One per epoch of ``epochs``.
    boundary_lines_ : list of matplotlib QuadContourSet or None
        Per panel, the line where the predicted class changes (0.5 for
        probabilities, 0 for decision functions) of a binary problem, drawn
        where the change is sharp (see :meth:`DecisionBoundaryDisplay.plot`);
        None for multiclass problems, predicted labels, or a surface with no
        sharp change (the untrained network, whose panel says so).
    legend_ : matplotlib Legend or None
        The one legend of all panels, below them.
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
            response_method=self.response_method,
        )

    def _scale(self, plot_method, kwargs):
        records = self.frames if self.frames is not None else self._panel_records()
        scale = response_scale(
            [record["response"] for record in records],
            self.response_method,
            plot_method,
        )
        return {**scale, **kwargs}

    @styled
    def plot(self, axes=None, *, ncols=None, plot_method="contourf", **kwargs):
        """Draw one panel per epoch of ``epochs``.

        Parameters
        ----------
        axes : array-like of matplotlib Axes, default=None
            One Axes per panel, in epoch order; a new figure when None.
        ncols : int, default=None
            Panels per row of a new figure; when None, all of them up to 3,
            2 for 4 panels and 3 for more (rows that stay legible in a page).
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
            self.boundary_lines_.append(self.panels_[-1].boundary_line_)
        self.legend_ = shared_legend(figure, self.panels_)
        self.axes_ = axes
        self.figure_ = figure
        return self

    @styled
    def save_animation(
        self,
        path,
        *,
        fps=5,
        dpi=ANIMATION_DPI,
        hold=2.0,
        plot_method="contourf",
        **kwargs,
    ):
        """Write the training run as an animation, one frame per recorded epoch.

        The frames are the panels' epochs, or every epoch when the display was
        made with ``record_all=True``. The last frame, the trained network,
        is held for ``hold`` seconds before the animation loops. The legend
        sits below the plot, where it covers no part of the boundary.

        Parameters
        ----------
        path : str or path-like
            Ending in '.gif' (written with Pillow) or '.mp4' (written with
            ffmpeg, which must be installed).
        fps : float, default=5
            Frames per second.
        dpi : float, default=100
            Resolution of the frames.
        hold : float, default=2.0
            Seconds the last frame stays on screen.
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
        if not (isinstance(hold, int | float) and np.isfinite(hold) and hold >= 0):
            raise ValueError(f"hold must be a number of seconds >= 0, got {hold!r}.")
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
        figure, ax = plt.subplots(figsize=(5.2, 5.3))
        # Fixed margins: a layout engine would move the axes as titles change.
        figure.subplots_adjust(left=0.12, right=0.97, bottom=0.19, top=0.93)
        held = int(round(hold * fps))
        try:
            with writer.saving(figure, path, dpi):
                for index, record in enumerate(records):
                    ax.clear()
                    for legend in list(figure.legends):
                        legend.remove()
                    self._legend_below(
                        figure,
                        self._boundary(record).plot(
                            plot_method=plot_method, ax=ax, **frame_kwargs
                        ),
                    )
                    last = index == len(records) - 1
                    for _ in range(1 + (held if last else 0)):
                        writer.grab_frame()
        finally:
            plt.close(figure)
        return path

    @staticmethod
    def _legend_below(figure, panel):
        """Move a frame's legend under the plot, where it covers nothing."""
        if panel.legend_ is None:
            return
        handles, labels = panel.ax_.get_legend_handles_labels()
        panel.legend_.remove()
        panel.legend_ = figure.legend(
            handles, labels, loc="lower center", ncols=len(handles), frameon=False
        )

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
            Panels per row of a new figure; when None, all of them up to 3,
            2 for 4 panels and 3 for more (rows that stay legible in a page).
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
