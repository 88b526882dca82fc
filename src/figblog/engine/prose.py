"""Which lines and characters of Markdown are prose rather than code.

Python-Markdown renders nothing inside fenced code blocks, indented code blocks, inline
code spans, HTML comments or raw ``<pre>`` blocks, so a post can show Markdown syntax
there without it taking effect. :func:`prose_lines` follows a page line by line the
way Python-Markdown does (containers whose content is indented included) and yields
only its prose lines, with code spans and comments blanked, for callers such as
:mod:`refs` to search.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator

__all__ = ["prose_lines"]

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})")
# A line that opens a container whose content is indented: an admonition, a
# collapsible block or a list item.
# A raw HTML <pre> block: Markdown passes what it holds through as it is, up to </pre>.
_PRE = re.compile(r"[ \t]*<pre(?=[\s>])", re.IGNORECASE)
_PRE_END = re.compile(r"</pre\s*>", re.IGNORECASE)
# The first characters of an unindented line that may open a fence, a <pre> or a container.
_MAY_OPEN = frozenset("`~<?-*+0123456789")
_CONTAINER = re.compile(r"^[ \t]*(?:(?:!!!|\?\?\?\+?)[ \t]+\S|(?:[-*+]|\d{1,9}[.)])[ \t]+)")


def _mask_code_spans(line: str) -> str:
    """Blank out inline code spans (any backtick run closed by one of equal length)."""
    if "`" not in line:
        return line
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


class _Blocks:
    """Python-Markdown's view of which lines are code, as far as references care.

    It follows the containers whose content is indented (admonitions and collapsible
    blocks and list items: four spaces, as Python-Markdown wants), so that a fence or
    an indented code block is recognised relative to its container, as Markdown
    does; and it masks HTML comments, which Markdown does not render, and raw ``<pre>``
    blocks outside containers, which it passes through as they are (inside an
    admonition or a list, Python-Markdown renders a ``<pre>``'s lines as Markdown).
    """

    def __init__(self) -> None:
        self.containers: list[int] = []  # content columns of the open containers
        self.fence: tuple[str, int, int] | None = None  # char, length, indent
        self.in_code = False  # inside an indented code block
        self.prev_blank = True
        self.in_comment = False
        self.in_pre = False

    def prose(self, line: str) -> str | None:
        """``line`` with comments blanked, or None when Markdown treats it as code."""
        first = line[:1]
        if (
            first
            and not first.isspace()
            and first not in _MAY_OPEN
            and self.fence is None
            and not self.in_pre
            and not self.containers
            and not line.startswith("!!!")
        ):
            # Most lines: unindented, outside any block, opening none (what follows,
            # for such a line, in short).
            self.in_code = False
            self.prev_blank = False
            return self._uncomment(line) if self.in_comment or "<!--" in line else line
        return self._prose(line)

    def _prose(self, line: str) -> str | None:
        """:meth:`prose` for any line."""
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
        if self.in_pre:
            return self._after_pre(line)
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
        if "<" in line and not self.containers and not self.in_comment and _PRE.match(line):
            self.in_pre = True
            return self._after_pre(line)
        if _CONTAINER.match(line) and not self.in_comment:
            # Python-Markdown indents a container's content by four, whatever its marker.
            self.containers.append(column + 4)
        return self._uncomment(line)

    def _after_pre(self, line: str) -> str | None:
        """What of a line of a ``<pre>`` block is prose: what follows its ``</pre>``."""
        end = _PRE_END.search(line)
        if end is None:
            return None
        self.in_pre = False
        self.prev_blank = False
        return " " * end.end() + self._uncomment(line[end.end() :])

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


@functools.cache
def _any_of(needles: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, needles)))


def prose_lines(text: str, needle: str | tuple[str, ...]) -> Iterator[tuple[int, str, str]]:
    """Yield ``(number, line, line with code spans and comments blanked)`` for prose lines.

    Lines Markdown treats as code (see :class:`_Blocks`) are skipped, and only lines
    holding ``needle`` (or one of several) are yielded (a cheap filter before any regex).
    """
    # One needle is a substring test; several, one pattern, so that a line is searched once.
    holds: Callable[[str], object] = (
        (lambda line: needle in line) if isinstance(needle, str) else _any_of(needle).search
    )
    if not holds(text):
        return  # most pages have no value references: no need to follow their blocks
    blocks = _Blocks()
    # Split on \n alone, as Python-Markdown does: str.splitlines() also splits on
    # form feeds and Unicode separators, which would shift every line number after them.
    for number, line in enumerate(text.split("\n"), start=1):
        prose = blocks.prose(line)
        if prose is not None and holds(prose):
            yield number, line, _mask_code_spans(prose)
