"""Recurrent layers on (n, T, F) batches: SimpleRNN, LSTM and GRU.

Each layer projects the inputs of every time step with one matrix product,
then loops over the time steps (never over samples), adding one fused
product of the previous state with the recurrent weights of all its gates.
Backward is backpropagation through time over the same steps. Inside, every
array is time-major, (T, n, ...), so each step reads and writes contiguous
blocks; the work arrays are kept across training batches of one shape.

Sequences of different lengths come padded to a common T, with their
lengths in ``sequence_lengths``: at a padded step the state is carried
unchanged, so padding never changes an output or a gradient.
"""

import contextlib

import numpy as np
from scipy.special import expit

from ._threads import one_blas_thread
from .activations import get_activation, logistic_derivative, tanh_derivative
from .initializers import INITIALIZERS
from .layers import Layer, column_sums

# Multiply-adds of one step's recurrent product, (n, units) by (units,
# n_gates * units), below which a pass runs on one BLAS thread. Its products
# are many and small, and waking the threads for each costs more than they
# share: a 64 by 64 by 256 float32 product (LSTM(64), batch 64) took 33 us on
# one OpenBLAS thread and 115 us on two, on two busy cores 85 us and 2.6 ms;
# there even the weight gradient over 50 steps (64 by 3200 by 256) took 6 ms
# on one thread and 23 ms on two. Larger layers keep every thread.
_SHARED_STEP_PRODUCT = 2**24


def _pass_threads(n, units, width):
    """A context for a forward or backward pass: one BLAS thread if its
    per-step products are small (see ``_SHARED_STEP_PRODUCT``), else as it is."""
    if n * units * width >= _SHARED_STEP_PRODUCT:
        return contextlib.nullcontext()
    return one_blas_thread()


