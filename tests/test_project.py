"""What the project promises about its set-up: what CI runs, on which versions."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _lower_bounds():
    """pyproject's runtime dependencies and their lower bounds."""
    text = (ROOT / "pyproject.toml").read_text()
    block = text.split("\ndependencies = [")[1].split("]")[0]
    return dict(re.findall(r'"([\w-]+)>=([\d.]+)"', block))


def _recipe(target):
    """The commands a Makefile target runs, as one string."""
    makefile = (ROOT / "Makefile").read_text()
    return makefile.split(f"\n{target}:")[1].split("\n\n")[0]


def test_the_oldest_ci_leg_pins_pyprojects_lower_bounds():
    # CI's second test run (make test-oldest) must test the oldest versions
    # pyproject admits, or the lower bounds are a guess.
    pins = dict(
        re.fullmatch(r"([\w-]+)==([\d.]+)", line).groups()
        for line in (ROOT / "ci" / "oldest-constraints.txt").read_text().splitlines()
        if line and not line.startswith("#")
    )
    bounds = _lower_bounds()
    assert set(pins) == set(bounds)
    for name, bound in bounds.items():
        # The pin is the bound's release line (1.6 -> 1.6.x).
        assert pins[name].split(".")[:2] == bound.split(".")[:2], name
    assert bounds["scikit-learn"] == "1.6"


def test_ci_runs_both_version_legs_with_coverage_and_the_docs():
    ci = (ROOT / ".ci" / "run").read_text().split()
    assert ci.index("test") < ci.index("test-oldest") < ci.index("docs")
    test_recipe = _recipe("test")
    assert "--cov=sknetviz" in test_recipe
    assert "--cov-fail-under=90" in test_recipe


def test_make_demo_is_the_quick_tour_and_make_tour_the_full_one():
    # make demo is the Quickstart's first command, and the README's and
    # `python -m sknetviz demo`'s quick tour; make tour is the full one.
    assert "-m sknetviz tour --quick " in _recipe("demo")
    full = _recipe("tour")
    assert "-m sknetviz tour " in full
    assert "--quick" not in full
