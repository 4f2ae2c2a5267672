"""The classifier part of sknetviz's estimators: labels, ``classes_``,
``predict_proba``, the stratified early-stopping split and accuracy."""

import numpy as np
from sklearn.base import ClassifierMixin, _fit_context
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import (
    _check_partial_fit_first_call,
    check_classification_targets,
    type_of_target,
    unique_labels,
)
from sklearn.utils.validation import column_or_1d

from ._base import has_stochastic_solver


class NetClassifierMixin(ClassifierMixin):
    """What a classifier adds to :class:`~sknetviz._base.BaseNet`.

    Targets are class labels (or a label-indicator matrix for multilabel
    problems), binarized for the network; the output is a softmax over
    the classes, or a logistic unit per label.
    """

    @available_if(has_stochastic_solver)
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """Update the model with one epoch over the given data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.
        classes : array-like of shape (n_classes,), default=None
            Every class across all calls. Required on the first call; ``y``
            need not contain them all.

        Returns
        -------
        self : object
            The updated estimator.
        """
        return self._fit(
            X, y, sample_weight=sample_weight, incremental=True, classes=classes
        )

    @_fit_context(prefer_skip_nested_validation=True)
    def initialize(self, X, y, classes=None):
        """Set up a new network for X and y without training it: epoch 0.

        The weights are drawn exactly as the first call to ``fit`` or
        ``partial_fit`` would draw them, and a following ``partial_fit``
        continues from here as if it had set them up itself. The model
        predicts (with its random weights) and ``history_`` is empty. This is
        the guide's "random initialisation" picture, made real.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Data whose shape and dtype the network is built for.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets; their labels must be among ``classes``.
        classes : array-like of shape (n_classes,), default=None
            Every class the model will know; the labels of ``y`` when None.

        Returns
        -------
        self : object
            The estimator, with fitted attributes and ``n_iter_ == 0``.

        Examples
        --------
        >>> from sklearn.datasets import make_moons
        >>> from sknetviz import MLPVisualClassifier
        >>> X, y = make_moons(n_samples=100, random_state=0)
        >>> clf = MLPVisualClassifier((8,), random_state=0).initialize(X, y)
        >>> clf.n_iter_, clf.history_, clf.predict(X[:3]).shape
        (0, [], (3,))
        """
        if classes is None and not type_of_target(y).startswith("multilabel"):
            classes = unique_labels(y)
        return self._fit(X, y, incremental=True, classes=classes, train=False)

    def _first_partial_fit(self, y, classes):
        if _check_partial_fit_first_call(self, classes):
            self._label_binarizer = LabelBinarizer()
            self._label_binarizer.fit(
                y if type_of_target(y).startswith("multilabel") else classes
            )

    def _encode_targets(self, X, y, incremental, first_pass):
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        if not hasattr(self, "classes_") or (not self.warm_start and not incremental):
            self._label_binarizer = LabelBinarizer()
            self._label_binarizer.fit(y)
            self.classes_ = self._label_binarizer.classes_
        else:
            classes = unique_labels(y)
            if self.warm_start and not incremental:
                if set(classes) != set(self.classes_):
                    raise ValueError(
                        "warm_start can only be used where `y` has the same classes "
                        "as in the previous call to fit. Previously got "
                        f"{self.classes_}, "
                        f"`y` has {classes}."
                    )
            elif len(np.setdiff1d(classes, self.classes_, assume_unique=True)):
                raise ValueError(
                    f"`y` has classes not in `self.classes_`. `self.classes_` has "
                    f"{self.classes_}. 'y' has {classes}."
                )
        return self._label_binarizer.transform(y).astype(X.dtype), y

    def _output_activation(self):
        if self._label_binarizer.y_type_ == "multiclass":
            return "softmax"
        return "logistic"

    def _stratify(self, Y, y):
        # Binary targets go in as MLPClassifier passes them, its binarized
        # column: the same split as the labels give, and scikit-learn's own
        # message. Multilabel rows are not stratified: most label
        # combinations are too rare for it.
        if self._label_binarizer.y_type_.startswith("multilabel"):
            return None
        return Y.astype(bool) if Y.shape[1] == 1 else y

    def _score_outputs(self, Y, P, sample_weight):
        """Accuracy (for multilabel targets, the subset accuracy)."""
        if self._state.objective.out_activation == "softmax":
            correct = P.argmax(axis=1) == Y.argmax(axis=1)
        else:
            correct = ((P > 0.5) == (Y > 0.5)).all(axis=1)
        return np.average(correct, weights=sample_weight)

    def predict_proba(self, X):
        """Probability estimates.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y_prob : ndarray of shape (n_samples, n_classes)
            The probability of each class, in the order of ``classes_``.
        """
        P = self._forward_output(X)
        if self.n_outputs_ == 1 and len(self.classes_) == 1:
            # Fitted on one class (MLPClassifier would give two columns here):
            # that class is certain, and there is one column per class.
            return np.ones_like(P)
        if self.n_outputs_ == 1:
            P = P.ravel()
            return np.column_stack([1 - P, P])
        return P

    def predict_log_proba(self, X):
        """Log of probability estimates.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        log_y_prob : ndarray of shape (n_samples, n_classes)
            ``log(predict_proba(X))``.
        """
        P = self.predict_proba(X)
        with np.errstate(divide="ignore"):
            return np.log(P, out=P)

    def predict(self, X):
        """Predict class labels.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_classes)
            The predicted classes (an indicator matrix for multilabel targets).
        """
        P = self._forward_output(X)
        if self.n_outputs_ == 1:
            P = P.ravel()
        return self._label_binarizer.inverse_transform(P)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags
