"""Benchmark: sknetviz.MLPVisualClassifier against scikit-learn's MLPClassifier.

Run it from the project root::

    python benchmarks/bench_mlp.py                          # the full benchmark
    python benchmarks/bench_mlp.py --n-samples 4000 --repeats 1   # a quick check

Workload
    ``make_classification(n_samples=20000, n_features=784, n_informative=50,
    n_redundant=0, n_classes=10, random_state=0)`` with X cast to float32 (so
    every library trains in float32); a 784-256-128-10 ReLU network, Adam with
    learning rate 1e-3, batch size 200, samples shuffled every epoch, and
    ``tol=0`` with a huge ``n_iter_no_change`` so that every epoch runs.
    ConvergenceWarning is silenced.

Libraries, all run in the same invocation
    * ``sknetviz``: ``MLPVisualClassifier`` with scikit-learn's defaults
      (alpha=1e-4), no dropout;
    * ``sknetviz+dropout``: the same with ``dropout=0.2``;
    * ``sklearn``: ``sklearn.neural_network.MLPClassifier`` with the same
      parameters (the baseline of every ratio);
    * ``torch`` (only when ``import torch`` works, else a line says it was
      skipped): ``nn.Sequential(Linear(784, 256), ReLU, Linear(256, 128), ReLU,
      Linear(128, 10))``, ``CrossEntropyLoss``, ``torch.optim.Adam(lr=1e-3)``
      without weight decay, batches of 200 from a new permutation every
      epoch, float32, ``torch.set_num_threads`` set to numpy's BLAS thread
      count.

What is timed (seconds per epoch)
    For each library and repeat: a fresh model is trained for 1 warm-up epoch,
    untimed; then ``--epochs`` more epochs are timed with
    ``time.perf_counter`` in one go and the time is divided by ``--epochs``.
    For the two scikit-learn-style estimators the warm-up is
    ``fit(max_iter=1)`` with ``warm_start=True`` and the timed part is one
    second ``fit(max_iter=epochs)`` call, which continues from the warm-up
    weights; that call also does its per-call input validation and label
    binarisation and makes a fresh Adam optimizer, for both estimators alike.
    For torch the timed part is the epoch loop itself (including ``loss.item()``
    every batch, as the scikit-learn estimators also compute each batch's loss).
    Imports and data creation are never timed. The libraries run interleaved
    (sknetviz, sknetviz+dropout, sklearn, torch, then again ``--repeats``
    times) in this one process, and the reported figure is the median over the
    repeats, so that a noisy neighbour on the shared machine hits every library
    alike. The targets are ratios of medians: sknetviz / sklearn <= 0.8 without
    dropout and <= 1.0 with dropout 0.2.

What is measured (peak memory)
    The extra peak resident memory of training, per library in isolation: each
    library is run once more in a fresh child process (this script with a
    hidden flag) that imports its library, builds the same data, runs
    ``gc.collect()``, resets the kernel's peak-RSS mark (writing 5 to
    ``/proc/self/clear_refs``), then trains exactly as above (model creation,
    warm-up epoch and timed epochs) and reports ``VmHWM - VmRSS-before`` from
    ``/proc/self/status``. RSS is used for every library because tracemalloc
    does not see torch's allocator. Where the peak mark cannot be reset, the
    child falls back to the ``ru_maxrss`` delta, which can hide training
    memory below the data-creation peak; the output says which method ran.
"""

import argparse
import gc
import json
import statistics
import time
import warnings

import numpy as np
from _common import (
    TORCH,
    describe_environment,
    extra_peak_rss,
    measure_memory_of_all,
    numpy_blas_threads,
    time_interleaved,
    time_torch_epochs,
    torch_available,
    verdict,
)

HIDDEN = (256, 128)
N_FEATURES = 784
N_CLASSES = 10
N_INFORMATIVE = 50
BATCH_SIZE = 200
LEARNING_RATE = 1e-3
DROPOUT = 0.2

