"""scikit-learn's own DecisionBoundaryDisplay tests, run against sknetviz's display.

The test module of the installed scikit-learn is imported, its
``DecisionBoundaryDisplay`` global is replaced by ours for each test, and every
one of its ``test_*`` functions is collected here with its parametrize marks,
under its own name. Whatever scikit-learn version is installed, its own version
of the file runs: a test it lacks is reported as skipped here, not as passed.
A test that does not apply to our display is listed in :data:`KNOWN_DIFFERENCES`
with the reason, and skipped.
"""

import functools
import importlib
import inspect

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402
import sklearn  # noqa: E402
from sklearn.utils.fixes import parse_version  # noqa: E402

from sknetviz.inspection import DecisionBoundaryDisplay  # noqa: E402

SKLEARN_TESTS = importlib.import_module(
    "sklearn.inspection._plot.tests.test_boundary_decision_display"
)

PRIVATE_HELPER = (
    "checks scikit-learn's private helper _check_boundary_response_method, "
    "which sknetviz's display does not call"
)
KNOWN_DIFFERENCES = {
    "test_check_boundary_response_method": PRIVATE_HELPER,
    "test_check_boundary_response_method_error": PRIVATE_HELPER,
}
"""dict: scikit-learn test name (or test id) -> why it is not run against our
display. A name excuses every parametrization of the test."""

if parse_version(sklearn.__version__) < parse_version("1.7"):
    MULTICLASS_SURFACES = (
        "scikit-learn < 1.7 refuses multiclass predict_proba and decision_function "
        "(and 'auto' draws predict); ours draws one surface per class, as 1.7+ does"
    )
    KNOWN_DIFFERENCES.update(
        {
            "test_multiclass_error": MULTICLASS_SURFACES,
            "test_multiclass[auto]": MULTICLASS_SURFACES,
            "test_class_of_interest_multiclass": MULTICLASS_SURFACES,
            "test_regressor_unsupported_response": (
                "scikit-learn < 1.7's wording for a regressor asked for "
                "predict_proba; ours, like scikit-learn 1.9, says the method is "
                "missing and tries a list of methods in order"
            ),
        }
    )

MUST_PASS = ("test_n_classes_raises_if_not_inferable",)
"""Tests our display must pass wherever the installed scikit-learn has them."""


@pytest.fixture
def pyplot():
    """scikit-learn's ``pyplot`` fixture (from its conftest): pyplot, closed
    before and after the test."""
    import matplotlib.pyplot as plt

    plt.close("all")
    yield plt
    plt.close("all")


@pytest.fixture(autouse=True)
def sknetviz_display(request, monkeypatch):
    """Every scikit-learn test here builds sknetviz's display, not its own;
    a known difference is skipped with its reason."""
    for key in (request.node.name, getattr(request.node, "originalname", None)):
        if key in KNOWN_DIFFERENCES:
            pytest.skip(KNOWN_DIFFERENCES[key])
    monkeypatch.setattr(
        SKLEARN_TESTS, "DecisionBoundaryDisplay", DecisionBoundaryDisplay
    )


def _sklearn_test_names():
    return sorted(
        name
        for name, test in vars(SKLEARN_TESTS).items()
        if name.startswith("test_") and inspect.isfunction(test)
    )


def _against_our_display(test):
    """``test`` with its own marks (parametrize included) and fixtures, under
    its own name."""

    @functools.wraps(test)
    def run(*args, **kwargs):
        return test(*args, **kwargs)

    return run


def _fixture_names(test):
    parametrized = {
        name.strip()
        for mark in getattr(test, "pytestmark", [])
        if mark.name == "parametrize"
        for name in (
            mark.args[0].split(",") if isinstance(mark.args[0], str) else mark.args[0]
        )
    }
    return [
        name for name in inspect.signature(test).parameters if name not in parametrized
    ]


def _lacking(name):
    def run():
        pytest.skip(f"scikit-learn {sklearn.__version__} has no {name}")

    run.__name__ = name
    return run


for _name in _sklearn_test_names():
    _test = getattr(SKLEARN_TESTS, _name)
    globals()[_name] = _against_our_display(_test)
    # The module's own fixtures (fitted_clf, ...) are collected from here too.
    for _fixture in _fixture_names(_test):
        if _fixture != "pyplot" and hasattr(SKLEARN_TESTS, _fixture):
            globals()[_fixture] = getattr(SKLEARN_TESTS, _fixture)
for _name in MUST_PASS:
    if _name not in globals():
        globals()[_name] = _lacking(_name)


def test_must_pass_tests_are_not_excused():
    assert not set(MUST_PASS) & set(KNOWN_DIFFERENCES)


def test_the_harness_found_sklearn_tests():
    names = _sklearn_test_names()
    assert "test_input_data_dimension" in names
    assert len(names) > 20
