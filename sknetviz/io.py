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

A file is also a request for memory: a few MB of zip can inflate to GBs of
arrays. :func:`load` reads the schema first, refuses untrusted names before
any array is read, then refuses a file whose arrays would take more than
``max_bytes``, from sizes the zip and the arrays' headers declare, before
any array is decompressed. A damaged file raises a ValueError naming it.

skops is an optional dependency: ``pip install "sknetviz[io]"``.
"""

import contextlib
import importlib
import json
import math
import zipfile
import zlib
from numbers import Integral

from numpy.lib import format as npy_format

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
            "numpy and scikit-learn types skops trusts. If these are your own "
            "layers, or you trust the file's author, name them: "
            f"load(path, trusted={self.types!r})."
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
    import sknetviz

    from . import nn
    from ._base import BaseNet
    from ._training import ConvergenceMonitor, Objective, TrainingState
    from .nn.activations import ACTIVATIONS
    from .nn.losses import LOSSES

    # Every public estimator and every layer class of sknetviz.nn, as their
    # modules declare them: a new one is trusted without a list to update.
    estimators = [
        value
        for value in map(vars(sknetviz).get, sknetviz.__all__)
        if isinstance(value, type) and issubclass(value, BaseNet)
    ]
    layers = [
        value
        for value in map(vars(nn).get, nn.__all__)
        if isinstance(value, type) and issubclass(value, nn.Layer)
    ]
    classes = [
        *estimators,
        *layers,
        TrainingState,
        Objective,
        ConvergenceMonitor,
        nn.SGD,
        nn.Adam,
    ]
    functions = {f for pair in (*ACTIVATIONS.values(), *LOSSES.values()) for f in pair}
    return {_qualified_name(cls): "ObjectNode" for cls in classes} | {
        _qualified_name(function): "FunctionNode" for function in functions
    }


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


# skops builds its tree of a schema, and later the model, by recursion: about
# two Python frames per level. Files sknetviz writes are 20 to 35 levels deep;
# this leaves room for deeper pipelines and stays well inside Python's
# recursion limit.
_MAX_SCHEMA_DEPTH = 200

# What a damaged or hostile file makes zipfile, json, numpy or skops raise
# while reading it. Anything else is not the file's fault and passes through.
_FILE_ERRORS = (
    zipfile.BadZipFile, zlib.error, EOFError, KeyError, IndexError, TypeError,
    AttributeError, ValueError, RecursionError,
)  # fmt: skip


def _unreadable(path, problem):
    return ValueError(
        f"Cannot load {path}: {problem}. sknetviz.io.load reads the .skops "
        "files that sknetviz.io.dump writes; this one is damaged, truncated or "
        "not such a file."
    )


def _described(error):
    return f"{type(error).__name__}: {error}"


def _too_large(path, size, what, max_bytes):
    return ValueError(
        f"Loading {path} would take {size:,} bytes ({what}), more than "
        f"max_bytes={max_bytes:,}; nothing from it was loaded. If you trust the "
        "file and have the memory, raise the bound: "
        "sknetviz.io.load(path, max_bytes=...), or max_bytes=None for none."
    )


def _read_schema(path, archive, max_bytes):
    """The bytes of schema.json, refused before decompression if too large."""
    try:
        info = archive.getinfo("schema.json")
    except KeyError:
        raise _unreadable(path, "the archive holds no schema.json") from None
    if max_bytes is not None and info.file_size > max_bytes:
        raise _too_large(path, info.file_size, "its schema.json", max_bytes)
    try:
        return archive.read(info)
    except _FILE_ERRORS as error:
        raise _unreadable(
            path, f"its schema.json cannot be read ({_described(error)})"
        ) from error


def _walk_schema(path, schema_bytes):
    """What load must check before skops reads the file, from its schema alone.

    Returns the (name, loader) of every node naming a sknetviz type and the
    (loader, member) of every node that reads an archive member. The walk
    is iterative and bounded in depth, so a hostile nesting cannot exhaust
    the stack here or, later, in skops.
    """
    try:
        schema = json.loads(schema_bytes)
    except (ValueError, RecursionError) as error:
        raise _unreadable(
            path, f"its schema.json is not JSON ({_described(error)})"
        ) from error
    if not isinstance(schema, dict):
        raise _unreadable(
            path, f"its schema.json holds a JSON {type(schema).__name__}, not an object"
        )
    sknetviz_nodes, members, pending = set(), [], [(schema, 1)]
    while pending:
        node, depth = pending.pop()
        if depth > _MAX_SCHEMA_DEPTH:
            raise _unreadable(
                path, f"its schema is nested deeper than {_MAX_SCHEMA_DEPTH} levels"
            )
        if isinstance(node, list):
            pending.extend((child, depth + 1) for child in node)
            continue
        if not isinstance(node, dict):
            continue
        module = str(node.get("__module__", ""))
        if module == "sknetviz" or module.startswith("sknetviz."):
            name = f"{module}.{node.get('__class__')}"
            sknetviz_nodes.add((name, node.get("__loader__")))
        if "__loader__" in node and "file" in node:
            if not isinstance(node["file"], str):
                raise _unreadable(path, f"its schema names a member {node['file']!r}")
            members.append((node["__loader__"], node["file"]))
        pending.extend((child, depth + 1) for child in node.values())
    return sknetviz_nodes, members


class _SchemaOnly:
    """Stands in for the archive while skops audits the schema: it holds the
    schema and hands back no member's content, so no array is read."""

    def __init__(self, schema_bytes):
        self.schema_bytes = schema_bytes

    def read(self, name):
        return self.schema_bytes if name == "schema.json" else b""


