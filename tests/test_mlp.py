"""MLPVisualClassifier: the behaviour a user swapping it for MLPClassifier relies on."""

import pickle
import re
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.datasets import (
    load_digits,
    load_iris,
    make_moons,
    make_multilabel_classification,
)
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from sknetviz import MLPVisualClassifier

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="module")
def moons():
    return make_moons(n_samples=200, noise=0.2, random_state=0)


def _targets(kind, n_samples, rng):
    if kind == "binary":
        return rng.randint(0, 2, n_samples)
    if kind == "multiclass":
        return rng.randint(0, 4, n_samples)
    return rng.randint(0, 2, (n_samples, 3))


def _copy_weights(source, target):
    for src, dst in zip(
        source.coefs_ + source.intercepts_, target.coefs_ + target.intercepts_
    ):
        dst[...] = src


# ----------------------------------------------------------------- same maths


@pytest.mark.parametrize("activation", ["identity", "logistic", "tanh", "relu"])
@pytest.mark.parametrize("kind", ["binary", "multiclass", "multilabel"])
def test_predict_proba_equals_sklearn_with_same_weights(activation, kind):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 5))
    y = _targets(kind, 60, rng)
    params = dict(
        hidden_layer_sizes=(7, 6), activation=activation, max_iter=5, random_state=0
    )
    theirs = MLPClassifier(**params).fit(X, y)
    ours = MLPVisualClassifier(**params).fit(X, y)
    assert ours.out_activation_ == theirs.out_activation_
    _copy_weights(theirs, ours)
    assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), rtol=1e-12)
    assert_array_equal(ours.predict(X), theirs.predict(X))


@pytest.mark.parametrize("activation", ["identity", "logistic", "tanh", "relu"])
@pytest.mark.parametrize("kind", ["binary", "multiclass"])
def test_one_full_batch_sgd_step_equals_sklearn(activation, kind):
    rng = np.random.RandomState(1)
    X = rng.normal(size=(40, 4))
    y = _targets(kind, 40, rng)
    params = dict(
        hidden_layer_sizes=(6, 5),
        activation=activation,
        solver="sgd",
        momentum=0.0,
        learning_rate_init=0.3,
        alpha=0.5,
        batch_size=40,
        shuffle=False,
        random_state=0,
    )
    classes = np.unique(y)
    theirs = MLPClassifier(**params).partial_fit(X, y, classes=classes)
    ours = MLPVisualClassifier(**params).partial_fit(X, y, classes=classes)
    _copy_weights(theirs, ours)
    before = [w.copy() for w in ours.coefs_]
    theirs.partial_fit(X, y)
    ours.partial_fit(X, y)
    assert ours.loss_ == pytest.approx(theirs.loss_, rel=1e-12)
    for mine, reference, start in zip(ours.coefs_, theirs.coefs_, before):
        assert not np.allclose(mine, start)
        assert_allclose(mine, reference, rtol=1e-10, atol=1e-12)
    for mine, reference in zip(ours.intercepts_, theirs.intercepts_):
        assert_allclose(mine, reference, rtol=1e-10, atol=1e-12)


def _kind(value):
    if isinstance(value, (int, float, np.number)):
        return "number"
    return type(value).__name__


def test_fitted_attributes_match_sklearn_names(iris):
    X, y = iris
    ours = MLPVisualClassifier(max_iter=20, random_state=0).fit(X, y)
    theirs = MLPClassifier(max_iter=20, random_state=0).fit(X, y)
    for name in [
        "classes_",
        "coefs_",
        "intercepts_",
        "n_features_in_",
        "n_iter_",
        "n_layers_",
        "n_outputs_",
        "out_activation_",
        "loss_",
        "loss_curve_",
        "best_loss_",
        "validation_scores_",
        "best_validation_score_",
        "t_",
    ]:
        assert _kind(getattr(ours, name)) == _kind(getattr(theirs, name)), name
    assert [c.shape for c in ours.coefs_] == [c.shape for c in theirs.coefs_]
    assert (ours.n_iter_, ours.t_, ours.n_layers_) == (20, 20 * 150, 3)
    assert len(ours.loss_curve_) == 20 and ours.loss_ == ours.loss_curve_[-1]


def test_documented_attributes_exist_after_fit(iris):
    X, y = iris
    clf = MLPVisualClassifier(max_iter=5, early_stopping=True, random_state=0).fit(X, y)
    section = clf.__doc__.split("Attributes\n    ----------")[1].split("See Also")[0]
    names = re.findall(r"^    (\w+_) :", section, flags=re.MULTILINE)
    assert len(names) >= 18
    for name in names:
        if name == "feature_names_in_":
            continue  # only with string feature names
        assert hasattr(clf, name), name


# ------------------------------------------------------------ sklearn tooling


def test_pipeline_cross_val_and_grid_search(iris):
    X, y = iris
    pipe = make_pipeline(
        StandardScaler(), MLPVisualClassifier(max_iter=200, random_state=0)
    )
    assert cross_val_score(pipe, X, y, cv=3).mean() > 0.85
    grid = GridSearchCV(
        MLPVisualClassifier(learning_rate_init=0.01, max_iter=150, random_state=0),
        {
            "hidden_layer_sizes": [(8,), (16, 8)],
            "dropout": [0.0, 0.2],
            "init": ["xavier_uniform", "he_normal"],
        },
        cv=3,
        n_jobs=2,
    ).fit(X, y)
    assert len(grid.cv_results_["params"]) == 8
    assert grid.best_score_ > 0.85
    assert grid.best_estimator_.score(X, y) > 0.9


def test_clone_and_pickle_round_trip(moons):
    X, y = moons
    clf = MLPVisualClassifier(
        (10, 10), dropout=[0.1, 0.3], max_iter=30, random_state=0
    ).fit(X, y)
    fresh = clone(clf)
    assert fresh.get_params() == clf.get_params() and not hasattr(fresh, "coefs_")
    restored = pickle.loads(pickle.dumps(clf))
    assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))
    restored.partial_fit(X, y)  # still trains after the round trip
    assert restored.n_iter_ == 1 and len(restored.history_) == len(clf.history_) + 1


def test_digits_accuracy_in_minmax_pipeline():
    # That the network learns the digits in a pipeline, on one stratified 3:1
    # split (shuffled: load_digits is ordered by writer) and 50 epochs. Over
    # random_state 0-5 this scores 0.95 to 0.97, after one epoch 0.20.
    # The accuracy figure itself (5-fold) is benchmarks/bench_accuracy.py's.
    X, y = load_digits(return_X_y=True)
    split = next(StratifiedKFold(4, shuffle=True, random_state=0).split(X, y))
    pipe = make_pipeline(
        MinMaxScaler(), MLPVisualClassifier(max_iter=50, random_state=0)
    )
    (score,) = cross_val_score(pipe, X, y, cv=[split])
    assert score >= 0.93


# ---------------------------------------------------------- sknetviz additions


def test_history_records_every_epoch_with_validation(iris):
    X, y = iris
    clf = MLPVisualClassifier(
        (8, 6),
        early_stopping=True,
        validation_fraction=0.2,
        n_iter_no_change=1000,
        max_iter=15,
        random_state=0,
    ).fit(X, y)
    assert [r["epoch"] for r in clf.history_] == list(range(1, 16))
    for record in clf.history_:
        assert set(record) == {
            "epoch",
            "loss",
            "data_loss",
            "val_loss",
            "val_score",
            "learning_rate",
            "grad_norms",
            "seconds",
            "saturation",
            "update_ratio",
        }
        assert len(record["grad_norms"]) == 3 and all(
            g > 0 for g in record["grad_norms"]
        )
        assert record["learning_rate"] == 0.001 and record["seconds"] >= 0
    assert clf.validation_scores_ == [r["val_score"] for r in clf.history_]
    assert clf.validation_loss_curve_ == [r["val_loss"] for r in clf.history_]
    assert clf.loss_curve_ == [r["loss"] for r in clf.history_]


