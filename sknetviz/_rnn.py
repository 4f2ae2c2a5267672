"""RNNClassifier: stacked recurrent layers (SimpleRNN, LSTM or GRU) and a dense
head, as a scikit-learn classifier of sequences on sknetviz's core."""

from numbers import Integral

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import _check_y, check_consistent_length, validate_data

from ._base import BaseNet, positive_ints
from ._classifier import NetClassifierMixin
from ._hidden import HiddenStackMixin
from ._sequences import _is_ragged, as_sequences, check_sequence_shape
from .nn import GRU, LSTM, Sequential, SimpleRNN

_CELLS = {"rnn": SimpleRNN, "lstm": LSTM, "gru": GRU}
_DTYPES = (np.float64, np.float32)
# scikit-learn's word for "there is no y to check", at prediction.
_NO_TARGETS = "no_validation"


def _n_dims(X):
    """Dimensions of X, without asking NumPy to dispatch on it."""
    return len(X.shape) if hasattr(X, "shape") else np.asarray(X).ndim


class RNNClassifier(HiddenStackMixin, NetClassifierMixin, BaseNet):
    """Recurrent network classifier for sequences: SimpleRNN, LSTM or GRU.

    One recurrent layer per entry of ``units``, stacked (each but the last
    hands its whole sequence of states to the next); the last layer's state
    at each sequence's last real step feeds a dense head of
    ``hidden_layer_sizes`` and the output layer. It is trained by
    backpropagation through time with MLPVisualClassifier's training,
    parameters, fitted attributes and history.

    Sequences come in three forms:

    - an array of shape (n_samples, n_steps, n_features);
    - rows of shape (n_samples, n_steps * n_features), read with
      ``sequence_shape=(n_steps, n_features)``, each row the steps one after
      the other. This form passes through a scaler in a Pipeline and through
      ``GridSearchCV``. With ``sequence_shape=None`` a row is a sequence of
      n_features steps of one feature, so that any 2-D input works;
    - a list of arrays of shape (n_steps_i, n_features) whose lengths differ,
      the form real sequence data comes in. They are padded at the end, and
      every pass (fit, partial_fit, validation, predict) gives the recurrent
      layers each sequence's length: padding never changes a result.

    A model fitted on sequences of one length (rows, or a 3-D array) predicts
    on sequences of that length, and refuses others; a model fitted on a
    list of sequences, and a list given to any model, take any length.

    Parameters
    ----------
    cell : {'rnn', 'lstm', 'gru'}, default='lstm'
        The recurrent layer: :class:`~sknetviz.nn.SimpleRNN` (tanh),
        :class:`~sknetviz.nn.LSTM` or :class:`~sknetviz.nn.GRU`.
    units : int or tuple of int, default=(32,)
        Units of each stacked recurrent layer, input side first.
    hidden_layer_sizes : tuple of int, default=()
        Dense layers between the last recurrent state and the output; ()
        goes straight to the output layer.
    sequence_shape : tuple of (int, int), default=None
        (n_steps, n_features) of the sequences in rows of a 2-D X. Ignored
        for 3-D arrays and lists, which carry their shape.
    activation : {'relu', 'leaky_relu', 'tanh', 'logistic', 'sigmoid', \
            'identity'}, default='relu'
        Activation of the dense hidden layers (the cells have their own).
    dropout : float or array-like, default=0.0
        Inverted-dropout rate after each dense hidden layer (one float for
        all, or one per layer), each in [0, 1); with ``hidden_layer_sizes=()``
        there is no such layer and it has no effect.
    alpha : float, default=1e-4
        Strength of the L2 penalty on the weights: the recurrent layers'
        input and recurrent matrices, and the dense weights.
    init : str, default='auto'
        Initializer of the input weights of the recurrent layers and of the
        dense layers. 'auto' is Glorot (Xavier) uniform for the recurrent
        layers, whose gates are tanh and logistic units, and the scheme
        suited to ``activation`` for the dense head. The recurrent weights
        are always orthogonal; see :class:`~sknetviz.nn.LSTM`.
    clip_norm : float or None, default=5.0
        With 'sgd' or 'adam', scale each step's gradient down to this global
        norm when it is larger. Backpropagation through time multiplies the
        gradient by the recurrent weights once per step, and now and then a
        step's gradient explodes; one such step can throw the weights far
        away (Pascanu et al., 2013). 5.0 is the threshold of Sutskever et
        al. (2014) for LSTMs: it leaves ordinary steps alone (on digits read
        row by row, each layer's gradient norm averages below 2 per epoch)
        and caps the explosions only. None turns clipping off. ``history_`` counts the
        clipped steps of each epoch under 'clipped'. L-BFGS does not clip.
    solver, batch_size, learning_rate, learning_rate_init, power_t, \
max_iter, shuffle, random_state, tol, verbose, warm_start, momentum, \
nesterovs_momentum, early_stopping, validation_fraction, beta_1, beta_2, \
epsilon, n_iter_no_change, max_fun
        As in :class:`MLPVisualClassifier`. ``warm_start`` and
        ``partial_fit`` refuse a change of ``cell``, ``units`` or the head.

    Attributes
    ----------
    sequence_shape_ : tuple of (int, int)
        (n_steps, n_features) of the training sequences, n_steps the longest.
    n_features_in_ : int
        For 2-D X, the number of values in a row (n_steps * n_features with
        ``sequence_shape``), as scikit-learn counts features. For 3-D arrays
        and lists of sequences, the number of features per step.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the columns of a 2-D X, when they are strings.
    classes_ : ndarray of shape (n_classes,)
    coefs_ : list of ndarray
        For each recurrent layer its input weights, of shape (n_features,
        n_gates * units), and its recurrent weights, of shape (units,
        n_gates * units), gates in PyTorch's order (see the layers); then
        the (fan_in, fan_out) matrices of the dense layers.
    intercepts_ : list of ndarray
        The recurrent layers' biases (n_gates * units), then the dense ones.
    loss_, best_loss_, loss_curve_, validation_scores_, \
validation_loss_curve_, best_validation_score_, t_, n_iter_, n_layers_, \
n_outputs_, out_activation_, history_, network_
        As in :class:`MLPVisualClassifier`.

    See Also
    --------
    MLPVisualClassifier : The dense network, with the same training.
    sknetviz.nn.LSTM : The layer, its weight layout and initialisation.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sknetviz import RNNClassifier
    >>> X, y = load_digits(return_X_y=True)
    >>> clf = RNNClassifier(units=(16,), sequence_shape=(8, 8), batch_size=32,
    ...                     learning_rate_init=0.01, max_iter=5, random_state=0)
    >>> clf = clf.fit(X[:600] / 16, y[:600])  # each image read row by row
    >>> clf.sequence_shape_, [c.shape for c in clf.coefs_]
    ((8, 8), [(8, 64), (16, 64), (16, 10)])
    >>> bool(clf.score(X[600:900] / 16, y[600:900]) > 0.6)
    True

    Sequences of different lengths, as a list:

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> sequences = [rng.normal(size=(n, 3)) for n in rng.integers(4, 9, 40)]
    >>> labels = [int(s[0, 0] > 0) for s in sequences]
    >>> clf = RNNClassifier("gru", units=(8,), max_iter=3, random_state=0)
    >>> clf.fit(sequences, labels).predict(sequences[:4]).shape
    (4,)
    """

    _parameter_constraints: dict = {
        **BaseNet._parameter_constraints,
        **HiddenStackMixin._parameter_constraints,
        "cell": [StrOptions(set(_CELLS))],
        "units": ["array-like", Interval(Integral, 1, None, closed="left")],
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "sequence_shape": ["array-like", None],
    }

    def __init__(
        self,
        cell="lstm",
        units=(32,),
        hidden_layer_sizes=(),
        sequence_shape=None,
        *,
        activation="relu",
        dropout=0.0,
        alpha=0.0001,
        init="auto",
        clip_norm=5.0,
        solver="adam",
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
    ):
        self.cell = cell
        self.units = units
        self.hidden_layer_sizes = hidden_layer_sizes
        self.sequence_shape = sequence_shape
        self.activation = activation
        self.dropout = dropout
        self.alpha = alpha
        self.init = init
        self.clip_norm = clip_norm
        self.solver = solver
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

    def _hidden_activation(self):
        return self.activation

    def _architecture_parameters(self):
        return {
            **super()._architecture_parameters(),
            "cell": self.cell,
            "units": positive_ints("units", self.units),
        }

    def _build_network(self, n_features, n_outputs):
        units = positive_ints("units", self.units)
        # 'auto' leaves the cells their own default (Glorot uniform): the
        # head's default follows its activation, which the cells do not use.
        init = self.init
        layers = [
            _CELLS[self.cell](count, return_sequences=index < len(units) - 1, init=init)
            for index, count in enumerate(units)
        ]
        return Sequential(layers + self._dense_stack(units[-1], n_outputs))

    def _initialize_network(self, network, n_features, rng, dtype):
        network.initialize(self.sequence_shape_, rng, dtype)

    # -------------------------------------------------------------- sequences

    def _validate_input(self, X, y, incremental, reset):
        sequences, lengths, y = self._read_sequences(X, y, reset)
        Y, y = self._encode_targets(sequences, y, incremental, first_pass=reset)
        return sequences, Y, y, lengths

    def _validate_for_prediction(self, X):
        sequences, lengths, _ = self._read_sequences(X, _NO_TARGETS, reset=False)
        return sequences, lengths

    def _read_sequences(self, X, y, reset):
        """``(sequences, lengths, y)``: X as a padded (n, T, F) array, the
        lengths of its sequences (None if all are full), and y validated.

        2-D X goes through scikit-learn's validation, which counts and names
        its columns, as long as the model was fitted on 2-D X too.
        """
        sequence_shape = check_sequence_shape(self.sequence_shape)
        ragged = _is_ragged(X)
        rows = not ragged and _n_dims(X) == 2
        if rows and (reset or self._fitted_on_rows):
            if isinstance(y, str):
                X = validate_data(self, X, dtype=_DTYPES, reset=reset)
            else:
                X, y = validate_data(
                    self, X, y, dtype=_DTYPES, multi_output=True, reset=reset
                )
            sequences, lengths = as_sequences(X, sequence_shape)
        else:
            sequences, lengths = as_sequences(X, sequence_shape)
            if y is None:
                raise ValueError(
                    f"{type(self).__name__} requires y to be passed, but the "
                    "target y is None."
                )
            if not isinstance(y, str):
                y = _check_y(y, multi_output=True)
                check_consistent_length(sequences, y)
            if reset:
                self.n_features_in_ = sequences.shape[2]
                vars(self).pop("feature_names_in_", None)
        if reset:
            self._fitted_on_rows = rows
            self._fitted_fixed_length = not ragged
            self.sequence_shape_ = tuple(int(n) for n in sequences.shape[1:])
        else:
            self._check_fitted_shape(sequences, ragged)
        return sequences, lengths, y

    def _check_fitted_shape(self, sequences, ragged):
        n_steps, n_features = self.sequence_shape_
        name = type(self).__name__
        if sequences.shape[2] != n_features:
            raise ValueError(
                f"X has {sequences.shape[2]} features per step, but {name} was "
                f"fitted on sequences of {n_features} features per step."
            )
        if self._fitted_fixed_length and not ragged and sequences.shape[1] != n_steps:
            raise ValueError(
                f"X holds sequences of {sequences.shape[1]} steps, but {name} was "
                f"fitted on sequences of {n_steps} steps (of {n_features} "
                "features each). Sequences of other lengths go in as a list of "
                "(n_steps, n_features) arrays."
            )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        tags.input_tags.three_d_array = True
        return tags
