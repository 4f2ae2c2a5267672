"""
A decision boundary taking shape
================================

Before training, a network's weights are random and so is its boundary
between the classes. Every pass over the data (an epoch) moves the weights a
little, and the boundary with them.
:class:`~sknetviz.inspection.BoundaryEvolutionDisplay` trains a copy of a
network one epoch at a time and takes a snapshot of its boundary at the
epochs you ask for. The data here are two interleaved spiral arms, a problem
no straight line can solve.
"""

import matplotlib.pyplot as plt
import numpy as np

from sknetviz import MLPVisualClassifier
from sknetviz.datasets import make_spiral
from sknetviz.inspection import BoundaryEvolutionDisplay

# %%
# Snapshots of one training run
# -----------------------------
# Epoch 0 is the network as initialised, before any training. The colour is
# the predicted probability of the yellow arm, the white line the boundary
# where it is one half, and each cross a point on the wrong side of it.
#
# * At epoch 0 the probability varies a little but stays below one half
#   everywhere: the random network calls every point purple, and half the
#   points are wrong.
# * In the first epochs the network finds the cheapest improvement, a rough
#   cut across the middle that is right for about two points in three.
# * Between epochs 15 and 30 the boundary starts to follow the arms and curl
#   into the centre, and the accuracy jumps.
# * After that training only polishes: the loss keeps falling while the
#   boundary hardly moves near the data. Far from the data, where no point
#   pulls on it, the boundary is free to wander.
#
# ``record_all=True`` also keeps every epoch in between, for the curve below
# (and for :meth:`~sknetviz.inspection.BoundaryEvolutionDisplay.save_animation`,
# which would write the run as a GIF).
X, y = make_spiral(n_samples=300, n_turns=1.5, noise=0.04, random_state=0)
network = MLPVisualClassifier(
    hidden_layer_sizes=(32, 32), learning_rate_init=0.01, batch_size=32, random_state=0
)
display = BoundaryEvolutionDisplay.from_estimator(
    network,
    X,
    y,
    epochs=(0, 3, 15, 30, 60, 400),
    grid_resolution=60,
    record_all=True,
    ncols=3,
)
display.figure_.set_size_inches(12, 8)

# %%
# The same run as curves
# ----------------------
# Each panel above is one point of these curves, marked by a dotted line. The
# loss and accuracy are measured on the training data after each epoch. The
# long stretch where the loss falls slowly and the accuracy stays below 0.7 is
# the network still cutting the plane with near-straight lines; the sudden
# drop is the moment the hidden layers find a combination that winds around
# the centre.
epochs = np.array([frame["epoch"] for frame in display.frames])
losses = [frame["loss"] for frame in display.frames]
accuracies = [frame["accuracy"] for frame in display.frames]
fig, ax_loss = plt.subplots(figsize=(8, 4), layout="constrained")
ax_loss.plot(epochs, losses, color="C0")
ax_loss.set(xscale="symlog", xlabel="epoch", ylabel="training loss", ylim=(0, None))
ax_accuracy = ax_loss.twinx()
ax_accuracy.plot(epochs, accuracies, color="C2")
ax_accuracy.set_ylabel("training accuracy", color="C2")
for epoch in display.epochs:
    ax_loss.axvline(epoch, color="0.5", linestyle=":")
ax_loss.set_title("Loss (blue) and accuracy (green) after every epoch")

plt.show()
