"""GridSearchCV over sknetviz estimators on a dask.distributed cluster (joblib's
dask backend): the same search, the same result as with n_jobs=1."""

import warnings

import distributed
import pytest
from joblib import parallel_backend
from numpy.testing import assert_allclose
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknetviz import MLPVisualClassifier, SimpleCNNClassifier

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def client():
    # Two worker processes on loopback: estimators, data and results cross
    # process boundaries by pickle, as on a real cluster.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cluster = distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        )
    with cluster, distributed.Client(cluster) as client:
        yield client


@pytest.mark.parametrize(
    "estimator, grid",
    [
        (
            make_pipeline(
                StandardScaler(), MLPVisualClassifier(max_iter=30, random_state=0)
            ),
            {
                "mlpvisualclassifier__alpha": [1e-4, 1e-1],
                "mlpvisualclassifier__hidden_layer_sizes": [(8,), (32,)],
            },
        ),
        (
            SimpleCNNClassifier(max_iter=5, random_state=0),
            {"filters": [(4,), (8,)], "dropout": [0.0, 0.25]},
        ),
    ],
    ids=["mlp-pipeline", "cnn"],
)
def test_grid_search_on_a_dask_cluster_matches_n_jobs_1(client, estimator, grid):
    X, y = load_digits(return_X_y=True)
    X, y = X[:500] / 16, y[:500]
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    local = GridSearchCV(estimator, grid, cv=cv, n_jobs=1).fit(X, y)
    with distributed.get_task_stream(client) as tasks, parallel_backend("dask"):
        remote = GridSearchCV(estimator, grid, cv=cv, n_jobs=-1).fit(X, y)
    # The fits really ran on the cluster's workers (joblib sends them in
    # batches, so there may be fewer tasks than the 12 fits).
    workers = set(client.scheduler_info()["workers"])
    assert tasks.data and {task["worker"] for task in tasks.data} <= workers
    assert remote.best_params_ == local.best_params_
    for key in ["mean_test_score", "std_test_score", "split0_test_score"]:
        assert_allclose(remote.cv_results_[key], local.cv_results_[key], rtol=1e-12)
    assert_allclose(remote.predict_proba(X), local.predict_proba(X), rtol=1e-10)
