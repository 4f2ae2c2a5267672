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
    * ``sknetviz+batchnorm``: the same as ``sknetviz`` with
      ``batch_norm=True``, a BatchNorm (momentum 0.1, epsilon 1e-5) between
      each hidden Dense and its ReLU;
    * ``sklearn``: ``sklearn.neural_network.MLPClassifier`` with the same
      parameters (the baseline of the sknetviz, sknetviz+dropout and torch
      ratios);
    * ``torch`` (only when ``import torch`` works, else a line says it was
      skipped): ``nn.Sequential(Linear(784, 256), ReLU, Linear(256, 128), ReLU,
      Linear(128, 10))``, ``CrossEntropyLoss``, ``torch.optim.Adam(lr=1e-3)``
      without weight decay, batches of 200 from a new permutation every
      epoch, float32, ``torch.set_num_threads`` set to numpy's BLAS thread
      count;
    * ``torch+batchnorm`` (with torch, for reference only): the same torch
      network with ``BatchNorm1d`` between each hidden ``Linear`` and its
      ``ReLU``, as in ``sknetviz+batchnorm``.

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
    (sknetviz, sknetviz+dropout, sknetviz+batchnorm, sklearn, torch,
    torch+batchnorm, then again ``--repeats`` times) in this one process, and
    the reported figure is the median over the repeats, so that a noisy
    neighbour on the shared machine hits every library alike. The targets are
    ratios of medians: sknetviz / sklearn <= 0.8 without dropout and
    sknetviz+dropout / sklearn <= 1.0 with dropout 0.2; what BatchNorm adds is
    judged against sknetviz's own network, sknetviz+batchnorm / sknetviz
    <= 1.3. The ratios torch / sklearn and torch+batchnorm / torch are printed
    for reference, without targets. Beside each ratio of medians, the range of
    the same ratio within each repeat shows how far the noise moved it.

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
SKNETVIZ_BATCHNORM = "sknetviz+batchnorm"
SKLEARN = "sklearn"
TORCH_BATCHNORM = "torch+batchnorm"
TORCH_LIBRARIES = (TORCH, TORCH_BATCHNORM)
# Each library's target: (the library whose s/epoch divides its own, the
# highest ratio that passes). BatchNorm's cost is measured against the same
# network without it, whatever sklearn's speed.
TARGETS = {
    SKNETVIZ: (SKLEARN, 0.8),
    SKNETVIZ_DROPOUT: (SKLEARN, 1.0),
    SKNETVIZ_BATCHNORM: (SKNETVIZ, 1.3),
}
# Ratios printed for reference only: library -> the library dividing it.
REFERENCES = {TORCH: SKLEARN, TORCH_BATCHNORM: TORCH}


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
    batch_norm = library == SKNETVIZ_BATCHNORM
    return MLPVisualClassifier(**params, dropout=dropout, batch_norm=batch_norm)


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


def _torch_model(batch_norm):
    from torch import nn

    layers = []
    width = N_FEATURES
    for size in HIDDEN:
        layers.append(nn.Linear(width, size))
        if batch_norm:
            layers.append(nn.BatchNorm1d(size))
        layers.append(nn.ReLU())
        width = size
    layers.append(nn.Linear(width, N_CLASSES))
    return nn.Sequential(*layers)


def _train_torch(X, y, epochs, seed, batch_norm):
    import torch

    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    X_t = torch.from_numpy(X)
    y_t = torch.from_numpy(y.astype(np.int64))
    model = _torch_model(batch_norm)
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
    if library in TORCH_LIBRARIES:
        return _train_torch(X, y, epochs, seed, batch_norm=library == TORCH_BATCHNORM)
    return _train_estimator(library, X, y, epochs, seed)


# ------------------------------------------------------------------- memory


def memory_child(library, n_samples, epochs, threads):
    """Run in a fresh process: print the extra peak RSS of training as JSON."""
    if library in TORCH_LIBRARIES:
        import torch

        torch.set_num_threads(threads)
    else:
        import sklearn.neural_network  # noqa: F401

        import sknetviz  # noqa: F401
    X, y = make_data(n_samples)
    gc.collect()
    print(json.dumps(extra_peak_rss(lambda: train(library, X, y, epochs, seed=0))))


