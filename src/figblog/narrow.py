"""A figure's layout for narrow screens, served to phones with ``<picture>``.

A figure drawn for a desktop column (two panels side by side, 700 px or more) is shown
about 360 px wide on a phone, where its labels shrink to a few pixels. A script may
therefore also write a layout for narrow screens beside the picture (``descent.gif`` and
``descent.narrow.gif``, panels stacked, say). The engine marks the image with the narrow
file's name (:data:`figblog.engine.markup.NARROW_SRC`); once the page is HTML,
:func:`pictures` makes each such image a ``<picture>`` whose source the browser takes
on screens up to :data:`NARROW_MEDIA` wide. Only one of the two files is downloaded.

It runs on the finished page, after mkdocs-glightbox has wrapped each image in its
lightbox link: the link then holds the whole ``<picture>`` (glightbox would otherwise
put the link between ``<picture>`` and its ``<img>``, and the browser would ignore the
source). The lightbox shows the wide layout, which has room there.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from figblog.engine.markup import DENSE_SRC, NARROW_SIZE, NARROW_SRC

__all__ = ["NARROW_MEDIA", "NARROW_WIDTH", "media", "pictures"]

NARROW_WIDTH = 600
"""The widest screen, in CSS px, that gets the narrow layout (the option ``narrow_width``)."""


def media(width: float = NARROW_WIDTH) -> str:
    """The media query of screens up to ``width`` CSS px, in em: it follows the reader's font size.

    An em in a media query is the browser's default font size, 16 px unless the reader
    changed it.
    """
    return f"(max-width: {width / 16:g}em)"


NARROW_MEDIA = media()
"""Screens that get the narrow layout by default: up to 600 CSS px (37.5em)."""

# An image the engine marked, with the lightbox link just before it if there is one.
_IMG = re.compile(
    rf'(?P<a><a\b[^>]*>)?(?P<img><img\b[^>]*\s(?:{NARROW_SRC}|{DENSE_SRC})="[^"]*"[^>]*>)'
)
_ATTR = re.compile(rf'\s({NARROW_SRC}|{NARROW_SIZE}|{DENSE_SRC})="([^"]*)"')
_SIZE = re.compile(r"(\d+)x(\d+)")
_SRC = re.compile(r'\ssrc="([^"]*)"')
_HREF = re.compile(r'(\shref=")([^"#]*)')


def _in_srcset(url: str) -> str:
    """``url`` as a srcset holds it: a srcset splits on spaces and commas, so no raw ones."""
    return quote(url, safe="/.%:")


def _picture(match: re.Match[str], query: str) -> str:
    anchor, tag = match["a"] or "", match["img"]
    found = dict(_ATTR.findall(tag))
    img = _ATTR.sub("", tag)
    # The other files sit beside the picture: the page's address for each is the picture's
    # (as the site generator rewrote it) with the other file name.
    src = _SRC.search(img)
    address = src[1].split("#", 1)[0] if src else ""
    folder = address.rpartition("/")[0]

    def beside(name: str) -> str:
        return _in_srcset(f"{folder}/{name}" if folder else name)

    dense = found.get(DENSE_SRC)
    if dense and src:
        # Dense screens take the 2x file, in its place in the layout; so does the lightbox,
        # which shows the picture larger than the page does. Both keep the address's
        # #only-light or #only-dark, which the image's currentSrc then still says.
        scheme = src[1][len(address) :]
        candidates = f' srcset="{_in_srcset(address)}{scheme} 1x, {beside(dense)}{scheme} 2x"'
        img = img[: src.end()] + candidates + img[src.end() :]
        if "glightbox" in anchor:
            anchor = _HREF.sub(lambda m: m[1] + beside(dense), anchor, count=1)
    narrow = found.get(NARROW_SRC)
    if not narrow:
        return anchor + img
    source = f'<source media="{query}" srcset="{beside(narrow)}"'
    size = _SIZE.fullmatch(found.get(NARROW_SIZE, ""))
    if size:  # the box keeps the narrow picture's shape before it arrives
        source += f' width="{size[1]}" height="{size[2]}"'
    return f"{anchor}<picture>{source}>{img}</picture>"


def pictures(html: str, width: float = NARROW_WIDTH) -> str:
    """``html`` with every image that has a narrow layout made a ``<picture>``.

    Screens up to ``width`` CSS px get the narrow layout. An image with a 2x file gets it as
    its ``2x`` candidate, and its lightbox link shows it.
    """
    if NARROW_SRC not in html and DENSE_SRC not in html:
        return html
    query = media(width)
    return _IMG.sub(lambda found: _picture(found, query), html)
