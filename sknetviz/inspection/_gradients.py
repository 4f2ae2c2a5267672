"""GradientFlowDisplay: each weight layer's gradient norm per epoch, to see gradients
vanish or explode."""

import numpy as np

from ._adapters import network_view
from ._style import (
    FIGURE_SIZE,
    FONT_SIZES,
    LINE_WIDTHS,
    PANEL_SIZE,
    SEQUENTIAL_CMAP,
    styled,
)

DARKEST_SHARE = 0.9
"""float: the share of the sequential map, from its dark end, that colours the
layers; its lightest tenth is too pale to read on white."""

NO_GRADIENTS = (
    "GradientFlowDisplay needs the per-epoch 'grad_norms' of sknetviz's history_ "
    "(fit an MLPVisualClassifier, an MLPVisualRegressor or another sknetviz "
    "estimator); {name} keeps its loss_curve_ but records no gradients."
)


def _layer_names(n_weight_layers, kinds=None):
    """Legend labels of the weight layers: which end is which, and what they are.

    Parameters
    ----------
    n_weight_layers : int
    kinds : list of str, default=None
        What each weight layer is, from :meth:`NetworkView.weight_names`
        ('64→16', 'conv 3x3x1→4'), added to its label.

    Returns
    -------
    names : list of str
        One per weight layer, e.g. 'layer 1 (input side): 64→16'.
    """
    names = []
    for index in range(n_weight_layers):
        name = f"layer {index + 1}"
        if n_weight_layers > 1 and index == 0:
            name += " (input side)"
        elif n_weight_layers > 1 and index == n_weight_layers - 1:
            name += " (output side)"
        if kinds is not None:
            name += f": {kinds[index]}"
        names.append(name)
    return names


