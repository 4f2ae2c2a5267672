"""Displays that draw what a fitted network does, in scikit-learn's Display style."""

from ._activation_functions import ActivationFunctionDisplay
from ._boundary import DecisionBoundaryDisplay
from ._cnn import FeatureMapDisplay, FilterDisplay
from ._comparison import BoundaryComparisonDisplay
from ._evolution import BoundaryEvolutionDisplay
from ._gradients import GradientFlowDisplay, GradientFlowPanels
from ._landscape import LossLandscapeDisplay
from ._network import NetworkDiagramDisplay
from ._neuron import NeuronDisplay
from ._neurons import NeuronActivationDisplay
from ._surface import PredictionSurfaceDisplay
from ._training_curve import TrainingCurveDisplay

__all__ = [
    "ActivationFunctionDisplay",
    "BoundaryComparisonDisplay",
    "BoundaryEvolutionDisplay",
    "DecisionBoundaryDisplay",
    "FeatureMapDisplay",
    "FilterDisplay",
    "GradientFlowDisplay",
    "GradientFlowPanels",
    "LossLandscapeDisplay",
    "NetworkDiagramDisplay",
    "NeuronActivationDisplay",
    "NeuronDisplay",
    "PredictionSurfaceDisplay",
    "TrainingCurveDisplay",
]
