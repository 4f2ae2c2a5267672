"""ActivationFunctionDisplay: activation functions and their derivatives, computed
with the core's own formulas."""

from numbers import Integral

import numpy as np

from ..nn.activations import ACTIVATIONS, LEAKY_RELU_SLOPE, get_activation
from ._adapters import network_view
from ._panels import panel_axes
from ._style import (
    CLASS_COLORS,
    FONT_SIZES,
    LINE_WIDTHS,
    MUTED,
    styled,
)

FUNCTION_COLOR = CLASS_COLORS[0]
"""The function's line: the palette's blue."""
DERIVATIVE_COLOR = CLASS_COLORS[2]
"""The derivative's dashed line: the palette's red, which stays apart from its
blue under the common colour deficiencies."""

# Titles only: the values drawn come from ACTIVATIONS.
FORMULAS = {
    "identity": r"$f(z) = z$",
    "logistic": r"$f(z) = 1\,/\,(1 + e^{-z})$",
    "sigmoid": r"$f(z) = 1\,/\,(1 + e^{-z})$",
    "tanh": r"$f(z) = \tanh(z)$",
    "relu": r"$f(z) = \max(0,\, z)$",
    "leaky_relu": rf"$f(z) = \max({LEAKY_RELU_SLOPE:g}\,z,\, z)$",
    "softmax": r"$f(z) = e^{z}\,/\,(e^{z} + e^{0})$ on logits $[z, 0]$",
}


def activation_curves(name, x):
    """An activation and its derivative at every point of ``x``.

    Parameters
    ----------
    name : str
        A key of :data:`sknetviz.nn.ACTIVATIONS`.
    x : ndarray of shape (n_points,)
        Pre-activations.

    Returns
    -------
    values, derivatives : ndarray of shape (n_points,)
        f(x) and f'(x). For 'softmax', which is row-wise, x is the first logit
        of the row ``[x, 0]``: the values are the first class's probability
        and the derivatives its partial derivative with respect to x.
    """
    function, derivative = get_activation(name)
    if name == "softmax":
        logits = np.column_stack([x, np.zeros_like(x)])
        probabilities = function(logits)
        upstream = np.zeros_like(logits)
        upstream[:, 0] = 1.0
        return probabilities[:, 0], derivative(probabilities, upstream)[:, 0]
    values = function(x)
    # Derivatives are written from the output: f'(z) = derivative(f(z), 1).
    return values, derivative(values, np.ones_like(x))


