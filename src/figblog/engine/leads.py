"""A page's lead figure and the pictures derived from it: a social card and thumbnails.

The lead figure is the picture a page's front matter names (``image: figures/x.py#y.png``,
the syntax of a figure reference) or else the first picture the page references. From it
come a 1200 x 630 card in the light scheme and a thumbnail per scheme
(:mod:`figblog.engine.derived`), published like figures under names that carry the hash
of their bytes. Nothing here imports MkDocs: the adapter passes page paths and lines in.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from figblog.engine.derived import CARD, THUMB, DerivedError, Kind, derive
from figblog.engine.refs import FigureRef, RefError, scan
from figblog.engine.render import Renderer
from figblog.engine.showable import IMAGE_OUTPUTS

__all__ = ["Lead", "Leads", "Picture", "first_picture", "parse_image"]

CARD_THEME = "light"  # social networks show cards on white or on their own colours


@dataclass(frozen=True)
class Picture:
    """One published derived picture: its site path, file and pixel size."""

    uri: str
    path: Path
    width: int
    height: int


@dataclass(frozen=True)
class Lead:
    """What a page shows of its lead figure: the card and one thumbnail per theme."""

    ref: FigureRef
    card: Picture
    thumbs: dict[str, Picture]


def parse_image(value: object, page: str, line: int, prefix: str) -> FigureRef | RefError:
    """Read a front-matter ``image:`` value as a figure reference standing at ``page:line``."""
    lead = prefix.rstrip("/") + "/"
    if not isinstance(value, str) or not value.strip().startswith(lead):
        return RefError(
            page,
            line,
            f"'image: {value}' must name a figure picture the way a reference does, "
            f"like 'image: {lead}<script>.py#<picture>.png'",
        )
    refs, errors = scan(f"![]({value.strip()})", page, prefix)
    if errors:
        return RefError(page, line, errors[0].message.replace("figure reference", "'image:'"))
    if not refs:
        return RefError(page, line, f"'image: {value}' is not a figure reference")
    return replace(refs[0], line=line, start=0, end=0)


def first_picture(refs: list[FigureRef]) -> FigureRef | None:
    """The first reference (by line) that can be a picture: not computed Markdown text."""
    for ref in sorted(refs, key=lambda r: (r.line, r.start)):
        if ref.output is None or ref.output.lower().endswith(IMAGE_OUTPUTS):
            return ref
    return None


class Leads:
    """Makes (or finds in the cache) the card and thumbnails of lead figures."""

    def __init__(self, renderer: Renderer, cache_dir: Path, prefix: str) -> None:
        self.renderer = renderer
        self.cache_dir = cache_dir
        self.prefix = prefix.strip("/")
        self.files: dict[str, Path] = {}  # site path -> file, for everything made

    def lead(self, ref: FigureRef, thumbs: bool = True) -> Lead | str:
        """The card and (unless not ``thumbs``) thumbnails of ``ref``'s picture, or an error."""
        found = self.renderer.picture(ref)
        if isinstance(found, str):
            return found
        try:
            card = self._publish(ref, found[CARD_THEME], CARD, CARD_THEME)
            small = {t: self._publish(ref, found[t], THUMB, t) for t in found if thumbs}
        except DerivedError as exc:
            return f"cannot make a card from {self.renderer.engine.script_rel(ref.script)}: {exc}"
        return Lead(ref, card, small)

    def _publish(self, ref: FigureRef, source: tuple[Path, str], kind: Kind, theme: str) -> Picture:
        made = derive(source[0], source[1], kind, self.cache_dir)
        stem = source[0].name.rsplit(".", 1)[0]
        folder = f"{self.prefix}/{ref.script.removesuffix('.py')}"
        uri = f"{folder}/{stem}.{kind.name}.{made.facts.short_hash}.{theme}.png"
        self.files[uri] = made.path
        return Picture(uri, made.path, kind.width, kind.height)
