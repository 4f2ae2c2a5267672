"""Benchmark: sknetviz.SimpleCNNClassifier against the same network in PyTorch.

Run it from the project root::

    python benchmarks/bench_cnn.py                                 # the full benchmark
    python benchmarks/bench_cnn.py --n-samples 2000 --repeats 1 --epochs 1  # quick

Workload
    ``rng = np.random.default_rng(0); X = rng.random((n, 784), dtype=np.float32);
    y = rng.integers(0, 10, n)``: 10,000 random 28x28 one-channel float32
    images in 10 classes by default. The network is conv(8, 3x3, 'same') -
    ReLU - maxpool 2 - conv(16, 3x3, 'same') - ReLU - maxpool 2 - flatten -
    dense(10), trained with Adam (learning rate 1e-3), batch size 64, samples
    shuffled every epoch, float32.

Libraries, all run in the same invocation
    * ``sknetviz``: ``SimpleCNNClassifier(filters=(8, 16), kernel_size=3,
      pool_size=2, hidden_layer_sizes=(), image_shape=(28, 28), batch_size=64,
      solver='adam', random_state=seed, tol=0, n_iter_no_change=10**9)`` with
      ``warm_start=True`` and otherwise its defaults (alpha=1e-4); X is given as
      rows of 784 features. ConvergenceWarning is silenced.
    * ``torch`` (only when ``import torch`` works, else a line says it was
      skipped; it is the baseline of the ratio): ``nn.Sequential(Conv2d(1, 8, 3,
      padding=1), ReLU, MaxPool2d(2), Conv2d(8, 16, 3, padding=1), ReLU,
      MaxPool2d(2), Flatten, Linear(16 * 7 * 7, 10))``, ``CrossEntropyLoss``,
      ``torch.optim.Adam(lr=1e-3)`` without weight decay, batches of 64 from a
      new permutation every epoch, input as an (n, 1, 28, 28) float32 tensor,
      ``torch.set_num_threads`` set to numpy's BLAS thread count.

What is timed (seconds per epoch)
    For each library and repeat: a fresh model is trained for 1 warm-up epoch,
    untimed; then ``--epochs`` more epochs are timed with
    ``time.perf_counter`` in one go and the time is divided by ``--epochs``.
    For sknetviz the warm-up is ``fit(max_iter=1)`` with ``warm_start=True``
    and the timed part is one second ``fit(max_iter=epochs)`` call, which
    continues from the warm-up weights (and does its per-call input
    validation and label binarisation and makes a fresh Adam optimizer). For
    torch the timed part is the epoch loop itself (including ``loss.item()``
    every batch, as sknetviz also computes each batch's loss). Imports and
    data creation are never timed. The libraries run interleaved (sknetviz,
    torch, then again ``--repeats`` times) in this one process, and the
    reported figure is the median over the repeats. The speed target is a
    ratio of medians: sknetviz / torch <= 1.5.

What is measured (peak memory)
    Each library is run once more in a fresh child process (this script with
    a hidden flag) that imports its library, builds the same data, runs
    ``gc.collect()``, resets the kernel's peak-RSS mark, trains exactly as
    above and reports the extra peak RSS of training (``VmHWM`` minus
    ``VmRSS`` before training, see ``_peak.py``). For sknetviz the child's
    total peak RSS during training (imports, data and training: ``VmHWM``) is
    also checked against the memory target: training on 10,000 images of
    28x28 with batch 64 stays under 1 GiB peak.
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

IMAGE_SIDE = 28
N_FEATURES = IMAGE_SIDE * IMAGE_SIDE
N_CLASSES = 10
FILTERS = (8, 16)
KERNEL_SIZE = 3
POOL_SIZE = 2
BATCH_SIZE = 64
LEARNING_RATE = 1e-3

SKNETVIZ = "sknetviz"
# Target of (sknetviz's s/epoch) / (torch's s/epoch).
SPEED_TARGET = 1.5
# Target of sknetviz's total peak RSS while training (the 1 GiB).
MEMORY_TARGET_KIB = 1024 * 1024


# --------------------------------------------------------------------- data


def make_data(n_samples):
    """The workload's X (float32 rows of 784 pixels) and y (int labels)."""
    rng = np.random.default_rng(0)
    X = rng.random((n_samples, N_FEATURES), dtype=np.float32)
    y = rng.integers(0, N_CLASSES, n_samples)
    return X, y


