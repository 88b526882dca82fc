"""Notebook plots in Chromium: a real alt text each, and a dark zoom in the dark scheme."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageStat
from tests.e2e.conftest import SCREENSHOTS

from figblog.notebook_alt import PLACEHOLDER

pytestmark = [pytest.mark.site, pytest.mark.browser]

PLOTS = ".jupyter-wrapper .jp-RenderedImage img"


@pytest.fixture(scope="module")
def notebook_pages(pages_with) -> list[str]:
    return pages_with("jp-RenderedImage", missing="no notebook page has a plot")


def test_notebook_plots_have_real_alt_texts(new_page, notebook_pages):
    for url in notebook_pages:
        page = new_page(url)
        alts = page.eval_on_selector_all(PLOTS, "imgs => imgs.map(i => i.alt)")
        assert alts, f"{url}: no notebook plot in the page"
        for alt in alts:
            assert alt.strip() and alt != PLACEHOLDER, f"{url}: plot alt {alt!r}"
            assert len(alt.split()) >= 5, f"{url}: alt text too short to describe a plot: {alt!r}"


def _zoom(new_page: object, url: str, scheme: str) -> tuple[Image.Image, Image.Image, str]:
    """Open the first notebook plot in the lightbox: (inline shot, zoomed shot, zoom filter)."""
    page = new_page(url, scheme)
    link = page.locator(f"{PLOTS.rsplit(' img', 1)[0]} a.glightbox").first
    link.scroll_into_view_if_needed()
    inline = Image.open(io.BytesIO(link.locator("img").screenshot()))
    link.click()
    zoomed = page.locator(".gslide-image img").first
    zoomed.wait_for(state="visible")
    page.wait_for_timeout(600)  # the opening animation
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"notebook-zoom-{scheme}.png")
    shot = Image.open(io.BytesIO(zoomed.screenshot()))
    return inline, shot, zoomed.evaluate("i => getComputedStyle(i).filter")


def _brightness(picture: Image.Image) -> float:
    return ImageStat.Stat(picture.convert("L")).mean[0]


def test_notebook_plot_zoom_follows_the_colour_scheme(new_page, notebook_pages):
    url = notebook_pages[0]
    light_inline, light_zoom, light_filter = _zoom(new_page, url, "light")
    dark_inline, dark_zoom, dark_filter = _zoom(new_page, url, "dark")
    assert light_filter == "none"
    assert "invert" in dark_filter, dark_filter
    # Plots are drawn on white: mostly bright in the light scheme, mostly dark once inverted,
    # and the zoomed copy looks like the plot on the page in each scheme.
    assert _brightness(light_zoom) > 200 and _brightness(light_inline) > 200
    assert _brightness(dark_inline) < 80, _brightness(dark_inline)
    assert _brightness(dark_zoom) < 80, _brightness(dark_zoom)


def test_notebook_pages_carry_no_unused_jupyterlab_css_nor_dead_scripts(site_dir, notebook_pages):
    """nbconvert's template put 590 kB of JupyterLab CSS in the page (figblog.notebook_slim)."""
    import re

    for url in notebook_pages:
        html = (site_dir / url / "index.html").read_text("utf-8")
        css = sum(len(m) for m in re.findall(r"<style\b[^>]*>(.*?)</style>", html, re.S))
        assert css < 100_000, f"{url}: {css} bytes of inline CSS"
        assert "jp-Toolbar" not in html and "text/x-mathjax-config" not in html, url
        assert "cdnjs.cloudflare.com" not in html, f"{url}: a script from a CDN"
