"""A post's table of contents at its top, for screens without Material's contents sidebar.

Material shows a page's contents in a sidebar from 76.25em (1220 px) up; below that, a
page in the navigation has them in the menu drawer, but a blog post is not in the
navigation, so on a phone or a tablet a post of ten sections and 15,000 px had no list of
its sections at all. :func:`add_contents` puts a folded "Contents" list under the post's
title; reader.css shows it only on screens without the sidebar, and not in print.
"""

from __future__ import annotations

import html
from typing import Any

__all__ = ["MIN_SECTIONS", "add_contents"]

MIN_SECTIONS = 3  # fewer sections than this need no list
_TITLE_END = "</h1>"


def add_contents(output: str, toc: Any) -> str:
    """The finished page ``output`` with its sections (from the page's ``toc``) after its title."""
    sections = [child for item in toc or [] for child in getattr(item, "children", [])]
    if len(sections) < MIN_SECTIONS or _TITLE_END not in output:
        return output
    items = "".join(
        f'<li><a href="{html.escape(s.url, quote=True)}">{html.escape(_text(s.title))}</a></li>'
        for s in sections
    )
    contents = (
        '<nav class="figblog-contents" aria-label="Contents">'
        f'<details class="abstract"><summary>Contents</summary><ol>{items}</ol></details></nav>'
    )
    return output.replace(_TITLE_END, _TITLE_END + contents, 1)


def _text(title: str) -> str:
    """A section title as plain text: the toc keeps what Markdown made of it, entities too."""
    return html.unescape(title)
