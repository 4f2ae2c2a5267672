"""make_spiral and make_xor behave like scikit-learn's generators."""

import importlib.util

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score

from sknetviz import MLPVisualClassifier
from sknetviz.datasets import (
    _read_ts,
    load_japanese_vowels,
    make_long_range,
    make_spiral,
    make_xor,
)

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.mark.parametrize("make", [make_spiral, make_xor])
def test_shapes_dtypes_and_balance(make):
    X, y = make(n_samples=101, random_state=0)
    assert X.shape == (101, 2) and y.shape == (101,) and y.dtype == np.intp
    counts = np.bincount(y)
    assert counts.max() - counts.min() <= 2


@pytest.mark.parametrize("make", [make_spiral, make_xor])
def test_random_state_noise_and_shuffle(make):
    X1, y1 = make(n_samples=60, noise=0.1, random_state=3)
    X2, y2 = make(n_samples=60, noise=0.1, random_state=3)
    assert_array_equal(X1, X2)
    assert_array_equal(y1, y2)
    X3, _ = make(n_samples=60, noise=0.1, random_state=4)
    assert not np.allclose(X1, X3)
    _, ordered = make(n_samples=60, shuffle=False, random_state=0)
    assert (np.diff(ordered) >= 0).all()  # unshuffled: grouped by class
    with pytest.raises(ValueError, match="n_samples"):
        make(n_samples=0)


def test_xor_labels_follow_the_signs():
    X, y = make_xor(n_samples=400, random_state=0)
    assert_array_equal(y, (X[:, 0] * X[:, 1] < 0).astype(int))
    assert np.abs(X).max() <= 1


def test_spiral_arms_are_rotations():
    X, y = make_spiral(n_samples=90, n_classes=3, shuffle=False)
    radius = np.hypot(X[:, 0], X[:, 1])
    for label in range(3):
        assert radius[y == label].min() == 0 and radius[
            y == label
        ].max() == pytest.approx(1)
    rotation = 2 * np.pi / 3
    turn = np.array(
        [[np.cos(rotation), np.sin(rotation)], [-np.sin(rotation), np.cos(rotation)]]
    )
    np.testing.assert_allclose(X[y == 0] @ turn, X[y == 1], atol=1e-12)


@pytest.mark.parametrize("make", [make_spiral, make_xor])
def test_a_hidden_layer_is_needed(make):
    X, y = make(n_samples=300, noise=0.05, random_state=0)
    linear = cross_val_score(LogisticRegression(), X, y, cv=3).mean()
    network = MLPVisualClassifier(
        (32, 32), learning_rate_init=0.01, max_iter=400, random_state=0
    )
    deep = cross_val_score(network, X, y, cv=3).mean()
    assert linear < 0.7 and deep > 0.9


def test_long_range_shapes_balance_and_determinism():
    X, y = make_long_range(n_samples=101, distance=7, n_classes=3, random_state=0)
    assert X.shape == (101, 8, 4) and y.shape == (101,) and y.dtype == np.intp
    assert np.bincount(y).tolist() == [34, 34, 33]
    X2, y2 = make_long_range(n_samples=101, distance=7, n_classes=3, random_state=0)
    assert_array_equal(X, X2)
    assert_array_equal(y, y2)


def test_long_range_class_is_only_at_the_first_step():
    """The first step's marker is the class and its flag is set; the last
    step's marker is random: a model that sees only the end is at chance,
    one that sees the start is right."""
    X, y = make_long_range(n_samples=2000, distance=30, noise=None, random_state=0)
    assert_array_equal(X[:, 0, :2].argmax(axis=1), y)
    assert (X[:, 0, 2] == 1).all() and (X[:, 1:, 2] == 0).all()
    assert_array_equal(X[:, :, :2].sum(axis=2), 1.0)
    last = cross_val_score(LogisticRegression(), X[:, -1], y, cv=3).mean()
    first = cross_val_score(LogisticRegression(), X[:, 0], y, cv=3).mean()
    assert 0.45 < last < 0.55 and first == 1.0


def test_long_range_noise_and_validation():
    X, _ = make_long_range(n_samples=50, distance=3, noise=0.5, random_state=1)
    clean, _ = make_long_range(n_samples=50, distance=3, noise=None, random_state=1)
    assert not np.array_equal(X, clean)
    with pytest.raises(ValueError, match="distance"):
        make_long_range(distance=0)


needs_aeon = pytest.mark.skipif(
    importlib.util.find_spec("aeon") is None,
    reason="the Japanese vowels ship inside aeon: pip install 'sknetviz[sequences]'",
)


@needs_aeon
def test_japanese_vowels_are_the_archives_sets():
    """270 training utterances (30 per speaker) and 370 test ones, 12
    coefficients per frame, 7 to 29 frames."""
    train = load_japanese_vowels()
    assert len(train.data) == len(train.target) == 270
    assert np.bincount(train.target).tolist() == [0] + [30] * 9
    assert all(seq.ndim == 2 and seq.shape[1] == 12 for seq in train.data)
    assert_array_equal(train.lengths, [len(seq) for seq in train.data])
    X_test, y_test = load_japanese_vowels(subset="test", return_X_y=True)
    assert len(X_test) == len(y_test) == 370
    X_all, y_all = load_japanese_vowels(subset="all", return_X_y=True)
    lengths = [len(seq) for seq in X_all]
    assert len(X_all) == 640 and min(lengths) == 7 and max(lengths) == 29
    assert_array_equal(y_all[:270], train.target)
    assert all(np.isfinite(seq).all() for seq in X_all)


def test_japanese_vowels_say_how_to_get_them_without_aeon(monkeypatch):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ImportError, match=r"sknetviz\[sequences\]"):
        load_japanese_vowels()


def test_read_ts_reads_channels_labels_and_missing_values(tmp_path):
    path = tmp_path / "toy.ts"
    path.write_text(
        "# a comment\n@problemName toy\n@dimensions 2\n@data\n"
        "1,2,3:4,5,6:a\n7,?:8,9:b\n",
        encoding="utf-8",
    )
    sequences, labels = _read_ts(path)
    assert labels == ["a", "b"]
    assert_array_equal(sequences[0], [[1, 4], [2, 5], [3, 6]])
    assert sequences[1].shape == (2, 2) and np.isnan(sequences[1][1, 0])
