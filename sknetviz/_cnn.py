"""SimpleCNNClassifier: the guide's CNN (conv, pool, conv, pool, dense) as a
scikit-learn classifier on sknetviz's core."""

import math
from numbers import Integral, Real

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions

from ._base import BaseNet, positive_ints
from ._classifier import NetClassifierMixin
from ._hidden import HiddenStackMixin
from .nn import (
    Activation,
    Conv2D,
    Flatten,
    MaxPool2D,
    Sequential,
)
from .nn.conv import RandomShift
from .nn.layers import Reshape


class SimpleCNNClassifier(HiddenStackMixin, NetClassifierMixin, BaseNet):
    """Convolutional network classifier for small images.

    One block of Conv2D ('same' padding, stride 1), MaxPool2D and the
    activation per entry of ``filters`` (pooling first: for these activations
    it is the same function as activation then pooling, and cheaper), then a
    dense head of ``hidden_layer_sizes`` and the output layer. It shares
    MLPVisualClassifier's training, parameters, fitted attributes and displays.

    Images come as rows of ``H * W * C`` features (with ``image_shape``; this
    form works after StandardScaler in a Pipeline and in GridSearchCV), or as
    arrays of shape (n, H, W) or (n, H, W, C). Without ``image_shape``, rows
    whose length is a perfect square are square one-channel images, and other
    rows are 1 x n_features strips, so any 2-D input works.

    Parameters
    ----------
    filters : tuple of int, default=(8, 16)
        Output channels of each conv block.
    kernel_size : int, default=3
        Height and width of the kernels.
    pool_size : int, default=2
        Max-pooling window (and stride) after each convolution. When the
        image shape is guessed from rows of features, the window shrinks to
        what is left of a small image; a shape you give (``image_shape`` or
        arrays of images) must be large enough for every block.
    hidden_layer_sizes : tuple of int, default=(64,)
        Dense layers between the last pooling and the output; () goes straight
        to the output layer.
    image_shape : tuple of int, default=None
        (H, W) or (H, W, C) of the images in rows of X.
    activation : {'relu', 'leaky_relu', 'tanh', 'logistic', 'sigmoid', \
            'identity'}, default='relu'
        Activation of the conv blocks and hidden layers.
    dropout : float, array-like or 'auto', default='auto'
        Inverted-dropout rate after each dense hidden layer (one float for
        all, or one per layer), each in [0, 1); with
        ``hidden_layer_sizes=()`` there is no such layer and it has no effect.
        'auto' is 0.25 for the stochastic solvers and 0 for 'lbfgs', which
        cannot train with dropout.
    clip_norm : float or None, default=None
        With 'sgd' or 'adam', scale each step's gradient down to this global
        norm when it is larger; ``history_`` counts the clipped steps.
    augment : bool, default=False
        Shift each training image by up to one pixel (drawn from
        random_state), the guide's data augmentation; never at predict time.
    batch_size : int or 'auto', default='auto'
        Samples per minibatch; 'auto' is ``min(64, n_samples)`` (smaller than
        MLPVisualClassifier's 200: more steps per epoch suit the CNN).
    n_iter_no_change : int, default=30
        Epochs without an improvement of ``tol`` before training stops. With
        dropout or augmentation (and without early stopping) the rule watches
        the training loss with the noise off, as MLPVisualClassifier's does.
        30 was chosen on digits when it watched the noisy loss, where it
        raised the 5-fold accuracy from 0.983 to 0.984 on average over six
        seeds.
    alpha, init, solver, learning_rate, learning_rate_init, power_t, \
max_iter, shuffle, random_state, tol, verbose, warm_start, momentum, \
nesterovs_momentum, early_stopping, validation_fraction, beta_1, beta_2, \
epsilon, max_fun
        As in :class:`MLPVisualClassifier` (alpha penalises the kernels and
        the dense weights).

    Notes
    -----
    The defaults that differ from MLPVisualClassifier's (dropout 0.25 for 'auto',
    batches of 64 for 'auto', ``n_iter_no_change=30``) are the best of a search on
    load_digits; the model's mean 5-fold accuracy there is 0.984 (0.980 to
    0.987 across seeds).

    Attributes
    ----------
    image_shape_ : tuple of int
        (H, W, C) of the images the network was built for.
    classes_ : ndarray of shape (n_classes,)
    coefs_ : list of ndarray
        Kernels of shape (kh, kw, in_channels, filters) for the conv layers,
        then (fan_in, fan_out) matrices for the dense layers.
    intercepts_ : list of ndarray
    loss_, best_loss_, loss_curve_, validation_scores_, \
validation_loss_curve_, best_validation_score_, t_, n_features_in_, \
feature_names_in_, n_iter_, n_layers_, n_outputs_, out_activation_, \
history_, network_
        As in :class:`MLPVisualClassifier`.

    See Also
    --------
    MLPVisualClassifier : The dense network, with the same training.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sknetviz import SimpleCNNClassifier
    >>> X, y = load_digits(return_X_y=True)
    >>> clf = SimpleCNNClassifier(max_iter=30, random_state=0)
    >>> clf = clf.fit(X[:500] / 16, y[:500])
    >>> clf.image_shape_, [c.shape for c in clf.coefs_][:2]
    ((8, 8, 1), [(3, 3, 1, 8), (3, 3, 8, 16)])
    >>> bool(clf.score(X[500:700] / 16, y[500:700]) > 0.8)
    True
    """

    _auto_batch_size = 64

    def _dropout_setting(self):
        if isinstance(self.dropout, str) and self.dropout == "auto":
            return 0.0 if self.solver == "lbfgs" else 0.25
        return self.dropout

    _parameter_constraints: dict = {
        **BaseNet._parameter_constraints,
        **HiddenStackMixin._parameter_constraints,
        "filters": ["array-like"],
        "kernel_size": [Interval(Integral, 1, None, closed="left")],
        "pool_size": [Interval(Integral, 1, None, closed="left")],
        "hidden_layer_sizes": ["array-like"],
        "image_shape": ["array-like", None],
        "dropout": [
            Interval(Real, 0, 1, closed="left"),
            "array-like",
            StrOptions({"auto"}),
        ],
        "augment": ["boolean"],
    }

    def __init__(
        self,
        filters=(8, 16),
        kernel_size=3,
        pool_size=2,
        hidden_layer_sizes=(64,),
        image_shape=None,
        activation="relu",
        *,
        dropout="auto",
        alpha=0.0001,
        init="auto",
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
        n_iter_no_change=30,
        max_fun=15000,
        augment=False,
        clip_norm=None,
    ):
        self.filters = filters
        self.kernel_size = kernel_size
        self.pool_size = pool_size
        self.hidden_layer_sizes = hidden_layer_sizes
        self.image_shape = image_shape
        self.activation = activation
        self.dropout = dropout
        self.alpha = alpha
        self.init = init
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
        self.augment = augment
        self.clip_norm = clip_norm

    def _hidden_activation(self):
        return self.activation

    def _architecture_parameters(self):
        return {
            **super()._architecture_parameters(),
            "filters": positive_ints("filters", self.filters),
            "kernel_size": self.kernel_size,
            "pool_size": self.pool_size,
            "image_shape": self._image_shape_given_or_inferred(),
            "augment": self.augment,
        }

    def _image_shape_given_or_inferred(self):
        """(H, W, C) as given, or as inferred when not given: the same shape
        either way is the same network."""
        if self.image_shape is None:
            return getattr(self, "image_shape_", None)
        shape = positive_ints("image_shape", self.image_shape)
        return shape + (1,) if len(shape) == 2 else shape

    def _training_noise(self):
        return super()._training_noise() + (["augment=True"] if self.augment else [])

    # ----------------------------------------------------------- images

    def _as_rows(self, X, reset):
        """Flatten (n, H, W) and (n, H, W, C) arrays; remember their shape."""
        if not (isinstance(X, np.ndarray) and X.ndim in (3, 4)):
            if reset:
                self._array_image_shape = None
            return X
        shape = X.shape[1:] if X.ndim == 4 else (*X.shape[1:], 1)
        if reset:
            self._array_image_shape = shape
        elif hasattr(self, "image_shape_") and shape != self.image_shape_:
            raise ValueError(
                f"X holds images of shape {shape}, but {type(self).__name__} was "
                f"fitted on images of shape {self.image_shape_}."
            )
        return X.reshape(X.shape[0], -1)

    def _resolve_image_shape(self, n_features):
        """(H, W, C) for rows of n_features values, or a ValueError with numbers."""
        from_array = getattr(self, "_array_image_shape", None)
        if self.image_shape is not None:
            shape = positive_ints("image_shape", self.image_shape)
            if len(shape) == 2:
                shape = (*shape, 1)
            if len(shape) != 3 or min(shape) < 1:
                raise ValueError(
                    "image_shape must be (H, W) or (H, W, C), "
                    f"got {self.image_shape!r}."
                )
            if math.prod(shape) != n_features:
                raise ValueError(
                    f"image_shape={tuple(self.image_shape)} holds {math.prod(shape)} "
                    f"values per sample, but X has {n_features} features."
                )
            if from_array is not None and from_array != shape:
                raise ValueError(
                    f"X holds images of shape {from_array}, but image_shape is {shape}."
                )
            return shape
        if from_array is not None:
            return from_array
        side = math.isqrt(n_features)
        return (side, side, 1) if side * side == n_features else (1, n_features, 1)

    def _build_network(self, n_features, n_outputs):
        init = self._resolved_init()
        self.image_shape_ = self._resolve_image_shape(n_features)
        height, width, _ = self.image_shape_
        filters = positive_ints("filters", self.filters)
        # Shapes the user gave are held to the stack: too small is an error.
        # Shapes guessed from rows of features shrink the pooling window to
        # what is left, so any 2-D input works (a 1 x n strip pools along n).
        guessed = self.image_shape is None and self._array_image_shape is None
        layers = [Reshape(self.image_shape_)]
        if self.augment:
            layers.append(RandomShift(1))
        sizes_seen = [f"{height}x{width}"]
        for block, count in enumerate(filters, start=1):
            if guessed:
                pool = (min(self.pool_size, height), min(self.pool_size, width))
            else:
                pool = (self.pool_size if height > 1 else 1, self.pool_size)
                if height < pool[0] or width < pool[1]:
                    raise ValueError(
                        f"Images of shape {self.image_shape_} are too small for "
                        f"{len(filters)} conv/pool blocks with "
                        f"pool_size={self.pool_size}: the feature maps shrink "
                        f"{' -> '.join(sizes_seen)}, and block {block} cannot pool "
                        f"{pool[0]}x{pool[1]} windows from {height}x{width} maps. "
                        "Use fewer filters entries or a smaller pool_size."
                    )
            height, width = max(height // pool[0], 1), max(width // pool[1], 1)
            sizes_seen.append(f"{height}x{width}")
            # Pooling before the activation computes the same function (every
            # activation here is non-decreasing, so max(f(z)) = f(max(z))) and
            # applies the activation to a quarter of the values; the maxima of
            # pre-activations also tie less often (only in uniform windows).
            layers += [
                Conv2D(count, self.kernel_size, padding="same", init=init),
                MaxPool2D(pool),
                Activation(self.activation),
            ]
        layers.append(Flatten())
        # The head has no skip connections, so its input width does not matter.
        return Sequential(layers + self._dense_stack(None, n_outputs))

    def _initialize_network(self, network, n_features, rng, dtype):
        try:
            network.initialize((n_features,), rng, dtype)
        except ValueError as error:
            blocks = len(np.atleast_1d(self.filters))
            raise ValueError(
                f"Images of shape {self.image_shape_} are too small for {blocks} "
                f"conv/pool blocks with pool_size={self.pool_size}: {error}"
            ) from error
