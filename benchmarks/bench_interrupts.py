"""Stress test: real Ctrl-Cs at random moments of training leave a usable model.

Run it from the project root::

    python benchmarks/bench_interrupts.py                    # 300 interrupts
    python benchmarks/bench_interrupts.py --interrupts 30    # a quick check

Workload
    ``load_digits`` scaled to [0, 1] (1,797 samples, 64 features, 10
    classes); ``MLPVisualClassifier((64,), solver='adam', random_state=r,
    n_iter_no_change=10**6, verbose=True)``, ``r`` drawn per run. Each run picks
    one scenario at random (weights in ``SCENARIOS``):

    * ``fit``: ``fit`` with ``max_iter=30`` (still training at the end);
    * ``early_stopping``: the same with ``early_stopping=True``;
    * ``dropout``: the same with ``dropout=0.2``;
    * ``warm_start``: an uninterrupted ``fit(max_iter=5)``, then the
      interrupted refit with ``warm_start=True, max_iter=25``;
    * ``partial_fit``: a loop of 30 ``partial_fit`` calls (``classes`` on the
      first), interrupted in one of them or between two;
    * ``callback``: ``fit`` with a scikit-learn ``ScoringMonitor`` callback
      (only where ``sknetviz._callbacks.SKLEARN_HAS_CALLBACKS``).

How the interrupt is delivered
    Before each run, the scenario's duration ``T`` is estimated: the median
    of its last 5 uninterrupted durations (one calibration run, then every
    run that the signal missed), so the estimate follows the machine's load.
    A timer thread is started just before the
    interrupted call(s) and, after a random delay, sends a real SIGINT to the
    main thread (``signal.pthread_kill``), handled by Python's default
    handler, which raises KeyboardInterrupt. The delay is uniform over
    ``[0, T]`` for 70% of the runs, over the first 3 ms for 15% and over the
    last 3 ms (``[T - 3 ms, T + 1 ms]``) for 15%, so the first and last
    milliseconds of the call, where validation, set-up, the final warnings
    and the fitted attributes happen, are hit often. A signal that arrives
    after the call returned (or before it began) is absorbed and the run is
    counted as "signal outside the call"; the script runs until
    ``--interrupts`` signals landed inside a call. Where it landed is read
    from the KeyboardInterrupt's traceback (a frame in sknetviz or sklearn),
    or, when the estimator caught the interrupt, from the signal having been
    sent while the call ran.

What counts as a finished epoch
    ``verbose=True``, with stdout sent to a counter during the call: an epoch
    counts as finished once the verbose output has reported it (the only
    public signal of it that needs no callback).

What is checked after each interrupt, whatever was raised or warned
    Either the call returned (the estimator caught the interrupt) and the
    model is fitted and consistent: ``predict_proba`` on the data gives finite
    rows summing to 1, ``len(loss_curve_) == len(history_)``, the history
    only grew and kept its earlier records, its epochs are numbered 1..n,
    ``n_iter_`` is the call's epochs (or the total, as scikit-learn counts
    across warm starts), ``loss_`` is the last loss, and with early stopping
    there is one validation score per epoch; or a KeyboardInterrupt reached
    the caller, which is allowed only when no epoch of that call had finished,
    and then the estimator must be as before the call (unfitted, or the same
    weights, history, ``n_iter_`` and ``t_``). Any other exception, a
    KeyboardInterrupt after a finished epoch, or a failed check is a failure:
    the first few are printed with the interrupt's traceback, and the script
    exits with status 1. Finished epochs dropped by a model that was kept
    (reported by verbose but not in ``history_``) are counted, for
    information. ``--log runs.csv`` writes one line per run.
"""

import argparse
import csv
import os
import signal
import sys
import threading
import time
import traceback
import warnings
from collections import Counter

import numpy as np
from _common import describe_environment, load_average, numpy_blas_threads

HIDDEN = (64,)
MAX_ITER = 30
N_PARTIAL_FIT_CALLS = 30
EDGE_SECONDS = 0.003  # "the first and last milliseconds" of a call

SCENARIOS = {  # name -> weight of the random choice
    "fit": 3,
    "early_stopping": 2,
    "dropout": 2,
    "warm_start": 2,
    "partial_fit": 2,
    "callback": 1,
}

