"""Run one figure script in a subprocess and report what happened.

The child starts in a new, empty folder (every file it leaves there is an
output), with the theme, a headless matplotlib backend and fixed hash seeds in
its environment. It runs in its own process group so a timeout kills the
script together with any processes it started.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["RunResult", "run_script"]

_TAIL_LINES = 40


@dataclass
class RunResult:
    """What one run produced: status, files read, error details, output tail."""

    ok: bool
    seconds: float
    reads: list[str] = field(default_factory=list)  # absolute paths
    timed_out: bool = False
    error_type: str = ""
    error_message: str = ""
    script_line: int | None = None
    traceback: str = ""
    output_tail: str = ""


def _child_env(theme: str, root: Path, memo_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    # Scripts run side by side, one per core: a BLAS pool per script would
    # oversubscribe the cores and slow every run down. An author may override.
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(var, "1")
    env.update(
        FIGBLOG_THEME=theme,
        FIGBLOG_PROJECT_ROOT=str(root),
        FIGBLOG_MEMO_DIR=str(memo_dir),
        MPLBACKEND="Agg",
        PYTHONHASHSEED="0",
        SOURCE_DATE_EPOCH="0",
        PYTHONUNBUFFERED="1",
    )
    return env


def _pump(stream: object, tail: deque[str], on_line: Callable[[str], None] | None) -> None:
    """Read the child's merged output; progress bars redraw with CR, so split on it."""
    buf = ""
    for chunk in iter(lambda: stream.read1(4096), b""):  # type: ignore[attr-defined]
        buf += chunk.decode(errors="replace")
        *lines, buf = buf.replace("\r", "\n").split("\n")
        for line in lines:
            if line.strip():
                tail.append(line)
                if on_line:
                    on_line(line)
    if buf.strip():
        tail.append(buf)
        if on_line:
            on_line(buf)


def run_script(
    script: Path,
    theme: str,
    root: Path,
    workspace: Path,
    memo_dir: Path,
    timeout: float,
    on_line: Callable[[str], None] | None = None,
) -> RunResult:
    """Run ``script`` with ``workspace/out`` as its working folder.

    ``workspace`` itself receives the child's reports (``reads.json``,
    ``error.json``), outside the output folder.
    """
    start = time.monotonic()
    out = workspace / "out"
    cmd = [sys.executable, "-m", "figblog.engine._child", str(script), str(workspace)]
    proc = subprocess.Popen(
        cmd,
        cwd=out,
        env=_child_env(theme, root, memo_dir),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    tail: deque[str] = deque(maxlen=_TAIL_LINES)
    reader = threading.Thread(target=_pump, args=(proc.stdout, tail, on_line), daemon=True)
    reader.start()
    timed_out = False
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        _kill_group(proc)
    finally:
        _kill_group(proc)  # any process the script left behind
        reader.join(timeout=5)
        if proc.stdout:
            proc.stdout.close()
    seconds = time.monotonic() - start
    result = RunResult(ok=proc.returncode == 0 and not timed_out, seconds=seconds)
    result.output_tail = "\n".join(tail)
    result.timed_out = timed_out
    try:
        result.reads = json.loads((workspace / "reads.json").read_text())
    except (OSError, ValueError):
        result.reads = []
    if timed_out:
        result.error_type = "Timeout"
        result.error_message = f"timed out after {timeout:g} s and was killed"
        return result
    if not result.ok:
        try:
            err = json.loads((workspace / "error.json").read_text())
            result.error_type = err.get("type", "")
            result.error_message = err.get("message", "")
            result.script_line = err.get("script_line")
            result.traceback = err.get("traceback", "")
        except (OSError, ValueError):
            result.error_type = "Crash"
            result.error_message = f"the script's process exited with status {proc.returncode}"
    return result


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:  # pragma: no cover - SIGKILL is not ignorable
        pass