class GradientFlowDisplay:
    """Gradient norm of each weight layer, epoch by epoch.

    One line per weight matrix: the Frobenius norm of its loss gradient,
    averaged over the epoch's batches (``history_['grad_norms']``), coloured
    from the input side (dark) to the output side (light). On the default
    logarithmic axis, vanishing gradients show as the input-side lines lying
    orders of magnitude below the output-side ones: backpropagation multiplies
    the error by the activation's derivative once per layer, and the
    logistic's derivative is at most 1/4.

    Create it with :meth:`from_estimator`, :meth:`from_history`, or, to put
    several fits side by side, :meth:`from_estimators`.

    Parameters
    ----------
    epochs : ndarray of shape (n_epochs,)
        Epoch numbers (L-BFGS iterations for ``solver='lbfgs'``).
    grad_norms : ndarray of shape (n_epochs, n_weight_layers)
        Gradient norm of each weight layer, input side first.
    layer_names : list of str
        One legend label per weight layer.
    title : str, default=None
        Title of the axes.

    Attributes
    ----------
    lines_ : list of matplotlib Line2D
        One per weight layer, input side first.
    legend_ : matplotlib Legend or None
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure

    See Also
    --------
    GradientFlowPanels : The panels :meth:`from_estimators` returns.
    TrainingCurveDisplay : The loss per epoch.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import warnings
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.exceptions import ConvergenceWarning
    >>> from sknetviz import MLPVisualClassifier
    >>> from sknetviz.inspection import GradientFlowDisplay
    >>> X, y = load_digits(return_X_y=True)
    >>> X = X / 16
    >>> deep = dict(hidden_layer_sizes=(16,) * 6, max_iter=5, random_state=0)
    >>> with warnings.catch_warnings():  # five epochs are enough to see it
    ...     warnings.simplefilter("ignore", ConvergenceWarning)
    ...     sigmoid = MLPVisualClassifier(activation="logistic", **deep).fit(X, y)
    ...     relu = MLPVisualClassifier(activation="relu", init="he_uniform",
    ...                                **deep).fit(X, y)
    >>> display = GradientFlowDisplay.from_estimator(sigmoid)
    >>> display.grad_norms.shape
    (5, 7)
    >>> panels = GradientFlowDisplay.from_estimators(
    ...     [sigmoid, relu], names=["logistic", "ReLU, He init"])
    >>> [len(panel.lines_) for panel in panels.panels_]
    [7, 7]
    """

    def __init__(self, *, epochs, grad_norms, layer_names, title=None):
        self.epochs = epochs
        self.grad_norms = grad_norms
        self.layer_names = layer_names
        self.title = title

    @styled
    def plot(self, ax=None, *, log_scale=True, cmap=None, legend=True):
        """Draw one line per weight layer.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.
        log_scale : bool, default=True
            Whether the gradient-norm axis is logarithmic.
        cmap : str or matplotlib Colormap, default=None
            Sequential colormap; its darkest 90% colours the layers from the
            input side to the output side. The style's
            :data:`~sknetviz.inspection._style.SEQUENTIAL_CMAP` when None.
        legend : bool, default=True
            Whether to draw the legend.

        Returns
        -------
        display : GradientFlowDisplay
        """
        import matplotlib as mpl
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=FIGURE_SIZE, layout="constrained")
        colormap = mpl.colormaps[SEQUENTIAL_CMAP if cmap is None else cmap]
        n_layers = self.grad_norms.shape[1]
        colors = colormap(np.linspace(0.0, DARKEST_SHARE, n_layers))
        self.lines_ = [
            ax.plot(
                self.epochs,
                self.grad_norms[:, index],
                color=colors[index],
                linewidth=LINE_WIDTHS["curve"],
                marker="o" if len(self.epochs) <= 30 else None,
                markersize=2 * LINE_WIDTHS["curve"],
                label=self.layer_names[index],
            )[0]
            for index in range(n_layers)
        ]
        if log_scale:
            ax.set_yscale("log")
        ax.set_xlabel("epoch")
        ax.set_ylabel("gradient norm ‖∂loss/∂W‖")
        ax.grid(alpha=0.3, which="major")
        # Beside the axes: on a log scale the lines fill every corner.
        self.legend_ = (
            ax.legend(
                loc="center left",
                bbox_to_anchor=(1.02, 0.5),
                frameon=False,
                title="weight layer",
                title_fontsize=FONT_SIZES["legend"],
            )
            if legend
            else None
        )
        if self.title is not None:
            ax.set_title(self.title)
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    @classmethod
    def from_history(
        cls, history, *, layer_names=None, ax=None, log_scale=True, title=None
    ):
        """Plot the gradient norms of per-epoch records.

        Parameters
        ----------
        history : list of dict
            One record per epoch with 'grad_norms' (one float per weight
            layer, input side first) and optionally 'epoch', as in
            ``MLPVisualClassifier.history_``.
        layer_names : list of str, default=None
            Legend labels, one per weight layer; 'layer 1 (input side)', ...
            when None.
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.
        log_scale : bool, default=True
            Whether the gradient-norm axis is logarithmic.
        title : str, default=None
            Title of the axes.

        Returns
        -------
        display : GradientFlowDisplay
        """
        display = cls(
            **_gradient_data(list(history), layer_names),
            title=title,
        )
        return display.plot(ax=ax, log_scale=log_scale)

    @classmethod
    def from_estimator(cls, estimator, *, ax=None, log_scale=True, title=None):
        """Plot the gradient norms recorded while a network trained.

        Parameters
        ----------
        estimator : estimator
            A fitted sknetviz estimator (MLPVisualClassifier,
            MLPVisualRegressor, NeuralNetClassifier...), or a Pipeline ending
            in one: one line per array in ``coefs_`` (a Residual's projection
            included). scikit-learn's MLPClassifier and MLPRegressor record
            no gradients and are refused with a ValueError.
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.
        log_scale : bool, default=True
            Whether the gradient-norm axis is logarithmic.
        title : str, default=None
            Title of the axes.

        Returns
        -------
        display : GradientFlowDisplay
        """
        display = cls(**_estimator_data(estimator), title=title)
        return display.plot(ax=ax, log_scale=log_scale)

    @classmethod
    def from_estimators(
        cls,
        estimators,
        *,
        names=None,
        axes=None,
        sharey=True,
        log_scale=True,
        ncols=None,
    ):
        """Put the gradient flows of several fits side by side.

        One panel per estimator, on a shared y-axis by default, so that a deep
        logistic network and a deep ReLU network with He initialisation can be
        compared at a glance.

        Parameters
        ----------
        estimators : list of estimator
            Fitted sknetviz estimators, or Pipelines ending in one.
        names : list of str, default=None
            Panel titles; the hidden activation(s) of each when None.
        axes : array-like of matplotlib Axes, default=None
            One per estimator; a new figure with one row of panels when None.
        sharey : bool, default=True
            Whether the panels share their y-axis limits.
        log_scale : bool, default=True
            Whether the gradient-norm axes are logarithmic.
        ncols : int, default=None
            Panels per row of a new figure; all in one row when None.

        Returns
        -------
        panels : GradientFlowPanels
            Holds one GradientFlowDisplay per estimator in ``panels_``.
        """
        estimators = list(estimators)
        if not estimators:
            raise ValueError("GradientFlowDisplay.from_estimators needs estimators.")
        if names is None:
            names = [_hidden_activations(estimator) for estimator in estimators]
        names = list(names)
        if len(names) != len(estimators):
            raise ValueError(
                f"names needs one name per estimator: got {len(names)} names "
                f"for {len(estimators)} estimators."
            )
        displays = [
            cls(**_estimator_data(estimator), title=name)
            for estimator, name in zip(estimators, names)
        ]
        return GradientFlowPanels(displays).plot(
            axes=axes, sharey=sharey, log_scale=log_scale, ncols=ncols
        )