# ----------------------------------------------------------------- training


def _train_sknetviz(X, y, epochs, seed):
    from sklearn.exceptions import ConvergenceWarning

    from sknetviz import SimpleCNNClassifier

    estimator = SimpleCNNClassifier(
        filters=FILTERS,
        kernel_size=KERNEL_SIZE,
        pool_size=POOL_SIZE,
        hidden_layer_sizes=(),
        image_shape=(IMAGE_SIDE, IMAGE_SIDE),
        batch_size=BATCH_SIZE,
        solver="adam",
        learning_rate_init=LEARNING_RATE,
        random_state=seed,
        tol=0,
        n_iter_no_change=10**9,
        max_iter=1,
        warm_start=True,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        estimator.fit(X, y)  # the untimed warm-up epoch
        estimator.set_params(max_iter=epochs)
        started = time.perf_counter()
        estimator.fit(X, y)  # continues from the warm-up (warm_start=True)
        seconds = time.perf_counter() - started
    if len(estimator.loss_curve_) != 1 + epochs:
        raise RuntimeError(
            f"sknetviz ran {len(estimator.loss_curve_) - 1} timed epochs, not {epochs}"
        )
    return seconds / epochs, float(estimator.loss_)


def _train_torch(X, y, epochs, seed):
    import torch
    from torch import nn

    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    X_t = torch.from_numpy(X).reshape(-1, 1, IMAGE_SIDE, IMAGE_SIDE)
    y_t = torch.from_numpy(y.astype(np.int64))
    side = IMAGE_SIDE // POOL_SIZE // POOL_SIZE
    model = nn.Sequential(
        nn.Conv2d(1, FILTERS[0], KERNEL_SIZE, padding=KERNEL_SIZE // 2),
        nn.ReLU(),
        nn.MaxPool2d(POOL_SIZE),
        nn.Conv2d(FILTERS[0], FILTERS[1], KERNEL_SIZE, padding=KERNEL_SIZE // 2),
        nn.ReLU(),
        nn.MaxPool2d(POOL_SIZE),
        nn.Flatten(),
        nn.Linear(FILTERS[1] * side * side, N_CLASSES),
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
    return _train_sknetviz(X, y, epochs, seed)


# ------------------------------------------------------------------- memory


def memory_child(library, n_samples, epochs, threads):
    """Run in a fresh process: print the peak RSS of training as JSON."""
    if library == TORCH:
        import torch

        torch.set_num_threads(threads)
    else:
        import sklearn.neural_network  # noqa: F401

        import sknetviz  # noqa: F401
    X, y = make_data(n_samples)
    gc.collect()
    result = extra_peak_rss(lambda: train(library, X, y, epochs, seed=0))
    # The peak of the whole process while training: RSS before it plus the rise.
    result["total_kib"] = result["before_kib"] + result["extra_kib"]
    print(json.dumps(result))


# ------------------------------------------------------------------- report


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="interleaved repeats")
    parser.add_argument("--epochs", type=int, default=3, help="timed epochs per run")
    parser.add_argument("--n-samples", type=int, default=10000, help="images")
    parser.add_argument("--memory-child", help=argparse.SUPPRESS)
    parser.add_argument("--threads", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.repeats < 1 or args.epochs < 1 or args.n_samples < BATCH_SIZE:
        parser.error(f"need repeats >= 1, epochs >= 1 and n-samples >= {BATCH_SIZE}")

    if args.memory_child:
        memory_child(args.memory_child, args.n_samples, args.epochs, args.threads)
        return

    libraries = [SKNETVIZ]
    threads = numpy_blas_threads()
    has_torch = torch_available()
    if has_torch:
        import torch

        torch.set_num_threads(threads)
        libraries.append(TORCH)

    print("sknetviz CNN benchmark")
    print("=" * 22)
    describe_environment(threads, libraries, blas_users="sknetviz")
    if not has_torch:
        print("torch: skipped (import torch failed)")

    X, y = make_data(args.n_samples)
    print(
        f"data: random images, X {X.shape[0]} x {X.shape[1]} {X.dtype} "
        f"({IMAGE_SIDE}x{IMAGE_SIDE}x1, {X.nbytes / 2**20:.1f} MiB), "
        f"{N_CLASSES} classes, default_rng(0) (untimed)"
    )
    print(
        f"model: conv({FILTERS[0]}, {KERNEL_SIZE}x{KERNEL_SIZE}, same)-relu-"
        f"maxpool{POOL_SIZE}-conv({FILTERS[1]}, {KERNEL_SIZE}x{KERNEL_SIZE}, same)-"
        f"relu-maxpool{POOL_SIZE}-flatten-dense({N_CLASSES}), float32, adam "
        f"lr={LEARNING_RATE:g}, batch {BATCH_SIZE}, shuffled each epoch"
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
        "  final training loss (median over repeats, sanity check; "
        f"chance level ln(10) = {np.log(N_CLASSES):.4f}): "
        + ", ".join(f"{lib} {statistics.median(losses[lib]):.4f}" for lib in libraries)
    )

    median = {library: statistics.median(seconds[library]) for library in libraries}
    print()
    if has_torch:
        ratio = median[SKNETVIZ] / median[TORCH]
        print(
            f"ratio sknetviz / torch: {ratio:.3f} (target <= {SPEED_TARGET}) "
            f"{verdict(ratio, SPEED_TARGET)}"
        )
    else:
        print("ratio sknetviz / torch: skipped (import torch failed)")
    total = memory[SKNETVIZ]["total_kib"]
    print(
        f"sknetviz total peak RSS while training on {args.n_samples} images "
        f"(VmHWM of its child): {total / 1024:.1f} MiB "
        f"(target < {MEMORY_TARGET_KIB // 1024} MiB) "
        f"{'PASS' if total < MEMORY_TARGET_KIB else 'FAIL'}"
    )
    if args.n_samples != 10000:
        print("  (the memory target is stated for 10000 images)")

    print()
    header = (
        f"{'library':10s} {'s/epoch':>8s} {'min-max':>13s} {'extra MiB':>10s} "
        f"{'peak MiB':>9s} {'ratio':>6s} {'target':>7s}  result"
    )
    print(header)
    print("-" * len(header))
    for library in libraries:
        spread = f"{min(seconds[library]):.3f}-{max(seconds[library]):.3f}"
        if library == SKNETVIZ and has_torch:
            ratio = median[SKNETVIZ] / median[TORCH]
            ratio_text = f"{ratio:6.3f}"
            target_text = f"<= {SPEED_TARGET}"
            result = verdict(ratio, SPEED_TARGET)
        elif library == SKNETVIZ:
            ratio_text, target_text, result = "     -", "<= 1.5", "skipped"
        else:
            ratio_text, target_text, result = f"{1.0:6.3f}", "-", "-"
        print(
            f"{library:10s} {median[library]:8.3f} {spread:>13s} "
            f"{memory[library]['extra_kib'] / 1024:10.1f} "
            f"{memory[library]['total_kib'] / 1024:9.1f} {ratio_text} "
            f"{target_text:>7s}  {result}"
        )
    print(
        "(s/epoch: median over repeats; extra MiB: extra peak RSS of training; "
        "peak MiB: total peak RSS of the child while training; "
        "ratio: s/epoch vs torch)"
    )


if __name__ == "__main__":
    main()
