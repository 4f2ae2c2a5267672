"""Small multiples: the grid of panels and the one legend they share."""

import math

import numpy as np

from ._style import PANEL_SIZE


def default_columns(n_panels):
    """Columns of a grid of panels that stays legible on a page: all panels
    up to 3 in one row, 4 as 2 x 2, more in rows of 3.

    Examples
    --------
    >>> from sknetviz.inspection._panels import default_columns
    >>> [default_columns(n) for n in range(1, 8)]
    [1, 2, 3, 2, 3, 3, 3]
    """
    if n_panels <= 3:
        return n_panels
    return 2 if n_panels == 4 else 3


def panel_axes(n_panels, axes, ncols, what):
    """The figure and one Axes per panel: the given ones, or a new grid.

    Parameters
    ----------
    n_panels : int
    axes : array-like of matplotlib Axes or None
        Exactly ``n_panels`` of them, in panel order, when given.
    ncols : int or None
        Columns of the new grid; when None, :func:`default_columns`.
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
        ncols = default_columns(n_panels)
    if not (isinstance(ncols, int | np.integer) and ncols >= 1):
        raise ValueError(f"ncols must be a positive integer, got {ncols!r}.")
    ncols = min(int(ncols), n_panels)
    nrows = math.ceil(n_panels / ncols)
    width, height = PANEL_SIZE
    figure, grid = plt.subplots(
        nrows,
        ncols,
        figsize=(width * ncols, height * nrows + 0.4),
        squeeze=False,
        layout="constrained",
    )
    for ax in grid.ravel()[n_panels:]:
        ax.remove()
    return figure, grid.ravel()[:n_panels]


def shared_legend(figure, panels):
    """One legend for panels that would all show the same one.

    Every panel's legend is removed. In a figure laid out by matplotlib's
    constrained layout (the displays' own figures), the legend goes below the
    panels, in one row, where it covers nothing; in a figure the user laid
    out, it stays on the first panel.

    Parameters
    ----------
    figure : matplotlib Figure
    panels : list of DecisionBoundaryDisplay
        Each with ``legend_`` (a Legend or None) and ``ax_``.

    Returns
    -------
    legend : matplotlib Legend or None
        None when no panel had one.
    """
    legends = [panel.legend_ for panel in panels if panel.legend_ is not None]
    if not legends:
        return None
    first = panels[0]
    handles, labels = first.ax_.get_legend_handles_labels()
    # A count of mistakes belongs to one panel (its title has the accuracy).
    labels = [label.split(" (")[0] for label in labels]
    for panel in panels:
        if panel.legend_ is not None:
            panel.legend_.remove()
            panel.legend_ = None
    engine = figure.get_layout_engine()
    if engine is None or type(engine).__name__ != "ConstrainedLayoutEngine":
        first.legend_ = first.ax_.legend(handles, labels, loc="best")
        return first.legend_
    return figure.legend(
        handles, labels, loc="outside lower center", ncols=len(handles), frameon=False
    )
