"""Watch a run while it goes: say now and then that it still runs.

A long run prints nothing to the log (a script's output goes there only when it
fails), and minutes of silence look like a hang: :func:`wait_loop` calls back
after :data:`HEARTBEAT_FIRST` seconds and every :data:`HEARTBEAT_EVERY` after.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

__all__ = ["HEARTBEAT_EVERY", "HEARTBEAT_FIRST", "wait_loop"]

HEARTBEAT_FIRST = 30.0  # seconds into a run before the first "still running" line
HEARTBEAT_EVERY = 60.0  # seconds between the lines after that
_POLL = 0.2  # seconds between looks at the cancel flag and the clock while a run goes on


def wait_loop(
    wait: Callable[[float], object],
    timeout: float,
    cancel: threading.Event | None,
    on_still_running: Callable[[float], None] | None = None,
) -> tuple[object, str]:
    """Call ``wait(step)`` until it returns; give up on the timeout or on ``cancel``.

    Returns what ``wait`` returned and "" or, when it gave up, "timeout" or "cancel".
    ``wait`` raises TimeoutError when its step passes without an answer.
    ``on_still_running(seconds)`` is told once at each heartbeat the run lives past.
    """
    start = time.monotonic()
    deadline = start + timeout
    beat = HEARTBEAT_FIRST
    while True:
        now = time.monotonic()
        if cancel is not None and cancel.is_set():
            return None, "cancel"
        if now >= deadline:
            return None, "timeout"
        if on_still_running is not None and now - start >= beat:
            on_still_running(beat)
            while now - start >= beat:  # a late look says it once, not once per beat missed
                beat += HEARTBEAT_EVERY
        try:
            return wait(min(deadline - now, _POLL)), ""
        except TimeoutError:
            continue
