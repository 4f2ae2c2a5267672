"""The tour behind ``python -m sknetviz tour``: the guide's figures from real training.

Each step of the guide is a function that trains small models on built-in
data and hands its figures to a :class:`TourPage`, which writes them (PNG,
and one GIF) and remembers a caption for each. :func:`run_tour` runs the
steps in the guide's order, reports progress, and ends with an index.html
that shows every figure with its caption.
"""

import contextlib
import html
import inspect
import io
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits, load_iris, make_moons
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from . import __version__
from ._cnn import SimpleCNNClassifier
from ._mlp import MLPVisualClassifier
from ._neuralnet import NeuralNetClassifier
from .datasets import make_spiral
from .inspection._style import DPI
from .nn import Dense


@dataclass
class TourPage:
    """Where a tour step puts its figures: files in a directory, entries for the page.

    Parameters
    ----------
    out_dir : path-like
        The directory the files are written to; created if missing.

    entries : list of dict, default=[]
        One per figure or listing, in order: 'kind' ('image' or 'listing'),
        'caption', and 'path' and 'call' (images) or 'text' (listings).

    Examples
    --------
    >>> import tempfile
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from sknetviz._tour import TourPage
    >>> with tempfile.TemporaryDirectory() as out_dir:
    ...     page = TourPage(out_dir)
    ...     page.figure(plt.figure(), "blank.png", "An empty figure.")
    ...     [path.name for path in page.paths], page.paths[0].stat().st_size > 0
    (['blank.png'], True)
    """

    out_dir: Path
    entries: list = field(default_factory=list)

    def __post_init__(self):
        self.out_dir = Path(self.out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)

    def figure(self, figure, filename, caption, call=None):
        """Write a matplotlib figure as PNG, close it, and keep its caption.

        ``call`` is the one line of sknetviz that drew it, shown under it.
        """
        import matplotlib.pyplot as plt

        path = self.out_dir / filename
        figure.savefig(path, dpi=DPI)
        # The tour draws a few dozen figures; closing each bounds the memory.
        plt.close(figure)
        self.entries.append(
            {"kind": "image", "path": path, "caption": caption, "call": call}
        )

    def animation(self, evolution, filename, caption, fps=10, call=None):
        """Write a BoundaryEvolutionDisplay's animation and keep its caption."""
        path = self.out_dir / filename
        evolution.save_animation(path, fps=fps)
        self.entries.append(
            {"kind": "image", "path": path, "caption": caption, "call": call}
        )

    def listing(self, text, caption):
        """Keep console output to show on the page under its caption."""
        self.entries.append({"kind": "listing", "text": text, "caption": caption})

    @property
    def paths(self):
        """The files written so far, in order."""
        return [entry["path"] for entry in self.entries if entry["kind"] == "image"]


