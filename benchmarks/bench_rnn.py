"""Benchmark: sknetviz.RNNClassifier's LSTM, GRU and SimpleRNN against PyTorch's.

Run it from the project root::

    python benchmarks/bench_rnn.py                                   # the full one
    python benchmarks/bench_rnn.py --n-samples 1024 --repeats 1 --epochs 1  # quick

Workload
    ``rng = np.random.default_rng(0); X = rng.normal(size=(4096, 50, 16))``
    as float32: 4,096 sequences of 50 steps of 16 features. The label is the
    feature among the first four with the largest sum over the last ten
    steps (4 classes), so the task is learnable and the loss must fall below
    ln(4). The network is one recurrent layer of 64 units (LSTM, GRU or tanh
    SimpleRNN) whose state at the last step feeds a dense output layer of 4
    units; cross-entropy, Adam (learning rate 1e-3), batch size 64, samples
    shuffled every epoch, gradients clipped to a global norm of 5, float32.

Libraries, all run in the same invocation, for each cell
    * ``sknetviz``: ``RNNClassifier(cell, units=(64,), hidden_layer_sizes=(),
      batch_size=64, solver='adam', learning_rate_init=1e-3,
      early_stopping=False, tol=0, n_iter_no_change=10**9, warm_start=True,
      random_state=seed)`` with its other defaults: ``clip_norm=5.0`` (the
      default) and ``alpha=1e-4`` (its L2 term costs one pass over the
      weights per batch). X is given as the (n, 50, 16) array.
      ConvergenceWarning is silenced.
    * ``torch`` (only when ``import torch`` works, else a line says it was
      skipped; it is the baseline of the ratio): ``nn.LSTM(16, 64,
      batch_first=True)`` (or ``nn.GRU``, or ``nn.RNN`` with tanh), the last
      step's output into ``nn.Linear(64, 4)``, ``CrossEntropyLoss``,
      ``torch.optim.Adam(lr=1e-3)`` without weight decay, and
      ``clip_grad_norm_(parameters, 5.0)`` before every step, as sknetviz's
      ``clip_norm=5.0`` does; batches of 64 from a new permutation every
      epoch, ``loss.item()`` read every batch.

Threads
    ``torch.set_num_threads`` is set to the thread count of numpy's BLAS
    (printed, with every thread pool threadpoolctl sees), so both libraries
    may use the same cores. What each does with them is its own business:
    sknetviz's recurrent layers run a pass whose per-step products are small
    (as LSTM(64) at batch 64) on one BLAS thread, larger layers on all.

What is timed (seconds per epoch)
    For each library, cell and repeat: a fresh model is trained for 1 warm-up
    epoch, untimed; then ``--epochs`` more epochs are timed with
    ``time.perf_counter`` in one go and the time is divided by ``--epochs``.
    For sknetviz the warm-up is ``fit(max_iter=1)`` with ``warm_start=True``
    and the timed part is one second ``fit(max_iter=epochs)`` call, which
    continues from the warm-up weights (and does its per-call input
    validation and label binarisation and makes a fresh Adam optimizer). Its
    epochs include the per-epoch hooks that are always on: History and
    Diagnostics (one inference pass over at most 512 evenly spaced training
    sequences, for the saturation of the units, and the weights' update
    ratios). Diagnostics has no switch; its cost is measured apart and
    printed, so it can be taken out of the ratio by eye. The libraries run
    interleaved (each cell's sknetviz, then torch, then again ``--repeats``
    times) in this one process; the figure is the median over the repeats.
    The target is a ratio of medians for the LSTM: sknetviz / torch <= 2.0
    (aim: 1.5). GRU and SimpleRNN are reported the same way.

What is measured (peak memory)
    Each library and cell is run once more in a fresh child process (this
    script with a hidden flag) that imports its library, builds the same
    data, runs ``gc.collect()``, resets the kernel's peak-RSS mark, trains
    exactly as above and reports the extra peak RSS of training (``VmHWM``
    minus ``VmRSS`` before training, see ``_common.extra_peak_rss``).
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
    load_average,
    measure_memory_of_all,
    numpy_blas_threads,
    time_interleaved,
    time_torch_epochs,
    torch_available,
    verdict,
)

N_STEPS = 50
N_FEATURES = 16
N_CLASSES = 4
# The label's window: the last steps, so that it must be carried to the end.
LABEL_STEPS = 10
UNITS = 64
BATCH_SIZE = 64
LEARNING_RATE = 1e-3
CLIP_NORM = 5.0
CELLS = ("lstm", "gru", "rnn")

SKNETVIZ = "sknetviz"
# Target of (sknetviz's LSTM s/epoch) / (torch's); the aim is AIM.
SPEED_TARGET = 2.0
AIM = 1.5


def library_name(library, cell):
    return f"{library}-{cell}"


def split_name(name):
    library, cell = name.rsplit("-", 1)
    return library, cell


# --------------------------------------------------------------------- data


def make_data(n_samples):
    """The workload's X, float32 of shape (n, 50, 16), and y (int labels)."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n_samples, N_STEPS, N_FEATURES)).astype(np.float32)
    y = X[:, -LABEL_STEPS:, :N_CLASSES].sum(axis=1).argmax(axis=1)
    return X, y


