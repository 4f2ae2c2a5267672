"""The Diagnostics hook: saturated and dead units, and per-epoch update ratios."""

import math
import pickle

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import load_iris
from sklearn.preprocessing import LabelBinarizer, StandardScaler

from sknetviz._diagnostics import SATURATION_TALLIES, Diagnostics
from sknetviz._training import (
    History,
    Hook,
    Objective,
    TrainingState,
    run_epochs,
    run_lbfgs,
)
from sknetviz.nn import (
    ACTIVATIONS,
    LSTM,
    Activation,
    Adam,
    Conv2D,
    Dense,
    Dropout,
    Flatten,
    Residual,
    Sequential,
)


def _network(layers, n_features=5, dtype=np.float64, seed=0):
    network = Sequential(layers)
    network.initialize((n_features,), np.random.default_rng(seed), dtype)
    return network


def _epoch(hook, network, change=None):
    """Run the hook over one epoch of ``network``; return the record."""
    state = TrainingState(network, objective=None, optimizer=None)
    hook.on_train_begin(state)
    hook.on_epoch_begin(state)
    if change is not None:
        change(network)
    hook.on_epoch_end(state)
    return state.record


@pytest.fixture
def X():
    return np.random.default_rng(1).normal(size=(600, 5))


def test_saturated_sigmoid_reports_near_one_and_fresh_one_near_zero(X):
    for name in ("logistic", "sigmoid", "tanh"):
        fresh = _network([Dense(6), Activation(name), Dense(1)])
        fresh.weights[0] *= 0.1  # small weights: every unit near the middle
        assert _epoch(Diagnostics(X), fresh)["saturation"][0] < 0.01

        saturated = _network([Dense(6), Activation(name), Dense(1)])
        saturated.weights[0] *= 1000
        assert _epoch(Diagnostics(X), saturated)["saturation"][0] > 0.98


def test_saturation_cut_is_a_tenth_of_the_peak_slope():
    # Outputs just inside and just outside the documented cut.
    logistic_tally = SATURATION_TALLIES["logistic"]()
    logistic_tally.add(np.array([[0.5, 0.03, 0.97, 0.02, 0.98, 0.5]]))
    assert logistic_tally.share() == pytest.approx(2 / 6)
    tanh_tally = SATURATION_TALLIES["tanh"]()
    tanh_tally.add(np.array([[0.0, 0.94, -0.94, 0.96, -0.96, 0.1]]))
    assert tanh_tally.share() == pytest.approx(2 / 6)
    identity_tally = SATURATION_TALLIES["identity"]()
    identity_tally.add(np.array([[1e6, -1e6]]))
    assert identity_tally.share() == 0.0


def test_every_activation_has_a_saturation_rule():
    assert set(SATURATION_TALLIES) == set(ACTIVATIONS)


@pytest.mark.parametrize("name", ["relu", "leaky_relu"])
def test_relu_with_very_negative_bias_is_all_dead_and_a_healthy_one_is_not(X, name):
    healthy = _network([Dense(32), Activation(name), Dense(1)])
    assert _epoch(Diagnostics(X), healthy)["saturation"] == [pytest.approx(0, abs=0.1)]

    dead = _network([Dense(32), Activation(name), Dense(1)])
    dead.biases[0][...] = -1e3
    assert _epoch(Diagnostics(X), dead)["saturation"] == [1.0]

    # Half the units dead: the share counts units, not outputs.
    half = _network([Dense(32), Activation(name), Dense(1)])
    half.biases[0][:16] = -1e3
    assert _epoch(Diagnostics(X), half)["saturation"] == [pytest.approx(0.5)]


def test_a_unit_positive_on_one_probe_sample_is_alive_across_chunks(X):
    network = _network([Dense(4), Activation("relu"), Dense(1)])
    network.weights[0][...] = 0
    network.weights[0][0, 0] = 1  # unit 0 follows feature 0
    network.biases[0][...] = -1
    X = np.zeros((100, 5))
    X[97, 0] = 2  # positive pre-activation on one sample, in the last chunk
    hook = Diagnostics(X)
    network.rows_per_chunk = lambda itemsize: 7  # many small chunks
    assert _epoch(hook, network)["saturation"] == [0.75]


def test_a_dead_filter_is_one_dead_unit_of_a_convolution():
    network = Sequential([Conv2D(4, 3), Activation("relu"), Flatten(), Dense(1)])
    network.initialize((6, 6, 1), np.random.default_rng(0), np.float64)
    network.biases[0][0] = -1e3  # the first filter: no position ever positive
    images = np.random.default_rng(1).normal(size=(40, 6, 6, 1))
    assert _epoch(Diagnostics(images), network)["saturation"] == [0.25]


