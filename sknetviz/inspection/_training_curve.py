"""TrainingCurveDisplay: training loss per epoch, with validation loss and score."""

import numpy as np

from ._adapters import network_view
from ._style import CLASS_COLORS, FIGURE_SIZE, INK, LINE_WIDTHS, MUTED, styled, tint

# Training and validation: the first two colours of the palette. The score,
# a step function of few held-out samples, is secondary: a thin grey line.
_TRAINING_COLOR, _VALIDATION_COLOR = CLASS_COLORS[:2]
_SCORE_COLOR = MUTED


def _series(history, key):
    """One float per epoch for ``key``, NaN where missing; None if never recorded."""
    if not any(key in record for record in history):
        return None
    return np.array([record.get(key, np.nan) for record in history], dtype=float)


def _best_epoch(epochs, val_score):
    """The epoch of the first best validation score, or None without one.

    Early stopping keeps the weights of that epoch: sknetviz's and
    scikit-learn's alike replace their best only on a strictly higher score.
    """
    if val_score is None or not np.isfinite(val_score).any():
        return None
    return int(epochs[np.nanargmax(val_score)])


class TrainingCurveDisplay:
    """Training loss per epoch, and what a held-out set says about it.

    Draws the training loss of each epoch; where a validation loss was
    recorded (``MLPVisualClassifier(early_stopping=True)``), draws it too and
    shades the generalisation gap, where the validation loss lies above the
    training loss; where a validation score was recorded, draws it on a
    second y-axis on the right and marks the epoch of the best score, whose
    weights early stopping keeps. A classifier's loss is the cross-entropy
    and its score the accuracy; a regressor's loss is half the squared error
    (or half the Poisson deviance) and its score R².

    The two losses are compared like with like: the training curve is the
    history's 'data_loss', the loss without the L2 penalty, as the
    validation loss is. Each epoch's training loss is still the mean over its
    batches, taken while the weights move and with dropout on, and the
    validation loss is measured after the epoch with dropout off: with
    dropout, the training curve can lie above the validation curve with
    nothing wrong, and nothing is shaded there.

    scikit-learn's :class:`~sklearn.neural_network.MLPClassifier` and
    :class:`~sklearn.neural_network.MLPRegressor` record only their
    ``loss_curve_``, penalty included, and with ``early_stopping=True`` a
    validation score but no validation loss: their curve is the loss with
    the penalty, labelled so, with the score and the best epoch, and no gap.

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
    loss_includes_penalty : bool, default=False
        Whether ``loss`` includes the L2 penalty, which the validation loss
        never does: the legend says so and no gap is shaded, as the two
        curves do not compare.
    best_epoch : int, default=None
        The epoch whose weights early stopping kept, marked by a vertical
        line; None for no mark.

    Attributes
    ----------
    loss_line_ : matplotlib Line2D
        The training loss.
    val_loss_line_ : matplotlib Line2D or None
        The validation loss, when recorded and shown.
    val_score_line_ : matplotlib Line2D or None
        The validation score, when recorded and shown.
    gap_ : matplotlib PolyCollection or None
        The shading where the validation loss is above the training loss,
        when a validation loss is shown beside a training loss without the
        penalty and is above it at some epoch.
    best_epoch_line_ : matplotlib Line2D or None
        The vertical line at ``best_epoch``, when given and the validation
        curves are shown.
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
    >>> display.best_epoch == 1 + clf.validation_scores_.index(
    ...     clf.best_validation_score_)
    True
    >>> [text.get_text() for text in display.legend_.get_texts()][:2]
    ['training loss, without L2 penalty', 'validation loss']
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
        loss_includes_penalty=False,
        best_epoch=None,
    ):
        self.epochs = epochs
        self.loss = loss
        self.val_loss = val_loss
        self.val_score = val_score
        self.title = title
        self.loss_name = loss_name
        self.score_name = score_name
        self.loss_includes_penalty = loss_includes_penalty
        self.best_epoch = best_epoch

    @styled
    def plot(self, ax=None, *, show_validation=True, log_scale=False):
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.
        show_validation : bool, default=True
            Whether to draw the validation loss, the gap, the validation
            score and the best epoch when they were recorded.
        log_scale : bool, default=False
            Whether the loss axis is logarithmic.

        Returns
        -------
        display : TrainingCurveDisplay
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=FIGURE_SIZE, layout="constrained")
        penalty = "with" if self.loss_includes_penalty else "without"
        self.loss_line_ = ax.plot(
            self.epochs,
            self.loss,
            color=_TRAINING_COLOR,
            label=f"training loss, {penalty} L2 penalty",
        )[0]
        self.val_loss_line_ = self.gap_ = self.best_epoch_line_ = None
        self.val_score_line_ = self.score_ax_ = None
        if show_validation and self.val_loss is not None:
            self._draw_validation_loss(ax)
        if show_validation and self.best_epoch is not None:
            self.best_epoch_line_ = ax.axvline(
                self.best_epoch,
                color=INK,
                linestyle=":",
                linewidth=LINE_WIDTHS["guide"] * 1.4,
                label=f"best epoch ({self.best_epoch}): weights kept",
            )
        if log_scale:
            ax.set_yscale("log")
        ax.set_xlabel("epoch")
        ax.set_ylabel(f"loss ({self.loss_name})")
        ax.grid(color=MUTED, alpha=0.25, linewidth=LINE_WIDTHS["guide"])
        handles = [
            artist
            for artist in (
                self.loss_line_,
                self.val_loss_line_,
                self.gap_,
                self.best_epoch_line_,
            )
            if artist is not None
        ]
        if show_validation and self.val_score is not None:
            handles.append(self._draw_score(ax))
        # One legend for both y-axes, below the axes where no curve can hide it.
        self.legend_ = ax.legend(
            handles=handles,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.14),
            ncol=min(len(handles), 2),
            frameon=False,
        )
        if self.title is not None:
            ax.set_title(self.title)
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    def _draw_validation_loss(self, ax):
        self.val_loss_line_ = ax.plot(
            self.epochs,
            self.val_loss,
            color=_VALIDATION_COLOR,
            label="validation loss",
        )[0]
        if self.loss_includes_penalty:
            return  # a penalised curve against an unpenalised one: no gap
        with np.errstate(invalid="ignore"):
            above = self.val_loss > self.loss
        if not above.any():
            return  # no gap to shade, and none to name in the legend
        self.gap_ = ax.fill_between(
            self.epochs,
            self.loss,
            self.val_loss,
            where=above,
            interpolate=True,
            color=tint(_VALIDATION_COLOR),
            linewidth=0,
            label="gap: validation loss above training",
            zorder=1,
        )

    def _draw_score(self, ax):
        self.score_ax_ = ax.twinx()
        self.val_score_line_ = self.score_ax_.plot(
            self.epochs,
            self.val_score,
            color=_SCORE_COLOR,
            linewidth=LINE_WIDTHS["curve"] * 0.6,
            label=f"validation {self.score_name}",
        )[0]
        self.score_ax_.set_ylabel(f"validation {self.score_name}", color=_SCORE_COLOR)
        self.score_ax_.tick_params(axis="y", colors=_SCORE_COLOR)
        return self.val_score_line_

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
            'data_loss', 'val_loss' and 'val_score', as in
            ``MLPVisualClassifier.history_``. The training curve is
            'data_loss' (the loss without the L2 penalty) when every record
            has one, else 'loss', labelled as including the penalty. The
            best epoch is the first with the highest 'val_score'.
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
        # The penalised 'loss' stands in only where no record says what the
        # data loss was (scikit-learn's MLPs, or a history of one's own).
        has_data_loss = all("data_loss" in record for record in history)
        val_score = _series(history, "val_score")
        display = cls(
            epochs=epochs,
            loss=_series(history, "data_loss" if has_data_loss else "loss"),
            val_loss=_series(history, "val_loss"),
            val_score=val_score,
            title=title,
            loss_name=loss_name,
            score_name=score_name,
            loss_includes_penalty=not has_data_loss,
            best_epoch=_best_epoch(epochs, val_score),
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
            ``loss_curve_``, penalty included, and ``validation_scores_``);
            or a Pipeline ending in one. A regressor's curve is labelled with
            its loss and R².
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
