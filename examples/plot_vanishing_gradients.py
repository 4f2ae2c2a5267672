"""
Vanishing and exploding gradients
=================================

Backpropagation hands the error from the output back to the input one layer at
a time, and at each layer it multiplies it by that layer's weights and by the
slope of its activation. Across many layers these factors compound. If they
are below 1 the gradient reaching the first layers shrinks towards nothing,
and those layers barely learn: the gradient vanishes. If they are above 1 it
grows without limit: the gradient explodes. Every epoch, ``history_`` records
the size (the norm) of each weight matrix's gradient, and
:class:`~sknetviz.inspection.GradientFlowDisplay` draws those sizes layer by
layer.
"""

import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from sknetviz import MLPVisualClassifier
from sknetviz.inspection import GradientFlowDisplay

# Twenty epochs are enough to see how the gradients behave, and no model here
# is meant to converge: the ConvergenceWarning would only repeat that.
warnings.filterwarnings("ignore", category=ConvergenceWarning)

# %%
# A deep network of sigmoids
# --------------------------
# Six hidden layers of 16 logistic neurons learn the digits, with Xavier
# initialisation, the usual choice for S-shaped activations: it sizes the
# initial weights so that the signal keeps roughly the same spread from
# layer to layer.
X, y = load_digits(return_X_y=True)
X = X / 16
deep = dict(hidden_layer_sizes=(16,) * 6, max_iter=20, random_state=0)
sigmoid_net = MLPVisualClassifier(
    activation="logistic", init="xavier_uniform", **deep
).fit(X, y)

# %%
# One line per weight matrix, from the input side (dark) to the output side
# (light), on a logarithmic axis. The lines are stacked in order: each layer
# further from the output gets a smaller gradient, and the first layer's is
# hundreds of times smaller than the last one's. The logistic's slope is at
# most 0.25, so every layer the error crosses takes a large bite out of it.
# The first layers hardly move, and after 20 epochs the network still
# predicts about as well as a guess.
GradientFlowDisplay.from_estimator(
    sigmoid_net, title="logistic hidden layers, Xavier initialisation"
)
norms = sigmoid_net.history_[-1]["grad_norms"]
print(f"last epoch, output-side over input-side gradient: {norms[-1] / norms[0]:.0f}")
print(f"training accuracy: {sigmoid_net.score(X, y):.2f}")

# %%
# Three ways to start the same deep network
# ------------------------------------------
# The same depth and width with ReLU and He initialisation: ReLU's slope is
# exactly 1 wherever a neuron is active, and He initialisation scales the
# weights for the half of the neurons a ReLU switches off. The third network
# is that ReLU network with every initial weight tripled before training
# (``coefs_`` are the network's live weight arrays, so scaling them in place
# changes the model; ``initialize`` sets the weights up without training, and
# each ``partial_fit`` call is one epoch).
relu_net = MLPVisualClassifier(activation="relu", init="he_uniform", **deep).fit(X, y)
exploding_net = MLPVisualClassifier(
    activation="relu", init="he_uniform", **deep
).initialize(X, y)
for weights in exploding_net.coefs_:
    weights *= 3.0
for _ in range(deep["max_iter"]):
    exploding_net.partial_fit(X, y)

# %%
# :meth:`~sknetviz.inspection.GradientFlowDisplay.from_estimators` puts the
# three fits side by side on a shared axis and returns a
# :class:`~sknetviz.inspection.GradientFlowPanels`.
#
# * The **logistic** panel is the fan of the figure above: a spread of more
#   than two orders of magnitude between the ends of the network.
# * With **ReLU and He** all seven lines lie together, within a factor of a
#   few: every layer gets a useful share of the error and the whole network
#   learns.
# * With the **tripled weights**, each layer multiplies the signal by about 3
#   on the way forward and the error by about 3 on the way back. The
#   gradients start more than a thousand times larger than with He
#   initialisation. Adam scales its steps by the gradients' size, which keeps
#   the training from blowing up altogether, but the network spends its 20
#   epochs working the weights back down instead of learning the digits.
panels = GradientFlowDisplay.from_estimators(
    [sigmoid_net, relu_net, exploding_net],
    names=["logistic, Xavier", "ReLU, He", "ReLU, He weights × 3"],
)
for flow in panels.panels_:
    first_epoch = flow.grad_norms[0]
    print(
        f"{flow.title:>22}: first-epoch gradient norms from "
        f"{first_epoch.min():.2g} to {first_epoch.max():.2g}"
    )

