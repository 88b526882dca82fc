"""What readers expect of a blog: a feed, dates, reading time, categories, a way back to the top.

Static checks over the session's build; the posts are discovered from the built site.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime

import pytest
from mkdocs.utils.meta import get_data

from figblog.feed import feed_dates
from figblog.sitecheck import REPO, check_ref, resolve, scan_page

pytestmark = pytest.mark.site

FEED = "feed_rss_created.xml"
UPDATED = "feed_rss_updated.xml"


@pytest.fixture(scope="module")
def feed_items(site_dir) -> list[ET.Element]:
    path = site_dir / FEED
    assert path.is_file(), f"no RSS feed at /{FEED}"
    channel = ET.parse(path).getroot().find("channel")
    assert channel is not None, "the feed has no <channel>"
    return channel.findall("item")


def test_feed_lists_every_post_with_a_link_that_resolves(
    site_dir, posts, feed_items, site_url_config
):
    assert posts, "the site has no posts"
    links = [item.findtext("link", "") for item in feed_items]
    for link in links:
        reason = check_ref(site_dir, "index.html", link, site_url_config)
        assert reason is None, f"feed link {link}: {reason}"
    listed = {resolve("index.html", link, site_url_config)[0] for link in links}
    missing = [p for p in posts if p + "index.html" not in listed]
    assert not missing, f"posts missing from the feed: {missing}"


def test_feed_items_have_title_date_description_and_category(feed_items):
    for item in feed_items:
        link = item.findtext("link")
        assert item.findtext("title", "").strip(), f"{link}: no title"
        assert item.findtext("description", "").strip(), f"{link}: no description"
        assert item.findall("category"), f"{link}: no category"
        parsedate_to_datetime(item.findtext("pubDate"))  # raises on a malformed date


def _front_matter_dates() -> dict[str, dict[str, dt.datetime]]:
    """Each post's title and its front-matter dates (midnight UTC for a plain date)."""
    found = {}
    for path in sorted((REPO / "docs" / "blog" / "posts").glob("*.md")):
        markdown, meta = get_data(path.read_text("utf-8"))
        if meta.get("draft"):
            continue
        title = re.search(r"^# (.+)$", markdown, re.M)[1].strip()
        dates = feed_dates(meta["date"])
        for kind, value in dates.items():
            if not isinstance(value, dt.datetime):
                value = dt.datetime.combine(value, dt.time())
            dates[kind] = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        found[title] = dates
    return found


@pytest.mark.parametrize(("feed", "kind"), [(FEED, "created"), (UPDATED, "updated")])
def test_feed_items_are_dated_by_front_matter_not_by_the_build(site_dir, feed, kind):
    # Two builds of one commit give the same item dates; the updated feed once gave each
    # post the build time, so every build told readers that every post had changed.
    channel = ET.parse(site_dir / feed).getroot().find("channel")
    items = {
        item.findtext("title"): parsedate_to_datetime(item.findtext("pubDate"))
        for item in channel.findall("item")
    }
    expected = {title: dates[kind] for title, dates in _front_matter_dates().items()}
    assert items == expected


def test_every_page_advertises_the_feed(site_dir, pages, site_url_config):
    head = re.compile(r'<link rel="alternate" type="application/rss\+xml"[^>]*href="([^"]+)"')
    for url in pages:
        text = (site_dir / url / "index.html").read_text("utf-8")
        found = head.findall(text)
        assert any(resolve(url, href)[0] == FEED for href in found), f"{url or '/'}: no feed link"
        anchors = re.findall(r'<a [^>]*href="([^"]+)"', text)
        links = [resolve(url, href, site_url_config) for href in anchors]
        assert (FEED, "") in links, f"{url or '/'}: no visible link to the feed"


def test_posts_show_date_reading_time_and_categories(site_dir, posts):
    for url in posts:
        text = (site_dir / url / "index.html").read_text("utf-8")
        assert re.search(r'<time datetime="\d{4}-\d{2}-\d{2}', text), f"{url}: no date"
        assert re.search(r"\b\d+ min read\b", text), f"{url}: no reading time"
        refs = scan_page(site_dir / url / "index.html").refs
        assert any("/category/" in ref for ref in refs), f"{url}: no category link"


def test_blog_index_links_every_post(site_dir, posts):
    refs = scan_page(site_dir / "blog" / "index.html").refs
    reached = {
        resolve("blog/index.html", ref)[0] for ref in refs if resolve("blog/index.html", ref)
    }
    missing = [p for p in posts if p + "index.html" not in reached]
    assert not missing, f"the blog index does not link {missing}"


def test_pages_have_a_back_to_top_button(site_dir, posts):
    for url in posts:
        text = (site_dir / url / "index.html").read_text("utf-8")
        assert 'data-md-component="top"' in text, f"{url}: no back-to-top button"
