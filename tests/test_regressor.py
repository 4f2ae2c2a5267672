"""MLPVisualRegressor against MLPRegressor: the same maths, the same contract."""

import inspect
import warnings

import joblib
import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.base import clone
from sklearn.datasets import load_diabetes, load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.neural_network import MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknetviz import DivergenceError, MLPVisualRegressor


@pytest.fixture(scope="module")
def diabetes():
    X, y = load_diabetes(return_X_y=True)
    return StandardScaler().fit_transform(X), (y - y.mean()) / y.std()


def _sklearn_regressor(**params):
    """scikit-learn's MLPRegressor with ``params``; scikit-learn before 1.7 has
    no ``loss`` (its loss is the squared error), so no Poisson to compare with."""
    loss = params.pop("loss", "squared_error")
    if "loss" in MLPRegressor().get_params():
        return MLPRegressor(loss=loss, **params)
    if loss != "squared_error":
        pytest.skip("this scikit-learn's MLPRegressor has no loss='poisson'")
    return MLPRegressor(**params)


def _copy_weights(source, target):
    for src, dst in zip(
        source.coefs_ + source.intercepts_, target.coefs_ + target.intercepts_
    ):
        dst[...] = src


@pytest.mark.parametrize("activation", ["identity", "logistic", "tanh", "relu"])
@pytest.mark.parametrize("n_outputs", [1, 3])
@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
def test_predict_equals_sklearn_with_same_weights(activation, n_outputs, loss):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(50, 4))
    y = rng.poisson(3, size=(50, n_outputs)).squeeze().astype(float)
    params = dict(
        loss=loss,
        hidden_layer_sizes=(7, 5),
        activation=activation,
        max_iter=3,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        theirs = _sklearn_regressor(**params).fit(X, y)
        ours = MLPVisualRegressor(**params).fit(X, y)
    assert ours.out_activation_ == theirs.out_activation_
    assert ours.n_outputs_ == theirs.n_outputs_ == n_outputs
    _copy_weights(theirs, ours)
    assert ours.predict(X).shape == theirs.predict(X).shape
    assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-12)
    assert ours.score(X, y) == pytest.approx(theirs.score(X, y), rel=1e-12)


@pytest.mark.parametrize("activation", ["identity", "tanh", "relu"])
@pytest.mark.parametrize("n_outputs", [1, 2])
@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
def test_one_full_batch_sgd_step_equals_sklearn(activation, n_outputs, loss):
    """Loss value, gradient and step, to rounding, including alpha and weights."""
    rng = np.random.RandomState(1)
    X = rng.normal(size=(30, 4))
    y = rng.poisson(2, size=(30, n_outputs)).squeeze().astype(float)
    sample_weight = rng.uniform(0.5, 2, size=30)
    params = dict(
        loss=loss,
        hidden_layer_sizes=(6, 5),
        activation=activation,
        solver="sgd",
        momentum=0.0,
        learning_rate_init=0.05,
        alpha=0.5,
        batch_size=30,
        shuffle=False,
        random_state=0,
    )
    theirs = _sklearn_regressor(**params).partial_fit(X, y)
    ours = MLPVisualRegressor(**params).partial_fit(X, y)
    _copy_weights(theirs, ours)
    weights = {"sample_weight": sample_weight}
    if "sample_weight" not in inspect.signature(theirs.partial_fit).parameters:
        weights = {}  # scikit-learn before 1.7 weighs no sample
    theirs.partial_fit(X, y, **weights)
    ours.partial_fit(X, y, **weights)
    assert ours.loss_ == pytest.approx(theirs.loss_, rel=1e-10)
    for mine, reference in zip(
        ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_
    ):
        assert_allclose(mine, reference, rtol=1e-9, atol=1e-12)


def test_learns_diabetes_as_well_as_sklearn(diabetes):
    X, y = diabetes
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    params = dict(hidden_layer_sizes=(16,), solver="lbfgs", alpha=10.0, max_iter=200)
    ours = MLPVisualRegressor(random_state=0, **params).fit(X_train, y_train)
    theirs = MLPRegressor(random_state=0, **params).fit(X_train, y_train)
    # R2 of a linear model here is about 0.36; both nets come near it
    # (0.336 and 0.335 on this split).
    assert ours.score(X_test, y_test) > 0.3
    assert ours.score(X_test, y_test) == pytest.approx(
        theirs.score(X_test, y_test), abs=0.05
    )


