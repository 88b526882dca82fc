"""Give every ``<img>`` of the built pages its width and height, so pages do not jump as they load.

Figures from the engine already carry both. Images that arrive another way do not: notebook
outputs (``data:image/png;base64,...`` written by nbconvert) and pictures a post links
directly. This module reads the picture's pixel size (from the data URI, or from the file in
the built site) and adds the two attributes. Used as an MkDocs hook (``hooks:`` in
mkdocs.yml): ``on_post_page`` sees every page, blog indexes included.
"""

from __future__ import annotations

import base64
import binascii
import html
import io
import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page
from PIL import Image, UnidentifiedImageError

__all__ = ["on_post_page", "picture_bytes", "pixel_size", "size_images"]

_IMG = re.compile(r"<img\b[^>]*>", re.I)
_ATTR = re.compile(r"""\s([a-zA-Z_:][-\w:.]*)\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+)""")


def pixel_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of an encoded picture, or None when Pillow cannot read it (e.g. SVG)."""
    try:
        with Image.open(io.BytesIO(data)) as picture:
            return picture.size
    except (UnidentifiedImageError, OSError):
        return None


def _attrs(tag: str) -> dict[str, str]:
    return {m[1].lower(): html.unescape(m[2].strip("\"'")) for m in _ATTR.finditer(tag)}


def picture_bytes(src: str, page_url: str, site_dir: Path | None) -> bytes | None:
    """The bytes of the picture ``src`` on the page at ``page_url``: a data URI or a site file."""
    if src.startswith("data:"):
        if ";base64," not in src:
            return None
        try:
            return base64.b64decode(src.split(",", 1)[1])
        except (binascii.Error, ValueError):
            return None
    parts = urlsplit(src)
    if parts.scheme or src.startswith("//") or site_dir is None:
        return None  # another host: its size is not ours to know at build time
    path = unquote(urlsplit(urljoin("http://site.invalid/" + page_url, src)).path).lstrip("/")
    file = site_dir / path
    return file.read_bytes() if file.is_file() else None


def size_images(text: str, page_url: str = "", site_dir: Path | None = None) -> str:
    """Add width and height to each ``<img>`` in ``text`` that lacks them and can be measured.

    ``page_url`` is the page's URL relative to the site root and ``site_dir`` the built site,
    to find local pictures; data URIs need neither. Other images are left as they are.
    """

    def fix(match: re.Match[str]) -> str:
        tag = match[0]
        attrs = _attrs(tag)
        if "width" in attrs and "height" in attrs:
            return tag
        data = picture_bytes(attrs.get("src", ""), page_url, site_dir)
        size = pixel_size(data) if data else None
        if size is None:
            return tag
        width, height = size
        if "width" in attrs and attrs["width"].isdigit():  # keep a chosen width, scale height
            width, height = int(attrs["width"]), round(int(attrs["width"]) * height / width)
        elif "height" in attrs and attrs["height"].isdigit():
            width, height = round(int(attrs["height"]) * width / height), int(attrs["height"])
        tag = re.sub(r"\s(width|height)\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s\"'>]+)", "", tag)
        end = "/>" if tag.endswith("/>") else ">"
        return f'{tag[: -len(end)].rstrip()} width="{width}" height="{height}"{end}'

    return _IMG.sub(fix, text)


def on_post_page(output: str, *, page: Page, config: MkDocsConfig) -> str:
    """MkDocs hook: size the images of every page as it is written."""
    return size_images(output, page.url, Path(config.site_dir))
