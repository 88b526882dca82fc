"""Run one figure script in a child process and report what happened.

The child starts in a new, empty folder (every file it leaves there is an
output), with the theme, a headless matplotlib backend and fixed hash seeds in
its environment. It runs in its own process group so a timeout kills the
script together with any processes it started. The child is forked from a warm
worker that has numpy and matplotlib loaded already, or, failing that, is a
fresh interpreter. While it runs, :mod:`figblog.engine.watch` keeps the time; a
run killed by its timeout is asked for its stack first, to say where it was.
"""

from __future__ import annotations

import codecs
import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from figblog.engine.hints import missing_file_hint
from figblog.engine.streams import OutputReader
from figblog.engine.watch import STACK_FILE, ask_for_stack, stuck_at, wait_loop
from figblog.engine.workers import WorkerError, worker_for

__all__ = ["Cancelled", "RunResult", "run_script"]

_TAIL_LINES = 50  # of a run's output, kept for its error report


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
    traceback: str = ""  # the last frames: where it raised, or where its timeout found it
    hint: str = ""  # one line of advice for a failure with a known cause
    output_tail: str = ""  # the last lines of its output
    output_lines: int = 0  # how many lines it printed in all
    untracked: list[str] = field(default_factory=list)  # why its reads may be incomplete
    cpu: float | None = None  # CPU seconds of the script's process, when known
    # Saved picture -> (pixels, text): the smallest text it draws, in its own pixels.
    texts: dict[str, tuple[float, str]] = field(default_factory=dict)
    # Files it opened for writing outside its folder and the cache (absolute, the first few).
    writes: list[str] = field(default_factory=list)
    cwd: str | None = None  # the folder it ended in, when it left its own (os.chdir)


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
        FIGBLOG_STATUS="1",  # figblog.memo may tell us when it waits for another run
        # Inherited by everything the run starts, so what outlives it can be found and ended.
        FIGBLOG_RUN=uuid.uuid4().hex,
    )
    return env


def _pump(stream: object, reader: OutputReader) -> None:
    """Read the child's merged output until it ends, decoding UTF-8 across chunk edges."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    try:
        for chunk in iter(lambda: stream.read1(65536), b""):  # type: ignore[attr-defined]
            reader.feed(decoder.decode(chunk))
        reader.feed(decoder.decode(b"", final=True))
    except (OSError, ValueError):  # closed under us after a timeout: what we have is enough
        pass
    reader.close()


def run_script(
    script: Path,
    theme: str,
    root: Path,
    workspace: Path,
    memo_dir: Path,
    timeout: float,
    on_line: Callable[[str], None] | None = None,
    warm: bool = True,
    on_status: Callable[[bool], None] | None = None,
    cancel: threading.Event | None = None,
    on_redraw: Callable[[str], None] | None = None,
    on_still_running: Callable[[float], None] | None = None,
    beats_from: Callable[[], float] | None = None,
) -> RunResult:
    """Run ``script`` with ``workspace/out`` as its working folder.

    ``workspace`` itself receives the child's reports (``reads.json``,
    ``error.json``), outside the output folder. ``warm`` runs it in a child forked
    from a warm worker (:mod:`figblog.engine.workers`); if no worker can be had, or
    with ``warm=False``, it runs in a fresh interpreter. Both give the same outputs.
    When ``cancel`` is set the run is killed and :class:`Cancelled` raised.
    ``on_still_running(seconds)`` hears of a long run now and then, counted from its
    start or from ``beats_from()`` (see :func:`figblog.engine.watch.wait_loop`).
    """
    env = _child_env(theme, root, memo_dir)
    reader = OutputReader(_TAIL_LINES, on_line, on_status, on_redraw=on_redraw)
    outcome = None
    if warm:
        try:
            outcome = _run_warm(
                script, workspace, env, timeout, reader, cancel, on_still_running, beats_from
            )
        except WorkerError as exc:
            _warn_once(f"figblog: running scripts in fresh interpreters ({exc})")
    if outcome is None:
        outcome = _run_fresh(
            script, workspace, env, timeout, reader, cancel, on_still_running, beats_from
        )
    returncode, timed_out, cpu, started = outcome
    # From the child's start: a worker still booting is not the script's time (it would
    # make the first scripts look long to the scheduler next time).
    seconds = time.monotonic() - started
    result = RunResult(ok=returncode == 0 and not timed_out, seconds=seconds, cpu=cpu)
    result.output_tail = "\n".join(reader.tail)
    result.output_lines = reader.lines
    result.timed_out = timed_out
    try:
        report = json.loads((workspace / "reads.json").read_text())
        result.reads = list(report["reads"])
        result.untracked = [str(r) for r in report.get("untracked", [])]
        result.texts = _texts(report.get("texts"))
        result.writes = [str(w) for w in report.get("writes") or []]
        result.cwd = str(report["cwd"]) if report.get("cwd") else None
    except (OSError, ValueError, KeyError, TypeError):
        # No report: the script ended without returning (os._exit, a signal), so what
        # it read is unknown, which is not the same as nothing.
        result.untracked = ["it ended without reporting what it read (os._exit or a signal?)"]
    if timed_out:
        result.error_type = "Timeout"
        result.error_message = f"timed out after {timeout:g} s and was killed"
        result.traceback, result.script_line = stuck_at(workspace, script, root)
        return result
    # Asked for only on a timeout: an empty file, which must not be kept with the outputs.
    (workspace / STACK_FILE).unlink(missing_ok=True)
    if not result.ok:
        try:
            err = json.loads((workspace / "error.json").read_text())
            result.error_type = err.get("type", "")
            result.error_message = err.get("message", "")
            result.script_line = err.get("script_line")
            result.traceback = err.get("traceback", "")
            result.hint = missing_file_hint(err, script, root, workspace / "out")
        except (OSError, ValueError):
            result.error_type = "Crash"
            result.error_message = _crash(returncode)
    return result


# What the signals a script's process most often dies of mean, for its message.
_SIGNALS = {
    "SIGSEGV": "a segmentation fault: native code, such as a C extension, read memory it may not",
    "SIGBUS": "a bus error: native code read memory it may not",
    "SIGABRT": "an abort: native code, such as a C extension, gave up",
    "SIGKILL": "a kill from outside, often the system's when memory runs out",
    "SIGILL": "an illegal instruction: native code built for another processor",
    "SIGFPE": "an arithmetic fault in native code",
}


def _crash(returncode: int) -> str:
    """Why a process that left no error report ended: its exit status, or the signal."""
    if returncode >= 0:
        return f"the script's process exited with status {returncode}"
    try:
        name = signal.Signals(-returncode).name
    except ValueError:
        return f"the script's process was killed by signal {-returncode}"
    meaning = _SIGNALS.get(name)
    return f"the script's process was killed by {name}" + (f", {meaning}" if meaning else "")


def _texts(found: object) -> dict[str, tuple[float, str]]:
    """The child's text sizes (file -> [pixels, text]); what does not parse is left out."""
    texts = {}
    for name, size in found.items() if isinstance(found, dict) else ():
        with contextlib.suppress(TypeError, ValueError, IndexError):
            texts[str(name)] = (float(size[0]), str(size[1]))
    return texts


