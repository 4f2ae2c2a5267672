"""Optimizers: SGD with momentum, Adam, and an L-BFGS driver, with sklearn's schedules.

A stochastic optimizer is ``update_params(params, grads)``: it keeps state
lists parallel to ``params`` and updates the parameter arrays in place,
without temporaries the size of the network on the hot path. Learning-rate
schedules ('constant', 'invscaling', 'adaptive') follow scikit-learn's
``MLPClassifier``: ``iteration_ends`` and ``trigger_stopping`` are called by
the training loop at the end of each epoch. ``state_arrays()`` lists the
running state that steps update in place, which a rollback copies; every
other attribute is a scalar.
"""

import numpy as np
import scipy.optimize

# The updates work through a scratch buffer one chunk of a parameter at a
# time: a buffer as large as the network would be one more copy of the model
# in memory. 2**16 values (512 KiB of float64) stay in cache, and a chunk is
# large enough that the loop over chunks costs nothing measurable.
CHUNK_VALUES = 2**16


def _in_chunks(buffer, *arrays):
    """Yield ``(scratch, *views)``: matching chunks of ``arrays`` and a scratch.

    The arrays share one shape and are written through their views, so they
    must be C-contiguous (parameters and optimizer state always are).
    """
    first = arrays[0]
    if first.size <= CHUNK_VALUES:
        yield (buffer[: first.size].reshape(first.shape), *arrays)
        return
    flat = [array.reshape(-1) for array in arrays]
    for start in range(0, first.size, CHUNK_VALUES):
        stop = min(start + CHUNK_VALUES, first.size)
        yield (buffer[: stop - start], *(f[start:stop] for f in flat))


def _upgrade_scratch(optimizer, like_params):
    """Give an optimizer saved with one full-size buffer per parameter (before
    the chunked updates) its one small scratch instead."""
    vars(optimizer).pop("_buffers", None)
    if "_buffer" not in vars(optimizer):
        optimizer._buffer = _scratch(like_params)


def _scratch(params):
    """The one scratch buffer of an optimizer, sized for its largest chunk."""
    largest = max((p.size for p in params), default=0)
    dtype = np.result_type(*params) if params else np.float64
    return np.empty(min(largest, CHUNK_VALUES), dtype=dtype)


class SGD:
    """Stochastic gradient descent with (Nesterov) momentum.

    Parameters
    ----------
    params : list of ndarray
        The parameters, to size the velocities.
    learning_rate_init : float, default=0.1
    lr_schedule : {'constant', 'invscaling', 'adaptive'}, default='constant'
        'invscaling' sets ``learning_rate_init / (t + 1) ** power_t`` after each
        epoch, ``t`` being the number of samples seen; 'adaptive' divides the
        rate by 5 each time training stalls, and stops below 1e-6.
    momentum : float, default=0.9
    nesterov : bool, default=True
    power_t : float, default=0.5

    Attributes
    ----------
    learning_rate : float
        The current learning rate.
    velocities : list of ndarray

    Examples
    --------
    >>> import numpy as np
    >>> from sknetviz.nn.optimizers import SGD
    >>> w = np.array([1.0, -2.0])
    >>> SGD([w], learning_rate_init=0.5, momentum=0.0).update_params([w], [w.copy()])
    >>> w
    array([ 0.5, -1. ])
    """

    def __init__(
        self,
        params,
        learning_rate_init=0.1,
        lr_schedule="constant",
        momentum=0.9,
        nesterov=True,
        power_t=0.5,
    ):
        self.learning_rate_init = learning_rate_init
        self.learning_rate = float(learning_rate_init)
        self.lr_schedule = lr_schedule
        self.momentum = momentum
        self.nesterov = nesterov
        self.power_t = power_t
        self.velocities = [np.zeros_like(p) for p in params]
        self._buffer = _scratch(params)

    def __setstate__(self, state):
        vars(self).update(state)
        _upgrade_scratch(self, self.velocities)

    def update_params(self, params, grads):
        """One step: ``v = momentum v - lr g``, then ``p += v`` (or Nesterov's)."""
        lr, mu = float(self.learning_rate), float(self.momentum)
        for chunks in zip(params, grads, self.velocities):
            for step, param, grad, velocity in _in_chunks(self._buffer, *chunks):
                _sgd_step(param, grad, velocity, step, lr, mu, self.nesterov)

    def state_arrays(self):
        """The running state that steps update in place: the velocities."""
        return list(self.velocities)

    def iteration_ends(self, time_step):
        """Update the 'invscaling' rate after an epoch; ``time_step`` counts samples."""
        if self.lr_schedule == "invscaling":
            self.learning_rate = (
                float(self.learning_rate_init) / (time_step + 1) ** self.power_t
            )

    def trigger_stopping(self, msg, verbose):
        """Training has stalled: stop (True), or for 'adaptive' divide the rate by 5."""
        if self.lr_schedule != "adaptive":
            if verbose:
                print(msg + " Stopping.")
            return True
        if self.learning_rate <= 1e-6:
            if verbose:
                print(msg + " Learning rate too small. Stopping.")
            return True
        self.learning_rate /= 5.0
        if verbose:
            print(msg + f" Setting learning rate to {self.learning_rate:f}")
        return False