# ------------------------------------------------------------------- report


def ratio_and_range(seconds, library, denominator):
    """The ratio of the two libraries' median s/epoch, and the lowest and
    highest ratio of their s/epoch within one repeat (the noise's reach)."""
    paired = [
        mine / theirs for mine, theirs in zip(seconds[library], seconds[denominator])
    ]
    ratio = statistics.median(seconds[library]) / statistics.median(
        seconds[denominator]
    )
    return ratio, min(paired), max(paired)


def print_ratios(seconds, has_torch):
    """One line per target, then the torch reference ratios."""
    for library, (denominator, target) in TARGETS.items():
        ratio, low, high = ratio_and_range(seconds, library, denominator)
        print(
            f"ratio {library} / {denominator}: {ratio:.3f} (target <= {target}) "
            f"{verdict(ratio, target)}  [per repeat {low:.3f}-{high:.3f}]"
        )
    if not has_torch:
        print("torch: skipped (import torch failed), no torch figures")
        return
    for library, denominator in REFERENCES.items():
        ratio, low, high = ratio_and_range(seconds, library, denominator)
        print(
            f"ratio {library} / {denominator}: {ratio:.3f} (reference, no "
            f"target)  [per repeat {low:.3f}-{high:.3f}]"
        )


def print_table(seconds, memory, libraries):
    """A row per library: time, spread, memory, ratio to sklearn and target."""
    median = {library: statistics.median(seconds[library]) for library in libraries}
    header = (
        f"{'library':18s} {'s/epoch':>8s} {'min-max':>13s} {'peak MiB':>9s} "
        f"{'ratio':>6s}  {'target':28s}  result"
    )
    print(header)
    print("-" * len(header))
    for library in libraries:
        target_text, result = "-", "-"
        if library in TARGETS:
            denominator, target = TARGETS[library]
            ratio = ratio_and_range(seconds, library, denominator)[0]
            target_text = f"/ {denominator} {ratio:.3f} <= {target}"
            result = verdict(ratio, target)
        elif library in REFERENCES:
            denominator = REFERENCES[library]
            ratio = ratio_and_range(seconds, library, denominator)[0]
            target_text = f"/ {denominator} {ratio:.3f} (reference)"
        spread = f"{min(seconds[library]):.3f}-{max(seconds[library]):.3f}"
        print(
            f"{library:18s} {median[library]:8.3f} {spread:>13s} "
            f"{memory[library]['extra_kib'] / 1024:9.1f} "
            f"{median[library] / median[SKLEARN]:6.3f}  {target_text:28s}  {result}"
        )
    print(
        "(s/epoch: median over repeats; peak MiB: extra peak RSS of training; "
        "ratio: s/epoch vs sklearn; target: the ratio each target is on)"
    )


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
    if args.n_samples % BATCH_SIZE == 1:
        # torch's BatchNorm1d raises on the last batch of a single sample.
        parser.error(
            f"n-samples must not leave a last batch of one sample (n-samples % "
            f"{BATCH_SIZE} == 1), got {args.n_samples}"
        )

    if args.memory_child:
        memory_child(args.memory_child, args.n_samples, args.epochs, args.threads)
        return

    libraries = [SKNETVIZ, SKNETVIZ_DROPOUT, SKNETVIZ_BATCHNORM, SKLEARN]
    threads = numpy_blas_threads()
    has_torch = torch_available()
    if has_torch:
        import torch

        torch.set_num_threads(threads)
        libraries += TORCH_LIBRARIES

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
        f"sknetviz+dropout uses dropout={DROPOUT}; sknetviz+batchnorm and "
        "torch+batchnorm put a BatchNorm between each hidden layer and its ReLU"
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

    print()
    print_ratios(seconds, has_torch)
    print()
    print_table(seconds, memory, libraries)


if __name__ == "__main__":
    main()
