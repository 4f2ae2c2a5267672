"""
A feedforward network, layer by layer
=====================================

In a feedforward network every neuron of a layer reads every output of the
layer before it, and the signal only moves forward: from the input features,
through the hidden layers, to the output. We train a network with two small
hidden layers on the two interleaved half-moons, draw it as a diagram with its
real weights, and then look at what each hidden neuron computes over the whole
input plane.
"""

import matplotlib.pyplot as plt
from sklearn.datasets import make_moons

from sknetviz import MLPVisualClassifier
from sknetviz.inspection import (
    DecisionBoundaryDisplay,
    NetworkDiagramDisplay,
    NeuronActivationDisplay,
)

# %%
# Training the network
# --------------------
# Two input features (the point's coordinates), two hidden layers of six and
# four tanh neurons, and one output neuron for the probability of the second
# moon. Small layers keep every neuron visible in the pictures.
X, y = make_moons(n_samples=200, noise=0.2, random_state=0)
network = MLPVisualClassifier(
    hidden_layer_sizes=(6, 4),
    activation="tanh",
    learning_rate_init=0.01,
    max_iter=300,
    random_state=0,
).fit(X, y)
print(f"training accuracy: {network.score(X, y):.3f}")

# %%
# The network diagram
# -------------------
# One column of circles per layer, the inputs on the left. Each line is one
# weight: orange for positive, blue for negative, thicker for larger (relative to
# the largest weight between the same two layers). A circle's fill is its
# neuron's bias. Lines close to white are weights the network hardly uses.
diagram = NetworkDiagramDisplay.from_estimator(
    network, title="make_moons, (6, 4) tanh network"
)

# %%
# What each hidden neuron computes
# --------------------------------
# Every small map is one neuron, its colour the neuron's output at each point
# of the input plane, with the training points on top. A neuron of the first
# layer sees only the two coordinates, so all it can do is split the plane
# along one straight line: orange on one side, blue on the other, with a band of
# transition whose width depends on the size of its weights. The second layer
# mixes those straight cuts, and its maps already show curved regions that
# follow the moons.
neurons = NeuronActivationDisplay.from_estimator(network, X, y=y, grid_resolution=80)

# %%
# The output
# ----------
# The output neuron mixes the four maps of the second layer into one
# probability, drawn as pale tints of the two class colours, white where it
# is one half. There the predicted class changes: the decision boundary, the
# dark line, which now bends around both moons. Crossed-out points
# are the training points the network gets wrong: the noise has pushed a few
# points across into the other moon's side.
DecisionBoundaryDisplay.from_estimator(
    network,
    X,
    y=y,
    response_method="predict_proba",
    title="the output: probability of class 1",
)

plt.show()