# Outcomes of a run (the last two are failures).
KEPT = "kept: the call returned a usable model"
KEPT_RAISED = "partial_fit kept its finished epoch, and the interrupt reached the loop"
PROPAGATED = "propagated before any finished epoch: estimator unchanged"
OUTSIDE = "signal outside the call (not counted as an interrupt)"
LOST = "FAILURE: KeyboardInterrupt after finished epochs (they were lost)"
BROKEN = "FAILURE: unusable or inconsistent estimator, or another exception"

_PACKAGE_DIRS = None


def package_dirs():
    """Directories whose frames mean 'inside the estimator's call'."""
    global _PACKAGE_DIRS
    if _PACKAGE_DIRS is None:
        import sklearn

        import sknetviz

        _PACKAGE_DIRS = tuple(
            os.path.dirname(module.__file__) + os.sep for module in (sknetviz, sklearn)
        )
    return _PACKAGE_DIRS


def raised_inside_call(exception):
    frames = traceback.extract_tb(exception.__traceback__)
    return any(frame.filename.startswith(package_dirs()) for frame in frames)


# ----------------------------------------------------------------- the timer


class Interrupter(threading.Thread):
    """Send SIGINT to the main thread after ``delay`` seconds unless cancelled."""

    def __init__(self, delay):
        super().__init__(daemon=True)
        self.delay = delay
        self.main_thread = threading.main_thread().ident
        self.cancelled = threading.Event()
        self.lock = threading.Lock()
        self.fired = False

    def run(self):
        if self.cancelled.wait(self.delay):
            return
        with self.lock:
            if not self.cancelled.is_set():
                signal.pthread_kill(self.main_thread, signal.SIGINT)
                self.fired = True

    def stop(self):
        with self.lock:
            self.cancelled.set()
        self.join()


class EpochCounter:
    """A stdout stand-in counting the epochs that verbose output reports."""

    def __init__(self):
        self.epochs = 0

    def write(self, text):
        self.epochs += text.count("Iteration ")
        return len(text)

    def flush(self):
        pass


def run_with_interrupt(operation, delay):
    """Run ``operation()`` with a SIGINT due after ``delay`` seconds.

    Returns a dict: 'fired' (the signal was sent), 'raised' (the
    KeyboardInterrupt that left the operation, or None), 'late' (the signal
    arrived after the operation ended), 'error' (another exception, or None),
    'seconds' (how long the operation took, when it returned).
    """
    result = {"raised": None, "late": False, "error": None, "seconds": None}
    timer = Interrupter(delay)
    started = time.perf_counter()
    try:
        timer.start()
        try:
            operation()
            result["seconds"] = time.perf_counter() - started
        except KeyboardInterrupt as interrupt:
            result["raised"] = interrupt
        except Exception as error:  # noqa: BLE001 - every error is a finding
            result["error"] = error
        timer.stop()  # a signal still pending is raised here, or just above
    except KeyboardInterrupt:
        result["late"] = True  # one signal per run: no other can follow
    timer.stop()
    result["fired"] = timer.fired
    return result


def innermost_frame(result):
    """Where the KeyboardInterrupt was raised, as 'file:line in function'."""
    raised = result["raised"] or result["error"]
    if raised is None:
        return "the call returned"
    frame = traceback.extract_tb(raised.__traceback__)[-1]
    return (
        f"raised at {os.path.basename(frame.filename)}:{frame.lineno} in {frame.name}"
    )


# ------------------------------------------------------------------ checking


class CheckFailed(Exception):
    pass


def snapshot(estimator):
    """What a call must leave untouched when it is undone; None if unfitted."""
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    try:
        check_is_fitted(estimator)
    except NotFittedError:
        return None
    return {
        "coefs": [array.copy() for array in estimator.coefs_],
        "intercepts": [array.copy() for array in estimator.intercepts_],
        "loss_curve": list(estimator.loss_curve_),
        "n_history": len(estimator.history_),
        "n_iter": estimator.n_iter_,
        "t": estimator.t_,
    }


def check_unchanged(estimator, before):
    now = snapshot(estimator)
    if before is None:
        if now is not None:
            raise CheckFailed("the call was undone but left an unfitted model fitted")
        return
    if now is None:
        raise CheckFailed("the call was undone but the fitted model is gone")
    for name in ("loss_curve", "n_history", "n_iter", "t"):
        if now[name] != before[name]:
            raise CheckFailed(
                f"undone call changed {name}: {before[name]} -> {now[name]}"
            )
    for name in ("coefs", "intercepts"):
        if not all(np.array_equal(a, b) for a, b in zip(now[name], before[name])):
            raise CheckFailed(f"undone call changed the {name}")
    check_usable(estimator, None, before, undone=True)


