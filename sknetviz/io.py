"""Safe model files: save and load sknetviz estimators with skops.io.

A pickle runs whatever code its file names, so a model file from someone
else is a program from someone else. skops.io stores the estimator as data
plus the names of the types it holds; :func:`load` checks those names before
anything is built, and trusts only sknetviz's own classes and functions and
the numpy and scikit-learn types that skops already trusts. A file naming
any other type is refused, and nothing from it runs.

skops is an optional dependency: ``pip install "sknetviz[io]"``.
"""

import importlib

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
            "loads only its own classes and functions and the numpy and "
            "scikit-learn types skops trusts; if you trust this file's author, "
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


def _is_sknetviz_own(name):
    """Whether ``name`` ("module.QualifiedName") is defined by sknetviz itself.

    The name must resolve, inside a sknetviz module, to an object that was
    defined there: a name re-exported from elsewhere (such as a module that
    sknetviz imports) is not sknetviz's own.
    """
    module_name, _, qualname = name.rpartition(".")
    if module_name != "sknetviz" and not module_name.startswith("sknetviz."):
        return False
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return False
    target = getattr(module, qualname, None)
    return (
        callable(target)
        and getattr(target, "__module__", None) == module_name
        and getattr(target, "__qualname__", None) == qualname
    )


def dump(estimator, path):
    """Save an estimator to ``path`` in skops' format.

    Parameters
    ----------
    estimator : object
        Usually a fitted MLPVisualClassifier or SimpleCNNClassifier, alone or
        in a Pipeline.
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
    _skops_io().dump(estimator, path)


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
    untrusted = sio.get_untrusted_types(file=path)
    refused = [name for name in untrusted if not _is_sknetviz_own(name)]
    if refused:
        raise UntrustedTypeError(path, refused)
    return sio.load(path, trusted=untrusted)