def _audited_types(path, schema_bytes, sknetviz_nodes, caller_trusted=()):
    """The types outside skops' defaults that the file names, all trusted here.

    skops' own audit (get_untrusted_types) reads every array into memory
    first. Its tree, built over ``_SchemaOnly``, applies the same defaults
    node by node (numpy dtypes only in an array node, scikit-learn
    estimators only rebuilt from their state, ...) without reading any.
    """
    from skops.io._audit import get_tree
    from skops.io._utils import read_schema

    trusted = _trusted_sknetviz_nodes()
    try:
        schema, load_context = read_schema(_SchemaOnly(schema_bytes))
        untrusted = get_tree(schema, load_context, trusted=None).get_unsafe_set()
    except _FILE_ERRORS as error:
        raise _unreadable(
            path, f"skops cannot read its schema ({_described(error)})"
        ) from error
    refused = {name for name in untrusted if name not in trusted}
    refused |= {name for name, loader in sknetviz_nodes if trusted.get(name) != loader}
    refused -= set(caller_trusted)
    if refused:
        raise UntrustedTypeError(path, sorted(refused))
    return sorted(untrusted)


def _npy_bytes(stream):
    """The bytes an .npy array declares in its header: what numpy.load allocates."""
    version = npy_format.read_magic(stream)
    readers = {
        (1, 0): npy_format.read_array_header_1_0,
        (2, 0): npy_format.read_array_header_2_0,
    }
    if version not in readers:
        raise ValueError(f".npy format version {version}, not 1.0 or 2.0")
    shape, _, dtype = readers[version](stream)
    return math.prod(shape) * dtype.itemsize


def _array_bytes(archive, loader, name):
    """What numpy will allocate for one member: an array, or a sparse
    matrix's .npz of arrays (compressed inside, whatever the archive says)."""
    if loader == "NdArrayNode":
        with archive.open(name) as member:
            return _npy_bytes(member)
    if loader == "SparseMatrixNode":
        with archive.open(name) as member, zipfile.ZipFile(member) as npz:
            total = 0
            for info in npz.infolist():
                with npz.open(info) as inner:
                    total += _npy_bytes(inner)
            return total
    return 0


