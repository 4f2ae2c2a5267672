"""The look of every display, compared with baseline images: a change of look
fails here until the baselines are regenerated on purpose.

Each public display of :mod:`sknetviz.inspection` has one builder below. It
draws the display from a tiny, seeded, float64 model on tiny data, in the
display's own default figure, rendered at a low dpi with matplotlib's default
style and its test font settings (the bundled DejaVu Sans, fixed hinting). The
image is compared with ``baseline/<Display>.png`` by the RMS difference of
matplotlib's ``compare_images``, with tolerance :data:`TOLERANCE`.

**Newest versions only.** Text and anti-aliasing differ between matplotlib
(and FreeType) versions, so the comparisons run only with the versions the
baselines were made with, recorded in ``baseline/VERSION.json``; under any
other version (the oldest-versions CI leg, ``make test-oldest``) they skip
and say why. ``make test`` runs them with the newest versions.

**When a test fails**, the image drawn, the baseline and their difference are
written to ``tests/inspection/result_images/`` (git-ignored); the message names
them. If the change of look is intended, regenerate every baseline with one
command, and commit the images with the change that made them::

    make baselines    # or: MPLBACKEND=Agg python tests/inspection/test_images.py

Regenerating is idempotent: with unchanged code and versions it rewrites the
same bytes. A new display in ``sknetviz.inspection.__all__`` fails
:func:`test_every_display_has_an_image_test` until it has a builder here.
"""

import contextlib
import functools
import json
import shutil
import warnings
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib import ft2font
from matplotlib.testing import set_font_settings_for_testing
from matplotlib.testing.compare import compare_images
from matplotlib.testing.exceptions import ImageComparisonFailure
from sklearn.datasets import load_digits, load_iris, make_moons
from sklearn.exceptions import ConvergenceWarning

from sknetviz import (
    MLPVisualClassifier,
    MLPVisualRegressor,
    SimpleCNNClassifier,
    inspection,
)

HERE = Path(__file__).resolve().parent
BASELINE_DIR = HERE / "baseline"
RESULT_DIR = HERE / "result_images"
VERSION_FILE = BASELINE_DIR / "VERSION.json"

IMAGE_DPI = 50
"""int: low enough to keep each baseline small, high enough that a marker, a
line or a tint change covers whole pixels."""

TOLERANCE = 0.5
"""float: the largest RMS difference (in grey levels of 0-255, as matplotlib's
``compare_images`` computes it) still taken as the same look.

With the baselines' versions the drawing is deterministic: redrawing gives
RMS 0, and so do one BLAS thread instead of two and data changed by a factor
of 1 + 1e-9 (the rounding a different CPU could bring into training), except
the loss landscape, whose largest learning rate flies off: RMS 0.15. 0.5
leaves room for the anti-aliasing differences between machines that
matplotlib's own image tests tolerate (mostly below 0.1), and stays below the
smallest deliberate changes measured on the displays restyled for issue 12:
the first class colour moved from #3f90da to the slightly darker #3584d0
gives RMS 0.7 to 2.2 on every display that draws classes; a text colour from
#262626 to #555555, 1.8 to 6; one stop of the diverging map lighter, 0.6 to 3;
markers a third larger, 2.5 to 3.7; a title one point larger, about 10."""


def rendering_versions():
    """The versions that decide how an image renders."""
    return {
        "matplotlib": matplotlib.__version__,
        "freetype": ft2font.__freetype_version__,
    }


@contextlib.contextmanager
def fixed_rendering():
    """matplotlib's default style (no user matplotlibrc) with its test font
    settings: the bundled DejaVu Sans and fixed hinting."""
    with matplotlib.rc_context():
        matplotlib.style.use("default")
        set_font_settings_for_testing()
        yield


# --- tiny, seeded, float64 models, each fitted once per process -----------------


@functools.cache
def moons():
    X, y = make_moons(n_samples=80, noise=0.25, random_state=0)
    return X.astype(np.float64), y


@functools.cache
def moons_classifier():
    X, y = moons()
    return fit_quietly(
        MLPVisualClassifier(
            (5, 3),
            activation="tanh",
            learning_rate_init=0.05,
            max_iter=60,
            random_state=0,
        ),
        X,
        y,
    )


@functools.cache
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:300] / 16.0, y[:300]


@functools.cache
def digits_cnn():
    X, y = digits()
    return fit_quietly(
        SimpleCNNClassifier(
            filters=(2, 3),
            hidden_layer_sizes=(8,),
            learning_rate_init=0.01,
            max_iter=3,
            dropout=0.0,
            random_state=0,
        ),
        X,
        y,
    )