def test_early_stopping_keeps_best_weights(iris):
    X, y = iris
    clf = MLPVisualClassifier(
        (20,),
        solver="sgd",
        learning_rate_init=0.5,
        early_stopping=True,
        validation_fraction=0.3,
        n_iter_no_change=5,
        max_iter=200,
        random_state=3,
    ).fit(X, y)
    assert clf.n_iter_ < 200
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    assert clf.best_loss_ is None
    # The restored weights are those of the best epoch, not the last.
    best_epoch = int(np.argmax(clf.validation_scores_))
    assert best_epoch < len(clf.validation_scores_) - 1


def test_dropout_per_layer_and_init(moons):
    X, y = moons
    clf = MLPVisualClassifier(
        (12, 8), dropout=[0.5, 0.0], init="he_normal", max_iter=5, random_state=0
    ).fit(X, y)
    kinds = [type(layer).__name__ for layer in clf.network_.layers]
    assert kinds == ["Dense", "Activation", "Dropout", "Dense", "Activation", "Dense"]
    assert clf.network_.layers[2].rate == 0.5
    with pytest.raises(ValueError, match="one rate per hidden layer"):
        MLPVisualClassifier((12, 8), dropout=[0.1, 0.2, 0.3]).fit(X, y)
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        MLPVisualClassifier((12, 8), dropout=[0.1, 1.0]).fit(X, y)


@pytest.mark.parametrize(
    "activation, init, expected_bound",
    [
        ("relu", "auto", "he"),
        ("leaky_relu", "auto", "he"),
        ("tanh", "auto", "xavier"),
        ("relu", "xavier_uniform", "xavier"),
    ],
)
def test_auto_init_picks_he_for_rectifiers(activation, init, expected_bound):
    X = np.random.RandomState(0).normal(size=(50, 300))
    y = np.arange(50) % 2
    clf = MLPVisualClassifier(
        (200,),
        activation=activation,
        init=init,
        max_iter=1,
        learning_rate_init=1e-12,
        random_state=0,
    ).fit(X, y)
    W = clf.coefs_[0]
    he, xavier = np.sqrt(6 / 300), np.sqrt(6 / 500)
    bound = he if expected_bound == "he" else xavier
    assert np.abs(W).max() <= bound and np.abs(W).max() > 0.98 * bound


def test_float32_trains_and_predicts_in_float32(iris):
    X, y = iris
    clf = MLPVisualClassifier(max_iter=30, random_state=0).fit(X.astype(np.float32), y)
    assert all(c.dtype == np.float32 for c in clf.coefs_ + clf.intercepts_)
    assert clf.predict_proba(X.astype(np.float32)).dtype == np.float32
    clf64 = MLPVisualClassifier(max_iter=30, random_state=0).fit(X.astype(int), y)
    assert all(c.dtype == np.float64 for c in clf64.coefs_)


@pytest.mark.parametrize("container", [sp.csr_matrix, sp.csc_matrix, sp.csr_array])
def test_sparse_input_matches_dense(container, moons):
    X, y = moons
    params = dict(hidden_layer_sizes=(10,), dropout=0.2, max_iter=20, random_state=0)
    dense = MLPVisualClassifier(**params).fit(X, y)
    sparse = MLPVisualClassifier(**params).fit(container(X), y)
    assert_allclose(
        sparse.predict_proba(container(X)), dense.predict_proba(X), rtol=1e-9
    )


