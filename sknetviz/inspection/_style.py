"""The one visual style every display draws from: palette, tints, maps, marks and sizes.

The look follows TensorFlow Playground's rules for legibility:

- **Classes** take saturated colours from Petroff's 10-colour sequence
  (M. A. Petroff, "Accessible Color Sequences for Data Visualization", 2021),
  which scikit-learn also uses for multiclass boundaries. Its first two
  colours, a blue and an orange, are the binary pair. The sequence was chosen
  by Petroff to stay distinct under protanopia, deuteranopia and tritanopia;
  ``tests/inspection/test_style.py`` re-checks it with Machado et al.'s (2009)
  simulation of those deficiencies.
- **Regions** are pale tints of the class colours: white where the network
  hesitates (at the boundary) and at most :data:`TINT` of the class colour
  where it is sure. A saturated point with a white edge stays visible inside
  its own region.
- **Signed quantities** (weights, biases, activations that change sign) use
  one diverging map, :data:`DIVERGING_CMAP`: blue below zero, white at zero,
  orange above, the binary classes' hues, with both arms equally dark.
- **Unsigned quantities** (gradient sizes, a regression surface, a loss
  landscape) use the sequential :data:`SEQUENTIAL_CMAP`.

Every size (fonts, lines, markers, panels, dpi) is here too, so that a change
of look is a change of this file.
"""

import functools

import numpy as np

PALETTE_NAME = "Petroff 10"
CLASS_COLORS = (
    "#3f90da", "#ffa90e", "#bd1f01", "#94a4a2", "#832db6",
    "#a96b59", "#e76300", "#b9ac70", "#717581", "#92dadd",
)  # fmt: skip
"""tuple of str: Petroff's 10 colours, one per class in the order of ``classes_``."""

MANY_CLASSES_CMAP = "gist_rainbow"
"""str: the colormap sampled beyond 10 classes (as scikit-learn does)."""

TINT = 0.42
"""float: how much of a class colour the most confident region shows over white."""

INK = "#262626"
"""str: text, boundary lines and marks drawn over tints."""

MUTED = "#8a8a8a"
"""str: secondary lines (grids, guides, the untrained network's notes)."""

PAPER = "white"
"""str: the background: the middle of every tint and diverging map."""

EDGE_COLOR = PAPER
"""str: the edge of every sample marker, which keeps it visible on any tint."""

DIVERGING_CMAP = "sknetviz_diverging"
"""str: the registered name of the map for signed quantities."""

SEQUENTIAL_CMAP = "viridis"
"""str: the map for unsigned quantities."""

IMAGE_CMAP = "gray_r"
"""str: the map of a one-channel input image: ink dark on white paper."""

# Both arms of the diverging map, from the darkest end to just short of white:
# ColorBrewer's RdBu blues and PuOr oranges, matched in CIELAB lightness (the
# darkest blue lightened to match the darkest orange).
_BLUE_ARM = ("#1a4a8a", "#2166ac", "#4393c3", "#92c5de", "#d1e5f0")
_ORANGE_ARM = ("#7f3b08", "#b35806", "#e08214", "#fdb863", "#fee0b6")

BINARY_TINT_CMAP = "sknetviz_binary_tint"
"""str: the registered name of the binary region map: blue tint, white, orange tint."""

FONT_SIZES = {"title": 11, "label": 10, "tick": 9, "legend": 9, "note": 8.5}
"""dict: font sizes in points."""

LINE_WIDTHS = {"boundary": 1.8, "curve": 1.8, "guide": 0.9, "edge": 0.8}
"""dict: line widths in points."""

MARKER_SIZES = {"sample": 30, "mistake": 34, "highlight": 95}
"""dict: scatter marker areas in points squared."""

PANEL_SIZE = (4.0, 3.8)
"""tuple: width and height in inches of one panel of a grid of small multiples."""

FIGURE_SIZE = (6.4, 4.8)
"""tuple: width and height in inches of a one-panel figure."""

DPI = 150
"""int: dots per inch of saved figures (the tour, the gallery, the docs)."""

ANIMATION_DPI = 100
"""int: dots per inch of an animation's frames (a GIF's size grows with it)."""

RC_PARAMS = {
    "axes.titlesize": FONT_SIZES["title"],
    "axes.labelsize": FONT_SIZES["label"],
    "axes.edgecolor": "#bdbdbd",
    "axes.labelcolor": INK,
    "axes.titlecolor": INK,
    "xtick.labelsize": FONT_SIZES["tick"],
    "ytick.labelsize": FONT_SIZES["tick"],
    "xtick.color": "#595959",
    "ytick.color": "#595959",
    "legend.fontsize": FONT_SIZES["legend"],
    "legend.framealpha": 0.85,
    "legend.edgecolor": "#d9d9d9",
    "figure.dpi": 100,
    "savefig.dpi": DPI,
    "lines.linewidth": LINE_WIDTHS["curve"],
}
"""dict: the matplotlib settings every display draws under."""


def styled(plot):
    """Decorate a display's ``plot`` to draw under :data:`RC_PARAMS`.

    The settings last for the call only; keywords the caller passes to the
    display still win over them.
    """

    @functools.wraps(plot)
    def wrapper(*args, **kwargs):
        import matplotlib as mpl

        register_colormaps()
        with mpl.rc_context(RC_PARAMS):
            return plot(*args, **kwargs)

    wrapper.styled = True
    return wrapper