def test_update_ratio_is_the_relative_change_over_the_epoch(X):
    network = _network([Dense(4), Activation("tanh"), Dense(3), Dense(1)])
    W_start = [W.copy() for W in network.weights]
    rng = np.random.default_rng(2)
    steps = [rng.normal(size=W.shape) for W in W_start]
    steps[1][...] = 0  # a layer that did not move

    def change(network):
        for W, step in zip(network.weights, steps):
            W += step

    ratios = _epoch(Diagnostics(X), network, change)["update_ratio"]
    expected = [
        np.linalg.norm(step) / np.linalg.norm(W) for step, W in zip(steps, W_start)
    ]
    assert ratios == pytest.approx(expected, rel=1e-12)
    assert ratios[1] == 0.0
    assert all(type(ratio) is float for ratio in ratios)


def test_update_ratio_of_weights_that_start_at_zero(X):
    network = _network([Dense(2), Dense(1)])
    for W in network.weights:
        W[...] = 0

    def change(network):
        network.weights[0] += 1

    assert _epoch(Diagnostics(X), network, change)["update_ratio"] == [math.inf, 0.0]


def test_buffers_are_reused_across_epochs(X):
    network = _network([Dense(4), Activation("tanh"), Dense(1)])
    state = TrainingState(network, objective=None, optimizer=None)
    hook = Diagnostics(X)
    hook.on_train_begin(state)
    buffers = None
    for _ in range(3):
        hook.on_epoch_begin(state)
        network.weights[0] *= 2
        hook.on_epoch_end(state)
        assert state.record["update_ratio"][0] == pytest.approx(1.0)
        if buffers is not None:
            assert all(a is b for a, b in zip(hook._start, buffers))
        buffers = list(hook._start)
    assert len(buffers) == len(network.weights)


def test_units_inside_a_residual_block_are_included(X):
    inner = Activation("relu")
    network = _network(
        [
            Dense(4),
            Activation("tanh"),
            Residual([Dense(4), inner, Dense(4)]),
            Activation("logistic"),
            Dense(1),
        ]
    )
    network.layers[2].block.biases[0][...] = -1e3  # kill the block's relu
    record = _epoch(Diagnostics(X), network)
    assert len(record["saturation"]) == 3  # tanh, the block's relu, logistic
    assert record["saturation"][1] == 1.0
    assert record["saturation"][0] < 0.5


def test_inference_mode_dropout_is_off(X):
    network = _network([Dense(6), Dropout(0.9), Activation("tanh"), Dense(1)])
    network.weights[0] *= 3
    W, b = network.layers[0].W, network.layers[0].b
    A = np.tanh(X[::2] @ W + b)  # 600 rows, every 2nd in a probe of 512
    expected = np.mean(np.abs(A) > math.sqrt(0.9))
    record = _epoch(Diagnostics(X, max_samples=512), network)
    assert record["saturation"] == [pytest.approx(expected)]
    assert 0 < expected < 1


def test_float32_works(X):
    network = _network(
        [Dense(8), Activation("relu"), Dense(8), Activation("tanh"), Dense(1)],
        dtype=np.float32,
    )
    X32 = X.astype(np.float32)

    def double_first_weights(network):
        network.weights[0] *= 2

    record = _epoch(Diagnostics(X32), network, double_first_weights)
    assert record["update_ratio"][0] == pytest.approx(1.0, rel=1e-6)
    assert all(type(value) is float for value in record["saturation"])
    assert all(0 <= value <= 1 for value in record["saturation"])


def test_sparse_input_gives_the_dense_result():
    X_sparse = sp.random(
        900, 5, density=0.4, format="csr", random_state=0, dtype=np.float64
    )
    X_dense = X_sparse.toarray()
    records = []
    for X in (X_sparse, X_dense):
        network = _network([Dense(8), Activation("relu"), Dense(8), Activation("tanh")])
        network.weights[0] *= 5
        records.append(_epoch(Diagnostics(X, max_samples=100), network))
    assert sp.issparse(Diagnostics(X_sparse, max_samples=100).probe)
    assert records[0] == records[1]


@pytest.mark.parametrize(
    "n_samples, max_samples, step",
    [(1000, 512, 2), (1000, 100, 10), (1001, 100, 11), (50, 512, 1), (512, 512, 1)],
)
def test_probe_is_at_most_max_samples_evenly_spaced_rows(n_samples, max_samples, step):
    X = np.arange(n_samples, dtype=float)[:, np.newaxis] * np.ones(3)
    probe = Diagnostics(X, max_samples=max_samples).probe
    assert probe.shape[0] <= max_samples
    np.testing.assert_array_equal(probe[:, 0], np.arange(0, n_samples, step))
    assert probe.base is None  # a copy: the hook keeps no hold on X


def test_max_samples_must_be_a_positive_integer(X):
    for bad in (0, -3, 2.5, "512", True):
        with pytest.raises(ValueError, match="max_samples must be a positive"):
            Diagnostics(X, max_samples=bad)


