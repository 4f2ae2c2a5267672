"""
Overfitting and its cures
=========================

A network with many more weights than it has training points can learn those
points by heart, noise included. It then does perfectly on them and worse on
new points: it has overfitted. This example makes a large network overfit 40
noisy points and then tries the usual cures: an L2 penalty on the weights,
dropout, and early stopping. A short last section tries data augmentation on
the convolutional network.
"""

import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits, make_moons
from sklearn.exceptions import ConvergenceWarning

from sknetviz import MLPVisualClassifier, SimpleCNNClassifier
from sknetviz.inspection import BoundaryComparisonDisplay, TrainingCurveDisplay

# Every run below has a fixed budget of epochs; running out of it is the plan,
# so the ConvergenceWarning that reports it would only be noise.
warnings.filterwarnings("ignore", category=ConvergenceWarning)

# %%
# Few noisy points, a big network
# -------------------------------
# 40 training points from two very noisy moons, and a network with two hidden
# layers of 128 neurons: about 17,000 weights. To judge the networks on new
# data we draw 1000 more points from the same noisy moons. They are too many
# to draw, so only the 40 training points appear in the pictures.
X_train, y_train = make_moons(n_samples=40, noise=0.4, random_state=2)
X_new, y_new = make_moons(n_samples=1000, noise=0.4, random_state=100)
big = dict(
    hidden_layer_sizes=(128, 128),
    learning_rate_init=0.01,
    max_iter=1000,
    n_iter_no_change=1000,
    random_state=0,
)
networks = {
    "no cure": MLPVisualClassifier(**big),
    "L2 penalty, alpha=1": MLPVisualClassifier(**big, alpha=1.0),
    "dropout=0.5": MLPVisualClassifier(**big, dropout=0.5),
    "early stopping": MLPVisualClassifier(
        **{**big, "n_iter_no_change": 50}, early_stopping=True, validation_fraction=0.25
    ),
}
new_accuracies = []
for name, network in networks.items():
    network.fit(X_train, y_train)
    new_accuracies.append(network.score(X_new, y_new))
    print(f"{name:>20}: {network.n_iter_} epochs")

# %%
# Four boundaries
# ---------------
# Each panel gives the accuracy on the 40 training points and on the 1000
# new points; crosses mark the training points on the wrong side.
#
# * With **no cure** the boundary twists to put every training point on its
#   side: training accuracy 1.00, far above the accuracy on new points. The
#   tongue that reaches out for a few points is the overfitting made
#   visible: new points have no reason to fall in it.
# * The **L2 penalty** adds ``alpha`` times the squared weights to the loss.
#   Large weights, which sharp twists need, become expensive, and the
#   boundary relaxes into a smooth curve that gives up a few training points
#   and gets more new points right.
# * **Dropout** switches off half the hidden neurons at random in every
#   training step, so no neuron can count on a particular partner to fix a
#   single point. Its boundary still reaches for some points, but less far
#   than without a cure.
# * **Early stopping** sets a quarter of the training points aside, scores
#   them after each epoch and stops once the score has not improved for 50
#   epochs, keeping the weights of its best epoch. Here the best score came
#   after the very first epoch, so it kept a network that has learned only
#   the broad direction of the split. With 10 held-out points the score moves
#   in steps of 0.1, which makes early stopping a blunt tool on data this
#   small.
#
# How much each cure helps changes from one draw of the data to another, but
# on most draws all three narrow the gap between training accuracy and
# accuracy on new data.
comparison = BoundaryComparisonDisplay.from_estimators(
    list(networks.values()), X_train, y_train, grid_resolution=80
)
for ax, name, train, new in zip(
    comparison.axes_, networks, comparison.train_scores, new_accuracies
):
    ax.set_title(f"{name}\ntrain {train:.2f} · new points {new:.2f}")

