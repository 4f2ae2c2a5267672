"""One way to read a fitted network: sknetviz's, scikit-learn's MLPClassifier, or a
Pipeline ending in either.

Displays go through :func:`network_view` and never through an estimator's
private state. The hidden activations are computed with the core's own
activation functions, so what is drawn is what is trained.
"""

import numpy as np
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from ..nn import get_activation

SUPPORTED = "an MLPVisualClassifier, an MLPClassifier, or a Pipeline ending in one"


def final_estimator(estimator):
    """The last step of a Pipeline (recursively), or the estimator itself."""
    while isinstance(estimator, Pipeline):
        estimator = estimator.steps[-1][1]
    return estimator


def check_fitted(estimator, what):
    """Raise scikit-learn's NotFittedError, naming the display, if unfitted."""
    check_is_fitted(
        estimator,
        msg=(
            f"{what} needs a fitted estimator: this %(name)s instance is not "
            "fitted yet. Call 'fit' with appropriate arguments first."
        ),
    )


def _is_dense_network(estimator):
    return all(
        hasattr(estimator, name)
        for name in ("coefs_", "intercepts_", "activation", "out_activation_")
    )


class NetworkView:
    """What a display may read of a fitted dense network.

    Parameters
    ----------
    estimator : estimator
        The fitted estimator the user passed (perhaps a Pipeline).

    Attributes
    ----------
    estimator : estimator
        As passed.
    network : estimator
        The final step: the network itself.
    coefs : list of ndarray of shape (fan_in, fan_out)
        The dense layers' weights (for a CNN, those of its dense head).
    intercepts : list of ndarray of shape (fan_out,)
    feature_layers : list of Layer
        A CNN's layers before its dense head (empty for an MLP); ``transform``
        runs them.
    activation : str
        Hidden activation, a key of :data:`sknetviz.nn.ACTIVATIONS`.
    out_activation : str
    classes : ndarray
    layer_sizes : list of int
        Units per layer, the network's input layer first.
    """

    def __init__(self, estimator):
        self.estimator = estimator
        self.network = final_estimator(estimator)
        # A CNN's view is its dense head: the conv stack becomes part of the
        # transform, and the head's input layer is the flattened feature maps.
        dense = [i for i, coef in enumerate(self.network.coefs_) if np.ndim(coef) == 2]
        self.coefs = [self.network.coefs_[i] for i in dense]
        self.intercepts = [self.network.intercepts_[i] for i in dense]
        self.feature_layers = []
        if len(dense) < len(self.network.coefs_):
            layers = self.network.network_.layers
            flatten = max(
                i for i, layer in enumerate(layers) if type(layer).__name__ == "Flatten"
            )
            self.feature_layers = layers[: flatten + 1]
        self.activation = self.network.activation
        self.out_activation = self.network.out_activation_
        self.classes = self.network.classes_
        self.layer_sizes = [self.coefs[0].shape[0]] + [c.shape[1] for c in self.coefs]

    def transform(self, X):
        """Pass ``X`` through every step before the network, nested Pipelines too."""
        estimator = self.estimator
        while isinstance(estimator, Pipeline):
            X = estimator[:-1].transform(X)
            estimator = estimator.steps[-1][1]
        if self.feature_layers:
            X = np.asarray(X, dtype=float)
            X = X.reshape(X.shape[0], -1)
            for layer in self.feature_layers:
                X = layer.forward(X)
        return X

    def layer_outputs(self, X, *, transformed=False):
        """Outputs of every layer after its activation, input side first.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input of the estimator (of the network itself if ``transformed``).
        transformed : bool, default=False
            Whether ``X`` already went through the Pipeline's earlier steps.

        Returns
        -------
        outputs : list of ndarray
            ``outputs[0]`` is the network's input; then one array per hidden
            layer; the last is the output layer's probabilities.
        """
        A = np.asarray(X if transformed else self.transform(X), dtype=float)
        if A.ndim != 2 or A.shape[1] != self.layer_sizes[0]:
            raise ValueError(
                f"X has {A.shape[-1]} features after the Pipeline's steps, but the "
                f"network expects {self.layer_sizes[0]}."
            )
        outputs = [A]
        hidden = get_activation(self.activation)[0]
        for index, (W, b) in enumerate(zip(self.coefs, self.intercepts)):
            Z = A @ W + b
            last = index == len(self.coefs) - 1
            A = (get_activation(self.out_activation)[0] if last else hidden)(Z, out=Z)
            outputs.append(A)
        return outputs

    def history(self):
        """Per-epoch records: sknetviz's ``history_``, or ones built from
        MLPClassifier's ``loss_curve_`` and ``validation_scores_``."""
        network = self.network
        if getattr(network, "history_", None) is not None:
            return list(network.history_)
        losses = getattr(network, "loss_curve_", None)
        if losses is None:
            raise ValueError(
                f"{type(network).__name__} recorded no training curve "
                "(solver='lbfgs' in scikit-learn keeps none)."
            )
        scores = getattr(network, "validation_scores_", None) or []
        records = [
            {"epoch": i + 1, "loss": float(loss)} for i, loss in enumerate(losses)
        ]
        for record, score in zip(records, scores):
            record["val_score"] = float(score)
        return records


def network_view(estimator, what):
    """Read a fitted dense network, or say clearly why it cannot be read.

    Parameters
    ----------
    estimator : estimator
        A fitted MLPVisualClassifier, MLPClassifier, or Pipeline ending in one.
    what : str
        Name of the display asking, for the error messages.

    Returns
    -------
    view : NetworkView
    """
    network = final_estimator(estimator)
    # An MLP is recognised by its parameters, so an unfitted one is told to fit
    # and anything else is told what is supported, fitted or not.
    if not all(hasattr(network, name) for name in ("hidden_layer_sizes", "activation")):
        raise TypeError(f"{what} needs {SUPPORTED}; got {type(network).__name__}.")
    check_fitted(estimator, what)
    if not _is_dense_network(network):
        raise TypeError(
            f"{what} needs {SUPPORTED}; got {type(network).__name__}, which has no "
            "coefs_, intercepts_, activation and out_activation_."
        )
    return NetworkView(estimator)
