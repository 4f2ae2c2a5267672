"""
What hidden layers buy: one neuron, a shallow and a deep network
================================================================

A single neuron can only draw a straight boundary: its weighted sum is
constant along lines, and the activation only decides how sharply the
prediction changes across them. Hidden layers let a network bend and combine
such lines. Here the same three networks learn three small problems: a lone
output neuron with no hidden layer, a shallow network with one hidden layer
of 8 neurons, and a deep one with three hidden layers of 32.
"""

import matplotlib.pyplot as plt
from sklearn.datasets import make_circles, make_moons

from sknetviz import MLPVisualClassifier
from sknetviz.datasets import make_xor
from sknetviz.inspection import BoundaryComparisonDisplay

# %%
# Three problems, three networks
# ------------------------------
# Each row is one dataset, each column one network. A third of every dataset
# is kept aside for testing; those points are ringed, and each title gives
# the accuracy on the training points and on the ringed test points. L-BFGS
# trains these small networks to convergence in well under a second.
datasets = {
    "moons": make_moons(n_samples=200, noise=0.25, random_state=0),
    "circles": make_circles(n_samples=200, noise=0.1, factor=0.5, random_state=0),
    "xor": make_xor(n_samples=200, noise=0.1, random_state=0),
}
networks = {
    "single neuron": (),
    "shallow (8,)": (8,),
    "deep (32, 32, 32)": (32, 32, 32),
}
fig, axes = plt.subplots(3, 3, figsize=(12, 12), layout="constrained")
displays = {}
for row_axes, (dataset_name, (X, y)) in zip(axes, datasets.items()):
    estimators = [
        MLPVisualClassifier(sizes, solver="lbfgs", max_iter=1000, random_state=0)
        for sizes in networks.values()
    ]
    displays[dataset_name] = BoundaryComparisonDisplay.from_estimators(
        estimators,
        X,
        y,
        names=[f"{dataset_name}: {name}" for name in networks],
        test_size=1 / 3,
        random_state=0,
        grid_resolution=60,
        axes=row_axes,
    )

# %%
# Reading the grid
# ----------------
# * The **single neuron** (``hidden_layer_sizes=()``, which is logistic
#   regression) draws a straight line in every row. On the moons that is
#   already right for most points; on the circles and on XOR no straight line
#   does much better than a coin toss.
# * The **shallow** network combines 8 straight cuts. That is enough to
#   carve out the inner circle and the four XOR quadrants, with corners where
#   the cuts meet.
# * The **deep** network has far more freedom. It classifies every training
#   point correctly in every row and, with 200 points, does at least as
#   well as the others on the test points. But look at where it spends its
#   freedom: the little detour in the top-right panel and the thin spikes
#   near the centre of the XOR panel each exist to catch one or two noisy
#   training points. With
#   this much data they cost little; with fewer and noisier points such
#   detours become overfitting, the subject of the next example.
for dataset_name, display in displays.items():
    scores = ", ".join(
        f"{name} {train:.2f}/{test:.2f}"
        for name, train, test in zip(
            networks, display.train_scores, display.test_scores
        )
    )
    print(f"{dataset_name:>7} (train/test): {scores}")

plt.show()
