"""Batch normalisation of features or channels: the BatchNorm layer."""

import numpy as np

from .layers import Layer


class BatchNorm(Layer):
    """Batch normalisation over every axis but the last (features or channels).

    In training, each feature (each channel of NHWC images, whose statistics
    run over the samples, rows and columns) is standardised with the batch's
    mean and biased variance, then scaled by ``gamma`` and shifted by
    ``beta``: ``gamma * (x - mean) / sqrt(var + epsilon) + beta``. The
    running statistics follow PyTorch's ``BatchNorm1d`` and ``BatchNorm2d``:
    ``running = (1 - momentum) * running + momentum * batch_statistic``, the
    variance there being the unbiased one. Inference normalises with the
    running statistics and changes nothing.

    Parameters
    ----------
    momentum : float, default=0.1
        Weight of each batch's statistics in the running ones, in [0, 1].
    epsilon : float, default=1e-5
        Added to the variance before its square root, > 0.

    Attributes
    ----------
    gamma : ndarray of shape (n_channels,)
        Learned scale, starts at one (role 'scale').
    beta : ndarray of shape (n_channels,)
        Learned shift, starts at zero (role 'shift').
    running_mean : ndarray of shape (n_channels,)
        Running mean used at inference, starts at zero. Updated in place.
    running_var : ndarray of shape (n_channels,)
        Running unbiased variance used at inference, starts at one. Updated
        in place.
    sample_weight : ndarray of shape (n_samples,) or None
        Weights of the next training batch's samples, set by ``Sequential``
        before a training forward pass and consumed by it (None: all 1).
        Weights count as frequencies: a sample weighted k moves the
        statistics, the running ones included, as k copies of it would, and
        a sample weighted 0 is normalised without moving them. An image's
        weight counts for each of its pixels. Where the batch's weights
        (times its pixels) sum to W <= 2, as small fractional weights may,
        the unbiased correction ``W / (W - 1)`` of the running variance is
        held at 2, its value for two samples, instead of blowing up.
    propagate_delta : bool
        Whether ``backward`` computes the gradient with respect to the input.

    Notes
    -----
    A training batch with fewer than two positions of positive weight per
    channel (a single row of features, as ``partial_fit`` on one sample
    gives) has no variance to normalise by. PyTorch raises there; this layer
    normalises such a batch with the running statistics, as inference does,
    leaves them unchanged and still trains ``gamma`` and ``beta``, its input
    gradient being that of the fixed affine map,
    ``delta * gamma / sqrt(running_var + epsilon)``.

    Examples
    --------
    >>> import numpy as np
    >>> from sknetviz.nn.normalization import BatchNorm
    >>> layer = BatchNorm(momentum=0.5)
    >>> layer
    BatchNorm(momentum=0.5)
    >>> layer.initialize((2,), np.random.default_rng(0), np.float64)
    (2,)
    >>> X = np.array([[1.0, 10.0], [3.0, 30.0]])
    >>> layer.forward(X, training=True).round(3)
    array([[-1., -1.],
           [ 1.,  1.]])
    >>> layer.running_mean, layer.running_var
    (array([ 1., 10.]), array([  1.5, 100.5]))

    Images are normalised per channel:

    >>> layer = BatchNorm()
    >>> layer.initialize((4, 4, 3), np.random.default_rng(0), np.float32)
    (4, 4, 3)
    >>> layer.forward(np.ones((2, 4, 4, 3), dtype=np.float32)).dtype
    dtype('float32')
    """

    # The centred input, the reciprocal standard deviation, the row weights
    # (None without sample weights) and their sum (None when the batch could
    # not be normalised: the centre and deviation are then the running ones).
    _cache_names = ("_centred",)

    param_names = ("gamma", "beta")
    param_roles = ("scale", "shift")
    state_names = ("running_mean", "running_var")
    returns_new_array = True
    uses_sample_weight = True

    def __init__(self, momentum=0.1, epsilon=1e-5):
        if not 0 <= momentum <= 1:
            raise ValueError(f"BatchNorm momentum must be in [0, 1], got {momentum!r}.")
        if not epsilon > 0:
            raise ValueError(f"BatchNorm epsilon must be > 0, got {epsilon!r}.")
        self.momentum = momentum
        self.epsilon = epsilon
        self.propagate_delta = True
        self.sample_weight = None

    def initialize(self, input_shape, rng, dtype):
        if len(input_shape) < 1:
            raise ValueError(
                "BatchNorm needs samples with at least one axis (features or "
                f"channels last), got samples of shape {tuple(input_shape)}."
            )
        n_channels = input_shape[-1]
        self.gamma = np.ones(n_channels, dtype=dtype)
        self.beta = np.zeros(n_channels, dtype=dtype)
        self.running_mean = np.zeros(n_channels, dtype=dtype)
        self.running_var = np.ones(n_channels, dtype=dtype)
        self.grads = [np.zeros_like(self.gamma), np.zeros_like(self.beta)]
        return tuple(input_shape)

    def forward(self, X, training=False):
        weights, self.sample_weight = self.sample_weight, None
        rows = X.reshape(-1, X.shape[-1])  # a view of C-ordered input
        if not training:
            inv_std = 1 / np.sqrt(self.running_var + self.epsilon)
            scale = self.gamma * inv_std
            out = rows * scale
            out += self.beta - self.running_mean * scale
            return out.reshape(X.shape)
        row_weights = _row_weights(weights, X, rows.dtype)
        if row_weights is None:
            enough = rows.shape[0] >= 2
        else:
            enough = np.count_nonzero(row_weights > 0) >= 2
        centred = self._work_array("centred", rows.shape, rows.dtype, True)
        out = self._work_array("out", rows.shape, rows.dtype, True)
        if enough:
            inv_std, total = self._centre(rows, row_weights, centred, out)
        else:
            inv_std, total = 1 / np.sqrt(self.running_var + self.epsilon), None
            np.subtract(rows, self.running_mean, out=centred)
        self._centred = (centred, inv_std, row_weights, total)
        np.multiply(centred, self.gamma * inv_std, out=out)
        out += self.beta
        return out.reshape(X.shape)

    def _centre(self, rows, row_weights, centred, scratch):
        """Write ``rows`` minus the batch mean to ``centred`` and update the
        running statistics; return the batch's reciprocal standard deviation
        and its total weight (the row count without weights)."""
        if row_weights is None:
            row_weights = np.ones(rows.shape[0], dtype=rows.dtype)
            total = rows.shape[0]
        else:
            total = float(row_weights.sum())
        mean = row_weights @ rows
        mean /= total
        np.subtract(rows, mean, out=centred)
        np.square(centred, out=scratch)
        var = row_weights @ scratch
        var /= total
        # Frequency weights: W samples' worth of weight, W / (W - 1) as for
        # W rows, held at 2 where fractional weights would blow it up.
        correction = total / (total - 1) if total > 2 else 2.0
        self.running_mean *= 1 - self.momentum
        self.running_mean += self.momentum * mean
        self.running_var *= 1 - self.momentum
        self.running_var += (self.momentum * correction) * var
        var += self.epsilon
        return 1 / np.sqrt(var), total

    def backward(self, delta):
        centred, inv_std, row_weights, total = self._pop_cache("_centred")
        shape = delta.shape
        delta = delta.reshape(centred.shape)
        product = self._work_array("product", centred.shape, delta.dtype, True)
        np.multiply(delta, centred, out=product)
        ones = np.ones(delta.shape[0], dtype=delta.dtype)
        grad_gamma, grad_beta = self.grads
        np.matmul(ones, product, out=grad_gamma)
        grad_gamma *= inv_std
        np.matmul(ones, delta, out=grad_beta)
        if not self.propagate_delta:
            return None
        if total is not None:
            # The statistics' share, w / W * (dbeta + normalised * dgamma),
            # written over the centred input, which is no longer needed.
            centred *= grad_gamma * (inv_std / total)
            centred += grad_beta / total
            if row_weights is not None:
                centred *= row_weights[:, None]
            delta -= centred
        delta *= self.gamma * inv_std
        return delta.reshape(shape)


def _row_weights(weights, X, dtype):
    """A weight per row of ``X`` as rows: its sample's, once per pixel of an image."""
    if weights is None:
        return None
    weights = np.asarray(weights, dtype=dtype)
    if weights.shape != X.shape[:1]:
        raise ValueError(
            "BatchNorm.sample_weight needs one weight per sample of the batch, "
            f"shape ({X.shape[0]},), got shape {weights.shape}."
        )
    positions = int(np.prod(X.shape[1:-1]))
    return weights if positions == 1 else np.repeat(weights, positions)
