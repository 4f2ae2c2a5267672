"""The grid behind boundary plots: the meshgrid, feature filling and chunked evaluation.

Evaluating an estimator on a million grid points at once needs every hidden
layer for every point in memory; evaluating in chunks keeps the peak to one
chunk's worth, whatever the resolution. The grid is the one place that chunks:
a sknetviz network says how many rows it pushes through at once, and the grid
hands it chunks of that size, which it then evaluates whole.
"""

import numbers

import numpy as np
from sklearn.base import is_classifier, is_clusterer, is_outlier_detector, is_regressor
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.multiclass import type_of_target

from ..nn import Sequential
from ._adapters import final_estimator

# For estimators that do not say how many rows they take at once (anything but
# a sknetviz network). Small enough that a (64, 64) network's hidden layers for
# one chunk stay in cache: 8192 points evaluated 1.7x faster than 32768 on the
# benchmark grid.
CHUNK_POINTS = 8192

# The grid's chunks are float64, whatever the estimator was fitted on.
GRID_DTYPE = np.float64

SKLEARN_API_URL = (
    "https://scikit-learn.org/stable/developers/develop.html#rolling-your-own-estimator"
)


def chunk_rows(estimator, chunk_size=None):
    """Grid points per chunk: what the estimator's network takes at once.

    Parameters
    ----------
    estimator : estimator
        The fitted estimator (a Pipeline too: its steps keep the rows).
    chunk_size : int, default=None
        The user's upper bound; None leaves the choice to the estimator.

    Returns
    -------
    rows : int
        ``network_.rows_per_chunk`` for a sknetviz estimator, so that its
        prediction runs each chunk in one pass instead of cutting it again;
        :data:`CHUNK_POINTS` for any other estimator. ``chunk_size`` caps it.
    """
    if chunk_size is not None and (
        not isinstance(chunk_size, numbers.Integral)
        or isinstance(chunk_size, bool)
        or chunk_size < 1
    ):
        raise ValueError(
            f"chunk_size must be a positive integer or None, got {chunk_size!r}."
        )
    network = getattr(final_estimator(estimator), "network_", None)
    if isinstance(network, Sequential):
        rows = network.rows_per_chunk(np.dtype(GRID_DTYPE).itemsize)
    else:
        rows = CHUNK_POINTS
    return rows if chunk_size is None else min(rows, int(chunk_size))


def chunk_slices(n_points, rows):
    """Consecutive slices of at most ``rows`` points covering ``n_points``."""
    for start in range(0, n_points, rows):
        yield slice(start, min(start + rows, n_points))


def check_grid_arguments(grid_resolution, eps):
    """scikit-learn's checks and messages for ``grid_resolution`` and ``eps``."""
    if not grid_resolution > 1:
        raise ValueError(
            f"grid_resolution must be greater than 1. Got {grid_resolution} instead."
        )
    if not eps >= 0:
        raise ValueError(f"eps must be greater than or equal to 0. Got {eps} instead.")


def n_features_of(X):
    if hasattr(X, "shape") and len(X.shape) == 2:
        return X.shape[1]
    return np.asarray(X).shape[1]


def check_features(X, features):
    """Validate ``features`` against X; return the two column indices plotted."""
    n_features = n_features_of(X)
    if features is None:
        if n_features != 2:
            raise ValueError(
                f"n_features must be equal to 2. Got {n_features} instead."
            )
        return (0, 1)
    features = tuple(int(f) for f in features)
    if len(features) != 2 or features[0] == features[1]:
        raise ValueError(
            f"features must be two different column indices, got {features}."
        )
    for index in features:
        if not -n_features <= index < n_features:
            raise ValueError(
                f"features={features} is out of range for X with {n_features} features."
            )
    return tuple(index % n_features for index in features)


def plane_labels(X, columns, features):
    """Axis labels of the plotted plane: a dataframe's column names, else
    'feature i' where ``features`` picked the columns, else empty."""
    names = getattr(X, "columns", None)
    if names is not None:
        return str(names[columns[0]]), str(names[columns[1]])
    if features is None:
        return "", ""
    return f"feature {features[0]}", f"feature {features[1]}"


