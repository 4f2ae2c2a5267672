"""LossLandscapeDisplay: the loss over a plane of weight space, and the path
the weights took across it while the network learned."""

import numbers

import numpy as np
from sklearn.base import clone, is_classifier
from sklearn.exceptions import NotFittedError
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_consistent_length

from .._training import DivergenceError
from ..nn import LOSSES, OUTPUT_LOSS
from ..nn._threads import one_blas_thread
from ._adapters import final_estimator, incremental_step, network_view
from ._style import (
    EDGE_COLOR,
    FONT_SIZES,
    INK,
    LINE_WIDTHS,
    MARKER_SIZES,
    MUTED,
    PANEL_SIZE,
    SEQUENTIAL_CMAP,
    class_colors,
    styled,
)

WHAT = "LossLandscapeDisplay"
DIRECTIONS = ("pca", "random")
INCREMENTAL = (
    "a sknetviz estimator or an MLPClassifier or MLPRegressor with "
    "solver='adam' or 'sgd', or a Pipeline ending in one"
)
# The default grid covers the path and this much of its span again on each side.
MARGIN = 0.25
# ... of the paths whose loss never rose above this many times its start.
CALM = 1.5


def _check_positive_int(name, value, low=1):
    if (
        not isinstance(value, numbers.Integral)
        or isinstance(value, bool)
        or value < low
    ):
        raise ValueError(f"{name} must be an integer >= {low}, got {value!r}.")
    return int(value)


def _check_extent(extent):
    """``extent`` as (xmin, xmax, ymin, ymax) around the centre (0, 0), or None."""
    if extent is None:
        return None
    values = np.asarray(extent, dtype=float)
    if values.ndim == 0:
        if not (np.isfinite(values) and values > 0):
            raise ValueError(f"extent must be a positive number, got {extent!r}.")
        return (-float(values), float(values), -float(values), float(values))
    if (
        values.shape != (4,)
        or not np.all(np.isfinite(values))
        or not (values[0] < values[1] and values[2] < values[3])
    ):
        raise ValueError(
            "extent must be a positive number r (the grid spans -r to r on both "
            "axes) or (xmin, xmax, ymin, ymax) with xmin < xmax and ymin < ymax, "
            f"got {extent!r}."
        )
    return tuple(float(v) for v in values)


def _check_arguments(directions, max_epochs, grid_resolution, subsample, extent):
    if directions not in DIRECTIONS:
        raise ValueError(
            f"directions must be one of {', '.join(map(repr, DIRECTIONS))}, got "
            f"{directions!r}."
        )
    _check_positive_int("max_epochs", max_epochs, low=2)
    _check_positive_int("grid_resolution", grid_resolution, low=2)
    if subsample is not None:
        _check_positive_int("subsample", subsample)
    return _check_extent(extent)


def _free_weights(weights, n_weights):
    """The two flat indices ``weights`` names, checked, or None."""
    if weights is None:
        return (0, 1) if n_weights == 2 else None
    values = np.asarray(weights)
    if (
        values.shape != (2,)
        or not np.issubdtype(values.dtype, np.integer)
        or values[0] == values[1]
        or values.min() < -n_weights
        or values.max() >= n_weights
    ):
        raise ValueError(
            "weights must be two different indices into the network's "
            f"{n_weights} weights (in the order of flat_weights: each layer's "
            f"coefs_ then its intercepts_, flattened), got {weights!r}."
        )
    return tuple(int(v) % n_weights for v in values)


def _is_divergence(error, step):
    """Whether a partial_fit's ValueError says the training diverged:
    sknetviz's DivergenceError, or scikit-learn's non-finite weights."""
    if isinstance(error, DivergenceError):
        return True
    try:
        weights = network_view(step, WHAT).flat_weights()
    except NotFittedError:
        return False
    return not np.all(np.isfinite(weights))


