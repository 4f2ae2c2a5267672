"""sphinx-gallery's matplotlib scraper, saving figures at the style's dpi.

sphinx-gallery saves at matplotlib's default of 100 dpi; the gallery's
multi-panel figures need the 150 dpi every other sknetviz picture has
(``sknetviz.inspection._style.DPI``). Named in conf.py's ``image_scrapers``
by module, so that the configuration stays picklable.
"""

from sphinx_gallery.scrapers import matplotlib_scraper

from sknetviz.inspection._style import DPI


class StyledScraper:
    """Call sphinx-gallery's scraper with ``dpi=DPI``."""

    def __repr__(self):
        return f"StyledScraper(dpi={DPI})"

    def __call__(self, block, block_vars, gallery_conf):
        return matplotlib_scraper(block, block_vars, gallery_conf, dpi=DPI)


def _get_sg_image_scraper():
    return StyledScraper()
