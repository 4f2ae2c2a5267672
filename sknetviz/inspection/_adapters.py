"""One way to read a fitted network: a sknetviz estimator through its layers,
scikit-learn's MLPClassifier or MLPRegressor through their public attributes,
or a Pipeline ending in any of them.

Displays go through :func:`network_view` and never through an estimator's
private state. A sknetviz network is run by its own layers
(:meth:`sknetviz.nn.Sequential.observe`, inference mode), so what is drawn
is what the network computes: batch normalisation with its running
statistics, skip connections added. scikit-learn's MLPs have no layers to
run; their hidden outputs are computed from ``coefs_`` and ``intercepts_``
with the core's activation functions.
"""

from functools import cached_property

import numpy as np
import scipy.sparse as sp
from sklearn.base import is_classifier
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from ..nn import (
    Activation,
    AvgPool2D,
    BatchNorm,
    Conv2D,
    Dense,
    Dropout,
    Flatten,
    MaxPool2D,
    Residual,
    Sequential,
    get_activation,
)

SUPPORTED = (
    "an MLPVisualClassifier, an MLPClassifier, an MLPVisualRegressor, an "
    "MLPRegressor, another sknetviz estimator with a network_ (NeuralNetClassifier, "
    "NeuralNetRegressor, SimpleCNNClassifier), or a Pipeline ending in one"
)

LOSS_NAMES = {"squared_error": "half squared error", "poisson": "half Poisson deviance"}
"""dict: a regressor's ``loss`` parameter -> the name of the loss it records."""


def final_estimator(estimator):
    """The last step of a Pipeline (recursively), or the estimator itself."""
    while isinstance(estimator, Pipeline):
        estimator = estimator.steps[-1][1]
    return estimator


def incremental_step(estimator, what, accepted):
    """The step that ``partial_fit`` trains: the estimator or a Pipeline's last.

    Parameters
    ----------
    estimator : estimator
    what : str
        The display's name, for the message.
    accepted : str
        What the display accepts, for the message.

    Returns
    -------
    step : estimator
        Refused with a TypeError when it has no ``partial_fit``.
    """
    step = final_estimator(estimator)
    where = (
        f"the last step of the Pipeline, {type(step).__name__},"
        if step is not estimator
        else type(step).__name__
    )
    if not hasattr(step, "partial_fit"):
        raise TypeError(
            f"{what} trains a clone of the estimator one epoch at a time with "
            f"partial_fit, and {where} has no partial_fit (solver='lbfgs' has "
            f"none). Use an estimator that learns incrementally: {accepted}."
        )
    return step


def as_array(X):
    """A dense ndarray of ``X`` (array-like, sparse matrix or dataframe)."""
    if sp.issparse(X):
        return X.toarray()
    if hasattr(X, "to_numpy"):
        return X.to_numpy()
    return np.asarray(X)


def check_fitted(estimator, what):
    """Raise scikit-learn's NotFittedError, naming the display, if unfitted."""
    check_is_fitted(
        estimator,
        msg=(
            f"{what} needs a fitted estimator: this %(name)s instance is not "
            "fitted yet. Call 'fit' with appropriate arguments first."
        ),
    )


