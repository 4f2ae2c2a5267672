# The two commands of the README's Quickstart; each sets up .venv from python3 alone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test docs bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed

$(VENV)/.installed-docs: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[docs]"
	touch $@ $(VENV)/.installed

# The tour: every figure of the guide from real training, with an index.html.
demo: $(VENV)/.installed
	MPLBACKEND=Agg $(BIN)/python -m sknetviz tour --out sknetviz-tour

test: $(VENV)/.installed-test
	MPLBACKEND=Agg $(BIN)/python -m pytest -q --cov=sknetviz --cov-report=term:skip-covered --cov-fail-under=90
	$(BIN)/ruff check sknetviz tests benchmarks examples docs

# The HTML docs, gallery examples run, warnings treated as errors.
docs: $(VENV)/.installed-docs
	MPLBACKEND=Agg $(BIN)/python -m sphinx -W --keep-going -b html docs docs/_build/html

bench: $(VENV)/.installed
	$(BIN)/python benchmarks/bench_mlp.py
	$(BIN)/python benchmarks/bench_plots.py
	$(BIN)/python benchmarks/bench_cnn.py

clean:
	rm -rf $(VENV) build *.egg-info docs/_build docs/auto_examples docs/generated sknetviz-tour