@contextlib.contextmanager
def _short_training():
    """Silence ConvergenceWarning: the tour trains for a set number of epochs
    on purpose, so hitting max_iter is expected rather than a problem."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


def _iris_network(max_iter):
    """A (5,) ReLU network on raw iris measurements, so inputs read in cm."""
    iris = load_iris()
    network = MLPVisualClassifier(
        (5,), learning_rate_init=0.01, max_iter=max_iter, random_state=0
    )
    with _short_training():
        network.fit(iris.data, iris.target)
    return network, iris


def _neuron_step(page, quick):
    """Step 1: one hidden neuron of an iris network at work on one flower."""
    from .inspection import NeuronDisplay

    network, iris = _iris_network(max_iter=300 if quick else 1000)
    flower = iris.data[0]
    # The most excited unit, so the ReLU passes a value rather than a zero.
    pre_activations = flower @ network.coefs_[0] + network.intercepts_[0]
    unit = int(np.argmax(pre_activations))
    neuron = NeuronDisplay.from_estimator(
        network, flower, layer=0, neuron=unit, feature_names=iris.feature_names
    )
    page.figure(
        neuron.figure_,
        "01_neuron.png",
        f"Hidden unit {unit + 1} of a 4-5-3 ReLU network trained on iris, fed the "
        f"first flower (a setosa): four measurements times four weights, plus "
        f"the bias, make z = {neuron.z:.2f}; ReLU passes it on as "
        f"{neuron.output:.2f}.",
        call=f"NeuronDisplay.from_estimator(network, flower, layer=0, "
        f"neuron={unit}, feature_names=iris.feature_names)",
    )


def _activation_step(page, quick):
    """Step 2: sigmoid, tanh and ReLU with their derivatives."""
    from .inspection import ActivationFunctionDisplay

    functions = ActivationFunctionDisplay.from_names(("logistic", "tanh", "relu"))
    page.figure(
        functions.figure_,
        "02_activation_functions.png",
        "Sigmoid squeezes any z into (0, 1) and tanh into (-1, 1); ReLU keeps "
        "positive z and zeroes the rest. Dashed: the slopes that "
        "backpropagation multiplies by, at most 1/4 for the sigmoid.",
        call='ActivationFunctionDisplay.from_names(("logistic", "tanh", "relu"))',
    )


def _feedforward_step(page, quick):
    """Step 3: a whole network, as a diagram and as neurons over the plane."""
    from .inspection import NetworkDiagramDisplay, NeuronActivationDisplay

    network, iris = _iris_network(max_iter=300 if quick else 1000)
    diagram = NetworkDiagramDisplay.from_estimator(
        network,
        feature_names=iris.feature_names,
        class_names=iris.target_names,
        title="iris: 4 inputs, 5 hidden ReLU units, 3 outputs",
    )
    page.figure(
        diagram.figure_,
        "03_network_diagram.png",
        "The same iris network drawn whole, inputs on the left and classes on the "
        "right: a line's width is a weight's size, its colour the sign, and each "
        "unit is filled with the colour of its bias.",
        call="NetworkDiagramDisplay.from_estimator(network, "
        "feature_names=iris.feature_names, class_names=iris.target_names)",
    )
    X, y = make_moons(n_samples=200, noise=0.2, random_state=0)
    moons_network = MLPVisualClassifier(
        (6, 4),
        activation="tanh",
        learning_rate_init=0.01,
        max_iter=150 if quick else 400,
        random_state=0,
    )
    with _short_training():
        moons_network.fit(X, y)
    neurons = NeuronActivationDisplay.from_estimator(
        moons_network, X, y=y, grid_resolution=40 if quick else 80
    )
    page.figure(
        neurons.figure_,
        "03_neuron_activations.png",
        "A 2-6-4-1 tanh network on two moons, one heatmap per hidden unit over "
        "the input plane: each first-layer unit cuts the plane along a "
        "straight line, and the second layer bends those cuts into curves. "
        "Orange is a positive output, blue a negative one, white 0.",
        call="NeuronActivationDisplay.from_estimator(moons_network, X, y=y)",
    )


def _sgd_curves(page, quick):
    """Three learning rates of plain gradient descent, one loss curve each."""
    import matplotlib.pyplot as plt

    from .inspection import TrainingCurveDisplay

    X, y = make_moons(n_samples=200, noise=0.2, random_state=0)
    learning_rates = (0.003, 0.03, 0.3)
    figure, axes = plt.subplots(
        1, 3, figsize=(13, 3.8), sharey=True, layout="constrained"
    )
    final_losses = []
    for learning_rate, ax in zip(learning_rates, axes):
        network = MLPVisualClassifier(
            (16, 16),
            solver="sgd",
            momentum=0.0,
            batch_size=200,
            learning_rate_init=learning_rate,
            max_iter=60 if quick else 200,
            n_iter_no_change=10_000,  # every epoch runs: the curve's shape is the point
            random_state=0,
        )
        with _short_training():
            network.fit(X, y)
        final_losses.append(network.loss_)
        TrainingCurveDisplay.from_estimator(
            network, ax=ax, title=f"learning rate {learning_rate}"
        )
    losses = ", ".join(f"{loss:.2f}" for loss in final_losses)
    page.figure(
        figure,
        "04_learning_rates.png",
        f"Plain gradient descent on two moons, one step per epoch on all 200 "
        f"points: every weight moves against its gradient, by the learning "
        f"rate times that gradient. The rate sets the stride: after "
        f"{network.n_iter_} epochs the loss is {losses}, left to right.",
        call="TrainingCurveDisplay.from_estimator(network, ax=ax) for each rate",
    )


def keras_example(epochs=60, random_state=0):
    """Re-do the guide's Keras example on iris with NeuralNetClassifier.

    Dense 10 ReLU -> Dense 8 ReLU -> softmax over 3 classes, adam, batches of
    32, with 20 % of the training data held out for validation and one
    printed line per epoch in Keras's format, read from the history, like
    ``model.fit(..., validation_split=0.2)``.

    The guide trains 10 epochs at Adam's default rate of 0.001; on iris's 96
    training samples that is 30 small steps, too few to fit, so this trains
    more epochs at a rate of 0.01.

    Parameters
    ----------
    epochs : int, default=60
        Epochs trained; early stopping never cuts them short.
    random_state : int, default=0
        Seeds the train/test split and the network.

    Returns
    -------
    model : Pipeline
        A StandardScaler, then the fitted NeuralNetClassifier.
    accuracy : float
        Accuracy on the 30 held-out test flowers.

    Examples
    --------
    >>> from sknetviz._tour import keras_example
    >>> model, accuracy = keras_example(epochs=3)  # doctest: +ELLIPSIS
    Epoch 1/3 - loss: ... - val_loss: ... - val_accuracy: ...
    Epoch 2/3 - ...
    Epoch 3/3 - ...
    >>> len(model[-1].history_), 0 <= accuracy <= 1
    (3, True)
    """
    X, y = load_iris(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, stratify=y, random_state=random_state
    )
    model = make_pipeline(
        StandardScaler(),
        NeuralNetClassifier(
            layers=[Dense(10, activation="relu"), Dense(8, activation="relu")],
            solver="adam",
            learning_rate_init=0.01,
            batch_size=32,
            max_iter=epochs,
            early_stopping=True,  # holds out validation_fraction and scores it
            validation_fraction=0.2,
            n_iter_no_change=epochs,  # like Keras: train every epoch
            random_state=random_state,
        ),
    )
    with _short_training():
        model.fit(X_train, y_train)
    # Keras's lines, not the estimator's verbose ones (scikit-learn's format).
    for record in model[-1].history_:
        print(
            f"Epoch {record['epoch']}/{epochs} - loss: {record['loss']:.4f} - "
            f"val_loss: {record['val_loss']:.4f} - "
            f"val_accuracy: {record['val_score']:.4f}"
        )
    return model, model.score(X_test, y_test)


def _loss_landscape(page, quick):
    """Three learning rates of plain gradient descent, as walks on one slice
    of the loss."""
    from .inspection import LossLandscapeDisplay

    X, y = make_moons(n_samples=200, noise=0.2, random_state=0)
    network = MLPVisualClassifier(
        (16, 16), solver="sgd", momentum=0.0, batch_size=200, random_state=0
    )
    learning_rates = (0.03, 1.0, 10.0)
    epochs = 30 if quick else 40
    landscape = LossLandscapeDisplay.from_learning_rates(
        network,
        X,
        y,
        learning_rates,
        max_epochs=epochs,
        grid_resolution=31 if quick else 51,
    )
    small, good, large = (losses[-1] for losses in landscape.path_losses)
    start = landscape.path_losses[0][0]
    flies = "off the plot" if "leaves the plot" in landscape.notes_[2] else "about"
    page.figure(
        landscape.figure_,
        "04_loss_landscape.png",
        f"The same walk seen from above: the loss of the 2-16-16-1 network on "
        f"a slice through its 337 weights (the plane its path moved in most; "
        f"dark is low), with the weights after each epoch as dots. All three "
        f"runs start at a loss of {start:.2f}. At rate 0.03 the steps are too "
        f"short to reach the valley in {epochs} epochs ({small:.2f}); at 1 they "
        f"stride down into it ({good:.2f}); at 10 the first step jumps over it "
        f"and {flies}, to {large:.1f}, mostly the L2 penalty on blown-up "
        f"weights.",
        call=f"LossLandscapeDisplay.from_learning_rates(network, X, y, "
        f"{learning_rates}, max_epochs={epochs})",
    )


def _learning_step(page, quick):
    """Step 4: gradient descent's step size, and the guide's Keras example."""
    from .inspection import TrainingCurveDisplay

    _sgd_curves(page, quick)
    _loss_landscape(page, quick)
    epochs = 30 if quick else 60
    console = io.StringIO()
    with contextlib.redirect_stdout(console):
        model, accuracy = keras_example(epochs=epochs)
    console.write(f"Test accuracy on 30 held-out flowers: {accuracy:.3f}\n")
    page.listing(
        console.getvalue(),
        "The guide's Keras example (4-10-8-3, ReLU then softmax, adam, batches "
        "of 32, a fifth held out for validation), trained by "
        "MLPVisualClassifier: one line per epoch, as Keras prints them, and "
        "the accuracy on flowers it never saw.",
    )
    curve = TrainingCurveDisplay.from_estimator(
        model, title="the Keras example on iris"
    )
    page.figure(
        curve.figure_,
        "04_keras_iris_training.png",
        "The same run as curves: training loss, validation loss and, on the "
        "right axis, validation accuracy, epoch by epoch.",
        call="TrainingCurveDisplay.from_estimator(model)",
    )


def _evolution_step(page, quick):
    """Step 5: the boundary of one network, epoch by epoch, as panels and a GIF."""
    from .inspection import BoundaryEvolutionDisplay

    X, y = make_moons(n_samples=200, noise=0.2, random_state=0)
    learner = MLPVisualClassifier((16, 16), learning_rate_init=0.02, random_state=0)
    epochs = (0, 5, 20, 60) if quick else (0, 5, 20, 100)
    evolution = BoundaryEvolutionDisplay.from_estimator(
        learner,
        X,
        y,
        epochs=epochs,
        grid_resolution=40 if quick else 80,
        record_all=True,
    )
    accuracies = evolution.accuracies
    page.figure(
        evolution.figure_,
        "05_boundary_evolution.png",
        f"A 2-16-16-1 network learning two moons. At epoch 0 the weights are "
        f"random: the output drifts slowly across the plane with no sharp "
        f"boundary, right for {accuracies[0]:.0%} of the points. By epoch "
        f"{epochs[-1]} the boundary (the dark line) bends between the moons and "
        f"{accuracies[-1]:.0%} are right. Crosses mark mistakes.",
        call=f"BoundaryEvolutionDisplay.from_estimator(learner, X, y, "
        f"epochs={epochs}, record_all=True)",
    )
    page.animation(
        evolution,
        "05_boundary_evolution.gif",
        f"The same training as an animation, one frame per epoch from 0 to "
        f"{epochs[-1]}, the last held for two seconds.",
        call='evolution.save_animation("05_boundary_evolution.gif", fps=10)',
    )


def _cnn_step(page, quick):
    """Step 6: a small CNN on 8x8 digits: its kernels, and the maps of the
    test digit it is least sure of."""
    from .inspection import FeatureMapDisplay, FilterDisplay

    X, y = load_digits(return_X_y=True)
    X = X / 16  # pixels in [0, 1]
    n_train = 500 if quick else 1400
    cnn = SimpleCNNClassifier(
        learning_rate_init=0.01, max_iter=5 if quick else 15, random_state=0
    )
    with _short_training():
        cnn.fit(X[:n_train], y[:n_train])
    X_test, y_test = X[n_train:], y[n_train:]
    accuracy = cnn.score(X_test, y_test)
    kernels = FilterDisplay.from_estimator(cnn)
    page.figure(
        kernels.figure_,
        "06_cnn_filters.png",
        f"The learned 3x3 kernels of a two-block CNN trained on {n_train} "
        f"digits ({accuracy:.1%} right on the other {len(y_test)}), each block "
        f"on one scale, white at 0: the first block's 8 slide over pixels, the "
        f"second's 16 over the first's 8 feature maps (one row per map). "
        f"Filters run from the largest weight norm to the smallest.",
        call="FilterDisplay.from_estimator(cnn)",
    )
    # The digit the network hesitates over most teaches more than one it gets
    # with p = 1.00: the smallest top probability (the first if tied).
    probabilities = cnn.predict_proba(X_test)
    unsure = int(np.argmin(probabilities.max(axis=1)))
    first, second = np.argsort(-probabilities[unsure], kind="stable")[:2]
    classes, p = cnn.classes_, probabilities[unsure]
    verdict = "right" if classes[first] == y_test[unsure] else "wrong"
    maps = FeatureMapDisplay.from_estimator(
        cnn, X_test[unsure], true_class=y_test[unsure]
    )
    page.figure(
        maps.figure_,
        "06_cnn_feature_maps.png",
        f"The test digit the CNN is least sure of (test digit {unsure}, the "
        f"lowest top probability of the {len(y_test)}), a {y_test[unsure]}, "
        f"read left to right: convolution, pooling, convolution, pooling, the "
        f"dense layer's units, the class probabilities. It says "
        f"{classes[first]} with p = {p[first]:.2f}, then {classes[second]} "
        f"with p = {p[second]:.2f}: {verdict}. Each conv block's maps share "
        f"one colour scale with their pooling.",
        call=f"FeatureMapDisplay.from_estimator(cnn, X_test[{unsure}], "
        f"true_class={y_test[unsure]})",
    )


def _depth_step(page, quick):
    """Step 7: a single neuron, a shallow and a deep network on a spiral."""
    from .inspection import BoundaryComparisonDisplay

    X, y = make_spiral(n_samples=300, noise=0.05, random_state=0)
    depths = {
        "single neuron": (),
        "shallow: one layer of 8": (8,),
        "deep: three layers of 32": (32, 32, 32),
    }
    networks = [
        MLPVisualClassifier(sizes, solver="lbfgs", max_iter=300, random_state=0)
        for sizes in depths.values()
    ]
    with _short_training():
        comparison = BoundaryComparisonDisplay.from_estimators(
            networks,
            X,
            y,
            names=list(depths),
            test_size=0.3,
            random_state=0,
            grid_resolution=50 if quick else 100,
        )
    scores = ", ".join(f"{score:.2f}" for score in comparison.test_scores)
    page.figure(
        comparison.figure_,
        "07_depth_comparison.png",
        f"Two interleaved spiral arms. One neuron can only draw a straight line; "
        f"a hidden layer lets the boundary bend; three let it follow the arms. "
        f"Test accuracy, left to right: {scores} (test points ringed).",
        call="BoundaryComparisonDisplay.from_estimators(networks, X, y, "
        "names=names, test_size=0.3)",
    )


def _augmented(X, y, copies, noise, random_state):
    """X and y with ``copies`` jittered copies of every point appended."""
    rng = np.random.default_rng(random_state)
    jittered = [X + rng.normal(scale=noise, size=X.shape) for _ in range(copies)]
    return np.vstack([X, *jittered]), np.tile(y, copies + 1)


def _overfitting_networks(X, y, quick):
    """A network left to overfit and four cured ones, all fitted on X, y.

    Each takes the same number of full-batch steps at the same rate; only
    its cure differs.
    """
    n_steps = 400 if quick else 1500
    common = dict(
        hidden_layer_sizes=(64, 64),
        learning_rate_init=0.01,
        max_iter=n_steps,
        n_iter_no_change=10_000,  # train every epoch so the overfitting shows
        random_state=0,
    )
    # Augmentation as it is meant: every step trains on a fresh jitter of the
    # points, never the same one twice, so there are no points to learn by
    # heart. (A few fixed copies would only give a few more points to wrap.)
    X_jittered, y_jittered = _augmented(
        X, y, copies=n_steps - 1, noise=0.3, random_state=0
    )
    runs = {
        "no cure": (MLPVisualClassifier(**common), (X, y)),
        "L2 penalty (alpha=1)": (MLPVisualClassifier(**common, alpha=1.0), (X, y)),
        "dropout (0.5)": (MLPVisualClassifier(**common, dropout=0.5), (X, y)),
        "augmentation (jitter 0.3)": (
            MLPVisualClassifier(**{**common, "max_iter": 1}, batch_size=len(X)),
            (X_jittered, y_jittered),
        ),
        "early stopping": (
            MLPVisualClassifier(
                **{**common, "n_iter_no_change": 100},
                early_stopping=True,
                validation_fraction=0.3,
            ),
            (X, y),
        ),
    }
    with _short_training():
        networks = {
            name: network.fit(X_fit, y_fit)
            for name, (network, (X_fit, y_fit)) in runs.items()
        }
    return networks, common


def _overfitting_step(page, quick):
    """Step 8: an overfitted network and four cures, as boundaries and curves."""
    import matplotlib.pyplot as plt

    from .inspection import BoundaryComparisonDisplay
    from .inspection._style import PANEL_SIZE

    X, y = make_moons(n_samples=100, noise=0.35, random_state=2)
    # Judged on many fresh points: a test set of a few dozen would be too noisy
    # to rank the cures, and too crowded to draw.
    X_new, y_new = make_moons(n_samples=2000, noise=0.35, random_state=99)
    networks, common = _overfitting_networks(X, y, quick)
    figure, grid = plt.subplots(
        2, 3, figsize=(3 * PANEL_SIZE[0], 2 * PANEL_SIZE[1]), layout="constrained"
    )
    comparison = BoundaryComparisonDisplay.from_estimators(
        list(networks.values()),
        X,
        y,
        grid_resolution=50 if quick else 100,
        axes=grid.ravel()[:5],
    )
    new_scores = [network.score(X_new, y_new) for network in networks.values()]
    for ax, name, train, new in zip(
        comparison.axes_, networks, comparison.train_scores, new_scores
    ):
        ax.set_title(f"{name}\ntrain {train:.2f} · new data {new:.2f}")
    _accuracy_dots(grid[1, 2], list(networks), comparison.train_scores, new_scores)
    page.figure(
        figure,
        "08_overfitting_cures.png",
        f"100 noisy points of two moons, and a 2-64-64-1 network trained for "
        f"{common['max_iter']} full-batch steps five ways. Left alone, it wraps "
        f"its boundary around single points: {comparison.train_scores[0]:.2f} "
        f"right on its own data but {new_scores[0]:.2f} on 2000 new points. A "
        f"weight penalty, dropout, a fresh jitter of the points at every step "
        f"and stopping early each smooth the boundary and lift the new-data "
        f"accuracy, to {', '.join(f'{score:.2f}' for score in new_scores[1:])} "
        f"(bottom right: open dots on the training points, filled on new ones; "
        f"the dotted line is the uncured network on new points).",
        call="BoundaryComparisonDisplay.from_estimators(networks, X, y, "
        "axes=grid.ravel()[:5])",
    )
    _validation_curves(page, common, X, y, networks["early stopping"])


def _accuracy_dots(ax, names, train_scores, new_scores):
    """One row per network: its accuracy on its training points and on new ones.

    The dotted line is the uncured network's accuracy on new points, the
    baseline a cure must beat.
    """
    from .inspection._style import FONT_SIZES, INK, LINE_WIDTHS, MARKER_SIZES, MUTED

    rows = np.arange(len(names))[::-1]  # the first network on top, as read
    ax.hlines(rows, new_scores, train_scores, color=MUTED, linewidth=2)
    ax.axvline(
        new_scores[0], color=MUTED, linestyle=":", linewidth=LINE_WIDTHS["guide"]
    )
    size = MARKER_SIZES["highlight"] * 0.6
    ax.scatter(train_scores, rows, s=size, facecolors="white", edgecolors=INK, zorder=3)
    ax.scatter(new_scores, rows, s=size, color=INK, zorder=3)
    # Labelled where they are first seen, instead of a legend to look up.
    for score, text in ((train_scores[0], "training"), (new_scores[0], "new data")):
        ax.annotate(
            text,
            (score, rows[0]),
            xytext=(0, 8),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=FONT_SIZES["note"],
            color=INK,
        )
    ax.set_yticks(rows, [name.split(" (")[0] for name in names])
    ax.set_ylim(rows.min() - 0.6, rows.max() + 0.9)
    ax.set_xlim(min(new_scores) - 0.05, 1.0)
    ax.set_title("accuracy")
    ax.grid(axis="x", color=MUTED, alpha=0.25)


def _validation_curves(page, common, X, y, early_stopped):
    """Training against validation loss, with and without early stopping."""
    import matplotlib.pyplot as plt

    from .inspection import TrainingCurveDisplay
    from .inspection._style import FIGURE_SIZE

    watched = MLPVisualClassifier(
        **common, early_stopping=True, validation_fraction=0.3
    )
    with _short_training():
        watched.fit(X, y)
    figure, axes = plt.subplots(
        1, 2, figsize=(2 * FIGURE_SIZE[0], FIGURE_SIZE[1]), layout="constrained"
    )
    TrainingCurveDisplay.from_estimator(
        watched, ax=axes[0], log_scale=True, title="no cure, a validation set watched"
    )
    stopped = TrainingCurveDisplay.from_estimator(
        early_stopped, ax=axes[1], title="early stopping"
    )
    page.figure(
        figure,
        "08_early_stopping.png",
        f"The uncured network with 30% of its data held out for validation. "
        f"Both losses leave out the L2 penalty, so they compare: the training "
        f"loss keeps falling while the validation loss turns and climbs, and "
        f"the shaded gap between them widens: that is overfitting. Early "
        f"stopping ends training once the validation accuracy has not improved "
        f"for 100 epochs (here after {early_stopped.n_iter_}) and keeps the "
        f"weights of its best epoch ({stopped.best_epoch}, dotted line).",
        call="TrainingCurveDisplay.from_estimator(watched, log_scale=True)",
    )


# The four ways of the guide's vanishing-gradient story: one deep sigmoid
# network, started with small random weights, then each cure.
VANISHING_WAYS = {
    "plain": dict(init="small_normal"),
    "Xavier init": dict(init="xavier_uniform"),
    "batch norm": dict(init="small_normal", batch_norm=True),
    "residual": dict(init="small_normal", residual=True),
}


def vanishing_gradient_networks(
    X, y, epochs, depth=10, width=64, learning_rate=0.01, random_state=0
):
    """A ``depth``-hidden-layer sigmoid MLP trained four ways (VANISHING_WAYS).

    Returns
    -------
    networks : dict
        Way name -> fitted MLPVisualClassifier.
    """
    deep = dict(
        hidden_layer_sizes=(width,) * depth,
        activation="logistic",
        learning_rate_init=learning_rate,
        max_iter=epochs,
        random_state=random_state,
    )
    with _short_training():
        return {
            name: MLPVisualClassifier(**deep, **way).fit(X, y)
            for name, way in VANISHING_WAYS.items()
        }


def _gradient_step(page, quick):
    """Step 9: vanishing gradients in a deep sigmoid network, and their cures."""
    from .inspection import GradientFlowDisplay

    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X / 16, y, stratify=y, random_state=0
    )
    # At Adam's default rate batch norm's network needs about 12 epochs to
    # take off; at 0.01 it learns within 8 (and neither cure-less one does).
    epochs = 8 if quick else 20
    networks = vanishing_gradient_networks(X_train, y_train, epochs)
    # Two by two: four panels in a row shrink to unreadable on the page.
    flows = GradientFlowDisplay.from_estimators(
        list(networks.values()), names=list(networks), ncols=2
    )
    first_layer = {
        name: np.mean([r["grad_norms"][0] for r in net.history_])
        for name, net in networks.items()
    }
    accuracy = {name: net.score(X_test, y_test) for name, net in networks.items()}
    gain = {name: first_layer[name] / first_layer["plain"] for name in networks}
    page.figure(
        flows.figure_,
        "09_gradient_flow.png",
        f"How large the gradient of each weight layer is, epoch by epoch, in a "
        f"network of ten sigmoid hidden layers learning the digits (dark lines: "
        f"the input side), trained four ways for {epochs} epochs. Started with "
        f"small random weights, the gradient shrinks at every layer on its way "
        f"back: the first layer gets {first_layer['plain']:.0e} on average, and "
        f"the network gets {accuracy['plain']:.0%} of the test digits right. "
        f"Xavier's initial scale lifts the first layer's gradient "
        f"{gain['Xavier init']:.0f}-fold ({accuracy['Xavier init']:.0%}): not "
        f"enough through ten sigmoids. Batch normalization lifts it "
        f"{gain['batch norm']:.0e}-fold and residual connections "
        f"{gain['residual']:.0e}-fold, and those networks learn: "
        f"{accuracy['batch norm']:.0%} and {accuracy['residual']:.0%}.",
        call="GradientFlowDisplay.from_estimators(networks, names=names, ncols=2)",
    )


def _grid_search(X_train, y_train):
    """GridSearchCV over a scaler-and-network Pipeline: scaling, width, penalty."""
    pipeline = make_pipeline(
        StandardScaler(),
        MLPVisualClassifier(solver="lbfgs", max_iter=300, random_state=0),
    )
    grid = {
        "standardscaler": [StandardScaler(), "passthrough"],
        "mlpvisualclassifier__hidden_layer_sizes": [(4,), (16, 16)],
        "mlpvisualclassifier__alpha": [1e-4, 1.0],
    }
    search = GridSearchCV(pipeline, grid, cv=3)
    with _short_training():
        search.fit(X_train, y_train)
    return search


def _pipeline_step(page, quick):
    """Step 10: a grid search over a scaler-and-network Pipeline, and its boundary."""
    from .inspection import DecisionBoundaryDisplay

    X, y = make_moons(n_samples=200 if quick else 400, noise=0.25, random_state=0)
    X = X * [1, 50]  # as if the second feature were measured in other units
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    search = _grid_search(X_train, y_train)
    scaled = np.array(
        [
            params["standardscaler"] != "passthrough"
            for params in search.cv_results_["params"]
        ]
    )
    scores = search.cv_results_["mean_test_score"]
    best = search.best_params_
    layers = best["mlpvisualclassifier__hidden_layer_sizes"]
    alpha = best["mlpvisualclassifier__alpha"]
    boundary = DecisionBoundaryDisplay.from_estimator(
        search.best_estimator_,
        X,
        y=y,
        X_highlight=X_test,
        response_method="predict_proba",
        title=f"best: hidden_layer_sizes={layers}, alpha={alpha}",
        xlabel="x0",
        ylabel="x1, stretched 50 times",
    )
    boundary.legend_.get_texts()[-1].set_text("held out")
    page.figure(
        boundary.figure_,
        "10_grid_search.png",
        f"Two moons with the second feature stretched 50 times. A Pipeline of "
        f"StandardScaler and a network, tuned by GridSearchCV with 3-fold "
        f"cross-validation over {len(scores)} settings: scaling or not, 4 or "
        f"16-16 hidden units, a small or large weight penalty. With scaling "
        f"the best setting scores {scores[scaled].max():.2f}, without it "
        f"{scores[~scaled].max():.2f}. The winner's boundary is drawn in the "
        f"data's own units; held-out points are ringed, "
        f"{search.score(X_test, y_test):.0%} of them right.",
        call="DecisionBoundaryDisplay.from_estimator(search.best_estimator_, X, "
        "y=y, X_highlight=X_test, response_method='predict_proba')",
    )


@dataclass(frozen=True)
class TourStep:
    """One section of the tour: its heading, and the function that fills it.

    Parameters
    ----------
    title : str
        The section's heading on the page and in the progress lines.
    draw : callable
        ``draw(page, quick)`` trains what the section needs and hands each
        figure to ``page`` (a :class:`TourPage`) with its caption; ``quick``
        asks for less data and fewer epochs.
    chapter : str
        The user guide's chapter on the same topic: its page under
        ``user_guide/`` in the docs, without the suffix.
    example : str
        The gallery example that draws the same figures with more words.

    Examples
    --------
    >>> from sknetviz._tour import TOUR_STEPS
    >>> [step.title for step in TOUR_STEPS[:2]]
    ['The neuron', 'Activation functions']
    """

    title: str
    draw: Callable[["TourPage", bool], None]
    chapter: str
    example: str


TOUR_STEPS = (
    TourStep("The neuron", _neuron_step, "neuron", "plot_neuron"),
    TourStep(
        "Activation functions",
        _activation_step,
        "activation_functions",
        "plot_activation_functions",
    ),
    TourStep(
        "A feedforward network",
        _feedforward_step,
        "feedforward",
        "plot_feedforward_network",
    ),
    TourStep(
        "Learning: backpropagation and gradient descent",
        _learning_step,
        "learning",
        "plot_gradient_descent",
    ),
    TourStep(
        "The decision boundary forming",
        _evolution_step,
        "boundary_evolution",
        "plot_boundary_evolution",
    ),
    TourStep("Convolutional networks", _cnn_step, "cnn", "plot_cnn_digits"),
    TourStep(
        "One neuron, a shallow network, a deep one",
        _depth_step,
        "depth",
        "plot_boundary_depth",
    ),
    TourStep(
        "Overfitting and its cures",
        _overfitting_step,
        "overfitting",
        "plot_overfitting",
    ),
    TourStep(
        "Vanishing gradients and their cures",
        _gradient_step,
        "gradients",
        "plot_vanishing_gradients",
    ),
    TourStep(
        "Pipelines and grid search",
        _pipeline_step,
        "pipelines",
        "plot_pipeline_grid_search",
    ),
)


def _excerpt(text, head=3, tail=2, prefix="    "):
    """The first and last lines of a long console listing, indented."""
    lines = text.splitlines()
    if len(lines) > head + tail + 1:
        lines = [
            *lines[:head],
            f"... {len(lines) - head - tail} more lines",
            *lines[-tail:],
        ]
    return "".join(f"{prefix}{line}\n" for line in lines)


def _run_step(number, step, page, quick, stream):
    """Run one step, reporting its title first and its time and files after."""
    n_steps = len(TOUR_STEPS)
    stream.write(f"[{number}/{n_steps}] {step.title} ... ")
    stream.flush()
    start, n_entries = time.perf_counter(), len(page.entries)
    step.draw(page, quick)
    new_entries = page.entries[n_entries:]
    written = ", ".join(e["path"].name for e in new_entries if e["kind"] == "image")
    stream.write(f"{time.perf_counter() - start:.1f} s: {written}\n")
    for entry in new_entries:
        if entry["kind"] == "listing":
            stream.write(_excerpt(entry["text"]))
    stream.flush()
    return new_entries


def run_tour(
    out_dir="sknetviz-tour", *, quick=False, steps=None, stream=None, docs=None
):
    """Train the guide's models and write its figures and an index.html.

    Parameters
    ----------
    out_dir : path-like, default='sknetviz-tour'
        Directory for the PNGs, the GIF and index.html; created if missing.
    quick : bool, default=False
        Train on less data for fewer epochs and draw coarser grids, so the
        tour takes seconds rather than a minute. The figures show the same
        things, less crisply.
    steps : list of int, default=None
        The steps to run, numbered from 1 in the guide's order; all of
        them when None.
    stream : file-like, default=None
        Where progress goes; ``sys.stdout`` when None.
    docs : str, default=None
        Address of the HTML documentation the page links to (each section to
        its user-guide chapter and gallery example). None uses the docs built
        by ``make docs`` in this source tree if they exist; without them the
        page names the chapters and says how to build them.

    Returns
    -------
    paths : list of pathlib.Path
        Every file written, in the guide's order, index.html last.

    See Also
    --------
    keras_example : The guide's Keras example, which step 4 runs.

    Examples
    --------
    >>> import io, tempfile
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sknetviz._tour import run_tour
    >>> with tempfile.TemporaryDirectory() as out_dir:
    ...     paths = run_tour(out_dir, quick=True, steps=[2], stream=io.StringIO())
    ...     [path.name for path in paths]
    ['02_activation_functions.png', 'index.html']
    """
    stream = sys.stdout if stream is None else stream
    numbers = range(1, len(TOUR_STEPS) + 1) if steps is None else steps
    for number in numbers:
        if number not in range(1, len(TOUR_STEPS) + 1):
            raise ValueError(
                f"steps must be numbers from 1 to {len(TOUR_STEPS)}; got {number!r}."
            )
    page = TourPage(Path(out_dir))
    sections = []
    for number in numbers:
        step = TOUR_STEPS[number - 1]
        sections.append((number, step, _run_step(number, step, page, quick, stream)))
    index = page.out_dir / "index.html"
    docs = _built_docs() if docs is None else str(docs).rstrip("/")
    index.write_text(_index_html(sections, quick, docs), encoding="utf-8")
    return [*page.paths, index]


_PAGE_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 72rem; margin: 2rem auto;
       padding: 0 1rem; color: #222; line-height: 1.45; }
h2 { border-bottom: 1px solid #ccc; padding-bottom: .2rem; margin-top: 2.5rem; }
nav ol { columns: 2; column-gap: 2rem; }
figure { margin: 1.2rem 0; }
img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption, .caption { color: #444; margin-top: .4rem; }
.call { font-size: .85rem; color: #555; margin: .2rem 0 0; }
.links { font-size: .9rem; color: #555; }
pre { background: #f6f6f6; padding: .6rem; max-height: 16rem; overflow: auto;
      font-size: .8rem; }
details pre { max-height: 30rem; }
"""


