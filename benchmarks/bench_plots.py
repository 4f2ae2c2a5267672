"""DecisionBoundaryDisplay at grid_resolution 1000: sknetviz's beside scikit-learn's.

Workload: a (64, 64) ReLU MLPVisualClassifier fitted on 1,000 two-moons
samples; both displays draw its decision boundary with ``from_estimator`` at
``grid_resolution=1000`` (a million grid points) with the default
``response_method='auto'`` (predict_proba) and ``plot_method='contourf'``.

- Time: the wall time of ``from_estimator`` (grid, predictions and the
  contourf), median of interleaved repeats in one process, figure closed after
  each call.
- Peak memory: each display in a fresh child process that fits the same model
  (same seed) first, then reports how far the display raised the peak RSS.

Targets: sknetviz at most 1.0x scikit-learn's time and at most 0.5x its peak
memory. Run: ``python benchmarks/bench_plots.py [--repeats 3]``.
"""

import argparse
import gc
import json
import statistics
import time
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from _common import extra_peak_rss, measure_memory  # noqa: E402
from sklearn.datasets import make_moons  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.inspection import DecisionBoundaryDisplay as SklearnDisplay  # noqa: E402

from sknetviz import MLPVisualClassifier  # noqa: E402
from sknetviz.inspection import DecisionBoundaryDisplay  # noqa: E402

DISPLAYS = {"sknetviz": DecisionBoundaryDisplay, "sklearn": SklearnDisplay}
TARGETS = {"time": 1.0, "memory": 0.5}


def fitted_model():
    X, y = make_moons(n_samples=1000, noise=0.25, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = MLPVisualClassifier(
            (64, 64), learning_rate_init=0.01, max_iter=100, random_state=0
        ).fit(X, y)
    return model, X


def draw(library, model, X, grid_resolution):
    display = DISPLAYS[library].from_estimator(
        model, X, grid_resolution=grid_resolution
    )
    plt.close(display.figure_)


def memory_child(library, grid_resolution):
    model, X = fitted_model()
    gc.collect()
    print(json.dumps(extra_peak_rss(lambda: draw(library, model, X, grid_resolution))))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--grid-resolution", type=int, default=1000)
    parser.add_argument("--memory-child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_child:
        memory_child(args.memory_child, args.grid_resolution)
        return

    model, X = fitted_model()
    points = args.grid_resolution**2
    print("DecisionBoundaryDisplay benchmark")
    print("model: MLPVisualClassifier (64, 64) relu on 1000 two-moons samples")
    print(f"grid: {args.grid_resolution} x {args.grid_resolution} = {points:,} points")
    seconds = {library: [] for library in DISPLAYS}
    for repeat in range(args.repeats):
        for library in DISPLAYS:
            started = time.perf_counter()
            draw(library, model, X, args.grid_resolution)
            seconds[library].append(time.perf_counter() - started)
        print(
            f"repeat {repeat + 1}/{args.repeats} s: "
            + ", ".join(f"{lib} {seconds[lib][-1]:.2f}" for lib in DISPLAYS)
        )
    memory = {
        library: measure_memory(
            __file__, library, "--grid-resolution", str(args.grid_resolution)
        )
        for library in DISPLAYS
    }
    print(f"peak memory method: {memory['sknetviz']['method']}")
    median = {library: statistics.median(seconds[library]) for library in DISPLAYS}
    peak_mib = {library: memory[library]["extra_kib"] / 1024 for library in DISPLAYS}
    ratios = {
        "time": median["sknetviz"] / median["sklearn"],
        "memory": peak_mib["sknetviz"] / peak_mib["sklearn"],
    }
    print()
    print(f"{'display':<10}{'seconds':>10}{'min-max':>14}{'peak MiB':>11}")
    for library in DISPLAYS:
        low, high = min(seconds[library]), max(seconds[library])
        print(
            f"{library:<10}{median[library]:>10.2f}{f'{low:.2f}-{high:.2f}':>14}"
            f"{peak_mib[library]:>11.1f}"
        )
    for what, ratio in ratios.items():
        target = TARGETS[what]
        verdict = "PASS" if ratio <= target else "FAIL"
        print(f"{what} ratio: {ratio:.3f} (target <= {target}) {verdict}")


if __name__ == "__main__":
    main()
