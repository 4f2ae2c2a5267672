"""TrainingCurveDisplay: training loss per epoch, with validation loss and score."""

import numpy as np

from ._adapters import network_view


def _series(history, key):
    """One float per epoch for ``key``, NaN where missing; None if never recorded."""
    if not any(key in record for record in history):
        return None
    return np.array([record.get(key, np.nan) for record in history], dtype=float)


class TrainingCurveDisplay:
    """Training loss per epoch, and what a held-out set says about it.

    Draws the training loss of each epoch; where a validation loss was recorded
    (``MLPVisualClassifier(early_stopping=True)``), draws it too and shades the
    gap between the two curves, the generalisation gap; where a validation
    score was recorded, draws it on a second y-axis on the right.
    scikit-learn's :class:`~sklearn.neural_network.MLPClassifier` and
    :class:`~sklearn.neural_network.MLPRegressor` with ``early_stopping=True``
    record a validation score but no validation loss: their curve has the
    score and no shading. A classifier's loss is the cross-entropy and its
    score the accuracy; a regressor's loss is half the squared error (or
    half the Poisson deviance) and its score R².

    The training loss is the mean over the epoch's batches, taken while the
    weights move, with the L2 penalty and dropout; the validation loss is
    computed after the epoch, without either. A gap is thus only worth reading
    when it grows.

    Create it with :meth:`from_estimator` or :meth:`from_history`.

    Parameters
    ----------
    epochs : ndarray of shape (n_epochs,)
        Epoch numbers, from 1 (continuing across ``warm_start`` and
        ``partial_fit`` calls).
    loss : ndarray of shape (n_epochs,)
        Training loss of each epoch.
    val_loss : ndarray of shape (n_epochs,), default=None
        Validation loss of each epoch, NaN where not recorded; None when no
        epoch recorded one.
    val_score : ndarray of shape (n_epochs,), default=None
        Validation score of each epoch, NaN where not recorded; None when
        no epoch recorded one.
    title : str, default=None
        Title of the axes.
    loss_name : str, default='cross-entropy'
        What the loss is, for the y-axis label.
    score_name : str, default='accuracy'
        What the validation score is, for its axis and legend.

    Attributes
    ----------
    loss_line_ : matplotlib Line2D
        The training loss.
    val_loss_line_ : matplotlib Line2D or None
        The validation loss, when recorded and shown.
    val_score_line_ : matplotlib Line2D or None
        The validation score, when recorded and shown.
    gap_ : matplotlib PolyCollection or None
        The shading between training and validation loss, when a validation
        loss is shown.
    score_ax_ : matplotlib Axes or None
        The twin axes of the validation score, when it is shown.
    legend_ : matplotlib Legend
    ax_ : matplotlib Axes
        The axes of the losses.
    figure_ : matplotlib Figure

    See Also
    --------
    GradientFlowDisplay : Gradient norm of each layer per epoch.
    sklearn.model_selection.LearningCurveDisplay : Scores against the number of
        training samples rather than epochs.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import make_moons
    >>> from sknetviz import MLPVisualClassifier
    >>> from sknetviz.inspection import TrainingCurveDisplay
    >>> X, y = make_moons(n_samples=300, noise=0.3, random_state=0)
    >>> clf = MLPVisualClassifier((32, 32), learning_rate_init=0.01, max_iter=40,
    ...                           early_stopping=True, random_state=0).fit(X, y)
    >>> display = TrainingCurveDisplay.from_estimator(clf, title="two moons")
    >>> len(display.epochs) == clf.n_iter_
    True
    >>> display.gap_ is not None, display.score_ax_ is not None
    (True, True)
    """

    def __init__(
        self,
        *,
        epochs,
        loss,
        val_loss=None,
        val_score=None,
        title=None,
        loss_name="cross-entropy",
        score_name="accuracy",
    ):
        self.epochs = epochs
        self.loss = loss
        self.val_loss = val_loss
        self.val_score = val_score
        self.title = title
        self.loss_name = loss_name
        self.score_name = score_name

    def plot(self, ax=None, *, show_validation=True, log_scale=False):
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.
        show_validation : bool, default=True
            Whether to draw the validation loss, the gap and the validation
            score when they were recorded.
        log_scale : bool, default=False
            Whether the loss axis is logarithmic.

        Returns
        -------
        display : TrainingCurveDisplay
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(6.4, 4.2), layout="constrained")
        self.loss_line_ = ax.plot(
            self.epochs, self.loss, color="C0", linewidth=1.8, label="training loss"
        )[0]
        self.val_loss_line_ = self.gap_ = None
        self.val_score_line_ = self.score_ax_ = None
        if show_validation and self.val_loss is not None:
            self.val_loss_line_ = ax.plot(
                self.epochs,
                self.val_loss,
                color="C1",
                linewidth=1.8,
                label="validation loss",
            )[0]
            self.gap_ = ax.fill_between(
                self.epochs,
                self.loss,
                self.val_loss,
                color="C1",
                alpha=0.18,
                linewidth=0,
                label="gap",
            )
        if log_scale:
            ax.set_yscale("log")
        ax.set_xlabel("epoch")
        ax.set_ylabel(f"loss ({self.loss_name})")
        ax.grid(alpha=0.3)
        handles = [self.loss_line_] + [
            artist for artist in (self.val_loss_line_, self.gap_) if artist is not None
        ]
        if show_validation and self.val_score is not None:
            self.score_ax_ = ax.twinx()
            self.val_score_line_ = self.score_ax_.plot(
                self.epochs,
                self.val_score,
                color="C2",
                linestyle="--",
                linewidth=1.6,
                label=f"validation {self.score_name}",
            )[0]
            self.score_ax_.set_ylabel(f"validation {self.score_name}", color="C2")
            self.score_ax_.tick_params(axis="y", colors="C2")
            handles.append(self.val_score_line_)
        # One legend for both y-axes, below the axes where no curve can hide it.
        self.legend_ = ax.legend(
            handles=handles,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.13),
            ncol=len(handles),
            fontsize="small",
            frameon=False,
        )
        if self.title is not None:
            ax.set_title(self.title)
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    @classmethod
    def from_history(
        cls,
        history,
        *,
        ax=None,
        show_validation=True,
        log_scale=False,
        title=None,
        loss_name="cross-entropy",
        score_name="accuracy",
    ):
        """Plot the training curve of per-epoch records.

        Parameters
        ----------
        history : list of dict
            One record per epoch with a 'loss', and optionally 'epoch',
            'val_loss' and 'val_score', as in ``MLPVisualClassifier.history_``.
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.
        show_validation : bool, default=True
            Whether to draw the validation curves when recorded.
        log_scale : bool, default=False
            Whether the loss axis is logarithmic.
        title : str, default=None
            Title of the axes.
        loss_name : str, default='cross-entropy'
            What the loss is: 'half squared error' for a regressor's history.
        score_name : str, default='accuracy'
            What the validation score is: 'R²' for a regressor's history.

        Returns
        -------
        display : TrainingCurveDisplay
        """
        history = list(history)
        if not history:
            raise ValueError(
                "TrainingCurveDisplay needs at least one epoch record; got an "
                "empty history."
            )
        missing = [i for i, record in enumerate(history) if "loss" not in record]
        if missing:
            raise ValueError(
                "Every history record needs a 'loss'; record "
                f"{missing[0]} has keys {sorted(history[missing[0]])}."
            )
        epochs = np.array(
            [record.get("epoch", i + 1) for i, record in enumerate(history)]
        )
        display = cls(
            epochs=epochs,
            loss=_series(history, "loss"),
            val_loss=_series(history, "val_loss"),
            val_score=_series(history, "val_score"),
            title=title,
            loss_name=loss_name,
            score_name=score_name,
        )
        return display.plot(ax=ax, show_validation=show_validation, log_scale=log_scale)

    @classmethod
    def from_estimator(
        cls, estimator, *, ax=None, show_validation=True, log_scale=False, title=None
    ):
        """Plot the training curve of a fitted network.

        Parameters
        ----------
        estimator : estimator
            A fitted sknetviz estimator (its ``history_``): an
            MLPVisualClassifier, an MLPVisualRegressor, a NeuralNetClassifier...;
            an MLPClassifier or MLPRegressor with a stochastic solver (its
            ``loss_curve_`` and ``validation_scores_``); or a Pipeline ending
            in one. A regressor's curve is labelled with its loss and R².
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.
        show_validation : bool, default=True
            Whether to draw the validation curves when recorded.
        log_scale : bool, default=False
            Whether the loss axis is logarithmic.
        title : str, default=None
            Title of the axes.

        Returns
        -------
        display : TrainingCurveDisplay
        """
        view = network_view(estimator, "TrainingCurveDisplay")
        return cls.from_history(
            view.history(),
            ax=ax,
            show_validation=show_validation,
            log_scale=log_scale,
            title=title,
            loss_name=view.loss_name,
            score_name=view.score_name,
        )