class _Recurrent(Layer):
    """What the three cells share: shapes, masks, the input projection and
    the parameter gradients. A cell writes its ``_forward_steps`` and
    ``_backward_steps``."""

    n_gates = 1
    param_names = ("W", "U", "b")
    param_roles = ("weight", "weight", "bias")
    returns_new_array = True
    uses_sequence_lengths = True
    _cache_names = ("_cache",)
    # Arrays of shape (T + 1, n, units) a cell keeps beside the states.
    _extra_state_arrays = 0

    def __init__(self, units, return_sequences=False, init="auto"):
        self.units = units
        self.return_sequences = return_sequences
        self.init = init
        self.propagate_delta = True
        self.sequence_lengths = None

    def initialize(self, input_shape, rng, dtype):
        if len(input_shape) != 2:
            raise ValueError(
                f"{type(self).__name__} takes sequences of shape (T, F), time "
                f"steps by features, got samples of shape {tuple(input_shape)}."
            )
        n_steps, n_features = input_shape
        width = self.n_gates * self.units
        init = "xavier_uniform" if self.init == "auto" else self.init
        self.W = INITIALIZERS[init](n_features, width, (n_features, width), rng, dtype)
        self.U = INITIALIZERS["orthogonal"](
            self.units, width, (self.units, width), rng, dtype
        )
        self.b = np.zeros(width, dtype=dtype)
        self.grads = [np.zeros_like(p) for p in self.params]
        self.scratch_values = n_steps * (
            n_features + width + (2 + self._extra_state_arrays) * self.units
        )
        if self.return_sequences:
            return (n_steps, self.units)
        return (self.units,)

    def _lengths(self, lengths, n, n_steps):
        """The batch's lengths as an int array, checked, or None if all are full."""
        if lengths is None:
            return None
        lengths = np.asarray(lengths)
        if (
            lengths.shape != (n,)
            or not np.issubdtype(lengths.dtype, np.integer)
            or np.any(lengths < 0)
            or np.any(lengths > n_steps)
        ):
            raise ValueError(
                f"{type(self).__name__}.sequence_lengths needs one integer length "
                f"in [0, {n_steps}] per sequence of the batch, shape ({n},); got "
                f"{lengths!r}."
            )
        return None if np.all(lengths == n_steps) else lengths

    def forward(self, X, training=False):
        with _pass_threads(len(X), self.units, self.U.shape[1]):
            return self._forward(X, training)

    def _forward(self, X, training):
        lengths, self.sequence_lengths = self.sequence_lengths, None
        if X.ndim != 3 or X.shape[2] != self.W.shape[0]:
            raise ValueError(
                f"{type(self).__name__} expects sequences of shape (n, T, "
                f"{self.W.shape[0]}), got an array of shape {X.shape}."
            )
        n, n_steps, n_features = X.shape
        lengths = self._lengths(lengths, n, n_steps)
        # Steps that every sequence reaches, then steps that some reach: only
        # the latter are masked, and no step after the longest is computed.
        if lengths is None:
            full = steps = n_steps
            alive = None
        else:
            full, steps = int(lengths.min()), int(lengths.max())
            alive = (np.arange(steps)[:, None] < lengths)[:, :, None]
        dtype = X.dtype
        inputs = self._work_array("inputs", (n_steps, n, n_features), dtype, training)
        inputs = inputs[:steps]
        np.copyto(inputs, X[:, :steps].transpose(1, 0, 2))
        if alive is not None:
            # Whatever the padding holds, even NaN, never reaches a product.
            np.copyto(inputs[full:], 0, where=~alive[full:])
        width = self.n_gates * self.units
        gates = self._work_array("gates", (n_steps, n, width), dtype, training)
        gates = gates[:steps]
        np.matmul(inputs.reshape(-1, n_features), self.W, out=gates.reshape(-1, width))
        gates += self.b
        states = self._work_array(
            "states", (n_steps + 1, n, self.units), dtype, training
        )[: steps + 1]
        states[0] = 0
        masks = (alive, full)
        extra = self._forward_steps(gates, states, masks, n_steps, training)
        output = self._output(states, masks, n_steps, training)
        if training:
            self._cache = (inputs, gates, states, masks, n_steps, extra)
        return output

    def _output(self, states, masks, n_steps, training):
        """The last real step's state, or every step's (zero where padded)."""
        alive, full = masks
        steps, n = states.shape[0] - 1, states.shape[1]
        dtype = states.dtype
        if not self.return_sequences:
            # A padded step carries the state: the last one is each sequence's.
            out = self._work_array("out", (n, self.units), dtype, training)
            np.copyto(out, states[steps])
            return out
        out = self._work_array("out", (n_steps, n, self.units), dtype, training)
        np.copyto(out[:steps], states[1:])
        out[steps:] = 0
        if alive is not None:
            np.copyto(out[full:steps], 0, where=~alive[full:])
        return out.transpose(1, 0, 2)

    @staticmethod
    def _where(masks, t):
        """The rows that step t updates: a (n, 1) mask, or True for all."""
        alive, full = masks
        return True if t < full else alive[t]

    def backward(self, delta):
        with _pass_threads(len(delta), self.units, self.U.shape[1]):
            return self._backward(delta)

    def _backward(self, delta):
        inputs, gates, states, masks, n_steps, extra = self._pop_cache("_cache")
        steps, n, n_features = inputs.shape
        dtype = gates.dtype
        d_gates = self._work_array(
            "d_gates", (n_steps, n, gates.shape[2]), dtype, True
        )[:steps]
        d_state = self._work_array("d_state", (n, self.units), dtype, True)
        if self.return_sequences:
            d_outputs = delta.transpose(1, 0, 2)
            d_state[...] = 0
        else:
            d_outputs = None
            d_state[...] = delta
        d_recurrent = self._backward_steps(
            gates, states, masks, extra, d_gates, d_state, d_outputs, n_steps
        )
        flat = d_gates.reshape(-1, d_gates.shape[2])
        np.matmul(inputs.reshape(-1, n_features).T, flat, out=self.grads[0])
        np.matmul(
            states[:-1].reshape(-1, self.units).T,
            d_recurrent.reshape(flat.shape),
            out=self.grads[1],
        )
        column_sums(flat, out=self.grads[2])
        if not self.propagate_delta:
            return None
        d_inputs = self._work_array("d_inputs", (n_steps, n, n_features), dtype, True)
        np.matmul(flat, self.W.T, out=d_inputs[:steps].reshape(-1, n_features))
        d_inputs[steps:] = 0
        return d_inputs.transpose(1, 0, 2)

    def _add_output_gradient(self, d_state, d_outputs, masks, t):
        """Add step t's output gradient (none where padded) to the state's."""
        if d_outputs is not None:
            np.add(d_state, d_outputs[t], out=d_state, where=self._where(masks, t))

    def _carry_back(self, d_gates_t, d_previous, d_state, masks, t):
        """At padded rows of step t, no gate gradient; the state's passes back."""
        where = self._where(masks, t)
        if where is not True:
            np.copyto(d_gates_t, 0, where=~where)
            np.copyto(d_previous, d_state, where=~where)


