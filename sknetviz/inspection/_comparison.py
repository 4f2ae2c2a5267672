"""BoundaryComparisonDisplay: the decision boundaries of several classifiers on the
same data, side by side, with their train and test accuracy."""

import numpy as np
from sklearn.base import clone, is_classifier
from sklearn.exceptions import NotFittedError
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.utils.validation import check_consistent_length, check_is_fitted

from ._adapters import as_array, final_estimator
from ._boundary import DecisionBoundaryDisplay, response_scale
from ._evolution import axis_labels, check_plot_method, grid_response
from ._grid import check_features, check_grid_arguments, meshgrid
from ._panels import panel_axes, shared_legend
from ._style import styled


def is_fitted(estimator):
    """Whether scikit-learn considers the estimator fitted."""
    try:
        check_is_fitted(estimator)
    except NotFittedError:
        return False
    return True


def default_names(estimators):
    """A name per estimator: its class, with the parameters that tell it apart
    from estimators of the same class (``MLPVisualClassifier(alpha=0.1)``)."""
    finals = [final_estimator(estimator) for estimator in estimators]
    kinds = [type(final).__name__ for final in finals]
    names = []
    for kind, final in zip(kinds, finals):
        peers = [peer for peer_kind, peer in zip(kinds, finals) if peer_kind == kind]
        if len(peers) == 1:
            names.append(kind)
            continue
        params = final.get_params(deep=False)
        differing = [
            key
            for key in sorted(params)
            if len({repr(peer.get_params(deep=False)[key]) for peer in peers}) > 1
        ]
        described = ", ".join(f"{key}={params[key]!r}" for key in differing)
        names.append(f"{kind}({described})" if differing else kind)
    counts = {name: names.count(name) for name in names}
    seen = dict.fromkeys(counts, 0)
    unique = []
    for name in names:
        seen[name] += 1
        unique.append(f"{name} #{seen[name]}" if counts[name] > 1 else name)
    return unique


def _check_names(names, estimators):
    if names is None:
        return default_names(estimators)
    names = [str(name) for name in names]
    if len(names) != len(estimators):
        raise ValueError(
            f"names must give one name per estimator ({len(estimators)}), got "
            f"{len(names)}."
        )
    return names


def _split(X, y, X_test, y_test, test_size, random_state):
    """The training and test data (None when there is no test data)."""
    if (X_test is None) != (y_test is None):
        raise ValueError("X_test and y_test must be given together, or neither.")
    if X_test is not None:
        if test_size is not None:
            raise ValueError(
                "Give either X_test and y_test, or test_size to split X, not both "
                f"(got test_size={test_size!r})."
            )
        check_features(X_test, None)
        check_consistent_length(X_test, y_test)
        return X, y, X_test, np.asarray(y_test)
    if test_size is None:
        return X, y, None, None
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=test_size, stratify=y, random_state=random_state
    )
    return X_train, y_train, X_test, y_test


