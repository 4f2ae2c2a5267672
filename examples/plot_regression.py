"""
A network that predicts numbers
===============================

A regression network ends in a neuron without a squashing function: its output
is the prediction itself, a number on the scale of the target. Here a small
network learns the progression of diabetes a year after ten baseline
measurements, and we look at it with the same displays as a classifier. Where
a classifier has classes and accuracy, a regressor has values and R², and
instead of a decision boundary it has a prediction surface.
"""

import matplotlib.pyplot as plt
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknetviz import MLPVisualRegressor
from sknetviz.inspection import (
    NeuronActivationDisplay,
    PredictionSurfaceDisplay,
    TrainingCurveDisplay,
)

# %%
# Training, watched on held-out patients
# --------------------------------------
# The ten measurements are standardised in a Pipeline, so that the displays
# can draw the plane in their own units. Early stopping holds out a tenth of
# the training patients and keeps the epoch whose predictions explain the
# most of their variance: the curve's right axis is that validation R², and
# the loss is half the squared error, in squared units of the target.
X, y = load_diabetes(return_X_y=True, as_frame=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
model = make_pipeline(
    StandardScaler(),
    MLPVisualRegressor(
        hidden_layer_sizes=(16, 16),
        learning_rate_init=0.05,
        max_iter=500,
        early_stopping=True,
        n_iter_no_change=20,
        random_state=0,
    ),
).fit(X_train, y_train)
print(f"test R²: {model.score(X_test, y_test):.3f}")  # a linear model: 0.36
curve = TrainingCurveDisplay.from_estimator(model, log_scale=True, title="diabetes")

# %%
# The prediction over two measurements
# ------------------------------------
# Body mass index and ``s5`` (a blood serum measurement) are the two most
# telling measurements. The surface is the network's prediction over their
# plane, the eight others held at their medians; each patient is a dot filled
# by their true progression on the same colour scale, so a dot that stands
# out from the colour beneath it is a patient the model gets wrong. The test
# patients are ringed.
surface = PredictionSurfaceDisplay.from_estimator(
    model,
    X,
    y=y,
    features=(2, 8),
    X_highlight=X_test,
    eps=0.01,
    title="predicted progression",
)

# %%
# How the hidden neurons build the surface
# ----------------------------------------
# A network on these two measurements alone shows where the surface comes
# from: each first-layer neuron is a ramp across the plane, the second layer
# mixes those ramps, and the output neuron adds up the second layer's
# outputs into the prediction, drawn in the last row on its own scale. The
# target is counted in hundreds here: the weights start small, and reaching
# values near 150 would drive them, and the tanh neurons, to their flat ends.
plane = ["bmi", "s5"]
small = make_pipeline(
    StandardScaler(),
    MLPVisualRegressor(
        hidden_layer_sizes=(4, 4),
        activation="tanh",
        learning_rate_init=0.01,
        max_iter=500,
        early_stopping=True,
        n_iter_no_change=20,
        random_state=0,
    ),
).fit(X_train[plane], y_train / 100)
print(f"test R² on two measurements: {small.score(X_test[plane], y_test / 100):.3f}")
NeuronActivationDisplay.from_estimator(
    small, X[plane], y=y / 100, layers=[0, 1, 2], eps=0.01, grid_resolution=60
)
plt.show()
