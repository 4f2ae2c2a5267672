"""The regressor part of sknetviz's estimators: numeric targets, one output
unit per target, the squared error (or Poisson deviance) and R²."""

import numpy as np
from sklearn.base import RegressorMixin, _fit_context
from sklearn.metrics import r2_score
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import column_or_1d

from ._base import has_stochastic_solver


class NetRegressorMixin(RegressorMixin):
    """What a regressor adds to :class:`~sknetviz._base.BaseNet`.

    Targets are numbers, one output unit each, with the identity output and
    the squared error (``loss='squared_error'``), or ``exp`` and the Poisson
    deviance (``loss='poisson'``), as in MLPRegressor: the estimator has a
    ``loss`` parameter. Early stopping's split is not stratified, and its
    score is R².
    """

    _y_numeric = True

    @available_if(has_stochastic_solver)
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """Update the model with one epoch over the given data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        self : object
            The updated estimator.
        """
        return self._fit(X, y, sample_weight=sample_weight, incremental=True)

    @_fit_context(prefer_skip_nested_validation=True)
    def initialize(self, X, y):
        """Set up a new network for X and y without training it: epoch 0.

        The weights are drawn exactly as the first call to ``fit`` or
        ``partial_fit`` would draw them; a following ``partial_fit``
        continues from here. ``history_`` is empty.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Data whose shape and dtype the network is built for.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets, which set the number of outputs.

        Returns
        -------
        self : object
            The estimator, with fitted attributes and ``n_iter_ == 0``.

        Examples
        --------
        >>> from sklearn.datasets import make_regression
        >>> from sknetviz import MLPVisualRegressor
        >>> X, y = make_regression(n_samples=50, n_features=3, random_state=0)
        >>> reg = MLPVisualRegressor(hidden_layer_sizes=(8,), random_state=0)
        >>> reg = reg.initialize(X, y)
        >>> reg.n_iter_, reg.history_, reg.predict(X[:3]).shape
        (0, [], (3,))
        """
        return self._fit(X, y, incremental=True, train=False)

    def _encode_targets(self, X, y, incremental, first_pass):
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        Y = (y.reshape(-1, 1) if y.ndim == 1 else y).astype(X.dtype, copy=False)
        if not np.all(np.isfinite(Y)):
            raise ValueError(
                "y holds NaN or infinite values after conversion to "
                f"{X.dtype}: {int(np.sum(~np.isfinite(Y)))} of {Y.size}. A "
                "regressor needs finite targets; scale them, or drop those rows."
            )
        if self.loss == "poisson" and np.any(Y < 0):
            raise ValueError(
                "loss='poisson' models counts or rates, so y must be >= 0; got "
                f"{int(np.sum(Y < 0))} negative value(s), the smallest {Y.min():g}."
            )
        if not first_pass and Y.shape[1] != self.n_outputs_:
            raise ValueError(
                f"y has {Y.shape[1]} output(s), but the network was built for "
                f"{self.n_outputs_}. Call fit without warm_start to build a new one."
            )
        return Y, y

    def _output_activation(self):
        return "exp" if self.loss == "poisson" else "identity"

    def _score_outputs(self, Y, P, sample_weight):
        """R², averaged over outputs; NaN if a prediction is not finite."""
        if not np.all(np.isfinite(P)):
            return np.nan
        return r2_score(Y, P, sample_weight=sample_weight)

    def predict(self, X):
        """Predict using the network.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            The predicted values.
        """
        P = self._forward_output(X)
        return P.ravel() if P.shape[1] == 1 else P

    def score(self, X, y, sample_weight=None):
        """The coefficient of determination R² of the predictions.

        1 is a perfect fit; a model that always predicts the mean of ``y``
        scores 0, and a worse one less. With several targets, their R² are
        averaged, as :func:`sklearn.metrics.r2_score` does by default.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The true values.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        score : float
            R² of ``self.predict(X)`` against ``y``.
        """
        return super().score(X, y, sample_weight=sample_weight)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        # The Poisson deviance is for counts and rates.
        tags.target_tags.positive_only = self.loss == "poisson"
        return tags
