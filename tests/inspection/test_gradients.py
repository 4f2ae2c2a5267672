"""GradientFlowDisplay: recorded gradient norms, and vanishing gradients seen."""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknetviz import MLPVisualClassifier
from sknetviz.inspection import GradientFlowDisplay, GradientFlowPanels
from sknetviz.inspection._style import LINE_WIDTHS, SEQUENTIAL_CMAP

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

DEEP = dict(hidden_layer_sizes=(16,) * 6, max_iter=5, random_state=0)


@pytest.fixture(scope="module")
def deep_nets(digits):
    """Six hidden layers of 16 on standardised digits: logistic (Xavier) and
    ReLU (He)."""
    X, y = digits
    X = StandardScaler().fit_transform(X)
    logistic = MLPVisualClassifier(activation="logistic", **DEEP).fit(X, y)
    relu = MLPVisualClassifier(activation="relu", init="he_uniform", **DEEP).fit(X, y)
    return logistic, relu


def _recorded(estimator):
    return np.array([record["grad_norms"] for record in estimator.history_])


def test_grad_norms_are_the_history(deep_nets):
    logistic, _ = deep_nets
    display = GradientFlowDisplay.from_estimator(logistic, title="logistic")
    assert display.grad_norms.shape == (5, 7)
    assert_array_equal(display.grad_norms, _recorded(logistic))
    assert_array_equal(display.epochs, [1, 2, 3, 4, 5])
    assert len(display.lines_) == 7
    for index, line in enumerate(display.lines_):
        assert_array_equal(line.get_xdata(), display.epochs)
        assert_array_equal(line.get_ydata(), display.grad_norms[:, index])
    colors = matplotlib.colormaps[SEQUENTIAL_CMAP](np.linspace(0, 0.9, 7))
    assert_allclose([line.get_color() for line in display.lines_], colors)
    assert {line.get_linewidth() for line in display.lines_} == {LINE_WIDTHS["curve"]}
    assert display.layer_names[0] == "layer 1 (input side): 64→16"
    assert display.layer_names[3] == "layer 4: 16→16"
    assert display.layer_names[-1] == "layer 7 (output side): 16→10"
    assert [t.get_text() for t in display.legend_.get_texts()] == display.layer_names
    assert display.ax_.get_yscale() == "log"
    assert display.ax_.get_title() == "logistic"
    assert display.ax_.get_xlabel() == "epoch"


def test_vanishing_gradients_in_a_deep_logistic_network(deep_nets):
    # Measured at random_state=0: the first/last ratio of mean gradient norms
    # is about 1e-3 for the logistic network and about 1.9 for the ReLU one
    # (0.9 to 5 over other seeds and widths).
    logistic, relu = deep_nets
    ratios = {}
    for name, net in (("logistic", logistic), ("relu", relu)):
        mean_norms = GradientFlowDisplay.from_estimator(net).grad_norms.mean(axis=0)
        ratios[name] = mean_norms[0] / mean_norms[-1]
    assert ratios["logistic"] < 1e-2
    assert 0.2 < ratios["relu"] < 10


def test_pipeline_and_lbfgs(iris):
    X, y = iris
    pipeline = make_pipeline(
        StandardScaler(),
        MLPVisualClassifier((6, 5), solver="lbfgs", max_iter=15, random_state=0),
    ).fit(X, y)
    display = GradientFlowDisplay.from_estimator(pipeline, log_scale=False)
    assert_array_equal(display.grad_norms, _recorded(pipeline[-1]))
    assert display.layer_names == [
        "layer 1 (input side): 4→6",
        "layer 2: 6→5",
        "layer 3 (output side): 5→3",
    ]
    assert display.ax_.get_yscale() == "linear"


def test_sklearn_mlp_records_no_gradients(iris):
    X, y = iris
    sklearn_mlp = MLPClassifier((8,), max_iter=10, random_state=0).fit(X, y)
    message = "needs the per-epoch 'grad_norms' of sknetviz's history_.*MLPClassifier"
    for estimator in (sklearn_mlp, make_pipeline(StandardScaler(), sklearn_mlp)):
        with pytest.raises(ValueError, match=message):
            GradientFlowDisplay.from_estimator(estimator.fit(X, y))
    with pytest.raises(ValueError, match=message):
        GradientFlowDisplay.from_estimators([sklearn_mlp])


def test_unfitted_and_unsupported_estimators(iris):
    X, y = iris
    with pytest.raises(NotFittedError, match="GradientFlowDisplay"):
        GradientFlowDisplay.from_estimator(MLPVisualClassifier())
    with pytest.raises(TypeError, match="got LogisticRegression"):
        GradientFlowDisplay.from_estimator(LogisticRegression().fit(X, y))