def check_usable(estimator, X, before, undone=False):
    """The fitted model predicts and its attributes agree; returns its call's epochs.

    ``before`` is :func:`snapshot` before the call; an ``undone`` call keeps
    the ``n_iter_`` of the call before it.
    """
    if snapshot(estimator) is None:
        raise CheckFailed("the call returned but the estimator is not fitted")
    if X is not None:
        proba = estimator.predict_proba(X)
        if proba.shape != (X.shape[0], len(estimator.classes_)):
            raise CheckFailed(f"predict_proba has shape {proba.shape}")
        if not np.isfinite(proba).all():
            raise CheckFailed("predict_proba has non-finite values")
        if not np.allclose(proba.sum(axis=1), 1.0, atol=1e-6):
            raise CheckFailed("predict_proba rows do not sum to 1")
    history, loss_curve = estimator.history_, estimator.loss_curve_
    if len(loss_curve) != len(history):
        raise CheckFailed(
            f"len(loss_curve_)={len(loss_curve)} != len(history_)={len(history)}"
        )
    if [record.get("epoch") for record in history] != list(range(1, len(history) + 1)):
        raise CheckFailed("history_ epochs are not numbered 1..n")
    if [record["loss"] for record in history] != list(loss_curve):
        raise CheckFailed("loss_curve_ is not the losses of history_")
    if loss_curve and estimator.loss_ != loss_curve[-1]:
        raise CheckFailed(f"loss_={estimator.loss_} is not loss_curve_[-1]")
    n_before = 0 if before is None else before["n_history"]
    if before is not None and list(loss_curve[:n_before]) != before["loss_curve"]:
        raise CheckFailed("the history before the call changed or shrank")
    epochs_this_call = len(history) - n_before
    if not undone and estimator.n_iter_ not in (epochs_this_call, len(history)):
        raise CheckFailed(
            f"n_iter_={estimator.n_iter_} but the call added {epochs_this_call} "
            f"epochs to a history of {n_before}"
        )
    if estimator.early_stopping:
        n_scored = sum("val_score" in record for record in history)
        if len(estimator.validation_scores_) != n_scored:
            raise CheckFailed(
                f"{len(estimator.validation_scores_)} validation scores for "
                f"{n_scored} validated epochs"
            )
    return epochs_this_call


# ----------------------------------------------------------------- scenarios


def make_estimator(scenario, seed):
    from sknetviz import MLPVisualClassifier

    params = dict(
        hidden_layer_sizes=HIDDEN,
        solver="adam",
        max_iter=MAX_ITER,
        n_iter_no_change=10**6,
        random_state=seed,
        verbose=True,
    )
    if scenario == "early_stopping":
        params["early_stopping"] = True
    elif scenario == "dropout":
        params["dropout"] = 0.2
    estimator = MLPVisualClassifier(**params)
    if scenario == "callback":
        from sklearn.callback import ScoringMonitor

        estimator.set_callbacks(ScoringMonitor(scoring="accuracy"))
    return estimator


class Run:
    """One scenario's set-up and its interrupted call(s), with what to check.

    ``operation`` sets ``before`` (the estimator before the call in progress)
    and ``epochs_at_call_start`` as it goes, so an interrupt can be judged
    against the call it hit.
    """

    def __init__(self, scenario, seed, X, y, counter):
        self.scenario, self.X, self.y, self.counter = scenario, X, y, counter
        self.estimator = make_estimator(scenario, seed)
        self.call = 0
        if scenario == "warm_start":
            self.estimator.set_params(max_iter=5, verbose=False)
            self.estimator.fit(X, y)
            self.estimator.set_params(
                max_iter=MAX_ITER - 5, warm_start=True, verbose=True
            )
        self.before = snapshot(self.estimator)
        self.epochs_at_call_start = 0

    def operation(self):
        if self.scenario != "partial_fit":
            self.epochs_at_call_start = self.counter.epochs
            self.estimator.fit(self.X, self.y)
            return
        classes = np.unique(self.y)
        for call in range(N_PARTIAL_FIT_CALLS):
            self.before = snapshot(self.estimator)
            self.call = call
            self.epochs_at_call_start = self.counter.epochs
            self.estimator.partial_fit(
                self.X, self.y, **({"classes": classes} if call == 0 else {})
            )


