"""Benchmark: does the cost of a partial_fit call grow with the history?

Run it from the project root::

    python benchmarks/bench_partial_fit.py                # 2,000 calls each
    python benchmarks/bench_partial_fit.py --calls 400    # a quick check

Workload
    ``make_moons(n_samples=200, noise=0.2, random_state=0)``, float64; a
    2-64-64-2 ReLU network with every other parameter at its default (Adam,
    ``batch_size='auto'``, so one minibatch of 200 per call), ``random_state=0``.
    Each library is trained by ``--calls`` calls of ``partial_fit(X, y)`` on the
    same 200 samples, ``classes=[0, 1]`` given on the first call only.

Libraries, both in the same invocation
    * ``sknetviz``: ``MLPVisualClassifier(hidden_layer_sizes=(64, 64))``;
    * ``sklearn``: ``sklearn.neural_network.MLPClassifier(hidden_layer_sizes=(64,
      64))``, the peer.

What is timed
    Every call on its own, with ``time.perf_counter`` around ``partial_fit``.
    The two libraries alternate in blocks of ``--block`` calls (sknetviz then
    sklearn, then sklearn then sknetviz, ...), so that a busy neighbour on the
    shared machine hits both alike, and both reach call k at about the same
    wall-clock time. The figures are per library over two windows: the early
    calls 1-100 (call 1 included: it builds the network) and the late calls,
    the last 100 (1,901-2,000 by default): the mean cost per call with its
    standard deviation, and the median with the 10th-90th percentiles. The
    late/early ratio of the means is the growth of the cost with the history
    (target for sknetviz: <= 1.3; sklearn's shows what the machine's drift
    alone does); its 95% interval comes from resampling the calls of each
    window (bootstrap, 2,000 resamples). The ratio of the medians is printed
    as a check less sensitive to spikes. A profile of the mean cost per tenth
    of the calls shows where any growth happens.

    The two windows are minutes apart, and on a shared machine the drift in
    between can exceed the target by itself (sklearn's own late/early has
    measured 0.94 to 1.15). So the verdict is taken on a paired measurement
    too: after the run, calls 1-100 of a fresh estimator and the next 100
    calls of the long-trained one alternate in blocks, each library in turn,
    so that both windows see the same machine. Its late/early ratio is the
    growth with the history alone.
"""

import argparse
import time

import numpy as np
from _common import describe_environment, load_average, numpy_blas_threads, verdict

HIDDEN = (64, 64)
N_SAMPLES = 200
WINDOW = 100  # calls in the early and in the late window
TARGET = 1.3  # sknetviz's late/early ratio of mean cost per call

SKNETVIZ = "sknetviz"
SKLEARN = "sklearn"
LIBRARIES = (SKNETVIZ, SKLEARN)


def make_data():
    from sklearn.datasets import make_moons

    return make_moons(n_samples=N_SAMPLES, noise=0.2, random_state=0)


def make_estimator(library):
    if library == SKLEARN:
        from sklearn.neural_network import MLPClassifier

        return MLPClassifier(hidden_layer_sizes=HIDDEN, random_state=0)
    from sknetviz import MLPVisualClassifier

    return MLPVisualClassifier(hidden_layer_sizes=HIDDEN, random_state=0)