def test_the_hook_stays_light_after_training(X):
    network = _network([Dense(200), Activation("relu"), Dense(200), Dense(1)])
    hook = Diagnostics(X, max_samples=50)
    state = TrainingState(network, objective=None, optimizer=None)
    hook.on_train_begin(state)
    hook.on_epoch_begin(state)
    hook.on_epoch_end(state)
    hook.on_train_end(state)
    # The probe and little else: no copy of the weights, no network, no X.
    assert len(pickle.dumps(hook)) < hook.probe.nbytes + 2000


def test_a_diverged_epoch_keeps_the_keys_as_nan(X):
    network = _network([Dense(4), Activation("tanh"), Dense(1)])
    state = TrainingState(network, objective=None, optimizer=None)
    assert Diagnostics(X).on_divergence(state) is False
    assert len(state.record["saturation"]) == 1
    assert len(state.record["update_ratio"]) == 2
    assert all(math.isnan(v) for v in state.record["update_ratio"])


class WeightRecorder(Hook):
    """Keep a copy of the weights as training begins and as each epoch ends."""

    def __init__(self):
        self.weights = []

    def on_train_begin(self, state):
        self.weights.append([W.copy() for W in state.network.weights])

    def on_epoch_end(self, state):
        self.weights.append([W.copy() for W in state.network.weights])


@pytest.mark.parametrize("loop", ["epochs", "lbfgs"])
def test_in_the_training_loop_history_keeps_each_epochs_ratios(loop):
    X, y = load_iris(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    Y = LabelBinarizer().fit_transform(y).astype(float)
    network = _network([Dense(8), Activation("tanh"), Dense(3)], n_features=4)
    state = TrainingState(network, Objective(network, "softmax", 1e-4), None)
    recorder = WeightRecorder()
    hooks = [Diagnostics(X), History(), recorder]
    if loop == "epochs":
        state.optimizer = Adam(network.params, learning_rate_init=0.01)
        run_epochs(
            state,
            X,
            Y,
            n_epochs=4,
            batch_size=32,
            shuffle=True,
            rng=np.random.default_rng(0),
            hooks=hooks,
        )
    else:
        run_lbfgs(state, X, Y, max_iter=4, max_fun=100, tol=0, hooks=hooks)
    assert len(state.history) == 4
    for record, before, after in zip(
        state.history, recorder.weights, recorder.weights[1:]
    ):
        expected = [
            np.linalg.norm(W1 - W0) / np.linalg.norm(W0)
            for W0, W1 in zip(before, after)
        ]
        assert record["update_ratio"] == pytest.approx(expected, rel=1e-9)
        assert len(record["saturation"]) == 1


def test_update_ratios_read_from_the_rollback_snapshots_are_exact():
    """Past a fit's first epoch, and in warm or partial calls, the weights as
    the epoch began come from the rollback's snapshot, not a copy of their own."""
    import warnings

    from sklearn.datasets import load_digits
    from sklearn.exceptions import ConvergenceWarning

    from sknetviz import MLPVisualClassifier

    X, y = load_digits(return_X_y=True)
    X, y = X[:300] / 16, y[:300]
    params = dict(hidden_layer_sizes=(16,), random_state=0)

    def ratios(before, after):
        return [
            np.linalg.norm(b - a) / np.linalg.norm(a) for a, b in zip(before, after)
        ]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        one = MLPVisualClassifier(max_iter=1, **params).fit(X, y)
        two = MLPVisualClassifier(max_iter=2, **params).fit(X, y)
        np.testing.assert_allclose(
            two.history_[1]["update_ratio"], ratios(one.coefs_, two.coefs_)
        )
        before = [c.copy() for c in two.coefs_]
        two.partial_fit(X, y)
        np.testing.assert_allclose(
            two.history_[-1]["update_ratio"], ratios(before, two.coefs_)
        )


def test_saturation_of_padded_sequences_reads_only_their_real_steps():
    """The probe's sequence lengths reach the recurrent layers' masks: what
    the padding holds cannot change the saturation measured after them."""
    network = Sequential([LSTM(3), Dense(6, activation="tanh"), Dense(2)])
    network.initialize((5, 2), np.random.default_rng(0), np.float64)
    network.layers[1].W *= 8  # tanh units near the edge: saturation to measure
    rng = np.random.default_rng(1)
    X = rng.normal(size=(40, 5, 2))
    lengths = rng.integers(1, 6, size=40)
    padded = np.where(np.arange(5)[None, :, None] < lengths[:, None, None], X, 0.0)
    loud = np.where(np.arange(5)[None, :, None] < lengths[:, None, None], X, 50.0)
    state = TrainingState(network, objective=None, optimizer=None)

    def saturation(data, sequence_lengths):
        hook = Diagnostics(data, sequence_lengths=sequence_lengths)
        hook.on_train_begin(state)
        hook.on_epoch_begin(state)
        hook.on_epoch_end(state)
        return state.record["saturation"]

    masked = saturation(loud, lengths)
    assert 0 < masked[0] < 1
    assert masked == saturation(padded, lengths)
    assert masked != saturation(loud, None)
