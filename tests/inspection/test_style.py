"""The style module: a colour-blind-safe palette, pale tints, one diverging map.

The colour-vision check simulates the three common dichromacies with the
matrices of Machado, Oliveira and Fernandes (2009), "A Physiologically-based
Model for Simulation of Color Vision Deficiency", at full severity, and
measures colour differences as CIELAB Delta E (CIE76). A Delta E of about 2
is just noticeable; 10 and more reads as a different colour at a glance.
"""

import ast
import itertools
import re
from pathlib import Path

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from sknetviz import inspection  # noqa: E402
from sknetviz.inspection import _style  # noqa: E402

# Machado et al. (2009), severity 1.0; they act on linear RGB.
DICHROMACIES = {
    "protanopia": [
        [0.152286, 1.052583, -0.204868],
        [0.114503, 0.786281, 0.099216],
        [-0.003882, -0.048116, 1.051998],
    ],
    "deuteranopia": [
        [0.367322, 0.860646, -0.227968],
        [0.280085, 0.672501, 0.047413],
        [-0.011820, 0.042940, 0.968881],
    ],
    "tritanopia": [
        [1.255528, -0.076749, -0.178779],
        [-0.078411, 0.930809, 0.147602],
        [0.004733, 0.691367, 0.303900],
    ],
}
VISIONS = {"typical": np.eye(3), **{k: np.array(v) for k, v in DICHROMACIES.items()}}

SRGB_TO_XYZ = np.array(
    [
        [0.4124564, 0.3575761, 0.1804375],
        [0.2126729, 0.7151522, 0.0721750],
        [0.0193339, 0.1191920, 0.9503041],
    ]
)
WHITE_XYZ = SRGB_TO_XYZ.sum(axis=1)


def _linear(srgb):
    srgb = np.asarray(srgb, dtype=float)
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def lab_as_seen(colors, vision):
    """CIELAB of sRGB colours (n, 3) as seen with ``vision`` (a VISIONS key)."""
    linear = np.clip(_linear(colors) @ VISIONS[vision].T, 0.0, 1.0)
    xyz = linear @ SRGB_TO_XYZ.T / WHITE_XYZ
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.column_stack(
        [116 * f[:, 1] - 16, 500 * (f[:, 0] - f[:, 1]), 200 * (f[:, 1] - f[:, 2])]
    )


def min_difference(colors, vision):
    lab = lab_as_seen(colors, vision)
    return min(
        np.linalg.norm(lab[i] - lab[j])
        for i, j in itertools.combinations(range(len(lab)), 2)
    )


def test_machado_simulation_matches_known_confusions():
    """The simulation is right: red and green, told apart with typical vision,
    merge for a deuteranope, while blue and yellow stay apart."""
    red_green = np.array([[0.8, 0.2, 0.1], [0.3, 0.6, 0.1]])
    blue_yellow = np.array([[0.1, 0.3, 0.9], [0.9, 0.8, 0.1]])
    assert min_difference(red_green, "typical") > 50
    assert min_difference(red_green, "deuteranopia") < 20
    assert min_difference(blue_yellow, "deuteranopia") > 60


def class_rgb(n):
    return _style.class_colors(n)[:, :3]


@pytest.mark.parametrize("vision", VISIONS)
def test_binary_classes_stay_far_apart(vision):
    assert min_difference(class_rgb(2), vision) > 40


@pytest.mark.parametrize("vision", VISIONS)
@pytest.mark.parametrize("n_classes", [3, 4, 6, 10])
def test_multiclass_palette_stays_distinct(vision, n_classes):
    """Every pair of the first n_classes colours stays a different colour."""
    assert min_difference(class_rgb(n_classes), vision) > 10


@pytest.mark.parametrize("vision", VISIONS)
def test_point_stands_out_on_its_own_region(vision):
    """A saturated point differs from the pale tint of its own region. The
    tenth colour, a light cyan, comes within Delta E 9 of its tint for a
    protanope: there the point's white edge is what outlines it."""
    colors = class_rgb(10)
    for index, color in enumerate(colors):
        pale = _style.tint(color)[:3]
        least = 15 if index < 9 else 8
        assert min_difference(np.array([color, pale]), vision) > least


@pytest.mark.parametrize("vision", VISIONS)
def test_binary_regions_differ_for_every_vision(vision):
    tints = np.array([_style.tint(color)[:3] for color in class_rgb(2)])
    assert min_difference(tints, vision) > 15


