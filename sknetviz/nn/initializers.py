"""Weight initializers, registered once by name.

Each is ``function(fan_in, fan_out, shape, rng, dtype)`` with ``rng`` a
:class:`numpy.random.Generator`. Biases are not drawn: they start at zero.
"""

import numpy as np


def xavier_uniform(fan_in, fan_out, shape, rng, dtype):
    """Glorot & Bengio (2010): U(-b, b) with b = sqrt(6 / (fan_in + fan_out))."""
    bound = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-bound, bound, shape).astype(dtype, copy=False)


def xavier_normal(fan_in, fan_out, shape, rng, dtype):
    """Glorot & Bengio (2010): N(0, s^2) with s = sqrt(2 / (fan_in + fan_out))."""
    std = np.sqrt(2.0 / (fan_in + fan_out))
    return rng.normal(0.0, std, shape).astype(dtype, copy=False)


def he_uniform(fan_in, fan_out, shape, rng, dtype):
    """He et al. (2015): U(-b, b) with b = sqrt(6 / fan_in)."""
    bound = np.sqrt(6.0 / fan_in)
    return rng.uniform(-bound, bound, shape).astype(dtype, copy=False)


def he_normal(fan_in, fan_out, shape, rng, dtype):
    """He et al. (2015): N(0, s^2) with s = sqrt(2 / fan_in)."""
    std = np.sqrt(2.0 / fan_in)
    return rng.normal(0.0, std, shape).astype(dtype, copy=False)


def small_normal(fan_in, fan_out, shape, rng, dtype):
    """N(0, 0.01^2) whatever the layer's size: the "small random numbers" of
    early practice. Each layer of a deep network then shrinks the signal and
    the gradient, the trouble Xavier and He initialisation cure; sknetviz
    keeps it to show that trouble."""
    return rng.normal(0.0, 0.01, shape).astype(dtype, copy=False)


def _orthonormal(n_rows, n_cols, rng):
    """A matrix with orthonormal columns (n_rows >= n_cols) or rows, uniformly
    distributed: the Q of a Gaussian matrix, each column's sign set by R's
    diagonal (without it, QR's sign convention biases the draw; Mezzadri 2007)."""
    gaussian = rng.standard_normal((max(n_rows, n_cols), min(n_rows, n_cols)))
    q, r = np.linalg.qr(gaussian)
    q *= np.sign(np.diag(r))
    return q if n_rows >= n_cols else q.T


def orthogonal(fan_in, fan_out, shape, rng, dtype):
    """Saxe et al. (2014): orthogonal blocks, for recurrent weights.

    A matrix whose columns are a multiple of its rows, such as a recurrent
    layer's (units, n_gates * units), is n_gates square orthogonal blocks
    side by side, one per gate: repeated products with each block neither
    grow nor shrink a state. Any other shape is semi-orthogonal (orthonormal
    columns, or rows if there are fewer rows). The fans are not used.
    """
    n_rows = shape[0]
    n_cols = int(np.prod(shape[1:]))
    if n_cols % n_rows == 0:
        blocks = [_orthonormal(n_rows, n_rows, rng) for _ in range(n_cols // n_rows)]
        matrix = np.hstack(blocks)
    else:
        matrix = _orthonormal(n_rows, n_cols, rng)
    return matrix.reshape(shape).astype(dtype, copy=False)


INITIALIZERS = {
    "xavier_uniform": xavier_uniform,
    "xavier_normal": xavier_normal,
    "he_uniform": he_uniform,
    "he_normal": he_normal,
    "small_normal": small_normal,
    "orthogonal": orthogonal,
}
"""dict: initializer name -> ``function(fan_in, fan_out, shape, rng, dtype)``."""


def default_initializer(activation):
    """Name the initializer that suits an activation.

    He initialisation keeps the variance of rectifier layers; Xavier suits
    the symmetric, saturating ones.

    Parameters
    ----------
    activation : str
        Name of the hidden activation.

    Returns
    -------
    name : str
        'he_uniform' for 'relu' and 'leaky_relu', 'xavier_uniform' otherwise.

    Examples
    --------
    >>> from sknetviz.nn.initializers import default_initializer
    >>> default_initializer("relu"), default_initializer("tanh")
    ('he_uniform', 'xavier_uniform')
    """
    return "he_uniform" if activation in ("relu", "leaky_relu") else "xavier_uniform"
