"""Where the divergence rule draws its line: weight growth of working and runaway runs.

sknetviz raises ``DivergenceError`` when, after an epoch, the weights'
root-mean-square exceeds ``RUNAWAY_GROWTH`` (1e4) times its value at
initialisation (sknetviz/_training.py, ``check_divergence``). This script
trains a panel of (32, 32) networks (moons, circles, digits, iris unscaled,
moons x100; adam and sgd; learning rates 1e-3 to 1; dropout 0 and 0.3;
alpha 0 and 1e-4; 300 epochs) with the rule switched off, and prints for each
the largest growth it reached and its training accuracy, beside scikit-learn's
MLPClassifier on the same run. It reports the largest growth of any run that
works (training accuracy above 0.8) and the smallest of the runs that run
away (growth above the limit), so the margin on either side is visible.

Run: ``.venv/bin/python benchmarks/bench_divergence.py`` (about 2 minutes).
"""

import itertools
import warnings

import numpy as np
from sklearn.datasets import load_digits, load_iris, make_circles, make_moons
from sklearn.neural_network import MLPClassifier

import sknetviz._training as training
from sknetviz import MLPVisualClassifier
from sknetviz._training import Hook, weight_rms


class _LargestGrowth(Hook):
    """Record the largest weight growth over the epochs of a run."""

    def __init__(self):
        self.largest = 0.0

    def on_epoch_end(self, state):
        growth = weight_rms(state.network) / state.initial_weight_rms
        self.largest = max(self.largest, growth)


def _data_sets():
    X_moons, y_moons = make_moons(300, noise=0.2, random_state=1)
    X_digits, y_digits = load_digits(return_X_y=True)
    X_circles, y_circles = make_circles(300, noise=0.1, factor=0.5, random_state=0)
    return {
        "moons": (X_moons, y_moons),
        "circles": (X_circles, y_circles),
        "digits/16": (X_digits / 16, y_digits),
        "iris unscaled": load_iris(return_X_y=True),
        "moons x100": (X_moons * 100, y_moons),
    }


def _run(X, y, **params):
    """The largest growth and the accuracy of one sknetviz run, rule off."""
    recorder = _LargestGrowth()
    clf = MLPVisualClassifier((32, 32), max_iter=300, random_state=0, **params)
    prepare = clf._prepare_split_and_hooks

    def with_recorder(*args):
        *training_data, hooks = prepare(*args)
        return *training_data, [recorder, *hooks]

    clf._prepare_split_and_hooks = with_recorder
    try:
        clf.fit(X, y)
        score = clf.score(X, y)
    except ValueError:  # non-finite: the older rule, still in force
        return np.inf, float("nan")
    return recorder.largest, score


def _sklearn_score(X, y, dropout, **params):
    if dropout:
        return float("nan")
    with np.errstate(all="ignore"):
        clf = MLPClassifier((32, 32), max_iter=300, random_state=0, **params)
        try:
            return clf.fit(X, y).score(X, y)
        except ValueError:
            return float("nan")


def main():
    warnings.simplefilter("ignore")
    limit = training.RUNAWAY_GROWTH
    training.RUNAWAY_GROWTH = np.inf  # measure, do not stop
    rows = []
    grid = itertools.product(
        _data_sets().items(), ["adam", "sgd"], [1e-3, 1e-2, 0.1, 1.0], [0.0, 0.3]
    )
    for (name, (X, y)), solver, rate, dropout in grid:
        for alpha in (0.0, 1e-4):
            params = dict(solver=solver, learning_rate_init=rate, alpha=alpha)
            growth, score = _run(X, y, dropout=dropout, **params)
            theirs = _sklearn_score(X, y, dropout, **params)
            rows.append((growth, score, theirs, name, solver, rate, dropout, alpha))
    training.RUNAWAY_GROWTH = limit
    rows.sort(key=lambda row: -row[0])
    print(
        f"{'growth':>10} {'ours':>6} {'sklearn':>7}  data, solver, lr, dropout, alpha"
    )
    for growth, score, theirs, *setting in rows[:25]:
        print(f"{growth:10.3g} {score:6.3f} {theirs:7.3f}  {setting}")
    working = [row[0] for row in rows if row[1] > 0.8]
    runaway = [row for row in rows if row[0] > limit]
    print(f"\nruns: {len(rows)}; the limit: {limit:g} times the initial RMS")
    print(f"largest growth of a working run (accuracy > 0.8): {max(working):.3g}")
    if runaway:
        smallest = min(row[0] for row in runaway)
        best = max(row[1] for row in runaway)
        sklearn_best = np.nanmax([row[2] for row in runaway])
        print(
            f"runaways flagged: {len(runaway)}, the smallest growth {smallest:.3g}; "
            f"their best accuracy {best:.3f} (scikit-learn on the same runs, "
            f"returned without a word: at best {sklearn_best:.3f})"
        )


if __name__ == "__main__":
    main()
