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


def canonical_output_delta(Y, P, sample_weight=None):
    """Gradient of the mean loss with respect to the output pre-activation.

    Softmax with cross-entropy and the sigmoid with log-loss share it:
    ``(P - Y) * w / sum(w)``.

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
}
"""dict: loss name -> ``(loss, output_delta)``.

``loss(Y, P, sample_weight=None)`` returns a float; ``output_delta`` returns the
gradient of that loss with respect to the output layer's pre-activation.
"""

OUTPUT_LOSS = {"softmax": "log_loss", "logistic": "binary_log_loss"}
"""dict: output activation -> the loss it is the canonical link of."""
