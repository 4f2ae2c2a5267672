"""The NumPy backprop core: layers, activations, losses, initializers, optimizers.

This package imports only numpy and scipy; it knows nothing of scikit-learn
or matplotlib.
"""

from .activations import ACTIVATIONS, get_activation
from .conv import AvgPool2D, Conv2D, MaxPool2D, RandomShift
from .initializers import INITIALIZERS, default_initializer
from .layers import Activation, Dense, Dropout, Flatten, Layer, Reshape
from .losses import LOSSES, OUTPUT_LOSS
from .network import Sequential
from .normalization import BatchNorm
from .optimizers import SGD, Adam, minimize_lbfgs
from .recurrent import GRU, LSTM, SimpleRNN
from .residual import Residual

__all__ = [
    "ACTIVATIONS",
    "INITIALIZERS",
    "LOSSES",
    "OUTPUT_LOSS",
    "SGD",
    "Activation",
    "Adam",
    "AvgPool2D",
    "BatchNorm",
    "Conv2D",
    "Dense",
    "Dropout",
    "Flatten",
    "GRU",
    "LSTM",
    "Layer",
    "MaxPool2D",
    "RandomShift",
    "Reshape",
    "Residual",
    "Sequential",
    "SimpleRNN",
    "default_initializer",
    "get_activation",
    "minimize_lbfgs",
]
