"""Doctests that read optional data skip where that data is not installed."""

import importlib.util

import pytest

NEEDS_AEON = ("sknetviz.datasets.load_japanese_vowels",)
"""Doctests that read data shipped inside aeon's wheel (the sequences extra)."""


def pytest_collection_modifyitems(config, items):
    if importlib.util.find_spec("aeon") is not None:
        return
    skip = pytest.mark.skip(
        reason="the data ships inside aeon: pip install 'sknetviz[sequences]'"
    )
    for item in items:
        if item.name in NEEDS_AEON:
            item.add_marker(skip)