def judge(run, result):
    """Return (outcome, detail, finished epochs lost by a kept model)."""
    raised, estimator = result["raised"], run.estimator
    reported = run.counter.epochs - run.epochs_at_call_start
    if result["error"] is not None:
        error = result["error"]
        return BROKEN, "".join(traceback.format_exception(error)), 0
    try:
        if raised is not None and raised_inside_call(raised):
            trace = "".join(traceback.format_exception(raised))
            if reported > 0 and run.scenario == "partial_fit":
                kept = check_usable(estimator, run.X, run.before)
                return KEPT_RAISED, "", max(reported - kept, 0)
            if reported > 0:
                check_unchanged(estimator, run.before)
                return LOST, f"{reported} finished epoch(s) lost\n{trace}", 0
            check_unchanged(estimator, run.before)
            return PROPAGATED, "", 0
        inside = result["fired"] and raised is None and not result["late"]
        if not inside:  # the whole call ran, or never began (or between calls)
            if snapshot(estimator) is not None:
                check_usable(estimator, run.X, run.before)
            return OUTSIDE, "", 0
        kept = check_usable(estimator, run.X, run.before)
        return KEPT, "", max(reported - kept, 0)
    except CheckFailed as failure:
        trace = "" if raised is None else "".join(traceback.format_exception(raised))
        return BROKEN, f"{failure}\nthe interrupt:\n{trace}", 0
    except Exception:  # noqa: BLE001 - predict_proba failing is a finding
        trace = "" if raised is None else "".join(traceback.format_exception(raised))
        return BROKEN, f"{traceback.format_exc()}\nthe interrupt:\n{trace}", 0


def timed_run(scenario, seed, X, y, delay):
    """Set up a run, interrupt its call after ``delay`` s; (run, result, warnings)."""
    counter = EpochCounter()
    stdout = sys.stdout
    unraisable = []
    hook = sys.unraisablehook
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run = Run(scenario, seed, X, y, counter)
        sys.stdout, sys.unraisablehook = counter, unraisable.append
        try:
            result = run_with_interrupt(run.operation, delay)
        finally:
            sys.stdout, sys.unraisablehook = stdout, hook
    result["unraisable"] = unraisable
    return run, result, caught


def calibrate(scenarios, X, y):
    """Seconds of each scenario's call(s), uninterrupted."""
    durations = {}
    stdout = sys.stdout
    for scenario in scenarios:
        counter = EpochCounter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            run = Run(scenario, 0, X, y, counter)
            sys.stdout = counter
            try:
                started = time.perf_counter()
                run.operation()
                durations[scenario] = time.perf_counter() - started
            finally:
                sys.stdout = stdout
    return durations


def draw_delay(rng, duration):
    where = rng.random()
    if where < 0.15:
        return rng.uniform(0, EDGE_SECONDS)
    if where < 0.30:
        return rng.uniform(max(duration - EDGE_SECONDS, 0), duration + 0.001)
    return rng.uniform(0, duration)


