"""Sort the gallery in the order of the user guide's chapters."""

from pathlib import Path

# One entry per chapter, in the guide's order; chapter 4 has two examples.
CHAPTER_EXAMPLES = [
    "plot_neuron.py",
    "plot_activation_functions.py",
    "plot_feedforward_network.py",
    "plot_gradient_descent.py",
    "plot_training_history.py",
    "plot_boundary_evolution.py",
    "plot_cnn_digits.py",
    "plot_boundary_depth.py",
    "plot_overfitting.py",
    "plot_vanishing_gradients.py",
    "plot_pipeline_grid_search.py",
    "plot_keras_iris.py",
]


class ChapterOrder:
    """Sort key for sphinx-gallery's ``within_subsection_order``.

    Examples of the guide come in chapter order; any other example follows,
    by file name.
    """

    def __init__(self, src_dir):
        self.src_dir = src_dir

    def __repr__(self):
        return "ChapterOrder"

    def __call__(self, filename):
        name = Path(filename).name
        if name in CHAPTER_EXAMPLES:
            return (CHAPTER_EXAMPLES.index(name), name)
        return (len(CHAPTER_EXAMPLES), name)