_WARNED: set[str] = set()


def _warn_once(message: str) -> None:
    if message not in _WARNED:
        _WARNED.add(message)
        print(message, file=sys.stderr)


class Cancelled(Exception):
    """The build was interrupted (Ctrl-C) while this run went on; it was killed."""


def _finish_reading(thread: threading.Thread, close: Callable[[], None]) -> None:
    """Wait for the output reader; close the pipe only once it is done with it.

    Closing a pipe that another thread is reading blocks until that read returns,
    which a process still holding the other end could delay forever.
    """
    thread.join(timeout=5)
    if not thread.is_alive():
        close()


def _run_warm(
    script: Path,
    workspace: Path,
    env: dict[str, str],
    timeout: float,
    reader: OutputReader,
    cancel: threading.Event | None = None,
    on_still_running: Callable[[float], None] | None = None,
    beats_from: Callable[[], float] | None = None,
) -> tuple[int, bool, float | None, float]:
    run = worker_for(env).start(script, workspace, workspace / "out", env)
    started = time.monotonic()
    pump = threading.Thread(target=_pump, args=(run.output, reader), daemon=True)
    pump.start()
    try:
        done, gave_up = wait_loop(
            lambda step: run.receive(time.monotonic() + step),
            timeout,
            cancel,
            on_still_running,
            beats_from,
        )
        if gave_up == "timeout":
            ask_for_stack(run.pid, workspace)
        if gave_up:
            run.kill()
            done = run.receive(time.monotonic() + 30)
        run.kill()  # any process the script left behind in its session
    except (WorkerError, TimeoutError) as exc:
        run.kill()
        reader.tail.append(f"(the warm worker lost this run: {exc})")
        done, gave_up = {"status": -9}, ""
    finally:
        _finish_reading(pump, run.close)
    if gave_up == "cancel":
        raise Cancelled
    assert isinstance(done, dict)
    return int(done.get("status", 1)), gave_up == "timeout", done.get("cpu"), started


def _run_fresh(
    script: Path,
    workspace: Path,
    env: dict[str, str],
    timeout: float,
    reader: OutputReader,
    cancel: threading.Event | None = None,
    on_still_running: Callable[[float], None] | None = None,
    beats_from: Callable[[], float] | None = None,
) -> tuple[int, bool, float | None, float]:
    cmd = [sys.executable, "-m", "figblog.engine._child", str(script), str(workspace)]
    started = time.monotonic()
    proc = subprocess.Popen(
        cmd,
        cwd=workspace / "out",
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    pump = threading.Thread(target=_pump, args=(proc.stdout, reader), daemon=True)
    pump.start()

    def wait(step: float) -> int:
        try:
            return proc.wait(timeout=step)
        except subprocess.TimeoutExpired as exc:
            raise TimeoutError from exc

    try:
        _, gave_up = wait_loop(wait, timeout, cancel, on_still_running, beats_from)
        if gave_up == "timeout":
            ask_for_stack(proc.pid, workspace)
    finally:
        _kill_group(proc)  # on a timeout, and any process the script left behind
        _finish_reading(pump, proc.stdout.close if proc.stdout else lambda: None)
    if gave_up == "cancel":
        raise Cancelled
    return proc.returncode, gave_up == "timeout", None, started


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:  # pragma: no cover - SIGKILL is not ignorable
        pass
