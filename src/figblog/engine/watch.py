"""Watch a run while it goes: say that it still runs, and see where it was when time ran out.

* A long run prints nothing to the log (a script's output goes there only when it
  fails), and minutes of silence look like a hang: :func:`wait_loop` calls back
  after :data:`HEARTBEAT_FIRST` seconds and every :data:`HEARTBEAT_EVERY` after
  (:mod:`figblog.engine.heartbeat` says it, once for a script's themes together).
* A run killed by its timeout should say where it was stuck. The child has
  registered :mod:`faulthandler` on ``SIGUSR1``, writing into ``stack.txt`` in its
  report folder (see ``_child.py``); :func:`ask_for_stack` sends the signal and
  waits a moment for the dump, and :func:`stuck_at` reads the script's frames from
  it. faulthandler dumps from its C signal handler, so a script blocked in C code
  answers too; one that does not answer in time is killed all the same.
"""

from __future__ import annotations

import linecache
import os
import re
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path

__all__ = [
    "HEARTBEAT_EVERY",
    "HEARTBEAT_FIRST",
    "STACK_FILE",
    "ask_for_stack",
    "stuck_at",
    "wait_loop",
]

HEARTBEAT_FIRST = 30.0  # seconds into a run before the first "still running" line
HEARTBEAT_EVERY = 60.0  # seconds between the lines after that
STACK_FILE = "stack.txt"  # in the run's report folder; the child writes it on SIGUSR1
_POLL = 0.2  # seconds between looks at the cancel flag and the clock while a run goes on
_STACK_WAIT = 0.3  # the longest a timed-out run's kill waits for its stack
_SHOWN_FRAMES = 6  # as many as a failed run's traceback shows


def wait_loop(
    wait: Callable[[float], object],
    timeout: float,
    cancel: threading.Event | None,
    on_still_running: Callable[[float], None] | None = None,
    beats_from: Callable[[], float] | None = None,
) -> tuple[object, str]:
    """Call ``wait(step)`` until it returns; give up on the timeout or on ``cancel``.

    Returns what ``wait`` returned and "" or, when it gave up, "timeout" or "cancel".
    ``wait`` raises TimeoutError when its step passes without an answer.
    ``on_still_running(seconds)`` is told once at each heartbeat the run lives past,
    counted from now or from what ``beats_from()`` returns (a ``time.monotonic()``
    value: a clock shared with other runs, see :class:`figblog.engine.heartbeat.Heartbeat`).
    """
    start = time.monotonic()
    deadline = start + timeout
    since = start if beats_from is None else beats_from()
    beat = HEARTBEAT_FIRST
    while True:
        now = time.monotonic()
        if cancel is not None and cancel.is_set():
            return None, "cancel"
        if now >= deadline:
            return None, "timeout"
        if on_still_running is not None and now - since >= beat:
            on_still_running(beat)
            while now - since >= beat:  # a late look says it once, not once per beat missed
                beat += HEARTBEAT_EVERY
        try:
            return wait(min(deadline - now, _POLL)), ""
        except TimeoutError:
            continue


def ask_for_stack(pid: int, report: Path) -> None:
    """Have the run ``pid`` write its threads' stacks into ``report``; wait a moment for them.

    Returns once the dump has stopped growing, or after :data:`_STACK_WAIT` seconds.
    """
    path = report / STACK_FILE
    try:
        os.kill(pid, signal.SIGUSR1)
    except OSError:
        return
    deadline = time.monotonic() + _STACK_WAIT
    size = 0
    while time.monotonic() < deadline:
        time.sleep(0.01)
        try:
            now = path.stat().st_size
        except OSError:
            return  # the child could not make the file: nothing will come
        if now and now == size:
            return
        size = now


# faulthandler's lines: 'Thread 0x... (most recent call first):' then '  File "f", line 3 in g'.
_THREAD = re.compile(r"^(Current thread|Thread) 0x[0-9a-f]+ \(most recent call first\):$")
_FRAME = re.compile(r'^  File "(.*)", line (\d+) in (.*)$')
_ENGINE = f"{os.sep}figblog{os.sep}engine{os.sep}_child.py"
# Libraries, even in a virtualenv inside the project: the child runs this same interpreter.
_PREFIXES = tuple({os.path.join(p, "") for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)})


def stuck_at(report: Path, script: Path, root: Path) -> tuple[str, int | None]:
    """The script's frames when its time ran out, formatted as a traceback, and its line.

    Only the thread that ran the script is shown, from the script's top level inward
    to the innermost frame of the project's code (what lies deeper, in libraries, is
    summed up in one line), with paths under ``root`` relative to it. ("", None)
    when there is no dump.
    """
    try:
        frames = _script_frames((report / STACK_FILE).read_text(errors="replace"))
    except OSError:
        return "", None
    prefix = os.path.join(str(root), "")
    ours = [i for i, f in enumerate(frames) if f[0].startswith(prefix)]
    ours = [i for i in ours if not frames[i][0].startswith(_PREFIXES)]
    # Deep in a library, the last few frames would all be the library's: end at the author's.
    cut = ours[-1] + 1 if ours else len(frames)
    frames, beyond = frames[:cut], frames[cut:]
    summaries = []
    for filename, lineno, name in frames[-_SHOWN_FRAMES:]:
        linecache.checkcache(filename)  # `mkdocs serve` lives on while the script is edited
        summary = traceback.FrameSummary(filename, lineno, name)  # reads the source line
        if filename.startswith(prefix):
            summary.filename = filename[len(prefix) :]
        summaries.append(summary)
    text = "".join(traceback.format_list(summaries))
    if beyond:
        more = f"{len(beyond)} more frame{'s' if len(beyond) > 1 else ''}"
        inner = beyond[-1]
        text += f"  ... then {more} outside the project, down to {inner[2]} "
        text += f"({os.path.basename(inner[0])})\n"
    where = os.path.abspath(script)
    lines = [f[1] for f in frames if f[0] == where]
    return text, (lines[-1] if lines else None)


def _script_frames(text: str) -> list[tuple[str, int, str]]:
    """The frames (file, line, function) above the engine's in the thread that ran the script.

    Outermost first. That thread is the one whose stack holds ``_child.run``; failing
    that (a deep recursion cut short), the one that took the signal.
    """
    threads = _threads(text)
    main = [t for t in threads if any(f[0].endswith(_ENGINE) and f[2] == "run" for f in t)]
    frames: list[tuple[str, int, str]] = []
    for frame in (main or threads or [[]])[0]:  # innermost first
        if "runpy" in frame[0] or frame[0].endswith(_ENGINE):
            break
        frames.append(frame)
    return frames[::-1]


def _threads(text: str) -> list[list[tuple[str, int, str]]]:
    """Each thread's frames, innermost first, the thread that took the signal first."""
    threads: list[list[tuple[str, int, str]]] = []
    current: list[tuple[str, int, str]] = []
    for line in text.splitlines():
        head = _THREAD.match(line)
        if head:
            current = []
            if head.group(1) == "Current thread":
                threads.insert(0, current)
            else:
                threads.append(current)
            continue
        frame = _FRAME.match(line)
        if frame:
            current.append((frame.group(1), int(frame.group(2)), frame.group(3)))
    return threads
