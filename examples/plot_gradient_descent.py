"""
Learning by gradient descent
============================

A network learns by repeating two steps. Backpropagation runs a batch of
samples forward, measures the loss (how wrong the predictions are) and sends
the error backwards through the layers to get the gradient: how much the loss
would change for a small change of each weight. Gradient descent then moves
every weight a little against its gradient,
``new weight = old weight - learning rate * gradient``. The learning rate sets
the size of that step. Here the same network, from the same starting weights,
learns the same data with steps of different sizes.
"""

import warnings

import matplotlib.pyplot as plt
from sklearn.datasets import make_moons
from sklearn.exceptions import ConvergenceWarning

from sknetviz import MLPVisualClassifier
from sknetviz.inspection import BoundaryComparisonDisplay

# %%
# One network, several step sizes
# -------------------------------
# ``solver="sgd"`` with ``momentum=0`` applies exactly the rule above after
# every batch of 20 samples, 10 steps per pass over the data (an epoch).
# ``random_state=0`` gives every run the same initial weights and the same
# batches, so the learning rate is the only difference. For comparison, Adam
# adapts a separate step size for every weight from the gradients it has seen.
X, y = make_moons(n_samples=200, noise=0.2, random_state=0)
common = dict(
    hidden_layer_sizes=(16, 16),
    batch_size=20,
    max_iter=100,
    n_iter_no_change=1000,  # never stop early: compare full runs
    random_state=0,
)
runs = {
    "SGD, rate 0.001 (too small)": dict(solver="sgd", learning_rate_init=0.001),
    "SGD, rate 0.1": dict(solver="sgd", learning_rate_init=0.1),
    "SGD, rate 3 (too large)": dict(solver="sgd", learning_rate_init=3.0),
    "SGD, rate 10 (far too large)": dict(solver="sgd", learning_rate_init=10.0),
    "Adam, rate 0.01": dict(solver="adam", learning_rate_init=0.01),
}
networks = {}
# 100 epochs are a fixed budget here, not a failure to converge: the
# warning that says they were all used is expected.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    for name, params in runs.items():
        momentum = 0.0 if params["solver"] == "sgd" else 0.9
        network = MLPVisualClassifier(**common, **params, momentum=momentum)
        networks[name] = network.fit(X, y)

# %%
# The loss, epoch by epoch
# ------------------------
# ``loss_curve_`` holds the mean training loss of every epoch (on a log scale
# here, so that all runs fit on one axis).
#
# * With a rate of 0.001 each step is tiny: the loss creeps down and after 100
#   epochs is still far above the others.
# * A rate of 0.1 takes a steady path down.
# * A rate of 3 oversteps: each step lands on the far side of the valley it
#   was descending, and the loss jumps up and down instead of settling.
# * A rate of 10 throws the weights so far on the first steps that every
#   ReLU of the second hidden layer ends up off for every sample. An off ReLU
#   outputs 0 and passes no gradient back, so nothing can repair it: the
#   network is stuck, and the loss, which includes the L2 penalty on those
#   huge weights, stays in the hundreds.
# * Adam, with its per-weight steps, goes lowest the fastest.
fig, ax = plt.subplots(figsize=(7.5, 4.5), layout="constrained")
for (name, network), color in zip(networks.items(), ["C0", "C2", "C1", "C3", "C4"]):
    ax.plot(range(1, network.n_iter_ + 1), network.loss_curve_, color=color, label=name)
ax.set(
    yscale="log",
    xlabel="epoch",
    ylabel="training loss (log-loss)",
    title="Same network, same data, different step sizes",
)
ax.grid(alpha=0.3, which="both")
ax.legend(fontsize="small")

# %%
# Where each run ended up
# -----------------------
# The boundaries after the same 100 epochs tell the same story. The smallest
# steps have barely bent the boundary away from a line; the steady and the
# adaptive runs wrap it around the moons; the rate of 3 ends wherever its last
# jump left it, and the rate of 10 predicts one class everywhere. The networks
# are already fitted, so the display only evaluates them.
BoundaryComparisonDisplay.from_estimators(
    list(networks.values()),
    X,
    y,
    names=list(networks),
    grid_resolution=60,
)

plt.show()