def tint(color, strength=TINT):
    """A colour mixed with white: ``strength`` of the colour, the rest white.

    Parameters
    ----------
    color : matplotlib colour
    strength : float, default=TINT
        0 gives white, 1 the colour itself.

    Returns
    -------
    rgba : ndarray of shape (4,)

    Examples
    --------
    >>> from sknetviz.inspection._style import tint
    >>> tint("black", 0.25).round(2).tolist()
    [0.75, 0.75, 0.75, 1.0]
    """
    from matplotlib.colors import to_rgba

    rgba = np.array(to_rgba(color))
    rgba[:3] = 1.0 - strength * (1.0 - rgba[:3])
    return rgba


def class_colors(n_classes, colors=None):
    """RGBA colours, one per class, as scikit-learn chooses them by default.

    Parameters
    ----------
    n_classes : int
    colors : None, str or list, default=None
        None gives :data:`CLASS_COLORS` up to 10 classes and
        :data:`MANY_CLASSES_CMAP` beyond; a string names a colormap, sampled
        evenly; a list gives one colour per class.

    Returns
    -------
    colors : ndarray of shape (n_classes, 4)

    Examples
    --------
    >>> from sknetviz.inspection._style import class_colors
    >>> class_colors(2).shape
    (2, 4)
    """
    import matplotlib as mpl

    if colors is None:
        colors = (
            list(CLASS_COLORS[:n_classes]) if n_classes <= 10 else MANY_CLASSES_CMAP
        )
    if isinstance(colors, str):
        if colors not in mpl.colormaps:
            raise ValueError(
                "When 'multiclass_colors' is a string, it must be a valid "
                f"Matplotlib colormap. Got: {colors}"
            )
        cmap = mpl.colormaps[colors]
        if cmap.N < n_classes:
            raise ValueError(
                f"Colormap '{colors}' only has {cmap.N} colors, but "
                f"{n_classes} classes are to be displayed. Please specify a "
                "different colormap or provide a list of colors via "
                "'multiclass_colors'."
            )
        return cmap(np.linspace(0, 1, n_classes))
    if isinstance(colors, list):
        if len(colors) != n_classes:
            raise ValueError(
                "When 'multiclass_colors' is a list, it must be of the same "
                f"length as the classes or labels to plot ({n_classes}), got: "
                f"{len(colors)}."
            )
        if any(not mpl.colors.is_color_like(color) for color in colors):
            raise ValueError(
                "When 'multiclass_colors' is a list, it can only contain valid"
                f" Matplotlib color names. Got: {colors}"
            )
        return mpl.colors.to_rgba_array(colors)
    raise TypeError("'multiclass_colors' must be a list or a str.")


def register_colormaps():
    """Register :data:`DIVERGING_CMAP` and :data:`BINARY_TINT_CMAP` with
    matplotlib, once, so that users can name them too."""
    import matplotlib as mpl
    from matplotlib.colors import LinearSegmentedColormap

    if DIVERGING_CMAP not in mpl.colormaps:
        arms = [*_BLUE_ARM, "#ffffff", *reversed(_ORANGE_ARM)]
        mpl.colormaps.register(
            LinearSegmentedColormap.from_list(DIVERGING_CMAP, arms, N=257)
        )
    if BINARY_TINT_CMAP not in mpl.colormaps:
        mpl.colormaps.register(binary_tint_cmap(CLASS_COLORS[:2], BINARY_TINT_CMAP))


def binary_tint_cmap(colors, name="binary_tint", strength=TINT):
    """Region map of a two-class problem: tint of the first class at 0, white
    in the middle (the boundary), tint of the second at 1.

    Parameters
    ----------
    colors : sequence of two matplotlib colours
    name : str, default='binary_tint'
    strength : float, default=TINT
        How much of each class colour the ends show over white (1 for the
        colours themselves, as contour lines need).

    Returns
    -------
    cmap : matplotlib LinearSegmentedColormap
    """
    from matplotlib.colors import LinearSegmentedColormap

    return LinearSegmentedColormap.from_list(
        name,
        [tint(colors[0], strength), (1.0, 1.0, 1.0, 1.0), tint(colors[1], strength)],
        N=257,
    )


def sample_kwargs(**overrides):
    """Scatter keywords of a sample: the class colour is given by the caller."""
    return {
        "s": MARKER_SIZES["sample"],
        "edgecolors": EDGE_COLOR,
        "linewidths": LINE_WIDTHS["edge"],
        "zorder": 3,
        **overrides,
    }


def mistake_kwargs(**overrides):
    """Scatter keywords of the cross over a misclassified sample."""
    return {
        "marker": "x",
        "color": INK,
        "s": MARKER_SIZES["mistake"],
        "linewidths": 1.3,
        "zorder": 4,
        **overrides,
    }


def highlight_kwargs(**overrides):
    """Scatter keywords of the ring around a highlighted sample (a test set)."""
    return {
        "facecolors": "none",
        "edgecolors": INK,
        "s": MARKER_SIZES["highlight"],
        "linewidths": 1.0,
        "zorder": 2,
        **overrides,
    }


def boundary_kwargs(**overrides):
    """``contour`` keywords of a decision boundary line."""
    return {"colors": INK, "linewidths": LINE_WIDTHS["boundary"], **overrides}


def symmetric_limit(values):
    """The largest absolute finite value, for a diverging scale centred on 0
    (1.0 when every value is 0 or none is finite)."""
    values = np.asarray(values, dtype=float)
    finite = np.abs(values[np.isfinite(values)])
    limit = float(finite.max()) if finite.size else 0.0
    return limit if limit > 0 else 1.0
