# The commands of the README's Quickstart; each sets up .venv from python3 alone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo tour test test-oldest baselines docs bench accuracy clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

# The newest-versions leg also gets the real sequence data, which ships inside
# aeon's wheel. sknetviz only reads aeon's files, never imports it, so aeon is
# installed without its dependencies: numba would hold numpy below its newest
# release, and this leg tests the newest. (The oldest leg goes without aeon,
# which needs numpy 2, and its tests skip.) Users take the `sequences` extra.
$(VENV)/.installed-test: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[test]"
	$(BIN)/python -m pip install --quiet --no-deps "aeon>=1.0"
	touch $@ $(VENV)/.installed

# A second environment with the oldest supported numpy, scipy, scikit-learn
# and matplotlib (pyproject's lower bounds), for CI's second test run.
VENV_OLDEST := .venv-oldest

$(VENV_OLDEST)/.installed: pyproject.toml ci/oldest-constraints.txt
	$(PYTHON) -m venv $(VENV_OLDEST)
	$(VENV_OLDEST)/bin/python -m pip install --quiet --upgrade pip
	$(VENV_OLDEST)/bin/python -m pip install --quiet -c ci/oldest-constraints.txt -e ".[test]"
	touch $@

$(VENV)/.installed-docs: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[docs]"
	touch $@ $(VENV)/.installed

# The tour: every figure of the guide from real training, with an index.html.
# `demo` is the quick one (less data, fewer epochs), `tour` the full one.
demo: $(VENV)/.installed
	MPLBACKEND=Agg $(BIN)/python -m sknetviz tour --quick --out sknetviz-tour

# The README shows three of the full tour's pictures: `make tour` refreshes them.
README_PICTURES := 05_boundary_evolution.png 06_cnn_feature_maps.png 07_depth_comparison.png

tour: $(VENV)/.installed
	MPLBACKEND=Agg $(BIN)/python -m sknetviz tour --out sknetviz-tour
	cd sknetviz-tour && cp $(README_PICTURES) ../docs/_static/tour/

VERSIONS := import numpy, scipy, sklearn, matplotlib; print("numpy", numpy.__version__, "scipy", scipy.__version__, "scikit-learn", sklearn.__version__, "matplotlib", matplotlib.__version__)

# One pytest worker per core; a test file stays on one worker, so that a
# module's fixtures (the quick tour) run once.
PARALLEL := -n auto --dist loadfile

test: $(VENV)/.installed-test
	$(BIN)/python -c '$(VERSIONS)'
	MPLBACKEND=Agg $(BIN)/python -m pytest -q $(PARALLEL) --cov=sknetviz --cov-report=term:skip-covered --cov-fail-under=90
	$(BIN)/ruff check sknetviz tests benchmarks examples docs

# The test suite against the oldest supported versions (coverage is measured
# in `make test`, against the newest).
test-oldest: $(VENV_OLDEST)/.installed
	$(VENV_OLDEST)/bin/python -c '$(VERSIONS)'
	MPLBACKEND=Agg $(VENV_OLDEST)/bin/python -m pytest -q $(PARALLEL)

# Redraw the baseline images of the image-comparison tests after an intended
# change of look (docs/contributing.md); commit them with the change.
baselines: $(VENV)/.installed-test
	MPLBACKEND=Agg $(BIN)/python tests/inspection/test_images.py

# The HTML docs, gallery examples run, warnings treated as errors.
docs: $(VENV)/.installed-docs
	MPLBACKEND=Agg $(BIN)/python -m sphinx -W --keep-going -b html docs docs/_build/html

bench: $(VENV)/.installed
	$(BIN)/python benchmarks/bench_mlp.py
	$(BIN)/python benchmarks/bench_plots.py
	$(BIN)/python benchmarks/bench_cnn.py
	$(BIN)/python benchmarks/bench_landscape.py
	$(BIN)/python benchmarks/bench_rnn.py

# Accuracy on load_digits, 5-fold, beside scikit-learn's MLPClassifier: the
# figures README and docs/cnn.md quote (minutes: the CNN's five fits dominate).
accuracy: $(VENV)/.installed
	$(BIN)/python benchmarks/bench_accuracy.py
	$(BIN)/python benchmarks/bench_rnn_accuracy.py

clean:
	rm -rf $(VENV) $(VENV_OLDEST) build *.egg-info docs/_build docs/auto_examples docs/generated sknetviz-tour sknetviz-demo
