"""Benchmark: accuracy of the recurrent cells, on the long-range task and on
real sequences, sknetviz beside PyTorch.

Run it from the project root::

    python benchmarks/bench_rnn_accuracy.py              # both parts, 3 seeds
    python benchmarks/bench_rnn_accuracy.py --part vowels --seeds 5

Long-range task (``make_long_range``)
    The class is the marker at the first step, ``distance`` steps before the
    end; every later step carries a random marker that says nothing about it
    (noise 0.1). For each distance, one data set (``random_state=distance``):
    the first ``N_TRAIN`` sequences train, the next ``N_TEST`` test.
    ``RNNClassifier(cell, units=(32,))`` for cell in 'rnn', 'lstm', 'gru',
    each with the same budget: ``LONG_RANGE_EPOCHS`` epochs of adam at
    learning rate 0.01, batches of 32, no early stop (``tol=0``), no L2
    (``alpha=0``), clip_norm 5.0 (the default). Beside them, PyTorch's
    ``nn.RNN`` (tanh), ``nn.LSTM`` and ``nn.GRU`` of 32 units with a linear
    output on the last state, the same optimizer, batch size, epochs and
    clipping, each library with its own default initialisation.

Japanese vowels (``load_japanese_vowels``)
    Nine speakers; the archive's training split (270 utterances of 7 to 26
    steps, 12 channels, as a ragged list) trains, its test split (370, up to
    29 steps) scores. Every channel is standardised with the mean and
    standard deviation of the training frames. ``RNNClassifier('lstm',
    units=(64,))`` for ``VOWELS_EPOCHS`` epochs of adam at learning rate
    0.005, batches of 32, ``tol=0``, ``alpha=0``. Beside it ``nn.LSTM(12,
    64)`` and a linear output on the state at each sequence's last real step:
    batches padded and packed with ``pack_padded_sequence``, so padding does
    not change its result, with the same optimizer, batch size, epochs and
    clipping.

What is reported
    Test accuracy per seed (models' ``random_state`` / ``torch.manual_seed``
    from 0 to SEEDS - 1; the data do not change with the seed), as the mean
    and range over seeds, the wall time of each part and the load average
    before and after. Chance is 0.5 on the long-range task and about 0.11 on
    the vowels. PyTorch's columns are skipped, with a line saying so, when
    ``import torch`` fails, and so is the vowels part without aeon.
"""

import argparse
import time
import warnings

import numpy as np
from _common import (
    TORCH,
    describe_environment,
    load_average,
    numpy_blas_threads,
    torch_available,
)
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_limits

from sknetviz import RNNClassifier
from sknetviz.datasets import load_japanese_vowels, make_long_range

SKNETVIZ = "sknetviz"
CELLS = ("rnn", "lstm", "gru")
DISTANCES = (5, 10, 20, 40, 80)
N_TRAIN, N_TEST = 500, 500
LONG_RANGE_UNITS = 32
LONG_RANGE_EPOCHS = 40
LONG_RANGE_LEARNING_RATE = 0.01
VOWELS_UNITS = 64
VOWELS_EPOCHS = 30
VOWELS_LEARNING_RATE = 0.005
BATCH_SIZE = 32
CLIP_NORM = 5.0
THREADS = 1


def _sknetviz_model(cell, units, epochs, learning_rate, seed):
    return RNNClassifier(
        cell,
        units=(units,),
        alpha=0.0,
        clip_norm=CLIP_NORM,
        batch_size=BATCH_SIZE,
        learning_rate_init=learning_rate,
        max_iter=epochs,
        tol=0.0,
        n_iter_no_change=epochs,
        random_state=seed,
    )


def sknetviz_accuracy(cell, units, epochs, learning_rate, seed, train, test):
    """Test accuracy of an RNNClassifier trained on ``train``, an (X, y) pair."""
    model = _sknetviz_model(cell, units, epochs, learning_rate, seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(*train)
    return model.score(*test)


def _torch_classifier(cell, n_features, units, n_classes):
    from torch import nn

    recurrent_types = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}

    class RecurrentClassifier(nn.Module):
        """One recurrent layer and a linear output on each sequence's state at
        its last real step (``h_n`` of the packed batch)."""

        def __init__(self):
            super().__init__()
            self.recurrent = recurrent_types[cell](n_features, units, batch_first=True)
            self.output = nn.Linear(units, n_classes)

        def forward(self, padded, lengths):
            packed = nn.utils.rnn.pack_padded_sequence(
                padded, lengths, batch_first=True, enforce_sorted=False
            )
            _, state = self.recurrent(packed)
            last = state[0] if isinstance(state, tuple) else state
            return self.output(last[-1])

    return RecurrentClassifier()


