"""sknetviz: scikit-learn-compatible neural networks made to be looked at."""

from ._cnn import SimpleCNNClassifier
from ._mlp import MLPVisualClassifier, MLPVisualRegressor
from ._neuralnet import NeuralNetClassifier, NeuralNetRegressor
from ._rnn import RNNClassifier
from ._training import DivergenceError

__version__ = "0.1.0.dev0"

__all__ = [
    "DivergenceError",
    "MLPVisualClassifier",
    "MLPVisualRegressor",
    "NeuralNetClassifier",
    "NeuralNetRegressor",
    "RNNClassifier",
    "SimpleCNNClassifier",
    "__version__",
]
