"""SimpleCNNClassifier: scikit-learn's contract, its input forms and its errors."""

import copy
import tracemalloc

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from sknetviz import SimpleCNNClassifier

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@parametrize_with_checks([SimpleCNNClassifier(max_iter=50)])
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:600] / 16, y[:600]


def _small(**params):
    return SimpleCNNClassifier(max_iter=15, random_state=0, **params)


def test_layers_follow_filters_and_hidden_sizes(digits):
    X, y = digits
    clf = _small(filters=(4, 6), hidden_layer_sizes=()).fit(X, y)
    kinds = [type(layer).__name__ for layer in clf.network_.layers]
    assert kinds == [
        "Reshape", "Conv2D", "MaxPool2D", "Activation",
        "Conv2D", "MaxPool2D", "Activation", "Flatten", "Dense",
    ]  # fmt: skip
    assert clf.image_shape_ == (8, 8, 1)
    assert [c.shape for c in clf.coefs_] == [(3, 3, 1, 4), (3, 3, 4, 6), (24, 10)]
    assert clf.n_layers_ == 4 and clf.history_ and clf.loss_curve_


def test_image_arrays_and_rows_give_the_same_model(digits):
    X, y = digits
    rows = _small().fit(X, y)
    images = _small().fit(X.reshape(-1, 8, 8), y)
    channels = _small().fit(X.reshape(-1, 8, 8, 1), y)
    given = _small(image_shape=(8, 8)).fit(X, y)
    for other in (images, channels, given):
        assert other.image_shape_ == (8, 8, 1)
        assert_allclose(other.predict_proba(X), rows.predict_proba(X))
    assert_allclose(images.predict_proba(X.reshape(-1, 8, 8)), rows.predict_proba(X))


def test_strips_and_multichannel_images():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 10))
    y = (X[:, :5].sum(axis=1) > 0).astype(int)
    strip = _small().fit(X, y)
    assert strip.image_shape_ == (1, 10, 1)
    color = _small(image_shape=(4, 4, 3)).fit(rng.normal(size=(60, 48)), y)
    assert color.coefs_[0].shape == (3, 3, 3, 8)


def test_works_after_a_scaler_and_in_grid_search(digits):
    X, y = digits
    pipe = make_pipeline(
        StandardScaler(),
        _small(image_shape=(8, 8), batch_size=32, learning_rate_init=0.01),
    )
    grid = GridSearchCV(pipe, {"simplecnnclassifier__filters": [(4,), (4, 8)]}, cv=2)
    grid.fit(X, y)
    assert grid.best_score_ > 0.8


@pytest.mark.parametrize(
    "params, data, message",
    [
        (
            dict(image_shape=(8, 9)),
            None,
            r"image_shape=\(8, 9\) holds 72 values .* 64 features",
        ),
        (
            dict(image_shape=(4, 4), filters=(4, 4, 4)),
            "16",
            r"\(4, 4, 1\) are too small for 3 .* shrink 4x4 -> 2x2 -> 1x1, and "
            r"block 3 cannot pool",
        ),
        (
            dict(image_shape=(8, 8), hidden_layer_sizes=(), dropout=[0.1, 0.2]),
            None,
            r"dropout must be a float or one rate per hidden layer \(0\)",
        ),
        (
            dict(image_shape=(8, 8), hidden_layer_sizes=(), dropout=[1.5]),
            None,
            r"Each dropout rate must be in \[0, 1\)",
        ),
        (dict(image_shape=(8,)), None, r"image_shape must be \(H, W\) or \(H, W, C\)"),
    ],
)
def test_bad_image_shapes(params, data, message, digits):
    X, y = digits
    if data == "16":
        X = X[:, :16]
    clf = SimpleCNNClassifier(**params)
    with pytest.raises(ValueError, match=message):
        clf.fit(X, y)
    assert not hasattr(clf, "coefs_")


def test_bad_input_at_fit_and_predict(digits):
    X, y = digits
    bad = X.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        SimpleCNNClassifier().fit(bad, y)
    clf = _small().fit(X.reshape(-1, 8, 8), y)
    with pytest.raises(
        ValueError, match=r"images of shape \(7, 7, 1\), but .* \(8, 8, 1\)"
    ):
        clf.predict(np.zeros((2, 7, 7)))
    with pytest.raises(ValueError, match="X has 63 features, but SimpleCNNClassifier"):
        clf.predict(X[:, :63])


def test_augment_shifts_training_images_only(digits):
    X, y = digits
    plain = _small().fit(X, y)
    augmented = _small(augment=True).fit(X, y)
    assert type(augmented.network_.layers[1]).__name__ == "RandomShift"
    assert not np.allclose(plain.coefs_[0], augmented.coefs_[0])
    again = _small(augment=True).fit(X, y)
    assert_array_equal(again.coefs_[0], augmented.coefs_[0])  # decided by random_state
    # Prediction never shifts: repeated calls agree exactly.
    assert_array_equal(augmented.predict_proba(X), augmented.predict_proba(X))


