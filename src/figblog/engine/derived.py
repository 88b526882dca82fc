"""Pictures derived from a figure's output: a social card and index thumbnails.

A derived picture is the figure scaled to fit a fixed box and centred on the
figure's own background colour (read from its corner pixel), so nothing of the
figure is cut off and every card or thumbnail has the same size:

* ``CARD``: 1200 x 630, what Open Graph and Twitter's large summary card expect;
* ``THUMB``: 320 x 200, shown at half that size on the blog index (sharp on 2x screens),
  quantised to a palette of 128 colours, so each is a few kilobytes.

Derived files are cached under ``<cache>/derived/`` by a key over the source's sha256,
the kind and this module's version, written to a temporary name and renamed into place,
with a small JSON file of their facts (hash, length, size) beside them: a warm build
reads that JSON and opens no picture. An animation gives its first frame.
Nothing here imports MkDocs.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from figblog.engine.atomic import atomic_open, write_atomic
from figblog.engine.facts import OutputFacts, file_facts
from figblog.engine.hashing import hash_text

__all__ = ["CARD", "THUMB", "Derived", "DerivedError", "Kind", "derive", "prune"]

_VERSION = "1"  # bump when the drawing below changes, so old derived files are not reused


@dataclass(frozen=True)
class Kind:
    """One kind of derived picture: its name, box, margin and palette size (0: full colour)."""

    name: str
    width: int
    height: int
    margin: int
    colours: int = 0


CARD = Kind("card", 1200, 630, margin=36)
THUMB = Kind("thumb", 320, 200, margin=8, colours=128)


class DerivedError(Exception):
    """The source picture cannot be read, so nothing can be derived from it."""


@dataclass(frozen=True)
class Derived:
    """A derived picture on disk and its facts (for its published name and size)."""

    path: Path
    facts: OutputFacts


def derive(source: Path, source_sha256: str, kind: Kind, cache_dir: Path) -> Derived:
    """Return the ``kind`` picture made from ``source``, making it only when not cached.

    ``source_sha256`` is the source's content hash (from the run's manifest), so a warm
    build neither reads nor hashes the source. Raises :class:`DerivedError` when the
    source is not a picture Pillow can read.
    """
    key = hash_text("figblog-derived", _VERSION, kind.name, str(kind), source_sha256)
    folder = cache_dir / "derived" / key[:2]
    path = folder / f"{key}.png"
    known = _read_facts(folder / f"{key}.json", path)
    if known is not None:
        return Derived(path, known)
    picture = _draw(source, kind)
    with atomic_open(path, parents=True) as fh:
        picture.save(fh, format="PNG", optimize=True)
    # Read back from its place: the key fixes the bytes, so a concurrent build that
    # renamed its own copy over ours a moment later wrote these same bytes.
    facts = file_facts(path)
    write_atomic(folder / f"{key}.json", json.dumps(facts.to_json()))
    return Derived(path, facts)


def prune(cache_dir: Path, keep: Iterable[Path]) -> int:
    """Remove derived pictures (and their facts) other than ``keep``; return how many.

    A build makes every post's card and thumbnails, so what it did not ask for belongs
    to figures that changed or went: without this the folder only ever grows.
    """
    kept = {Path(p).stem for p in keep}
    removed = 0
    for path in sorted((cache_dir / "derived").glob("*/*")):
        if path.suffix in (".png", ".json") and path.stem not in kept:
            with contextlib.suppress(OSError):  # another build's, or already gone
                path.unlink()
                removed += path.suffix == ".png"
    return removed


def _read_facts(json_path: Path, path: Path) -> OutputFacts | None:
    """The facts stored beside ``path``; None when either is missing or they disagree."""
    try:
        facts = OutputFacts.from_json(json.loads(json_path.read_text()))
        size = path.stat().st_size
    except (OSError, ValueError):
        return None
    return facts if facts is not None and facts.size == size else None


def _draw(source: Path, kind: Kind) -> object:
    """The figure scaled into ``kind``'s box (less its margin) on its background colour."""
    from PIL import Image, UnidentifiedImageError  # only a build that derives needs Pillow

    try:
        with Image.open(source) as opened:
            opened.seek(0)  # an animation: its first frame
            picture = opened.convert("RGBA")
    except (OSError, ValueError, UnidentifiedImageError, EOFError) as exc:
        raise DerivedError(f"cannot read {source.name} as a picture: {exc}") from exc
    background = picture.getpixel((0, 0))[:3]
    box_w, box_h = kind.width - 2 * kind.margin, kind.height - 2 * kind.margin
    scale = min(box_w / picture.width, box_h / picture.height)
    size = (max(1, round(picture.width * scale)), max(1, round(picture.height * scale)))
    picture = picture.resize(size, Image.Resampling.LANCZOS)
    canvas = Image.new("RGB", (kind.width, kind.height), background)
    at = ((kind.width - size[0]) // 2, (kind.height - size[1]) // 2)
    canvas.paste(picture, at, picture)
    if kind.colours:
        return canvas.quantize(kind.colours, method=Image.Quantize.MEDIANCUT, dither=0)
    return canvas
