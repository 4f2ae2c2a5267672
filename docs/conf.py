"""Sphinx configuration for the sknetviz documentation.

The build must work offline: no intersphinx inventories, no theme icons or
links that need the network. ``make docs`` builds with warnings as errors.
"""

import os
import sys
from pathlib import Path

DOCS_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS_DIR.parent))
sys.path.insert(0, str(DOCS_DIR / "sphinxext"))

import sknetviz  # noqa: E402

project = "sknetviz"
author = "the sknetviz developers"
copyright = "2026, the sknetviz developers"
release = sknetviz.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "myst_parser",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "sg_execution_times.rst"]
templates_path = ["_templates"]

# -- autodoc / autosummary / numpydoc ----------------------------------------

autosummary_generate = True
autosummary_imported_members = False
autodoc_default_options = {"members": True}
autodoc_typehints = "none"
# The templates' autoclass :members: documents the methods; numpydoc listing
# them again would give each one two entries and duplicate-toctree warnings.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True

# -- MyST ---------------------------------------------------------------------

myst_enable_extensions = ["colon_fence"]
myst_heading_anchors = 3

# -- sphinx-gallery -----------------------------------------------------------

# Examples run headless, whether or not the caller set MPLBACKEND.
os.environ.setdefault("MPLBACKEND", "Agg")

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": "/plot_",
    "image_scrapers": ("styled_scraper",),
    "within_subsection_order": "gallery_order.ChapterOrder",
    "run_stale_examples": False,
    "only_warn_on_example_error": False,
    "abort_on_example_error": False,
    "remove_config_comments": True,
    "download_all_examples": False,
    "show_memory": False,
    "reset_modules": ("matplotlib",),
    "matplotlib_animations": False,
    "doc_module": ("sknetviz",),
    "backreferences_dir": "generated/backreferences",
    "reference_url": {"sknetviz": None},
    "write_computation_times": False,
    # Every figure at the style's 150 dpi (docs/sphinxext/styled_scraper.py):
    # sharp text in multi-panel figures without a second, 2x copy of each.
    # A cell ending in a display or a matplotlib call would print its repr
    # (<...Display object at 0x...>) under the code: never print those.
    "ignore_repr_types": r"matplotlib\.|sknetviz\.",
}

# -- HTML ---------------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = f"sknetviz {release}"
html_static_path = ["_static"]
html_css_files = ["sknetviz.css"]
html_theme_options = {
    "icon_links": [],
    "header_links_before_dropdown": 4,
    "navbar_end": ["theme-switcher", "navbar-icon-links"],
    "show_prev_next": True,
    "navigation_with_keys": False,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_show_sourcelink = False
html_copy_source = False
