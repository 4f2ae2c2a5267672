"""Activation functions and their derivatives, registered once by name.

Every formula for an activation lives here: the layers train with these
functions and the plots draw them, so what is shown is what is trained.

A derivative is written from the activation's *output* ``A`` (as in
scikit-learn), so the forward pass only needs to keep its output.
Each function takes an optional ``out`` array so the training loop can work
in place; without ``out`` the inputs are left untouched.
"""

import numpy as np
from scipy.special import expit

LEAKY_RELU_SLOPE = 0.01


def identity(Z, out=None):
    """Return ``Z`` unchanged: f(z) = z."""
    if out is None:
        return Z.copy()
    if out is not Z:
        np.copyto(out, Z)
    return out


def identity_derivative(A, delta, out=None):
    """Backpropagate through the identity: f'(z) = 1."""
    return identity(delta, out=out)


def logistic(Z, out=None):
    """Logistic sigmoid f(z) = 1 / (1 + exp(-z)), via ``scipy.special.expit``."""
    return expit(Z, out=out)


def logistic_derivative(A, delta, out=None):
    """Backpropagate through the sigmoid: f'(z) = f(z) (1 - f(z))."""
    out = np.multiply(delta, A, out=out)
    out *= 1 - A
    return out


def tanh(Z, out=None):
    """Hyperbolic tangent f(z) = tanh(z)."""
    return np.tanh(Z, out=out)


def tanh_derivative(A, delta, out=None):
    """Backpropagate through tanh: f'(z) = 1 - f(z)**2."""
    return np.multiply(delta, 1 - A * A, out=out)


def relu(Z, out=None):
    """Rectified linear unit f(z) = max(0, z)."""
    return np.maximum(Z, 0, out=out)


def relu_derivative(A, delta, out=None):
    """Backpropagate through ReLU: f'(z) = 1 where z > 0, else 0."""
    return np.multiply(delta, A > 0, out=out)


def leaky_relu(Z, out=None):
    """Leaky ReLU f(z) = z for z > 0, else 0.01 z."""
    negative = Z < 0
    out = identity(Z, out=out)
    np.multiply(out, LEAKY_RELU_SLOPE, out=out, where=negative)
    return out


def leaky_relu_derivative(A, delta, out=None):
    """Backpropagate through leaky ReLU: f'(z) = 1 where z > 0, else 0.01."""
    out = identity(delta, out=out)
    np.multiply(out, LEAKY_RELU_SLOPE, out=out, where=A <= 0)
    return out


def softmax(Z, out=None):
    """Row-wise softmax, with each row's maximum subtracted first for stability."""
    out = np.subtract(Z, Z.max(axis=1, keepdims=True), out=out)
    np.exp(out, out=out)
    out /= out.sum(axis=1, keepdims=True)
    return out


def softmax_derivative(A, delta, out=None):
    """Backpropagate through softmax: the Jacobian product A (delta - <delta, A>)."""
    row_dot = np.einsum("ij,ij->i", delta, A)[:, np.newaxis]
    out = np.subtract(delta, row_dot, out=out)
    out *= A
    return out


def exp(Z, out=None):
    """The exponential: a Poisson regressor's output, always positive."""
    return np.exp(Z, out=out)


def exp_derivative(A, delta, out=None):
    """Backpropagate through exp: f'(z) = exp(z) = A."""
    return np.multiply(delta, A, out=out)


ACTIVATIONS = {
    "identity": (identity, identity_derivative),
    "logistic": (logistic, logistic_derivative),
    "sigmoid": (logistic, logistic_derivative),
    "tanh": (tanh, tanh_derivative),
    "relu": (relu, relu_derivative),
    "leaky_relu": (leaky_relu, leaky_relu_derivative),
    "softmax": (softmax, softmax_derivative),
    "exp": (exp, exp_derivative),
}
"""dict: activation name -> ``(function, derivative)``.

``function(Z, out=None)`` returns f(Z); ``derivative(A, delta, out=None)``
returns the gradient with respect to Z given the output ``A = f(Z)`` and the
gradient ``delta`` with respect to ``A``. 'sigmoid' is another name for
'logistic'. 'softmax' and 'exp' serve as output activations.
"""


def get_activation(name):
    """Return ``(function, derivative)`` for an activation name.

    Parameters
    ----------
    name : str
        One of the keys of :data:`ACTIVATIONS`.

    Returns
    -------
    function, derivative : callable
        See :data:`ACTIVATIONS`.

    Examples
    --------
    >>> import numpy as np
    >>> from sknetviz.nn.activations import get_activation
    >>> relu, relu_derivative = get_activation("relu")
    >>> relu(np.array([-1.0, 0.5]))
    array([0. , 0.5])
    """
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise ValueError(
            f"Unknown activation {name!r}; expected one of {sorted(ACTIVATIONS)}."
        ) from None