# %%
# The gap, epoch by epoch
# -----------------------
# To watch overfitting happen, we train the network without a cure and with
# the L2 penalty again, holding out a quarter of the points as the early
# stopping run did but with a patience longer than the training, so that
# neither stops: ``early_stopping=True`` only serves to measure the held-out
# loss after every epoch. We leave out the held-out accuracy, which on 10
# points only jumps between a few values.
#
# The two curves are compared like with like. The held-out loss is the
# cross-entropy alone, so the training curve is too: the history's
# ``'data_loss'``, the training loss without the penalty. (``loss_curve_``
# keeps the penalty, as scikit-learn's does, since that is what the network
# minimises.) The shading marks the gap, where the held-out loss is above
# the training loss.
#
# Without a cure, the training loss heads to zero while the held-out loss,
# after a dip, turns upwards at around epoch 30 and keeps climbing: from
# there on, each epoch makes the network better at its training points and
# worse at anything else, and the gap widens. With the penalty the network
# is not allowed to drive its training loss to zero: once the penalty starts
# to bite, the training loss rises again, and the two losses end close
# together. What matters is that the held-out curve no longer climbs.
fig, axes = plt.subplots(1, 2, figsize=(12, 4.8), layout="constrained")
watched = dict(early_stopping=True, validation_fraction=0.25)
for ax, (title, alpha) in zip(axes, [("no cure", 1e-4), ("L2 penalty, alpha=1", 1.0)]):
    network = MLPVisualClassifier(**{**big, "max_iter": 300}, alpha=alpha, **watched)
    network.fit(X_train, y_train)
    losses_only = [
        {key: value for key, value in record.items() if key != "val_score"}
        for record in network.history_
    ]
    TrainingCurveDisplay.from_history(losses_only, ax=ax, log_scale=True, title=title)

# %%
# Data augmentation
# -----------------
# Another cure is more data, and when there is none, slightly altered copies
# of it. ``SimpleCNNClassifier(augment=True)`` shifts every training image by
# up to one pixel in each direction, a new shift at every step, so the
# network cannot memorise the exact pixels of an image. With 500 training
# digits:
X_digits, y_digits = load_digits(return_X_y=True)
X_digits = X_digits / 16
X_small, y_small = X_digits[:500], y_digits[:500]
X_unseen, y_unseen = X_digits[1000:], y_digits[1000:]
accuracies = {}
for augment in (False, True):
    cnn = SimpleCNNClassifier(
        augment=augment, learning_rate_init=0.01, max_iter=40, random_state=0
    ).fit(X_small, y_small)
    accuracies[augment] = (cnn.score(X_small, y_small), cnn.score(X_unseen, y_unseen))
    print(
        f"augment={augment!s:>5}: training accuracy {accuracies[augment][0]:.3f}, "
        f"test accuracy {accuracies[augment][1]:.3f}"
    )

# %%
# Augmentation makes the training digits harder to get all right, and the
# gap to the test digits narrows, but the test accuracy itself gains less
# than a point. The 8x8 digits fill their frame, so a one-pixel shift pushes
# part of the ink off the edge: the network trains on cropped digits and is
# tested on whole ones. On images with a margin around the object the same
# shifts cost nothing and help more.
#
# Accuracies this close to each other are easier to compare as dots on a
# shared scale than as bars: each row joins a network's training accuracy
# (open dot) to its test accuracy (filled dot), and the length of the line
# is its gap. The dotted line is the test accuracy without augmentation, the
# baseline to beat.
fig, ax = plt.subplots(figsize=(6.4, 2.8), layout="constrained")
rows = np.array([1, 0])  # augment=False on top
train_scores = [accuracies[augment][0] for augment in (False, True)]
test_scores = [accuracies[augment][1] for augment in (False, True)]
ax.hlines(rows, test_scores, train_scores, color="0.6", linewidth=2)
ax.axvline(test_scores[0], color="0.6", linestyle=":", linewidth=1)
ax.scatter(train_scores, rows, s=60, facecolors="white", edgecolors="0.15", zorder=3)
ax.scatter(test_scores, rows, s=60, color="0.15", zorder=3)
for score, text in ((train_scores[0], "training"), (test_scores[0], "test")):
    ax.annotate(
        text, (score, rows[0]), xytext=(0, 8), textcoords="offset points",
        ha="center", va="bottom", fontsize=9,
    )  # fmt: skip
ax.set(
    yticks=rows,
    yticklabels=["augment=False", "augment=True"],
    ylim=(-0.6, 1.8),
    xlim=(min(test_scores) - 0.02, 1.01),
    xlabel="accuracy",
    title="SimpleCNNClassifier, 500 training digits",
)
ax.grid(axis="x", alpha=0.3)

plt.show()
