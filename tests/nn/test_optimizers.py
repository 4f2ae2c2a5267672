"""Tests of SGD, Adam and the L-BFGS driver against scikit-learn's optimizers."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.neural_network._stochastic_optimizers import AdamOptimizer, SGDOptimizer

from sknetviz.nn.optimizers import SGD, Adam, minimize_lbfgs

SHAPES = [(3, 4), (4,), (4, 2)]
N_STEPS = 5


def _params(dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=shape).astype(dtype) for shape in SHAPES]


def _grad_sequence(dtype=np.float64, seed=1):
    rng = np.random.default_rng(seed)
    return [
        [rng.normal(size=shape).astype(dtype) for shape in SHAPES]
        for _ in range(N_STEPS)
    ]


def _run(optimizer, params, grad_sequence):
    for grads in grad_sequence:
        optimizer.update_params(params, grads)
    return params


def test_sgd_without_momentum_steps_down_the_gradient():
    params = _params()
    expected = [p.copy() for p in params]
    optimizer = SGD(params, learning_rate_init=0.05, momentum=0.0)
    for grads in _grad_sequence():
        optimizer.update_params(params, grads)
        for p, g in zip(expected, grads):
            p -= 0.05 * g
        for param, expected_param in zip(params, expected):
            assert_allclose(param, expected_param, rtol=1e-15, atol=1e-15)


def test_update_params_works_in_place():
    params = _params()
    originals = list(params)
    before = [p.copy() for p in params]
    _run(SGD(params), params, _grad_sequence())
    assert all(p is q for p, q in zip(params, originals))
    assert not any(np.array_equal(p, q) for p, q in zip(params, before))


@pytest.mark.parametrize("nesterov", [False, True])
@pytest.mark.parametrize("momentum", [0.0, 0.5, 0.9])
def test_sgd_matches_sklearn(momentum, nesterov):
    grad_sequence = _grad_sequence()
    params, reference_params = _params(), _params()
    options = dict(learning_rate_init=0.05, momentum=momentum, nesterov=nesterov)

    _run(SGD(params, **options), params, grad_sequence)
    _run(SGDOptimizer(reference_params, **options), reference_params, grad_sequence)

    for param, reference in zip(params, reference_params):
        assert_allclose(param, reference, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("beta_1, beta_2", [(0.9, 0.999), (0.5, 0.9)])
def test_adam_matches_sklearn(beta_1, beta_2):
    grad_sequence = _grad_sequence()
    params, reference_params = _params(), _params()
    options = dict(learning_rate_init=0.01, beta_1=beta_1, beta_2=beta_2, epsilon=1e-8)

    optimizer = Adam(params, **options)
    _run(optimizer, params, grad_sequence)
    _run(AdamOptimizer(reference_params, **options), reference_params, grad_sequence)

    assert optimizer.t == N_STEPS
    for param, reference in zip(params, reference_params):
        assert_allclose(param, reference, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize(
    "make_optimizer, state_names",
    [
        (lambda params: SGD(params, momentum=0.9, nesterov=True), ["velocities"]),
        (lambda params: Adam(params, learning_rate_init=0.01), ["ms", "vs"]),
    ],
    ids=["sgd", "adam"],
)
def test_float32_params_stay_float32(make_optimizer, state_names):
    params32 = _params(np.float32)
    params64 = _params(np.float64)
    optimizer32 = make_optimizer(params32)
    _run(optimizer32, params32, _grad_sequence(np.float32))
    _run(make_optimizer(params64), params64, _grad_sequence(np.float64))

    for name in state_names:
        assert all(state.dtype == np.float32 for state in getattr(optimizer32, name))
    for param32, param64 in zip(params32, params64):
        assert param32.dtype == np.float32
        assert_allclose(param32, param64, rtol=1e-5, atol=1e-6)


def test_invscaling_schedule_matches_its_formula_and_sklearn():
    params = _params()
    optimizer = SGD(
        params, learning_rate_init=0.2, lr_schedule="invscaling", power_t=0.3
    )
    reference = SGDOptimizer(
        _params(), learning_rate_init=0.2, lr_schedule="invscaling", power_t=0.3
    )
    for time_step in (10, 250, 4000):
        optimizer.iteration_ends(time_step)
        reference.iteration_ends(time_step)
        assert optimizer.learning_rate == pytest.approx(0.2 / (time_step + 1) ** 0.3)
        assert optimizer.learning_rate == pytest.approx(reference.learning_rate)


@pytest.mark.parametrize("lr_schedule", ["constant", "adaptive"])
def test_other_schedules_keep_the_rate_at_the_end_of_an_epoch(lr_schedule):
    optimizer = SGD(_params(), learning_rate_init=0.2, lr_schedule=lr_schedule)
    optimizer.iteration_ends(1000)
    assert optimizer.learning_rate == 0.2


def test_adaptive_schedule_divides_the_rate_by_five_until_it_stops():
    optimizer = SGD(_params(), learning_rate_init=0.1, lr_schedule="adaptive")
    rates = []
    while not optimizer.trigger_stopping("Stalled.", verbose=False):
        rates.append(optimizer.learning_rate)
        assert len(rates) < 20
    assert_allclose(rates, [0.1 / 5**k for k in range(1, 9)], rtol=1e-12)
    assert optimizer.learning_rate <= 1e-6
    assert rates[-2] > 1e-6


def test_adaptive_schedule_matches_sklearn():
    optimizer = SGD(_params(), learning_rate_init=0.03, lr_schedule="adaptive")
    reference = SGDOptimizer(_params(), learning_rate_init=0.03, lr_schedule="adaptive")
    for _ in range(12):
        stopped = optimizer.trigger_stopping("Stalled.", verbose=False)
        assert stopped == reference.trigger_stopping("Stalled.", verbose=False)
        assert optimizer.learning_rate == pytest.approx(reference.learning_rate)


def test_adaptive_verbose_reports_the_new_rate(capsys):
    optimizer = SGD(_params(), learning_rate_init=0.1, lr_schedule="adaptive")
    optimizer.trigger_stopping("Stalled.", verbose=True)
    assert capsys.readouterr().out == "Stalled. Setting learning rate to 0.020000\n"


@pytest.mark.parametrize(
    "make_optimizer",
    [
        lambda params: SGD(params, learning_rate_init=0.1, lr_schedule="constant"),
        lambda params: SGD(params, learning_rate_init=0.1, lr_schedule="invscaling"),
        lambda params: Adam(params, learning_rate_init=0.1),
    ],
    ids=["sgd-constant", "sgd-invscaling", "adam"],
)
def test_non_adaptive_optimizers_stop_when_training_stalls(make_optimizer):
    optimizer = make_optimizer(_params())
    assert optimizer.trigger_stopping("Stalled.", verbose=False) is True
    assert optimizer.learning_rate == 0.1


def test_minimize_lbfgs_finds_the_minimum_of_a_quadratic_in_place():
    rng = np.random.default_rng(3)
    targets = [rng.normal(size=(2, 3)), rng.normal(size=4)]
    curvatures = [rng.uniform(0.5, 5.0, (2, 3)), rng.uniform(0.5, 5.0, 4)]
    params = [np.zeros((2, 3)), np.zeros(4)]
    originals = list(params)

    def loss_and_grads():
        loss = sum(
            0.5 * np.sum(c * (p - t) ** 2)
            for p, t, c in zip(params, targets, curvatures)
        )
        grads = [c * (p - t) for p, t, c in zip(params, targets, curvatures)]
        return loss, grads

    losses = []
    result = minimize_lbfgs(
        params,
        loss_and_grads,
        max_iter=200,
        max_fun=1000,
        tol=1e-10,
        callback=losses.append,
    )

    assert result.success
    assert result.fun == pytest.approx(0.0, abs=1e-10)
    assert all(p is q for p, q in zip(params, originals))
    for param, target in zip(params, targets):
        assert_allclose(param, target, atol=1e-5)
    assert len(losses) == result.nit
    assert all(isinstance(loss, float) for loss in losses)
    assert losses == sorted(losses, reverse=True)
    assert losses[-1] == pytest.approx(result.fun)


def test_minimize_lbfgs_stops_at_max_iter():
    params = [np.full(3, 5.0)]
    before = params[0].copy()

    def loss_and_grads():
        # An ill-conditioned quadratic that needs more than one iteration.
        scales = np.array([1.0, 100.0, 10000.0])
        return float(np.sum(scales * params[0] ** 2)), [2 * scales * params[0]]

    result = minimize_lbfgs(params, loss_and_grads, max_iter=1, max_fun=100, tol=1e-12)
    assert result.nit == 1
    assert not result.success
    assert not np.array_equal(params[0], before)
    assert_array_equal(params[0], result.x)
