"""Benchmark: the extra peak memory of a one-epoch warm-start refit.

Run it from the project root::

    python benchmarks/bench_refit_memory.py              # 3 repeats
    python benchmarks/bench_refit_memory.py --repeats 1  # a quick check

Workload
    ``rng = np.random.default_rng(0); X = rng.random((2000, 784))`` (float64)
    and ``y = rng.integers(0, 10, 2000)``; a 784-2048-2048-10 ReLU network,
    whose float64 weights and intercepts take 44.5 MiB, trained with Adam
    (learning rate 1e-3, batch size 200), ``max_iter=1``, ``warm_start=True``,
    ``random_state=0``, ConvergenceWarning silenced.

Libraries
    * ``sknetviz``: ``MLPVisualClassifier`` with those parameters;
    * ``sklearn``: ``sklearn.neural_network.MLPClassifier`` with the same
      parameters (the baseline of the ratio).

What is measured
    Each measurement is a fresh child process (this script with a hidden flag)
    that imports its library, builds the data and fits once (one epoch), then
    runs ``gc.collect()``, hands the C heap's free memory back to the kernel
    (glibc ``malloc_trim(0)``, so that memory the first fit freed cannot
    silently serve the refit) and measures the refit alone: the second
    ``fit(X, y)``, one more epoch from the first fit's weights. Its figure is
    the extra peak RSS of that call: the kernel's peak-RSS mark is reset by
    writing 5 to ``/proc/self/clear_refs`` just before the call, and the
    figure is ``VmHWM`` after the call minus ``VmRSS`` before it (both from
    ``/proc/self/status``). Because the mark is reset, the first fit's peak
    cannot mask the refit's. Where the mark cannot be reset, the child falls
    back to the ``ru_maxrss`` delta, which can hide the refit's memory below
    the first fit's peak; the output says which method ran. The first fit's
    own extra peak (measured the same way) is printed for context.

    As a cross-check that does not depend on which pages the kernel counts,
    the same child then refits once more under ``tracemalloc`` (which sees
    numpy's allocations) and reports the traced peak above the traced memory
    before that call. The two views differ where memory is allocated but never
    touched: zero-filled arrays (``np.zeros``) that are read but never written
    do not become resident, so they count in the traced peak, not in the RSS.
    The target is on the RSS figure.

    Children run one at a time, alternating libraries (sknetviz, sklearn, then
    sklearn, sknetviz, ...) ``--repeats`` times; the report gives each
    library's median and range over the repeats, and the ratio sknetviz /
    sklearn per repeat (median and range). Target: median ratio <= 1.5.
"""

import argparse
import gc
import json
import statistics
import time
import tracemalloc
import warnings

import numpy as np
from _common import (
    describe_environment,
    extra_peak_rss,
    load_average,
    measure_memory,
    median_and_range,
    numpy_blas_threads,
    trim_heap,
    verdict,
)

HIDDEN = (2048, 2048)
N_FEATURES = 784
N_CLASSES = 10
BATCH_SIZE = 200
LEARNING_RATE = 1e-3

SKNETVIZ = "sknetviz"
SKLEARN = "sklearn"
TARGET = 1.5  # sknetviz's refit extra peak / sklearn's


def make_data(n_samples):
    """Random float64 rows of 784 features and labels in 10 classes."""
    rng = np.random.default_rng(0)
    X = rng.random((n_samples, N_FEATURES))
    y = rng.integers(0, N_CLASSES, n_samples)
    return X, y


def weights_mib():
    sizes = (N_FEATURES, *HIDDEN, N_CLASSES)
    n_params = sum((n_in + 1) * n_out for n_in, n_out in zip(sizes, sizes[1:]))
    return n_params * 8 / 2**20


def _estimator(library):
    params = dict(
        hidden_layer_sizes=HIDDEN,
        solver="adam",
        batch_size=BATCH_SIZE,
        learning_rate_init=LEARNING_RATE,
        max_iter=1,
        warm_start=True,
        random_state=0,
    )
    if library == SKLEARN:
        from sklearn.neural_network import MLPClassifier

        return MLPClassifier(**params)
    from sknetviz import MLPVisualClassifier

    return MLPVisualClassifier(**params)