class WeightLayer:
    """One weight layer of a network's dense part, as the displays draw it.

    A weight layer is a layer with one weight matrix (a Dense, or a layer of
    one's own whose arrays declare the 'weight' role) and the layers after
    it up to its activation: ``z = x @ W + b`` for a Dense, then perhaps a
    BatchNorm (or another layer without weights), then the activation (the
    identity if there is none). Where the whole group is the block of a
    :class:`~sknetviz.nn.Residual`, the skip connection adds the block's
    input to its output. The output layer is the network's last Dense, its
    activation the estimator's ``out_activation_``.

    Parameters
    ----------
    coef : ndarray of shape (fan_in, fan_out)
        The weight matrix.
    intercept : ndarray of shape (fan_out,)
        The biases (zeros for a layer without an array in the 'bias' role).
    activation : str
        The activation, a key of :data:`sknetviz.nn.ACTIVATIONS`.
    layer : Layer, default=None
        The sknetviz layer holding ``coef``; None for scikit-learn's MLPs.
    steps : tuple of Layer, default=()
        The layers between the weights and the skip, the activation
        included. Dropout, which does nothing at inference, is left out
        wherever it stands.
    shortcut : Residual, default=None
        The skip connection whose output is this layer's output.
    shortcut_source : int, default=None
        Where the skip starts: the index, in :meth:`NetworkView.layer_outputs`,
        of the output that enters the Residual block.
    """

    def __init__(
        self,
        coef,
        intercept,
        activation,
        *,
        layer=None,
        steps=(),
        shortcut=None,
        shortcut_source=None,
    ):
        self.coef = coef
        self.intercept = intercept
        self.activation = activation
        self.layer = layer
        self.steps = tuple(steps)
        self.shortcut = shortcut
        self.shortcut_source = shortcut_source

    @property
    def batch_norm(self):
        """The BatchNorm among the steps, or None."""
        return next((s for s in self.steps if isinstance(s, BatchNorm)), None)

    @property
    def block_end(self):
        """The sknetviz layer whose output is the activation's (before the skip)."""
        return self.steps[-1] if self.steps else self.layer

    @property
    def output_layer(self):
        """The sknetviz layer whose output is this weight layer's output."""
        return self.block_end if self.shortcut is None else self.shortcut

    @property
    def description(self):
        """What the layer applies after its weights: 'relu', 'BatchNorm, relu
        + skip', 'tanh + projected skip'."""
        names = [type(s).__name__ for s in self.steps if not isinstance(s, Activation)]
        text = ", ".join(names + [self.activation])
        if self.shortcut is not None:
            text += " + skip" if self.shortcut.P is None else " + projected skip"
        return text


def _split_at_flatten(layers):
    """The top-level layers after the last Flatten, and whether there is one."""
    flattens = [i for i, layer in enumerate(layers) if isinstance(layer, Flatten)]
    if not flattens:
        return layers, None
    return layers[flattens[-1] + 1 :], layers[flattens[-1]]


def _refuse(layer, why):
    raise TypeError(
        "the displays read a network's dense part as weight layers, each a "
        "layer with one weight matrix (a Dense), then layers without weights "
        "up to its activation (a BatchNorm, an Activation), or such a group as "
        f"the block of a Residual. {layer!r} does not fit: {why}."
    )


def _arrays(layer, role):
    return [a for a, r in zip(layer.params, layer.param_roles) if r == role]


def _weight_layers(layers, groups):
    """Append the weight layers of ``layers`` to ``groups``, one dict each,
    or raise a TypeError naming the layer that fits none."""
    open_group = False  # whether the last group still takes layers
    for layer in layers:
        if isinstance(layer, Dropout):  # nothing at inference
            continue
        if isinstance(layer, Residual):
            first = len(groups)
            _weight_layers(layer.layers, groups)
            if len(groups) == first:
                _refuse(layer, "its block holds no weight layer")
            groups[-1]["shortcut"] = layer
            groups[-1]["shortcut_source"] = first
            open_group = False
        elif "weight" in layer.param_roles:
            weights, biases = _arrays(layer, "weight"), _arrays(layer, "bias")
            if len(weights) != 1 or weights[0].ndim != 2 or len(biases) > 1:
                _refuse(layer, "it holds other than one weight matrix and one bias")
            activation = layer.get_config().get("activation")
            groups.append(
                {
                    "layer": layer,
                    "coef": weights[0],
                    "intercept": biases[0] if biases else np.zeros(weights[0].shape[1]),
                    "activation": activation,
                    "steps": [],
                }
            )
            open_group = activation is None
        elif layer.children:
            _refuse(layer, "it is a container other than a Residual")
        elif not open_group:
            _refuse(layer, "it follows no weight layer, or follows its activation")
        else:
            groups[-1]["steps"].append(layer)
            if isinstance(layer, Activation):
                groups[-1]["activation"] = layer.name
                open_group = False


def _sknetviz_weight_layers(network_, out_activation):
    """The weight layers of a sknetviz network, and its Flatten (or None)."""
    dense_part, flatten = _split_at_flatten(network_.layers)
    groups = []
    _weight_layers(dense_part, groups)
    output = groups[-1] if groups else {}
    if (
        not groups
        or output["layer"] is not dense_part[-1]
        or output["activation"] is not None
        or output["steps"]
    ):
        raise TypeError(
            "the displays need a network that ends in its output Dense (the "
            f"logits); this one ends in {network_.layers[-1]!r}."
        )
    return [
        WeightLayer(
            group["coef"],
            group["intercept"],
            out_activation if group is output else group["activation"] or "identity",
            layer=group["layer"],
            steps=group["steps"],
            shortcut=group.get("shortcut"),
            shortcut_source=group.get("shortcut_source"),
        )
        for group in groups
    ], flatten


