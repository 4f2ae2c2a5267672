"""scikit-learn's estimator contract, run over every public estimator."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from sknetviz import (
    MLPVisualClassifier,
    MLPVisualRegressor,
    NeuralNetClassifier,
    NeuralNetRegressor,
    RNNClassifier,
)
from sknetviz.nn import Activation, BatchNorm, Dense, Dropout, Residual

ESTIMATORS = [
    NeuralNetClassifier(max_iter=100),
    NeuralNetClassifier(
        layers=[
            Dense(16),
            BatchNorm(),
            Activation("relu"),
            Residual([Dense(16, activation="tanh")]),
            Dropout(0.1),
        ],
        learning_rate_init=0.01,
        max_iter=100,
    ),
    NeuralNetRegressor(max_iter=100),
    NeuralNetRegressor(
        layers=[Dense(16, activation="tanh"), BatchNorm(), Residual([Dense(8)])],
        learning_rate_init=0.01,
        max_iter=200,
    ),
    MLPVisualRegressor(max_iter=100),
    MLPVisualRegressor(
        hidden_layer_sizes=(20, 10), dropout=0.1, learning_rate_init=0.01, max_iter=200
    ),
    MLPVisualClassifier(max_iter=100),
    MLPVisualClassifier(hidden_layer_sizes=(20, 10), dropout=0.2, max_iter=100),
    RNNClassifier(units=(8,), learning_rate_init=0.003, max_iter=100),
    RNNClassifier(
        "gru",
        units=(4, 4),
        hidden_layer_sizes=(8,),
        dropout=0.1,
        learning_rate_init=0.02,
        max_iter=50,
    ),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
