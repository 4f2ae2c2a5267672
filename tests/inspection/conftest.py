"""Fixtures shared by the display tests: the Agg backend, closed figures, and
data sets built once per session.

The arrays are read-only, so that a test which changes its data in place fails
at once instead of changing the data of the tests after it.
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from sklearn.datasets import load_digits, load_iris, make_moons  # noqa: E402


def _read_only(*arrays):
    for array in arrays:
        array.setflags(write=False)
    return arrays


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="session")
def iris():
    """Iris as (X, y) arrays: 150 samples, 4 features, 3 classes."""
    return _read_only(*load_iris(return_X_y=True))


@pytest.fixture
def iris_frame():
    """Iris as a (DataFrame, Series) pair; new for each test, since a DataFrame
    cannot be made read-only."""
    return load_iris(return_X_y=True, as_frame=True)


@pytest.fixture(scope="session")
def moons():
    """Two moons as (X, y): 150 samples, noise 0.2."""
    return _read_only(*make_moons(n_samples=150, noise=0.2, random_state=0))


@pytest.fixture(scope="session")
def digits():
    """Digits as (X, y), pixels scaled to [0, 1]: 1797 samples, 64 features."""
    X, y = load_digits(return_X_y=True)
    return _read_only(X / 16, y)