def _padded(sequences):
    """A (n, T_max, F) float32 tensor of ``sequences`` padded with zeros at
    the end, and their lengths."""
    import torch

    lengths = np.array([len(sequence) for sequence in sequences])
    padded = np.zeros(
        (len(sequences), lengths.max(), sequences[0].shape[1]), dtype=np.float32
    )
    for index, sequence in enumerate(sequences):
        padded[index, : len(sequence)] = sequence
    return torch.from_numpy(padded), torch.from_numpy(lengths)


def torch_accuracy(cell, units, epochs, learning_rate, seed, train, test):
    """Test accuracy of the same network in PyTorch: adam, cross-entropy,
    shuffled batches, gradients clipped to CLIP_NORM, no weight decay."""
    import torch
    from torch import nn

    (X_train, y_train), (X_test, y_test) = train, test
    classes = np.unique(y_train)
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    padded, lengths = _padded(list(X_train))
    targets = torch.from_numpy(np.searchsorted(classes, y_train).astype(np.int64))
    model = _torch_classifier(cell, padded.shape[2], units, len(classes))
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
    loss_function = nn.CrossEntropyLoss()
    model.train()
    for _ in range(epochs):
        order = torch.randperm(len(targets), generator=generator)
        for start in range(0, len(targets), BATCH_SIZE):
            batch = order[start : start + BATCH_SIZE]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_function(model(padded[batch], lengths[batch]), targets[batch])
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), CLIP_NORM)
            optimizer.step()
    model.eval()
    with torch.no_grad():
        predicted = model(*_padded(list(X_test))).argmax(dim=1).numpy()
    return float(np.mean(classes[predicted] == y_test))


ACCURACY = {SKNETVIZ: sknetviz_accuracy, TORCH: torch_accuracy}


def _summary(scores):
    """'mean (min-max)' of a list of accuracies."""
    return f"{np.mean(scores):.3f} ({min(scores):.2f}-{max(scores):.2f})"


def long_range(libraries, seeds, distances, epochs):
    print()
    print(
        f"long-range task: {N_TRAIN} training and {N_TEST} test sequences per "
        f"distance, {LONG_RANGE_UNITS} units, {epochs} epochs, adam lr "
        f"{LONG_RANGE_LEARNING_RATE}, batch {BATCH_SIZE}, clip {CLIP_NORM}"
    )
    print(f"before, {load_average()}")
    started = time.perf_counter()
    scores = {}
    for distance in distances:
        X, y = make_long_range(
            N_TRAIN + N_TEST, distance=distance, random_state=distance
        )
        train, test = (X[:N_TRAIN], y[:N_TRAIN]), (X[N_TRAIN:], y[N_TRAIN:])
        for library in libraries:
            for cell in CELLS:
                cell_started = time.perf_counter()
                scores[library, cell, distance] = [
                    ACCURACY[library](
                        cell,
                        LONG_RANGE_UNITS,
                        epochs,
                        LONG_RANGE_LEARNING_RATE,
                        seed,
                        train,
                        test,
                    )
                    for seed in seeds
                ]
                print(
                    f"  distance {distance:3d} {library:8s} {cell:4s} "
                    + " ".join(f"{s:.3f}" for s in scores[library, cell, distance])
                    + f"  ({time.perf_counter() - cell_started:.1f} s)",
                    flush=True,
                )
    seconds = time.perf_counter() - started
    print(f"after, {load_average()}; long-range part {seconds:.0f} s")
    print()
    header = f"{'library':8s} {'cell':4s} " + " ".join(
        f"{'d=' + str(distance):>18s}" for distance in distances
    )
    print(header)
    print("-" * len(header))
    for library in libraries:
        for cell in CELLS:
            print(
                f"{library:8s} {cell:4s} "
                + " ".join(
                    f"{_summary(scores[library, cell, distance]):>18s}"
                    for distance in distances
                )
            )
    print(
        f"(test accuracy, mean over {len(seeds)} seeds (lowest-highest); "
        "d: steps between the deciding marker and the end; chance 0.5)"
    )