# ----------------------------------------------------------------- training


def _estimator(cell, seed, max_iter):
    from sknetviz import RNNClassifier

    return RNNClassifier(
        cell=cell,
        units=(UNITS,),
        hidden_layer_sizes=(),
        batch_size=BATCH_SIZE,
        solver="adam",
        learning_rate_init=LEARNING_RATE,
        clip_norm=CLIP_NORM,
        early_stopping=False,
        tol=0,
        n_iter_no_change=10**9,
        max_iter=max_iter,
        warm_start=True,
        random_state=seed,
    )


def _train_sknetviz(cell, X, y, epochs, seed):
    from sklearn.exceptions import ConvergenceWarning

    estimator = _estimator(cell, seed, max_iter=1)
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


def _torch_model(cell):
    from torch import nn

    recurrent = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}[cell]

    class LastStepClassifier(nn.Module):
        def __init__(self):
            super().__init__()
            self.recurrent = recurrent(N_FEATURES, UNITS, batch_first=True)
            self.head = nn.Linear(UNITS, N_CLASSES)

        def forward(self, X):
            outputs, _ = self.recurrent(X)
            return self.head(outputs[:, -1])

    return LastStepClassifier()


def _train_torch(cell, X, y, epochs, seed):
    """``_common.time_torch_epochs`` with the gradient clipped every step."""
    import torch

    torch.manual_seed(seed)
    return time_torch_epochs(
        _torch_model(cell),
        torch.from_numpy(X),
        torch.from_numpy(y.astype(np.int64)),
        batch_size=BATCH_SIZE,
        learning_rate=LEARNING_RATE,
        epochs=epochs,
        generator=torch.Generator().manual_seed(seed),
        clip_norm=CLIP_NORM,
    )


def train(name, X, y, epochs, seed):
    """Warm up one epoch, time ``epochs`` more: (seconds per epoch, final loss)."""
    library, cell = split_name(name)
    if library == TORCH:
        return _train_torch(cell, X, y, epochs, seed)
    return _train_sknetviz(cell, X, y, epochs, seed)


