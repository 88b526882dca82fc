"""The feeds date each post as its front matter does (figblog.feed and the rss settings)."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime

import pytest
import yaml
from mkdocs.utils.yaml import yaml_load
from tests.conftest import REPO

from figblog.feed import feed_dates

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
    # Newest update first: the updated feed is ordered by the front matter, too.
    text = (blog.root / "site" / FEEDS[1]).read_text("utf-8")
    assert re.findall(r"<title>(Plain|Mapped|Created)</title>", text) == [
        "Mapped",
        "Created",
        "Plain",
    ]
