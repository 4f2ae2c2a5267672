"""The hidden dense stack of the preset estimators (the MLPs and the CNN's
head): ``hidden_layer_sizes``, ``activation``, ``dropout`` and ``init``, and
for the MLPs ``batch_norm`` and ``residual``."""

from abc import abstractmethod
from numbers import Real

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions

from ._base import positive_ints
from .nn import (
    INITIALIZERS,
    Activation,
    BatchNorm,
    Dense,
    Dropout,
    Residual,
    default_initializer,
)


class HiddenStackMixin:
    """Parameters and building blocks of a stack of hidden dense layers.

    An estimator with this part has ``hidden_layer_sizes``, ``activation``,
    ``dropout`` and ``init``; the estimators that build their network from
    a list of layers (``NeuralNetClassifier``) have none of them.
    """

    _parameter_constraints: dict = {
        "activation": [
            StrOptions(
                {"identity", "logistic", "sigmoid", "tanh", "relu", "leaky_relu"}
            )
        ],
        "dropout": [Interval(Real, 0, 1, closed="left"), "array-like"],
        "init": [StrOptions({"auto", *INITIALIZERS})],
    }

    @abstractmethod
    def _hidden_activation(self):
        """Name of the hidden activation, which picks the 'auto' initializer."""

    def _hidden_sizes(self):
        return positive_ints("hidden_layer_sizes", self.hidden_layer_sizes)

    def _dropout_setting(self):
        """The dropout rate(s) to use; estimators with an 'auto' default resolve it."""
        return self.dropout

    def _dropout_rates(self, n_hidden):
        """One dropout rate per hidden layer, validated."""
        rates = np.atleast_1d(np.asarray(self._dropout_setting(), dtype=float))
        if rates.ndim != 1 or (rates.size != 1 and rates.size != n_hidden):
            raise ValueError(
                f"dropout must be a float or one rate per hidden layer ({n_hidden}), "
                f"got {self.dropout!r}."
            )
        if not np.all((rates >= 0) & (rates < 1)):  # NaN fails both
            raise ValueError(
                f"Each dropout rate must be in [0, 1), got {self.dropout!r}."
            )
        return np.broadcast_to(rates, (n_hidden,)).tolist()

    def _resolved_init(self):
        if self.init == "auto":
            return default_initializer(self._hidden_activation())
        return self.init

    def _architecture_parameters(self):
        sizes = self._hidden_sizes()
        return {
            "hidden_layer_sizes": sizes,
            "activation": self.activation,
            "init": self._resolved_init(),
            "dropout": tuple(self._dropout_rates(len(sizes))),
        }

    def _training_noise(self):
        sizes = self._hidden_sizes()
        if sizes and any(self._dropout_rates(len(sizes))):
            return [f"dropout={self.dropout!r}"]
        return []

    def _dense_stack(self, n_inputs, n_outputs, *, batch_norm=False, residual=False):
        """The hidden layers, then the output Dense.

        Each hidden layer is Dense, BatchNorm (with ``batch_norm``) and the
        activation; with ``residual`` that trio sits in a skip connection
        wherever its input and output widths match; dropout follows.
        """
        init = self._resolved_init()
        sizes = self._hidden_sizes()
        layers = []
        width = n_inputs
        for size, rate in zip(sizes, self._dropout_rates(len(sizes))):
            block = [Dense(size, init=init)]
            if batch_norm:
                block.append(BatchNorm())
            block.append(Activation(self.activation))
            layers += [Residual(block)] if residual and size == width else block
            if rate > 0:
                layers.append(Dropout(rate))
            width = size
        layers.append(Dense(n_outputs, init=init))
        return layers
