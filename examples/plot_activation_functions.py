"""
Activation functions and their slopes
=====================================

Without an activation function, a stack of layers would only ever compute a
weighted sum of weighted sums, which is one more weighted sum: a straight
boundary, however deep the network. The activation bends each neuron's output.
Its derivative matters as much, because training sends the error backwards
through every layer multiplied by that slope. This example draws the common
activations with their derivatives, computed with the same code the networks
train with.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_moons

from sknetviz import MLPVisualClassifier
from sknetviz.inspection import ActivationFunctionDisplay

# %%
# Four activations side by side
# -----------------------------
# The solid line is the function ``f(z)``, the dashed line its derivative
# ``f'(z)``.
#
# * The **logistic** (or sigmoid) squashes any input into (0, 1). Its slope
#   peaks at 0.25 at ``z = 0`` and is almost flat a few units away: a neuron
#   pushed far to either side barely passes any error back.
# * **tanh** has the same S shape, centred on 0 and spread over (-1, 1). Its
#   slope reaches 1 at the centre, four times the logistic's, but it flattens
#   just as fast.
# * **ReLU** is 0 for negative inputs and the identity for positive ones. Its
#   slope is exactly 1 wherever the neuron is active, so the error goes back
#   undiminished, and exactly 0 where it is not.
# * **Leaky ReLU** keeps a small slope (0.01) for negative inputs, so a neuron
#   that is off for every sample can still be pulled back into use.
fig, axes = plt.subplots(2, 2, figsize=(8, 6.8), sharey=True, layout="constrained")
display = ActivationFunctionDisplay.from_names(
    ("logistic", "tanh", "relu", "leaky_relu"), x_range=(-4, 4), axes=axes
)
for ax in axes.flat:
    ax.set_ylim(-1.2, 2.2)

# %%
# Every curve is stored on the display, so the numbers quoted above can be
# read off it rather than taken on trust.
for name, slopes in display.derivatives.items():
    slope_at_minus_3 = np.interp(-3.0, display.x, slopes)
    print(f"{name:>10}: largest {slopes.max():.3f}, at z=-3 {slope_at_minus_3:.3f}")

# %%
# What shrinking slopes do over several layers
# --------------------------------------------
# Backpropagation multiplies the error by one activation slope per layer it
# crosses (and by the weights, which we leave out here). Even at the logistic's
# best, a slope of 0.25, the factor after ``n`` layers is ``0.25 ** n``: under
# one in a thousand after five layers. ReLU's active slope of 1 keeps the
# factor at 1. This is why deep networks of sigmoids learn slowly in their
# first layers, the subject of the vanishing-gradients example.
#
# tanh's best slope is 1 too, at ``z = 0`` exactly, so its line lies on
# ReLU's: ReLU is drawn wide with open circles, tanh dashed over it with
# small squares, so that both stay in sight.
n_layers = np.arange(1, 11)
fig, ax = plt.subplots(figsize=(6, 3.8), layout="constrained")
series = {
    "logistic": dict(color="C0", marker="o", linestyle="-"),
    "relu": dict(
        color="C2", marker="o", markersize=9, markerfacecolor="white", linewidth=4
    ),
    "tanh": dict(color="C1", marker="s", markersize=4, linestyle="--"),
}
for name, style in series.items():
    best_slope = display.derivatives[name].max()
    ax.plot(n_layers, best_slope**n_layers, label=name, **style)
ax.set(
    yscale="log",
    xlabel="layers the error crosses, $L$",
    ylabel=r"best-case factor $(\max f\,')^{L}$",
    title="Best case factor on the error",
)
ax.legend()
ax.grid(alpha=0.3)

# %%
# The activations of a trained network
# ------------------------------------
# ``from_estimator`` draws the activations a fitted network actually uses:
# its hidden activation, and the activation of its output layer. A network
# for two classes ends in one logistic neuron that gives the probability of
# the second class; with three classes or more it would end in a softmax.
X, y = make_moons(n_samples=200, noise=0.2, random_state=0)
network = MLPVisualClassifier(
    hidden_layer_sizes=(8,),
    activation="tanh",
    solver="lbfgs",
    max_iter=1000,
    random_state=0,
).fit(X, y)
ActivationFunctionDisplay.from_estimator(network)

plt.show()