class BoundaryComparisonDisplay:
    """The decision boundaries of several classifiers on the same data.

    Small multiples, one :class:`DecisionBoundaryDisplay` per estimator on the
    same grid, each titled with the estimator's name and its accuracy on the
    training data and, when there is test data, on the test data: the guide's
    single neuron, shallow and deep network side by side, or a sweep of
    ``alpha`` or ``dropout`` where overfitting shows as a training accuracy
    that leaves the test accuracy behind. Test samples are ringed.

    Create it with :meth:`from_estimators`; every parameter is kept as an attribute.

    Parameters
    ----------
    names : list of str
        One per estimator, the panels' titles.
    xx0, xx1 : ndarray of shape (grid_resolution, grid_resolution)
        The meshgrid.
    responses : list of ndarray
        The response of each estimator on the grid, of shape
        (grid_resolution, grid_resolution) or (grid_resolution,
        grid_resolution, n_classes).
    n_classes : int
        Number of classes.
    train_scores : list of float
        Accuracy of each estimator on the training data.
    test_scores : list of float, default=None
        Accuracy of each estimator on the test data; None without test data.
    response_methods : list of str, default=None
        The response method that gave each response; probabilities are drawn
        on a fixed [0, 1] scale and decision functions on a scale symmetric
        about 0.
    samples : ndarray of shape (n_samples, 2), default=None
        The training samples, then the test samples.
    sample_labels : ndarray of shape (n_samples,), default=None
        Their classes.
    sample_predictions : list of ndarray of shape (n_samples,), default=None
        Each estimator's predicted classes for ``samples``.
    highlight : ndarray of shape (n_test, 2), default=None
        The test samples, which are ringed.
    classes : ndarray of shape (n_classes,), default=None
        The estimators' classes.
    xlabel, ylabel : str, default=None

    Attributes
    ----------
    estimators_ : list of estimator
        The fitted estimators, set by :meth:`from_estimators`.
    panels_ : list of DecisionBoundaryDisplay
        One per estimator.
    boundary_lines_ : list of matplotlib QuadContourSet or None
        Per panel, the line where the predicted class changes, for a binary
        problem drawn from probabilities or a decision function, where the
        change is sharp (see :meth:`DecisionBoundaryDisplay.plot`).
    legend_ : matplotlib Legend or None
        The one legend of all panels, below them.
    axes_ : ndarray of matplotlib Axes of shape (n_estimators,)
    figure_ : matplotlib Figure

    See Also
    --------
    DecisionBoundaryDisplay : The boundary of one fitted estimator.
    BoundaryEvolutionDisplay : The boundary of one estimator during training.

    Examples
    --------
    A single neuron (no hidden layer: logistic regression) against a shallow
    and a deep network:

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import make_moons
    >>> from sknetviz import MLPVisualClassifier
    >>> from sknetviz.inspection import BoundaryComparisonDisplay
    >>> X, y = make_moons(n_samples=200, noise=0.2, random_state=0)
    >>> networks = [MLPVisualClassifier(sizes, solver="lbfgs", max_iter=500,
    ...                                 random_state=0)
    ...             for sizes in [(), (8,), (32, 32, 32)]]
    >>> display = BoundaryComparisonDisplay.from_estimators(
    ...     networks, X, y, names=["single neuron", "shallow", "deep"],
    ...     test_size=0.3, random_state=0, grid_resolution=50)
    >>> display.names
    ['single neuron', 'shallow', 'deep']
    >>> display.train_scores[0] < display.train_scores[1]
    True
    """

    def __init__(
        self,
        *,
        names,
        xx0,
        xx1,
        responses,
        n_classes,
        train_scores,
        test_scores=None,
        response_methods=None,
        samples=None,
        sample_labels=None,
        sample_predictions=None,
        highlight=None,
        classes=None,
        xlabel=None,
        ylabel=None,
    ):
        self.names = names
        self.xx0 = xx0
        self.xx1 = xx1
        self.responses = responses
        self.n_classes = n_classes
        self.train_scores = train_scores
        self.test_scores = test_scores
        self.response_methods = response_methods
        self.samples = samples
        self.sample_labels = sample_labels
        self.sample_predictions = sample_predictions
        self.highlight = highlight
        self.classes = classes
        self.xlabel = xlabel
        self.ylabel = ylabel

    def _title(self, index):
        scores = f"train {self.train_scores[index]:.2f}"
        if self.test_scores is not None:
            scores = f"{scores}, test {self.test_scores[index]:.2f}"
        return f"{self.names[index]}\naccuracy: {scores}"

    @styled
    def plot(self, axes=None, *, ncols=None, plot_method="contourf", **kwargs):
        """Draw one panel per estimator.

        Parameters
        ----------
        axes : array-like of matplotlib Axes, default=None
            One Axes per estimator, in order; a new figure when None.
        ncols : int, default=None
            Panels per row of a new figure; when None, all of them up to 3,
            2 for 4 panels and 3 for more (rows that stay legible in a page).
        plot_method : {'contourf', 'contour', 'pcolormesh'}, default='contourf'
        **kwargs : dict
            Passed to every panel's :meth:`DecisionBoundaryDisplay.plot`.

        Returns
        -------
        display : BoundaryComparisonDisplay
        """
        check_plot_method(plot_method)
        n_panels = len(self.responses)
        figure, axes = panel_axes(n_panels, axes, ncols, "BoundaryComparisonDisplay")
        methods = self.response_methods or [None] * n_panels
        predictions = self.sample_predictions or [None] * n_panels
        self.panels_, self.boundary_lines_ = [], []
        for index, ax in enumerate(axes):
            response, method = self.responses[index], methods[index]
            panel = DecisionBoundaryDisplay(
                xx0=self.xx0,
                xx1=self.xx1,
                n_classes=self.n_classes,
                response=response,
                xlabel=self.xlabel,
                ylabel=self.ylabel,
                samples=self.samples,
                sample_labels=self.sample_labels,
                sample_predictions=predictions[index],
                highlight=self.highlight,
                classes=self.classes,
                title=self._title(index),
                response_method=method,
            )
            scale = response_scale([response], method, plot_method)
            self.panels_.append(
                panel.plot(plot_method=plot_method, ax=ax, **{**scale, **kwargs})
            )
            self.boundary_lines_.append(panel.boundary_line_)
        if self.highlight is not None:
            for panel in self.panels_:
                panel.highlight_.set_label("test")
                panel.legend_ = panel.ax_.legend()
        self.legend_ = shared_legend(figure, self.panels_)
        self.axes_ = axes
        self.figure_ = figure
        return self

    @classmethod
    def from_estimators(
        cls,
        estimators,
        X,
        y,
        *,
        names=None,
        X_test=None,
        y_test=None,
        test_size=None,
        random_state=None,
        grid_resolution=100,
        eps=1.0,
        response_method="auto",
        axes=None,
        ncols=None,
        **kwargs,
    ):
        """Fit what is not fitted and draw every estimator's boundary.

        Parameters
        ----------
        estimators : list of estimator
            Classifiers or Pipelines ending in one. Unfitted ones are cloned
            and the clones fitted on the training data; fitted ones are used
            as they are (their scores are still computed on the data given
            here).
        X : {array-like, dataframe} of shape (n_samples, 2)
            The training data, or all the data when ``test_size`` splits it.
        y : array-like of shape (n_samples,)
        names : list of str, default=None
            Titles of the panels; by default the class names, with the
            parameters that differ between estimators of the same class.
        X_test : {array-like, dataframe} of shape (n_test, 2), default=None
        y_test : array-like of shape (n_test,), default=None
            Test data, given together.
        test_size : float or int, default=None
            Split X and y with :func:`~sklearn.model_selection.train_test_split`
            (stratified) instead; without test data the titles show the
            training accuracy only.
        random_state : int, RandomState instance or None, default=None
            Seeds the split.
        grid_resolution : int, default=100
        eps : float, default=1.0
            Margin added around the range of all the samples.
        response_method : {'auto', 'decision_function', 'predict_proba', \
                'predict'}, default='auto'
            As in :class:`DecisionBoundaryDisplay`, for every estimator.
        axes : array-like of matplotlib Axes, default=None
            One Axes per estimator; a new figure when None.
        ncols : int, default=None
            Panels per row of a new figure; when None, all of them up to 3,
            2 for 4 panels and 3 for more (rows that stay legible in a page).
        **kwargs : dict
            Passed to :meth:`plot` (``plot_method``) and to every panel's
            :meth:`DecisionBoundaryDisplay.plot`.

        Returns
        -------
        display : BoundaryComparisonDisplay
        """
        estimators = list(estimators)
        if not estimators:
            raise ValueError("estimators must hold at least one estimator, got none.")
        for estimator in estimators:
            if not is_classifier(estimator):
                raise TypeError(
                    "BoundaryComparisonDisplay needs classifiers; got "
                    f"{type(estimator).__name__}. A regressor has no decision "
                    "boundary: draw its predictions with PredictionSurfaceDisplay."
                )
        names = _check_names(names, estimators)
        check_grid_arguments(grid_resolution, eps)
        check_features(X, None)
        check_consistent_length(X, y)
        y = np.asarray(y)
        X_train, y_train, X_test, y_test = _split(
            X, y, X_test, y_test, test_size, random_state
        )
        fitted = [
            estimator
            if is_fitted(estimator)
            else clone(estimator).fit(X_train, y_train)
            for estimator in estimators
        ]
        parts = [X_train] if X_test is None else [X_train, X_test]
        samples = np.vstack([as_array(part).astype(float) for part in parts])
        labels = np.concatenate([y_train] if y_test is None else [y_train, y_test])
        xx0, xx1 = meshgrid(samples[:, 0], samples[:, 1], grid_resolution, eps)

        responses, methods, predictions, n_classes = [], [], [], set()
        for estimator in fitted:
            response, classes_shown, method = grid_response(
                estimator,
                X_train,
                xx0,
                xx1,
                response_method=response_method,
                class_of_interest=None,
            )
            responses.append(response)
            methods.append(method)
            n_classes.add(classes_shown)
            predictions.append(
                np.concatenate([np.asarray(estimator.predict(part)) for part in parts])
            )
        if len(n_classes) > 1:
            raise ValueError(
                "The estimators disagree on the number of classes "
                f"({sorted(n_classes)}): fitted ones must have been fitted on "
                "the labels of y."
            )
        n_train = len(y_train)
        xlabel, ylabel = axis_labels(X)
        display = cls(
            names=names,
            xx0=xx0,
            xx1=xx1,
            responses=responses,
            n_classes=n_classes.pop(),
            train_scores=[
                float(accuracy_score(y_train, p[:n_train])) for p in predictions
            ],
            test_scores=None
            if y_test is None
            else [float(accuracy_score(y_test, p[n_train:])) for p in predictions],
            response_methods=methods,
            samples=samples,
            sample_labels=labels,
            sample_predictions=predictions,
            highlight=None if X_test is None else samples[n_train:],
            classes=getattr(fitted[0], "classes_", None),
            xlabel=xlabel,
            ylabel=ylabel,
        )
        display.estimators_ = fitted
        return display.plot(axes=axes, ncols=ncols, **kwargs)
