"""Benchmark: accuracy on load_digits, sknetviz beside scikit-learn's MLPClassifier.

Run it from the project root::

    python benchmarks/bench_accuracy.py            # random_state=0, as documented
    python benchmarks/bench_accuracy.py --seeds 6  # random_state 0-5: mean, range

Workload
    ``load_digits`` (1797 8x8 images, 10 classes), scored by 5-fold
    cross-validation, ``StratifiedKFold(5, shuffle=True, random_state=0)``
    (shuffled: load_digits is ordered by writer), ``n_jobs=1``. The folds
    are the same for every model and seed; only the models' ``random_state``
    changes with ``--seeds``.

Models, in pairs that see the same input
    * ``SimpleCNNClassifier(random_state=seed)``, its defaults otherwise (the
      guide's two conv/pool blocks of 8 and 16 filters, a dense layer of 64),
      on ``X / 16``: pixels in [0, 1], each image kept whole. Beside it
      ``MLPClassifier(random_state=seed)`` on the same ``X / 16``.
    * ``make_pipeline(MinMaxScaler(), MLPVisualClassifier(max_iter=300,
      random_state=seed))``, beside the same pipeline ending in
      ``MLPClassifier(max_iter=300, random_state=seed)``.

What is reported
    For each model: the mean accuracy over the five folds (with ``--seeds``,
    the mean of those means, and their range over seeds), the lowest and
    highest fold, the wall time of the cross-validation, the ratio of its mean
    to scikit-learn's in the same pair, and the documented floor it should
    reach (README and docs/cnn.md quote these figures): PASS or FAIL.
    ConvergenceWarning is silenced, as the models stop at max_iter on purpose.
"""

import argparse
import statistics
import time
import warnings

import numpy as np
from _common import describe_environment, load_average, numpy_blas_threads
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler

from sknetviz import MLPVisualClassifier, SimpleCNNClassifier

N_FOLDS = 5
FOLDS_SEED = 0


def _cnn(seed):
    return SimpleCNNClassifier(random_state=seed)


def _cnn_peer(seed):
    return MLPClassifier(random_state=seed)


def _mlp(seed):
    return make_pipeline(
        MinMaxScaler(), MLPVisualClassifier(max_iter=300, random_state=seed)
    )


def _mlp_peer(seed):
    return make_pipeline(MinMaxScaler(), MLPClassifier(max_iter=300, random_state=seed))


# (name, input, model factory, floor, the name of its scikit-learn peer);
# a peer has no floor and no peer of its own.
PAIRS = [
    (
        ("SimpleCNNClassifier()", "X / 16", _cnn, 0.985),
        ("MLPClassifier()", "X / 16", _cnn_peer, None),
    ),
    (
        ("MLPVisualClassifier(max_iter=300)", "MinMaxScaler", _mlp, 0.975),
        ("MLPClassifier(max_iter=300)", "MinMaxScaler", _mlp_peer, None),
    ),
]


def cross_validate(factory, X, y, seeds):
    """Fold scores (one row per seed) and the seconds of each cross-validation."""
    cv = StratifiedKFold(N_FOLDS, shuffle=True, random_state=FOLDS_SEED)
    scores, seconds = [], []
    for seed in seeds:
        started = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            scores.append(cross_val_score(factory(seed), X, y, cv=cv, n_jobs=1))
        seconds.append(time.perf_counter() - started)
    return np.array(scores), seconds


def _row(name, data, scores, seconds, floor, peer_mean):
    means = scores.mean(axis=1)
    mean = means.mean()
    seeds_range = f"{means.min():.4f}-{means.max():.4f}" if len(means) > 1 else "-"
    folds = f"{scores.min():.3f}-{scores.max():.3f}"
    ratio = f"{mean / peer_mean:.3f}" if peer_mean else "1.000"
    floor_text = f">= {floor}" if floor else "-"
    result = ("PASS" if mean >= floor else "FAIL") if floor else "-"
    return (
        f"{name:34s} {data:12s} {mean:7.4f} {seeds_range:>13s} {folds:>11s} "
        f"{statistics.median(seconds):6.1f} {ratio:>6s} {floor_text:>8s}  {result}"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--seeds",
        type=int,
        default=1,
        help="models' random_state runs from 0 to SEEDS - 1 (default: 1)",
    )
    args = parser.parse_args(argv)
    if args.seeds < 1:
        parser.error(f"--seeds must be at least 1; got {args.seeds}")
    seeds = range(args.seeds)

    print("sknetviz accuracy benchmark")
    print("=" * 27)
    describe_environment(numpy_blas_threads(), [])
    X, y = load_digits(return_X_y=True)
    print(
        f"data: load_digits, {X.shape[0]} images of 8x8, {len(np.unique(y))} "
        f"classes; {N_FOLDS}-fold StratifiedKFold(shuffle=True, "
        f"random_state={FOLDS_SEED}); models' random_state {seeds[0]} to "
        f"{seeds[-1]}"
    )
    print(f"before, {load_average()}")
    inputs = {"X / 16": X / 16, "MinMaxScaler": X}
    rows = []
    for ours, peer in PAIRS:
        results = {}
        for name, data, factory, _ in (ours, peer):
            results[name] = cross_validate(factory, inputs[data], y, seeds)
            print(
                f"  {name} on {data}: {results[name][0].mean():.4f} "
                f"in {sum(results[name][1]):.1f} s",
                flush=True,
            )
        peer_mean = results[peer[0]][0].mean()
        for name, data, _, floor in (ours, peer):
            ratio_base = peer_mean if floor else None
            rows.append(_row(name, data, *results[name], floor, ratio_base))
    print(f"after, {load_average()}")

    print()
    header = (
        f"{'model':34s} {'input':12s} {'mean':>7s} {'seeds range':>13s} "
        f"{'folds':>11s} {'s/cv':>6s} {'ratio':>6s} {'floor':>8s}  result"
    )
    print(header)
    print("-" * len(header))
    print("\n".join(rows))
    print(
        f"(mean: accuracy over the {N_FOLDS} folds, averaged over seeds; seeds "
        "range: of the per-seed means; folds: lowest and highest fold; s/cv: "
        "median wall time of one cross-validation; ratio: mean vs the "
        "MLPClassifier on the same input)"
    )


if __name__ == "__main__":
    main()
