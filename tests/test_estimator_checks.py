"""scikit-learn's estimator contract, run over every public estimator."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from sknetviz import MLPVisualClassifier

ESTIMATORS = [
    MLPVisualClassifier(max_iter=100),
    MLPVisualClassifier(hidden_layer_sizes=(20, 10), dropout=0.2, max_iter=100),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