def filler_row(X_array, filler, plotted):
    """The value of every feature off the plotted plane.

    Parameters
    ----------
    X_array : ndarray of shape (n_samples, n_features)
    filler : {'median', 'mean'} or array-like of shape (n_features,)
    plotted : tuple of int
        The two columns spanning the plane; their filler values are unused.

    Returns
    -------
    row : ndarray of shape (n_features,)
    """
    if isinstance(filler, str):
        if filler not in ("median", "mean"):
            raise ValueError(
                "filler must be 'median', 'mean' or one value per feature, "
                f"got {filler!r}."
            )
        row = getattr(np, filler)(X_array, axis=0)
        what = f"filler={filler!r} (the {filler} of X's columns)"
    else:
        row = np.asarray(filler, dtype=float)
        if row.shape != (X_array.shape[1],):
            raise ValueError(
                f"filler must have one value per feature ({X_array.shape[1]}), "
                f"got shape {row.shape}."
            )
        what = "filler"
    off_plane = np.setdiff1d(np.arange(row.size), plotted)
    bad = off_plane[~np.isfinite(row[off_plane])]
    if bad.size:
        raise ValueError(
            f"{what} must be finite for every feature off the plotted plane, got "
            f"{row[bad].tolist()} for features {bad.tolist()}. Pass one finite "
            "value per feature, for example filler=np.nanmedian(X, axis=0)."
        )
    return row


def check_limits(name, limits):
    """Validate ``xlim`` or ``ylim``: None, or two finite numbers, low < high.

    Returns
    -------
    limits : tuple of float or None
    """
    if limits is None:
        return None
    try:
        low, high = (float(value) for value in limits)
    except (TypeError, ValueError):
        raise ValueError(
            f"{name} must be a pair of numbers (low, high), got {limits!r}."
        ) from None
    if not (np.isfinite(low) and np.isfinite(high)):
        raise ValueError(
            f"{name} must be two finite numbers (low, high), got {limits!r}; "
            "the grid spans this range."
        )
    if not low < high:
        raise ValueError(
            f"{name} must have low < high, got {limits!r}; the grid needs a range "
            "of positive width (to flip the axis, call "
            f"display.ax_.invert_{name[0]}axis() after plotting)."
        )
    return low, high


def meshgrid(x0, x1, grid_resolution, eps, xlim=None, ylim=None):
    """The grid over the data's range widened by ``eps``, or over xlim and ylim."""
    x0_min, x0_max = xlim if xlim is not None else (x0.min() - eps, x0.max() + eps)
    x1_min, x1_max = ylim if ylim is not None else (x1.min() - eps, x1.max() + eps)
    return np.meshgrid(
        np.linspace(x0_min, x0_max, grid_resolution),
        np.linspace(x1_min, x1_max, grid_resolution),
    )


def plane_grid(X_array, columns, *, features, filler, grid_resolution, eps, xlim, ylim):
    """The grid over two columns of X, and the values of every feature there.

    Returns
    -------
    xx0, xx1 : ndarray of shape (grid_resolution, grid_resolution)
        The meshgrid over the data's range widened by ``eps``, or over xlim
        and ylim.
    filler_values : ndarray of shape (n_features,)
        The value of each feature off the plane (see :func:`filler_row`);
        zeros for two-feature data, where every feature is on it.
    """
    xx0, xx1 = meshgrid(
        X_array[:, columns[0]].astype(float),
        X_array[:, columns[1]].astype(float),
        grid_resolution,
        eps,
        xlim,
        ylim,
    )
    if features is None:
        return xx0, xx1, np.zeros(2)
    return xx0, xx1, filler_row(X_array.astype(float), filler, columns)


def _response_method(estimator, response_method):
    """The method to call, as scikit-learn picks it for 'auto'."""
    classes = getattr(estimator, "classes_", None)
    if classes is not None and np.ndim(classes[0]) > 0:
        raise ValueError(
            "Multi-label and multi-output multi-class classifiers are not supported"
        )
    if response_method == "auto":
        if is_classifier(estimator) or not hasattr(estimator, "predict"):
            candidates = ["decision_function", "predict_proba", "predict"]
        else:
            candidates = ["predict"]
    elif isinstance(response_method, (list, tuple)):  # tried in order, as in sklearn
        candidates = list(response_method)
    else:
        candidates = [response_method]
    for name in candidates:
        if hasattr(estimator, name):
            return name
    raise AttributeError(
        f"{estimator.__class__.__name__} has none of the following attributes: "
        f"{', '.join(candidates)}."
    )


