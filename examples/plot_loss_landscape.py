"""
Learning as a walk downhill
===========================

Gradient descent moves every weight against its gradient:
``new weight = old weight - learning rate * gradient``. Seen from above, the
loss is a landscape over the space of weights, and training is a walk down
it. :class:`~sknetviz.inspection.LossLandscapeDisplay` draws that landscape
with the path the weights really took, one dot per epoch.
"""

import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.base import clone
from sklearn.datasets import make_moons
from sklearn.exceptions import ConvergenceWarning

from sknetviz import MLPVisualClassifier
from sknetviz.inspection import LossLandscapeDisplay

warnings.simplefilter("ignore", ConvergenceWarning)

# %%
# Two weights: the whole landscape
# --------------------------------
# A single neuron on one input has two weights: the weight ``w`` on the input
# and the bias ``b``. Its probability of the positive class is
# ``sigmoid(w * x + b)``, and its loss is a surface over the plane of
# ``(w, b)``: here the surface is not an approximation, it is all there is.
#
# The classes below split near ``x = 1``, so the neuron needs a negative bias.
# ``hidden_layer_sizes=()`` leaves no hidden layer; plain gradient descent
# (``solver="sgd"``, ``momentum=0``) on all 200 points takes one step per
# epoch. The display trains a copy of the estimator and keeps its two weights
# after every epoch.
rng = np.random.default_rng(0)
x = rng.normal(size=(200, 1))
labels = (x[:, 0] + 0.5 * rng.normal(size=200) > 1.0).astype(int)
neuron = MLPVisualClassifier(
    (),
    solver="sgd",
    momentum=0.0,
    batch_size=200,
    learning_rate_init=1.0,
    random_state=0,
)
surface = LossLandscapeDisplay.from_estimator(neuron, x, labels, max_epochs=60)

# %%
# The walk starts where the random initialisation put it, with ``b = 0``. The
# first steps are long, because the slope is steep, and go straight downhill,
# across the level lines. In the valley the slope flattens and the steps
# shrink to a crawl along its floor: the same learning rate, times a smaller
# gradient. ``path_losses`` holds the loss after every epoch, and ``paths``
# the weights:
print(
    f"loss {surface.path_losses[0][0]:.3f} -> {surface.path_losses[0][-1]:.3f}; "
    f"w = {surface.paths[0][-1, 0]:.2f}, b = {surface.paths[0][-1, 1]:.2f}"
)

# %%
# A real network: a slice through weight space
# --------------------------------------------
# A 2-16-16-1 network has 337 weights, and its loss lives in 337 dimensions.
# The display draws a plane through them: the plane through the final weights
# that the path moves in most, spanned by the first two principal components
# of the weights after every epoch (Li et al., 2018). The axis labels say how
# much of the path's movement each direction holds; the path is projected
# onto the plane.
#
# Three runs start from the same weights and see the same data, with plain
# gradient descent at three learning rates. The plane is that of the run that
# ends lowest, and every run is drawn on it.
X, y = make_moons(n_samples=200, noise=0.2, random_state=0)
network = MLPVisualClassifier(
    (16, 16),
    solver="sgd",
    momentum=0.0,
    batch_size=200,
    random_state=0,
)
rates = LossLandscapeDisplay.from_learning_rates(
    network, X, y, learning_rates=(0.03, 1.0, 10.0), max_epochs=40
)

# %%
# * **0.03, too small.** Forty steps in the right direction, each so short
#   that the walk has not reached the valley.
# * **1, good.** Long strides down the slope, then a turn into the valley and
#   along it to the end of the run, the centre of the plane.
# * **10, too large.** The first step overshoots the valley so far that the
#   weights leave the plot at once (the title says at which epoch; the line is
#   clipped at the edge). The loss ends at 11, far above where it started,
#   almost all of it the L2 penalty on the weights those first steps blew up:
#   the steps no longer follow the slope, they jump over it.
for rate, losses in zip((0.03, 1.0, 10.0), rates.path_losses):
    print(f"learning rate {rate:g}: loss {losses[0]:.3f} -> {losses[-1]:.3f}")

# %%
# Reading a slice
# ---------------
# A slice shows two of many dimensions. The surface is the loss on the
# plane, while ``path_losses`` holds the loss at the real weights of every
# epoch; where the plane holds most of the path's variance (here the first
# two components hold nearly all of it), the two agree closely.
# ``directions="random"`` draws Li et al.'s filter-normalised random
# directions instead, the shape of the basin around the final weights; the
# path then nearly vanishes, since two random directions in 337 dimensions
# miss almost all of its movement.
basin = LossLandscapeDisplay.from_estimator(
    clone(network).set_params(learning_rate_init=1.0),
    X,
    y,
    max_epochs=40,
    directions="random",
    random_state=0,
)

plt.show()