def test_sample_weight_in_fit_and_partial_fit(moons):
    X, y = moons
    weights = np.where(y == 1, 5.0, 0.2)
    weighted = MLPVisualClassifier((10,), max_iter=50, random_state=0).fit(
        X, y, sample_weight=weights
    )
    plain = MLPVisualClassifier((10,), max_iter=50, random_state=0).fit(X, y)
    assert (weighted.predict(X) == 1).mean() > (plain.predict(X) == 1).mean()
    incremental = MLPVisualClassifier((10,), random_state=0)
    for _ in range(3):
        incremental.partial_fit(X, y, classes=[0, 1], sample_weight=weights)
    assert incremental.t_ == 3 * len(X)
    # Integer weights mean repetitions, dropout included.
    rng = np.random.RandomState(0)
    counts = rng.randint(0, 3, len(X))
    params = dict(
        hidden_layer_sizes=(8,),
        dropout=0.3,
        batch_size=400,
        max_iter=20,
        shuffle=False,
        random_state=0,
    )
    by_weight = MLPVisualClassifier(**params).fit(X, y, sample_weight=counts)
    by_repeat = MLPVisualClassifier(**params).fit(
        np.repeat(X, counts, 0), np.repeat(y, counts)
    )
    assert_allclose(by_weight.predict_proba(X), by_repeat.predict_proba(X), rtol=1e-7)


def test_same_seed_same_model_bit_for_bit_and_global_rng_untouched(moons):
    X, y = moons
    params = dict(
        hidden_layer_sizes=(10, 10),
        dropout=0.3,
        early_stopping=True,
        max_iter=20,
        random_state=42,
    )
    np.random.seed(0)  # noqa: NPY002 - the global generator must stay untouched
    state = np.random.get_state()[1].copy()  # noqa: NPY002
    first = MLPVisualClassifier(**params).fit(X, y)
    second = MLPVisualClassifier(**params).fit(X, y)
    assert_array_equal(np.random.get_state()[1], state)  # noqa: NPY002
    for a, b in zip(
        first.coefs_ + first.intercepts_, second.coefs_ + second.intercepts_
    ):
        assert_array_equal(a, b)
    assert first.loss_curve_ == second.loss_curve_
    other = MLPVisualClassifier(**{**params, "random_state": 43}).fit(X, y)
    assert not np.array_equal(first.coefs_[0], other.coefs_[0])
    unseeded = MLPVisualClassifier((10,), max_iter=2).fit(X, y)
    assert_array_equal(np.random.get_state()[1], state)  # noqa: NPY002
    assert unseeded.n_iter_ == 2


def test_partial_fit_one_epoch_and_classes(moons):
    X, y = moons
    clf = MLPVisualClassifier((10,), random_state=0)
    clf.partial_fit(X[:50], y[:50], classes=[0, 1])
    clf.partial_fit(X[50:], y[50:])
    assert clf.n_iter_ == 1 and len(clf.loss_curve_) == 2 and clf.t_ == 200
    assert not hasattr(MLPVisualClassifier(solver="lbfgs"), "partial_fit")


def test_warm_start_continues_training(moons):
    X, y = moons
    clf = MLPVisualClassifier((10,), max_iter=5, warm_start=True, random_state=0).fit(
        X, y
    )
    first = clf.coefs_[0].copy()
    clf.fit(X, y)
    assert len(clf.history_) == 10 and clf.n_iter_ == 5
    assert not np.array_equal(first, clf.coefs_[0])


def test_lbfgs_solver(iris):
    X, y = iris
    clf = MLPVisualClassifier((10,), solver="lbfgs", max_iter=500, random_state=0).fit(
        X, y
    )
    assert clf.score(X, y) > 0.97
    assert (
        clf.n_iter_ == len(clf.history_) and clf.history_[-1]["learning_rate"] is None
    )


def test_multilabel_targets():
    X, Y = make_multilabel_classification(n_samples=150, n_classes=4, random_state=0)
    clf = MLPVisualClassifier((30,), max_iter=300, random_state=0).fit(X, Y)
    assert clf.out_activation_ == "logistic" and clf.predict(X).shape == Y.shape
    assert clf.score(X, Y) > 0.5


