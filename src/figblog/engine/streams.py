"""Turn a script's raw output into log lines: whole lines, few progress redraws, a bounded tail.

A script's output goes to the log only when it fails (its last lines, in the error) or
when the author asks for it (verbose). Either way it is read here:

* lines are relayed whole, never mixed with another run's (the caller prefixes them);
* a progress bar redraws its line with a carriage return many times a second: a redraw
  is relayed only when its percentage enters a new tenth, and its final state when the
  line ends (every redraw goes to ``on_redraw``, for a live display on a terminal);
* only the last ``tail_lines`` lines are kept, and a line without an end is cut to
  ``max_line`` characters, so a flood of output costs neither memory nor time;
* :func:`figblog.memo` tells the engine when it waits for another run's result with
  a short escape sequence, which is taken out of the text and reported instead.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable

__all__ = ["STATUS_GO", "STATUS_WAIT", "OutputReader"]

STATUS_WAIT = "\x1b]figblog;wait\x07"
STATUS_GO = "\x1b]figblog;go\x07"
_MARKER_START = "\x1b]figblog;"
_PERCENT = re.compile(r"(\d{1,3})%")


class OutputReader:
    """Feed it decoded text as it arrives; it calls back with lines and status changes."""

    def __init__(
        self,
        tail_lines: int = 50,
        on_line: Callable[[str], None] | None = None,
        on_status: Callable[[bool], None] | None = None,
        max_line: int = 4000,
        on_redraw: Callable[[str], None] | None = None,
    ) -> None:
        self.tail: deque[str] = deque(maxlen=tail_lines)
        self.lines = 0  # complete lines seen, kept or not
        self._on_line = on_line
        self._on_status = on_status
        self._on_redraw = on_redraw  # every state of a progress bar, for a live display
        self._max = max_line
        self._parts: list[str] = []  # the unfinished line, in pieces (no quadratic joins)
        self._size = 0
        self._carry = ""
        self._decile = -1
        self._pending = ""  # the last progress state not yet relayed

    def feed(self, text: str) -> None:
        """Take the next piece of output."""
        text = self._carry + text
        self._carry = ""
        if _MARKER_START[0] in text:
            text = self._take_markers(text)
        start = 0
        for match in re.finditer(r"[\r\n]", text):
            self._add(text[start : match.start()])
            if match.group() == "\n":
                self._end_line()
            else:
                self._redraw()
            start = match.end()
        self._add(text[start:])

    def close(self) -> None:
        """The stream ended: whatever is left is the last line."""
        if self._carry:
            self._add(self._carry)
            self._carry = ""
        self._end_line()

    def _take_markers(self, text: str) -> str:
        for marker, waiting in ((STATUS_WAIT, True), (STATUS_GO, False)):
            while marker in text:
                text = text.replace(marker, "", 1)
                if self._on_status:
                    self._on_status(waiting)
        cut = text.rfind(_MARKER_START[0])
        if cut != -1 and _MARKER_START.startswith(text[cut:][: len(_MARKER_START)]):
            if len(text) - cut < len(STATUS_WAIT):  # maybe the first half of a marker
                self._carry = text[cut:]
                text = text[:cut]
        return text

    def _add(self, piece: str) -> None:
        if not piece or self._size >= self._max:
            return
        piece = piece[: self._max - self._size]
        self._parts.append(piece)
        self._size += len(piece)

    def _take(self) -> str:
        line = "".join(self._parts)
        if self._size >= self._max:
            line += " [...]"
        self._parts, self._size = [], 0
        return line

    def _redraw(self) -> None:
        """A carriage return: the line so far is one state of a progress bar."""
        line = self._take()
        if not line.strip():
            return
        if self._on_redraw:
            self._on_redraw(line)
        self._pending = line
        found = _PERCENT.search(line)
        decile = min(int(found.group(1)), 100) // 10 if found else None
        if decile is None or decile > self._decile:
            self._decile = decile if decile is not None else self._decile
            self._emit(line)
            self._pending = ""

    def _end_line(self) -> None:
        line = self._take()
        pending, self._pending = self._pending, ""
        self._decile = -1
        if not line.strip():
            line = pending  # a bar that ended with "\r\n": its last state is the line
        if line.strip():
            self._emit(line)

    def _emit(self, line: str) -> None:
        self.lines += 1
        self.tail.append(line)
        if self._on_line:
            self._on_line(line)