class ActivationFunctionDisplay:
    """Activation functions and their derivatives, one panel each.

    Values and derivatives are computed with :data:`sknetviz.nn.ACTIVATIONS`,
    the functions the networks train with, and each derivative from the
    function's output as backpropagation does: ``f'(z) = derivative(f(z), 1)``.
    The derivative shows how much of the error each layer passes back: at
    most 1/4 for the logistic, 1 for tanh at 0, and exactly 1 for a ReLU
    wherever it is active.

    'softmax' is row-wise, so it is drawn over the two-logit row ``[z, 0]``:
    the curve is the probability of the first class, ``e^z / (e^z + 1)``,
    which equals the logistic, and the dashed curve is its derivative with
    respect to ``z``.

    Create it with :meth:`from_names` or :meth:`from_estimator`.

    Parameters
    ----------
    x : ndarray of shape (n_points,)
        Pre-activations z.
    values : dict of str to ndarray of shape (n_points,)
        f(x) per activation name, in panel order.
    derivatives : dict of str to ndarray of shape (n_points,)
        f'(x) per activation name.
    roles : dict of str to str, default=None
        Where each activation is used ('hidden layers', 'output layer'),
        shown in the panel titles.

    Attributes
    ----------
    function_lines_ : dict of str to matplotlib Line2D
        The solid line of each function.
    derivative_lines_ : dict of str to matplotlib Line2D
        The dashed line of each derivative; empty when derivatives are not
        drawn.
    axes_ : ndarray of matplotlib Axes of shape (n_functions,)
        One panel per function, in the order of ``values``.
    figure_ : matplotlib Figure

    See Also
    --------
    GradientFlowDisplay : How these derivatives multiply across layers in
        training.
    sknetviz.nn.ACTIVATIONS : The formulas.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sknetviz.inspection import ActivationFunctionDisplay
    >>> display = ActivationFunctionDisplay.from_names(("logistic", "relu", "tanh"))
    >>> float(display.derivatives["logistic"].max().round(3))
    0.25
    >>> len(display.axes_), len(display.derivative_lines_)
    (3, 3)
    """

    def __init__(self, *, x, values, derivatives, roles=None):
        self.x = x
        self.values = values
        self.derivatives = derivatives
        self.roles = roles

    @styled
    def plot(self, axes=None, *, derivatives=True, ncols=None):
        """Draw one panel per function: the function solid, its derivative dashed.

        Parameters
        ----------
        axes : array-like of matplotlib Axes, default=None
            One per function; a new figure when None.
        derivatives : bool, default=True
            Whether to draw the derivatives.
        ncols : int, default=None
            Panels per row of a new figure; when None, all of them up to 3,
            2 for 4 functions and 3 for more (rows that stay legible in a page).

        Returns
        -------
        display : ActivationFunctionDisplay
        """

        names = list(self.values)
        if axes is not None and np.asarray(axes, dtype=object).size != len(names):
            raise ValueError(
                f"axes needs one Axes per function: got "
                f"{np.asarray(axes, dtype=object).size} for {len(names)} functions "
                f"({names})."
            )
        figure, axes = panel_axes(len(names), axes, ncols, "ActivationFunctionDisplay")
        self.function_lines_, self.derivative_lines_ = {}, {}
        for name, ax in zip(names, axes):
            self.function_lines_[name] = ax.plot(
                self.x,
                self.values[name],
                color=FUNCTION_COLOR,
                linewidth=LINE_WIDTHS["curve"],
                label="f(z)",
            )[0]
            if derivatives:
                # Drawn over the function, dashed: where the two meet (a
                # ReLU's f and f' at z = 1) both stay visible.
                self.derivative_lines_[name] = ax.plot(
                    self.x,
                    self.derivatives[name],
                    color=DERIVATIVE_COLOR,
                    linestyle="--",
                    linewidth=LINE_WIDTHS["curve"],
                    label="f′(z)",
                    zorder=3,
                )[0]
            ax.axhline(0, color=MUTED, linewidth=LINE_WIDTHS["guide"], zorder=0)
            ax.axvline(0, color=MUTED, linewidth=LINE_WIDTHS["guide"], zorder=0)
            ax.set_xlabel("z (pre-activation)")
            ax.set_title(self._title(name), fontsize=FONT_SIZES["title"])
            ax.grid(alpha=0.3)
            ax.legend(loc="upper left")
        axes[0].set_ylabel("f(z), f′(z)")
        self.axes_ = axes
        self.figure_ = figure
        return self

    def _title(self, name):
        role = (self.roles or {}).get(name)
        heading = name if role is None else f"{role}: {name}"
        formula = FORMULAS.get(name)
        return heading if formula is None else f"{heading}\n{formula}"

    @classmethod
    def from_names(
        cls,
        names=("logistic", "relu", "tanh"),
        *,
        x_range=(-5, 5),
        n_points=400,
        derivatives=True,
        axes=None,
    ):
        """Plot activation functions by name.

        Parameters
        ----------
        names : sequence of str, default=('logistic', 'relu', 'tanh')
            Keys of :data:`sknetviz.nn.ACTIVATIONS`: 'identity', 'logistic'
            (or 'sigmoid'), 'tanh', 'relu', 'leaky_relu', 'softmax'.
        x_range : tuple of float, default=(-5, 5)
            Interval of pre-activations drawn.
        n_points : int, default=400
            Number of points on it.
        derivatives : bool, default=True
            Whether to draw the derivatives (they are computed either way).
        axes : array-like of matplotlib Axes, default=None
            One per name; a new figure when None.

        Returns
        -------
        display : ActivationFunctionDisplay
        """
        return cls._from_roles(
            {name: None for name in _check_names(names)},
            x_range=x_range,
            n_points=n_points,
            derivatives=derivatives,
            axes=axes,
        )

    @classmethod
    def from_estimator(
        cls, estimator, *, x_range=(-5, 5), n_points=400, derivatives=True, axes=None
    ):
        """Plot the hidden and output activations of a fitted network.

        Parameters
        ----------
        estimator : estimator
            A fitted sknetviz network estimator (MLPVisualClassifier,
            MLPVisualRegressor, NeuralNetClassifier...), MLPClassifier,
            MLPRegressor, or a Pipeline ending in one. Hidden layers with
            different activations each get their panel.
        x_range : tuple of float, default=(-5, 5)
            Interval of pre-activations drawn.
        n_points : int, default=400
            Number of points on it.
        derivatives : bool, default=True
            Whether to draw the derivatives.
        axes : array-like of matplotlib Axes, default=None
            One per panel: one per distinct activation of the network (two,
            or one when the hidden and output activations are the same); a
            new figure when None.

        Returns
        -------
        display : ActivationFunctionDisplay
        """
        view = network_view(estimator, "ActivationFunctionDisplay")
        roles = _roles(view)
        return cls._from_roles(
            roles,
            x_range=x_range,
            n_points=n_points,
            derivatives=derivatives,
            axes=axes,
        )

    @classmethod
    def _from_roles(cls, roles, *, x_range, n_points, derivatives, axes):
        low, high = _check_range(x_range, n_points)
        x = np.linspace(low, high, n_points)
        values, slopes = {}, {}
        for name in roles:
            values[name], slopes[name] = activation_curves(name, x)
        display = cls(
            x=x,
            values=values,
            derivatives=slopes,
            roles=roles if any(roles.values()) else None,
        )
        return display.plot(axes=axes, derivatives=derivatives)


