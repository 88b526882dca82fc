"""What the renderer needs to know about an output file, computed once when it is stored.

A warm build must not open every picture again: the content hash (for the
published name) and the pixel size (for ``width``/``height``) are written into
the cache entry's manifest when the run is stored, and read from there later.
PNG and GIF sizes come from their headers; other pictures (JPEG, WebP) fall back
to Pillow, imported only then, so that loading the engine pulls in no Pillow. An
SVG's size is the one its root element declares in absolute units (matplotlib
writes points), in CSS pixels: what a browser shows it at. One sized in percent, or
not at all, has no known size.
"""

from __future__ import annotations

import hashlib
import re
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["OutputFacts", "file_facts", "header_size", "svg_size"]

_PNG = b"\x89PNG\r\n\x1a\n"
_GIFS = (b"GIF87a", b"GIF89a")
# Kinds a browser shows as a picture but whose header this module does not parse.
_PILLOW_SUFFIXES = (".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff")
_SVG_ROOT = re.compile(rb"<svg\b([^>]*)>")
_SVG_LENGTH = re.compile(rb"\s*(\d+(?:\.\d*)?|\.\d+)\s*(px|pt|pc|in|cm|mm)?\s*", re.I)
# CSS pixels per SVG length unit (CSS: 1in = 96px = 72pt); a bare number is in pixels.
_CSS_PX = {"": 1, "px": 1, "pt": 96 / 72, "pc": 16, "in": 96, "cm": 96 / 2.54, "mm": 9.6 / 2.54}


@dataclass(frozen=True)
class OutputFacts:
    """One output file: the sha256 of its bytes, its length and, for pictures, its size."""

    sha256: str
    size: int
    width: int | None = None
    height: int | None = None

    @property
    def short_hash(self) -> str:
        """The first 8 hex digits of :attr:`sha256`, as published names carry them."""
        return self.sha256[:8]

    @property
    def pixels(self) -> tuple[int, int] | None:
        """(width, height) when the file is a picture whose size is known."""
        if self.width is None or self.height is None:
            return None
        return self.width, self.height

    def to_json(self) -> dict[str, Any]:
        """The manifest's form: only the fields that are known."""
        data: dict[str, Any] = {"sha256": self.sha256, "bytes": self.size}
        if self.pixels:
            data["width"], data["height"] = self.pixels
        return data

    @classmethod
    def from_json(cls, data: object) -> OutputFacts | None:
        """Read the manifest's form back; None when it is missing or malformed."""
        if not isinstance(data, dict):
            return None
        sha, size = data.get("sha256"), data.get("bytes")
        width, height = data.get("width"), data.get("height")
        if not isinstance(sha, str) or len(sha) != 64 or not isinstance(size, int):
            return None
        if not (isinstance(width, int) and isinstance(height, int)):
            width = height = None
        return cls(sha, size, width, height)


def header_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from a PNG's IHDR chunk or a GIF's logical screen, else None."""
    if data.startswith(_PNG) and len(data) >= 24 and data[12:16] == b"IHDR":
        width, height = struct.unpack(">II", data[16:24])
        return width, height
    if data[:6] in _GIFS and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return width, height
    return None


def svg_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) in CSS pixels that an SVG's root element declares, else None."""
    root = _SVG_ROOT.search(data)
    if root is None:
        return None
    size = []
    for name in (b"width", b"height"):
        value = re.search(rb"\s" + name + rb"\s*=\s*([\"'])(.*?)\1", root[1])
        length = _SVG_LENGTH.fullmatch(value[2]) if value else None
        if length is None or float(length[1]) <= 0:
            return None
        unit = (length[2] or b"").decode().lower()
        size.append(max(1, round(float(length[1]) * _CSS_PX[unit])))
    return size[0], size[1]


def _pillow_size(path: Path) -> tuple[int, int] | None:
    try:
        from PIL import Image, UnidentifiedImageError
    except ImportError:  # pragma: no cover - Pillow is a dependency of the figures
        return None
    try:
        with Image.open(path) as picture:
            return picture.size
    except (UnidentifiedImageError, OSError, ValueError):
        return None


def file_facts(path: Path) -> OutputFacts:
    """Hash and measure ``path`` (raises OSError when it cannot be read).

    Read in blocks: an output can be large, and it is never held in memory whole.
    """
    digest = hashlib.sha256()
    size = 0
    head = b""
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            if not head:
                head = block[:65536]
            digest.update(block)
            size += len(block)
    pixels = header_size(head)
    if pixels is None and path.suffix.lower() in _PILLOW_SUFFIXES:
        pixels = _pillow_size(path)
    elif pixels is None and path.suffix.lower() == ".svg":
        pixels = svg_size(head)  # its root element comes first
    width, height = pixels if pixels else (None, None)
    return OutputFacts(digest.hexdigest(), size, width, height)
