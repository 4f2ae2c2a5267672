"""
What the history records
========================

Every fit of :class:`~sknetviz.MLPVisualClassifier` leaves ``history_``, a list
with one dict per epoch. Here the same network learns the digits twice, without
and with dropout, and we draw two of those records: the training and validation
losses, and the gradient norm of each weight layer.
"""

import warnings

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import MinMaxScaler

from sknetviz import MLPVisualClassifier

# %%
# ``early_stopping=True`` holds out 20 % of the digits and scores them after
# each epoch, adding 'val_loss' and 'val_score' to the records. A patience
# longer than ``max_iter`` means training never stops early: both models run
# all 60 epochs, then keep the weights of their best validation score.
X, y = load_digits(return_X_y=True)
X = MinMaxScaler().fit_transform(X)

histories = {}
for dropout in (0.0, 0.3):
    model = MLPVisualClassifier(
        hidden_layer_sizes=(64, 32),
        dropout=dropout,
        early_stopping=True,
        validation_fraction=0.2,
        n_iter_no_change=1000,
        max_iter=60,
        random_state=0,
    )
    # Running out of epochs is the plan here, so the warning that says so is noise.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    histories[dropout] = model.history_

# %%
# 'data_loss' is the training loss averaged over the epoch's minibatches with
# dropout on; 'val_loss' is measured on the held-out digits after the epoch,
# with dropout off. Neither includes the L2 penalty, so the two compare;
# 'loss', the value of ``loss_curve_``, is 'data_loss' plus the penalty, the
# objective the network minimises. Without dropout the training loss keeps
# falling while the validation loss flattens out: the widening gap is the
# network memorising its training set. With dropout the noisy training loss
# stays above the validation loss, and the validation loss is still falling
# at epoch 60: less memorising, slower learning.
#
# 'grad_norms' holds one number per weight matrix, input side first: the size
# of its gradient, averaged over the epoch's batches. On a log scale a layer
# whose gradient vanished or exploded would stand apart. With dropout the first
# layer's gradient stays large: every batch trains a different thinned network,
# so the batch gradients never settle.
# The loss across the top, the two runs' gradients side by side below it: a
# layout that stays legible at the width of a page.
fig, axes = plt.subplot_mosaic(
    [["loss", "loss"], ["dropout 0", "dropout 0.3"]],
    figsize=(9, 7.5),
    layout="constrained",
)
ax_loss, grad_axes = axes["loss"], [axes["dropout 0"], axes["dropout 0.3"]]
grad_axes[1].sharey(grad_axes[0])
colors = {0.0: "tab:blue", 0.3: "tab:red"}
for dropout, history in histories.items():
    epochs = [record["epoch"] for record in history]
    for key, linestyle, what in (
        ("data_loss", "-", "train"),
        ("val_loss", "--", "val"),
    ):
        ax_loss.plot(
            epochs,
            [record[key] for record in history],
            color=colors[dropout],
            linestyle=linestyle,
            label=f"{what}, dropout={dropout}",
        )
ax_loss.set(xlabel="epoch", ylabel="log-loss", yscale="log")
ax_loss.set_title("(a) training and validation loss")
ax_loss.legend()

for ax, letter, (dropout, history) in zip(grad_axes, "bc", histories.items()):
    epochs = [record["epoch"] for record in history]
    norms_per_layer = zip(*(record["grad_norms"] for record in history))
    for layer, norms in enumerate(norms_per_layer, start=1):
        ax.plot(epochs, norms, label=f"weight matrix {layer}")
    ax.set(xlabel="epoch", ylabel="mean gradient norm", yscale="log")
    ax.set_title(f"({letter}) gradient norm per layer, dropout={dropout}")
    ax.legend()

# %%
# The displays of :mod:`sknetviz.inspection` read the same records:
# :class:`~sknetviz.inspection.TrainingCurveDisplay` draws 'data_loss' and
# 'val_loss' (and 'val_score', marking the best epoch), and
# :class:`~sknetviz.inspection.GradientFlowDisplay` draws 'grad_norms'.
plt.show()
