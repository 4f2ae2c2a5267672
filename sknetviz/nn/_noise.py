"""Per-sample random streams: dropout masks keyed by the sample and the step.

A mask entry is a hash of (the sample's content, a step key drawn from the
estimator's generator, the unit). Distinct samples get independent masks and
each step draws a new key, as in ordinary dropout; identical samples in one
step get the same mask. That makes a sample of weight k train exactly like k
copies of it, the meaning scikit-learn gives to ``sample_weight``.
"""

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX_1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX_2 = np.uint64(0x94D049BB133111EB)
_UNITS_PER_HASH = 4  # a 64-bit hash gives four 16-bit uniforms
_CHUNK_ROWS = 512


def _mix64(x):
    """splitmix64's finaliser, in place on a uint64 array: a bijective bit mixer."""
    x ^= x >> np.uint64(30)
    x *= _MIX_1
    x ^= x >> np.uint64(27)
    x *= _MIX_2
    x ^= x >> np.uint64(31)
    return x


def _column_multipliers(n_columns):
    # Fixed odd multipliers: keys must not depend on any generator's state.
    seed_sequence = np.random.SeedSequence(0x5EED_CAFE)
    words = seed_sequence.generate_state(2 * n_columns, dtype=np.uint32)
    return (words[0::2].astype(np.uint64) << np.uint64(32)) | words[1::2] | np.uint64(1)


def sample_keys(X):
    """A 64-bit key per row of ``X`` that depends only on the row's values.

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n_samples, n_features)

    Returns
    -------
    keys : ndarray of shape (n_samples,), dtype uint64
    """
    n_samples = X.shape[0]
    X = X.reshape(n_samples, -1) if isinstance(X, np.ndarray) else X
    multipliers = _column_multipliers(X.shape[1])
    keys = np.empty(n_samples, dtype=np.uint64)
    for start in range(0, n_samples, _CHUNK_ROWS):
        chunk = X[start : start + _CHUNK_ROWS]
        chunk = np.ascontiguousarray(
            chunk if isinstance(chunk, np.ndarray) else chunk.toarray()
        )
        bits = chunk.view(np.uint32 if chunk.itemsize == 4 else np.uint64)
        keys[start : start + chunk.shape[0]] = (bits * multipliers).sum(
            axis=1, dtype=np.uint64
        )
    return _mix64(keys)


def keyed_keep_mask(keys, n_units, step_key, rate):
    """Dropout keep-mask of shape (n_samples, n_units) from sample keys and a step key.

    Each entry is kept with probability ``1 - rate`` (to 1/65536).

    Parameters
    ----------
    keys : ndarray of shape (n_samples,), dtype uint64
        From :func:`sample_keys`.
    n_units : int
    step_key : int
        Drawn from the estimator's generator once per layer and step.
    rate : float
        Drop probability.

    Returns
    -------
    keep : ndarray of bool of shape (n_samples, n_units)
    """
    n_hashes = -(-n_units // _UNITS_PER_HASH)
    unit_salts = np.arange(1, n_hashes + 1, dtype=np.uint64) * _GOLDEN
    unit_salts += np.uint64(step_key)
    _mix64(unit_salts)
    hashes = keys[:, np.newaxis] ^ unit_salts[np.newaxis, :]
    _mix64(hashes)
    uniforms = hashes.view(np.uint16)[:, :n_units]
    return uniforms >= np.uint16(min(round(rate * 65536), 65535))


def keyed_integers(keys, step_key, n_options):
    """One integer in [0, n_options) per sample, from sample keys and a step key.

    Identical samples get the same integer in a step, as with
    :func:`keyed_keep_mask`.
    """
    salt = np.array([step_key], dtype=np.uint64)
    _mix64(salt)
    hashes = keys ^ salt[0]
    _mix64(hashes)
    return (hashes % np.uint64(n_options)).astype(np.intp)
