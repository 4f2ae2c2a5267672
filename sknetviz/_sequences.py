"""Sequence input for the recurrent estimators: three forms in, one padded batch out.

A recurrent network reads arrays of shape (n_samples, n_steps, n_features).
Users hold sequences in three forms, and every one of them is taken:

- a 3-D array (n_samples, n_steps, n_features), every sequence full length;
- 2-D rows (n_samples, n_steps * n_features), the form that passes through
  a scaler in a Pipeline and through ``GridSearchCV``, read with
  ``sequence_shape=(n_steps, n_features)``; with ``sequence_shape=None`` a
  row is a sequence of ``n_features`` steps of one feature, so that any 2-D
  input works;
- a list of 2-D arrays (n_steps_i, n_features) of different lengths, the form
  real sequence data comes in. They are padded with zeros at the end to the
  longest, and their lengths kept: the recurrent layers carry their state
  unchanged through the padding, so it never changes a result.
"""

import numbers

import numpy as np
from sklearn.utils.validation import check_array


def check_sequence_shape(sequence_shape):
    """``sequence_shape`` as a tuple of two positive ints, or None."""
    if sequence_shape is None:
        return None
    values = tuple(sequence_shape) if isinstance(sequence_shape, tuple | list) else ()
    if len(values) != 2 or not all(
        isinstance(v, numbers.Integral) and not isinstance(v, bool) and v >= 1
        for v in values
    ):
        raise ValueError(
            "sequence_shape must be None or (n_steps, n_features), two positive "
            f"integers; got {sequence_shape!r}."
        )
    return tuple(int(v) for v in values)


def _is_ragged(X):
    """Whether X is a list or tuple of per-sequence 2-D arrays."""
    return (
        isinstance(X, list | tuple)
        and len(X) > 0
        and all(np.ndim(sequence) == 2 for sequence in X)
    )


def _pad(sequences, dtype):
    """Sequences of shape (n_steps_i, n_features) padded to one array."""
    n_features = np.shape(sequences[0])[1]
    arrays = []
    for index, sequence in enumerate(sequences):
        array = check_array(
            sequence,
            dtype=dtype,
            ensure_min_samples=0,
            input_name=f"X[{index}]",
        )
        if array.shape[0] == 0:
            raise ValueError(
                f"Sequence {index} of X has no steps; every sequence needs at "
                "least one."
            )
        if array.shape[1] != n_features:
            raise ValueError(
                f"Sequence {index} of X has {array.shape[1]} features per step, "
                f"but sequence 0 has {n_features}: every sequence must have the "
                "same number of features."
            )
        arrays.append(array)
    lengths = np.array([len(array) for array in arrays], dtype=np.intp)
    padded = np.zeros((len(arrays), lengths.max(), n_features), dtype=arrays[0].dtype)
    for row, array in zip(padded, arrays):
        row[: len(array)] = array
    return padded, lengths


def as_sequences(X, sequence_shape=None, dtype=(np.float64, np.float32)):
    """The sequences of ``X`` as one array of shape (n, T, F), and their lengths.

    Parameters
    ----------
    X : array-like of shape (n, T, F) or (n, T * F), or list of array-like of \
            shape (T_i, F)
        The sequences, in any of the three forms of the module's docstring.
    sequence_shape : tuple of (int, int) or None, default=None
        (T, F) of a 2-D ``X``; None reads a row of F features as F steps of
        one feature. Ignored for 3-D and ragged input, which carry their shape.
    dtype : dtype or tuple of dtypes, default=(float64, float32)
        As in :func:`sklearn.utils.check_array`.

    Returns
    -------
    sequences : ndarray of shape (n, T, F)
        Zero-padded at the end where lengths differ.
    lengths : ndarray of int of shape (n,) or None
        Each sequence's number of real steps; None when all are full length.

    Examples
    --------
    >>> import numpy as np
    >>> from sknetviz._sequences import as_sequences
    >>> sequences, lengths = as_sequences(np.zeros((5, 6)), sequence_shape=(3, 2))
    >>> sequences.shape, lengths
    ((5, 3, 2), None)
    >>> sequences, lengths = as_sequences([np.ones((2, 4)), np.ones((5, 4))])
    >>> sequences.shape, lengths.tolist()
    ((2, 5, 4), [2, 5])
    """
    sequence_shape = check_sequence_shape(sequence_shape)
    if _is_ragged(X):
        padded, lengths = _pad(X, dtype)
        return padded, (None if (lengths == padded.shape[1]).all() else lengths)
    array = check_array(X, dtype=dtype, allow_nd=True)
    if array.ndim == 3:
        if array.shape[1] == 0 or array.shape[2] == 0:
            raise ValueError(
                f"X of shape {array.shape} holds empty sequences; every sequence "
                "needs at least one step of at least one feature."
            )
        return array, None
    if array.ndim != 2:
        raise ValueError(
            "X must hold sequences: an array of shape (n_samples, n_steps, "
            "n_features), rows of shape (n_samples, n_steps * n_features) with "
            "sequence_shape, or a list of (n_steps, n_features) arrays; got an "
            f"array of shape {array.shape}."
        )
    n_features = array.shape[1]
    if sequence_shape is None:
        return array.reshape(len(array), n_features, 1), None
    n_steps, step_features = sequence_shape
    if n_steps * step_features != n_features:
        raise ValueError(
            f"sequence_shape={sequence_shape} holds {n_steps} x {step_features} = "
            f"{n_steps * step_features} values per sequence, but X has "
            f"{n_features} features per row."
        )
    return array.reshape(len(array), n_steps, step_features), None
