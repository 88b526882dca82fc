"""Warm workers: one long-lived process per environment that forks a child for each run.

A fresh interpreter spends about a second importing numpy and matplotlib before a
script draws anything. A warm worker (:mod:`figblog.engine._zygote`) pays that once;
each run is a ``fork()`` of it, so it still gets its own process, session, folder,
environment and output pipe, and changes it makes to global state (rcParams,
monkeypatched functions, ``sys.path``) die with it.

Workers are kept per (interpreter, environment) for the life of this process, so
`mkdocs serve`, which builds again and again in one process, keeps them warm. A
worker is replaced when it has died or when a project file it had loaded, or the
engine's child code (``_child.py`` and the rest of ``environment.CHILD_FILES``),
changed on disk (it would otherwise hand children the old code). A process that builds many
projects (the test suite, a notebook) keeps only the few idle workers it used last:
each one holds numpy and matplotlib in memory (~80 MB).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from figblog.engine.environment import CHILD_FILES
from figblog.engine.environment import file_stamp as _stamp

__all__ = ["WarmWorker", "WorkerError", "worker_for"]

_START_TIMEOUT = 120.0  # importing matplotlib the first time builds its font cache
_BOOT = "from figblog.engine._zygote import main; main()"
_PER_RUN = ("FIGBLOG_THEME", "FIGBLOG_RUN")  # set in each child, not in the worker
_KEEP_IDLE = 2  # idle workers of other environments kept warm besides the one in use
_IDLE_GRACE = 5.0  # seconds a worker handed out stays, even with no run started yet


class WorkerError(Exception):
    """The warm worker could not be started or stopped answering."""


class WarmWorker:
    """A running fork server and the channel to it. Safe to use from several threads."""

    def __init__(self, env: dict[str, str]) -> None:
        child_code = {p: _stamp(p) for p in CHILD_FILES}  # before it reads them
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self._log = tempfile.TemporaryFile()
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-c", _BOOT, str(theirs.fileno())],
                pass_fds=[theirs.fileno()],
                env={k: v for k, v in env.items() if k not in _PER_RUN},
                cwd="/",
                stdin=subprocess.DEVNULL,
                stdout=self._log,
                stderr=self._log,
                start_new_session=True,  # Ctrl-C in the terminal is the engine's to handle
            )
        finally:
            theirs.close()
        self._control = ours
        self._lock = threading.Lock()
        ours.settimeout(_START_TIMEOUT)
        try:
            hello = json.loads(ours.recv(1 << 20) or b"null")
        except (OSError, ValueError) as exc:
            self.close()
            raise WorkerError(f"the warm worker did not start: {exc}{self._tail()}") from exc
        if not isinstance(hello, dict) or not hello.get("ready"):
            self.close()
            raise WorkerError(f"the warm worker did not start{self._tail()}")
        ours.settimeout(None)
        self._stamps = {p: _stamp(p) for p in hello.get("project_files", [])}
        self._code = child_code  # what its children run, wherever figblog is installed
        self.active = 0  # runs in flight; changed under _WORKERS_LOCK
        self.last_used = time.monotonic()

    def _tail(self) -> str:
        with contextlib.suppress(OSError):
            self._log.seek(0)
            text = self._log.read().decode(errors="replace").strip()
            if text:
                return ":\n" + "\n".join(text.splitlines()[-20:])
        return ""

    def usable(self) -> bool:
        """Alive, and every project file it loaded, and the child's code, as they were."""
        if self.proc.poll() is not None:
            return False
        return all(_stamp(p) == s for p, s in [*self._stamps.items(), *self._code.items()])

    def start(self, script: Path, report: Path, cwd: Path, env: dict[str, str]) -> Run:
        """Fork a child that runs ``script`` in ``cwd`` with ``env``; return its handle."""
        read_end, write_end = os.pipe()
        mine, child_end = socket.socketpair()
        request = {"script": str(script), "report": str(report), "cwd": str(cwd), "env": env}
        try:
            with self._lock:
                socket.send_fds(
                    self._control, [json.dumps(request).encode()], [child_end.fileno(), write_end]
                )
        except OSError as exc:
            os.close(read_end)
            mine.close()
            raise WorkerError(f"the warm worker is gone: {exc}") from exc
        finally:
            os.close(write_end)
            child_end.close()
        run = Run(mine, read_end)
        with _WORKERS_LOCK:
            self.active += 1
            self.last_used = time.monotonic()
        run.on_close = self._run_ended
        try:
            run.pid = int(run.receive(time.monotonic() + 30)["pid"])
        except (WorkerError, KeyError, TypeError, ValueError) as exc:
            run.close()
            raise WorkerError(f"the warm worker did not start the run: {exc}") from exc
        return run

    def _run_ended(self) -> None:
        with _WORKERS_LOCK:
            self.active -= 1
            self.last_used = time.monotonic()

    def close(self) -> None:
        """Stop the worker; its children are killed with it."""
        with contextlib.suppress(OSError):
            self._control.close()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._log.close()


class Run:
    """One forked run: its output pipe, and the socket its exit status arrives on."""

    def __init__(self, sock: socket.socket, output_fd: int) -> None:
        self.sock = sock
        self.output = open(output_fd, "rb")  # noqa: SIM115 - closed by close()
        self.pid = 0
        self._buffer = b""
        self.on_close: Callable[[], None] | None = None  # told once, when the run is closed

    def receive(self, deadline: float) -> dict:
        """The next message from the worker; TimeoutError once ``deadline`` passes."""
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(4096)
            except TimeoutError:
                raise
            except OSError as exc:
                raise WorkerError(str(exc)) from exc
            if not chunk:
                raise WorkerError("the warm worker closed the connection")
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return json.loads(line)

    def kill(self) -> None:
        """Kill the run's whole process group (it is its own session)."""
        for target in (lambda: os.killpg(self.pid, signal.SIGKILL), lambda: os.kill(self.pid, 9)):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                target()

    def close(self) -> None:
        """Close both channels."""
        with contextlib.suppress(OSError):
            self.sock.close()
        with contextlib.suppress(OSError):
            self.output.close()
        told, self.on_close = self.on_close, None
        if told is not None:
            told()


_WORKERS: dict[tuple[str, ...], WarmWorker] = {}
_WORKERS_LOCK = threading.Lock()


def worker_for(env: dict[str, str]) -> WarmWorker:
    """The warm worker for this environment (the theme aside), started or restarted if needed."""
    key = (sys.executable, *sorted(f"{k}={v}" for k, v in env.items() if k not in _PER_RUN))
    with _WORKERS_LOCK:
        worker = _WORKERS.get(key)
        if worker is not None and worker.usable():
            worker.last_used = time.monotonic()
            return worker
        if worker is not None:
            worker.close()
            del _WORKERS[key]
        _close_idle(_KEEP_IDLE)
        worker = WarmWorker(env)
        _WORKERS[key] = worker
        return worker


def _close_idle(keep: int) -> None:
    """Stop the idle workers beyond the ``keep`` used last (call with _WORKERS_LOCK held)."""
    now = time.monotonic()
    idle = sorted(
        (w.last_used, k)
        for k, w in _WORKERS.items()
        if w.active == 0 and now - w.last_used > _IDLE_GRACE
    )
    for _, key in idle[: max(0, len(idle) - keep)]:
        _WORKERS.pop(key).close()
