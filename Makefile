# The two commands of the README's Quickstart; each sets up .venv from python3 alone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	MPLBACKEND=Agg $(BIN)/python -m sknetviz demo

test: $(VENV)/.installed-test
	MPLBACKEND=Agg $(BIN)/python -m pytest -q
	$(BIN)/ruff check sknetviz tests benchmarks examples

bench: $(VENV)/.installed
	$(BIN)/python benchmarks/bench_mlp.py
	$(BIN)/python benchmarks/bench_plots.py
	$(BIN)/python benchmarks/bench_cnn.py

clean:
	rm -rf $(VENV) build *.egg-info