def _as_rows(chunk, like):
    """Give the grid chunk X's container: a DataFrame keeps its column names."""
    columns = getattr(like, "columns", None)
    if columns is not None and type(like).__module__.startswith("pandas"):
        return type(like)(chunk, columns=columns)
    return chunk


def evaluate_grid(
    estimator,
    xx0,
    xx1,
    *,
    X,
    features,
    filler_values,
    response_method,
    class_of_interest,
    chunk_size=None,
):
    """Evaluate the estimator's response on the grid, one chunk of points at a time.

    The binary and 'predict' post-processing is scikit-learn's: the positive
    class's column (or a negated decision function), and labels encoded as
    their index in ``classes_``.

    Parameters
    ----------
    chunk_size : int, default=None
        Upper bound on the points per chunk; see :func:`chunk_rows`.

    Returns
    -------
    response : ndarray of shape (n_points,) or (n_points, n_classes)
    method : str
        The response method used.
    """
    method_name = _response_method(estimator, response_method)
    method = getattr(estimator, method_name)
    classes = getattr(estimator, "classes_", None)
    binary = is_classifier(estimator) and classes is not None and len(classes) == 2
    positive = classes[1] if class_of_interest is None and binary else class_of_interest
    n_points = xx0.size
    grid0, grid1 = xx0.ravel(), xx1.ravel()
    response = None
    for rows in chunk_slices(n_points, chunk_rows(estimator, chunk_size)):
        chunk = np.empty((rows.stop - rows.start, len(filler_values)), GRID_DTYPE)
        chunk[:] = filler_values
        chunk[:, features[0]] = grid0[rows]
        chunk[:, features[1]] = grid1[rows]
        values = np.asarray(method(_as_rows(chunk, X)))
        _check_one_response_per_point(
            estimator, method_name, values, len(chunk), class_of_interest
        )
        if binary and method_name == "predict_proba":
            values = values[:, np.flatnonzero(classes == positive)[0]]
        elif binary and method_name == "decision_function" and positive == classes[0]:
            values = -values
        if response is None:
            response = np.empty((n_points, *values.shape[1:]), dtype=values.dtype)
        response[rows] = values
    if method_name == "predict" and classes is not None:
        encoder = LabelEncoder()
        encoder.classes_ = classes
        response = encoder.transform(response)
    return response, method_name


def _check_one_response_per_point(
    estimator, method_name, values, n_points, class_of_interest
):
    if values.ndim in (1, 2) and values.shape[0] == n_points:
        return
    # scikit-learn's message first where it would give it (the response is
    # what the number of classes is read from), then what was wrong.
    cannot_infer = (
        "Number of classes or labels cannot be inferred from "
        f"{type(estimator).__name__}: "
        if declared_n_classes(estimator, class_of_interest) is None
        else ""
    )
    raise ValueError(
        f"{cannot_infer}{type(estimator).__name__}.{method_name} returned an "
        f"array of shape {values.shape} for {n_points} grid points; it should "
        f"return one value or one row per point, of shape ({n_points},) or "
        f"({n_points}, n_outputs). Please make sure your estimator follows "
        f"scikit-learn's estimator API as described here: {SKLEARN_API_URL}"
    )


def declared_n_classes(estimator, class_of_interest):
    """The number of classes to show when the estimator declares it, else None."""
    if (
        class_of_interest is not None
        or is_regressor(estimator)
        or is_outlier_detector(estimator)
    ):
        return 2
    if is_classifier(estimator) and hasattr(estimator, "classes_"):
        return len(estimator.classes_)
    if is_clusterer(estimator) and hasattr(estimator, "labels_"):
        return len(np.unique(estimator.labels_))
    return None


def n_classes_shown(estimator, response, class_of_interest):
    """Number of classes to show, decided as scikit-learn decides it."""
    n_classes = declared_n_classes(estimator, class_of_interest)
    if n_classes is not None:
        return n_classes
    target_type = type_of_target(response)
    if target_type in ("binary", "continuous"):
        return 2
    if target_type == "multiclass":
        return len(np.unique(response))
    raise ValueError(
        "Number of classes or labels cannot be inferred from "
        f"{estimator.__class__.__name__}. Please make sure your estimator "
        "follows scikit-learn's estimator API as described here: "
        f"{SKLEARN_API_URL}"
    )