def _built_docs():
    """The file address of the docs built in this source tree, or None."""
    built = Path(__file__).resolve().parent.parent / "docs" / "_build" / "html"
    return (built.as_uri()) if (built / "index.html").is_file() else None


def _entry_html(entry):
    caption = html.escape(entry["caption"])
    if entry["kind"] == "listing":
        text = html.escape(entry["text"])
        return f'<p class="caption">{caption}</p>\n<pre>{text}</pre>'
    source = html.escape(entry["path"].name, quote=True)
    call = ""
    if entry.get("call"):
        call = (
            f'\n<p class="call">Drawn by <code>{html.escape(entry["call"])}</code></p>'
        )
    return (
        f'<figure>\n<img src="{source}" alt="{caption}">\n'
        f"<figcaption>{caption}</figcaption>{call}\n</figure>"
    )


def _step_links(number, step, docs):
    """One line under a section's heading: its chapter, example and code."""
    code = f'<a href="#code-{number}">the code of this section</a>'
    if docs is None:
        return (
            f'<p class="links">User guide: <code>docs/user_guide/{step.chapter}.md'
            f"</code>; gallery: <code>examples/{step.example}.py</code> (build "
            f"both as HTML with <code>make docs</code>); {code}.</p>"
        )
    chapter = html.escape(f"{docs}/user_guide/{step.chapter}.html", quote=True)
    example = html.escape(f"{docs}/auto_examples/{step.example}.html", quote=True)
    return (
        f'<p class="links"><a href="{chapter}">The user guide\'s chapter</a>, '
        f'<a href="{example}">the gallery\'s example</a>, {code}.</p>'
    )


