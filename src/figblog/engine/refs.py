"""Find figure references in Markdown.

A figure reference is an ordinary Markdown image whose source names a script
in the figures folder and, after ``#``, the file it writes::

    ![Alt text](figures/loss_surface.py#loss-surface.png){ .show-source }

References inside fenced code blocks and inline code spans are ignored, so a
post can show the syntax without triggering it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["FigureRef", "RefError", "scan"]

_IMAGE = re.compile(
    r"!\[(?P<alt>(?:\\.|[^\]\\])*)\]"  # ![alt], with escaped brackets allowed
    r"\(\s*(?P<src>[^)\s]*)(?:\s+(?P<title>\"[^\"]*\"|'[^']*'))?\s*\)"
    r"(?P<attrs>\{[^}\n]*\})?"
)
_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})")
_SCRIPT = re.compile(r"^(?:[A-Za-z0-9_][A-Za-z0-9_.-]*/)*[A-Za-z0-9_][A-Za-z0-9_.-]*\.py$")
_OUTPUT = re.compile(r"^(?:[A-Za-z0-9_][A-Za-z0-9_.-]*/)*[A-Za-z0-9_][A-Za-z0-9_.-]*$")
_CLASS = re.compile(r"(?:^|\s)\.show-source(?=\s|$)")


@dataclass(frozen=True)
class FigureRef:
    """One figure reference: where it stands, which script, which output, how shown.

    ``line`` is 1-based and ``start``/``end`` are the character offsets of the
    whole reference (image plus attribute list) within that line.
    """

    page: str
    line: int
    start: int
    end: int
    script: str  # relative to the figures folder, POSIX separators
    output: str | None  # None: the script's single output
    alt: str
    title: str | None = None
    show_source: bool = False
    attrs: str = ""  # the attribute list without .show-source, braces stripped

    @property
    def where(self) -> str:
        """``page:line``, the way an editor wants it."""
        return f"{self.page}:{self.line}"


@dataclass(frozen=True)
class RefError:
    """A badly formed figure reference, with the place it stands."""

    page: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.page}:{self.line}: {self.message}"


def _mask_code_spans(line: str) -> str:
    """Blank out inline code spans (any backtick run closed by one of equal length)."""
    out = list(line)
    i = 0
    while i < len(line):
        if line[i] != "`":
            i += 1
            continue
        j = i
        while j < len(line) and line[j] == "`":
            j += 1
        ticks = line[i:j]
        close = line.find(ticks, j)
        while close != -1 and close + len(ticks) < len(line) and line[close + len(ticks)] == "`":
            close = line.find(ticks, close + len(ticks) + 1)
        if close == -1:
            i = j
            continue
        for k in range(i, close + len(ticks)):
            out[k] = " "
        i = close + len(ticks)
    return "".join(out)


def _parse_attrs(raw: str | None) -> tuple[bool, str]:
    if not raw:
        return False, ""
    inner = raw[1:-1].strip()
    show = bool(_CLASS.search(inner))
    rest = _CLASS.sub(" ", inner).strip()
    return show, rest


def _parse_src(src: str, prefix: str) -> tuple[str, str | None] | str:
    """Split ``prefix/script.py#output``; return an error message if malformed."""
    body = src[len(prefix) + 1 :]
    script, hashmark, output = body.partition("#")
    if not _SCRIPT.match(script) or any(part == ".." for part in script.split("/")):
        return (
            f"badly formed figure reference {src!r}: expected '{prefix}/<script>.py' or "
            f"'{prefix}/<script>.py#<output file>', with a path inside the figures folder"
        )
    if hashmark and (not output or not _OUTPUT.match(output) or ".." in output.split("/")):
        return (
            f"badly formed figure reference {src!r}: the part after '#' must name a file "
            "the script writes, such as '#loss-surface.png'"
        )
    return script, (output or None)


def scan(text: str, page: str, prefix: str = "figures") -> tuple[list[FigureRef], list[RefError]]:
    """Return the figure references in ``text`` and the malformed ones as errors.

    ``prefix`` is how a reference's source begins (the figures folder's name);
    images with other sources are left alone. Never raises for any input text.
    """
    refs: list[FigureRef] = []
    errors: list[RefError] = []
    fence: tuple[str, int] | None = None
    lead = prefix.rstrip("/") + "/"
    # Split on \n alone, as Python-Markdown does: str.splitlines() also splits on
    # form feeds and Unicode separators, which would shift every line number after them.
    for number, line in enumerate(text.split("\n"), start=1):
        m = _FENCE.match(line)
        if fence is not None:
            if m and m["fence"][0] == fence[0] and len(m["fence"]) >= fence[1]:
                if not line[m.end() :].strip():
                    fence = None
            continue
        if m and len(m["indent"].expandtabs(4)) < 4:
            fence = (m["fence"][0], len(m["fence"]))
            continue
        if "![" not in line:
            continue
        masked = _mask_code_spans(line)
        for im in _IMAGE.finditer(masked):
            src = im["src"].strip("<>")
            if not src.startswith(lead):
                continue
            parsed = _parse_src(src, prefix.rstrip("/"))
            if isinstance(parsed, str):
                errors.append(RefError(page, number, parsed))
                continue
            script, output = parsed
            show, attrs = _parse_attrs(im["attrs"])
            title = im["title"][1:-1] if im["title"] else None
            refs.append(
                FigureRef(
                    page=page,
                    line=number,
                    start=im.start(),
                    end=im.end(),
                    script=script,
                    output=output,
                    alt=line[im.start("alt") : im.end("alt")],
                    title=title,
                    show_source=show,
                    attrs=attrs,
                )
            )
    return refs, errors
