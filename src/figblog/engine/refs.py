"""Find figure references and value references in Markdown.

A figure reference is an ordinary Markdown image whose source names a script
in the figures folder and, after ``#``, the file it writes::

    ![Alt text](figures/loss_surface.py#loss-surface.png){ .show-source }

A value reference puts one value that a script publishes (``figblog.values``)
inside a sentence, optionally with a format spec of its own::

    It runs {{ sheet_descent.py:epochs }} epochs at a rate of {{ sheet_descent.py:lr | .1e }}.

Both kinds inside fenced code blocks and inline code spans are ignored, so a
post can show the syntax without triggering it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from figblog.engine.stray import stray_reference

__all__ = ["FigureRef", "RefError", "ValueRef", "scan", "scan_page", "scan_values"]

_IMAGE = re.compile(
    r"!\[(?P<alt>(?:\\.|[^\]\\])*)\]"  # ![alt], with escaped brackets allowed
    r"\(\s*(?P<src>[^)\s]*)(?:\s+(?P<title>\"[^\"]*\"|'[^']*'))?\s*\)"
    r"(?P<attrs>\{[^}\n]*\})?"
)
_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})")
_SCRIPT = re.compile(r"^(?:[A-Za-z0-9_][A-Za-z0-9_.-]*/)*[A-Za-z0-9_][A-Za-z0-9_.-]*\.py$")
_OUTPUT = re.compile(r"^(?:[A-Za-z0-9_][A-Za-z0-9_.-]*/)*[A-Za-z0-9_][A-Za-z0-9_.-]*$")
_CLASS = re.compile(r"(?:^|\s)\.show-source(?=\s|$)")
# A line that opens a container whose content is indented: an admonition, a
# collapsible block or a list item.
_CONTAINER = re.compile(r"^[ \t]*(?:(?:!!!|\?\?\?\+?)[ \t]+\S|(?:[-*+]|\d{1,9}[.)])[ \t]+)")
# Anything opening with "{{ <something>.py" is meant as a value reference; other double
# braces (LaTeX such as \frac{{a}}{b}) are left alone.
_VALUE_START = re.compile(r"\{\{[ \t]*[^\s{}|:]*\.py(?![A-Za-z0-9_])")
_VALUE = re.compile(
    r"\{\{[ \t]*(?P<script>[^\s{}|:]+)[ \t]*:[ \t]*(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"[ \t]*(?:\|[ \t]*(?P<fmt>[^{}|\n]*?)[ \t]*)?\}\}"
)


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


@dataclass(frozen=True)
class ValueRef:
    """One value reference: where it stands, which script, which name, which format.

    ``line`` is 1-based and ``start``/``end`` are the character offsets of the
    whole ``{{ ... }}`` within that line. ``fmt`` is None unless the reference
    gives its own format after ``|``.
    """

    page: str
    line: int
    start: int
    end: int
    script: str  # relative to the figures folder, POSIX separators
    name: str
    fmt: str | None = None

    @property
    def where(self) -> str:
        """``page:line``, the way an editor wants it."""
        return f"{self.page}:{self.line}"


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


class _Blocks:
    """Python-Markdown's view of which lines are code, as far as references care.

    It follows the containers whose content is indented (admonitions and collapsible
    blocks and list items: four spaces, as Python-Markdown wants), so that a fence or
    an indented code block is recognised relative to its container, as Markdown
    does; and it masks HTML comments, which Markdown does not render.
    """

    def __init__(self) -> None:
        self.containers: list[int] = []  # content columns of the open containers
        self.fence: tuple[str, int, int] | None = None  # char, length, indent
        self.in_code = False  # inside an indented code block
        self.prev_blank = True
        self.in_comment = False

    def prose(self, line: str) -> str | None:
        """``line`` with comments blanked, or None when Markdown treats it as code."""
        indent = len(line) - len(line.lstrip(" \t"))
        column = len(line[:indent].expandtabs(4))
        blank = not line.strip()
        if self.fence is not None:
            m = _FENCE.match(line)
            if (
                m
                and m["fence"][0] == self.fence[0]
                and len(m["fence"]) >= self.fence[1]
                and not line[m.end() :].strip()
            ):
                self.fence = None
            self.prev_blank = False
            return None
        if blank:
            self.prev_blank = True
            return line if not self.in_comment else ""
        while self.containers and column < self.containers[-1]:
            self.containers.pop()
            self.in_code = False
        base = self.containers[-1] if self.containers else 0
        relative = column - base
        if relative >= 4 and (self.prev_blank or self.in_code) and not self.in_comment:
            self.in_code = True
            self.prev_blank = False
            return None
        self.in_code = False
        self.prev_blank = False
        m = _FENCE.match(line)
        if m and relative < 4 and not self.in_comment:
            self.fence = (m["fence"][0], len(m["fence"]), column)
            return None
        if _CONTAINER.match(line) and not self.in_comment:
            # Python-Markdown indents a container's content by four, whatever its marker.
            self.containers.append(column + 4)
        return self._uncomment(line)

    def _uncomment(self, line: str) -> str:
        out, i = [], 0
        while i < len(line):
            if self.in_comment:
                end = line.find("-->", i)
                if end == -1:
                    out.append(" " * (len(line) - i))
                    return "".join(out)
                out.append(" " * (end + 3 - i))
                i = end + 3
                self.in_comment = False
            else:
                start = line.find("<!--", i)
                if start == -1:
                    out.append(line[i:])
                    break
                out.append(line[i:start])
                i = start
                self.in_comment = True
        return "".join(out)


def scan(text: str, page: str, prefix: str = "figures") -> tuple[list[FigureRef], list[RefError]]:
    """Return the figure references in ``text`` and the malformed ones as errors.

    ``prefix`` is how a reference's source begins (the figures folder's name);
    images with other sources are left alone, unless they plainly mean a script of
    the figures folder (``/figures/x.py``, see :mod:`stray`). References in code (fenced, indented
    or inline, inside containers too) and in HTML comments are not references, as
    Markdown renders none of them as images. Never raises for any input text.
    """
    refs: list[FigureRef] = []
    errors: list[RefError] = []
    lead = prefix.rstrip("/") + "/"
    for number, line, masked in _prose_lines(text, "!["):
        found = list(_IMAGE.finditer(masked))
        for opening in re.finditer(re.escape("](" + lead), masked):
            if not any(im.start() < opening.start() < im.end() for im in found):
                address = masked[opening.end() :].split(")", 1)
                if len(address) == 2 and any(c.isspace() for c in address[0].strip()):
                    message = (
                        f"the figure reference '{lead}{address[0].strip()}' has a space in its "
                        "address: script and output names cannot hold spaces (write "
                        "'with-dashes.png'; a title goes in quotes after the address)"
                    )
                else:
                    message = (
                        "a figure reference that is not closed: write "
                        f"![what it shows]({lead}<script>.py#<output>) on one line, with its ')'"
                    )
                errors.append(RefError(page, number, message))
        for im in found:
            src = im["src"].strip("<>")
            if not src.startswith(lead):
                stray = stray_reference(src, page, prefix)
                if stray:
                    errors.append(RefError(page, number, stray))
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


def scan_values(text: str, page: str) -> tuple[list[ValueRef], list[RefError]]:
    """Return the value references in ``text`` and the malformed ones as errors.

    Never raises for any input text.
    """
    refs: list[ValueRef] = []
    errors: list[RefError] = []
    for number, _line, masked in _prose_lines(text, "{{"):
        for start in _VALUE_START.finditer(masked):
            m = _VALUE.match(masked, start.start())
            script = m["script"] if m else ""
            if m is None or not _SCRIPT.match(script) or ".." in script.split("/"):
                end = masked.find("}}", start.start())
                shown = masked[start.start() : end + 2] if end != -1 else masked[start.start() :]
                what = "badly formed value reference" if end != -1 else "value reference not closed"
                errors.append(
                    RefError(
                        page,
                        number,
                        f"{what} {shown.strip()!r}: expected "
                        "'{{ <script>.py:<name> }}' or '{{ <script>.py:<name> | <format> }}' "
                        "on one line, with the script's path inside the figures folder",
                    )
                )
                continue
            fmt = m["fmt"] or None
            refs.append(ValueRef(page, number, m.start(), m.end(), script, m["name"], fmt))
    return refs, errors


def scan_page(
    text: str, page: str, prefix: str = "figures"
) -> tuple[list[FigureRef], list[ValueRef], list[RefError]]:
    """A page's figure and value references, and its malformed ones in line order."""
    refs, errors = scan(text, page, prefix)
    values, value_errors = scan_values(text, page)
    return refs, values, sorted([*errors, *value_errors], key=lambda e: e.line)


def _prose_lines(text: str, needle: str) -> Iterator[tuple[int, str, str]]:
    """Yield ``(number, line, line with code spans and comments blanked)`` for prose lines.

    Lines Markdown treats as code (see :class:`_Blocks`) are skipped, and only lines
    holding ``needle`` are yielded (a cheap filter before any regex).
    """
    if needle not in text:
        return  # most pages have no value references: no need to follow their blocks
    blocks = _Blocks()
    # Split on \n alone, as Python-Markdown does: str.splitlines() also splits on
    # form feeds and Unicode separators, which would shift every line number after them.
    for number, line in enumerate(text.split("\n"), start=1):
        prose = blocks.prose(line)
        if prose is not None and needle in prose:
            yield number, line, _mask_code_spans(prose)
