"""The feeds date each post as its front matter does (figblog.feed and the rss settings)."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime

import pytest
import yaml
from mkdocs.config import load_config
from mkdocs.utils.yaml import yaml_load
from tests.conftest import REPO

from figblog.feed import dated_by_items, feed_dates, on_config, under_site

FEEDS = ("feed_rss_created.xml", "feed_rss_updated.xml")


def test_a_plain_date_is_both_the_creation_and_the_update() -> None:
    day = dt.date(2026, 11, 2)
    assert feed_dates(day) == {"created": day, "updated": day}
    moment = dt.datetime(2026, 11, 2, 9, 30)
    assert feed_dates(moment) == {"created": moment, "updated": moment}


def test_material_date_mapping_gives_its_updated_date_or_falls_back_to_created() -> None:
    created, updated = dt.date(2026, 11, 2), dt.date(2026, 12, 1)
    both = {"created": created, "updated": updated}
    assert feed_dates(both) == {"created": created, "updated": updated}
    assert feed_dates({"created": created}) == {"created": created, "updated": created}


def test_no_date_gives_nothing() -> None:
    assert feed_dates(None) is None
    assert feed_dates({}) is None
    assert feed_dates("") is None


def _repo_plugin(name: str) -> dict:
    with (REPO / "mkdocs.yml").open(encoding="utf-8") as fh:
        config = yaml_load(fh)
    (found,) = [p[name] for p in config["plugins"] if isinstance(p, dict) and name in p]
    return found


def _items(path) -> dict[str, dt.datetime]:
    channel = ET.parse(path).getroot().find("channel")
    return {
        item.findtext("title"): parsedate_to_datetime(item.findtext("pubDate"))
        for item in channel.findall("item")
    }


@pytest.fixture
def blog(project):
    """A Material blog with the repo's rss settings and the feed hook, and no figure plugin."""
    config = {
        "site_name": "feed test",
        "site_url": "https://feed.example.org/",
        "theme": {"name": "material"},
        "plugins": ["blog", {"rss": _repo_plugin("rss")}],
        "hooks": [str(REPO / "src" / "figblog" / "feed.py")],
    }
    project.write("mkdocs.yml", yaml.safe_dump(config))
    project.write("docs/index.md", "# Home\n")
    project.write("docs/blog/index.md", "# Blog\n")
    return project


def test_both_feeds_date_posts_from_front_matter_in_both_of_materials_forms(blog):
    blog.write(
        "docs/blog/posts/plain.md",
        "---\ndate: 2026-01-02\ncategories: [Meta]\n---\n\n# Plain\n\nText.\n",
    )
    blog.write(
        "docs/blog/posts/mapped.md",
        "---\ndate:\n  created: 2026-01-05\n  updated: 2026-02-07\n"
        "categories: [Meta]\n---\n\n# Mapped\n\nText.\n",
    )
    blog.write(
        "docs/blog/posts/created.md",
        "---\ndate:\n  created: 2026-01-09\ncategories: [Meta]\n---\n\n# Created\n\nText.\n",
    )
    done = blog.mkdocs()
    assert done.returncode == 0, done.stderr
    utc = dt.UTC
    created, updated = (_items(blog.root / "site" / feed) for feed in FEEDS)
    assert created == {
        "Plain": dt.datetime(2026, 1, 2, tzinfo=utc),
        "Mapped": dt.datetime(2026, 1, 5, tzinfo=utc),
        "Created": dt.datetime(2026, 1, 9, tzinfo=utc),
    }
    assert updated == {
        "Plain": dt.datetime(2026, 1, 2, tzinfo=utc),
        "Mapped": dt.datetime(2026, 2, 7, tzinfo=utc),
        "Created": dt.datetime(2026, 1, 9, tzinfo=utc),
    }
    # The channel is dated by its newest item, not by the build time: same commit, same bytes.
    for feed, newest in zip(FEEDS, ("2026-01-09", "2026-02-07"), strict=True):
        channel = ET.parse(blog.root / "site" / feed).getroot().find("channel")
        for tag in ("pubDate", "lastBuildDate"):
            assert parsedate_to_datetime(channel.findtext(tag)).date().isoformat() == newest
    # Newest update first: the updated feed is ordered by the front matter, too.
    text = (blog.root / "site" / FEEDS[1]).read_text("utf-8")
    assert re.findall(r"<title>(Plain|Mapped|Created)</title>", text) == [
        "Mapped",
        "Created",
        "Plain",
    ]


def test_root_paths_go_under_the_site_address() -> None:
    site = "https://user.github.io/figblog/"
    assert under_site("/feed_rss_created.xml", site) == site + "feed_rss_created.xml"
    assert under_site("/a/b.png", "https://example.org") == "https://example.org/a/b.png"
    for unchanged in ("https://elsewhere.org/feed.xml", "//cdn.example.org/x.js", "rel.xml"):
        assert under_site(unchanged, site) == unchanged
    assert under_site("/feed.xml", None) == "/feed.xml"


def test_the_published_address_comes_from_site_url_in_the_environment(monkeypatch) -> None:
    # CI passes the GitHub Pages address (https://USER.github.io/REPO/) as SITE_URL.
    monkeypatch.setenv("SITE_URL", "https://user.github.io/figblog")
    config = load_config(str(REPO / "mkdocs.yml"))
    assert config.site_url == "https://user.github.io/figblog/"  # MkDocs adds the slash
    on_config(config)
    (feed,) = [s["link"] for s in config.extra["social"] if "rss" in s["icon"]]
    assert feed == "https://user.github.io/figblog/feed_rss_created.xml"
    image = config.plugins["rss"].config["image"]
    assert image == "https://user.github.io/figblog/assets/images/favicon.png"


def test_without_site_url_the_config_keeps_its_default_address(monkeypatch) -> None:
    monkeypatch.delenv("SITE_URL", raising=False)
    with (REPO / "mkdocs.yml").open(encoding="utf-8") as fh:
        site_url = yaml_load(fh)["site_url"]
    assert site_url.startswith("https://") and site_url.endswith("/")


def test_a_feed_without_dated_items_keeps_its_channel_dates() -> None:
    feed = "<rss><channel><pubDate>Mon, 07 Dec 2026 06:33:19 -0000</pubDate></channel></rss>"
    assert dated_by_items(feed) == feed
    dated = feed.replace("</channel>", "<item><pubDate>Mon, 02 Nov 2026 00:00:00 +0000</pubDate>")
    assert "<pubDate>Mon, 02 Nov 2026 00:00:00 +0000</pubDate><item>" in dated_by_items(dated)