def test_fitted_attributes_and_history(diabetes):
    X, y = diabetes
    reg = MLPVisualRegressor(
        hidden_layer_sizes=(8,),
        max_iter=5,
        early_stopping=True,
        random_state=0,
        n_iter_no_change=50,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reg.fit(X, y)
    assert not hasattr(reg, "classes_")
    assert reg.out_activation_ == "identity" and reg.n_outputs_ == 1
    assert [c.shape for c in reg.coefs_] == [(10, 8), (8, 1)]
    assert len(reg.history_) == len(reg.validation_scores_) == reg.n_iter_ == 5
    # The validation score is R2 on the held-out tenth.
    assert reg.history_[-1]["val_score"] == reg.validation_scores_[-1]
    assert reg.best_validation_score_ == max(reg.validation_scores_)
    assert -1 < reg.validation_scores_[-1] < 1


def test_multi_output_targets(diabetes):
    X, y = diabetes
    Y = np.column_stack([y, -2 * y, y**2])
    reg = MLPVisualRegressor(
        hidden_layer_sizes=(16,), solver="lbfgs", max_iter=200, random_state=0
    )
    reg.fit(X, Y)
    assert reg.predict(X).shape == (len(X), 3) and reg.n_outputs_ == 3
    assert reg.score(X, Y) > 0.5


def test_a_column_target_warns_and_is_raveled(diabetes):
    X, y = diabetes
    reg = MLPVisualRegressor(hidden_layer_sizes=(4,), max_iter=2, random_state=0)
    with pytest.warns(Warning, match="column-vector y"):
        warnings.simplefilter("ignore", ConvergenceWarning)
        reg.fit(X, y[:, None])
    assert reg.predict(X).shape == (len(X),)


def test_poisson_fits_counts_and_refuses_negative_targets():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 3))
    y = rng.poisson(np.exp(0.5 * X[:, 0] + 0.3))
    reg = MLPVisualRegressor(
        loss="poisson", hidden_layer_sizes=(8,), solver="lbfgs", random_state=0
    ).fit(X, y)
    assert reg.out_activation_ == "exp"
    assert np.all(reg.predict(X) > 0)
    # It recovers the rate far better than the mean alone does.
    rate = np.exp(0.5 * X[:, 0] + 0.3)
    assert np.mean((reg.predict(X) - rate) ** 2) < 0.5 * np.var(rate)
    with pytest.raises(ValueError, match="y must be >= 0; got 1 negative"):
        clone(reg).fit(X, np.r_[y[:-1], -1])


def test_non_finite_targets_are_refused_before_training():
    X = np.ones((5, 2))
    with pytest.raises(ValueError, match="Input y contains NaN|y holds NaN"):
        MLPVisualRegressor().fit(X, [1, 2, np.nan, 4, 5])
    with pytest.raises(ValueError, match="finite targets"):
        # float64 targets that overflow float32, the network's dtype
        MLPVisualRegressor().fit(X.astype(np.float32), [1, 2, 1e300, 4, 5])


def test_partial_fit_after_joblib_round_trip_updates_the_live_weights(tmp_path):
    """scikit-learn's #19626, and coefs_ stay the network's arrays after loading."""
    reg = MLPVisualRegressor(
        hidden_layer_sizes=(8,), learning_rate_init=0.01, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reg.fit([[2.0]], [4.0])
    joblib.dump(reg, tmp_path / "reg.joblib")
    loaded = joblib.load(tmp_path / "reg.joblib")
    assert loaded.coefs_[0] is loaded.network_.layers[0].W
    for _ in range(300):
        loaded.partial_fit([[2.0]], [1.0])
    assert_allclose(loaded.predict([[2.0]]), [1.0], rtol=1e-3)


def test_warm_start_refuses_another_number_of_outputs(diabetes):
    X, y = diabetes
    reg = MLPVisualRegressor(
        hidden_layer_sizes=(4,), max_iter=2, warm_start=True, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reg.fit(X, y)
        with pytest.raises(ValueError, match="y has 2 output"):
            reg.fit(X, np.column_stack([y, y]))
    assert reg.n_outputs_ == 1 and reg.predict(X).shape == (len(X),)


def test_pipeline_and_grid_search(diabetes):
    X, y = diabetes
    search = GridSearchCV(
        make_pipeline(
            StandardScaler(),
            MLPVisualRegressor(solver="lbfgs", max_iter=100, random_state=0),
        ),
        {"mlpvisualregressor__hidden_layer_sizes": [(4,), (8,)]},
        cv=2,
    ).fit(X, y)
    assert search.best_score_ > 0.2


def test_diverging_run_with_early_stopping_keeps_its_best_epoch():
    """scikit-learn's #29504: a run that diverges after its best validation epoch
    ends with that epoch's weights, the diverged epoch recorded as NaN."""
    X, y = load_iris(return_X_y=True)
    reg = MLPVisualRegressor(
        hidden_layer_sizes=(100,),
        activation="identity",
        solver="sgd",
        learning_rate_init=1.0,
        early_stopping=True,
        max_iter=20,
        random_state=0,
    )
    with pytest.warns(ConvergenceWarning, match="kept the weights of the best"):
        reg.fit(X, y)
    assert np.isnan(reg.validation_scores_[-1])
    assert np.isfinite(reg.best_validation_score_)
    assert np.isnan(reg.history_[-1]["loss"]) and "diverged" in reg.history_[-1]
    assert np.all(np.isfinite(reg.predict(X)))
    assert len(reg.history_) == reg.n_iter_ >= 2
    # Without a best epoch to fall back on, divergence is an error.
    with pytest.raises(DivergenceError, match="non-finite parameter weights"):
        clone(reg).set_params(early_stopping=False).fit(X * 1e154, y)
