"""Loss functions and their gradient at the output, registered once by name.

Each loss takes the output probabilities ``P`` (after the output activation)
and pairs with that activation as its canonical link, so the gradient with
respect to the output layer's pre-activation is ``(P - Y) * w / sum(w)``.
Probabilities are clipped to ``[eps, 1 - eps]`` of their dtype before the
logarithm, as scikit-learn clips them.
"""

import numpy as np
from scipy.special import xlogy


def _clip_probabilities(P):
    eps = np.finfo(P.dtype).eps
    return np.clip(P, eps, 1 - eps)


def _weighted_mean(per_sample, sample_weight):
    if sample_weight is None:
        return float(per_sample.mean())
    return float(np.dot(sample_weight, per_sample) / sample_weight.sum())


def log_loss(Y, P, sample_weight=None):
    """Softmax cross-entropy: the mean of ``-sum_k Y_k log P_k`` over samples.

    Parameters
    ----------
    Y : ndarray of shape (n_samples, n_classes)
        One-hot targets.
    P : ndarray of shape (n_samples, n_classes)
        Predicted probabilities, each row summing to one.
    sample_weight : ndarray of shape (n_samples,), default=None
        Weights of the samples in the mean.

    Returns
    -------
    loss : float
    """
    per_sample = -xlogy(Y, _clip_probabilities(P)).sum(axis=1)
    return _weighted_mean(per_sample, sample_weight)


def binary_log_loss(Y, P, sample_weight=None):
    """Logistic log-loss for binary and multilabel targets, summed over outputs.

    Parameters
    ----------
    Y : ndarray of shape (n_samples, n_outputs)
        Targets in {0, 1}.
    P : ndarray of shape (n_samples, n_outputs)
        Predicted probabilities of the positive class of each output.
    sample_weight : ndarray of shape (n_samples,), default=None
        Weights of the samples in the mean.

    Returns
    -------
    loss : float
    """
    P = _clip_probabilities(P)
    per_sample = -(xlogy(Y, P) + xlogy(1 - Y, 1 - P)).sum(axis=1)
    return _weighted_mean(per_sample, sample_weight)


def squared_error(Y, P, sample_weight=None):
    """Half the squared error, averaged over samples and then over outputs.

    scikit-learn's MLPRegressor's loss, value for value. Its gradient, as
    scikit-learn takes it, is that of the sum over outputs (the output delta
    is ``(P - Y) * w / sum(w)``); with one output the two agree.

    Parameters
    ----------
    Y : ndarray of shape (n_samples, n_outputs)
        Target values.
    P : ndarray of shape (n_samples, n_outputs)
        Predictions (the identity of the output layer).
    sample_weight : ndarray of shape (n_samples,), default=None
        Weights of the samples in the mean.

    Returns
    -------
    loss : float
    """
    return 0.5 * float(np.average((Y - P) ** 2, weights=sample_weight, axis=0).mean())


def poisson_deviance(Y, P, sample_weight=None):
    """Half the Poisson deviance, averaged over samples, summed over outputs.

    Parameters
    ----------
    Y : ndarray of shape (n_samples, n_outputs)
        Non-negative targets (counts, rates).
    P : ndarray of shape (n_samples, n_outputs)
        Predicted means, ``exp`` of the output layer.
    sample_weight : ndarray of shape (n_samples,), default=None
        Weights of the samples in the mean.

    Returns
    -------
    loss : float
    """
    per_entry = xlogy(Y, Y / P) - Y + P
    return float(np.average(per_entry, weights=sample_weight, axis=0).sum())


def canonical_output_delta(Y, P, sample_weight=None):
    """Gradient of the mean loss with respect to the output pre-activation.

    Each output activation with its canonical loss shares it: softmax with
    cross-entropy, the sigmoid with log-loss, the identity with the squared
    error and exp with the Poisson deviance: ``(P - Y) * w / sum(w)``.

    Parameters
    ----------
    Y : ndarray of shape (n_samples, n_outputs)
    P : ndarray of shape (n_samples, n_outputs)
    sample_weight : ndarray of shape (n_samples,), default=None

    Returns
    -------
    delta : ndarray of shape (n_samples, n_outputs)
    """
    delta = P - Y
    if sample_weight is None:
        delta *= 1.0 / P.shape[0]
    else:
        delta *= (sample_weight / sample_weight.sum()).astype(P.dtype)[:, np.newaxis]
    return delta


LOSSES = {
    "log_loss": (log_loss, canonical_output_delta),
    "binary_log_loss": (binary_log_loss, canonical_output_delta),
    "squared_error": (squared_error, canonical_output_delta),
    "poisson": (poisson_deviance, canonical_output_delta),
}
"""dict: loss name -> ``(loss, output_delta)``.

``loss(Y, P, sample_weight=None)`` returns a float; ``output_delta`` returns the
gradient of that loss with respect to the output layer's pre-activation.
"""

OUTPUT_LOSS = {
    "softmax": "log_loss",
    "logistic": "binary_log_loss",
    "identity": "squared_error",
    "exp": "poisson",
}
"""dict: output activation -> the loss it is the canonical link of."""