def test_verbose_prints_one_line_per_epoch(capsys, iris):
    X, y = iris
    MLPVisualClassifier(
        (5,), max_iter=3, early_stopping=True, verbose=True, random_state=0
    ).fit(X, y)
    lines = [
        line
        for line in capsys.readouterr().out.splitlines()
        if line.startswith("Iteration")
    ]
    assert len(lines) == 3
    # scikit-learn's line first, then sknetviz's figures.
    assert re.fullmatch(
        r"Iteration 1, loss = [\d.]+, val_loss = [\d.]+, val_score = [\d.]+, [\d.]+s",
        lines[0],
    )


def test_verbose_counts_iterations_across_partial_fit(capsys, iris):
    X, y = iris
    clf = MLPVisualClassifier((5,), max_iter=2, verbose=True, random_state=0)
    clf.fit(X, y)
    clf.partial_fit(X, y)
    lines = capsys.readouterr().out.splitlines()
    # The third epoch of the model is iteration 3, as in MLPClassifier (not
    # "Epoch 3/2": max_iter bounds fit, not the model's life).
    assert [line.split(",")[0] for line in lines if line.startswith("Iter")] == [
        "Iteration 1",
        "Iteration 2",
        "Iteration 3",
    ]


# ------------------------------------------------------------------ bad input


def _assert_untouched(clf, snapshot):
    assert set(vars(clf)) == set(snapshot)
    for name, value in snapshot.items():
        if isinstance(value, list) and value and isinstance(value[0], np.ndarray):
            for a, b in zip(getattr(clf, name), value):
                assert_array_equal(a, b)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_input_is_rejected_and_leaves_no_model(bad, iris):
    X, y = iris
    X_bad = X.copy()
    X_bad[3, 1] = bad
    clf = MLPVisualClassifier()
    with pytest.raises(ValueError, match="Input X contains (NaN|infinity)"):
        clf.fit(X_bad, y)
    assert not hasattr(clf, "n_features_in_") and not hasattr(clf, "classes_")
    with pytest.raises(NotFittedError):
        clf.predict(X)


def test_wrong_number_of_features_at_predict(iris):
    X, y = iris
    clf = MLPVisualClassifier(max_iter=5).fit(X, y)
    with pytest.raises(
        ValueError, match="X has 3 features, but MLPVisualClassifier is expecting 4"
    ):
        clf.predict(X[:, :3])


def test_continuous_target_is_rejected(iris):
    X, _ = iris
    clf = MLPVisualClassifier()
    with pytest.raises(ValueError, match="Unknown label type: continuous"):
        clf.fit(X, np.linspace(0, 1, len(X)))
    assert vars(clf) == vars(MLPVisualClassifier())


def test_partial_fit_classes_errors_leave_model_intact(iris):
    X, y = iris
    clf = MLPVisualClassifier(random_state=0)
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        clf.partial_fit(X, y)
    assert vars(clf) == vars(MLPVisualClassifier(random_state=0))
    clf.partial_fit(X[y < 2], y[y < 2], classes=[0, 1])
    snapshot = {
        k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in vars(clf).items()
    }
    weights = [w.copy() for w in clf.coefs_]
    with pytest.raises(ValueError, match="`y` has classes not in `self.classes_`"):
        clf.partial_fit(X, y)
    _assert_untouched(clf, snapshot)
    for a, b in zip(clf.coefs_, weights):
        assert_array_equal(a, b)


def test_warm_start_with_other_labels(iris):
    X, y = iris
    clf = MLPVisualClassifier(max_iter=5, warm_start=True).fit(X, y)
    weights = [w.copy() for w in clf.coefs_]
    with pytest.raises(
        ValueError, match="warm_start can only be used where `y` has the same"
    ):
        clf.fit(X[y < 2], y[y < 2])
    assert_array_equal(clf.classes_, [0, 1, 2])
    for a, b in zip(clf.coefs_, weights):
        assert_array_equal(a, b)


