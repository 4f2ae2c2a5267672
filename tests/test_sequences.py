"""Sequence input: three forms in, one padded batch and its lengths out."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.datasets import load_digits

from sknetviz._sequences import as_sequences, check_sequence_shape


def test_digits_rows_read_as_eight_steps_of_eight_pixels():
    X, _ = load_digits(return_X_y=True)
    sequences, lengths = as_sequences(X, sequence_shape=(8, 8))
    assert sequences.shape == (len(X), 8, 8) and lengths is None
    assert_array_equal(sequences[0], X[0].reshape(8, 8))


def test_rows_without_sequence_shape_are_steps_of_one_feature():
    X = np.arange(12.0).reshape(3, 4)
    sequences, lengths = as_sequences(X)
    assert sequences.shape == (3, 4, 1) and lengths is None
    assert_array_equal(sequences[:, :, 0], X)


def test_three_dimensional_arrays_pass_through():
    X = np.random.default_rng(0).normal(size=(4, 5, 3))
    sequences, lengths = as_sequences(X)
    assert_array_equal(sequences, X)
    assert lengths is None


def test_ragged_lists_are_padded_at_the_end_with_their_lengths():
    rng = np.random.default_rng(0)
    X = [rng.normal(size=(n, 2)) for n in (3, 1, 4)]
    sequences, lengths = as_sequences(X)
    assert sequences.shape == (3, 4, 2)
    assert lengths.tolist() == [3, 1, 4]
    for padded, original, length in zip(sequences, X, lengths):
        assert_array_equal(padded[:length], original)
        assert not padded[length:].any()
    # Equal lengths need no mask.
    assert as_sequences([rng.normal(size=(2, 2))] * 2)[1] is None


def test_float32_is_kept():
    sequences, _ = as_sequences(np.zeros((2, 6), dtype=np.float32), (3, 2))
    assert sequences.dtype == np.float32


@pytest.mark.parametrize(
    "X, sequence_shape, message",
    [
        (np.zeros((5, 60)), (8, 8), r"8 x 8 = 64 values per sequence, but X has 60"),
        ([np.zeros((3, 12)), np.zeros((4, 11))], None, r"Sequence 1 of X has 11"),
        ([np.zeros((3, 2)), np.zeros((0, 2))], None, r"Sequence 1 of X has no steps"),
        (np.zeros((2, 0, 3)), None, r"holds empty sequences"),
        (np.zeros((2, 2, 2, 2)), None, r"got an array of shape \(2, 2, 2, 2\)"),
        ([np.array([[1.0, np.nan]])], None, r"X\[0\] contains NaN"),
    ],
)
def test_bad_input_gets_an_error_with_the_numbers(X, sequence_shape, message):
    with pytest.raises(ValueError, match=message):
        as_sequences(X, sequence_shape)


@pytest.mark.parametrize("bad", [(8,), (8, 0), (8.0, 8), (True, 2), "8x8"])
def test_sequence_shape_is_checked(bad):
    with pytest.raises(ValueError, match="sequence_shape must be None or"):
        check_sequence_shape(bad)
    assert check_sequence_shape([8, 8]) == (8, 8)