class GradientFlowPanels:
    """Gradient flows of several networks, one panel each.

    Returned by :meth:`GradientFlowDisplay.from_estimators`: a row of
    :class:`GradientFlowDisplay` panels, which keep their own data and
    artists, on a shared y-axis by default.

    Parameters
    ----------
    displays : list of GradientFlowDisplay
        One per panel, not yet plotted.

    Attributes
    ----------
    panels_ : list of GradientFlowDisplay
        The plotted panels, each with its ``ax_``, ``lines_`` and data.
    axes_ : ndarray of matplotlib Axes of shape (n_panels,)
    figure_ : matplotlib Figure

    See Also
    --------
    GradientFlowDisplay : One panel.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from sknetviz.inspection import GradientFlowDisplay, GradientFlowPanels
    >>> flows = [
    ...     GradientFlowDisplay(epochs=np.arange(1, 4),
    ...                         grad_norms=np.array([[1e-4, 1e-1]] * 3),
    ...                         layer_names=["layer 1", "layer 2"], title=title)
    ...     for title in ("before", "after")
    ... ]
    >>> panels = GradientFlowPanels(flows).plot()
    >>> panels.axes_.shape
    (2,)
    """

    def __init__(self, displays):
        self.displays = displays

    @styled
    def plot(self, axes=None, *, sharey=True, log_scale=True, cmap=None, ncols=None):
        """Draw every panel.

        Parameters
        ----------
        axes : array-like of matplotlib Axes, default=None
            One per display; a new figure with one row of panels when None.
        sharey : bool, default=True
            Whether the panels share their y-axis limits.
        log_scale : bool, default=True
            Whether the gradient-norm axes are logarithmic.
        cmap : str or matplotlib Colormap, default=None
            Sequential colormap of the layers; the style's when None.
        ncols : int, default=None
            Panels per row of a new figure; all in one row when None.

        Returns
        -------
        panels : GradientFlowPanels
        """
        import matplotlib.pyplot as plt

        n_panels = len(self.displays)
        if axes is None:
            ncols = n_panels if ncols is None else min(ncols, n_panels)
            n_rows = -(-n_panels // ncols)
            width, height = PANEL_SIZE
            figure, axes = plt.subplots(
                n_rows,
                ncols,
                figsize=(width * ncols, height * n_rows),
                sharey=sharey,
                squeeze=False,
                layout="constrained",
            )
            for spare in axes.ravel()[n_panels:]:
                figure.delaxes(spare)
            axes = axes.ravel()[:n_panels]
        axes = np.asarray(axes, dtype=object).ravel()
        if axes.size != n_panels:
            raise ValueError(
                f"axes needs one Axes per estimator: got {axes.size} for "
                f"{n_panels} estimators."
            )
        same_layers = all(
            display.layer_names == self.displays[-1].layer_names
            for display in self.displays
        )
        self.panels_ = []
        for index, (display, ax) in enumerate(zip(self.displays, axes)):
            # Identical layers need one legend, in the last panel.
            legend = not same_layers or index == n_panels - 1
            self.panels_.append(
                display.plot(ax=ax, log_scale=log_scale, cmap=cmap, legend=legend)
            )
            # A shared axis is labelled once per row.
            spec = ax.get_subplotspec()
            first_column = index == 0 if spec is None else spec.is_first_col()
            if sharey and not first_column:
                ax.set_ylabel("")
        if sharey:
            bottom = min(ax.get_ylim()[0] for ax in axes)
            top = max(ax.get_ylim()[1] for ax in axes)
            for ax in axes:
                ax.set_ylim(bottom, top)
        self.axes_ = axes
        self.figure_ = axes[0].figure
        return self


def _gradient_data(history, layer_names):
    """epochs, grad_norms and layer_names of per-epoch records."""
    if not history:
        raise ValueError(
            "GradientFlowDisplay needs at least one epoch record; got an empty history."
        )
    missing = [i for i, record in enumerate(history) if "grad_norms" not in record]
    if missing:
        raise ValueError(
            "GradientFlowDisplay needs 'grad_norms' in every history record; record "
            f"{missing[0]} has keys {sorted(history[missing[0]])}."
        )
    lengths = {len(record["grad_norms"]) for record in history}
    if len(lengths) != 1:
        raise ValueError(
            "Every history record needs the same number of 'grad_norms'; got "
            f"lengths {sorted(lengths)}."
        )
    grad_norms = np.array([record["grad_norms"] for record in history], dtype=float)
    n_weight_layers = grad_norms.shape[1]
    if layer_names is None:
        layer_names = _layer_names(n_weight_layers)
    layer_names = list(layer_names)
    if len(layer_names) != n_weight_layers:
        raise ValueError(
            f"layer_names needs one name per weight layer ({n_weight_layers}); "
            f"got {len(layer_names)}."
        )
    epochs = np.array([record.get("epoch", i + 1) for i, record in enumerate(history)])
    return dict(epochs=epochs, grad_norms=grad_norms, layer_names=layer_names)


def _hidden_activations(estimator):
    """A panel title naming the hidden layers' activations, as 'relu hidden
    layers' or 'tanh and relu hidden layers' (the estimator's class name for
    a network the displays cannot read as weight layers)."""
    view = network_view(estimator, "GradientFlowDisplay")
    try:
        hidden_layers = view.weight_layers[:-1]
    except TypeError:  # layers that no weight layer fits: the gradients still show
        return type(view.network).__name__
    names = dict.fromkeys(layer.activation for layer in hidden_layers)
    if not names:
        return "no hidden layer"
    return f"{' and '.join(names)} hidden layers"


def _estimator_data(estimator):
    """epochs, grad_norms and layer_names of a fitted network."""
    view = network_view(estimator, "GradientFlowDisplay")
    if getattr(view.network, "history_", None) is None:
        raise ValueError(NO_GRADIENTS.format(name=type(view.network).__name__))
    kinds = view.weight_names()
    return _gradient_data(view.history(), _layer_names(len(kinds), kinds))