def test_too_few_samples_for_early_stopping():
    X = np.arange(20.0).reshape(10, 2)
    y = np.arange(10) % 2
    clf = MLPVisualClassifier(early_stopping=True, validation_fraction=0.1)
    # The stratified split refuses first, as in MLPClassifier; we add why.
    with pytest.raises(
        ValueError,
        match=r"holds out validation_fraction=0.1 of the 10 samples \(1\)",
    ):
        clf.fit(X, y)
    assert not hasattr(clf, "classes_")
    with pytest.raises(ValueError, match="validation set is too small"):
        clf.fit(X, np.zeros(10))  # one class: the split works, 1 sample is too few
    clf = MLPVisualClassifier(early_stopping=True, validation_fraction=0.2)
    with pytest.raises(ValueError, match="stratified early-stopping split"):
        clf.fit(X, np.arange(10) % 5)


def test_divergence_names_learning_rate_and_input_scale(iris):
    X, y = iris
    X_huge = (X * 1e6).astype(np.float32)
    clf = MLPVisualClassifier(
        (50, 50),
        solver="sgd",
        learning_rate_init=1e4,
        momentum=0.99,
        max_iter=50,
        random_state=0,
    )
    with pytest.raises(ValueError, match="learning rate.*input scale"):
        clf.fit(X_huge, y)
    assert not hasattr(clf, "coefs_")
    good = MLPVisualClassifier((50,), max_iter=3, warm_start=True, random_state=0)
    good.fit(X.astype(np.float32), y)
    weights = [w.copy() for w in good.coefs_]
    good.set_params(solver="sgd", learning_rate_init=1e4, momentum=0.99, max_iter=50)
    with pytest.raises(ValueError, match="diverged"):
        good.fit(X_huge, y)
    for a, b in zip(good.coefs_, weights):
        assert_array_equal(a, b)


def test_predictions_are_never_nan(iris):
    X, y = iris
    clf = MLPVisualClassifier((10,), max_iter=50, random_state=0).fit(X, y)
    huge = np.full((3, 4), 1e300) * np.array([1, -1, 1, -1])
    proba = clf.predict_proba(huge)
    assert np.isfinite(proba).all()
    assert_allclose(proba.sum(axis=1), 1)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf.predict(huge)


def test_coefs_stay_the_live_weights_across_calls(moons):
    X, y = moons
    X = X.astype(np.float32)
    clf = MLPVisualClassifier(
        (8,), solver="sgd", learning_rate_init=0.1, random_state=0
    )
    clf.partial_fit(X, y, classes=[0, 1])
    held = clf.coefs_[0]
    before = held.copy()
    clf.partial_fit(X, y)
    assert clf.coefs_[0] is held and not np.array_equal(held, before)
    before = held.copy()
    history_length = len(clf.history_)
    # A warm-start fit with a wild rate diverges; the held array is restored.
    clf.set_params(warm_start=True, learning_rate_init=1e4, momentum=0.99, max_iter=50)
    with pytest.raises(ValueError, match="diverged"):
        clf.fit(X * 1e6, y)
    assert clf.coefs_[0] is held and clf.network_.params[0] is held
    assert_array_equal(held, before)
    assert len(clf.history_) == history_length
    clf.partial_fit(X, y)  # and training goes on from there
    assert clf.coefs_[0] is held and len(clf.history_) == history_length + 1


def test_dropout_with_lbfgs_is_rejected(moons):
    X, y = moons
    clf = MLPVisualClassifier((8,), solver="lbfgs", dropout=0.2)
    with pytest.raises(ValueError, match=r"dropout=0.2 needs a stochastic solver"):
        clf.fit(X, y)
    assert not hasattr(clf, "coefs_")