class SimpleRNN(_Recurrent):
    """Fully connected recurrent layer (Elman): ``h_t = f(x_t W + h_{t-1} U + b)``.

    Parameters
    ----------
    units : int
        Size of the state ``h``.
    activation : str, default='tanh'
        A key of :data:`sknetviz.nn.activations.ACTIVATIONS`, ``f`` above.
    return_sequences : bool, default=False
        Whether the output is the state at every step, of shape (n, T,
        units), zero at padded steps, or only the state at each sequence's
        last real step, of shape (n, units).
    init : str, default='auto'
        Initializer of ``W`` in :data:`sknetviz.nn.initializers.INITIALIZERS`;
        'auto' is 'xavier_uniform', as Keras' ``glorot_uniform`` kernel.

    Attributes
    ----------
    W : ndarray of shape (n_features, units)
        Input weights, role 'weight': torch's ``weight_ih_l0.T``.
    U : ndarray of shape (units, units)
        Recurrent weights, role 'weight', so the L2 penalty applies to them
        and an estimator's ``coefs_`` lists them after ``W``: torch's
        ``weight_hh_l0.T``. Drawn orthogonal (Saxe et al., 2014): repeated
        products with it neither grow nor shrink the state at the start.
    b : ndarray of shape (units,)
        Bias, role 'bias', starting at zero. PyTorch has two biases that
        only ever enter as a sum: load ``bias_ih_l0 + bias_hh_l0``.
    sequence_lengths : ndarray of int of shape (n,) or None
        The next pass's sequence lengths, set by ``Sequential.forward`` and
        consumed by the pass (None: every sequence fills the T steps). At a
        step ``t >= length`` the state is carried unchanged.

    See Also
    --------
    LSTM, GRU : Gated cells, which keep information over longer spans.

    Examples
    --------
    >>> import numpy as np
    >>> from sknetviz.nn import SimpleRNN
    >>> layer = SimpleRNN(3)
    >>> layer.initialize((5, 2), np.random.default_rng(0), np.float64)
    (3,)
    >>> X = np.random.default_rng(1).normal(size=(4, 5, 2))
    >>> layer.forward(X).shape
    (4, 3)

    Padding after a sequence's end changes nothing:

    >>> padded = np.concatenate([X, np.ones((4, 2, 2))], axis=1)
    >>> layer.sequence_lengths = np.array([5, 5, 5, 5])
    >>> bool(np.allclose(layer.forward(padded), layer.forward(X)))
    True
    >>> SimpleRNN(8, activation="relu", return_sequences=True)
    SimpleRNN(8, activation='relu', return_sequences=True)
    """

    def __init__(self, units, activation="tanh", return_sequences=False, init="auto"):
        get_activation(activation)  # an unknown name fails here, not in fit
        self.activation = activation
        super().__init__(units, return_sequences=return_sequences, init=init)

    def _forward_steps(self, gates, states, masks, n_steps, training):
        function = get_activation(self.activation)[0]
        for t in range(gates.shape[0]):
            state = gates[t]
            state += states[t] @ self.U
            function(state, out=state)
            np.copyto(states[t + 1], state)
            where = self._where(masks, t)
            if where is not True:
                np.copyto(states[t + 1], states[t], where=~where)
        return None

    def _backward_steps(
        self, gates, states, masks, extra, d_gates, d_state, d_out, n_steps
    ):
        derivative = get_activation(self.activation)[1]
        d_previous = np.empty_like(d_state)
        for t in reversed(range(gates.shape[0])):
            self._add_output_gradient(d_state, d_out, masks, t)
            derivative(gates[t], d_state, out=d_gates[t])
            np.matmul(d_gates[t], self.U.T, out=d_previous)
            self._carry_back(d_gates[t], d_previous, d_state, masks, t)
            d_state, d_previous = d_previous, d_state
        return d_gates


