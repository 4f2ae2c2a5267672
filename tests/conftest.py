"""Fixtures shared by the tests: central differences."""

import numpy as np
import pytest


def central_differences(loss, array, eps=1e-6):
    """Gradient of ``loss()`` with respect to ``array`` by central differences.

    ``loss`` takes no argument and reads ``array``, which is perturbed in place
    one entry at a time and restored afterwards, so it may be a parameter that a
    network holds a reference to.
    """
    gradient = np.empty_like(array, dtype=np.float64)
    for index in np.ndindex(array.shape):
        original = array[index]
        array[index] = original + eps
        loss_plus = loss()
        array[index] = original - eps
        loss_minus = loss()
        array[index] = original
        gradient[index] = (loss_plus - loss_minus) / (2 * eps)
    return gradient


@pytest.fixture
def numerical_gradient():
    """The central-difference gradient ``numerical_gradient(loss, array)``."""
    return central_differences