def _step_code(number, step):
    """The source of the function that drew a section, folded."""
    source = html.escape(inspect.getsource(step.draw))
    return (
        f'<details id="code-{number}">\n<summary>The code of this section '
        f"(<code>sknetviz._tour.{step.draw.__name__}</code>)</summary>\n"
        f"<pre>{source}</pre>\n</details>"
    )


def _contents(sections):
    items = "\n".join(
        f'<li><a href="#step-{number}">{html.escape(step.title)}</a></li>'
        for number, step, _ in sections
    )
    return f"<nav>\n<h2>Contents</h2>\n<ol>\n{items}\n</ol>\n</nav>"


def _index_html(sections, quick, docs=None):
    """The tour's page: contents, then every step's figures in order, each with
    its caption and the call that drew it, and links to the docs and code."""
    run = "a quick run: less data, fewer epochs" if quick else "a full run"
    docs_link = (
        f'<a href="{html.escape(docs + "/index.html", quote=True)}">the '
        f"documentation</a>"
        if docs
        else "the documentation (<code>make docs</code> builds it)"
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        '<head>\n<meta charset="utf-8">',
        "<title>The sknetviz tour</title>",
        f"<style>{_PAGE_STYLE}</style>\n</head>\n<body>",
        "<h1>The sknetviz tour</h1>",
        f"<p>The figures of the visual guide to neural networks, drawn from "
        f"models trained just now on scikit-learn's built-in data by sknetviz "
        f"{html.escape(__version__)} ({run}). Under every picture is the call "
        f"that drew it; each section links to its chapter of {docs_link}, to "
        f"the gallery example that draws it at more length, and to its "
        f"code.</p>",
        _contents(sections),
    ]
    for number, step, entries in sections:
        parts.append(
            f'<section id="step-{number}">\n<h2>{number}. '
            f"{html.escape(step.title)}</h2>"
        )
        parts.append(_step_links(number, step, docs))
        parts.extend(_entry_html(entry) for entry in entries)
        parts.append(_step_code(number, step))
        parts.append("</section>")
    parts.append("</body>\n</html>\n")
    return "\n".join(parts)