def _roles(view):
    """Each activation of a network -> the layers that use it: 'hidden
    layers', 'hidden layers 1, 3', 'output layer', 'hidden and output layers'."""
    hidden_layers = view.weight_layers[:-1]
    numbers = {}
    for number, layer in enumerate(hidden_layers, start=1):
        numbers.setdefault(layer.activation, []).append(number)
    if not numbers and view.activation is not None:
        # No hidden layer: the estimator's hidden activation, as it is set.
        numbers[view.activation] = []
    roles = {}
    for name, used_by in numbers.items():
        if len(used_by) == len(hidden_layers):
            roles[name] = "hidden layers"
        else:
            label = "hidden layer" if len(used_by) == 1 else "hidden layers"
            roles[name] = f"{label} {', '.join(map(str, used_by))}"
    out = view.out_activation
    if roles.get(out) == "hidden layers":
        roles[out] = "hidden and output layers"
    elif out in roles:
        roles[out] += " and output layer"
    else:
        roles[out] = "output layer"
    return roles


def _check_names(names):
    names = [names] if isinstance(names, str) else list(names)
    if not names:
        raise ValueError("ActivationFunctionDisplay needs at least one name.")
    unknown = [name for name in names if name not in ACTIVATIONS]
    if unknown:
        raise ValueError(
            f"Unknown activation {unknown[0]!r}; expected names from "
            f"{sorted(ACTIVATIONS)}."
        )
    if len(set(names)) != len(names):
        raise ValueError(f"names must not repeat; got {names}.")
    return names


def _check_range(x_range, n_points):
    low, high = (float(bound) for bound in x_range)
    if not low < high:
        raise ValueError(f"x_range must be (low, high) with low < high; got {x_range}.")
    if not isinstance(n_points, Integral) or n_points < 2:
        raise ValueError(f"n_points must be an integer >= 2; got {n_points}.")
    return low, high