def _standardised(train, test):
    frames = np.concatenate(train)
    mean, std = frames.mean(axis=0), frames.std(axis=0)
    return [(s - mean) / std for s in train], [(s - mean) / std for s in test]


def vowels(libraries, seeds, epochs):
    try:
        X_train, y_train = load_japanese_vowels(subset="train", return_X_y=True)
        X_test, y_test = load_japanese_vowels(subset="test", return_X_y=True)
    except (ImportError, FileNotFoundError) as error:
        print()
        print(f"Japanese vowels: skipped ({error})")
        return
    X_train, X_test = _standardised(X_train, X_test)
    print()
    print(
        f"Japanese vowels: {len(X_train)} training utterances (lengths "
        f"{min(map(len, X_train))}-{max(map(len, X_train))}), {len(X_test)} test "
        f"(lengths {min(map(len, X_test))}-{max(map(len, X_test))}), 12 channels, "
        f"9 speakers; LSTM of {VOWELS_UNITS} units, {epochs} epochs, adam lr "
        f"{VOWELS_LEARNING_RATE}, batch {BATCH_SIZE}, clip {CLIP_NORM}"
    )
    print(f"before, {load_average()}")
    results = {}
    for library in libraries:
        started = time.perf_counter()
        scores = [
            ACCURACY[library](
                "lstm",
                VOWELS_UNITS,
                epochs,
                VOWELS_LEARNING_RATE,
                seed,
                (X_train, y_train),
                (X_test, y_test),
            )
            for seed in seeds
        ]
        results[library] = scores, time.perf_counter() - started
        print(
            f"  {library:8s} " + " ".join(f"{s:.3f}" for s in scores),
            flush=True,
        )
    print(f"after, {load_average()}")
    print()
    header = f"{'library':8s} {'model':22s} {'test accuracy':>20s} {'s/fit':>6s} ratio"
    print(header)
    print("-" * len(header))
    peer = np.mean(results[TORCH][0]) if TORCH in results else None
    for library, (scores, seconds) in results.items():
        model = (
            "RNNClassifier('lstm')" if library == SKNETVIZ else "nn.LSTM + nn.Linear"
        )
        ratio = f"{np.mean(scores) / peer:.3f}" if peer else "-"
        print(
            f"{library:8s} {model:22s} {_summary(scores):>20s} "
            f"{seconds / len(seeds):6.1f} {ratio}"
        )
    print(
        f"(test accuracy on the archive's test split, mean over {len(seeds)} "
        "seeds (lowest-highest); s/fit: wall time of one fit and score; ratio: "
        "mean vs torch's; literature for LSTM-type models: about 0.95-0.99)"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="default: 3")
    parser.add_argument(
        "--part", choices=("all", "long-range", "vowels"), default="all"
    )
    parser.add_argument(
        "--distances",
        default=",".join(map(str, DISTANCES)),
        help="comma-separated distances of the long-range task",
    )
    parser.add_argument("--long-range-epochs", type=int, default=LONG_RANGE_EPOCHS)
    parser.add_argument("--vowels-epochs", type=int, default=VOWELS_EPOCHS)
    args = parser.parse_args(argv)
    if args.seeds < 1:
        parser.error(f"--seeds must be at least 1; got {args.seeds}")
    seeds = range(args.seeds)
    distances = [int(distance) for distance in args.distances.split(",")]

    # One thread per library: the accuracy does not depend on it, and the
    # small models' per-step work is too short to share between two threads
    # without each step waiting on a busy neighbour (torch with two threads
    # ran 50x slower than with one on this shared machine).
    threadpool_limits(THREADS)
    threads = numpy_blas_threads()
    libraries = [SKNETVIZ]
    if torch_available():
        import torch

        torch.set_num_threads(THREADS)
        libraries.append(TORCH)
    print("sknetviz recurrent accuracy benchmark")
    print("=" * 37)
    describe_environment(threads, libraries, blas_users="sknetviz")
    if TORCH not in libraries:
        print("torch: skipped (import torch failed)")
    started = time.perf_counter()
    if args.part in ("all", "long-range"):
        long_range(libraries, seeds, distances, args.long_range_epochs)
    if args.part in ("all", "vowels"):
        vowels(libraries, seeds, args.vowels_epochs)
    print()
    print(f"total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
