"""ActivationFunctionDisplay: the core's activations and derivatives, drawn."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import expit
from sklearn.datasets import make_moons
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknetviz import MLPVisualClassifier
from sknetviz.inspection import ActivationFunctionDisplay

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _expected(name, x):
    sigmoid = expit(x)
    return {
        "identity": (x, np.ones_like(x)),
        "logistic": (sigmoid, sigmoid * (1 - sigmoid)),
        "sigmoid": (sigmoid, sigmoid * (1 - sigmoid)),
        "tanh": (np.tanh(x), 1 - np.tanh(x) ** 2),
        "relu": (np.maximum(0, x), (x > 0).astype(float)),
        "leaky_relu": (np.where(x > 0, x, 0.01 * x), np.where(x > 0, 1.0, 0.01)),
        "softmax": (sigmoid, sigmoid * (1 - sigmoid)),
    }[name]


def test_default_values_and_derivatives_are_the_textbook_ones():
    display = ActivationFunctionDisplay.from_names()
    x = display.x
    assert_array_equal(x, np.linspace(-5, 5, 400))
    assert list(display.values) == ["logistic", "relu", "tanh"]
    for name in display.values:
        values, derivatives = _expected(name, x)
        assert_allclose(display.values[name], values, rtol=1e-12, atol=1e-15)
        assert_allclose(display.derivatives[name], derivatives, rtol=1e-12, atol=1e-15)
    assert_allclose(display.derivatives["logistic"].max(), 0.25, rtol=1e-4)


def test_every_registered_activation_including_softmax():
    names = ("identity", "sigmoid", "leaky_relu", "softmax")
    display = ActivationFunctionDisplay.from_names(names, x_range=(-3, 2), n_points=101)
    assert_allclose(display.x, np.linspace(-3, 2, 101))
    for name in names:
        values, derivatives = _expected(name, display.x)
        assert_allclose(display.values[name], values, rtol=1e-12, atol=1e-15)
        assert_allclose(display.derivatives[name], derivatives, rtol=1e-12, atol=1e-15)
    assert "[z, 0]" in display.axes_[3].get_title()


def test_artists_one_panel_per_function():
    display = ActivationFunctionDisplay.from_names(("logistic", "relu", "tanh"))
    assert len(display.axes_) == 3 and len(display.figure_.axes) == 3
    for name, ax in zip(display.values, display.axes_):
        function_line = display.function_lines_[name]
        derivative_line = display.derivative_lines_[name]
        assert function_line.axes is ax and derivative_line.axes is ax
        assert_array_equal(function_line.get_ydata(), display.values[name])
        assert_array_equal(derivative_line.get_ydata(), display.derivatives[name])
        assert function_line.get_linestyle() == "-"
        assert derivative_line.get_linestyle() == "--"
        assert ax.get_title().startswith(name + "\n$f(z) = ")
        assert ax.get_xlabel() == "z (pre-activation)"
        assert [t.get_text() for t in ax.get_legend().get_texts()] == ["f(z)", "f′(z)"]


def test_without_derivatives_and_with_spare_panels():
    names = ("identity", "logistic", "tanh", "relu")
    display = ActivationFunctionDisplay.from_names(names, derivatives=False)
    assert display.derivative_lines_ == {}
    assert set(display.derivatives) == set(names)
    # Three columns: a second row with one panel, the spare ones removed.
    assert len(display.axes_) == 4 and len(display.figure_.axes) == 4


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(names=("relu", "swish")), "Unknown activation 'swish'"),
        (dict(names=()), "at least one name"),
        (dict(names=("relu", "relu")), "must not repeat"),
        (dict(x_range=(2, -2)), "low < high; got \\(2, -2\\)"),
        (dict(n_points=1), "n_points must be an integer >= 2; got 1"),
    ],
)
def test_from_names_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ActivationFunctionDisplay.from_names(**kwargs)


def test_from_estimator_draws_hidden_and_output_activations(iris):
    X, y = iris
    clf = MLPVisualClassifier((8,), activation="tanh", max_iter=20, random_state=0)
    pipeline = make_pipeline(StandardScaler(), clf).fit(X, y)
    display = ActivationFunctionDisplay.from_estimator(pipeline)
    assert list(display.values) == ["tanh", "softmax"]
    assert display.roles == {"tanh": "hidden layers", "softmax": "output layer"}
    assert display.axes_[0].get_title().startswith("hidden layers: tanh")
    assert display.axes_[1].get_title().startswith("output layer: softmax")
    values, derivatives = _expected("tanh", display.x)
    assert_allclose(display.values["tanh"], values, rtol=1e-12)
    assert_allclose(display.derivatives["tanh"], derivatives, rtol=1e-12)


def test_from_estimator_sklearn_with_one_activation_for_both():
    X, y = make_moons(n_samples=100, noise=0.2, random_state=0)
    clf = MLPClassifier((5,), activation="logistic", max_iter=20, random_state=0)
    display = ActivationFunctionDisplay.from_estimator(clf.fit(X, y))
    assert list(display.values) == ["logistic"]
    assert len(display.axes_) == 1
    assert display.axes_[0].get_title().startswith("hidden and output layers")


def test_unfitted_and_unsupported_estimators(iris):
    X, y = iris
    with pytest.raises(NotFittedError, match="ActivationFunctionDisplay"):
        ActivationFunctionDisplay.from_estimator(MLPVisualClassifier())
    with pytest.raises(TypeError, match="got LogisticRegression"):
        ActivationFunctionDisplay.from_estimator(LogisticRegression().fit(X, y))


def test_draws_into_given_axes_or_new_figure(tmp_path):
    fig, axes = plt.subplots(2, 1)
    display = ActivationFunctionDisplay.from_names(("relu", "tanh"), axes=axes)
    assert display.figure_ is fig and list(display.axes_) == list(axes)
    with pytest.raises(ValueError, match="one Axes per function: got 2 for 3"):
        ActivationFunctionDisplay.from_names(axes=axes)
    fresh = ActivationFunctionDisplay.from_names()
    assert fresh.figure_ is not fig
    fresh.figure_.savefig(tmp_path / "activation_functions.png")
    assert (tmp_path / "activation_functions.png").stat().st_size > 10_000


def test_lines_take_the_style_colours_and_widths():
    from matplotlib.colors import to_rgba

    from sknetviz.inspection._activation_functions import (
        DERIVATIVE_COLOR,
        FUNCTION_COLOR,
    )
    from sknetviz.inspection._style import CLASS_COLORS, LINE_WIDTHS

    display = ActivationFunctionDisplay.from_names(("relu",))
    function_line = display.function_lines_["relu"]
    derivative_line = display.derivative_lines_["relu"]
    assert FUNCTION_COLOR in CLASS_COLORS and DERIVATIVE_COLOR in CLASS_COLORS
    assert to_rgba(function_line.get_color()) == to_rgba(FUNCTION_COLOR)
    assert to_rgba(derivative_line.get_color()) == to_rgba(DERIVATIVE_COLOR)
    assert function_line.get_linewidth() == LINE_WIDTHS["curve"]
    # The dashed derivative is drawn over the function, where the two meet.
    assert derivative_line.get_zorder() > function_line.get_zorder()
