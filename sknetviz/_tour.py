"""The guided runs behind ``python -m sknetviz``: for now the demo.

The demo re-does the guide's Keras example with MLPVisualClassifier and
draws a decision boundary from a real model. The full tour of the guide's
figures is built on the inspection displays (issue 3 onwards).
"""

import warnings
from pathlib import Path

from sklearn.datasets import load_iris, make_moons
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from ._mlp import MLPVisualClassifier


def keras_example(epochs=60, random_state=0):
    """The guide's Keras example on iris, trained by MLPVisualClassifier.

    Dense 10 ReLU -> Dense 8 ReLU -> softmax over 3 classes, adam, batches of
    32, with 20 % of the training data held out for validation. Prints one
    line per epoch and returns the test accuracy.

    The guide trains 10 epochs at Adam's default rate of 0.001; on iris's 96
    training samples that is 30 small steps, too few to fit, so the demo
    trains 60 epochs at a rate of 0.01.
    """
    X, y = load_iris(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, stratify=y, random_state=random_state
    )
    model = make_pipeline(
        StandardScaler(),
        MLPVisualClassifier(
            hidden_layer_sizes=(10, 8),
            activation="relu",
            solver="adam",
            learning_rate_init=0.01,
            batch_size=32,
            max_iter=epochs,
            early_stopping=True,  # holds out validation_fraction and scores it
            validation_fraction=0.2,
            n_iter_no_change=epochs,  # like Keras: train every epoch
            verbose=True,
            random_state=random_state,
        ),
    )
    with warnings.catch_warnings():
        # Every epoch runs by design, so reaching max_iter is not news here.
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X_train, y_train)
    accuracy = model.score(X_test, y_test)
    print(f"Test accuracy on {len(y_test)} held-out iris samples: {accuracy:.3f}")
    return accuracy


def moons_boundary(output_dir, random_state=0):
    """Fit a (16, 16) network on two moons and save its decision boundary as PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.inspection import DecisionBoundaryDisplay

    X, y = make_moons(n_samples=300, noise=0.25, random_state=random_state)
    model = MLPVisualClassifier(
        hidden_layer_sizes=(16, 16),
        learning_rate_init=0.01,
        max_iter=400,
        random_state=random_state,
    ).fit(X, y)
    fig, ax = plt.subplots(figsize=(5, 4), layout="constrained")
    display = DecisionBoundaryDisplay.from_estimator(
        model, X, response_method="predict_proba", alpha=0.6, cmap="RdBu", ax=ax
    )
    display.ax_.scatter(X[:, 0], X[:, 1], c=y, cmap="RdBu", edgecolor="k", s=18)
    ax.set_title(f"Two moons, (16, 16) ReLU network: accuracy {model.score(X, y):.2f}")
    path = Path(output_dir) / "moons_boundary.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    print(f"Wrote {path}")
    return path


def run_demo(output_dir="sknetviz-demo"):
    """Run the Keras example and write the moons boundary PNG."""
    print("== The guide's Keras example on iris, with MLPVisualClassifier ==")
    keras_example()
    print("\n== A decision boundary from a real model ==")
    moons_boundary(output_dir)