def memory_child(library, n_samples):
    """Run in a fresh process: print the first fit's and the refit's extra peaks."""
    from sklearn.exceptions import ConvergenceWarning

    estimator = _estimator(library)
    X, y = make_data(n_samples)
    gc.collect()
    trim_heap()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        first = extra_peak_rss(lambda: estimator.fit(X, y))
        gc.collect()
        trimmed = trim_heap()
        refit = extra_peak_rss(lambda: estimator.fit(X, y))
        epochs_after_refit = len(estimator.loss_curve_)
        gc.collect()
        tracemalloc.start()
        traced_before = tracemalloc.get_traced_memory()[0]
        estimator.fit(X, y)
        traced_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    if epochs_after_refit != 2:
        raise RuntimeError(
            f"{library}: expected 2 epochs in loss_curve_ after the refit, got "
            f"{epochs_after_refit}"
        )
    print(
        json.dumps(
            {
                "extra_kib": refit["extra_kib"],
                "before_kib": refit["before_kib"],
                "method": refit["method"],
                "first_fit_extra_kib": first["extra_kib"],
                "traced_extra_kib": (traced_peak - traced_before) / 1024,
                "heap_trimmed": trimmed,
            }
        )
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="children per library")
    parser.add_argument("--n-samples", type=int, default=2000, help="samples")
    parser.add_argument("--memory-child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.repeats < 1 or args.n_samples < BATCH_SIZE:
        parser.error(f"need repeats >= 1 and n-samples >= {BATCH_SIZE}")

    if args.memory_child:
        memory_child(args.memory_child, args.n_samples)
        return

    libraries = [SKNETVIZ, SKLEARN]
    print("sknetviz warm-start refit memory benchmark")
    print("=" * 42)
    describe_environment(numpy_blas_threads(), libraries)
    print(
        f"data: X {args.n_samples} x {N_FEATURES} float64 uniform [0, 1) "
        f"({args.n_samples * N_FEATURES * 8 / 2**20:.1f} MiB), {N_CLASSES} "
        "random classes"
    )
    print(
        f"model: {N_FEATURES}-{HIDDEN[0]}-{HIDDEN[1]}-{N_CLASSES} ReLU, "
        f"{weights_mib():.1f} MiB of float64 weights; adam lr={LEARNING_RATE:g}, "
        f"batch {BATCH_SIZE}; fit(max_iter=1), then the measured refit "
        "(warm_start=True, one more epoch)"
    )
    print(f"{args.repeats} repeats, each library in a fresh child process each time")
    print(load_average())
    print()

    results = {library: [] for library in libraries}
    started = time.perf_counter()
    for repeat in range(args.repeats):
        order = libraries if repeat % 2 == 0 else libraries[::-1]
        parts = []
        for library in order:
            result = measure_memory(
                __file__, library, "--n-samples", str(args.n_samples)
            )
            results[library].append(result)
            parts.append(
                f"{library} refit {result['extra_kib'] / 1024:.1f} MiB "
                f"(first fit {result['first_fit_extra_kib'] / 1024:.1f} MiB)"
            )
        print(f"repeat {repeat + 1}/{args.repeats}: " + ", ".join(parts), flush=True)
    print(f"({time.perf_counter() - started:.0f} s; {load_average()})")

    methods = {r["method"] for runs in results.values() for r in runs}
    print()
    print("method: " + "; ".join(sorted(methods)))
    if not all(r["heap_trimmed"] for runs in results.values() for r in runs):
        print("note: malloc_trim was unavailable; freed heap may hide refit memory")
    baselines = {
        lib: median_and_range([r["before_kib"] for r in results[lib]], 1 / 1024, 0)
        for lib in libraries
    }
    print(
        "baseline RSS just before the refit: "
        + ", ".join(f"{lib} {baselines[lib]} MiB" for lib in libraries)
    )
    print()
    columns = {
        "refit extra peak RSS": "extra_kib",
        "refit traced peak": "traced_extra_kib",
        "first fit extra peak RSS": "first_fit_extra_kib",
    }
    header = f"{'library':10s}" + "".join(f" {name:>26s}" for name in columns)
    print(header)
    print("-" * len(header))
    for library in libraries:
        cells = [
            median_and_range([r[key] for r in results[library]], 1 / 1024)
            for key in columns.values()
        ]
        print(f"{library:10s}" + "".join(f" {cell:>26s}" for cell in cells))
    print("(MiB, median (min-max) over the repeats)")
    ratios = [
        ours["extra_kib"] / theirs["extra_kib"]
        for ours, theirs in zip(results[SKNETVIZ], results[SKLEARN])
    ]
    ratio = statistics.median(ratios)
    traced_ratios = [
        ours["traced_extra_kib"] / theirs["traced_extra_kib"]
        for ours, theirs in zip(results[SKNETVIZ], results[SKLEARN])
    ]
    print()
    print(
        f"ratio sknetviz / sklearn, refit extra peak RSS: "
        f"{median_and_range(ratios, 1, 2)} (target <= {TARGET}) "
        f"{verdict(ratio, TARGET)}"
    )
    print(
        "ratio sknetviz / sklearn, refit traced peak (cross-check, no target): "
        f"{median_and_range(traced_ratios, 1, 2)}"
    )


if __name__ == "__main__":
    main()