def fit_quietly(estimator, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(X, y)


# --- one builder per public display: it draws and returns the figure ----------------


def activation_functions():
    display = inspection.ActivationFunctionDisplay.from_names(
        ("logistic", "relu", "tanh"), n_points=200
    )
    return display.figure_


def decision_boundary():
    X, y = moons()
    display = inspection.DecisionBoundaryDisplay.from_estimator(
        moons_classifier(), X, y=y, grid_resolution=40
    )
    return display.figure_


def boundary_comparison():
    X, y = moons()
    networks = [
        MLPVisualClassifier(
            sizes,
            activation="tanh",
            learning_rate_init=0.05,
            max_iter=40,
            random_state=0,
        )
        for sizes in [(), (8,)]
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        display = inspection.BoundaryComparisonDisplay.from_estimators(
            networks,
            X,
            y,
            names=["single neuron", "8 neurons"],
            test_size=0.3,
            random_state=0,
            grid_resolution=30,
        )
    return display.figure_


def boundary_evolution():
    X, y = moons()
    classifier = MLPVisualClassifier(
        (8, 8), activation="tanh", learning_rate_init=0.03, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        display = inspection.BoundaryEvolutionDisplay.from_estimator(
            classifier, X, y, epochs=(0, 5, 30), grid_resolution=30
        )
    return display.figure_


def feature_maps():
    X, _ = digits()
    display = inspection.FeatureMapDisplay.from_estimator(digits_cnn(), X[0])
    return display.figure_


def filters():
    display = inspection.FilterDisplay.from_estimator(digits_cnn())
    return display.figure_


def deep_networks():
    X, y = digits()
    deep = dict(hidden_layer_sizes=(8,) * 4, max_iter=6, random_state=0)
    return [
        fit_quietly(MLPVisualClassifier(activation="logistic", **deep), X, y),
        fit_quietly(
            MLPVisualClassifier(activation="relu", init="he_uniform", **deep), X, y
        ),
    ]


def gradient_flow():
    display = inspection.GradientFlowDisplay.from_estimator(deep_networks()[0])
    return display.figure_


def gradient_flow_panels():
    panels = inspection.GradientFlowDisplay.from_estimators(
        deep_networks(), names=["logistic", "ReLU, He init"]
    )
    return panels.figure_


def network_diagram():
    display = inspection.NetworkDiagramDisplay.from_estimator(moons_classifier())
    return display.figure_


def neuron_activations():
    X, y = moons()
    display = inspection.NeuronActivationDisplay.from_estimator(
        moons_classifier(), X, y=y, grid_resolution=20, max_units=3
    )
    return display.figure_


def neuron():
    X, y = load_iris(return_X_y=True)
    classifier = fit_quietly(
        MLPVisualClassifier(
            (5,), learning_rate_init=0.01, max_iter=100, random_state=0
        ),
        X,
        y,
    )
    display = inspection.NeuronDisplay.from_estimator(classifier, X[0], neuron=2)
    return display.figure_


def prediction_surface():
    X, y = moons()
    target = X[:, 0] ** 2 - X[:, 1]
    regressor = fit_quietly(
        MLPVisualRegressor(
            hidden_layer_sizes=(8,),
            learning_rate_init=0.05,
            max_iter=60,
            random_state=0,
        ),
        X,
        target,
    )
    display = inspection.PredictionSurfaceDisplay.from_estimator(
        regressor, X, y=target, grid_resolution=30
    )
    return display.figure_


def training_curve():
    X, y = moons()
    classifier = fit_quietly(
        MLPVisualClassifier(
            (16, 16),
            learning_rate_init=0.03,
            max_iter=30,
            early_stopping=True,
            validation_fraction=0.25,
            random_state=0,
        ),
        X,
        y,
    )
    display = inspection.TrainingCurveDisplay.from_estimator(classifier)
    return display.figure_


def loss_landscape():
    X, y = moons()
    classifier = MLPVisualClassifier((4,), activation="tanh", random_state=0)
    display = inspection.LossLandscapeDisplay.from_learning_rates(
        classifier,
        X,
        y,
        (0.003, 0.1, 3.0),
        max_epochs=8,
        grid_resolution=15,
        random_state=0,
    )
    return display.figure_


BUILDERS = {
    "ActivationFunctionDisplay": activation_functions,
    "BoundaryComparisonDisplay": boundary_comparison,
    "BoundaryEvolutionDisplay": boundary_evolution,
    "DecisionBoundaryDisplay": decision_boundary,
    "FeatureMapDisplay": feature_maps,
    "FilterDisplay": filters,
    "GradientFlowDisplay": gradient_flow,
    "GradientFlowPanels": gradient_flow_panels,
    "LossLandscapeDisplay": loss_landscape,
    "NetworkDiagramDisplay": network_diagram,
    "NeuronActivationDisplay": neuron_activations,
    "NeuronDisplay": neuron,
    "PredictionSurfaceDisplay": prediction_surface,
    "TrainingCurveDisplay": training_curve,
}
"""dict: for each public display, the function that draws it on tiny data and
returns its figure."""


def displays():
    """The public displays: every one must look like its baseline."""
    return sorted(inspection.__all__)


def draw(name, path):
    """Draw display ``name`` and save it as a PNG at ``path``, byte for byte
    the same on every run with the same code and versions."""
    with fixed_rendering():
        figure = BUILDERS[name]()
        try:
            # No software tag: identical drawings give identical files.
            figure.savefig(path, dpi=IMAGE_DPI, metadata={"Software": None})
        finally:
            plt.close(figure)


def regenerate_baselines():
    """Redraw the baseline of every public display, remove those of displays
    that are gone, and record the versions that rendered them."""
    BASELINE_DIR.mkdir(exist_ok=True)
    for stale in BASELINE_DIR.glob("*.png"):
        if stale.stem not in displays():
            stale.unlink()
    total = 0
    for name in displays():
        path = BASELINE_DIR / f"{name}.png"
        draw(name, path)
        total += path.stat().st_size
        print(f"{path.stat().st_size / 1024:5.1f} KB  {path.name}")
    VERSION_FILE.write_text(json.dumps(rendering_versions(), indent=2) + "\n")
    print(f"{total / 1024:5.1f} KB  in {BASELINE_DIR}, for {rendering_versions()}")


def skip_unless_baseline_versions():
    if not VERSION_FILE.exists():
        pytest.fail(f"{VERSION_FILE} is missing: run `make baselines`")
    recorded = json.loads(VERSION_FILE.read_text())
    if recorded != rendering_versions():
        pytest.skip(
            f"the baselines were rendered with {recorded} and this is "
            f"{rendering_versions()}; image comparisons run only with the "
            "baselines' versions (the newest-versions leg, `make test`)"
        )


def test_every_display_has_an_image_test():
    untested = sorted(set(displays()) - set(BUILDERS))
    assert not untested, (
        f"no image test for {untested}: add a builder to BUILDERS in "
        f"{Path(__file__).name}, then run `make baselines`"
    )


def test_every_baseline_belongs_to_a_display():
    images = {path.stem for path in BASELINE_DIR.glob("*.png")}
    assert images == set(displays()), (
        f"baselines missing or left over: {sorted(images ^ set(displays()))}; "
        "run `make baselines`"
    )


@pytest.mark.parametrize("name", displays())
def test_display_looks_like_its_baseline(name):
    if name not in BUILDERS:
        pytest.fail(f"no image test for {name}: add a builder to BUILDERS")
    skip_unless_baseline_versions()
    baseline = BASELINE_DIR / f"{name}.png"
    if not baseline.exists():
        pytest.fail(f"{name} has no baseline image: run `make baselines`")
    RESULT_DIR.mkdir(exist_ok=True)
    actual = RESULT_DIR / f"{name}.png"
    expected = RESULT_DIR / f"{name}-expected.png"
    shutil.copyfile(baseline, expected)
    draw(name, actual)
    try:
        failure = compare_images(expected, actual, tol=TOLERANCE, in_decorator=True)
    except ImageComparisonFailure as error:  # sizes differ: the layout changed
        failure = {"rms": f"not computed: {error}", "diff": "none (sizes differ)"}
    if failure is None:
        for path in (actual, expected, RESULT_DIR / f"{name}-failed-diff.png"):
            path.unlink(missing_ok=True)
        return
    rms = failure["rms"]
    rms = rms if isinstance(rms, str) else f"{rms:.2f}"
    pytest.fail(
        f"{name} no longer looks like its baseline (RMS {rms}, tolerance "
        f"{TOLERANCE}).\n  drawn:      {actual}\n  baseline:   {expected}\n"
        f"  difference: {failure['diff']}\nIf the new look is intended, run "
        "`make baselines` and commit the images with the change.",
        pytrace=False,
    )


if __name__ == "__main__":
    matplotlib.use("Agg")
    regenerate_baselines()
