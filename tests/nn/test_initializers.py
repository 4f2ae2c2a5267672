"""Tests of the weight initializers and of how Dense uses them."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from sknetviz.nn.initializers import INITIALIZERS, default_initializer
from sknetviz.nn.layers import Dense

FAN_IN, FAN_OUT = 400, 300
SHAPE = (FAN_IN, FAN_OUT)

UNIFORM_BOUNDS = {
    "xavier_uniform": np.sqrt(6 / (FAN_IN + FAN_OUT)),
    "he_uniform": np.sqrt(6 / FAN_IN),
}
NORMAL_STDS = {
    "xavier_normal": np.sqrt(2 / (FAN_IN + FAN_OUT)),
    "he_normal": np.sqrt(2 / FAN_IN),
    "small_normal": 0.01,
}


def _draw(name, seed=0, dtype=np.float64, shape=SHAPE):
    rng = np.random.default_rng(seed)
    return INITIALIZERS[name](FAN_IN, FAN_OUT, shape, rng, dtype)


def test_every_initializer_is_tested():
    assert set(INITIALIZERS) == set(UNIFORM_BOUNDS) | set(NORMAL_STDS) | {"orthogonal"}


@pytest.mark.parametrize("n_blocks", [1, 3, 4])
def test_orthogonal_draws_one_orthogonal_block_per_gate(n_blocks):
    units = 6
    U = INITIALIZERS["orthogonal"](
        units,
        n_blocks * units,
        (units, n_blocks * units),
        np.random.default_rng(0),
        np.float64,
    )
    assert U.shape == (units, n_blocks * units)
    for block in np.hsplit(U, n_blocks):
        assert_allclose(block.T @ block, np.eye(units), atol=1e-12)
        assert_allclose(block @ block.T, np.eye(units), atol=1e-12)
    assert not np.allclose(U[:, :units], U[:, -units:]) or n_blocks == 1


@pytest.mark.parametrize("shape", [(7, 4), (4, 7)])
def test_orthogonal_of_other_shapes_is_semi_orthogonal(shape):
    W = INITIALIZERS["orthogonal"](*shape, shape, np.random.default_rng(0), np.float64)
    small = min(shape)
    gram = W.T @ W if shape[0] > shape[1] else W @ W.T
    assert_allclose(gram, np.eye(small), atol=1e-12)


def test_orthogonal_is_unbiased_in_sign():
    # Without the sign correction, QR returns R with a positive diagonal and
    # the diagonal of Q leans one way.
    diagonals = [
        np.diag(
            INITIALIZERS["orthogonal"](3, 3, (3, 3), np.random.default_rng(s), float)
        )
        for s in range(400)
    ]
    assert abs(np.mean(np.sign(diagonals))) < 0.1


@pytest.mark.parametrize("name, bound", UNIFORM_BOUNDS.items())
def test_uniform_initializers_fill_their_bound(name, bound):
    W = _draw(name)
    assert W.shape == SHAPE
    assert np.abs(W).max() <= bound
    assert W.max() > 0.99 * bound
    assert W.min() < -0.99 * bound
    assert abs(W.mean()) < 0.01 * bound
    assert W.std() == pytest.approx(bound / np.sqrt(3), rel=0.03)


@pytest.mark.parametrize("name, std", NORMAL_STDS.items())
def test_normal_initializers_have_their_std(name, std):
    W = _draw(name)
    assert W.shape == SHAPE
    assert W.std() == pytest.approx(std, rel=0.03)
    assert abs(W.mean()) < 0.01 * std


@pytest.mark.parametrize("name", sorted(INITIALIZERS))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_initializers_honour_the_dtype(name, dtype):
    assert _draw(name, dtype=dtype, shape=(4, 3)).dtype == dtype


@pytest.mark.parametrize("name", sorted(INITIALIZERS))
def test_the_seed_alone_decides_the_weights(name):
    assert_array_equal(_draw(name, seed=3), _draw(name, seed=3))
    assert not np.array_equal(_draw(name, seed=3), _draw(name, seed=4))


@pytest.mark.parametrize(
    "activation, expected",
    [
        ("relu", "he_uniform"),
        ("leaky_relu", "he_uniform"),
        ("tanh", "xavier_uniform"),
        ("logistic", "xavier_uniform"),
        ("identity", "xavier_uniform"),
    ],
)
def test_default_initializer(activation, expected):
    assert default_initializer(activation) == expected
    assert default_initializer(activation) in INITIALIZERS


@pytest.mark.parametrize("name", sorted(INITIALIZERS))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dense_draws_its_weights_with_its_initializer_and_zero_biases(name, dtype):
    layer = Dense(7, init=name)
    assert layer.initialize((5,), np.random.default_rng(0), dtype) == (7,)

    expected_W = INITIALIZERS[name](5, 7, (5, 7), np.random.default_rng(0), dtype)
    assert_array_equal(layer.W, expected_W)
    assert layer.W.dtype == dtype
    assert_array_equal(layer.b, np.zeros(7))
    assert layer.b.dtype == dtype