class NetworkView:
    """What a display may read of a fitted network's dense part.

    The dense part is the whole network of an MLP, and the head after the
    last Flatten of a network with convolutions. It is read as a list of
    weight layers (:class:`WeightLayer`): each Dense with the BatchNorm and
    the activation after it, and the skip connection of the Residual block
    it forms. A "hidden layer" of the displays is such a weight layer, its
    output the output of its activation, plus the block's input (or its
    projection) where a skip connection adds it: the input the next Dense
    receives. Its units are the Dense's units.

    The history and the names of the weight arrays are read without the
    weight layers, so the training displays work on any sknetviz network;
    the first use of the weight layers raises a TypeError naming the layer
    that fits no weight layer.

    Parameters
    ----------
    estimator : estimator
        The fitted estimator the user passed (perhaps a Pipeline).
    what : str, default='The displays'
        Who reads, for the error messages.

    Attributes
    ----------
    estimator : estimator
        As passed.
    network : estimator
        The final step: the network itself.
    weight_layers : list of WeightLayer
        The hidden layers, then the output layer.
    coefs : list of ndarray of shape (fan_in, fan_out)
        The weight layers' weights (a skip's projection is not among them).
    intercepts : list of ndarray of shape (fan_out,)
    activation : str or None
        The hidden layers' activation when they all share one (for a network
        without hidden layers, the estimator's ``activation`` parameter if it
        has one); None when they differ.
    out_activation : str
    classes : ndarray or None
        A classifier's classes; None for a regressor.
    is_regressor : bool
    loss_name : str
        The training loss: 'cross-entropy', 'half squared error' or 'half
        Poisson deviance'.
    score_name : str
        The validation score: 'accuracy' or 'R²'.
    layer_sizes : list of int
        Units per layer, the dense part's input first.
    """

    def __init__(self, estimator, what="The displays"):
        self.estimator = estimator
        self.what = what
        self.network = network = final_estimator(estimator)
        self.out_activation = network.out_activation_
        network_ = getattr(network, "network_", None)
        self._network_ = network_ if isinstance(network_, Sequential) else None
        self.is_regressor = not is_classifier(network)
        self.classes = None if self.is_regressor else network.classes_
        if self.is_regressor:
            self.loss_name = LOSS_NAMES.get(
                getattr(network, "loss", "squared_error"), "loss"
            )
            self.score_name = "R²"
        else:
            self.loss_name, self.score_name = "cross-entropy", "accuracy"

    @cached_property
    def _dense_part(self):
        """The weight layers, and the Flatten before them (or None)."""
        network = self.network
        if self._network_ is None:
            n_weight_layers = len(network.coefs_)
            weight_layers = [
                WeightLayer(
                    W,
                    b,
                    self.out_activation
                    if index == n_weight_layers - 1
                    else network.activation,
                )
                for index, (W, b) in enumerate(zip(network.coefs_, network.intercepts_))
            ]
            return weight_layers, None
        try:
            return _sknetviz_weight_layers(self._network_, self.out_activation)
        except TypeError as error:
            raise TypeError(
                f"{self.what} cannot draw {type(network).__name__}: {error}"
            ) from None

    @property
    def weight_layers(self):
        return self._dense_part[0]

    @property
    def activation(self):
        hidden = {layer.activation for layer in self.weight_layers[:-1]}
        if hidden:
            return hidden.pop() if len(hidden) == 1 else None
        return getattr(self.network, "activation", None)

    @property
    def layer_sizes(self):
        return [self.coefs[0].shape[0]] + [c.shape[1] for c in self.coefs]

    @property
    def coefs(self):
        return [layer.coef for layer in self.weight_layers]

    @property
    def intercepts(self):
        return [layer.intercept for layer in self.weight_layers]

    def transform(self, X):
        """Pass ``X`` through every step before the network, nested Pipelines too."""
        estimator = self.estimator
        while isinstance(estimator, Pipeline):
            X = estimator[:-1].transform(X)
            estimator = estimator.steps[-1][1]
        return X

    def _network_input(self, X, transformed):
        """``X`` as the rows of features the network takes, checked."""
        rows = as_array(X if transformed else self.transform(X)).astype(float)
        if self._dense_part[1] is not None and rows.ndim > 2:  # images: one row each
            rows = rows.reshape(len(rows), -1)
        n_inputs = self.network.n_features_in_
        if rows.ndim != 2 or rows.shape[1] != n_inputs:
            raise ValueError(
                f"X has {rows.shape[-1]} features after the Pipeline's steps, but "
                f"the network expects {n_inputs}."
            )
        return rows

    def steps(self, X, *, transformed=False):
        """What every weight layer computes on ``X``, step by step.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input of the estimator (of the network itself if ``transformed``).
        transformed : bool, default=False
            Whether ``X`` already went through the Pipeline's earlier steps.

        Returns
        -------
        inputs : ndarray of shape (n_samples, layer_sizes[0])
            The dense part's input.
        steps : list of dict
            One per weight layer: 'normalized', the BatchNorm's output (or
            None); 'activated', the activation's output; 'output', the
            layer's output ('activated' plus the skip, where there is one).
        """
        rows = self._network_input(X, transformed)
        out = get_activation(self.out_activation)[0]
        if self._network_ is None:
            inputs, A, steps = rows, rows, []
            for layer in self.weight_layers:
                Z = A @ layer.coef + layer.intercept
                A = get_activation(layer.activation)[0](Z, out=Z)
                steps.append({"normalized": None, "activated": A, "output": A})
            return inputs, steps
        flatten = self._dense_part[1]
        watched = [flatten] if flatten is not None else []
        for layer in self.weight_layers[:-1]:
            watched += [layer.block_end, layer.output_layer]
            if layer.batch_norm is not None:
                watched.append(layer.batch_norm)
        logits, observed = self._network_.observe(rows, watched)
        steps = [
            {
                "normalized": observed.get(layer.batch_norm),
                "activated": observed[layer.block_end],
                "output": observed[layer.output_layer],
            }
            for layer in self.weight_layers[:-1]
        ]
        probabilities = out(logits)
        steps.append(
            {"normalized": None, "activated": probabilities, "output": probabilities}
        )
        inputs = rows if flatten is None else observed[flatten]
        return inputs, steps

    def layer_outputs(self, X, *, transformed=False):
        """Outputs of every layer, input side first.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input of the estimator (of the network itself if ``transformed``).
        transformed : bool, default=False
            Whether ``X`` already went through the Pipeline's earlier steps.

        Returns
        -------
        outputs : list of ndarray
            ``outputs[0]`` is the dense part's input (a CNN's flattened
            feature maps); then one array per hidden layer (see the class
            docstring); the last is the output layer's: the class
            probabilities of a classifier, the predicted values of a regressor.
        """
        inputs, steps = self.steps(X, transformed=transformed)
        return [inputs] + [step["output"] for step in steps]

    def feature_maps(self, X, *, transformed=False):
        """What the convolutional part of a sknetviz network computes on ``X``.

        The convolutional part is the network's top-level layers before its
        last Flatten; each Conv2D and each pooling layer there is a stage. A
        block runs from a Conv2D to the next, and its activation is the
        Activation layer in it. Every stage's maps are shown activated, as
        the guide draws them: where the network pools before activating (as
        SimpleCNNClassifier does), the convolution's maps are passed through
        the block's activation here.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input of the estimator (of the network itself if ``transformed``).
        transformed : bool, default=False
            Whether ``X`` already went through the Pipeline's earlier steps.

        Returns
        -------
        images : ndarray of shape (n_samples, height, width, channels)
            What the first convolution receives.
        stages : list of dict
            One per Conv2D and pooling layer, input side first: 'kind'
            ('conv' or 'pool'), 'maps' (ndarray of shape (n_samples, h, w,
            channels), activated) and 'activation' (the block activation's
            name, or None for a block without one).
        """
        layers = [] if self._network_ is None else self._network_.layers
        flatten = _split_at_flatten(layers)[1]
        conv_part = layers[: layers.index(flatten)] if flatten is not None else layers
        starts = [i for i, layer in enumerate(conv_part) if isinstance(layer, Conv2D)]
        if not starts:
            raise TypeError(
                f"{self.what} needs a sknetviz network with convolution layers; "
                f"{type(self.network).__name__} has none."
            )
        rows = self._network_input(X, transformed)
        watched = [conv_part[starts[0] - 1]] if starts[0] > 0 else []
        stages = []
        for index, layer in enumerate(conv_part):
            if not isinstance(layer, (Conv2D, MaxPool2D, AvgPool2D)):
                continue
            block_start = max(start for start in starts if start <= index)
            block_end = next((s for s in starts if s > index), len(conv_part))
            position, activation = next(
                (
                    (i, candidate)
                    for i, candidate in enumerate(conv_part)
                    if block_start < i < block_end and isinstance(candidate, Activation)
                ),
                (-1, None),
            )
            stages.append(
                {
                    "kind": "conv" if isinstance(layer, Conv2D) else "pool",
                    "layer": layer,
                    "activate": activation if position > index else None,
                    "activation": None if activation is None else activation.name,
                }
            )
            watched.append(layer)
        _, observed = self._network_.observe(rows, watched)
        images = observed[watched[0]] if starts[0] > 0 else rows
        for stage in stages:
            maps = observed[stage.pop("layer")]
            activate = stage.pop("activate")
            stage["maps"] = maps if activate is None else activate.function(maps)
        return images, stages

    def weight_names(self):
        """One description per array in the 'weight' role, in ``coefs_`` order,
        the arrays whose gradient norms ``history_`` records.

        Returns
        -------
        names : list of str
            'fan_in→fan_out' for a dense network; with other kinds of
            weights, each says its kind: 'dense 24→64', 'conv 3x3x1→4',
            'skip projection 4→6'.
        """
        if self._network_ is None:
            return [f"{W.shape[0]}→{W.shape[1]}" for W in self.coefs]
        owners = {}  # id of a weight array -> the innermost layer holding it
        for layer in self._network_.walk():
            for array, role in zip(layer.params, layer.param_roles):
                if role == "weight":
                    owners[id(array)] = layer
        weights = self._network_.weights
        kinds = [owners[id(W)] for W in weights]
        mixed = any(not isinstance(owner, Dense) for owner in kinds)
        names = []
        for W, owner in zip(weights, kinds):
            if isinstance(owner, Conv2D):
                kh, kw, channels, filters = W.shape
                names.append(f"conv {kh}x{kw}x{channels}→{filters}")
            elif isinstance(owner, Residual):
                names.append(f"skip projection {W.shape[0]}→{W.shape[1]}")
            elif isinstance(owner, Dense):
                prefix = "dense " if mixed else ""
                names.append(f"{prefix}{W.shape[0]}→{W.shape[1]}")
            else:
                names.append(f"{type(owner).__name__} {'x'.join(map(str, W.shape))}")
        return names

    def history(self):
        """Per-epoch records: sknetviz's ``history_``, or ones built from
        scikit-learn's ``loss_curve_`` and ``validation_scores_``."""
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

    # The whole network as one vector of weights: the loss landscape's space.

    @property
    def parameters(self):
        """Every trainable array, live, in one fixed order, with its name and role.

        A sknetviz network's ``network_.params`` with their ``param_roles``
        (a Dense's weights then its biases, input side first; a BatchNorm's
        scale and shift in roles of their own); scikit-learn's MLPs, each
        layer's ``coefs_`` array ('weight') then its ``intercepts_`` array
        ('bias'). Writing into an array changes the network.

        Returns
        -------
        parameters : list of tuple (ndarray, str, str)
            ``(array, name, role)``: names count the arrays as ``coefs_``
            and ``intercepts_`` do ('coefs_[1]', 'intercepts_[0]'); an array
            in another role is named by its role and position ('scale 0').
        """
        names = {"weight": "coefs_", "bias": "intercepts_"}
        counts = {}
        parameters = []
        for array, role in self._arrays_and_roles():
            index = counts[role] = counts.get(role, -1) + 1
            name = f"{names[role]}[{index}]" if role in names else f"{role} {index}"
            parameters.append((array, name, role))
        return parameters

    def _arrays_and_roles(self):
        if self._network_ is not None:
            return list(zip(self._network_.params, self._network_.param_roles))
        pairs = []
        for W, b in zip(self.network.coefs_, self.network.intercepts_):
            pairs += [(W, "weight"), (b, "bias")]
        return pairs

    def flat_weights(self):
        """A copy of every trainable value as one vector, in :attr:`parameters`
        order, each array flattened in C order."""
        return np.concatenate([array.ravel() for array, _ in self._arrays_and_roles()])

    def set_flat_weights(self, flat):
        """Write a vector laid out as :meth:`flat_weights` into the network's
        arrays, in place."""
        arrays = [array for array, _ in self._arrays_and_roles()]
        size = sum(array.size for array in arrays)
        if len(flat) != size:
            raise ValueError(
                f"{type(self.network).__name__} has {size} weights; got a vector "
                f"of {len(flat)}."
            )
        start = 0
        for array in arrays:
            array[...] = flat[start : start + array.size].reshape(array.shape)
            start += array.size

    def network_rows(self, X, *, transformed=False):
        """``X`` as the rows of features the network takes, images flattened,
        for :meth:`outputs`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, H, W[, C])
            Input of the estimator (of the network itself if ``transformed``).
        transformed : bool, default=False
            Whether ``X`` already went through the Pipeline's earlier steps.

        Returns
        -------
        rows : ndarray of shape (n_samples, n_features_in_)
        """
        rows = as_array(X if transformed else self.transform(X)).astype(float)
        if rows.ndim > 2:
            rows = rows.reshape(len(rows), -1)
        n_inputs = self.network.n_features_in_
        if rows.ndim != 2 or rows.shape[1] != n_inputs:
            raise ValueError(
                f"X has {rows.shape[-1]} features after the Pipeline's steps, but "
                f"the network expects {n_inputs}."
            )
        return rows

    def outputs(self, rows):
        """The network's output on ``rows`` (from :meth:`network_rows`), at
        inference, with the weights it holds now: a classifier's
        probabilities, a regressor's predictions.

        Returns
        -------
        outputs : ndarray of shape (n_samples, n_outputs)
        """
        out = get_activation(self.out_activation)[0]
        if self._network_ is None:
            hidden = get_activation(self.network.activation)[0]
            A, last = rows, len(self.network.coefs_) - 1
            for index, (W, b) in enumerate(
                zip(self.network.coefs_, self.network.intercepts_)
            ):
                Z = A @ W + b
                A = (out if index == last else hidden)(Z, out=Z)
            return A
        chunk = self._network_.rows_per_chunk(rows.itemsize)
        logits = [
            self._network_.forward(rows[start : start + chunk], training=False)
            for start in range(0, len(rows), chunk)
        ]
        logits = logits[0] if len(logits) == 1 else np.concatenate(logits)
        return out(logits, out=logits)


