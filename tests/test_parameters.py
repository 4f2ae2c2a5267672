"""Parameters are refused, never silently changed, and errors name the real cause."""

import numpy as np
import pytest
from sklearn.datasets import load_digits

from sknetviz import MLPVisualClassifier, SimpleCNNClassifier


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:100] / 16, y[:100]


@pytest.mark.parametrize(
    "Estimator, params, message",
    [
        (MLPVisualClassifier, {"hidden_layer_sizes": (2.5,)}, "hidden_layer_sizes"),
        (MLPVisualClassifier, {"hidden_layer_sizes": (4, 2.0)}, "hidden_layer_sizes"),
        (MLPVisualClassifier, {"hidden_layer_sizes": (True,)}, "hidden_layer_sizes"),
        (SimpleCNNClassifier, {"image_shape": (8.5, 8)}, "image_shape"),
        (SimpleCNNClassifier, {"filters": (4.5,)}, "filters"),
        (SimpleCNNClassifier, {"hidden_layer_sizes": (0.5,)}, "hidden_layer_sizes"),
    ],
)
def test_a_size_that_is_not_a_whole_number_is_refused(
    Estimator, params, message, digits
):
    # It used to be rounded down: (2.5,) trained 2 units, (8.5, 8) an 8x8 image.
    X, y = digits
    with pytest.raises(ValueError, match=rf"{message} must hold positive integers"):
        Estimator(max_iter=1, **params).fit(X, y)


@pytest.mark.parametrize("dropout", [[np.nan], np.nan, [0.2, np.nan], [np.inf]])
def test_a_nan_dropout_is_refused_in_a_list_as_alone(dropout, digits):
    X, y = digits
    hidden = (8,) * np.size(dropout)
    with pytest.raises(ValueError, match="dropout"):
        MLPVisualClassifier(hidden, dropout=dropout, max_iter=1).fit(X, y)


@pytest.mark.parametrize(
    "params, cause",
    [
        ({"augment": True}, r"augment=True needs a stochastic solver"),
        ({"dropout": 0.5}, r"dropout=0.5 needs a stochastic solver"),
        (
            {"dropout": 0.5, "augment": True},
            r"dropout=0.5 and augment=True need a stochastic solver",
        ),
    ],
)
def test_lbfgs_names_the_noise_it_cannot_train_with(params, cause, digits):
    # dropout='auto' is 0 under lbfgs: the error used to blame it for augment.
    X, y = digits
    with pytest.raises(ValueError, match=cause):
        SimpleCNNClassifier(solver="lbfgs", max_iter=1, **params).fit(X, y)
