"""Social cards on every page and lead-figure thumbnails on the blog's lists, in the built site.

The card tags are read from the session site's HTML; the thumbnails are checked in Chromium:
their sizes, the variant each colour scheme shows (also after the palette toggle), and that
nothing moves when they arrive.
"""

from __future__ import annotations

import re
from html import unescape

import pytest
from mkdocs.utils.meta import get_data
from PIL import Image

from figblog.sitecheck import REPO, SCROLL_THROUGH_JS

pytestmark = pytest.mark.browser

THUMB = "a.figblog-thumb img"
LISTS = ("blog/", "blog/archive/2026/", "blog/category/machine-learning/")
# Sum of the layout shifts the page saw, up to now (buffered: from the start of the load).
CLS_JS = """() => new Promise((done) => {
  let total = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (!e.hadRecentInput) total += e.value;
  }).observe({type: "layout-shift", buffered: true});
  setTimeout(() => done(total), 300);
})"""


def card_tags(html: str) -> dict[str, str]:
    pairs = re.findall(r'<meta (?:property|name)="((?:og|twitter):[^"]+)" content="([^"]*)"', html)
    return {key: unescape(value) for key, value in pairs}


def published(site_dir, site_url: str, url: str):
    assert url.startswith(site_url), f"{url} is not absolute under {site_url}"
    return site_dir / url.removeprefix(site_url)


def test_every_post_has_a_card_of_its_lead_figure(site_dir, posts, site_url_config):
    assert posts
    descriptions = {}  # slug -> the front matter's description
    for source in (REPO / "docs" / "blog" / "posts").glob("*.md"):
        _, meta = get_data(source.read_text("utf-8"))
        descriptions[meta["slug"]] = meta["description"]
    for post in posts:
        html = (site_dir / post / "index.html").read_text("utf-8")
        tags = card_tags(html)
        assert tags["og:type"] == "article", post
        assert tags["og:url"] == site_url_config + post
        assert tags["og:title"] and tags["og:title"] == tags["twitter:title"]
        assert tags["og:description"] == descriptions[post.rstrip("/").rsplit("/", 1)[-1]]
        assert tags["twitter:card"] == "summary_large_image"
        assert tags["twitter:image"] == tags["og:image"]
        assert (tags["og:image:width"], tags["og:image:height"]) == ("1200", "630")
        assert len(tags["og:image:alt"]) > 20 and "{{" not in tags["og:image:alt"], post
        with Image.open(published(site_dir, site_url_config, tags["og:image"])) as card:
            assert card.size == (1200, 630), post
        # The lead figure: the card is made from a picture the post shows in the light scheme.
        stem = re.search(r"/([^/]+)\.card\.[0-9a-f]{8}\.light\.png$", tags["og:image"])
        assert stem and re.search(rf"/{re.escape(stem[1])}\.[0-9a-f]{{8}}\.light\.", html), post


def test_pages_that_are_not_posts_get_the_site_card(site_dir, pages, posts, site_url_config):
    others = [p for p in pages if p not in posts]
    assert "" in others and "blog/" in others
    for page in others:
        tags = card_tags((site_dir / page / "index.html").read_text("utf-8"))
        assert tags["og:type"] == "website", page
        assert tags["og:url"] == site_url_config + page
        with Image.open(published(site_dir, site_url_config, tags["og:image"])) as card:
            assert card.size == (1200, 630)
        assert tags["og:image:alt"]


def _thumbs(page) -> list[dict]:
    return page.locator(THUMB).evaluate_all(
        """imgs => imgs.map(i => ({src: i.getAttribute('src'), shown: i.offsetParent !== null,
             loading: i.loading, w: i.getAttribute('width'), h: i.getAttribute('height'),
             box: [i.getBoundingClientRect().width, i.getBoundingClientRect().height],
             natural: [i.naturalWidth, i.naturalHeight], done: i.complete}))"""
    )


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_list_thumbnails_follow_the_scheme_small_sized_and_still(new_page, url, scheme):
    page = new_page(url, scheme)
    page.evaluate(SCROLL_THROUGH_JS)
    page.wait_for_load_state("networkidle")
    thumbs = _thumbs(page)
    posts = page.locator("article.md-post--excerpt").count()
    assert posts and len(thumbs) == 2 * posts, f"{url}: not a light and a dark thumbnail per post"
    shown = [t for t in thumbs if t["shown"]]
    assert len(shown) == posts and all(t["src"].endswith(f"#only-{scheme}") for t in shown)
    for t in thumbs:
        assert t["loading"] == "lazy" and (t["w"], t["h"]) == ("160", "100")
    for t in shown:
        assert t["natural"] == [320, 200], t  # the small file, not the figure
        assert abs(t["box"][0] / t["box"][1] - 1.6) < 0.02
    if scheme == "light":
        # Lazy and hidden: the dark thumbnails are not downloaded at all. (A first visit in
        # the dark scheme fetches both: Material's script picks the scheme from the system's
        # only after the first layout, when the light ones were briefly shown.)
        assert not [t for t in thumbs if not t["shown"] and t["natural"] != [0, 0]]
    assert page.evaluate(CLS_JS) < 0.01


def test_the_palette_toggle_switches_the_thumbnails(new_page):
    page = new_page("blog/", "light")
    page.locator('label[title="Switch to dark mode"]').click()
    page.wait_for_load_state("networkidle")
    page.wait_for_function(
        "[...document.querySelectorAll('a.figblog-thumb img[src$=\"#only-dark\"]')]"
        ".every(i => i.complete && i.naturalWidth > 0)"
    )
    shown = [t for t in _thumbs(page) if t["shown"]]
    assert shown and all(t["src"].endswith("#only-dark") for t in shown)
    assert all(t["natural"] == [320, 200] for t in shown)