class Adam:
    """Adam (Kingma & Ba, 2014), with bias correction folded into the step size.

    Parameters
    ----------
    params : list of ndarray
        The parameters, to size the moment estimates.
    learning_rate_init : float, default=0.001
    beta_1 : float, default=0.9
    beta_2 : float, default=0.999
    epsilon : float, default=1e-8

    Attributes
    ----------
    learning_rate : float
        The base rate, ``learning_rate_init``; Adam has no schedule.
    t : int
        Number of steps taken.
    ms, vs : list of ndarray
        First and second moment estimates.

    Examples
    --------
    >>> import numpy as np
    >>> from sknetviz.nn.optimizers import Adam
    >>> w = np.array([1.0, -2.0])
    >>> Adam([w], learning_rate_init=0.1).update_params([w], [np.array([3.0, -3.0])])
    >>> w.round(6)
    array([ 0.9, -1.9])
    """

    def __init__(
        self, params, learning_rate_init=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8
    ):
        self.learning_rate_init = learning_rate_init
        self.learning_rate = float(learning_rate_init)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.t = 0
        self.ms = [np.zeros_like(p) for p in params]
        self.vs = [np.zeros_like(p) for p in params]
        self._buffer = _scratch(params)

    def __setstate__(self, state):
        vars(self).update(state)
        _upgrade_scratch(self, self.ms)

    def update_params(self, params, grads):
        """Take one Adam step in place."""
        self.t += 1
        b1, b2 = float(self.beta_1), float(self.beta_2)
        step_size = float(
            self.learning_rate * np.sqrt(1 - b2**self.t) / (1 - b1**self.t)
        )
        eps = float(self.epsilon)
        for chunks in zip(params, grads, self.ms, self.vs):
            for buffer, param, grad, m, v in _in_chunks(self._buffer, *chunks):
                _adam_step(param, grad, m, v, buffer, b1, b2, eps, step_size)

    def state_arrays(self):
        """The running state that steps update in place: both moment estimates."""
        return [*self.ms, *self.vs]

    def iteration_ends(self, time_step):
        """Adam keeps its rate: nothing to do at the end of an epoch."""

    def trigger_stopping(self, msg, verbose):
        """Training has stalled: stop."""
        if verbose:
            print(msg + " Stopping.")
        return True


def _sgd_step(param, grad, velocity, step, lr, mu, nesterov):
    np.multiply(grad, lr, out=step)
    velocity *= mu
    velocity -= step
    if nesterov:
        # Nesterov: p += momentum * v_new - lr * g
        param -= step
        np.multiply(velocity, mu, out=step)
        param += step
    else:
        param += velocity


def _adam_step(param, grad, m, v, buffer, b1, b2, eps, step_size):
    # m += (1 - b1) (g - m) is m = b1 m + (1 - b1) g without a temporary.
    np.subtract(grad, m, out=buffer)
    buffer *= 1 - b1
    m += buffer
    np.multiply(grad, grad, out=buffer)
    buffer -= v
    buffer *= 1 - b2
    v += buffer
    np.sqrt(v, out=buffer)
    buffer += eps
    np.divide(m, buffer, out=buffer)
    buffer *= step_size
    param -= buffer


def minimize_lbfgs(params, loss_and_grads, *, max_iter, max_fun, tol, callback=None):
    """Minimise over ``params`` with scipy's L-BFGS-B, writing the result in place.

    Parameters
    ----------
    params : list of ndarray
        The parameters; they hold the solution on return.
    loss_and_grads : callable
        ``loss_and_grads()`` evaluates the loss at the current ``params`` and
        returns ``(loss, grads)`` with ``grads`` parallel to ``params``.
    max_iter, max_fun : int
        Limits on iterations and on loss evaluations.
    tol : float
        Projected-gradient tolerance (scipy's ``gtol``).
    callback : callable, default=None
        Called with the current loss after each iteration.

    Returns
    -------
    result : scipy.optimize.OptimizeResult
        ``nit``, ``fun``, ``status`` and ``message`` describe the run.

    Examples
    --------
    >>> import numpy as np
    >>> from sknetviz.nn import minimize_lbfgs
    >>> w = np.array([3.0, -1.0])
    >>> result = minimize_lbfgs(
    ...     [w], lambda: (float(((w - 1) ** 2).sum()), [2 * (w - 1)]),
    ...     max_iter=50, max_fun=100, tol=1e-10)
    >>> np.round(w, 6), result.status
    (array([1., 1.]), 0)
    """
    sizes = [p.size for p in params]
    offsets = np.cumsum([0] + sizes)

    def unpack(theta):
        for param, start, stop in zip(params, offsets[:-1], offsets[1:]):
            param[...] = theta[start:stop].reshape(param.shape)

    def fun(theta):
        unpack(theta)
        loss, grads = loss_and_grads()
        return loss, np.concatenate([g.ravel() for g in grads]).astype(np.float64)

    def on_iteration(intermediate_result):
        if callback is not None:
            callback(float(intermediate_result.fun))

    theta0 = np.concatenate([p.ravel() for p in params]).astype(np.float64)
    result = scipy.optimize.minimize(
        fun,
        theta0,
        method="L-BFGS-B",
        jac=True,
        callback=on_iteration,
        options={"maxfun": max_fun, "maxiter": max_iter, "gtol": tol},
    )
    unpack(result.x)
    return result
