"""Data sets: spirals, XOR and sequences that need memory; the Japanese vowels.

They sit beside scikit-learn's ``make_moons`` and ``make_circles`` and follow
their conventions: ``n_samples``, ``shuffle``, ``noise`` and ``random_state``,
and ``(X, y)`` returned with ``y`` of dtype intp.
"""

import importlib.util
from numbers import Integral, Real
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch, check_random_state
from sklearn.utils import shuffle as shuffle_arrays
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

__all__ = ["load_japanese_vowels", "make_long_range", "make_spiral", "make_xor"]


def _split_counts(n_samples, n_classes):
    """Samples per class: as equal as possible, the first classes taking the rest."""
    base, extra = divmod(n_samples, n_classes)
    return [base + (k < extra) for k in range(n_classes)]


@validate_params(
    {
        "n_samples": [Interval(Integral, 1, None, closed="left")],
        "n_classes": [Interval(Integral, 2, None, closed="left")],
        "n_turns": [Interval(Real, 0, None, closed="neither")],
        "shuffle": ["boolean"],
        "noise": [Interval(Real, 0, None, closed="left"), None],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_spiral(
    n_samples=100,
    *,
    n_classes=2,
    n_turns=1.0,
    shuffle=True,
    noise=None,
    random_state=None,
):
    """Make interleaved spiral arms, one per class.

    Each arm winds ``n_turns`` times around the origin from radius 0 to 1; the
    arms are rotations of each other by ``2 pi / n_classes``. Telling them apart
    takes a network with hidden layers: a linear boundary cannot.

    Parameters
    ----------
    n_samples : int, default=100
        Total number of points, split as evenly as possible between the arms.
    n_classes : int, default=2
        Number of arms.
    n_turns : float, default=1.0
        How many times each arm winds around the origin.
    shuffle : bool, default=True
        Whether to shuffle the samples.
    noise : float, default=None
        Standard deviation of Gaussian noise added to the coordinates.
    random_state : int, RandomState instance or None, default=None
        Determines the shuffling and the noise.

    Returns
    -------
    X : ndarray of shape (n_samples, 2)
        The points.
    y : ndarray of shape (n_samples,)
        The arm (0 to n_classes - 1) of each point.

    See Also
    --------
    make_xor : Four clusters labelled by the exclusive or of their signs.
    sklearn.datasets.make_moons : Two interleaving half circles.

    Examples
    --------
    >>> from sknetviz.datasets import make_spiral
    >>> X, y = make_spiral(n_samples=300, n_classes=3, noise=0.05, random_state=0)
    >>> X.shape, sorted(set(y.tolist()))
    ((300, 2), [0, 1, 2])
    """
    generator = check_random_state(random_state)
    X_parts, y_parts = [], []
    for label, count in enumerate(_split_counts(n_samples, n_classes)):
        radius = np.linspace(0.0, 1.0, count, endpoint=True)
        angle = 2 * np.pi * (n_turns * radius + label / n_classes)
        X_parts.append(np.c_[radius * np.cos(angle), radius * np.sin(angle)])
        y_parts.append(np.full(count, label, dtype=np.intp))
    X, y = np.vstack(X_parts), np.concatenate(y_parts)
    if shuffle:
        X, y = shuffle_arrays(X, y, random_state=generator)
    if noise is not None:
        X += generator.normal(scale=noise, size=X.shape)
    return X, y


@validate_params(
    {
        "n_samples": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "noise": [Interval(Real, 0, None, closed="left"), None],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_xor(n_samples=100, *, shuffle=True, noise=None, random_state=None):
    """Make the exclusive-or problem: class 1 where exactly one coordinate is positive.

    Points are drawn uniformly in the four quadrants of [-1, 1]^2 (equal
    counts, the first quadrants taking any remainder). No straight line
    separates the classes, the classic case for a hidden layer.

    Parameters
    ----------
    n_samples : int, default=100
        Total number of points.
    shuffle : bool, default=True
        Whether to shuffle the samples.
    noise : float, default=None
        Standard deviation of Gaussian noise added after labelling, so noisy
        points can cross into the other class's quadrant.
    random_state : int, RandomState instance or None, default=None
        Determines the points, the shuffling and the noise.

    Returns
    -------
    X : ndarray of shape (n_samples, 2)
        The points.
    y : ndarray of shape (n_samples,)
        ``1`` where ``x0 * x1 < 0``, else ``0``.

    See Also
    --------
    make_spiral : Interleaved spiral arms.
    sklearn.datasets.make_circles : A circle inside another.

    Examples
    --------
    >>> from sknetviz.datasets import make_xor
    >>> X, y = make_xor(n_samples=8, random_state=0)
    >>> bool(((X[:, 0] * X[:, 1] < 0) == (y == 1)).all())
    True
    """
    generator = check_random_state(random_state)
    signs = np.array([[1, 1], [-1, -1], [-1, 1], [1, -1]])
    X_parts, y_parts = [], []
    for (sign0, sign1), count in zip(signs, _split_counts(n_samples, 4)):
        magnitudes = generator.uniform(0.0, 1.0, size=(count, 2))
        X_parts.append(magnitudes * [sign0, sign1])
        y_parts.append(np.full(count, int(sign0 != sign1), dtype=np.intp))
    X, y = np.vstack(X_parts), np.concatenate(y_parts)
    if shuffle:
        X, y = shuffle_arrays(X, y, random_state=generator)
    if noise is not None:
        X += generator.normal(scale=noise, size=X.shape)
    return X, y


@validate_params(
    {
        "n_samples": [Interval(Integral, 1, None, closed="left")],
        "distance": [Interval(Integral, 1, None, closed="left")],
        "n_classes": [Interval(Integral, 2, None, closed="left")],
        "shuffle": ["boolean"],
        "noise": [Interval(Real, 0, None, closed="left"), None],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_long_range(
    n_samples=1000,
    *,
    distance=20,
    n_classes=2,
    shuffle=True,
    noise=0.1,
    random_state=None,
):
    """Make sequences whose class is given only at the first step, ``distance``
    steps before the end: a task that needs memory.

    Every sequence has ``distance + 1`` steps and ``n_classes + 1`` features.
    At each step one of the first ``n_classes`` features is 1 (a marker) and
    the others 0; the last feature is a flag, 1 at the first step only. The
    first step's marker is the class; the ``distance`` markers after it are
    drawn at random and say nothing about it. A network that reads the
    sequence step by step must carry the first marker across every later
    one: the longer the distance, the further back the error has to flow in
    backpropagation through time. This is the guide's claim about LSTMs
    ("better capture long-term dependencies") made measurable.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of sequences, split as evenly as possible between the classes.
    distance : int, default=20
        Steps between the marker that decides the class and the end of the
        sequence.
    n_classes : int, default=2
        Number of classes, and of marker features.
    shuffle : bool, default=True
        Whether to shuffle the sequences.
    noise : float or None, default=0.1
        Standard deviation of Gaussian noise added to every feature of every
        step; None adds none.
    random_state : int, RandomState instance or None, default=None
        Determines the markers, the shuffling and the noise.

    Returns
    -------
    X : ndarray of shape (n_samples, distance + 1, n_classes + 1)
        The sequences, time on the second axis.
    y : ndarray of shape (n_samples,)
        The class: the index of the first step's marker.

    See Also
    --------
    make_xor : A problem that needs a hidden layer, where this one needs memory.

    Examples
    --------
    >>> from sknetviz.datasets import make_long_range
    >>> X, y = make_long_range(n_samples=6, distance=4, noise=None, random_state=0)
    >>> X.shape
    (6, 5, 3)
    >>> bool((X[:, 0, :2].argmax(axis=1) == y).all())
    True
    """
    generator = check_random_state(random_state)
    y = np.concatenate(
        [
            np.full(count, label, dtype=np.intp)
            for label, count in enumerate(_split_counts(n_samples, n_classes))
        ]
    )
    markers = generator.randint(n_classes, size=(n_samples, distance + 1))
    markers[:, 0] = y
    X = np.zeros((n_samples, distance + 1, n_classes + 1))
    X[np.arange(n_samples)[:, None], np.arange(distance + 1), markers] = 1.0
    X[:, 0, n_classes] = 1.0
    if shuffle:
        X, y = shuffle_arrays(X, y, random_state=generator)
    if noise is not None:
        X += generator.normal(scale=noise, size=X.shape)
    return X, y


SEQUENCES_EXTRA = "pip install 'sknetviz[sequences]'"


def _aeon_data_file(problem, subset):
    """The path of a data file that ships inside aeon's wheel, found without
    importing aeon (its import compiles numba code)."""
    spec = importlib.util.find_spec("aeon")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(
            f"The {problem} data ships inside the aeon package, which is not "
            f"installed: {SEQUENCES_EXTRA}. Nothing is downloaded."
        )
    root = Path(next(iter(spec.submodule_search_locations)))
    path = root / "datasets" / "data" / problem / f"{problem}_{subset.upper()}.ts"
    if not path.is_file():
        raise FileNotFoundError(
            f"The installed aeon has no {path.name} where its wheel keeps it "
            f"({path.parent}); install aeon >= 1.0 with {SEQUENCES_EXTRA}."
        )
    return path


def _read_ts(path):
    """Sequences and labels of a .ts file (the UEA/UCR archive's text format):
    one line per sequence, its channels separated by ':' and the label last."""
    sequences, labels, in_data = [], [], False
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if not in_data:
                in_data = line.lower() == "@data"
                continue
            *channels, label = line.split(":")
            values = [
                [np.nan if v == "?" else float(v) for v in channel.split(",")]
                for channel in channels
            ]
            sequences.append(np.array(values, dtype=np.float64).T)
            labels.append(label)
    return sequences, labels


@validate_params(
    {
        "subset": [StrOptions({"train", "test", "all"})],
        "return_X_y": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def load_japanese_vowels(*, subset="train", return_X_y=False):
    """Load the Japanese vowels: who is speaking, from sequences of 7 to 29 steps.

    Nine male speakers said the Japanese vowels 'a' and 'e' in a row; each
    utterance is a sequence of 12 LPC cepstrum coefficients per 6.4 ms frame,
    7 to 29 frames long, and the class is the speaker (Kudo, Toyama and
    Shimbo, 1999, in the UEA/UCR time-series archive). The training set
    holds 30 utterances per speaker (270), the test set 370.

    The data ships inside the aeon package's wheel; install it with
    ``pip install 'sknetviz[sequences]'``. It is read from there, without
    importing aeon, and nothing is downloaded.

    Parameters
    ----------
    subset : {'train', 'test', 'all'}, default='train'
        The archive's training set, its test set, or both (training first).
    return_X_y : bool, default=False
        Return ``(X, y)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data``, a list of ndarray of shape (n_steps_i, 12), one per
        utterance (their lengths differ); ``target``, ndarray of shape
        (n_samples,) of int, the speaker from 1 to 9; ``lengths``; and
        ``DESCR``.
    (X, y) : tuple
        ``data`` and ``target``, with ``return_X_y=True``.

    Examples
    --------
    >>> from sknetviz.datasets import load_japanese_vowels
    >>> X, y = load_japanese_vowels(return_X_y=True)
    >>> len(X), X[0].shape, [int(label) for label in sorted(set(y))]
    (270, (20, 12), [1, 2, 3, 4, 5, 6, 7, 8, 9])
    """
    subsets = ("train", "test") if subset == "all" else (subset,)
    X, labels = [], []
    for part in subsets:
        sequences, part_labels = _read_ts(_aeon_data_file("JapaneseVowels", part))
        X.extend(sequences)
        labels.extend(part_labels)
    y = np.array([int(label) for label in labels], dtype=np.intp)
    if return_X_y:
        return X, y
    return Bunch(
        data=X,
        target=y,
        lengths=np.array([len(sequence) for sequence in X], dtype=np.intp),
        DESCR=load_japanese_vowels.__doc__.split("\n\n")[1],
    )