def test_from_estimators_puts_fits_side_by_side(deep_nets):
    logistic, relu = deep_nets
    panels = GradientFlowDisplay.from_estimators(
        [logistic, relu], names=["logistic", "ReLU, He init"]
    )
    assert isinstance(panels, GradientFlowPanels)
    assert len(panels.panels_) == 2 and panels.axes_.shape == (2,)
    for display, net, ax in zip(panels.panels_, deep_nets, panels.axes_):
        assert display.ax_ is ax and display.figure_ is panels.figure_
        assert_array_equal(display.grad_norms, _recorded(net))
        assert len(display.lines_) == 7
    assert [ax.get_title() for ax in panels.axes_] == ["logistic", "ReLU, He init"]
    assert panels.axes_[0].get_ylim() == panels.axes_[1].get_ylim()
    # The layers are the same: one legend, in the last panel.
    assert panels.panels_[0].legend_ is None
    assert panels.panels_[1].legend_ is not None
    default = GradientFlowDisplay.from_estimators([logistic, relu])
    titles = [ax.get_title() for ax in default.axes_]
    assert titles == ["logistic hidden layers", "relu hidden layers"]


def test_from_estimators_given_axes_and_errors(deep_nets):
    logistic, relu = deep_nets
    fig, axes = plt.subplots(2, 1)
    panels = GradientFlowDisplay.from_estimators(
        [logistic, relu], axes=axes, sharey=False
    )
    assert panels.figure_ is fig and list(panels.axes_) == list(axes)
    with pytest.raises(ValueError, match="one Axes per estimator: got 2 for 1"):
        GradientFlowDisplay.from_estimators([logistic], axes=axes)
    with pytest.raises(ValueError, match="got 1 names for 2 estimators"):
        GradientFlowDisplay.from_estimators([logistic, relu], names=["one"])
    with pytest.raises(ValueError, match="needs estimators"):
        GradientFlowDisplay.from_estimators([])


def test_from_history():
    history = [{"epoch": 3, "grad_norms": [1e-3, 0.1]}, {"grad_norms": [2e-3, 0.2]}]
    display = GradientFlowDisplay.from_history(history)
    assert_array_equal(display.epochs, [3, 2])
    assert display.layer_names == ["layer 1 (input side)", "layer 2 (output side)"]
    single = GradientFlowDisplay.from_history([{"grad_norms": [0.5]}])
    assert single.layer_names == ["layer 1"]


@pytest.mark.parametrize(
    "history, kwargs, message",
    [
        ([], {}, "empty history"),
        ([{"loss": 1.0}], {}, "record 0 has keys \\['loss'\\]"),
        (
            [{"grad_norms": [1.0, 2.0]}, {"grad_norms": [1.0]}],
            {},
            "lengths \\[1, 2\\]",
        ),
        ([{"grad_norms": [1.0, 2.0]}], {"layer_names": ["a"]}, "\\(2\\); got 1"),
    ],
)
def test_from_history_errors(history, kwargs, message):
    with pytest.raises(ValueError, match=message):
        GradientFlowDisplay.from_history(history, **kwargs)


def test_draws_into_given_ax_or_new_figure(deep_nets, tmp_path):
    logistic, relu = deep_nets
    fig, ax = plt.subplots()
    display = GradientFlowDisplay.from_estimator(logistic, ax=ax)
    assert display.ax_ is ax and display.figure_ is fig
    fresh = GradientFlowDisplay.from_estimator(logistic)
    assert fresh.figure_ is not fig
    panels = GradientFlowDisplay.from_estimators([logistic, relu])
    panels.figure_.savefig(tmp_path / "gradient_flow.png")
    assert (tmp_path / "gradient_flow.png").stat().st_size > 10_000


def test_panels_in_rows_label_each_row_once(deep_nets):
    panels = GradientFlowDisplay.from_estimators(
        [*deep_nets, *deep_nets], names=["a", "b", "c", "d"], ncols=2
    )
    assert len(panels.figure_.axes) == 4
    grid = [ax.get_subplotspec() for ax in panels.axes_]
    assert [(spec.rowspan.start, spec.colspan.start) for spec in grid] == [
        (0, 0),
        (0, 1),
        (1, 0),
        (1, 1),
    ]
    labels = [ax.get_ylabel() for ax in panels.axes_]
    assert labels[1] == labels[3] == "" and labels[0] == labels[2] != ""
    limits = {ax.get_ylim() for ax in panels.axes_}
    assert len(limits) == 1
