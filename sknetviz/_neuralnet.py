"""NeuralNetClassifier and NeuralNetRegressor: a network of the user's own
layers, trained as scikit-learn's MLPs are (the guide's Keras example, in
scikit-learn's idiom)."""

import re

import numpy as np
from sklearn.utils._param_validation import StrOptions

from ._base import BaseNet
from ._classifier import NetClassifierMixin
from ._regressor import NetRegressorMixin
from .nn import Dense, Flatten, Layer, Sequential

_NESTED = re.compile(r"^layers__(\d+)__(\w+)$")


def _default_layers():
    """MLPClassifier's default network: one hidden layer of 100 ReLUs."""
    return [Dense(100, activation="relu")]


class _LayerListMixin:
    """The ``layers`` parameter: validation, copies, nested parameters."""

    def _given_layers(self):
        """``layers`` as given, or the default stack for None."""
        return _default_layers() if self.layers is None else self.layers

    def _layer_list(self):
        """Untrained copies of ``layers`` (the user's objects are never trained)."""
        layers = self._given_layers()
        if isinstance(layers, Layer) or not isinstance(layers, (list, tuple)):
            raise TypeError(
                "layers must be a list of sknetviz.nn layers (the hidden stack; "
                f"the output layer comes from y), got {type(layers).__name__}."
            )
        wrong = [
            f"{index}: {type(layer).__name__}"
            for index, layer in enumerate(layers)
            if not isinstance(layer, Layer)
        ]
        if wrong:
            raise TypeError(
                "layers must hold sknetviz.nn layers (subclasses of "
                f"sknetviz.nn.Layer); not these, by position: {', '.join(wrong)}."
            )
        return [layer.clone() for layer in layers]

    def _build_network(self, n_features, n_outputs):
        hidden = self._layer_list()
        # The output layer takes rows of features: flatten a hidden stack
        # that ends in images (convolutions, pooling). A dry run on
        # throwaway copies finds the shape without touching the real draws.
        probe = Sequential([layer.clone() for layer in hidden])
        try:
            shape = probe.initialize((n_features,), np.random.default_rng(0), float)
        except ValueError as error:
            raise ValueError(
                f"The layers cannot take samples of {n_features} features: {error}"
            ) from error
        tail = [Flatten()] if len(shape) > 1 else []
        return Sequential(hidden + tail + [Dense(n_outputs)])

    def _architecture_parameters(self):
        return {"layers": [repr(layer) for layer in self._given_layers()]}

    def _training_noise(self):
        return [
            repr(layer)
            for top in self._given_layers()
            if isinstance(top, Layer)
            for layer in top.walk()
            if layer.draws_noise
        ]

    # ---------------------------------------- nested parameters of the layers

    def get_params(self, deep=True):
        """Get parameters for this estimator.

        With ``deep=True``, each layer's constructor arguments are listed
        too, as ``layers__<position>__<argument>`` (``layers__0__units``), so
        that ``GridSearchCV`` can search them.

        Parameters
        ----------
        deep : bool, default=True
            Also list the layers' arguments.

        Returns
        -------
        params : dict
            Parameter names mapped to their values.
        """
        params = super().get_params(deep=deep)
        if deep and isinstance(self.layers, (list, tuple)):
            for index, layer in enumerate(self.layers):
                if isinstance(layer, Layer):
                    for name, value in layer.get_config().items():
                        params[f"layers__{index}__{name}"] = value
        return params

    def set_params(self, **params):
        """Set the parameters of this estimator.

        ``layers__<position>__<argument>`` replaces that layer of ``layers``
        with a new one built with the new argument: the layer objects given
        are never changed.

        Parameters
        ----------
        **params : dict
            Estimator parameters.

        Returns
        -------
        self : estimator instance
            Estimator instance.
        """
        nested = {key: params.pop(key) for key in list(params) if _NESTED.match(key)}
        if "layers" in params:
            super().set_params(layers=params.pop("layers"))
        if nested:
            layers = list(self._given_layers())
            changes = {}
            for key, value in nested.items():
                index, name = _NESTED.match(key).groups()
                index = int(index)
                if index >= len(layers):
                    raise ValueError(
                        f"Invalid parameter {key!r}: layers has {len(layers)} layer(s)."
                    )
                changes.setdefault(index, {})[name] = value
            for index, arguments in changes.items():
                config = layers[index].get_config()
                unknown = sorted(set(arguments) - set(config))
                if unknown:
                    raise ValueError(
                        f"Invalid parameter {unknown[0]!r} for layer {index}, "
                        f"{layers[index]!r}; its arguments are {sorted(config)}."
                    )
                layers[index] = type(layers[index])(**{**config, **arguments})
            super().set_params(layers=layers)
        return super().set_params(**params) if params else self