# -------------------------------------------------------------------- report


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--interrupts", type=int, default=300, help="signals inside a call"
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="seed of the random choices"
    )
    parser.add_argument("--show", type=int, default=3, help="failures printed in full")
    parser.add_argument("--log", help="write one CSV line per run to this file")
    args = parser.parse_args(argv)

    from sklearn.datasets import load_digits

    from sknetviz._callbacks import SKLEARN_HAS_CALLBACKS

    signal.signal(signal.SIGINT, signal.default_int_handler)
    scenarios = dict(SCENARIOS)
    print("sknetviz Ctrl-C stress test")
    print("=" * 27)
    describe_environment(numpy_blas_threads(), ["sknetviz"], blas_users="sknetviz")
    if not SKLEARN_HAS_CALLBACKS:
        del scenarios["callback"]
        print("callback scenario: skipped (scikit-learn < 1.9 has no callbacks)")
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    durations = calibrate(scenarios, X, y)
    print(
        "uninterrupted duration of each scenario's call(s): "
        + ", ".join(
            f"{name} {seconds * 1e3:.0f} ms" for name, seconds in durations.items()
        )
    )
    print(load_average(), flush=True)

    rng = np.random.default_rng(args.seed)
    names = list(scenarios)
    weights = np.array([scenarios[name] for name in names], dtype=float)
    outcomes = Counter()
    by_scenario = Counter()
    kept_without_epochs = lost_epochs = unraisable = interrupt_warnings = 0
    failures = []
    log_rows = []
    completed = {name: [seconds] for name, seconds in durations.items()}
    started = time.perf_counter()
    n_runs = 0
    while outcomes.total() - outcomes[OUTSIDE] < args.interrupts:
        n_runs += 1
        scenario = names[rng.choice(len(names), p=weights / weights.sum())]
        delay = draw_delay(rng, durations[scenario])
        seed = int(rng.integers(1000))
        run, result, caught = timed_run(scenario, seed, X, y, delay)
        outcome, detail, lost = judge(run, result)
        if not result["fired"] and result["seconds"] is not None:
            completed[scenario] = [*completed[scenario][-4:], result["seconds"]]
            durations[scenario] = float(np.median(completed[scenario]))
        outcomes[outcome] += 1
        by_scenario[scenario, outcome] += 1
        lost_epochs += lost
        unraisable += len(result["unraisable"])
        interrupted = [w for w in caught if "interrupted" in str(w.message)]
        interrupt_warnings += bool(interrupted)
        if outcome == KEPT and run.estimator.n_iter_ == 0:
            kept_without_epochs += 1
        if outcome in (LOST, BROKEN):
            failures.append((n_runs, scenario, delay, detail))
            print(
                f"run {n_runs} ({scenario}, signal after {delay * 1e3:.1f} ms): "
                f"{outcome}: {detail.splitlines()[0]}; {innermost_frame(result)}",
                flush=True,
            )
        log_rows.append(
            [n_runs, scenario, seed, f"{delay * 1e3:.3f}", run.call, outcome, lost]
        )
        if n_runs % 50 == 0:
            print(f"{n_runs} runs, {time.perf_counter() - started:.0f} s", flush=True)

    if args.log:
        with open(args.log, "w", newline="") as log_file:
            writer = csv.writer(log_file)
            writer.writerow(
                [
                    "run",
                    "scenario",
                    "seed",
                    "delay_ms",
                    "partial_fit_call",
                    "outcome",
                    "epochs_lost",
                ]
            )
            writer.writerows(log_rows)

    print()
    print(f"{n_runs} runs in {time.perf_counter() - started:.0f} s; {load_average()}")
    n_interrupts = n_runs - outcomes[OUTSIDE]
    n_failures = outcomes[LOST] + outcomes[BROKEN]
    print(f"interrupts inside a call:                  {n_interrupts}")
    print(
        f"  kept a usable model (call returned):     {outcomes[KEPT]}"
        f"  ({kept_without_epochs} of them with no epoch of the call kept)"
    )
    print(f"  partial_fit kept its epoch, then raised: {outcomes[KEPT_RAISED]}")
    print(f"  propagated, no epoch finished, undone:   {outcomes[PROPAGATED]}")
    print(f"  failures:                                {n_failures}")
    print(f"    {LOST}: {outcomes[LOST]}")
    print(f"    {BROKEN}: {outcomes[BROKEN]}")
    print(f"signals outside the call:                  {outcomes[OUTSIDE]}")
    print(
        f"'interrupted by the user' warnings: {interrupt_warnings}; "
        f"finished epochs dropped by kept models: {lost_epochs}; "
        f"exceptions ignored in finalizers: {unraisable}"
    )
    print()
    print(
        f"{'scenario':15s} {'interrupts':>10s} {'kept':>5s} {'propagated':>10s} "
        f"{'failures':>8s} {'outside':>7s}"
    )
    for name in names:
        counts = [
            by_scenario[name, KEPT] + by_scenario[name, KEPT_RAISED],
            by_scenario[name, PROPAGATED],
        ]
        failed = by_scenario[name, LOST] + by_scenario[name, BROKEN]
        print(
            f"{name:15s} {sum(counts) + failed:10d} {counts[0]:5d} {counts[1]:10d} "
            f"{failed:8d} {by_scenario[name, OUTSIDE]:7d}"
        )
    for number, (run_number, scenario, delay, detail) in enumerate(
        failures[: args.show]
    ):
        print()
        print(
            f"--- failure {number + 1}: run {run_number}, {scenario}, "
            f"signal after {delay * 1e3:.2f} ms"
        )
        print(detail.rstrip())
    if failures:
        print()
        print(f"FAIL: {n_failures} of {n_interrupts} interrupts left a failure")
        sys.exit(1)
    print(f"PASS: all {n_interrupts} interrupts left a usable model")


if __name__ == "__main__":
    main()
