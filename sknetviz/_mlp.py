"""MLPVisualClassifier and MLPVisualRegressor: scikit-learn's MLPClassifier and
MLPRegressor on sknetviz's core, with dropout, initializers, a per-epoch
history and training hooks."""

from numbers import Integral

from sklearn.utils._param_validation import Interval, StrOptions

from ._base import BaseNet
from ._classifier import NetClassifierMixin
from ._hidden import HiddenStackMixin
from ._regressor import NetRegressorMixin
from .nn import Sequential

_MLP_CONSTRAINTS = {
    **BaseNet._parameter_constraints,
    **HiddenStackMixin._parameter_constraints,
    "batch_norm": ["boolean"],
    "residual": ["boolean"],
    "hidden_layer_sizes": [
        "array-like",
        Interval(Integral, 1, None, closed="left"),
    ],
}


class MLPVisualClassifier(HiddenStackMixin, NetClassifierMixin, BaseNet):
    """Multi-layer perceptron classifier that records what it learns.

    A drop-in replacement for :class:`sklearn.neural_network.MLPClassifier`:
    the same parameters, defaults, fitted attributes and conventions, trained by
    sknetviz's NumPy backprop core. On top of those it has ``dropout``,
    ``init`` (Xavier or He initialisation) and a per-epoch ``history_`` that
    sknetviz's displays read.

    Parameters
    ----------
    hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(100,)
        The ith element is the number of neurons in the ith hidden layer.
    activation : {'identity', 'logistic', 'sigmoid', 'tanh', 'relu', \
            'leaky_relu'}, default='relu'
        Activation of the hidden layers. 'sigmoid' is 'logistic'.
    solver : {'lbfgs', 'sgd', 'adam'}, default='adam'
        The weight optimizer: L-BFGS on the full batch, minibatch SGD with
        momentum, or Adam.
    alpha : float, default=0.0001
        Strength of the L2 penalty ``0.5 * alpha * ||W||^2 / n`` per batch of
        ``n`` samples (the sum of their weights). Intercepts are not penalised.
    batch_size : int or 'auto', default='auto'
        Minibatch size of the stochastic solvers; 'auto' is ``min(200, n_samples)``.
    learning_rate : {'constant', 'invscaling', 'adaptive'}, default='constant'
        Schedule of the 'sgd' solver, as in MLPClassifier.
    learning_rate_init : float, default=0.001
        Initial learning rate of 'sgd' and 'adam'.
    power_t : float, default=0.5
        Exponent of the 'invscaling' schedule.
    max_iter : int, default=200
        Maximum number of epochs (stochastic solvers) or iterations (L-BFGS).
    shuffle : bool, default=True
        Whether to shuffle the samples each epoch.
    random_state : int, RandomState instance or None, default=None
        Decides the initialisation, the shuffling, the early-stopping split and
        the dropout masks, and nothing else does: the same int gives the same
        model bit for bit. The global numpy generator is never used.
    tol : float, default=1e-4
        Tolerance on the loss (or validation score) improvement. With
        dropout, and without early stopping, the loss watched is the training
        loss with dropout off (``history_``'s 'clean_loss'): the loss under
        dropout jumps by more than ``tol`` from epoch to epoch while the
        model still underfits.
    verbose : bool, default=False
        Print one line per epoch: MLPClassifier's ``Iteration 3, loss = ...``,
        then the validation figures and the epoch's seconds.
    warm_start : bool, default=False
        Reuse the previous solution as initialisation on the next ``fit``.
        The network itself stays as it was built: changing
        ``hidden_layer_sizes``, ``activation``, ``init`` or ``dropout`` and
        then fitting with warm_start (or calling ``partial_fit``) raises a
        ValueError naming the change. Training settings (``alpha``, the
        learning rate, ``max_iter``...) take effect.
    momentum : float, default=0.9
        Momentum of 'sgd'.
    nesterovs_momentum : bool, default=True
        Whether 'sgd' uses Nesterov's momentum.
    early_stopping : bool, default=False
        Hold out a stratified ``validation_fraction`` of the data, stop when its
        accuracy has not improved by ``tol`` for ``n_iter_no_change`` epochs and
        keep the best weights.
    validation_fraction : float, default=0.1
        Fraction of the data held out for early stopping.
    beta_1 : float, default=0.9
        Decay of Adam's first-moment estimates.
    beta_2 : float, default=0.999
        Decay of Adam's second-moment estimates.
    epsilon : float, default=1e-8
        Adam's numerical-stability term.
    n_iter_no_change : int, default=10
        Epochs without ``tol`` improvement before stopping (see ``tol``).
    max_fun : int, default=15000
        Maximum number of loss evaluations of 'lbfgs'.
    dropout : float or array-like of shape (n_layers - 2,), default=0.0
        Inverted-dropout rate after each hidden layer (one float for all, or
        one per layer), each in [0, 1). Dropout is off at inference; with
        ``hidden_layer_sizes=()`` (a single neuron) it has no effect.
    init : {'auto', 'xavier_uniform', 'xavier_normal', 'he_uniform', \
            'he_normal'}, default='auto'
        Weight initializer; 'auto' is 'he_uniform' for 'relu' and 'leaky_relu'
        and 'xavier_uniform' otherwise. Biases start at zero.
    batch_norm : bool, default=False
        Put a :class:`~sknetviz.nn.BatchNorm` before each hidden activation:
        batch statistics in training, running statistics at inference.
    residual : bool, default=False
        Wrap each hidden layer (Dense, BatchNorm, activation) whose input and
        output widths match in a skip connection (:class:`~sknetviz.nn.Residual`):
        the guide's cure for vanishing gradients in deep networks.
    clip_norm : float or None, default=None
        With 'sgd' or 'adam', scale each step's gradient down to this global
        norm (over every trainable array) when it is larger: the cure for
        exploding gradients. ``history_`` counts the clipped steps of each
        epoch under 'clipped'.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    loss_ : float
        The loss at the end of the last epoch, with the L2 term.
    best_loss_ : float or None
        The smallest training loss reached (with dropout, of the loss with
        dropout off, which the stopping rule watches); None with early
        stopping.
    loss_curve_ : list of float
        The loss of each epoch, over every call to fit and partial_fit.
    validation_scores_ : list of float or None
        Validation accuracy of each epoch with early stopping, else None.
    validation_loss_curve_ : list of float or None
        Validation loss (without the L2 term) of each epoch with early
        stopping, else None.
    best_validation_score_ : float or None
        The best validation accuracy with early stopping, else None.
    t_ : int
        Number of training samples seen by the solver.
    coefs_ : list of ndarray of shape (fan_in, fan_out)
        Weight matrices, input side first. They are the network's own arrays:
        changing them in place changes the model.
    intercepts_ : list of ndarray of shape (fan_out,)
        Bias vectors, input side first.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string feature names.
    n_iter_ : int
        Number of epochs (iterations for 'lbfgs') run by the last call.
    n_layers_ : int
        Number of layers, input and output included.
    n_outputs_ : int
        Number of outputs.
    out_activation_ : str
        Output activation: 'softmax' or 'logistic'.
    history_ : list of dict
        One record per epoch with 'epoch', 'loss' (as in ``loss_curve_``,
        the L2 penalty included), 'data_loss' (the same loss without the
        penalty, the one to compare with 'val_loss'), 'learning_rate',
        'grad_norms' (one float per weight layer, input side first, the mean
        over the epoch's batches), 'seconds'; 'saturation' (per hidden
        activation, the share of saturated or, for rectifiers, dead units)
        and 'update_ratio' (per weight layer, how far the epoch moved it,
        relative to its size), see :class:`sknetviz._diagnostics.Diagnostics`;
        'val_loss' and 'val_score' with early stopping; 'clean_loss' (the
        training loss with dropout off, at the end of the epoch) with dropout
        and without early stopping; 'clipped' (steps whose gradient was
        clipped) with ``clip_norm``.
    network_ : sknetviz.nn.Sequential
        The trained network, ending in the output logits.

    See Also
    --------
    sklearn.neural_network.MLPClassifier : The estimator this one mirrors.

    Examples
    --------
    >>> from sklearn.datasets import make_moons
    >>> from sknetviz import MLPVisualClassifier
    >>> X, y = make_moons(n_samples=200, noise=0.1, random_state=0)
    >>> clf = MLPVisualClassifier(hidden_layer_sizes=(16, 16), learning_rate_init=0.01,
    ...                           max_iter=300, dropout=0.1, random_state=0).fit(X, y)
    >>> clf.score(X, y) > 0.95
    True
    >>> sorted(clf.history_[-1])  # doctest: +NORMALIZE_WHITESPACE
    ['clean_loss', 'data_loss', 'epoch', 'grad_norms', 'learning_rate', 'loss',
     'saturation', 'seconds', 'update_ratio']
    """

    _parameter_constraints: dict = _MLP_CONSTRAINTS

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
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
        dropout=0.0,
        init="auto",
        batch_norm=False,
        residual=False,
        clip_norm=None,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
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
        self.dropout = dropout
        self.init = init
        self.batch_norm = batch_norm
        self.residual = residual
        self.clip_norm = clip_norm

    def _hidden_activation(self):
        return self.activation

    def _architecture_parameters(self):
        return {
            **super()._architecture_parameters(),
            "batch_norm": self.batch_norm,
            "residual": self.residual,
        }

    def _build_network(self, n_features, n_outputs):
        return Sequential(
            self._dense_stack(
                n_features,
                n_outputs,
                batch_norm=self.batch_norm,
                residual=self.residual,
            )
        )