def time_calls(X, y, n_calls, block):
    """Seconds of each partial_fit call, the libraries alternating in blocks.

    Returns
    -------
    seconds : dict of library -> ndarray of shape (n_calls,)
    estimators : dict of library -> the trained estimator
    """
    classes = np.unique(y)
    estimators = {library: make_estimator(library) for library in LIBRARIES}
    seconds = {library: np.empty(n_calls) for library in LIBRARIES}
    done = dict.fromkeys(LIBRARIES, 0)
    for round_index in range(-(-n_calls // block)):
        order = LIBRARIES if round_index % 2 == 0 else LIBRARIES[::-1]
        for library in order:
            estimator, times = estimators[library], seconds[library]
            for call in range(done[library], min(done[library] + block, n_calls)):
                first = {"classes": classes} if call == 0 else {}
                started = time.perf_counter()
                estimator.partial_fit(X, y, **first)
                times[call] = time.perf_counter() - started
            done[library] = call + 1
    return seconds, estimators


def time_paired_windows(X, y, trained, block):
    """Seconds of calls 1-WINDOW of fresh estimators, alternating in blocks
    with WINDOW more calls of the trained ones, at the same time.

    Returns
    -------
    seconds : dict of library -> (early ndarray, late ndarray)
    """
    classes = np.unique(y)
    fresh = {library: make_estimator(library) for library in LIBRARIES}
    seconds = {library: (np.empty(WINDOW), np.empty(WINDOW)) for library in LIBRARIES}
    for start in range(0, WINDOW, block):
        calls = range(start, min(start + block, WINDOW))
        for library in LIBRARIES:
            for window, estimators in ((0, fresh), (1, trained)):
                estimator, times = estimators[library], seconds[library][window]
                for call in calls:
                    first = {"classes": classes} if call == 0 and window == 0 else {}
                    started = time.perf_counter()
                    estimator.partial_fit(X, y, **first)
                    times[call] = time.perf_counter() - started
    return seconds


def report_paired(paired, n_calls):
    rng = np.random.default_rng(1)
    print()
    print(
        f"paired: calls 1-{WINDOW} of a fresh model alternating with calls "
        f"{n_calls + 1:,}-{n_calls + WINDOW:,} of the trained one"
    )
    for library in LIBRARIES:
        early, late = (window * 1e3 for window in paired[library])
        ratio = late.mean() / early.mean()
        low, high = bootstrap_ratio_interval(late, early, rng)
        target = (
            f"(target <= {TARGET}) {verdict(ratio, TARGET)}"
            if library == SKNETVIZ
            else "(no target)"
        )
        print(
            f"  {library:8s} early {early.mean():6.3f} ms, late {late.mean():6.3f} "
            f"ms: means {ratio:.3f} [95% {low:.3f}-{high:.3f}], medians "
            f"{np.median(late) / np.median(early):.3f} {target}"
        )


def bootstrap_ratio_interval(late, early, rng, n_resamples=2000):
    """95% interval of mean(late) / mean(early), resampling each window's calls."""
    late_means = rng.choice(late, (n_resamples, late.size)).mean(axis=1)
    early_means = rng.choice(early, (n_resamples, early.size)).mean(axis=1)
    return np.percentile(late_means / early_means, [2.5, 97.5])


def describe_window(times_ms):
    p10, median, p90 = np.percentile(times_ms, [10, 50, 90])
    return (
        f"mean {times_ms.mean():7.3f} ± {times_ms.std(ddof=1):6.3f} ms, "
        f"median {median:7.3f} (p10-p90 {p10:.3f}-{p90:.3f}) ms"
    )


def report(seconds, n_calls):
    rng = np.random.default_rng(0)
    early_label = f"calls 1-{WINDOW}"
    late_label = f"calls {n_calls - WINDOW + 1:,}-{n_calls:,}"
    windows = {}
    for library in LIBRARIES:
        times_ms = seconds[library] * 1e3
        windows[library] = (times_ms[:WINDOW], times_ms[-WINDOW:])

    print()
    print("cost per partial_fit call")
    for library in LIBRARIES:
        early, late = windows[library]
        print(f"  {library:8s} {early_label:>13s}: {describe_window(early)}")
        print(f"  {library:8s} {late_label:>13s}: {describe_window(late)}")

    print()
    print("growth with the history: late / early")
    ratios = {}
    for library in LIBRARIES:
        early, late = windows[library]
        ratios[library] = late.mean() / early.mean()
        low, high = bootstrap_ratio_interval(late, early, rng)
        median_ratio = np.median(late) / np.median(early)
        target = (
            "(with the drift; the verdict is the paired one below)"
            if library == SKNETVIZ
            else "(the machine's drift; no target)"
        )
        print(
            f"  {library:8s} means {ratios[library]:.3f} "
            f"[95% {low:.3f}-{high:.3f}], medians {median_ratio:.3f} {target}"
        )

    print()
    print("sknetviz / sklearn, ratio of the mean cost per call")
    for index, label in enumerate((early_label, late_label)):
        ours, theirs = windows[SKNETVIZ][index], windows[SKLEARN][index]
        print(
            f"  {label:>13s}: means {ours.mean() / theirs.mean():.3f}, "
            f"medians {np.median(ours) / np.median(theirs):.3f}"
        )

    print()
    print("profile: mean ms per call over each tenth of the calls")
    tenths = np.array_split(np.arange(n_calls), 10)
    for library in LIBRARIES:
        means = [seconds[library][part].mean() * 1e3 for part in tenths]
        print(f"  {library:8s} " + " ".join(f"{mean:6.2f}" for mean in means))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000, help="calls per library")
    parser.add_argument("--block", type=int, default=20, help="calls per block")
    args = parser.parse_args(argv)
    if args.calls < 2 * WINDOW or args.block < 1:
        parser.error(f"need calls >= {2 * WINDOW} and block >= 1")

    print("sknetviz partial_fit cost benchmark")
    print("=" * 35)
    describe_environment(numpy_blas_threads(), LIBRARIES)
    X, y = make_data()
    print(
        f"data: make_moons, {N_SAMPLES} samples, noise=0.2; model 2-64-64-2 ReLU, "
        "adam, one batch of 200 per call"
    )
    print(
        f"{args.calls:,} partial_fit calls per library, alternating in blocks of "
        f"{args.block}"
    )
    print(f"before timing, {load_average()}", flush=True)
    started = time.perf_counter()
    seconds, estimators = time_calls(X, y, args.calls, args.block)
    print(f"after timing ({time.perf_counter() - started:.0f} s), {load_average()}")
    print(
        "sanity: training accuracy "
        + ", ".join(
            f"{library} {estimators[library].score(X, y):.3f}" for library in LIBRARIES
        )
        + f"; sknetviz history_ has {len(estimators[SKNETVIZ].history_):,} epochs"
    )
    report(seconds, args.calls)
    report_paired(time_paired_windows(X, y, estimators, args.block), args.calls)


if __name__ == "__main__":
    main()
