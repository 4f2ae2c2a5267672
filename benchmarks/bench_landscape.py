"""LossLandscapeDisplay: what a 51 x 51 slice costs, for a small MLP and the digits CNN.

Workloads, both with ``directions='pca'`` at ``grid_resolution=51`` (2,601
loss evaluations) and the default ``subsample=256``:

- mlp: MLPVisualClassifier (16, 16) ReLU on 200 two-moons samples (a
  2-16-16-1 network, 337 weights), 30 epochs of Adam; the loss is evaluated
  on all 200 rows.
- cnn: SimpleCNNClassifier with its defaults on load_digits (1,797 8x8
  images, 6,058 weights), 30 epochs; the loss is evaluated on 256 rows.

Each repeat times the three parts of ``from_estimator`` apart: training the
clone (one partial_fit per epoch), the slice (the path's principal
components, the loss at every grid point and at every epoch's weights) and
drawing it. Peak memory is tracemalloc's peak over one whole
``from_estimator`` call (every Python and NumPy allocation, the figure
included).

Targets (issue 12): the MLP's slice about a second; the CNN's whole display
within a minute. Run: ``python benchmarks/bench_landscape.py [--repeats 3]``.
"""

import argparse
import statistics
import time
import tracemalloc
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from _common import describe_environment, load_average, numpy_blas_threads  # noqa: E402
from sklearn.datasets import load_digits, make_moons  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402

from sknetviz import MLPVisualClassifier, SimpleCNNClassifier  # noqa: E402
from sknetviz.inspection import LossLandscapeDisplay  # noqa: E402
from sknetviz.inspection._landscape import _train  # noqa: E402

GRID_RESOLUTION = 51
MAX_EPOCHS = 30
TARGETS = {"mlp": ("slice", 1.0), "cnn": ("total", 60.0)}


def workload(name):
    """(estimator, X, y) of a workload."""
    if name == "mlp":
        X, y = make_moons(n_samples=200, noise=0.2, random_state=0)
        mlp = MLPVisualClassifier((16, 16), learning_rate_init=0.02, random_state=0)
        return mlp, X, y
    X, y = load_digits(return_X_y=True)
    return SimpleCNNClassifier(learning_rate_init=0.01, random_state=0), X / 16, y


def time_parts(name):
    """Seconds of training, of the slice and of drawing, for one call's work."""
    estimator, X, y = workload(name)
    started = time.perf_counter()
    run = _train(estimator, X, y, MAX_EPOCHS)
    trained = time.perf_counter()
    display = LossLandscapeDisplay._from_runs(
        [run],
        y,
        labels=None,
        weights=None,
        directions="pca",
        grid_resolution=GRID_RESOLUTION,
        extent=None,
        subsample=256,
        random_state=0,
    )
    sliced = time.perf_counter()
    display.plot()
    drawn = time.perf_counter()
    plt.close(display.figure_)
    return {
        "train": trained - started,
        "slice": sliced - trained,
        "draw": drawn - sliced,
        "total": drawn - started,
    }


def peak_memory(name):
    """tracemalloc's peak, in MiB, over one from_estimator call."""
    estimator, X, y = workload(name)
    tracemalloc.start()
    display = LossLandscapeDisplay.from_estimator(
        estimator, X, y, max_epochs=MAX_EPOCHS, grid_resolution=GRID_RESOLUTION
    )
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    plt.close(display.figure_)
    return peak / 2**20


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workloads", nargs="+", default=["mlp", "cnn"])
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore", ConvergenceWarning)

    print("LossLandscapeDisplay benchmark")
    describe_environment(numpy_blas_threads(), libraries=())
    print(
        f"grid: {GRID_RESOLUTION} x {GRID_RESOLUTION} = {GRID_RESOLUTION**2:,} "
        f"points, {MAX_EPOCHS} epochs, subsample 256, directions='pca'"
    )
    print(f"before timing, {load_average()}")
    results = {}
    for name in args.workloads:
        time_parts(name)  # warm-up: imports, BLAS threads, first allocations
        repeats = [time_parts(name) for _ in range(args.repeats)]
        medians = {
            part: statistics.median(r[part] for r in repeats) for part in repeats[0]
        }
        results[name] = medians
        spans = ", ".join(
            f"{part} {medians[part]:.2f} s "
            f"({min(r[part] for r in repeats):.2f}-{max(r[part] for r in repeats):.2f})"
            for part in medians
        )
        print(f"{name}, median (range) of {args.repeats} repeats: {spans}", flush=True)
    print(f"after timing, {load_average()}")
    print()
    print("peak memory (tracemalloc, one from_estimator call):")
    for name in args.workloads:
        print(f"  {name}: {peak_memory(name):.1f} MiB", flush=True)
    print()
    for name in args.workloads:
        part, target = TARGETS[name]
        seconds = results[name][part]
        verdict = "PASS" if seconds <= target else "FAIL"
        print(f"{name} {part}: {seconds:.2f} s (target <= {target:g} s) {verdict}")


if __name__ == "__main__":
    main()
