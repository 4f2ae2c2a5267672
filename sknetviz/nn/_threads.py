"""One BLAS thread for work made of many small products: the one place that
limits NumPy's BLAS threads."""

import functools

from threadpoolctl import ThreadpoolController


@functools.cache
def _blas_pools():
    """The thread pools of the loaded BLAS, inspected once: a fresh
    inspection takes about a millisecond."""
    return ThreadpoolController()


def one_blas_thread():
    """A context in which NumPy's BLAS runs on one thread.

    For work made of many small products (a recurrent layer's steps, a loss
    landscape's grid points): waking BLAS's threads for each costs more than
    they share. On two busy cores a 64 x 64 x 256 float32 product took 85 us
    on one OpenBLAS thread and 2.6 ms on two.

    Examples
    --------
    >>> import numpy as np
    >>> from sknetviz.nn._threads import one_blas_thread
    >>> with one_blas_thread():
    ...     product = np.ones((64, 64)) @ np.ones((64, 256))
    >>> product.shape
    (64, 256)
    """
    return _blas_pools().limit(limits=1, user_api="blas")
