"""Every page of the built site, in both colour schemes, loads cleanly in Chromium.

Clean means: nothing logged as an error, no request failed, nothing requested from another
host than 127.0.0.1 (such requests are aborted and recorded), and every image a reader can
see is decoded. Each page is loaded once per scheme (see ``visits`` in conftest.py); a
full-page screenshot of each post lands in test-artifacts/screenshots/.
"""

from __future__ import annotations

import pytest

from .conftest import SCHEMES, SCREENSHOTS

pytestmark = pytest.mark.browser


def _report(found: dict[str, list[str]]) -> str:
    return "\n".join(f"{page or '/'}:\n  " + "\n  ".join(items) for page, items in found.items())


@pytest.mark.parametrize("scheme", SCHEMES)
def test_no_console_errors(visits, scheme):
    found = {v.url: v.console_errors for v in visits(scheme) if v.console_errors}
    assert not found, "console errors:\n" + _report(found)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_no_failed_requests(visits, scheme):
    found = {v.url: v.failed for v in visits(scheme) if v.failed}
    assert not found, "failed requests:\n" + _report(found)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_nothing_requested_from_another_host(visits, scheme):
    found = {v.url: v.offsite for v in visits(scheme) if v.offsite}
    assert not found, "requests that left 127.0.0.1 (aborted):\n" + _report(found)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_visible_image_is_decoded(visits, scheme):
    found = {
        v.url: [
            f"{img['src'][:100]} (naturalWidth 0)" for img in v.images if not img["naturalWidth"]
        ]
        for v in visits(scheme)
    }
    found = {url: items for url, items in found.items() if items}
    assert not found, "images that did not load:\n" + _report(found)


def test_figures_load_on_posts_and_indexes(visits, pages_with):
    """Figures are checked where they appear: posts, and the indexes that show their excerpts."""
    with_figures = set(pages_with("#only-light"))
    if not with_figures:
        pytest.skip("no page of the site shows a figure yet")
    for visit in visits("light"):
        if visit.url in with_figures:
            shown = [img["src"] for img in visit.images]
            assert any(s.endswith("#only-light") for s in shown), f"{visit.url}: no light figure"
            assert not any(s.endswith("#only-dark") for s in shown), f"{visit.url}: dark shown"


@pytest.mark.parametrize("scheme", SCHEMES)
def test_each_post_has_a_screenshot(visits, posts, scheme):
    visits(scheme)
    for post in posts:
        name = post.rstrip("/").rsplit("/", 1)[-1]
        shot = SCREENSHOTS / f"{name}-{scheme}.png"
        assert shot.is_file() and shot.stat().st_size > 10_000, f"no screenshot {shot}"
