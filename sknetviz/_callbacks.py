"""scikit-learn's callbacks (sklearn.callback, scikit-learn >= 1.9) as a hook.

An estimator's fit is one callback task and each epoch (or L-BFGS iteration)
is one subtask, so ``ProgressBar`` shows epochs and ``ScoringMonitor`` scores
the model after each of them, also inside a Pipeline or GridSearchCV. Older
scikit-learn has no callbacks: the estimators then lack ``set_callbacks``
and train as before.
"""

import copy

from ._training import Hook

try:
    from sklearn.callback import CallbackSupportMixin
except ImportError:  # scikit-learn < 1.9

    class CallbackSupportMixin:
        """scikit-learn < 1.9 has no callbacks: nothing to add."""

    SKLEARN_HAS_CALLBACKS = False
else:
    SKLEARN_HAS_CALLBACKS = True


def start_fit_task(estimator, n_epochs):
    """Open the callback task of a fit call with ``n_epochs`` epoch subtasks.

    Returns the task's context, or None on scikit-learn without callbacks.
    scikit-learn's ``_fit_context`` decorator tears the callbacks down when
    the call returns or fails.
    """
    if not SKLEARN_HAS_CALLBACKS:
        return None
    return estimator._init_callback_context(max_subtasks=n_epochs)


class SklearnCallbacks(Hook):
    """Report each epoch to scikit-learn's callbacks as a subtask of the fit task.

    Parameters
    ----------
    estimator : BaseNetClassifier
        The estimator being fitted; callbacks receive it, and a copy with its
        fitted attributes as of the epoch's end when they ask for a fitted
        estimator (``ScoringMonitor`` does).
    context : sklearn.callback.CallbackContext
        The fit call's task.
    X, y : array-like
        The training data, passed to the callbacks.
    metadata : dict or None
        Passed to the callbacks (``sample_weight``).
    """

    def __init__(self, estimator, context, X, y, metadata):
        self.estimator = estimator
        self.context = context
        self.data = dict(X=X, y=y, metadata=metadata)
        self.task = None

    def on_epoch_begin(self, state):
        self._begin_task()

    def on_epoch_end(self, state):
        if self.task is None:  # L-BFGS reports only the ends of its iterations
            self._begin_task()
        # Forget the task first: an interrupt during its end hooks must not
        # end it a second time in on_train_end.
        task, self.task = self.task, None
        stop = task.call_on_fit_task_end(
            estimator=self.estimator,
            reconstruction_attributes=self._fitted_attributes,
            **self.data,
        )
        if stop:
            state.stop = True

    def on_train_end(self, state):
        if self.task is not None:  # an interrupted epoch: end it, empty
            self.task.call_on_fit_task_end(estimator=self.estimator)
            self.task = None

    def _begin_task(self):
        self.task = self.context.subcontext(task_name="epoch")
        self.task.call_on_fit_task_begin(estimator=self.estimator, **self.data)

    def _fitted_attributes(self):
        """The fitted attributes the estimator would have if fit ended now."""
        probe = copy.copy(self.estimator)
        probe._set_fitted_attributes()
        return {
            name: value
            for name, value in vars(probe).items()
            if name.endswith("_") and not name.startswith("_")
        }