SKNETVIZ = "sknetviz"
SKNETVIZ_DROPOUT = "sknetviz+dropout"
SKLEARN = "sklearn"
# Target of each library's (s/epoch) / (sklearn's s/epoch).
TARGETS = {SKNETVIZ: 0.8, SKNETVIZ_DROPOUT: 1.0}


# --------------------------------------------------------------------- data


def make_data(n_samples):
    """The workload's X (float32, C-contiguous) and y (int labels)."""
    from sklearn.datasets import make_classification

    X, y = make_classification(
        n_samples=n_samples,
        n_features=N_FEATURES,
        n_informative=N_INFORMATIVE,
        n_redundant=0,
        n_classes=N_CLASSES,
        random_state=0,
    )
    return np.ascontiguousarray(X, dtype=np.float32), y


# ----------------------------------------------------------------- training


def _estimator(library, seed):
    params = dict(
        hidden_layer_sizes=HIDDEN,
        activation="relu",
        solver="adam",
        batch_size=BATCH_SIZE,
        learning_rate_init=LEARNING_RATE,
        max_iter=1,
        shuffle=True,
        tol=0.0,
        n_iter_no_change=10**6,
        warm_start=True,
        random_state=seed,
    )
    if library == SKLEARN:
        from sklearn.neural_network import MLPClassifier

        return MLPClassifier(**params)
    from sknetviz import MLPVisualClassifier

    dropout = DROPOUT if library == SKNETVIZ_DROPOUT else 0.0
    return MLPVisualClassifier(**params, dropout=dropout)


def _train_estimator(library, X, y, epochs, seed):
    from sklearn.exceptions import ConvergenceWarning

    estimator = _estimator(library, seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        estimator.fit(X, y)  # the untimed warm-up epoch
        estimator.set_params(max_iter=epochs)
        started = time.perf_counter()
        estimator.fit(X, y)  # continues from the warm-up (warm_start=True)
        seconds = time.perf_counter() - started
    if len(estimator.loss_curve_) != 1 + epochs:
        raise RuntimeError(
            f"{library} ran {len(estimator.loss_curve_) - 1} timed epochs, not {epochs}"
        )
    return seconds / epochs, float(estimator.loss_)


def _train_torch(X, y, epochs, seed):
    import torch
    from torch import nn

    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    X_t = torch.from_numpy(X)
    y_t = torch.from_numpy(y.astype(np.int64))
    model = nn.Sequential(
        nn.Linear(N_FEATURES, HIDDEN[0]),
        nn.ReLU(),
        nn.Linear(HIDDEN[0], HIDDEN[1]),
        nn.ReLU(),
        nn.Linear(HIDDEN[1], N_CLASSES),
    )
    return time_torch_epochs(
        model,
        X_t,
        y_t,
        batch_size=BATCH_SIZE,
        learning_rate=LEARNING_RATE,
        epochs=epochs,
        generator=generator,
    )


def train(library, X, y, epochs, seed):
    """Warm up one epoch, time ``epochs`` more: (seconds per epoch, final loss)."""
    if library == TORCH:
        return _train_torch(X, y, epochs, seed)
    return _train_estimator(library, X, y, epochs, seed)


# ------------------------------------------------------------------- memory


def memory_child(library, n_samples, epochs, threads):
    """Run in a fresh process: print the extra peak RSS of training as JSON."""
    if library == TORCH:
        import torch

        torch.set_num_threads(threads)
    else:
        import sklearn.neural_network  # noqa: F401

        import sknetviz  # noqa: F401
    X, y = make_data(n_samples)
    gc.collect()
    print(json.dumps(extra_peak_rss(lambda: train(library, X, y, epochs, seed=0))))


# ------------------------------------------------------------------- report


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="interleaved repeats")
    parser.add_argument("--epochs", type=int, default=5, help="timed epochs per run")
    parser.add_argument("--n-samples", type=int, default=20000, help="samples")
    parser.add_argument("--memory-child", help=argparse.SUPPRESS)
    parser.add_argument("--threads", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.repeats < 1 or args.epochs < 1 or args.n_samples < BATCH_SIZE:
        parser.error(f"need repeats >= 1, epochs >= 1 and n-samples >= {BATCH_SIZE}")

    if args.memory_child:
        memory_child(args.memory_child, args.n_samples, args.epochs, args.threads)
        return

    libraries = [SKNETVIZ, SKNETVIZ_DROPOUT, SKLEARN]
    threads = numpy_blas_threads()
    has_torch = torch_available()
    if has_torch:
        import torch

        torch.set_num_threads(threads)
        libraries.append(TORCH)

    print("sknetviz MLP benchmark")
    print("=" * 22)
    describe_environment(threads, libraries)
    if not has_torch:
        print("torch: skipped (import torch failed)")

    started = time.perf_counter()
    X, y = make_data(args.n_samples)
    print(
        f"data: make_classification, X {X.shape[0]} x {X.shape[1]} {X.dtype} "
        f"({X.nbytes / 2**20:.1f} MiB), {N_CLASSES} classes, "
        f"n_informative={N_INFORMATIVE}, random_state=0 "
        f"(built in {time.perf_counter() - started:.1f} s, untimed)"
    )
    print(
        f"model: {N_FEATURES}-{HIDDEN[0]}-{HIDDEN[1]}-{N_CLASSES} ReLU, adam "
        f"lr={LEARNING_RATE:g}, batch {BATCH_SIZE}, shuffled each epoch; "
        f"sknetviz+dropout uses dropout={DROPOUT}"
    )
    print(
        f"timing: per run 1 untimed warm-up epoch, then {args.epochs} timed epochs; "
        f"{args.repeats} interleaved repeats; figure = median s/epoch"
    )
    seconds, losses = time_interleaved(
        libraries, train, X, y, args.epochs, args.repeats
    )
    del X, y
    gc.collect()

    memory = measure_memory_of_all(
        __file__,
        libraries,
        "--n-samples",
        str(args.n_samples),
        "--epochs",
        str(args.epochs),
        "--threads",
        str(threads),
    )
    print(
        "  final training loss (median over repeats, sanity check): "
        + ", ".join(f"{lib} {statistics.median(losses[lib]):.4f}" for lib in libraries)
    )

    median = {library: statistics.median(seconds[library]) for library in libraries}
    baseline = median[SKLEARN]
    print()
    for library, target in TARGETS.items():
        ratio = median[library] / baseline
        print(
            f"ratio {library} / sklearn: {ratio:.3f} (target <= {target}) "
            f"{verdict(ratio, target)}"
        )
    if has_torch:
        print(f"ratio torch / sklearn: {median[TORCH] / baseline:.3f} (no target)")
    else:
        print("torch: skipped (import torch failed), no torch figures")

    print()
    header = (
        f"{'library':18s} {'s/epoch':>8s} {'min-max':>13s} {'peak MiB':>9s} "
        f"{'ratio':>6s} {'target':>7s}  result"
    )
    print(header)
    print("-" * len(header))
    for library in libraries:
        ratio = median[library] / baseline
        target = TARGETS.get(library)
        spread = f"{min(seconds[library]):.3f}-{max(seconds[library]):.3f}"
        print(
            f"{library:18s} {median[library]:8.3f} {spread:>13s} "
            f"{memory[library]['extra_kib'] / 1024:9.1f} {ratio:6.3f} "
            f"{'<= ' + str(target) if target else '-':>7s}  "
            f"{verdict(ratio, target) if target else '-'}"
        )
    print(
        "(s/epoch: median over repeats; peak MiB: extra peak RSS of training; "
        "ratio: s/epoch vs sklearn)"
    )


if __name__ == "__main__":
    main()