def diagnostics_seconds(cell, X, y, repeats=5):
    """Seconds of one epoch's Diagnostics hook on a model trained one epoch.

    The hook's ``on_epoch_end`` (the probe's inference pass and the update
    ratios), as ``fit`` calls it after every epoch; the median of ``repeats``.
    """
    from sklearn.exceptions import ConvergenceWarning

    from sknetviz._diagnostics import Diagnostics
    from sknetviz._training import TrainingState

    estimator = _estimator(cell, seed=0, max_iter=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        estimator.fit(X, y)
    hook = Diagnostics(X)
    state = TrainingState(estimator.network_, objective=None, optimizer=None)
    hook.on_train_begin(state)
    times = []
    for _ in range(repeats):
        hook.on_epoch_begin(state)
        state.record = {}
        started = time.perf_counter()
        hook.on_epoch_end(state)
        times.append(time.perf_counter() - started)
    return statistics.median(times), hook.probe.shape[0]


# ------------------------------------------------------------------- memory


def memory_child(name, n_samples, epochs, threads):
    """Run in a fresh process: print the peak RSS of training as JSON."""
    library, _ = split_name(name)
    if library == TORCH:
        import torch

        torch.set_num_threads(threads)
    else:
        import sknetviz  # noqa: F401
    X, y = make_data(n_samples)
    gc.collect()
    result = extra_peak_rss(lambda: train(name, X, y, epochs, seed=0))
    result["total_kib"] = result["before_kib"] + result["extra_kib"]
    print(json.dumps(result))


# ------------------------------------------------------------------- report


def _print_table(cells, has_torch, seconds, memory, diagnostics):
    median = {name: statistics.median(values) for name, values in seconds.items()}
    print()
    header = (
        f"{'cell':5s} {'library':9s} {'s/epoch':>8s} {'min-max':>13s} "
        f"{'ratio':>6s} {'ratio range':>12s} {'extra MiB':>10s} {'target':>7s}  result"
    )
    print(header)
    print("-" * len(header))
    for cell in cells:
        ours, theirs = library_name(SKNETVIZ, cell), library_name(TORCH, cell)
        for name in (ours, theirs) if has_torch else (ours,):
            library, _ = split_name(name)
            spread = f"{min(seconds[name]):.3f}-{max(seconds[name]):.3f}"
            ratio_text, range_text, target_text, result = "-", "-", "-", "-"
            if library == SKNETVIZ and has_torch:
                ratio = median[ours] / median[theirs]
                # The same ratio within each repeat: how far the noise moved it.
                per_repeat = [a / b for a, b in zip(seconds[ours], seconds[theirs])]
                ratio_text = f"{ratio:.3f}"
                range_text = f"{min(per_repeat):.2f}-{max(per_repeat):.2f}"
                if cell == "lstm":
                    target_text = f"<= {SPEED_TARGET}"
                    result = verdict(ratio, SPEED_TARGET)
                    if ratio <= AIM:
                        result += f" (aim <= {AIM} met)"
            elif library == TORCH:
                ratio_text = "1.000"
            print(
                f"{cell:5s} {library:9s} {median[name]:8.3f} {spread:>13s} "
                f"{ratio_text:>6s} {range_text:>12s} "
                f"{memory[name]['extra_kib'] / 1024:10.1f} {target_text:>7s}  {result}"
            )
    print(
        "(s/epoch: median over repeats, min-max over repeats; ratio: of medians, "
        "sknetviz / torch; ratio range: the ratio within each repeat; extra MiB: "
        "extra peak RSS of training in a fresh process)"
    )
    print()
    print(
        "Diagnostics hook (always on in sknetviz's fit, inside the s/epoch above), "
        "one epoch's on_epoch_end:"
    )
    for cell in cells:
        hook_seconds, n_probe = diagnostics[cell]
        share = hook_seconds / median[library_name(SKNETVIZ, cell)]
        text = f"  {cell:5s} {1e3 * hook_seconds:.2f} ms ({n_probe} probe sequences), "
        text += f"{100 * share:.2f}% of sknetviz's epoch"
        if has_torch:
            without = median[library_name(SKNETVIZ, cell)] - hook_seconds
            ratio = without / median[library_name(TORCH, cell)]
            text += f"; ratio without it {ratio:.3f}"
        print(text)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="interleaved repeats")
    parser.add_argument("--epochs", type=int, default=2, help="timed epochs per run")
    parser.add_argument("--n-samples", type=int, default=4096, help="sequences")
    parser.add_argument(
        "--cells", default=",".join(CELLS), help="comma-separated: lstm,gru,rnn"
    )
    parser.add_argument("--memory-child", help=argparse.SUPPRESS)
    parser.add_argument("--threads", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.repeats < 1 or args.epochs < 1 or args.n_samples < BATCH_SIZE:
        parser.error(f"need repeats >= 1, epochs >= 1 and n-samples >= {BATCH_SIZE}")
    cells = args.cells.split(",")
    if not set(cells) <= set(CELLS):
        parser.error(f"--cells takes some of {','.join(CELLS)}, got {args.cells!r}")

    if args.memory_child:
        memory_child(args.memory_child, args.n_samples, args.epochs, args.threads)
        return

    threads = numpy_blas_threads()
    has_torch = torch_available()
    libraries = [SKNETVIZ]
    if has_torch:
        import torch

        torch.set_num_threads(threads)
        libraries.append(TORCH)
    names = [library_name(library, cell) for cell in cells for library in libraries]

    print("sknetviz recurrent network benchmark")
    print("=" * 36)
    describe_environment(threads, libraries, blas_users="sknetviz")
    if not has_torch:
        print("torch: skipped (import torch failed)")

    X, y = make_data(args.n_samples)
    print(
        f"data: X {X.shape} {X.dtype} ({X.nbytes / 2**20:.1f} MiB), "
        f"{N_CLASSES} classes (largest sum of the first {N_CLASSES} features over "
        f"the last {LABEL_STEPS} steps), default_rng(0) (untimed)"
    )
    print(
        f"model: recurrent({UNITS}) - last step - dense({N_CLASSES}), float32, adam "
        f"lr={LEARNING_RATE:g}, batch {BATCH_SIZE}, shuffled each epoch, gradient "
        f"clipped to global norm {CLIP_NORM:g} (sknetviz clip_norm, torch "
        "clip_grad_norm_)"
    )
    print(
        f"timing: per run 1 untimed warm-up epoch, then {args.epochs} timed epochs; "
        f"{args.repeats} interleaved repeats; figure = median s/epoch"
    )
    seconds, losses = time_interleaved(names, train, X, y, args.epochs, args.repeats)
    diagnostics = {cell: diagnostics_seconds(cell, X, y) for cell in cells}
    del X, y
    gc.collect()

    memory = measure_memory_of_all(
        __file__,
        names,
        "--n-samples",
        str(args.n_samples),
        "--epochs",
        str(args.epochs),
        "--threads",
        str(threads),
    )
    print(
        "  final training loss (median over repeats, sanity check; "
        f"chance level ln({N_CLASSES}) = {np.log(N_CLASSES):.4f}): "
        + ", ".join(f"{name} {statistics.median(losses[name]):.4f}" for name in names)
    )
    _print_table(cells, has_torch, seconds, memory, diagnostics)
    print(load_average())


if __name__ == "__main__":
    main()
