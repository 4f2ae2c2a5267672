"""warm_start and partial_fit continue the fitted network, so its architecture is fixed.

A parameter that defines the network (its layers, activation, initialiser,
dropout, and for the CNN its filters, kernels, pooling, image shape and
augmentation) cannot change under warm_start or partial_fit: the change
raises a ValueError that names it, instead of being ignored while the
displays read the new value. Training settings (alpha, the learning rate,
max_iter, ...) take effect at the next call.
"""

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.datasets import load_digits

from sknetviz import MLPVisualClassifier, SimpleCNNClassifier

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:200] / 16, y[:200]


HIDDEN_STACK_CHANGES = {
    "hidden_layer_sizes": (16,),
    "activation": "tanh",
    "init": "xavier_normal",
    "dropout": 0.3,
}
MLP_CHANGES = {**HIDDEN_STACK_CHANGES, "batch_norm": True, "residual": True}
CNN_CHANGES = {
    **HIDDEN_STACK_CHANGES,
    "filters": (4,),
    "kernel_size": 5,
    "pool_size": 1,
    "image_shape": (4, 16, 1),
    "augment": True,
}


def _cases():
    mlp = dict(hidden_layer_sizes=(8,), max_iter=3, random_state=0)
    cnn = dict(filters=(2,), hidden_layer_sizes=(8,), max_iter=2, random_state=0)
    for name, value in MLP_CHANGES.items():
        yield pytest.param(MLPVisualClassifier, mlp, name, value, id=f"mlp-{name}")
    for name, value in CNN_CHANGES.items():
        yield pytest.param(SimpleCNNClassifier, cnn, name, value, id=f"cnn-{name}")


@pytest.mark.parametrize("Estimator, params, name, value", _cases())
@pytest.mark.parametrize("how", ["warm_start", "partial_fit"])
def test_a_changed_architecture_is_refused_and_the_model_kept(
    Estimator, params, name, value, how, digits
):
    X, y = digits
    clf = Estimator(**params).fit(X, y)
    before = [c.copy() for c in clf.coefs_]
    n_epochs = len(clf.history_)
    old = clf.get_params()[name]
    clf.set_params(**{name: value})
    with pytest.raises(ValueError, match=rf"cannot change: (.*; )?{name} was "):
        if how == "warm_start":
            clf.set_params(warm_start=True).fit(X, y)
        else:
            clf.partial_fit(X, y)
    assert len(clf.history_) == n_epochs
    for coef, saved in zip(clf.coefs_, before):
        assert_array_equal(coef, saved)
    # Put back, training continues; without warm_start a new network is built.
    clf.set_params(**{name: old})
    clf.partial_fit(X, y) if how == "partial_fit" else clf.fit(X, y)
    assert len(clf.history_) > n_epochs
    clf.set_params(**{name: value}, warm_start=False).fit(X, y)
    assert clf.get_params()[name] == value


def test_every_parameter_that_builds_the_network_is_guarded():
    # A new parameter that shapes the network must join the rule (and
    # the lists above): compare with what each estimator declares.
    mlp = MLPVisualClassifier()._architecture_parameters()
    assert set(mlp) == set(MLP_CHANGES)
    X = np.zeros((2, 64))
    cnn = SimpleCNNClassifier().fit(X, [0, 1])._architecture_parameters()
    assert set(cnn) == set(CNN_CHANGES)


def test_a_change_to_the_same_network_is_no_change(digits):
    X, y = digits
    # 'auto' is he_uniform for relu; 0.2 is [0.2] for one hidden layer.
    clf = MLPVisualClassifier((8,), dropout=0.2, max_iter=2, random_state=0)
    clf.fit(X, y)
    clf.set_params(warm_start=True, init="he_uniform", dropout=[0.2], alpha=0.1)
    clf.fit(X, y)
    assert len(clf.history_) == 4


def test_training_settings_take_effect_under_warm_start(digits):
    X, y = digits
    clf = MLPVisualClassifier((8,), solver="sgd", max_iter=2, random_state=0)
    clf.fit(X, y)
    clf.set_params(warm_start=True, learning_rate_init=0.05, max_iter=1).fit(X, y)
    assert clf.history_[-1]["learning_rate"] == 0.05


def test_giving_the_image_shape_that_was_inferred_is_no_change(digits):
    X, y = digits
    cnn = SimpleCNNClassifier(filters=(2,), hidden_layer_sizes=(), max_iter=1)
    cnn.set_params(random_state=0).fit(X, y)
    assert cnn.image_shape_ == (8, 8, 1)
    cnn.set_params(warm_start=True, image_shape=(8, 8)).fit(X, y)
    assert len(cnn.history_) == 2
    cnn.set_params(image_shape=(4, 16))
    with pytest.raises(ValueError, match=r"image_shape was \(8, 8, 1\)"):
        cnn.fit(X, y)
