"""The RSS feeds: dated as the posts' front matter says, linked at the site's own address.

**Dates.** mkdocs-rss-plugin reads each date from one front-matter key (``date_from_meta``
in mkdocs.yml) and, when the key is missing or holds something it cannot read, takes the
build time: the "updated" feed re-dated every post on every build. Material's blog allows
``date:`` to be a plain date or a mapping (``{created: ..., updated: ...}``), which no single
key covers. This hook gives the plugin one value per key whichever form a post uses:
``date`` becomes the creation date (Material has already read the mapping into
``page.config.date``, which its templates use) and ``feed_updated`` the update date, the
creation date when none is given.

**Addresses.** ``site_url`` comes from the deployment (``SITE_URL``), and YAML cannot join
it to a path, so a link in ``extra.social`` and the rss plugin's ``image`` written from the
site's root (``/feed_rss_created.xml``) are made absolute under ``site_url`` before the
plugins read them: under a project site (``https://USER.github.io/REPO/``) a root path
would leave the site.

**The channel's dates.** The plugin dates the feed itself (``pubDate``, ``lastBuildDate``)
with the build time, so every build of the same commit wrote different feeds: the only
files of the site that differed. After the plugin has written them, both are set to the
newest item's date, the last time the feed's content changed.

Used as an MkDocs hook (``hooks:`` in mkdocs.yml). Zensical runs no hooks but reads the same
settings: a plain ``date`` dates its feed of new posts (its updated feed has the build
time), and its footer link and feed image stay root paths, right where its site is served
from a root.
"""

from __future__ import annotations

import re
from email.utils import parsedate_to_datetime
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

__all__ = [
    "UPDATED",
    "dated_by_items",
    "feed_dates",
    "on_config",
    "on_page_markdown",
    "on_post_build",
    "under_site",
]

UPDATED = "feed_updated"


def feed_dates(date: object) -> dict[str, object] | None:
    """Return ``{"created": ..., "updated": ...}`` from a post's ``date``, or None without one.

    ``date`` is what the front matter holds: a date, a datetime or a string, or a mapping
    with ``created`` and, optionally, ``updated``. The values are passed on as written, so
    the rss plugin converts them as it converts any date from front matter.
    """
    if isinstance(date, dict):
        created = date.get("created")
        updated = date.get("updated") or created
    else:
        created = updated = date
    if created is None or created == "":
        return None
    return {"created": created, "updated": updated}


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> None:
    """Put the page's creation date in ``date`` and its update date in ``feed_updated``."""
    dates = feed_dates(page.meta.get("date"))
    if dates is not None:
        page.meta["date"] = dates["created"]
        page.meta[UPDATED] = dates["updated"]


def under_site(address: str, site_url: str | None) -> str:
    """Return ``address`` absolute under ``site_url`` when written from the site's root.

    ``/feed.xml`` under ``https://user.github.io/repo/`` is
    ``https://user.github.io/repo/feed.xml``; full URLs, protocol-relative ones (``//host``),
    relative paths and anything without a ``site_url`` are returned unchanged.
    """
    if not site_url or not address.startswith("/") or address.startswith("//"):
        return address
    return site_url.rstrip("/") + address


@event_priority(100)  # before the rss plugin's on_config reads its image
def on_config(config: MkDocsConfig) -> None:
    """Make root paths in ``extra.social`` links and the rss ``image`` absolute."""
    for item in config.extra.get("social") or []:
        if isinstance(item, dict) and isinstance(item.get("link"), str):
            item["link"] = under_site(item["link"], config.site_url)
    rss = config.plugins.get("rss")
    image = getattr(rss, "config", {}).get("image") if rss is not None else None
    if isinstance(image, str):
        rss.config["image"] = under_site(image, config.site_url)


_ITEM_DATE = re.compile(r"<item>.*?<pubDate>([^<]*)</pubDate>", re.S)
_CHANNEL_DATE = re.compile(r"<(pubDate|lastBuildDate)>[^<]*</(?:pubDate|lastBuildDate)>")


def dated_by_items(feed: str) -> str:
    """``feed`` (RSS) with the channel's ``pubDate`` and ``lastBuildDate`` set to its newest item's.

    A feed without dated items is returned unchanged.
    """
    dates = []
    for written in _ITEM_DATE.findall(feed):
        try:
            dates.append((parsedate_to_datetime(written), written))
        except (TypeError, ValueError):
            continue
    head, mark, items = feed.partition("<item>")
    if not dates or not mark:
        return feed
    newest = max(dates)[1]
    return _CHANNEL_DATE.sub(lambda m: f"<{m[1]}>{newest}</{m[1]}>", head) + mark + items


@event_priority(-100)  # after the rss plugin has written its feeds
def on_post_build(config: MkDocsConfig) -> None:
    """Date both feeds' channels by their newest items, not by the build time."""
    rss = config.plugins.get("rss")
    names = getattr(getattr(rss, "config", None), "feeds_filenames", None)
    for name in (getattr(names, "rss_created", None), getattr(names, "rss_updated", None)):
        if not isinstance(name, str):
            continue
        path = Path(config.site_dir) / name
        try:
            feed = path.read_text(encoding="utf-8")
        except OSError:  # that feed is switched off
            continue
        fixed = dated_by_items(feed)
        if fixed != feed:
            path.write_text(fixed, encoding="utf-8")