# %%
# What it does to learning
# ------------------------
# The loss curves of the three runs tell the same story from the outside:
# the ReLU network learns, the logistic network sits on its initial loss
# because its first layers barely receive any error to learn from, and the
# exploding network starts from an enormous loss and is still far above
# the others after 20 epochs.
fig, ax = plt.subplots(figsize=(6.5, 4), layout="constrained")
for flow, network in zip(panels.panels_, [sigmoid_net, relu_net, exploding_net]):
    accuracy = network.score(X, y)
    ax.plot(
        flow.epochs,
        network.loss_curve_,
        marker="o",
        markersize=3,
        label=f"{flow.title} (accuracy {accuracy:.2f})",
    )
ax.set(yscale="log", xlabel="epoch", ylabel="training loss", title="Loss per epoch")
ax.grid(alpha=0.3, which="both")
ax.legend()

# %%
# The cures, on one deep network
# ------------------------------
# The guide names three cures for vanishing gradients: careful
# initialisation, batch normalization and residual connections. Here is one
# network that needs them: ten hidden layers of 64 sigmoids, started with
# the small random weights of early practice (``init="small_normal"``,
# N(0, 0.01²)). It is trained four ways, on three quarters of the digits:
#
# * **plain**, as it is;
# * with **Xavier initialisation** instead of the small weights;
# * with **batch normalization** before each sigmoid (``batch_norm=True``);
# * with **residual connections** around each hidden layer
#   (``residual=True``): each layer adds its input to its output, so the
#   error reaches the first layers along the shortcuts too.
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
ten_sigmoids = dict(
    hidden_layer_sizes=(64,) * 10, activation="logistic", max_iter=20, random_state=0
)
ways = {
    "plain": dict(init="small_normal"),
    "Xavier init": dict(init="xavier_uniform"),
    "batch norm": dict(init="small_normal", batch_norm=True),
    "residual": dict(init="small_normal", residual=True),
}
cured = {
    name: MLPVisualClassifier(**ten_sigmoids, **way).fit(X_train, y_train)
    for name, way in ways.items()
}
cures = GradientFlowDisplay.from_estimators(
    list(cured.values()), names=list(cured), ncols=2
)

# %%
# With the small weights the error shrinks at every layer on its way back:
# the first layer's gradient is a millionth of the last one's, and the
# network learns nothing. Xavier's scale helps, tenfold, but ten sigmoids
# still swallow the error. Batch normalization and the shortcuts bring the
# first layer's gradient up to the last one's, and those networks learn.
first_layer = {
    name: np.mean([record["grad_norms"][0] for record in net.history_])
    for name, net in cured.items()
}
for name, net in cured.items():
    print(
        f"{name:>12}: first layer's gradient {first_layer[name]:.1e} "
        f"({first_layer[name] / first_layer['plain']:.0e} x plain), "
        f"test accuracy {net.score(X_test, y_test):.2f}"
    )

# %%
# What to look at in a sick network
# ---------------------------------
# ``history_`` also records, every epoch, how far each weight layer moved
# relative to its size (``'update_ratio'``) and, for each hidden activation,
# the share of its outputs stuck on a flat end of the sigmoid
# (``'saturation'``; for ReLU, the share of dead units). Read them with the
# optimizer in mind:
#
# * Adam divides each step by the gradient's own recent size, so a layer
#   moves by about the learning rate per step however small its gradient.
#   The plain network's layers, whose weights are tiny, move *more* than the
#   others relative to their size, in directions that carry no information:
#   with Adam a stuck layer does not show as a still one. (With
#   ``solver="sgd"`` the steps are the gradients, and a vanishing gradient
#   does show as a layer that barely moves.)
# * No sigmoid of the plain or the Xavier network is saturated: their
#   gradient vanishes because each layer multiplies it by the sigmoid's
#   slope, at most 0.25, and by small weights, not because units are stuck.
#   The residual network's sums grow along the stack, and a fifth of its
#   last layer's sigmoids saturate; its gradient does not suffer, because it
#   takes the shortcuts.
fig, (ax_ratio, ax_saturation) = plt.subplots(
    1, 2, figsize=(10, 3.8), layout="constrained"
)
for name, net in cured.items():
    last = net.history_[-1]
    ax_ratio.plot(
        np.arange(1, len(last["update_ratio"]) + 1),
        last["update_ratio"],
        marker="o",
        label=name,
    )
    ax_saturation.plot(
        np.arange(1, len(last["saturation"]) + 1),
        last["saturation"],
        marker="o",
        label=name,
    )
ax_ratio.set(
    yscale="log",
    xlabel="weight layer (input side first)",
    ylabel="‖ΔW‖ / ‖W‖ over the last epoch",
    title="How far each layer moved",
)
ax_saturation.set(
    xlabel="hidden layer (input side first)",
    ylabel="share of saturated sigmoid outputs",
    title="Saturation",
    ylim=(-0.02, 1.02),
)
for ax in (ax_ratio, ax_saturation):
    ax.grid(alpha=0.3, which="both")
ax_ratio.legend()

plt.show()
