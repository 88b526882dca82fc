"""Cut the math font down to the characters the site's formulas use.

The whole Noto Sans Math WOFF2 is 270 kB. Chromium fetches a web font at the highest
priority, and Lighthouse's simulated phone counts it on the path to the first paint, so
a post with maths lost about 1.5 s of first contentful paint to it (performance 85-91
instead of 95-99). The site's formulas use well under a hundred characters; the font
cut down to them (with the size variants and assembly parts its MATH table lists for
them, which fontTools' subsetter keeps) is about 12 kB.

A square root draws a radical sign that its text does not hold, so it is kept for pages
with roots. Chromium draws a single-letter ``<mi>`` in its mathematical italic form (U+1D465 for
``x``; MathML Core's ``math-auto``), so those forms are kept too. The cut is cached
under the font's and the characters' hash, and stored with fixed timestamps, so the
same site always ships the same bytes.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from figblog.engine.atomic import atomic_open

__all__ = ["italic_form", "math_chars", "subset_font"]

_VERSION = "1"  # bump when the subsetting options change
_MATH = re.compile(r"<math\b.*?</math>", re.S)
_TAG = re.compile(r"<[^>]+>")
_MI = re.compile(r"<mi(?![^>]*\bmathvariant=)[^>]*>([^<]*)</mi>")
# Elements that draw a glyph of the font that is not in their text: a square root's radical
# sign (Chromium takes it, and its taller variants, from the element's math font, and draws
# nothing when that font lacks it, even if another installed font has it).
_IMPLIED = {"<msqrt": "\u221a", "<mroot": "\u221a"}
# Letters whose italic form sits outside U+1D400..1D7FF (the hole in the alphanumerics block).
_ITALIC_EXCEPTIONS = {"h": "\u210e"}


def italic_form(char: str) -> str | None:
    """The mathematical italic form of a letter (``x`` -> U+1D465), or None."""
    if char in _ITALIC_EXCEPTIONS:
        return _ITALIC_EXCEPTIONS[char]
    name = unicodedata.name(char, "")
    for prefix in ("LATIN ", "GREEK "):
        name = name.removeprefix(prefix)
    name = name.replace("LETTER ", "")
    try:
        return unicodedata.lookup(f"MATHEMATICAL ITALIC {name}")
    except KeyError:
        return None


def math_chars(page_html: str) -> set[str]:
    """Every character the ``<math>`` elements of ``page_html`` draw, italic forms included."""
    found: set[str] = set()
    for element in _MATH.findall(page_html):
        found.update(html.unescape(_TAG.sub("", element)))
        found.update(char for tag, char in _IMPLIED.items() if tag in element)
        for content in _MI.findall(element):
            letter = html.unescape(content).strip()
            italic = italic_form(letter) if len(letter) == 1 else None
            if italic:
                found.add(italic)
    return {c for c in found if not c.isspace()}


def subset_font(source: Path, chars: Iterable[str], cache_dir: Path) -> Path:
    """A WOFF2 of ``source`` holding only ``chars`` (and what the MATH table needs for them).

    Made once per font and character set, kept in ``cache_dir`` and reused after.
    """
    text = "".join(sorted(set(chars)))
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    key = hashlib.sha256(f"{_VERSION}\0{digest}\0{text}".encode()).hexdigest()[:24]
    path = cache_dir / f"{source.name.split('.', 1)[0]}.{key}.woff2"
    if path.is_file():
        return path
    from fontTools import subset  # only a build with a new character set needs it
    from fontTools.ttLib import TTFont

    font = TTFont(source, recalcTimestamp=False)
    options = subset.Options()
    options.flavor = "woff2"  # needs the brotli package
    options.layout_features = ["*"]  # ssty (script-size forms) and friends
    options.name_IDs = ["*"]  # keep the licence and copyright notices
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    font.flavor = "woff2"
    with atomic_open(path, parents=True) as fh:
        font.save(fh)
    return path