class LSTM(_Recurrent):
    """Long short-term memory (Hochreiter & Schmidhuber, 1997), as PyTorch's.

    With ``z = x_t W + h_{t-1} U + b`` cut into four blocks of ``units``
    columns, in PyTorch's gate order::

        i = sigmoid(z_i)    input gate
        f = sigmoid(z_f)    forget gate
        g = tanh(z_g)       candidate cell
        o = sigmoid(z_o)    output gate
        c_t = f * c_{t-1} + i * g
        h_t = o * tanh(c_t)

    Parameters
    ----------
    units : int
        Size of the state ``h`` and of the cell ``c``.
    return_sequences : bool, default=False
        Whether the output is ``h`` at every step, of shape (n, T, units),
        zero at padded steps, or only at each sequence's last real step, of
        shape (n, units).
    init : str, default='auto'
        Initializer of ``W`` in :data:`sknetviz.nn.initializers.INITIALIZERS`;
        'auto' is 'xavier_uniform', as Keras' ``glorot_uniform`` kernel.

    Attributes
    ----------
    W : ndarray of shape (n_features, 4 * units)
        Input weights of the gates i, f, g, o side by side, role 'weight':
        torch's ``weight_ih_l0.T``.
    U : ndarray of shape (units, 4 * units)
        Recurrent weights in the same order, role 'weight' (penalised by L2,
        listed in ``coefs_`` after ``W``): torch's ``weight_hh_l0.T``. Drawn
        as four orthogonal blocks, one per gate (Saxe et al., 2014).
    b : ndarray of shape (4 * units,)
        Biases, role 'bias': zero, but one for the forget gate, as Keras'
        ``unit_forget_bias``, so the cell remembers from the start and its
        gradient does not vanish early in training (Jozefowicz et al., 2015).
        PyTorch's two biases only ever enter as a sum: load
        ``bias_ih_l0 + bias_hh_l0``.
    sequence_lengths : ndarray of int of shape (n,) or None
        The next pass's sequence lengths, set by ``Sequential.forward`` and
        consumed by the pass (None: every sequence fills the T steps). At a
        step ``t >= length``, ``h`` and ``c`` are carried unchanged.

    See Also
    --------
    SimpleRNN, GRU

    Examples
    --------
    >>> import numpy as np
    >>> from sknetviz.nn import LSTM
    >>> layer = LSTM(3, return_sequences=True)
    >>> layer.initialize((5, 2), np.random.default_rng(0), np.float64)
    (5, 3)
    >>> layer.b.reshape(4, 3)  # rows: the gates i, f, g, o
    array([[0., 0., 0.],
           [1., 1., 1.],
           [0., 0., 0.],
           [0., 0., 0.]])

    Loading a ``torch.nn.LSTM(2, 3, batch_first=True)`` named ``torch_lstm``
    (its arrays as NumPy's) means transposing its weights and summing its
    biases::

        layer.W[...] = torch_lstm.weight_ih_l0.T
        layer.U[...] = torch_lstm.weight_hh_l0.T
        layer.b[...] = torch_lstm.bias_ih_l0 + torch_lstm.bias_hh_l0

    With lengths, each sequence's output stops at its last real step:

    >>> layer.sequence_lengths = np.array([5, 2])
    >>> out = layer.forward(np.ones((2, 5, 2)))
    >>> bool(np.all(out[1, 2:] == 0)), bool(np.allclose(out[0, :2], out[1, :2]))
    (True, True)
    """

    n_gates = 4
    _extra_state_arrays = 2

    def initialize(self, input_shape, rng, dtype):
        output_shape = super().initialize(input_shape, rng, dtype)
        self.b[self.units : 2 * self.units] = 1
        return output_shape

    def _forward_steps(self, gates, states, masks, n_steps, training):
        steps, n, _ = gates.shape
        u = self.units
        dtype = gates.dtype
        cells = self._work_array("cells", (n_steps + 1, n, u), dtype, training)
        tanh_cells = self._work_array("tanh_cells", (n_steps, n, u), dtype, training)
        cells[0] = 0
        product = np.empty((n, u), dtype=dtype)
        for t in range(steps):
            z = gates[t]
            z += states[t] @ self.U
            expit(z[:, : 2 * u], out=z[:, : 2 * u])
            np.tanh(z[:, 2 * u : 3 * u], out=z[:, 2 * u : 3 * u])
            expit(z[:, 3 * u :], out=z[:, 3 * u :])
            i, f, g, o = z[:, :u], z[:, u : 2 * u], z[:, 2 * u : 3 * u], z[:, 3 * u :]
            np.multiply(f, cells[t], out=cells[t + 1])
            np.multiply(i, g, out=product)
            cells[t + 1] += product
            np.tanh(cells[t + 1], out=tanh_cells[t])
            np.multiply(o, tanh_cells[t], out=states[t + 1])
            where = self._where(masks, t)
            if where is not True:
                np.copyto(states[t + 1], states[t], where=~where)
                np.copyto(cells[t + 1], cells[t], where=~where)
        return cells[: steps + 1], tanh_cells[:steps]

    def _backward_steps(
        self, gates, states, masks, extra, d_gates, d_state, d_out, n_steps
    ):
        cells, tanh_cells = extra
        u = self.units
        d_cell = np.zeros_like(d_state)
        d_previous = np.empty_like(d_state)
        product = np.empty_like(d_state)
        for t in reversed(range(gates.shape[0])):
            self._add_output_gradient(d_state, d_out, masks, t)
            where = self._where(masks, t)
            z, dz = gates[t], d_gates[t]
            i, f, g, o = z[:, :u], z[:, u : 2 * u], z[:, 2 * u : 3 * u], z[:, 3 * u :]
            di, df = dz[:, :u], dz[:, u : 2 * u]
            dg, do = dz[:, 2 * u : 3 * u], dz[:, 3 * u :]
            np.multiply(d_state, tanh_cells[t], out=do)
            logistic_derivative(o, do, out=do)
            np.multiply(d_state, o, out=product)
            tanh_derivative(tanh_cells[t], product, out=product)
            # Padding comes after a sequence's end, where nothing reads its
            # cell: the cell's gradient there stays zero, and the carried
            # state's gradient must not enter it.
            np.add(d_cell, product, out=d_cell, where=where)
            np.multiply(d_cell, g, out=di)
            logistic_derivative(i, di, out=di)
            np.multiply(d_cell, i, out=dg)
            tanh_derivative(g, dg, out=dg)
            np.multiply(d_cell, cells[t], out=df)
            logistic_derivative(f, df, out=df)
            d_cell *= f
            np.matmul(dz, self.U.T, out=d_previous)
            self._carry_back(dz, d_previous, d_state, masks, t)
            d_state, d_previous = d_previous, d_state
        return d_gates


