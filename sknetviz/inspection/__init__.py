"""Displays that draw what a fitted network does, in scikit-learn's Display style."""

from ._boundary import DecisionBoundaryDisplay

__all__ = ["DecisionBoundaryDisplay"]
