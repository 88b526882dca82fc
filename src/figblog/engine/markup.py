"""The Markdown a figure reference becomes: images, the source box, the failure boxes.

An image per colour scheme (Material's ``#only-light`` / ``#only-dark``, with its
pixel size and a loading hint), the collapsed box that shows and offers a script's
source, and the failure box that stands where a figure or a value was not made (a
short one where the same failure was shown further up the page); with the small
helpers that place them: links relative to the page, the end of the block a box
goes after, and how far down the page a reference sits.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from figblog.engine.refs import FigureRef
from figblog.engine.source_html import SourceHtml

__all__ = [
    "DENSE_SRC",
    "NARROW_SIZE",
    "NARROW_SRC",
    "Failure",
    "block_end",
    "error_box",
    "error_boxes",
    "image_markdown",
    "offset",
    "relative",
    "source_block",
]

# Attributes that carry a picture's narrow layout from the Markdown to the HTML step.
NARROW_SRC = "data-figblog-narrow"
NARROW_SIZE = "data-figblog-narrow-size"
DENSE_SRC = "data-figblog-2x"  # the file name of the picture with twice the pixels


def image_markdown(
    ref: FigureRef,
    theme: str,
    url: str,
    size: tuple[int, int] | None,
    eager: bool,
    narrow: tuple[str, tuple[int, int] | None] | None = None,
    dense: str | None = None,
) -> str:
    """The image of ``ref`` in ``theme`` at ``url``, shown only in that colour scheme.

    ``narrow``: the file name (in the picture's folder) and size of the picture's layout
    for narrow screens, which :func:`figblog.narrow.pictures` makes a ``<picture>`` source
    once the page is HTML. ``dense``: the file name of the picture with twice the pixels,
    which that function makes the image's ``2x`` candidate (and the lightbox's picture).

    A reference's ``#id`` is on neither image (two images with one id, one of them
    hidden, would give a link nothing to scroll to in one scheme): an empty span before
    the light image carries it, so ``#id`` reaches the figure in either scheme.
    """
    attrs = ref.attrs
    if dense is not None:
        attrs += f' {DENSE_SRC}="{dense}"'
    if narrow is not None:
        attrs += f' {NARROW_SRC}="{narrow[0]}"'
        if narrow[1]:
            attrs += f' {NARROW_SIZE}="{narrow[1][0]}x{narrow[1][1]}"'

    if size and "width=" not in attrs and "height=" not in attrs:
        attrs += f' width="{size[0]}" height="{size[1]}"'
    if "loading=" not in attrs:
        attrs += ' loading="eager"' if eager else ' loading="lazy"'
    title = f' "{ref.title}"' if ref.title else ""
    scheme = "#only-light" if theme == "light" else "#only-dark"
    anchor = ""
    if ref.ident and theme == "light":
        anchor = f'<span id="{html.escape(ref.ident)}"></span>'
    return f"{anchor}![{ref.alt}]({url}{scheme}{title}){{ {attrs.strip()} }}"


def source_block(script: Path, url: str, name: str, source_html: SourceHtml | None) -> str:
    """The collapsed box under a figure: a Download link to ``url`` and the script's code.

    With ``source_html`` the code is a marker that the site's Markdown swaps for HTML
    highlighted once; without it, a code fence titled ``name``.
    """
    code = script.read_text().rstrip("\n").replace("\t", "    ")
    if source_html is not None:
        body = "    " + source_html.marker(name, code)
    else:
        fence = "````" if "```" in code else "```"
        lines = "\n".join(("    " + line) if line else "" for line in code.split("\n"))
        body = f'    {fence}python title="{name}"\n{lines}\n    {fence}'
    # The published name carries a hash; the saved file gets the script's own name.
    return (
        f'??? example figblog-source "How this figure is made: {name}"\n\n'
        f'    [Download {script.name}]({url}){{ download="{script.name}" }}\n\n'
        f"{body}"
    )


def relative(target: str, base: str) -> str:
    """``target`` (a site path) as seen from the folder ``base``: posixpath.relpath, quicker.

    Both are clean relative paths inside the site, so the shared leading folders are
    dropped and each remaining folder of ``base`` is one ``..``.
    """
    if not base:
        return target
    there, here = target.split("/"), base.split("/")
    same = 0
    while same < min(len(there) - 1, len(here)) and there[same] == here[same]:
        same += 1
    return "/".join([".."] * (len(here) - same) + there[same:])


def offset(lines: list[str], ref: FigureRef) -> int:
    """Characters of Markdown before ``ref`` on its page."""
    return sum(len(line) + 1 for line in lines[: ref.line - 1]) + ref.start


# The opening line of a pymdownx caption block, which captions the block before it even
# with blank lines between them.
_CAPTION = re.compile(r"\s*///\s*(figure-|table-)?caption\b")


def caption_follows(lines: list[str], i: int) -> bool:
    """Whether the next line after line ``i`` that is not blank opens a caption block."""
    j = i + 1
    while j < len(lines) and not lines[j].strip():
        j += 1
    return j < len(lines) and _CAPTION.match(lines[j]) is not None


def block_end(lines: list[str], i: int) -> int:
    """Index of the last line of the block holding line ``i``, its caption block included.

    A caption block after blank lines still belongs to it: something put in between
    would be what the caption captions.
    """
    depth = 0
    j = i
    while j + 1 < len(lines):
        nxt = lines[j + 1].strip()
        if not nxt and depth == 0:
            if not caption_follows(lines, j):
                break
            while not lines[j + 1].strip():
                j += 1
            continue
        if nxt.startswith("///") and nxt != "///":
            depth += 1
        elif nxt == "///":
            depth = max(0, depth - 1)
        j += 1
    return j


def error_box(title: str, text: str, anchor: str | None = None) -> str:
    """A failure box titled ``title`` that shows ``text`` as it is, as plain text.

    With ``anchor``, the box's title carries that id, for links from further down.
    """
    # The message is the script's (an exception's text): a fence longer than any run of
    # backticks in it keeps it inside the box, where Markdown escapes any HTML.
    longest = max((len(run) for run in re.findall(r"`+|~+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    body = "\n".join("    " + line for line in text.split("\n"))
    return f"{_failure_head(title, anchor)}\n\n    {fence}text\n{body}\n    {fence}"


@dataclass(frozen=True)
class Failure:
    """A reference that shows a failure box instead of its figure or value.

    ``title`` heads the box, ``where`` is the reference's page and line, ``error`` what
    went wrong; ``script_failed`` tells whether the script itself failed (rather than
    this reference naming something the script does not give).
    """

    script: str
    title: str
    where: str
    error: str
    script_failed: bool


def error_boxes(failures: Sequence[Failure], page_uri: str) -> list[str]:
    """The box of each failure on the page ``page_uri``, given in page order.

    The first reference to a failure (the same script, the same error) shows the whole
    error; each later one a short box that links to the first, so a script referenced
    six times shows its traceback once. The first box's id names the page, so it stays
    unique on a blog index that shows several posts' excerpts.
    """
    count = Counter((f.script, f.error) for f in failures)
    page = re.sub(r"[^a-z0-9]+", "-", page_uri.removesuffix(".md").lower()).strip("-")
    anchors: dict[tuple[str, str], str] = {}  # a repeated failure -> its first box's id
    boxes: list[str] = []
    for failure in failures:
        key = (failure.script, failure.error)
        if key in anchors:
            boxes.append(_repeat_box(failure, anchors[key]))
            continue
        anchor = None
        if count[key] > 1:
            anchor = anchors[key] = f"figblog-error-{page}-{len(anchors) + 1}"
        boxes.append(error_box(failure.title, _box_text(failure), anchor))
    return boxes


# "figure script x.py failed at line 3: ZeroDivisionError: ...": where it failed, then what.
_FAILED_AT = re.compile(r"^(figure script \S+ (?:\[[^\]]*\] )?failed(?: at line \d+)?): ")


def _box_text(failure: Failure) -> str:
    """The box's text: the reference's place and the error, the exception on its own line.

    On one line with the place and the script, it was scrolled out of sight in the box.
    """
    error = _FAILED_AT.sub(lambda m: m[1] + ":\n  ", failure.error, count=1)
    return f"{failure.where}: {error}"


def _repeat_box(failure: Failure, anchor: str) -> str:
    """The short box of a failure shown in full further up the page, at ``anchor``."""
    what = "The script failed" if failure.script_failed else "Same error as an earlier reference"
    return f"{_failure_head(failure.title, None)}\n\n    {what}: [see the error above](#{anchor})."


def _failure_head(title: str, anchor: str | None) -> str:
    """The first line of a failure box: an admonition titled ``title``, with the id ``anchor``."""
    # The admonition extension gives its box no attributes; an empty span in the title can.
    target = f'<span id="{anchor}"></span>' if anchor else ""
    return f'!!! failure "{target}{title}"'