class GRU(_Recurrent):
    """Gated recurrent unit (Cho et al., 2014), with PyTorch's formula.

    With ``x_t W + b`` and ``h_{t-1} U + b_recurrent`` each cut into three
    blocks of ``units`` columns, in PyTorch's gate order r, z, n::

        r = sigmoid(x W_r + b_r + h U_r + b_recurrent_r)     reset gate
        z = sigmoid(x W_z + b_z + h U_z + b_recurrent_z)     update gate
        n = tanh(x W_n + b_n + r * (h U_n + b_recurrent_n))  candidate
        h_t = (1 - z) * n + z * h_{t-1}

    The reset gate scales the recurrent product after it is computed (Keras'
    ``reset_after=True``), so the candidate needs a recurrent bias of its
    own; the layer keeps PyTorch's two whole bias vectors.

    Parameters
    ----------
    units : int
        Size of the state ``h``.
    return_sequences : bool, default=False
        Whether the output is ``h`` at every step, of shape (n, T, units),
        zero at padded steps, or only at each sequence's last real step, of
        shape (n, units).
    init : str, default='auto'
        Initializer of ``W`` in :data:`sknetviz.nn.initializers.INITIALIZERS`;
        'auto' is 'xavier_uniform', as Keras' ``glorot_uniform`` kernel.

    Attributes
    ----------
    W : ndarray of shape (n_features, 3 * units)
        Input weights of r, z, n side by side, role 'weight': torch's
        ``weight_ih_l0.T``.
    U : ndarray of shape (units, 3 * units)
        Recurrent weights in the same order, role 'weight' (penalised by L2,
        listed in ``coefs_`` after ``W``): torch's ``weight_hh_l0.T``. Drawn
        as three orthogonal blocks, one per gate (Saxe et al., 2014).
    b : ndarray of shape (3 * units,)
        Input biases, role 'bias', starting at zero: torch's ``bias_ih_l0``.
    b_recurrent : ndarray of shape (3 * units,)
        Recurrent biases, role 'bias', starting at zero: torch's
        ``bias_hh_l0``. For r and z only its sum with ``b`` matters.
    sequence_lengths : ndarray of int of shape (n,) or None
        The next pass's sequence lengths, set by ``Sequential.forward`` and
        consumed by the pass (None: every sequence fills the T steps). At a
        step ``t >= length`` the state is carried unchanged.

    See Also
    --------
    SimpleRNN, LSTM

    Examples
    --------
    >>> import numpy as np
    >>> from sknetviz.nn import GRU
    >>> layer = GRU(4)
    >>> layer.initialize((6, 3), np.random.default_rng(0), np.float64)
    (4,)
    >>> [p.shape for p in layer.params], layer.param_roles
    ([(3, 12), (4, 12), (12,), (12,)], ('weight', 'weight', 'bias', 'bias'))
    >>> layer.forward(np.ones((2, 6, 3))).shape
    (2, 4)
    """

    n_gates = 3
    param_names = ("W", "U", "b", "b_recurrent")
    param_roles = ("weight", "weight", "bias", "bias")
    _extra_state_arrays = 2

    def initialize(self, input_shape, rng, dtype):
        self.b_recurrent = np.zeros(3 * self.units, dtype=dtype)
        return super().initialize(input_shape, rng, dtype)

    def _forward_steps(self, gates, states, masks, n_steps, training):
        steps, n, _ = gates.shape
        u = self.units
        dtype = gates.dtype
        # h U + b_recurrent at every step: its n block is needed in backward.
        recurrent = self._work_array("recurrent", (n_steps, n, 3 * u), dtype, training)
        for t in range(steps):
            z, hidden = gates[t], recurrent[t]
            np.matmul(states[t], self.U, out=hidden)
            hidden += self.b_recurrent
            z[:, : 2 * u] += hidden[:, : 2 * u]
            expit(z[:, : 2 * u], out=z[:, : 2 * u])
            r, update, candidate = z[:, :u], z[:, u : 2 * u], z[:, 2 * u :]
            candidate += r * hidden[:, 2 * u :]
            np.tanh(candidate, out=candidate)
            h = states[t + 1]
            np.subtract(states[t], candidate, out=h)
            h *= update
            h += candidate
            where = self._where(masks, t)
            if where is not True:
                np.copyto(h, states[t], where=~where)
        return recurrent[:steps]

    def _backward_steps(
        self, gates, states, masks, extra, d_gates, d_state, d_out, n_steps
    ):
        recurrent = extra
        steps, n, width = gates.shape
        u = self.units
        d_recurrent = self._work_array(
            "d_recurrent", (n_steps, n, width), gates.dtype, True
        )[:steps]
        d_previous = np.empty_like(d_state)
        for t in reversed(range(steps)):
            self._add_output_gradient(d_state, d_out, masks, t)
            z, dz, d_hidden = gates[t], d_gates[t], d_recurrent[t]
            r, update, candidate = z[:, :u], z[:, u : 2 * u], z[:, 2 * u :]
            dr, d_update, d_candidate = dz[:, :u], dz[:, u : 2 * u], dz[:, 2 * u :]
            # d candidate = dh (1 - z), through tanh.
            np.multiply(d_state, update, out=d_candidate)
            np.subtract(d_state, d_candidate, out=d_candidate)
            tanh_derivative(candidate, d_candidate, out=d_candidate)
            # d update = dh (h_{t-1} - n), through the sigmoid.
            np.subtract(states[t], candidate, out=d_update)
            d_update *= d_state
            logistic_derivative(update, d_update, out=d_update)
            # d reset = d candidate * (h U_n + b_recurrent_n), through the sigmoid.
            np.multiply(d_candidate, recurrent[t][:, 2 * u :], out=dr)
            logistic_derivative(r, dr, out=dr)
            d_hidden[:, : 2 * u] = dz[:, : 2 * u]
            np.multiply(d_candidate, r, out=d_hidden[:, 2 * u :])
            where = self._where(masks, t)
            if where is not True:
                np.copyto(d_hidden, 0, where=~where)
            np.matmul(d_hidden, self.U.T, out=d_previous)
            d_previous += d_state * update
            self._carry_back(dz, d_previous, d_state, masks, t)
            d_state, d_previous = d_previous, d_state
        column_sums(d_recurrent.reshape(-1, width), out=self.grads[3])
        return d_recurrent