def _check_sizes(path, archive, schema_bytes, members, max_bytes):
    """Refuse a file that would inflate beyond max_bytes, before reading its arrays.

    skops reads each member the schema names into memory, counting
    repeats, and numpy then allocates what each array's header declares.
    The first is known from the zip's central directory; zipfile never
    reads a member past the size declared there. The second is read from
    the headers alone, which may not agree with the data: numpy would
    allocate the header's size before finding out.
    """
    missing = sorted({name for _, name in members} - set(archive.namelist()))
    if missing:
        raise _unreadable(
            path, f"its schema names members the archive lacks: {', '.join(missing)}"
        )
    inflated = len(schema_bytes) + sum(
        archive.getinfo(name).file_size for _, name in members
    )
    if max_bytes is not None and inflated > max_bytes:
        raise _too_large(
            path, inflated, "its schema and the members it names", max_bytes
        )
    declared = {}
    for loader, name in members:
        if (loader, name) not in declared:
            try:
                declared[loader, name] = _array_bytes(archive, loader, name)
            except _FILE_ERRORS as error:
                problem = f"its member {name!r} is not a readable array"
                raise _unreadable(path, f"{problem} ({_described(error)})") from error
    array_bytes = sum(declared[member] for member in members)
    if max_bytes is not None and array_bytes > max_bytes:
        raise _too_large(
            path, array_bytes, "its arrays, as their headers declare", max_bytes
        )


def _check_max_bytes(max_bytes):
    if max_bytes is None:
        return
    is_integer = isinstance(max_bytes, Integral) and not isinstance(max_bytes, bool)
    if not is_integer or max_bytes < 0:
        raise ValueError(
            f"max_bytes must be a non-negative int or None; got {max_bytes!r}."
        )


def load(path, *, trusted=(), max_bytes=2**30):
    """Load an estimator saved by :func:`dump`, refusing untrusted types.

    Parameters
    ----------
    path : str or path-like
    trusted : sequence of str, default=()
        Further types to trust, by the name the file gives them,
        ``"module.QualifiedName"`` (``UntrustedTypeError.types`` lists
        them): your own layers, say. Loading rebuilds them with the file's
        data, so name only classes you wrote or trust.
    max_bytes : int or None, default=2**30
        The bound, in bytes, on the memory the file makes load take, checked
        before any array is read: on what its schema and arrays decompress
        to, and on what the arrays' headers ask numpy to allocate. The
        default, 1 GiB, is hundreds of times a sknetviz model (a fitted
        SimpleCNNClassifier on load_digits is 0.6 MB, an MLP with two
        hidden layers of 256 units 3.5 MB), and keeps a small hostile file
        from taking more than about 2 GiB in all. None sets no bound: use
        it only for files you trust.

    Returns
    -------
    estimator : object

    Raises
    ------
    UntrustedTypeError
        If the file names a type other than sknetviz's own classes and
        functions, the numpy and scikit-learn types skops trusts and the
        names in ``trusted``. The check reads only the file's schema, so
        nothing from the file runs and no array is read.
    ValueError
        If the file would take more than ``max_bytes``, which is checked
        from the zip's directory and the arrays' headers before any array
        is read; or if it is not a .skops file, or a damaged one. The
        message names the file.

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
    >>> load(path, max_bytes=1000)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: Loading ...digits.skops would take ... more than max_bytes=1,000; ...
    """
    sio = _skops_io()
    _check_max_bytes(max_bytes)
    if isinstance(trusted, str) or not all(isinstance(n, str) for n in trusted):
        raise TypeError(
            "trusted must be a sequence of type names, such as "
            f"['mymodule.MyLayer']; got {trusted!r}."
        )
    # One handle for the checks and the load, so both see the same bytes.
    with open(path, "rb") as handle:
        try:
            archive = zipfile.ZipFile(handle)
        except (*_FILE_ERRORS, OSError) as error:
            raise _unreadable(
                path, f"it is not a zip archive ({_described(error)})"
            ) from error
        with archive:
            schema_bytes = _read_schema(path, archive, max_bytes)
            sknetviz_nodes, members = _walk_schema(path, schema_bytes)
            allowed = _audited_types(path, schema_bytes, sknetviz_nodes, trusted)
            _check_sizes(path, archive, schema_bytes, members, max_bytes)
        try:
            return sio.load(handle, trusted=allowed)
        except _FILE_ERRORS as error:
            raise _unreadable(
                path, f"skops cannot rebuild it ({_described(error)})"
            ) from error
