"""Load the spreadsheet widget's script and style sheet only on the pages that show it.

``extra_css`` and ``extra_javascript`` in mkdocs.yml put their tags on every page, so every
page of the site fetched ``sheet-widget.css`` (render-blocking) and ``sheet-widget.js``
(about 21 kB together) although one post has the widget. This hook removes both tags from
the pages that do not use them: the script stays where an element has the class
``sheet-widget``, the style sheet where one has a class it styles. A blog index whose
excerpt shows the widget keeps both.

With Material's ``navigation.instant`` a click swaps the page without running the new
page's own scripts, so the widget would not start on a page reached that way: with that
feature on, every page keeps the tags. Used as an MkDocs hook (``hooks:`` in mkdocs.yml);
Zensical runs no hooks and loads the assets everywhere, as before.
"""

from __future__ import annotations

import re

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

__all__ = ["drop_unused_widget_assets", "on_post_page"]

# Each asset's tag, and the classes it serves: the style sheet also styles the post's loss
# grid and its wide tables.
_ASSETS = [
    (
        re.compile(
            r'[ \t]*<script src="(?:[^"]*/)?javascripts/sheet-widget\.js"[^>]*></script>\n?'
        ),
        {"sheet-widget"},
    ),
    (
        re.compile(
            r'[ \t]*<link rel="stylesheet" href="(?:[^"]*/)?stylesheets/sheet-widget\.css">\n?'
        ),
        {"sheet-widget", "loss-grid", "sheet-wide-table"},
    ),
]
_CLASS = re.compile(r"""\bclass=["']([^"']*)["']""")


def drop_unused_widget_assets(html: str) -> str:
    """``html`` without the tags of the widget's assets that none of its elements use."""
    used = {name for attribute in _CLASS.finditer(html) for name in attribute[1].split()}
    for tag, classes in _ASSETS:
        if not used & classes:
            html = tag.sub("", html)
    return html


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    """MkDocs hook: apply :func:`drop_unused_widget_assets` unless pages load instantly."""
    if "navigation.instant" in (config.theme.get("features") or []):
        return output
    return drop_unused_widget_assets(output)