def test_diverging_map_is_white_at_zero_and_balanced():
    """White at the centre; at equal distances from it, equally light arms
    (lightness survives every colour deficiency), darker further out."""
    _style.register_colormaps()
    cmap = matplotlib.colormaps[_style.DIVERGING_CMAP]
    np.testing.assert_allclose(cmap(0.5)[:3], 1.0, atol=0.01)
    offsets = np.linspace(0.05, 0.5, 10)
    below = lab_as_seen(cmap(0.5 - offsets)[:, :3], "typical")[:, 0]
    above = lab_as_seen(cmap(np.minimum(0.5 + offsets, 1.0))[:, :3], "typical")[:, 0]
    np.testing.assert_allclose(below, above, atol=9)
    assert np.all(np.diff(below) < 0) and np.all(np.diff(above) < 0)
    for vision in DICHROMACIES:
        ends = lab_as_seen(cmap([0.15, 0.85])[:, :3], vision)
        assert np.linalg.norm(ends[0] - ends[1]) > 25


def test_binary_tint_map_is_pale_and_white_at_the_boundary():
    _style.register_colormaps()
    cmap = matplotlib.colormaps[_style.BINARY_TINT_CMAP]
    np.testing.assert_allclose(cmap(0.5)[:3], 1.0, atol=0.01)
    np.testing.assert_allclose(
        cmap(0.0), _style.tint(_style.CLASS_COLORS[0]), atol=0.01
    )
    np.testing.assert_allclose(
        cmap(1.0), _style.tint(_style.CLASS_COLORS[1]), atol=0.01
    )


def test_tint_mixes_with_white():
    np.testing.assert_allclose(
        _style.tint("#3f90da", 1.0)[:3], [63 / 255, 144 / 255, 218 / 255]
    )
    np.testing.assert_allclose(_style.tint("#3f90da", 0.0), [1, 1, 1, 1])


@pytest.mark.parametrize(
    "colors, error, match",
    [
        ("not_a_cmap", ValueError, "valid Matplotlib colormap"),
        (["red"], ValueError, "same length"),
        (["red", "nope"], ValueError, "valid Matplotlib color names"),
        ({"a": 1}, TypeError, "list or a str"),
        ("tab10", None, None),
    ],
)
def test_class_colors_checks_the_users_colors(colors, error, match):
    if error is None:
        assert _style.class_colors(2, colors).shape == (2, 4)
        with pytest.raises(ValueError, match="only has 10 colors"):
            _style.class_colors(11, colors)
        return
    with pytest.raises(error, match=match):
        _style.class_colors(2, colors)


def test_many_classes_sample_a_rainbow():
    colors = _style.class_colors(12)
    assert len(np.unique(colors, axis=0)) == 12


def test_styled_draws_under_the_style_and_restores_the_settings():
    seen = {}

    @_style.styled
    def plot():
        seen["title"] = matplotlib.rcParams["axes.titlesize"]

    before = matplotlib.rcParams["axes.titlesize"]
    plot()
    assert seen["title"] == _style.FONT_SIZES["title"]
    assert matplotlib.rcParams["axes.titlesize"] == before


def test_symmetric_limit():
    assert _style.symmetric_limit([-3.0, 2.0, np.nan]) == 3.0
    assert _style.symmetric_limit([0.0, 0.0]) == 1.0


INSPECTION = Path(_style.__file__).parent
NAMED_MAPS = {"viridis", "RdBu", "RdBu_r", "coolwarm", "bwr", "seismic", "PuOr"}


def code_strings(source):
    """The string literals of a module's code, docstrings left out."""
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(
            node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef
        )
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


@pytest.mark.parametrize(
    "module",
    sorted(p.name for p in INSPECTION.glob("_*.py") if p.name != "_style.py"),
)
def test_displays_take_colours_and_sizes_from_the_style(module):
    """No display module's code names a colour by hex code or a colormap, or
    sets a dpi of its own: those live in _style.py, so that a change of look
    is one edit."""
    source = (INSPECTION / module).read_text(encoding="utf-8")
    strings = code_strings(source)
    assert not [text for text in strings if re.fullmatch(r"#[0-9a-fA-F]{6}", text)]
    assert not set(strings) & NAMED_MAPS
    assert not re.findall(r"\bdpi\s*=\s*\d", source)


@pytest.mark.parametrize("name", inspection.__all__)
def test_every_display_draws_under_the_style(name):
    display = getattr(inspection, name)
    assert getattr(display.plot, "__wrapped__", None) is not None
    assert display.plot.__qualname__.endswith(".plot")
    assert getattr(display.plot, "styled", False)