def test_initialize_is_epoch_zero_of_partial_fit(moons):
    X, y = moons
    params = dict(hidden_layer_sizes=(8,), dropout=0.2, random_state=0)
    started = MLPVisualClassifier(**params).initialize(X, y)
    assert started.n_iter_ == 0 and started.history_ == [] and started.loss_ is None
    assert started.predict_proba(X).shape == (len(X), 2)
    assert_array_equal(started.intercepts_[0], 0)  # biases start at zero
    for _ in range(2):
        started.partial_fit(X, y)
    plain = MLPVisualClassifier(**params)
    plain.partial_fit(X, y, classes=[0, 1])
    plain.partial_fit(X, y)
    for a, b in zip(
        started.coefs_ + started.intercepts_, plain.coefs_ + plain.intercepts_
    ):
        assert_array_equal(a, b)
    # initialize forgets a previous model, and checks labels against classes.
    refit = MLPVisualClassifier(**params).fit(X, y).initialize(X, y, classes=[0, 1, 2])
    assert_array_equal(refit.classes_, [0, 1, 2])
    assert refit.n_iter_ == 0
    with pytest.raises(ValueError, match="`y` has classes not in"):
        MLPVisualClassifier().initialize(X, y + 5, classes=[0, 1])


def test_history_shows_saturated_sigmoids_and_stuck_layers():
    """The vanishing-gradient signs, read from history_: a deep sigmoid net
    started with tiny weights has layers that barely move, and batch norm
    gets them moving."""
    X, y = load_digits(return_X_y=True)
    params = dict(
        hidden_layer_sizes=(32,) * 6,
        activation="logistic",
        init="small_normal",
        max_iter=3,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        plain = MLPVisualClassifier(**params).fit(X[:500] / 16, y[:500])
        cured = MLPVisualClassifier(batch_norm=True, **params).fit(
            X[:500] / 16, y[:500]
        )
    record = plain.history_[-1]
    assert len(record["saturation"]) == 6 and len(record["update_ratio"]) == 7
    # The input-side layer of the plain net moves far less than batch norm's
    # (0.016 against 0.106 here), though Adam scales its tiny gradients up.
    assert record["update_ratio"][0] < 0.25 * cured.history_[-1]["update_ratio"][0]


def test_batch_norm_and_residual_lift_the_first_layers_gradient():
    """The guide's cures, at small scale: in a ten-layer sigmoid network
    started with small weights, batch norm and skip connections bring the
    first layer's gradient up by far more than tenfold."""
    X, y = load_digits(return_X_y=True)
    params = dict(
        hidden_layer_sizes=(16,) * 10,
        activation="logistic",
        init="small_normal",
        max_iter=2,
        random_state=0,
    )

    def first_layer_gradient(**cure):
        clf = MLPVisualClassifier(**params, **cure).fit(X[:300] / 16, y[:300])
        return np.mean([record["grad_norms"][0] for record in clf.history_])

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        plain = first_layer_gradient()
        assert first_layer_gradient(batch_norm=True) > 10 * plain
        assert first_layer_gradient(residual=True) > 10 * plain


def test_batch_norm_with_partial_fit_and_a_batch_of_one():
    """partial_fit carries the running statistics from call to call; a call on
    one sample trains without a batch variance and leaves them alone."""
    X, y = load_digits(return_X_y=True)
    X, y = X[:200] / 16, y[:200]
    clf = MLPVisualClassifier((8,), batch_norm=True, random_state=0)
    clf.partial_fit(X[:100], y[:100], classes=np.arange(10))
    norm = clf.network_.layers[1]
    after_one_call = norm.running_mean.copy()
    clf.partial_fit(X[100:], y[100:])
    assert not np.allclose(norm.running_mean, after_one_call)  # carried on
    before = (norm.running_mean.copy(), norm.running_var.copy())
    gamma = norm.gamma.copy()
    clf.partial_fit(X[:1], y[:1])
    assert_array_equal(norm.running_mean, before[0])
    assert_array_equal(norm.running_var, before[1])
    assert not np.array_equal(norm.gamma, gamma)  # its scale still trains
    assert np.isfinite(clf.predict_proba(X)).all()