def _train(estimator, X, y, max_epochs, free=None):
    """Train a clone epoch by epoch, keeping the flat weights after each.

    Epoch 0 is the untrained network, set up by ``initialize`` (sknetviz's
    estimators); scikit-learn's first partial_fit both sets up and trains,
    so for them the path starts at epoch 1. With ``free``, every weight but
    those two is written back to its starting value after each epoch.

    Returns
    -------
    run : dict
        'view' (the clone's NetworkView), 'X_step' (X after the Pipeline's
        earlier steps), 'path' (ndarray of shape (n_points, n_weights)),
        'epochs' (ndarray of shape (n_points,)) and 'diverged' (the epoch at
        which training diverged, or None).
    """
    pipeline = clone(estimator)
    step = incremental_step(pipeline, WHAT, INCREMENTAL)
    X_step = pipeline[:-1].fit(X, y).transform(X) if step is not pipeline else X
    first_call = {"classes": np.unique(y)} if is_classifier(step) else {}
    with np.errstate(all="ignore"):
        if hasattr(step, "initialize"):
            step.initialize(X_step, y, **first_call)
            first_epoch = 0
        else:
            try:
                step.partial_fit(X_step, y, **first_call)
            except ValueError as error:
                if not _is_divergence(error, step):
                    raise
                raise ValueError(
                    f"{WHAT}: {type(step).__name__} diverged in its first epoch "
                    f"(learning_rate_init={step.learning_rate_init}), and its "
                    "weights before that epoch cannot be read: there is no path "
                    "to draw. Lower learning_rate_init or standardize X."
                ) from error
            first_call, first_epoch = {}, 1
        view = network_view(step, WHAT)
        start = view.flat_weights()
        path, diverged = [start], None
        for epoch in range(first_epoch + 1, max_epochs + 1):
            try:
                step.partial_fit(X_step, y, **first_call)
            except ValueError as error:
                if not _is_divergence(error, step):
                    raise
                diverged = epoch
                break
            first_call = {}
            flat = view.flat_weights()
            if not np.all(np.isfinite(flat)):
                diverged = epoch
                break
            if free is not None:
                frozen = start.copy()
                frozen[list(free)] = flat[list(free)]
                view.set_flat_weights(frozen)
                flat = frozen
            path.append(flat)
    if diverged is not None:  # the clone's weights are the last finite ones again
        view.set_flat_weights(path[-1])
    return {
        "view": view,
        "X_step": X_step,
        "path": np.array(path),
        "epochs": np.arange(first_epoch, first_epoch + len(path)),
        "diverged": diverged,
    }


def _targets(view, y):
    """``y`` as the network's training targets: one-hot, {0, 1} or values."""
    y = np.asarray(y)
    if view.is_regressor:
        return y.astype(float).reshape(len(y), -1)
    if y.ndim == 2:  # a multilabel indicator matrix
        return y.astype(float)
    if view.out_activation == "logistic":
        return (y == view.classes[-1]).astype(float)[:, np.newaxis]
    return (y[:, np.newaxis] == view.classes[np.newaxis, :]).astype(float)


class _Loss:
    """The training loss of one network at any flat weight vector, on fixed rows.

    The data loss is the core's loss for the network's output activation
    (log-loss for a classifier, half the squared error for a regressor), on
    the rows; the L2 term is ``0.5 * alpha * ||W||^2 / n_samples`` over the
    arrays in the 'weight' role, ``n_samples`` the rows of the whole X.
    """

    def __init__(self, view, rows, y, n_samples):
        self.view = view
        self.rows = rows
        self.targets = _targets(view, y)
        self.loss = LOSSES[OUTPUT_LOSS[view.out_activation]][0]
        self.is_weight = np.concatenate(
            [
                np.full(array.size, role == "weight")
                for array, _, role in view.parameters
            ]
        )
        alpha = float(getattr(view.network, "alpha", 0.0) or 0.0)
        self.penalty_scale = 0.5 * alpha / n_samples

    def __call__(self, flat):
        self.view.set_flat_weights(flat)
        value = self.loss(self.targets, self.view.outputs(self.rows))
        if self.penalty_scale:
            weights = flat[self.is_weight]
            value += self.penalty_scale * float(np.dot(weights, weights))
        return value

    def surface(self, origin, directions, x_coords, y_coords):
        """The loss at ``origin + x * directions[0] + y * directions[1]``.

        Returns
        -------
        losses : ndarray of shape (len(y_coords), len(x_coords))
            NaN where the loss is not finite.
        """
        losses = np.empty((len(y_coords), len(x_coords)))
        with one_blas_thread():
            for row, y_value in enumerate(y_coords):
                row_origin = origin + y_value * directions[1]
                for column, x_value in enumerate(x_coords):
                    losses[row, column] = self(row_origin + x_value * directions[0])
        losses[~np.isfinite(losses)] = np.nan
        return losses


def pca_directions(path, center):
    """The first two principal components of a path of weights.

    Parameters
    ----------
    path : ndarray of shape (n_points, n_weights)
    center : ndarray of shape (n_weights,)
        The slice's centre, the final weights; the components are those of
        ``path - center``, centred (Li et al., 2018, section 7).

    Returns
    -------
    directions : ndarray of shape (2, n_weights)
        Orthonormal rows; each points towards the path's start.
    explained : ndarray of shape (2,)
        The fraction of the path's variance along each.
    """
    offsets = path - center
    centred = offsets - offsets.mean(axis=0)
    _, singular_values, components = np.linalg.svd(centred, full_matrices=False)
    variance = singular_values**2
    if len(path) < 3 or not variance.sum() > 0:
        raise ValueError(
            f"The path has {len(path)} point(s) and moves in "
            f"{int(np.sum(variance > 0))} direction(s): its principal components "
            "need at least 3 points that do not lie on one line. Train more "
            "epochs (max_epochs), or use directions='random'."
        )
    directions = components[:2].copy()
    signs = np.sign(offsets[0] @ directions.T)
    directions *= np.where(signs == 0, 1.0, signs)[:, np.newaxis]
    return directions, variance[:2] / variance.sum()


