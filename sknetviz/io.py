"""Safe model files: save and load sknetviz estimators with skops.io.

A pickle runs whatever code its file names, so a model file from someone
else is a program from someone else. skops.io stores the estimator as data
plus the names of the types it holds and how each is rebuilt; :func:`load`
checks them before anything is built. It trusts the classes and formula
functions that sknetviz's estimators hold, each only in the form skops
rebuilds them without calling anything of the file's choosing (a class from
its stored state, a function as a reference), and the numpy and scikit-learn
types that skops already trusts. A file naming anything else is refused, and
nothing from it runs.

skops is an optional dependency: ``pip install "sknetviz[io]"``.
"""

import contextlib
import importlib
import json
import zipfile

__all__ = ["UntrustedTypeError", "dump", "load"]


class UntrustedTypeError(ValueError):
    """A model file names types that :func:`load` does not trust.

    Attributes
    ----------
    types : list of str
        The refused types, as the file names them ("module.QualifiedName").

    Examples
    --------
    >>> from sknetviz.io import UntrustedTypeError
    >>> issubclass(UntrustedTypeError, ValueError)
    True
    """

    def __init__(self, path, types):
        self.types = list(types)
        super().__init__(
            f"{path} names types that sknetviz does not trust: "
            f"{', '.join(self.types)}. Nothing from the file was run. sknetviz "
            "loads only the classes and functions its estimators hold, and the "
            "numpy and scikit-learn types skops trusts; if you trust this file's "
            "author, "
            "use skops.io.load(path, trusted=[...]) yourself."
        )


def _skops_io():
    try:
        return importlib.import_module("skops.io")
    except ImportError as error:
        raise ImportError(
            "sknetviz.io needs skops: pip install 'sknetviz[io]' (or pip install "
            "skops)."
        ) from error


def _qualified_name(obj):
    return f"{obj.__module__}.{obj.__qualname__}"


def _trusted_sknetviz_nodes():
    """What sknetviz trusts in a file: its name -> the skops node that may load it.

    Classes are rebuilt from their stored state ("ObjectNode"), functions
    are stored references ("FunctionNode"). Any other node runs a callable
    with arguments from the file, and is not trusted even for these names.
    """
    from ._cnn import SimpleCNNClassifier
    from ._mlp import MLPVisualClassifier
    from ._training import ConvergenceMonitor, Objective, TrainingState
    from .nn import conv, layers, network, optimizers
    from .nn.activations import ACTIVATIONS
    from .nn.losses import LOSSES

    classes = [
        MLPVisualClassifier, SimpleCNNClassifier,
        TrainingState, Objective, ConvergenceMonitor,
        network.Sequential,
        layers.Dense, layers.Activation, layers.Dropout, layers.Flatten, layers.Reshape,
        conv.Conv2D, conv.MaxPool2D, conv.AvgPool2D, conv.RandomShift,
        optimizers.SGD, optimizers.Adam,
    ]  # fmt: skip
    functions = {f for pair in (*ACTIVATIONS.values(), *LOSSES.values()) for f in pair}
    return {_qualified_name(cls): "ObjectNode" for cls in classes} | {
        _qualified_name(function): "FunctionNode" for function in functions
    }


def _sknetviz_nodes(path):
    """(name, loader) of every node of the file's schema that names a sknetviz type."""
    with zipfile.ZipFile(path) as archive:
        schema = json.loads(archive.read("schema.json"))
    found, pending = set(), [schema]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            module = str(node.get("__module__", ""))
            if module == "sknetviz" or module.startswith("sknetviz."):
                name = f"{module}.{node.get('__class__')}"
                found.add((name, node.get("__loader__")))
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return found


def dump(estimator, path):
    """Save an estimator to ``path`` in skops' format.

    Parameters
    ----------
    estimator : object
        Usually a fitted MLPVisualClassifier or SimpleCNNClassifier, alone or
        in a Pipeline. Callbacks set with ``set_callbacks`` are not saved:
        they watch a fit, and are not part of the model.
    path : str or path-like
        The file to write (``.skops`` by convention).

    See Also
    --------
    load : Read it back, trusting only sknetviz's types.

    Examples
    --------
    >>> import tempfile, os
    >>> from sklearn.datasets import load_iris
    >>> from sknetviz import MLPVisualClassifier
    >>> from sknetviz.io import dump, load
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = MLPVisualClassifier((8,), max_iter=500, random_state=0).fit(X, y)
    >>> path = os.path.join(tempfile.mkdtemp(), "iris.skops")
    >>> dump(clf, path)
    >>> bool((load(path).predict(X) == clf.predict(X)).all())
    True
    """
    with _without_callbacks(estimator):
        _skops_io().dump(estimator, path)


@contextlib.contextmanager
def _without_callbacks(estimator):
    """Hide scikit-learn callbacks (``set_callbacks``) while saving.

    Callbacks observe a fit (a progress bar, a score log); they are not part
    of the model, and load would refuse their types.
    """
    holders = [estimator]
    if hasattr(estimator, "get_params"):
        holders += [
            value
            for value in estimator.get_params(deep=True).values()
            if hasattr(value, "get_params")
        ]
    hidden = [
        (holder, vars(holder).pop("_skl_callbacks"))
        for holder in holders
        if "_skl_callbacks" in getattr(holder, "__dict__", {})
    ]
    try:
        yield
    finally:
        for holder, callbacks in hidden:
            holder._skl_callbacks = callbacks


def load(path):
    """Load an estimator saved by :func:`dump`, refusing untrusted types.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    estimator : object

    Raises
    ------
    UntrustedTypeError
        If the file names a type other than sknetviz's own classes and
        functions and the numpy and scikit-learn types skops trusts. The
        check reads only the file's list of types, so nothing from the file
        runs.

    See Also
    --------
    dump : Save an estimator.

    Examples
    --------
    >>> import tempfile, os
    >>> from sklearn.datasets import load_digits
    >>> from sknetviz import SimpleCNNClassifier
    >>> from sknetviz.io import dump, load
    >>> X, y = load_digits(return_X_y=True)
    >>> cnn = SimpleCNNClassifier(max_iter=2, random_state=0).fit(X / 16, y)
    >>> path = os.path.join(tempfile.mkdtemp(), "digits.skops")
    >>> dump(cnn, path)
    >>> load(path).image_shape_
    (8, 8, 1)
    """
    sio = _skops_io()
    trusted = _trusted_sknetviz_nodes()
    untrusted = sio.get_untrusted_types(file=path)
    refused = {name for name in untrusted if name not in trusted}
    refused |= {
        name for name, loader in _sknetviz_nodes(path) if trusted.get(name) != loader
    }
    if refused:
        raise UntrustedTypeError(path, sorted(refused))
    return sio.load(path, trusted=untrusted)