def test_float32_and_chunked_prediction(digits):
    X, y = digits
    clf = _small().fit(X.astype(np.float32), y)
    assert all(c.dtype == np.float32 for c in clf.coefs_)
    big = np.tile(X.astype(np.float32), (8, 1))  # more than one prediction chunk
    proba = clf.predict_proba(big)
    assert proba.dtype == np.float32 and proba.shape == (len(big), 10)
    assert_allclose(proba[: len(X)], clf.predict_proba(X.astype(np.float32)), rtol=1e-5)


def test_memory_follows_the_batch_not_the_data():
    # The workload: 10,000 images of 28x28 with batch 64. numpy reports
    # its arrays to tracemalloc, so the peak is what fit and predict allocate
    # beyond the data (31 MiB of float32, made before tracing starts).
    rng = np.random.default_rng(0)
    X = rng.random((10_000, 784), dtype=np.float32)
    y = rng.integers(0, 10, len(X))
    clf = SimpleCNNClassifier(
        hidden_layer_sizes=(), image_shape=(28, 28), batch_size=64, max_iter=1
    )
    tracemalloc.start()
    try:
        clf.fit(X, y)
        fit_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        proba = clf.predict_proba(X)
        predict_peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert proba.shape == (10_000, 10)
    # One batch's im2col matrix and feature maps are about 5 MiB; all of X's
    # would be 600 MiB.
    assert fit_peak < 32 * 2**20
    # Prediction goes in chunks of a few hundred images (the output is 0.4 MiB).
    assert predict_peak < 48 * 2**20
    # The batch-sized work arrays are gone once fit returns.
    assert not any(vars(layer).get("_work_arrays") for layer in clf.network_.layers)


def test_digits_accuracy_with_the_default_parameters():
    # That the default network learns the digits, on one stratified 3:1 split
    # (shuffled: load_digits is ordered by writer) and 20 epochs. Over
    # random_state 0-5 this scores 0.95 to 0.97, after one epoch 0.38.
    # The accuracy figure itself (5-fold) is benchmarks/bench_accuracy.py's.
    X, y = load_digits(return_X_y=True)
    split = next(StratifiedKFold(4, shuffle=True, random_state=0).split(X, y))
    clf = SimpleCNNClassifier(max_iter=20, random_state=0)
    (score,) = cross_val_score(clf, X / 16, y, cv=[split])
    assert score >= 0.92


@pytest.mark.parametrize("activation", ["relu", "leaky_relu", "tanh", "logistic"])
def test_pooling_before_the_activation_is_the_guides_order_in_disguise(
    activation, digits
):
    # Every activation is non-decreasing, so max-pooling the activations
    # equals activating the max-pooled values: the guide's conv -> activation
    # -> pool, computed in the cheaper order. Swapping the two layers of each
    # block back gives the same probabilities and the same gradients.
    X, y = digits
    clf = _small(filters=(4, 6), activation=activation, alpha=0).fit(X, y)
    network = clf.network_
    guide_order = copy.deepcopy(network)
    layers = guide_order.layers
    for i in [
        i for i, layer in enumerate(layers) if type(layer).__name__ == "MaxPool2D"
    ]:
        layers[i], layers[i + 1] = layers[i + 1], layers[i]
    for layer in layers:
        if type(layer).__name__ == "Activation":
            layer.inplace = False
    batch = X[:50].astype(np.float64)
    assert_allclose(guide_order.forward(batch), network.forward(batch), rtol=1e-12)
    grads = []
    for net in (network, guide_order):
        logits = net.forward(batch, training=True)
        net.backward(np.ones_like(logits) / len(batch))
        grads.append([g.copy() for g in net.grads])
    for ours, guide in zip(*grads):
        assert_allclose(ours, guide, rtol=1e-10, atol=1e-12)


def test_auto_dropout_is_for_the_stochastic_solvers(digits):
    # dropout='auto' is 0.25 with adam or sgd, and 0 with lbfgs, which refuses
    # dropout: a grid search over solver works with the defaults.
    X, y = digits
    rates = {}
    for solver in ["adam", "sgd", "lbfgs"]:
        clf = SimpleCNNClassifier(filters=(4,), solver=solver, max_iter=3).fit(X, y)
        rates[solver] = [
            layer.rate for layer in clf.network_.layers if hasattr(layer, "rate")
        ]
    assert rates == {"adam": [0.25], "sgd": [0.25], "lbfgs": []}
    with pytest.raises(ValueError, match=r"dropout=0.25 needs a stochastic solver"):
        SimpleCNNClassifier(solver="lbfgs", dropout=0.25, max_iter=3).fit(X, y)