def filter_normalized_directions(parameters, center, random_state):
    """Two random directions, filter-normalised as in Li et al. (2018).

    Each direction is drawn from a standard normal, then, in every array in
    the 'weight' role, the block of each output unit (``array[..., j]``: a
    Dense unit's incoming weights, a convolution filter) is rescaled to the
    norm of the same block of ``center``. Biases and other arrays (a
    BatchNorm's scale and shift) get zero, as Li et al.'s ``ignore='biasbn'``.

    Parameters
    ----------
    parameters : list of tuple (ndarray, str, str)
        :attr:`NetworkView.parameters`: the arrays, names and roles.
    center : ndarray of shape (n_weights,)
        The trained weights, flat.
    random_state : int, RandomState instance or None

    Returns
    -------
    directions : ndarray of shape (2, n_weights)
    """
    rng = check_random_state(random_state)
    directions = rng.standard_normal((2, center.size))
    start = 0
    for array, _, role in parameters:
        stop = start + array.size
        units = array.shape[-1] if array.ndim else 1
        if role != "weight":
            directions[:, start:stop] = 0.0
        else:
            trained = np.linalg.norm(center[start:stop].reshape(-1, units), axis=0)
            for direction in directions:
                block = direction[start:stop].reshape(-1, units)
                drawn = np.linalg.norm(block, axis=0)
                block *= np.divide(
                    trained, drawn, out=np.zeros_like(trained), where=drawn > 0
                )
        start = stop
    return directions


def project(path, center, directions):
    """Least-squares coordinates of ``path - center`` in the span of ``directions``.

    Returns
    -------
    coords : ndarray of shape (n_points, 2)
    explained : float
        The fraction of the path's variance (about its mean) that the plane holds.
    """
    offsets = path - center
    coords = np.linalg.lstsq(directions.T, offsets.T, rcond=None)[0].T
    gram = directions @ directions.T
    centred = coords - coords.mean(axis=0)
    kept = float(np.einsum("ni,ij,nj->", centred, gram, centred))
    total = float(np.sum((offsets - offsets.mean(axis=0)) ** 2))
    return coords, (kept / total if total > 0 else 1.0)


def _weight_label(parameters, index):
    """'coefs_[0][1, 3]': the array and position of a flat index."""
    start = 0
    for array, name, role in parameters:
        if index < start + array.size:
            position = np.unravel_index(index - start, array.shape)
            kind = {"weight": "weight ", "bias": "bias "}.get(role, "")
            return f"{kind}{name}[{', '.join(map(str, position))}]"
        start += array.size
    raise IndexError(index)


def _default_extent(points):
    """A square (xmin, xmax, ymin, ymax) around ``points`` and (0, 0), with margin."""
    points = np.vstack([points, np.zeros((1, 2))])
    low, high = points.min(axis=0), points.max(axis=0)
    half = (1 + 2 * MARGIN) * float(np.max(high - low)) / 2
    half = half if half > 0 else 1.0
    middle = (low + high) / 2
    return (middle[0] - half, middle[0] + half, middle[1] - half, middle[1] + half)


def _two_digits(value, rounding=np.round):
    """``value`` rounded to two significant digits, up or down with ``rounding``."""
    unit = 10.0 ** (np.floor(np.log10(value)) - 1)
    return float(rounding(value / unit) * unit)


def _loss_ticks(low, high, n_ticks=6):
    """Log-spaced colorbar ticks with two significant digits, both ends inside."""
    ticks = [_two_digits(tick) for tick in np.geomspace(low, high, n_ticks)[1:-1]]
    ticks = [_two_digits(low, np.ceil), *ticks, _two_digits(high, np.floor)]
    return sorted({tick for tick in ticks if low <= tick <= high})


def _outcome(losses, epochs, diverged):
    """A panel's second title line: where its loss went."""
    if diverged is not None:
        return f"diverged at epoch {diverged} (loss {losses[0]:.2f} → {losses[-1]:.3g})"
    return f"loss {losses[0]:.2f} → {losses[-1]:.2f} by epoch {epochs[-1]}"


