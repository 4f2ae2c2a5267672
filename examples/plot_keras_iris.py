"""
The guide's Keras example, in scikit-learn's idiom
==================================================

The guide ends by building a network layer by layer in Keras: two ReLU
layers of 10 and 8 neurons and a softmax output, fitted on iris with Adam in
batches of 32, a fifth of the training data held out for validation.
:class:`~sknetviz.NeuralNetClassifier` takes the same stack as its
``layers``; the output layer and its loss come from ``y``, as in
scikit-learn's ``MLPClassifier``, and the result is an ordinary scikit-learn
estimator.
"""

import warnings

import matplotlib.pyplot as plt
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknetviz import NeuralNetClassifier
from sknetviz.inspection import TrainingCurveDisplay
from sknetviz.nn import Dense

# The guide's ten epochs end before convergence, on purpose.
warnings.filterwarnings("ignore", category=ConvergenceWarning)

X, y = load_iris(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.3, stratify=y, random_state=0
)

# %%
# The guide's network and settings
# --------------------------------
# ``early_stopping=True`` with ``validation_fraction=0.2`` holds out a fifth
# of the training data as Keras' ``validation_split=0.2`` does, scores it
# every epoch and keeps the best epoch's weights.
guide = NeuralNetClassifier(
    layers=[Dense(10, activation="relu"), Dense(8, activation="relu")],
    solver="adam",
    batch_size=32,
    max_iter=10,
    early_stopping=True,
    validation_fraction=0.2,
    random_state=0,
)
guide_model = make_pipeline(StandardScaler(), guide).fit(X_train, y_train)
print(guide.network_)
accuracy = guide_model.score(X_test, y_test)
print(f"test accuracy after the guide's 10 epochs: {accuracy:.2f}")

# %%
# Ten epochs of 84 samples in batches of 32 are 30 small steps of Adam: the
# network has barely started. Trained until its loss settles, with a larger
# step and all the training data, the same stack learns iris.
trained = NeuralNetClassifier(
    layers=[Dense(10, activation="relu"), Dense(8, activation="relu")],
    solver="adam",
    batch_size=32,
    learning_rate_init=0.01,
    max_iter=200,
    random_state=0,
)
trained_model = make_pipeline(StandardScaler(), trained).fit(X_train, y_train)
print(
    f"test accuracy after {trained.n_iter_} epochs: "
    f"{trained_model.score(X_test, y_test):.2f}"
)

# %%
# The training curves of the two runs: the guide's stops while its loss is
# still falling steeply.
fig, (ax_guide, ax_trained) = plt.subplots(
    1, 2, figsize=(10, 3.8), layout="constrained"
)
TrainingCurveDisplay.from_estimator(guide_model, ax=ax_guide)
ax_guide.set_title("The guide's settings: 10 epochs")
TrainingCurveDisplay.from_estimator(trained_model, ax=ax_trained)
ax_trained.set_title(f"Trained on: {trained.n_iter_} epochs")
plt.show()
