"""
One neuron at work
==================

A neuron multiplies each of its inputs by a weight, adds the products and a
bias, and passes that sum through its activation function. Here we train a
small network on the iris flowers and follow one flower through two of its
neurons, with every number the network really uses: first a hidden neuron,
then an output neuron, whose softmax ties it to the rest of its layer.
"""

import matplotlib.pyplot as plt
from sklearn.datasets import load_iris

from sknetviz import MLPVisualClassifier
from sknetviz.inspection import NeuronDisplay

# %%
# A network with one hidden layer of five ReLU neurons
# -----------------------------------------------------
# Iris has four measurements per flower, in centimetres, and three species;
# naming the classes by species puts the names in the pictures. L-BFGS fits
# this small problem in a fraction of a second. A strong L2 penalty
# (``alpha=1``) keeps the weights small, so the sums below stay in a range
# where the softmax still hesitates between species instead of answering 0
# or 1 for every flower.
iris = load_iris()
X, y = iris.data, iris.target_names[iris.target]
network = MLPVisualClassifier(
    hidden_layer_sizes=(5,), solver="lbfgs", alpha=1.0, max_iter=500, random_state=0
).fit(X, y)
print(f"training accuracy: {network.score(X, y):.3f}")

# %%
# A hidden neuron
# ---------------
# The flower we follow is a versicolor that looks a lot like a virginica.
# Each line on the left is one input of the neuron for this flower: the
# measurement, the weight the neuron gives it and their product. The arrow is
# coloured by that product, orange where it adds to the sum and blue where it
# takes away, and it is thicker the more it weighs. The first box adds the
# products and the bias into the pre-activation ``z``; the second applies
# the ReLU, which passes a positive ``z`` unchanged and turns a negative one
# into 0. The bold number on the right is what this neuron hands on to the
# output layer.
flower = X[77]
feature_names = [name.removesuffix(" (cm)") for name in iris.feature_names]
hidden = NeuronDisplay.from_estimator(
    network, flower, layer=0, neuron=4, feature_names=feature_names
)

# %%
# An output neuron
# ----------------
# The output layer works the same way, except that its inputs are the five
# hidden outputs (``h1[1]`` to ``h1[5]``, counted from 1 as the pictures
# count) instead of the measurements: ``h1[5]`` is the neuron drawn above
# (``neuron=4`` in Python's count from 0), and its output comes back here. Its
# activation is the softmax, which is not a function of one neuron's ``z``
# alone: it turns the three output neurons' sums into three probabilities
# that add up to 1. The output shown is this neuron's share: the probability
# the network gives to versicolor, the right answer, for this flower. It is
# barely above one half, so the neuron beside it, for virginica, gets almost
# as much.
versicolor = list(network.classes_).index("versicolor")
print(network.predict_proba(flower.reshape(1, -1)).round(3))
NeuronDisplay.from_estimator(network, flower, layer=-1, neuron=versicolor)

plt.show()