class NeuralNetClassifier(_LayerListMixin, NetClassifierMixin, BaseNet):
    """Classifier built from your own stack of layers.

    The guide's Keras example in scikit-learn's idiom: ``layers`` is the
    hidden stack, a list of :mod:`sknetviz.nn` layers (Dense, Activation,
    Dropout, BatchNorm, Residual, Conv2D, the pools, Flatten, Reshape, or a
    layer of your own, see :class:`sknetviz.nn.Layer`), and the output
    layer and its loss come from ``y`` as in MLPClassifier: a softmax over
    the classes, or a logistic unit per label. A stack that ends in images
    is flattened before the output layer. The layers you pass are never
    trained or changed: the estimator builds its network from copies, so
    ``clone``, ``GridSearchCV`` over ``layers`` (or over
    ``layers__0__units``), pickling and ``set_params`` behave as usual.

    Parameters
    ----------
    layers : list of Layer, default=None
        The hidden stack, input side first. None is MLPClassifier's default,
        ``[Dense(100, activation="relu")]``. For images given as rows of
        pixels, start with ``Reshape((height, width, channels))``.

    solver, alpha, batch_size, learning_rate, learning_rate_init, power_t, \
max_iter, shuffle, random_state, tol, verbose, warm_start, momentum, \
nesterovs_momentum, early_stopping, validation_fraction, beta_1, beta_2, \
epsilon, n_iter_no_change, max_fun, clip_norm
        As in :class:`MLPVisualClassifier`, whose training this is. ``alpha``
        penalises every array in the 'weight' role; ``warm_start`` and
        ``partial_fit`` refuse a change of ``layers``.
    Attributes
    ----------
    classes_, loss_, best_loss_, loss_curve_, validation_scores_, \
validation_loss_curve_, best_validation_score_, t_, n_features_in_, \
feature_names_in_, n_iter_, n_layers_, n_outputs_, out_activation_, history_
        As in :class:`MLPVisualClassifier`.
    coefs_ : list of ndarray
        The arrays in the 'weight' role, input side first, at any depth
        (a Residual's projection after its block's).
    intercepts_ : list of ndarray
        The arrays in the 'bias' role, input side first.
    network_ : sknetviz.nn.Sequential
        The trained network: copies of ``layers``, the output Dense.

    See Also
    --------
    NeuralNetRegressor : The same for regression.
    MLPVisualClassifier : The dense preset, with dropout, batch_norm, residual.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.model_selection import train_test_split
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sknetviz import NeuralNetClassifier
    >>> from sknetviz.nn import BatchNorm, Dense, Dropout
    >>> X, y = load_iris(return_X_y=True)
    >>> X_train, X_test, y_train, y_test = train_test_split(
    ...     X, y, stratify=y, random_state=0)
    >>> clf = NeuralNetClassifier(
    ...     layers=[Dense(10, activation="relu"), Dense(8, activation="relu")],
    ...     solver="adam", batch_size=32, learning_rate_init=0.01, max_iter=200,
    ...     random_state=0)
    >>> model = make_pipeline(StandardScaler(), clf).fit(X_train, y_train)
    >>> bool(model.score(X_test, y_test) > 0.9)
    True
    >>> clf.network_
    Sequential([Dense(10, activation='relu'), Dense(8, activation='relu'), Dense(3)])
    """

    _parameter_constraints: dict = {
        **BaseNet._parameter_constraints,
        "layers": [list, tuple, None],
    }

    def __init__(
        self,
        layers=None,
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        clip_norm=None,
    ):
        self.layers = layers
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.clip_norm = clip_norm


class NeuralNetRegressor(_LayerListMixin, NetRegressorMixin, BaseNet):
    """Regressor built from your own stack of layers.

    As :class:`NeuralNetClassifier`, with MLPRegressor's output: one unit
    per target, the identity with the squared error, or ``exp`` with the
    Poisson deviance (``loss='poisson'``); ``score`` is R².

    Parameters
    ----------
    layers : list of Layer, default=None
        The hidden stack, input side first. None is MLPRegressor's default,
        ``[Dense(100, activation="relu")]``.
    loss : {'squared_error', 'poisson'}, default='squared_error'
        As in :class:`MLPVisualRegressor`.

    solver, alpha, batch_size, learning_rate, learning_rate_init, power_t, \
max_iter, shuffle, random_state, tol, verbose, warm_start, momentum, \
nesterovs_momentum, early_stopping, validation_fraction, beta_1, beta_2, \
epsilon, n_iter_no_change, max_fun, clip_norm
        As in :class:`MLPVisualClassifier`, whose training this is. ``alpha``
        penalises every array in the 'weight' role; ``warm_start`` and
        ``partial_fit`` refuse a change of ``layers``.
    Attributes
    ----------
    loss_, best_loss_, loss_curve_, validation_scores_, \
validation_loss_curve_, best_validation_score_, t_, n_features_in_, \
feature_names_in_, n_iter_, n_layers_, n_outputs_, out_activation_, history_, \
coefs_, intercepts_, network_
        As in :class:`NeuralNetClassifier`; the validation scores are R².

    See Also
    --------
    NeuralNetClassifier : The same for classification.
    MLPVisualRegressor : The dense preset.

    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from sknetviz import NeuralNetRegressor
    >>> from sknetviz.nn import Dense, Residual
    >>> X, y = make_regression(n_samples=300, n_features=5, noise=1, random_state=0)
    >>> reg = NeuralNetRegressor(
    ...     layers=[Dense(16, activation="tanh"),
    ...             Residual([Dense(16, activation="tanh")])],
    ...     solver="lbfgs", max_iter=500, random_state=0).fit(X, y / y.std())
    >>> bool(reg.score(X, y / y.std()) > 0.95)
    True
    """

    _parameter_constraints: dict = {
        **BaseNet._parameter_constraints,
        "layers": [list, tuple, None],
        "loss": [StrOptions({"squared_error", "poisson"})],
    }

    def __init__(
        self,
        layers=None,
        loss="squared_error",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        clip_norm=None,
    ):
        self.layers = layers
        self.loss = loss
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.clip_norm = clip_norm

    def _architecture_parameters(self):
        return {**super()._architecture_parameters(), "loss": self.loss}