def _is_network_estimator(network):
    """Whether ``network`` is an estimator this module reads, fitted or not:
    a sknetviz network, or one with an MLP's or a layer list's parameters."""
    if isinstance(getattr(network, "network_", None), Sequential):
        return True
    params = network.get_params(deep=False) if hasattr(network, "get_params") else {}
    return "hidden_layer_sizes" in params or "layers" in params


def network_view(estimator, what):
    """Read a fitted network, or say clearly why it cannot be read.

    Parameters
    ----------
    estimator : estimator
        A fitted sknetviz network estimator, MLPClassifier, MLPRegressor, or
        a Pipeline ending in one.
    what : str
        Name of the display asking, for the error messages.

    Returns
    -------
    view : NetworkView
    """
    network = final_estimator(estimator)
    # A network estimator is recognised by its parameters, so an unfitted one
    # is told to fit and anything else is told what is supported.
    if not _is_network_estimator(network):
        raise TypeError(f"{what} needs {SUPPORTED}; got {type(network).__name__}.")
    check_fitted(estimator, what)
    sknetviz = isinstance(getattr(network, "network_", None), Sequential)
    if not sknetviz and not all(
        hasattr(network, name)
        for name in ("coefs_", "intercepts_", "activation", "out_activation_")
    ):
        raise TypeError(
            f"{what} needs {SUPPORTED}; got {type(network).__name__}, which has no "
            "network_, nor coefs_, intercepts_, activation and out_activation_."
        )
    return NetworkView(estimator, what)