class LossLandscapeDisplay:
    """The loss over a plane of weight space, and the path training took on it.

    Learning is a walk downhill: every step of gradient descent moves the
    weights against the gradient of the loss. This display draws the hill.
    :meth:`from_estimator` trains a clone of the estimator epoch by epoch,
    keeping its weights after every epoch, and draws the loss over a plane
    through weight space with that path on it. :meth:`from_learning_rates`
    does the same for several learning rates side by side, on one shared
    plane.

    The plane is one of three:

    - **exact**: a network with exactly two weights (a single neuron on 1-D
      data: one weight and one bias), or two weights chosen with ``weights``
      while training freezes the others. The plane is the whole weight
      space, the axes are the two weights and the surface is exactly the
      loss the training descends.
    - **'pca'**: the plane through the final weights spanned by the first
      two principal components of the path (the weights after each epoch
      minus the final ones), as in Li et al. (2018), "Visualizing the Loss
      Landscape of Neural Nets", section 7. The axes say how much of the
      path's variance each component holds.
    - **'random'**: the plane through the final weights spanned by two
      random directions, filter-normalised as in Li et al. (2018): in each
      weight array, the block of every output unit (a Dense unit's incoming
      weights, a convolution filter) is rescaled to the norm of the trained
      block; biases and batch-norm parameters are not moved.

    The path is projected onto the plane by least squares; where the plane
    holds little of the path's variance, the path drawn is a shadow of the
    real one. Its epoch losses (``path_losses``) are the loss at the real
    weights, not on the plane.

    The loss is the training objective on the rows of X used (a
    ``subsample``): for a classifier the log-loss of its probabilities, for
    a regressor half the squared error (or half the Poisson deviance with
    ``loss='poisson'``), as ``loss_curve_`` reports them, plus the L2 term
    ``0.5 * alpha * ||W||^2 / n_samples`` when the estimator's ``alpha`` is
    not 0 (on the arrays in the weight role, ``n_samples`` the rows of X).
    Batch normalisation uses the final running statistics everywhere.

    Create it with :meth:`from_estimator` or :meth:`from_learning_rates`;
    every parameter is kept as an attribute.

    Parameters
    ----------
    xx0, xx1 : ndarray of shape (grid_resolution, grid_resolution)
        The meshgrid of the plane's coordinates: along the first and the
        second direction (in units of the directions; the final weights at
        (0, 0)), or the two weights' values for the exact surface.
    losses : ndarray of shape (grid_resolution, grid_resolution)
        The loss at each grid point; NaN where it is not finite.
    paths : list of ndarray of shape (n_points, 2)
        Each training run's weights after every recorded epoch, projected.
    path_epochs : list of ndarray of int of shape (n_points,)
        The epoch of each point (starting at 0, or at 1 for scikit-learn's
        MLPs, which cannot set up their weights without training an epoch).
    path_losses : list of ndarray of shape (n_points,)
        The loss at each point's real weights.
    explained_variance : list of float
        For each path, the fraction of its variance the plane holds (1.0 for
        the exact surface).
    diverged : list of int or None, default=None
        For each path, the epoch at which its training diverged (its weights
        or loss became non-finite, or ran away), or None. The path stops at
        the last finite weights.
    labels : list of str, default=None
        A name for each path, such as 'learning rate 0.1'.
    kind : {'exact', 'pca', 'random'}, default='pca'
        The plane, as above.
    xlabel, ylabel : str, default=None
    loss_label : str, default='loss'
        The colorbar's label.
    title : str, default=None
        The title of a single panel.

    Attributes
    ----------
    surfaces_ : list of matplotlib QuadContourSet
        The filled contours, one per panel.
    contour_lines_ : list of matplotlib QuadContourSet
        The thin level lines over them.
    path_lines_ : list of matplotlib Line2D
        One per path: the walk, one dot per epoch.
    start_markers_, end_markers_ : list of matplotlib PathCollection
        The first and last recorded weights of each path.
    colorbar_ : matplotlib Colorbar or None
    notes_ : list of str
        What each panel says of a path that leaves the plot or diverged.
    ax_ : matplotlib Axes
        The first (or only) panel.
    axes_ : ndarray of matplotlib Axes
        Every panel.
    figure_ : matplotlib Figure

    See Also
    --------
    TrainingCurveDisplay : The same training as loss per epoch.
    BoundaryEvolutionDisplay : The decision boundary at chosen epochs.

    References
    ----------
    H. Li, Z. Xu, G. Taylor, C. Studer and T. Goldstein, "Visualizing the Loss
    Landscape of Neural Nets", NeurIPS 2018.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import make_moons
    >>> from sknetviz import MLPVisualClassifier
    >>> from sknetviz.inspection import LossLandscapeDisplay
    >>> X, y = make_moons(n_samples=200, noise=0.2, random_state=0)
    >>> clf = MLPVisualClassifier((16, 16), learning_rate_init=0.02, random_state=0)
    >>> display = LossLandscapeDisplay.from_estimator(
    ...     clf, X, y, max_epochs=20, grid_resolution=21)
    >>> display.losses.shape, display.paths[0].shape
    ((21, 21), (21, 2))
    >>> bool(display.path_losses[0][-1] < display.path_losses[0][0])
    True
    >>> display.paths[0][-1].round(6).tolist()  # the slice's centre: the end
    [0.0, 0.0]
    """

    def __init__(
        self,
        *,
        xx0,
        xx1,
        losses,
        paths,
        path_epochs,
        path_losses,
        explained_variance,
        diverged=None,
        labels=None,
        kind="pca",
        xlabel=None,
        ylabel=None,
        loss_label="loss",
        title=None,
    ):
        self.xx0 = xx0
        self.xx1 = xx1
        self.losses = losses
        self.paths = paths
        self.path_epochs = path_epochs
        self.path_losses = path_losses
        self.explained_variance = explained_variance
        self.diverged = diverged
        self.labels = labels
        self.kind = kind
        self.xlabel = xlabel
        self.ylabel = ylabel
        self.loss_label = loss_label
        self.title = title

    # ------------------------------------------------------------------ plot

    def _levels(self, levels):
        """Log-spaced levels over the finite losses (or the user's)."""
        if not np.isscalar(levels):
            return np.asarray(levels, dtype=float)
        finite = self.losses[np.isfinite(self.losses) & (self.losses > 0)]
        if finite.size == 0:
            raise ValueError(
                f"{WHAT}: the loss is not finite and positive anywhere on the "
                "grid; choose a smaller extent."
            )
        low, high = float(finite.min()), float(finite.max())
        high = high if high > low else low * 1.01
        return np.geomspace(low, high, _check_positive_int("levels", levels, low=2))

    def _leaves_at(self, path, epochs, limits):
        """The first epoch whose point lies outside the plot, or None."""
        xmin, xmax, ymin, ymax = limits
        outside = (
            (path[:, 0] < xmin)
            | (path[:, 0] > xmax)
            | (path[:, 1] < ymin)
            | (path[:, 1] > ymax)
        )
        return int(epochs[np.argmax(outside)]) if outside.any() else None

    def _panel_axes(self, ax):
        """The figure and the Axes to draw on: the given ones, or a new row."""
        import matplotlib.pyplot as plt

        if ax is not None:
            axes = np.asarray(ax, dtype=object).ravel()
            if axes.size not in (1, len(self.paths)):
                raise ValueError(
                    f"{WHAT} draws {len(self.paths)} path(s), on one Axes or one "
                    f"Axes each; got {axes.size} Axes."
                )
            return axes[0].figure, axes
        n_panels = len(self.paths)
        width, height = PANEL_SIZE
        figure, axes = plt.subplots(
            1,
            n_panels,
            figsize=(width * n_panels + 1.0, height),
            squeeze=False,
            layout="constrained",
        )
        return figure, axes.ravel()

    def _draw_path(self, ax, index, color, path_kwargs):
        """One path: a line with a dot per epoch, the start and the end marked."""
        from matplotlib import patheffects

        path, epochs = self.paths[index], self.path_epochs[index]
        line_width = LINE_WIDTHS["curve"]
        kwargs = {
            "color": color,
            "linewidth": line_width,
            "marker": "o",
            "markersize": 3.2,
            "markerfacecolor": color,
            "markeredgewidth": 0,
            "path_effects": [
                patheffects.withStroke(linewidth=line_width + 1.8, foreground=INK)
            ],
            "zorder": 3,
            "label": "path, a dot per epoch",
            **(path_kwargs or {}),
        }
        (line,) = ax.plot(path[:, 0], path[:, 1], **kwargs)
        start = ax.scatter(
            path[0, 0],
            path[0, 1],
            marker="o",
            s=MARKER_SIZES["highlight"] * 0.8,
            facecolors=INK,
            edgecolors=EDGE_COLOR,
            linewidths=1.4,
            zorder=4,
            label=f"start (epoch {epochs[0]})",
        )
        end = ax.scatter(
            path[-1, 0],
            path[-1, 1],
            marker="*",
            s=MARKER_SIZES["highlight"] * 2.2,
            facecolors=EDGE_COLOR,
            edgecolors=INK,
            linewidths=1.0,
            zorder=5,
            label=f"end (epoch {epochs[-1]})",
        )
        return line, start, end

    def _panel_title(self, indices, limits):
        """The panel's title and the note on a path that leaves or diverged."""
        if len(indices) > 1:
            title, notes = self.title or "", []
        else:
            index = indices[0]
            title = self.title if self.labels is None else self.labels[index]
            notes = [
                _outcome(
                    self.path_losses[index],
                    self.path_epochs[index],
                    (self.diverged or [None] * len(self.paths))[index],
                )
            ]
        for index in indices:
            if self.kind == "random":
                notes.append(
                    f"the plane holds {self.explained_variance[index]:.0%} of the "
                    "path's variance"
                )
            leaves = self._leaves_at(self.paths[index], self.path_epochs[index], limits)
            if leaves is not None:
                who = f"{self.labels[index]}: " if len(indices) > 1 else ""
                notes.append(f"{who}leaves the plot at epoch {leaves}")
        return title, notes

    @styled
    def plot(
        self,
        ax=None,
        *,
        cmap=None,
        levels=20,
        path_kwargs=None,
        colorbar=True,
        **kwargs,
    ):
        """Draw the loss as filled contours and each path on it.

        Parameters
        ----------
        ax : matplotlib Axes or array-like of them, default=None
            One Axes for every path, or one per path (in ``paths`` order).
            When None, a new figure with one panel per path, side by side.
        cmap : str or matplotlib Colormap, default=None
            The map of the loss; :data:`~sknetviz.inspection._style.SEQUENTIAL_CMAP`
            (viridis: dark is low) when None.
        levels : int or array-like, default=20
            The number of log-spaced levels between the lowest and the
            highest finite loss, or the levels themselves.
        path_kwargs : dict, default=None
            Passed to ``Axes.plot`` for each path's line.
        colorbar : bool, default=True
            Draw one colorbar for all panels.
        **kwargs : dict
            Passed to ``Axes.contourf``.

        Returns
        -------
        display : LossLandscapeDisplay
        """
        from matplotlib.colors import LogNorm
        from matplotlib.ticker import FuncFormatter

        figure, axes = self._panel_axes(ax)
        levels = self._levels(levels)
        panels = (
            [list(range(len(self.paths)))]
            if len(axes) == 1
            else [[index] for index in range(len(self.paths))]
        )
        colors = (
            [EDGE_COLOR]
            if len(self.paths) == 1 or len(axes) > 1
            else list(class_colors(len(self.paths)))
        )
        limits = (
            float(self.xx0.min()),
            float(self.xx0.max()),
            float(self.xx1.min()),
            float(self.xx1.max()),
        )
        surface_kwargs = {
            "levels": levels,
            "norm": LogNorm(vmin=levels[0], vmax=levels[-1]),
            "cmap": SEQUENTIAL_CMAP if cmap is None else cmap,
            "extend": "neither",
            **kwargs,
        }
        losses = np.ma.masked_invalid(self.losses)
        self.surfaces_, self.contour_lines_ = [], []
        self.path_lines_, self.start_markers_, self.end_markers_ = [], [], []
        self.notes_ = []
        for ax_, indices in zip(axes, panels):
            surface = ax_.contourf(self.xx0, self.xx1, losses, **surface_kwargs)
            lines = ax_.contour(
                self.xx0,
                self.xx1,
                losses,
                levels=levels[1::2],
                colors=EDGE_COLOR,
                linewidths=LINE_WIDTHS["guide"] * 0.6,
                alpha=0.45,
            )
            self.surfaces_.append(surface)
            self.contour_lines_.append(lines)
            for index in indices:
                color = colors[index % len(colors)]
                line, start, end = self._draw_path(ax_, index, color, path_kwargs)
                if len(indices) > 1 and self.labels is not None:
                    line.set_label(self.labels[index])
                self.path_lines_.append(line)
                self.start_markers_.append(start)
                self.end_markers_.append(end)
            ax_.set_xlim(limits[:2])
            ax_.set_ylim(limits[2:])
            # Panels side by side share the plane: one y label says it.
            first = ax_ is axes[0] or len(axes) == 1
            ax_.set(
                xlabel=self.xlabel or "", ylabel=(self.ylabel or "") if first else ""
            )
            title, notes = self._panel_title(indices, limits)
            self.notes_.append("; ".join(notes))
            ax_.set_title("\n".join([title] + notes) if title else "\n".join(notes))
        if len(axes) > 1 and ax is None and self.title:
            figure.suptitle(self.title, fontsize=FONT_SIZES["title"], color=INK)
        handles, names = axes[0].get_legend_handles_labels()
        if len(panels) > 1:  # one path per panel: the markers say the same
            handles, names = handles[:3], names[:3]
        axes[0].legend(handles, names, loc="upper left", fontsize=FONT_SIZES["note"])
        self.colorbar_ = None
        if colorbar:
            self.colorbar_ = figure.colorbar(
                self.surfaces_[0],
                ax=list(axes),
                label=self.loss_label,
                pad=0.05 / len(axes),  # a fraction of the whole row's width
            )
            self.colorbar_.set_ticks(_loss_ticks(levels[0], levels[-1]))
            self.colorbar_.ax.yaxis.set_major_formatter(
                FuncFormatter(lambda value, _: f"{value:.3g}")
            )
            self.colorbar_.ax.yaxis.set_minor_formatter(FuncFormatter(lambda *_: ""))
        if np.isnan(self.losses).any():
            axes[0].annotate(
                "blank: loss not finite",
                (0.99, 0.01),
                xycoords="axes fraction",
                ha="right",
                va="bottom",
                color=MUTED,
                fontsize=FONT_SIZES["note"],
            )
        self.axes_ = axes
        self.ax_ = axes[0]
        self.figure_ = figure
        return self

    # --------------------------------------------------------------- compute

    @classmethod
    def _from_runs(
        cls,
        runs,
        y,
        *,
        labels,
        weights,
        directions,
        grid_resolution,
        extent,
        subsample,
        random_state,
    ):
        """The display of training runs of one architecture on one plane."""
        rng = check_random_state(random_state)
        path_losses = []
        reference = runs[0]
        view = reference["view"]
        n_samples = len(reference["X_step"])
        rows = view.network_rows(reference["X_step"], transformed=True)
        y = np.asarray(y)
        if subsample is not None and n_samples > subsample:
            kept = np.sort(rng.choice(n_samples, subsample, replace=False))
            rows, y = rows[kept], y[kept]
        loss = _Loss(view, rows, y, n_samples)
        with np.errstate(all="ignore"), one_blas_thread():
            for run in runs:
                path_losses.append(np.array([loss(flat) for flat in run["path"]]))
        # The plane goes through the end of the run that ends lowest.
        finals = [
            losses[-1]
            if np.isfinite(losses[-1]) and run["diverged"] is None
            else np.inf
            for run, losses in zip(runs, path_losses)
        ]
        reference = runs[int(np.argmin(finals))]
        center = reference["path"][-1]
        parameters = view.parameters
        free = _free_weights(weights, center.size)
        if free is not None:
            kind = "exact"
            plane = np.zeros((2, center.size))
            plane[0, free[0]] = plane[1, free[1]] = 1.0
            origin = center.copy()
            origin[list(free)] = 0.0
            components = None
        elif directions == "pca":
            kind, origin = "pca", center
            plane, components = pca_directions(reference["path"], center)
        else:
            kind, origin, components = "random", center, None
            plane = filter_normalized_directions(parameters, center, rng)
        projected = [project(run["path"], origin, plane) for run in runs]
        paths = [coords for coords, _ in projected]
        explained = [fraction for _, fraction in projected]
        # The default grid covers the runs that never climbed far above their
        # start: one that overshoots would stretch it until the others vanish.
        calm = [
            coords
            for coords, losses, run in zip(paths, path_losses, runs)
            if run["diverged"] is None and np.max(losses) <= CALM * losses[0]
        ] or paths
        if extent is None:
            limits = _default_extent(np.vstack(calm))
            if kind == "random":  # Li et al.'s [-1, 1]: the basin around the end
                limits = (
                    min(limits[0], -1.0),
                    max(limits[1], 1.0),
                    min(limits[2], -1.0),
                    max(limits[3], 1.0),
                )
        elif kind == "exact":  # around the final values of the two weights
            limits = (
                extent[0] + center[free[0]],
                extent[1] + center[free[0]],
                extent[2] + center[free[1]],
                extent[3] + center[free[1]],
            )
        else:
            limits = extent
        x_coords = np.linspace(limits[0], limits[1], grid_resolution)
        y_coords = np.linspace(limits[2], limits[3], grid_resolution)
        with np.errstate(all="ignore"):
            losses = loss.surface(origin, plane, x_coords, y_coords)
        view.set_flat_weights(reference["path"][-1])
        xx0, xx1 = np.meshgrid(x_coords, y_coords)
        penalty = " + L2 term" if loss.penalty_scale else ""
        loss_label = f"training {view.loss_name}{penalty} (log scale)"
        if kind == "exact":
            xlabel, ylabel = (_weight_label(parameters, index) for index in free)
            frozen = center.size - 2
            title = (
                "The exact loss surface of a two-weight network"
                if not frozen
                else f"The exact loss over 2 weights ({frozen} others frozen)"
            )
        elif kind == "pca":
            xlabel, ylabel = (
                f"PC {k + 1} of the path ({share:.0%} of its variance)"
                for k, share in enumerate(components)
            )
            title = "The loss on the plane of the path's principal components"
        else:
            xlabel, ylabel = (f"filter-normalised random direction {k}" for k in (1, 2))
            title = "The loss on two random directions through the end"
        return cls(
            xx0=xx0,
            xx1=xx1,
            losses=losses,
            paths=paths,
            path_epochs=[run["epochs"] for run in runs],
            path_losses=path_losses,
            explained_variance=explained,
            diverged=[run["diverged"] for run in runs],
            labels=labels,
            kind=kind,
            xlabel=xlabel,
            ylabel=ylabel,
            loss_label=loss_label,
            title=title,
        )

    @classmethod
    def from_estimator(
        cls,
        estimator,
        X,
        y,
        *,
        weights=None,
        directions="pca",
        max_epochs=30,
        grid_resolution=51,
        extent=None,
        subsample=256,
        random_state=None,
        ax=None,
        **kwargs,
    ):
        """Train a clone epoch by epoch and draw its path on the loss.

        Parameters
        ----------
        estimator : estimator
            A sknetviz estimator (MLPVisualClassifier, MLPVisualRegressor,
            NeuralNetClassifier, NeuralNetRegressor, SimpleCNNClassifier) or
            scikit-learn's MLPClassifier or MLPRegressor, with a stochastic
            solver, or a Pipeline ending in one; fitted or not. It is left
            untouched: a clone is trained, one ``partial_fit`` per epoch.
            The Pipeline's earlier steps are fitted once on X.
        X : {array-like, dataframe} of shape (n_samples, n_features)
            The training data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Its targets.
        weights : pair of int, default=None
            Draw the exact loss over these two weights, positions in the
            network's flat weight vector (each array of ``coefs_`` then the
            matching ``intercepts_``, input side first, each flattened in C
            order): training moves only them, the others are written back to
            their starting values after every epoch (exactly gradient descent
            on the drawn surface with one batch per epoch; with minibatches
            the others drift within an epoch). None draws the exact surface
            of a network with two weights, and a slice for any other.
        directions : {'pca', 'random'}, default='pca'
            The slice's plane for a network with more than two weights (see
            the class docstring). 'pca' is the default because it is the
            plane the path moves in: in a space of hundreds of dimensions two
            random directions are nearly orthogonal to the path, which then
            shrinks to a short scrawl at the centre, while the first two
            principal components usually hold most of its variance (Li et
            al., 2018). 'random' shows the shape of the basin around the
            final weights instead.
        max_epochs : int, default=30
            Epochs trained (at least 2).
        grid_resolution : int, default=51
            Points per side of the grid.
        extent : float or tuple of 4 floats, default=None
            How far the grid reaches, in units of the directions (in the
            weights' own units for the exact surface): r gives -r to r on
            both axes around the final weights; (xmin, xmax, ymin, ymax)
            gives each limit. None covers the projected path with a margin
            of a quarter of its span on each side, on a square (for
            'random', at least Li et al.'s -1 to 1).
        subsample : int or None, default=256
            Rows of X the loss is evaluated on, drawn with ``random_state``;
            None uses every row. The surface costs one pass over these rows
            per grid point (a 51 x 51 grid: 2601 passes), which keeps the
            digits CNN within a minute.
        random_state : int, RandomState instance or None, default=None
            Draws the subsample and the random directions.
        ax : matplotlib Axes, default=None
        **kwargs : dict
            Passed to :meth:`plot`.

        Returns
        -------
        display : LossLandscapeDisplay
        """
        extent = _check_arguments(
            directions, max_epochs, grid_resolution, subsample, extent
        )
        check_consistent_length(X, y)
        incremental_step(estimator, WHAT, INCREMENTAL)
        free = None
        if weights is not None:
            probe = _train(estimator, X, y, 0)
            free = _free_weights(weights, probe["path"].shape[1])
        run = _train(estimator, X, y, max_epochs, free=free)
        display = cls._from_runs(
            [run],
            y,
            labels=None,
            weights=free,
            directions=directions,
            grid_resolution=grid_resolution,
            extent=extent,
            subsample=subsample,
            random_state=random_state,
        )
        return display.plot(ax=ax, **kwargs)

    @classmethod
    def from_learning_rates(
        cls,
        estimator,
        X,
        y,
        learning_rates,
        *,
        weights=None,
        directions="pca",
        max_epochs=30,
        grid_resolution=51,
        extent=None,
        subsample=256,
        random_state=None,
        ax=None,
        **kwargs,
    ):
        """Train one clone per learning rate and draw their paths on one plane.

        Every clone starts from the same weights and sees the same batches
        (a ``random_state`` of None in the estimator is replaced by one seed
        drawn from ``random_state``), so the learning rate is the only
        difference: with plain SGD (``solver='sgd'``, ``momentum=0``) a rate
        too small creeps, a good one walks down into the valley, one too
        large overshoots it and climbs out, leaving the plot (its path is
        clipped to the plot and the title says at which epoch) or diverging.

        The plane goes through the final weights of the run whose loss ends
        lowest, spanned by its path's principal components (or by random
        directions); every path is projected onto it. Each run gets its own
        panel over the same surface, with one colorbar.

        Parameters
        ----------
        estimator : estimator
            As in :meth:`from_estimator`, with a ``learning_rate_init``.
        X, y
            As in :meth:`from_estimator`.
        learning_rates : sequence of float
            The values of ``learning_rate_init``, one run and panel each.
        weights, directions, max_epochs, grid_resolution, extent, subsample
            As in :meth:`from_estimator`; the default extent covers the
            paths whose loss never rose above 1.5 times its start, so that
            one that flies off does not shrink the others to a dot.
        random_state : int, RandomState instance or None, default=None
            Draws the subsample, the random directions and, if the estimator
            has none, the seed every run shares.
        ax : array-like of matplotlib Axes, default=None
            One Axes per learning rate, or one for all paths.
        **kwargs : dict
            Passed to :meth:`plot`.

        Returns
        -------
        display : LossLandscapeDisplay
        """
        extent = _check_arguments(
            directions, max_epochs, grid_resolution, subsample, extent
        )
        check_consistent_length(X, y)
        step = incremental_step(estimator, WHAT, INCREMENTAL)
        rates = np.asarray(learning_rates, dtype=float).ravel()
        if rates.size == 0 or not np.all(np.isfinite(rates) & (rates > 0)):
            raise ValueError(
                "learning_rates must be a non-empty sequence of positive numbers, "
                f"got {learning_rates!r}."
            )
        parameters = step.get_params(deep=False)
        if "learning_rate_init" not in parameters:
            raise TypeError(
                f"{WHAT}.from_learning_rates sets learning_rate_init, which "
                f"{type(step).__name__} does not have."
            )
        rng = check_random_state(random_state)
        seed = parameters.get("random_state")
        if seed is None:
            seed = int(rng.randint(np.iinfo(np.int32).max))
        runs, free = [], None
        for rate in rates:
            learner = clone(estimator)
            final_estimator(learner).set_params(
                learning_rate_init=float(rate), random_state=seed
            )
            if weights is not None and free is None:
                probe = _train(learner, X, y, 0)
                free = _free_weights(weights, probe["path"].shape[1])
            runs.append(_train(learner, X, y, max_epochs, free=free))
        display = cls._from_runs(
            runs,
            y,
            labels=[f"learning rate {rate:g}" for rate in rates],
            weights=free,
            directions=directions,
            grid_resolution=grid_resolution,
            extent=extent,
            subsample=subsample,
            random_state=rng,
        )
        return display.plot(ax=ax, **kwargs)