class MLPVisualRegressor(HiddenStackMixin, NetRegressorMixin, BaseNet):
    """Multi-layer perceptron regressor that records what it learns.

    A drop-in replacement for :class:`sklearn.neural_network.MLPRegressor`:
    the same parameters, defaults, fitted attributes and conventions (the
    squared error with an identity output, or the Poisson deviance with an
    exponential one; several targets at once; R² as ``score``), trained by
    sknetviz's NumPy backprop core. Like :class:`MLPVisualClassifier`, it
    adds ``dropout``, ``init`` and a per-epoch ``history_``.

    Parameters
    ----------
    loss : {'squared_error', 'poisson'}, default='squared_error'
        Half the squared error with an identity output, or half the Poisson
        deviance with an ``exp`` output (for counts and rates: ``y >= 0``).
    hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(100,)
        The ith element is the number of neurons in the ith hidden layer.
    activation : {'identity', 'logistic', 'sigmoid', 'tanh', 'relu', \
            'leaky_relu'}, default='relu'
        Activation of the hidden layers.
    solver : {'lbfgs', 'sgd', 'adam'}, default='adam'
        The weight optimizer.
    alpha : float, default=0.0001
        Strength of the L2 penalty on the weights.
    batch_size : int or 'auto', default='auto'
        Minibatch size of the stochastic solvers; 'auto' is ``min(200, n_samples)``.
    learning_rate : {'constant', 'invscaling', 'adaptive'}, default='constant'
        Schedule of the 'sgd' solver.
    learning_rate_init : float, default=0.001
        Initial learning rate of 'sgd' and 'adam'.
    power_t : float, default=0.5
        Exponent of the 'invscaling' schedule.
    max_iter : int, default=200
        Maximum number of epochs (stochastic solvers) or iterations (L-BFGS).
    shuffle : bool, default=True
        Whether to shuffle the samples each epoch.
    random_state : int, RandomState instance or None, default=None
        Decides the initialisation, shuffling, early-stopping split and
        dropout masks.
    tol : float, default=1e-4
        Tolerance on the loss (or validation score) improvement.
    verbose : bool, default=False
        Print one line per epoch.
    warm_start : bool, default=False
        Reuse the previous solution as initialisation on the next ``fit``.
    momentum : float, default=0.9
        Momentum of 'sgd'.
    nesterovs_momentum : bool, default=True
        Whether 'sgd' uses Nesterov's momentum.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the data (not stratified), stop
        when its R² has not improved by ``tol`` for ``n_iter_no_change``
        epochs and keep the best weights.
    validation_fraction : float, default=0.1
        Fraction of the data held out for early stopping.
    beta_1 : float, default=0.9
        Decay of Adam's first-moment estimates.
    beta_2 : float, default=0.999
        Decay of Adam's second-moment estimates.
    epsilon : float, default=1e-8
        Adam's numerical-stability term.
    n_iter_no_change : int, default=10
        Epochs without ``tol`` improvement before stopping.
    max_fun : int, default=15000
        Maximum number of loss evaluations of 'lbfgs'.
    dropout : float or array-like of shape (n_layers - 2,), default=0.0
        Inverted-dropout rate after each hidden layer, each in [0, 1).
    init : {'auto', 'xavier_uniform', 'xavier_normal', 'he_uniform', \
            'he_normal'}, default='auto'
        Weight initializer; 'auto' is 'he_uniform' for 'relu' and
        'leaky_relu' and 'xavier_uniform' otherwise.
    batch_norm : bool, default=False
        Put a :class:`~sknetviz.nn.BatchNorm` before each hidden activation.
    residual : bool, default=False
        Wrap each hidden layer whose input and output widths match in a skip
        connection (:class:`~sknetviz.nn.Residual`).
    clip_norm : float or None, default=None
        With 'sgd' or 'adam', scale each step's gradient down to this global
        norm when it is larger; ``history_`` counts the clipped steps.

    Attributes
    ----------
    loss_, best_loss_, loss_curve_, validation_scores_, \
validation_loss_curve_, best_validation_score_, t_, coefs_, intercepts_, \
n_features_in_, feature_names_in_, n_iter_, n_layers_, n_outputs_, history_, \
network_
        As in :class:`MLPVisualClassifier`; the validation scores are R².
    out_activation_ : str
        'identity', or 'exp' with ``loss='poisson'``.

    See Also
    --------
    sklearn.neural_network.MLPRegressor : The estimator this one mirrors.
    MLPVisualClassifier : The classifier, with the same training.

    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from sklearn.model_selection import train_test_split
    >>> from sknetviz import MLPVisualRegressor
    >>> X, y = make_regression(n_samples=200, n_features=4, noise=1, random_state=0)
    >>> X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    >>> reg = MLPVisualRegressor(hidden_layer_sizes=(32,), solver="lbfgs",
    ...                          max_iter=500, random_state=0)
    >>> reg = reg.fit(X_train, y_train)
    >>> bool(reg.score(X_test, y_test) > 0.95)
    True
    >>> reg.predict(X_test[:2]).shape, reg.out_activation_
    ((2,), 'identity')
    """

    _parameter_constraints: dict = {
        **_MLP_CONSTRAINTS,
        "loss": [StrOptions({"squared_error", "poisson"})],
    }

    def __init__(
        self,
        loss="squared_error",
        hidden_layer_sizes=(100,),
        activation="relu",
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
        dropout=0.0,
        init="auto",
        batch_norm=False,
        residual=False,
        clip_norm=None,
    ):
        self.loss = loss
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
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
        self.dropout = dropout
        self.init = init
        self.batch_norm = batch_norm
        self.residual = residual
        self.clip_norm = clip_norm

    def _hidden_activation(self):
        return self.activation

    def _architecture_parameters(self):
        return {
            "loss": self.loss,
            **super()._architecture_parameters(),
            "batch_norm": self.batch_norm,
            "residual": self.residual,
        }

    def _build_network(self, n_features, n_outputs):
        return Sequential(
            self._dense_stack(
                n_features,
                n_outputs,
                batch_norm=self.batch_norm,
                residual=self.residual,
            )
        )
