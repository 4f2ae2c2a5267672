"""
A convolutional network reads digits
====================================

A convolutional network (CNN) looks at an image through small grids of
weights, its kernels or filters, slid across the whole picture: a filter
answers strongly wherever its pattern appears, which gives one feature map
per filter. Pooling then keeps the strongest answer of each small window, so
the maps shrink and a stroke may move a little without changing the result.
After two rounds of convolution and pooling, a dense layer turns what is left
into one probability per class. Here :class:`~sknetviz.SimpleCNNClassifier`
learns the 8x8 handwritten digits that ship with scikit-learn, and we look at
its filters, at one digit on its way through the network, and at its training.
"""

import warnings

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning

from sknetviz import SimpleCNNClassifier
from sknetviz.inspection import FeatureMapDisplay, FilterDisplay, TrainingCurveDisplay

# %%
# Training on a thousand digits
# -----------------------------
# Each digit is a row of 64 pixels from 0 to 16; dividing by 16 puts them in
# [0, 1]. The network folds a row of 64 back into an 8x8 image itself. It is
# trained on the first 1000 digits and tested on the other 797.
# ``early_stopping=True`` holds 20 % of the training digits out to score them
# after every epoch; with ``n_iter_no_change`` above ``max_iter`` it never
# actually stops, it only records the validation curves and keeps the weights
# of the best epoch.
X, y = load_digits(return_X_y=True)
X = X / 16
X_train, y_train, X_test, y_test = X[:1000], y[:1000], X[1000:], y[1000:]
cnn = SimpleCNNClassifier(
    learning_rate_init=0.01,
    max_iter=30,
    early_stopping=True,
    validation_fraction=0.2,
    n_iter_no_change=100,
    random_state=0,
)
# 30 epochs are the budget, not a convergence failure: silence the warning.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    cnn.fit(X_train, y_train)
print(f"test accuracy: {cnn.score(X_test, y_test):.3f}")
print("weight shapes:", [coef.shape for coef in cnn.coefs_])

# %%
# The learned filters
# -------------------
# Each block is one convolution, drawn on one colour scale centred on zero:
# orange weights reward ink under them, blue ones penalise it, white ones
# ignore it. The columns are the filters, numbered ``#k`` as the network
# numbers them and sorted by the size (L2 norm) of their weights, largest
# first, so the filters that weigh most come first. The first block's 8
# filters are 3x3 grids applied to the pixels, and many read as little stroke
# or edge detectors at some angle. The second convolution has 16 filters that
# each read all 8 maps of the first: each row is the part of a filter that
# looks at one of those maps, in the order of the first block's columns.
# These act on maps rather than pixels and rarely look like anything.
filters = FilterDisplay.from_estimator(cnn)

# %%
# One digit through the network
# -----------------------------
# We follow a test digit the network finds hard, a 4 written rather like a
# 9, from left to right: the input digit; the 8 maps after the first
# convolution and its ReLU, bright where a filter found its pattern; the same
# maps pooled to 4x4; the 16 maps of the second convolution and their 2x2
# poolings; the 64 units of the dense layer; and the class probabilities.
# A convolution's maps and their pooled versions share one colour scale, so
# a pooled cell has the colour of the brightest cell of its window. Each
# stage keeps less of where things are and more of what is there, and the
# last 2x2x16 numbers are all the dense layer gets to decide from. The
# winning class is drawn in its class colour and the true class is outlined:
# 4 wins, but 9 keeps a large share.
hard_digit, true_class = X_test[33], y_test[33]
probabilities = cnn.predict_proba([hard_digit])[0]
print(f"true class: {true_class}, probabilities: {probabilities.round(2)}")
maps = FeatureMapDisplay.from_estimator(cnn, hard_digit, true_class=true_class)

# %%
# The training curves
# -------------------
# The blue curve is the training loss of each epoch, the orange one the loss
# on the held-out fifth, with the gap between them shaded; the green dashed
# curve is the held-out accuracy, on the right-hand axis. The training loss
# is measured with dropout on (the default ``dropout=0.25`` in the dense
# layer), which makes it noisier and higher than the held-out loss, measured
# without. Both fall fast and flatten out by epoch 15, and the held-out loss
# does not turn back up: the network is not memorising its training digits.
#
# The held-out accuracy ends near 0.99, above the test accuracy printed at
# the top. The held-out digits were used during training, to pick the best
# epoch, and they were drawn from the same first 1000 digits; the last 797
# were never looked at, which makes the test score the one to report.
curves = TrainingCurveDisplay.from_estimator(cnn, title="SimpleCNNClassifier on digits")

plt.show()
