"""
Scaling, grid search and pipelines
==================================

:class:`~sknetviz.MLPVisualClassifier` is a scikit-learn estimator, so it fits
in a :class:`~sklearn.pipeline.Pipeline` and is tuned with
:class:`~sklearn.model_selection.GridSearchCV` like any other. Neural networks
need their inputs on comparable scales, which makes a scaler the usual first
step. The displays accept the whole pipeline and send their grid through
every step, so the pictures stay in the units of the raw features.
"""

import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.base import clone
from sklearn.datasets import load_wine
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknetviz import MLPVisualClassifier
from sknetviz.inspection import DecisionBoundaryDisplay

# %%
# Two features on very different scales
# -------------------------------------
# The wine data describe 178 wines from three cultivars. We keep two of the
# thirteen measurements: the alcohol content, between 11 and 15 percent, and
# the proline content, between about 280 and 1700 mg/l. A network fed these
# raw numbers would see proline a hundred times larger than alcohol, and its
# first updates would be all about proline. The scaler turns each feature
# into zero mean and unit variance, learned on the training data only.
wine = load_wine()
X = wine.data[:, [0, 12]]
y = wine.target
feature_names = [wine.feature_names[0], wine.feature_names[12]]
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.3, stratify=y, random_state=0
)
pipeline = make_pipeline(
    StandardScaler(),
    MLPVisualClassifier(solver="lbfgs", max_iter=300, random_state=0),
)

# %%
# Searching the grid
# ------------------
# Pipeline parameters are named ``<step>__<parameter>``. We try three network
# shapes and four strengths of the L2 penalty, each scored by 3-fold
# cross-validation on the training data: 36 fits of a small network.
param_grid = {
    "mlpvisualclassifier__hidden_layer_sizes": [(4,), (16,), (16, 16)],
    "mlpvisualclassifier__alpha": [1e-4, 1e-2, 1.0, 10.0],
}
search = GridSearchCV(pipeline, param_grid, cv=3)
# With 300 L-BFGS iterations the weakly penalised networks can still be
# improving when they stop; that is part of what the search compares.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    search.fit(X_train, y_train)
print("best parameters:", search.best_params_)
print(f"cross-validated accuracy: {search.best_score_:.3f}")
print(f"test accuracy: {search.score(X_test, y_test):.3f}")

# %%
# The mean cross-validated accuracy of every combination. A strong penalty
# (``alpha=10``) keeps the weights so small that the boundaries cannot bend
# enough; with little penalty the networks are free to follow the training
# folds too closely. The best row, ``alpha=1``, sits between. The differences
# are a few points: with about 40 wines per fold, one wine is worth 2.5
# points of accuracy, so the search ranks these settings only roughly.
scores = search.cv_results_["mean_test_score"].reshape(
    len(param_grid["mlpvisualclassifier__alpha"]),
    len(param_grid["mlpvisualclassifier__hidden_layer_sizes"]),
)
fig, ax = plt.subplots(figsize=(5.5, 4), layout="constrained")
image = ax.imshow(scores, cmap="viridis")
ax.set(
    xticks=range(scores.shape[1]),
    xticklabels=[str(s) for s in param_grid["mlpvisualclassifier__hidden_layer_sizes"]],
    yticks=range(scores.shape[0]),
    yticklabels=[f"{a:g}" for a in param_grid["mlpvisualclassifier__alpha"]],
    xlabel="hidden_layer_sizes",
    ylabel="alpha",
    title="Mean 3-fold accuracy",
)
for (row, column), score in np.ndenumerate(scores):
    ax.text(column, row, f"{score:.2f}", ha="center", va="center", color="white")
fig.colorbar(image, ax=ax)

# %%
# The best pipeline's decision boundary
# -------------------------------------
# ``best_estimator_`` is the whole pipeline, scaler included, refitted on all
# the training data. :class:`~sknetviz.inspection.DecisionBoundaryDisplay`
# takes it as it is: the grid is laid out in raw alcohol and proline, goes
# through the scaler, then the network. Each colour is one cultivar, paler
# where the network is less sure; test wines are ringed and misclassified
# wines crossed out.
boundary = DecisionBoundaryDisplay.from_estimator(
    search.best_estimator_,
    X,
    y=y,
    X_highlight=X_test,
    response_method="predict_proba",
    xlabel=feature_names[0],
    ylabel=feature_names[1],
    title="best pipeline: StandardScaler + MLPVisualClassifier",
    grid_resolution=120,
)

# %%
# For contrast, the same network with the same parameters, trained on the
# raw numbers without the scaler. Here the optimiser does not get anywhere:
# the network ends up predicting the same cultivar for every wine, and most
# wines are crossed out.
unscaled = clone(search.best_estimator_[-1])
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    unscaled.fit(X_train, y_train)
DecisionBoundaryDisplay.from_estimator(
    unscaled,
    X,
    y=y,
    X_highlight=X_test,
    response_method="predict_proba",
    xlabel=feature_names[0],
    ylabel=feature_names[1],
    title=f"no scaler: test accuracy {unscaled.score(X_test, y_test):.2f}",
    grid_resolution=120,
)

plt.show()
