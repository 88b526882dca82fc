"""A live status line on the terminal: the progress bars of the scripts running now.

A script that trains a model for a minute usually draws a progress bar. Its output
goes to the build log only when it fails (or when the author asks for every line),
so without this the author watches a silent terminal. When the log is a terminal,
the last state of each running script's bar is drawn on one line at the bottom,
redrawn in place at most ten times a second, and wiped before any log line is
printed and when the runs end, so the log itself stays as it would be without it.
In a file or a CI log nothing is drawn.
"""

from __future__ import annotations

import os
import shutil
import sys
import threading
import time
from typing import TextIO

__all__ = ["LiveLine"]

_CLEAR = "\r\x1b[K"
_INTERVAL = 0.1  # seconds between two drawings


class LiveLine:
    """The status line on ``stream``; every method is a no-op unless it is a terminal."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        try:
            tty = self.stream.isatty()
        except (AttributeError, ValueError):  # a closed or unusual stream
            tty = False
        self.active = tty and os.environ.get("TERM", "") != "dumb"
        self._states: dict[str, str] = {}  # run label -> its bar's last state
        self._lock = threading.RLock()
        self._drawn = False
        self._last = 0.0

    def update(self, run: str, state: str) -> None:
        """``run`` (e.g. ``figures/x.py [dark]``) redrew its progress bar as ``state``."""
        if not self.active:
            return
        with self._lock:
            self._states[run] = " ".join(state.split())
            if time.monotonic() - self._last >= _INTERVAL:
                self._draw()

    def done(self, run: str) -> None:
        """``run`` ended: its bar leaves the line (the line goes when no bar is left)."""
        if not self.active:
            return
        with self._lock:
            if self._states.pop(run, None) is not None:
                self._draw()

    def wipe(self) -> None:
        """Take the line off the screen, before a log line is printed in its place."""
        if not self.active:
            return
        with self._lock:
            if self._drawn:
                self._write(_CLEAR)
                self._drawn = False

    def restore(self) -> None:
        """Draw the line again after a log line, if any bar is still running."""
        if self.active:
            with self._lock:
                self._draw()

    def _draw(self) -> None:
        self._last = time.monotonic()
        if not self._states:
            self.wipe()
            return
        width = shutil.get_terminal_size((80, 24)).columns - 1
        text = " | ".join(f"{run} {state}" for run, state in self._states.items())
        if len(text) > width:
            text = text[: max(0, width - 3)] + "..."
        self._write(_CLEAR + text)
        self._drawn = True

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # the terminal went away: stop drawing
            self.active = False
