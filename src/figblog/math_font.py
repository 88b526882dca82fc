"""Ship an OpenType MATH font with the site, so that MathML typesets on every device.

Browsers lay out MathML with the system's math font, and many systems (most Linux and Android
ones) have none: a display sum then comes out at text size with its limits crammed against it.
The site therefore carries its own font, a WOFF2 with a MATH table installed from npm
(``package.json`` at the project root, ``npm ci``), never a file copied into the repository.

The font is copied into the built site under a name that holds a hash of its bytes (so it can
be cached for ever), and only pages whose HTML contains ``<math`` get the ``@font-face`` that
loads it: a page without formulas downloads nothing.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File
from mkdocs.utils import get_relative_url

__all__ = ["FAMILY", "MathFont", "add_font", "find_font", "font_files", "font_style", "shipped"]

FAMILY = "figblog math"
"""The ``font-family`` name the site gives its math font (its own, so no local font shadows it)."""

_FOLDER = "assets/fonts"
_WOFF2_MAGIC = b"wOF2"
_HEAD_END = re.compile(r"</head>", re.I)


@dataclass(frozen=True)
class MathFont:
    """The font as installed, and where the built site serves it."""

    source: Path
    url: str  # relative to the site root: assets/fonts/<name>.<hash8>.woff2
    license: Path | None  # the package's licence file, shipped beside the font


def find_font(path: Path) -> MathFont:
    """Check that ``path`` is an installed WOFF2 file and name its copy in the site.

    Raises ValueError saying how to install the font when the file is missing (a fresh
    checkout before ``npm ci``) or is not a WOFF2.
    """
    if not path.is_file():
        raise ValueError(
            f"the math font {path} is not installed: run `npm ci` in the project root "
            "(`make site` does), which installs the font package pinned in package.json"
        )
    data = path.read_bytes()
    if data[:4] != _WOFF2_MAGIC:
        raise ValueError(f"the math font {path} is not a WOFF2 file (it does not start wOF2)")
    digest = hashlib.sha256(data).hexdigest()[:8]
    stem = path.name.split(".", 1)[0]
    licence = next(
        (p for p in (path.parent / "LICENSE", path.parent.parent / "LICENSE") if p.is_file()), None
    )
    return MathFont(path, f"{_FOLDER}/{stem}.{digest}.woff2", licence)


def shipped(font: MathFont, path: Path) -> MathFont:
    """``font`` as the site ships it from ``path`` (a cut-down copy): named by its bytes."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:8]
    stem = font.source.name.split(".", 1)[0]
    return MathFont(path, f"{_FOLDER}/{stem}.{digest}.woff2", font.license)


def font_files(font: MathFont, config: MkDocsConfig) -> list[File]:
    """The files the site gains: the font and, when the package has one, its licence."""
    files = [File.generated(config, font.url, abs_src_path=str(font.source))]
    if font.license is not None:
        name = font.url.rsplit("/", 1)[-1].split(".", 1)[0]
        files.append(
            File.generated(config, f"{_FOLDER}/{name}.LICENSE.txt", abs_src_path=str(font.license))
        )
    return files


def font_style(font_href: str) -> str:
    """The ``<style>`` that loads the font from ``font_href`` and sets it on ``math``.

    ``swap``: until the font arrives the formulas show in the browser's own maths fallback
    rather than invisibly.
    """
    return (
        '<style id="figblog-math-font">'
        f'@font-face{{font-family:"{FAMILY}";src:url("{font_href}") format("woff2");'
        "font-display:swap}"
        f'math{{font-family:"{FAMILY}",math}}'
        "</style>"
    )


def add_font(html: str, page_url: str, font: MathFont) -> str:
    """Put the font's style into the head of ``html`` if it has maths; else return it as is.

    ``page_url`` is the page's URL relative to the site root (``page.url``), from which the
    font's relative address is computed.
    """
    if "<math" not in html or 'id="figblog-math-font"' in html:
        return html
    found = _HEAD_END.search(html)
    if found is None:
        return html
    style = font_style(get_relative_url(font.url, page_url or "."))
    return html[: found.start()] + style + "\n" + html[found.start() :]
