"""Give the RSS feeds the dates the posts' front matter states, not the time of the build.

mkdocs-rss-plugin reads each date from one front-matter key (``date_from_meta`` in
mkdocs.yml) and, when the key is missing or holds something it cannot read, takes the build
time: the "updated" feed re-dated every post on every build. Material's blog allows ``date:``
to be a plain date or a mapping (``{created: ..., updated: ...}``), which no single key covers.
This hook gives the plugin one value per key whichever form a post uses: ``date`` becomes the
creation date (Material has already read the mapping into ``page.config.date``, which its
templates use) and ``feed_updated`` the update date, the creation date when none is given.
Used as an MkDocs hook (``hooks:`` in mkdocs.yml); pages without a ``date`` are left as they
are. Zensical runs no hooks but reads the same settings: a plain ``date`` gives its feed of
new posts their dates; its updated feed has the build time.
"""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

__all__ = ["UPDATED", "feed_dates", "on_page_markdown"]

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
