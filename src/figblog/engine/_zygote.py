"""The warm worker: a process that imports the heavy libraries once and forks a child per run.

Started by :mod:`figblog.engine.workers` as ``python -c "...main()" FD``, where FD is its
end of a ``SOCK_SEQPACKET`` socket pair (the control channel). It imports numpy,
matplotlib, pyplot and PIL, none of which live in the project, then serves requests:

* a request is one message: JSON ``{"script", "report", "cwd", "env"}`` plus two file
  descriptors, a socket for the reply and the write end of the run's output pipe;
* it forks; the child starts its own session (so a timeout kills the whole group),
  arranges to die with this process, points stdin at /dev/null and stdout/stderr at
  the pipe, takes the run's folder and environment, and runs the script through
  :func:`figblog.engine._child.run`, exactly as a fresh interpreter would;
* it answers ``{"pid"}`` at once and ``{"status", "cpu"}`` when the child has exited.

When the control channel closes (the engine exited or was killed), every child's
process group is killed and the worker exits, so no run outlives its build.
"""

from __future__ import annotations

import ctypes
import gc
import io
import json
import os
import selectors
import signal
import socket
import sys
import time

_PRELOAD = ("numpy", "matplotlib", "matplotlib.pyplot", "PIL.Image", "PIL.PngImagePlugin")
_PR_SET_PDEATHSIG = 1
_PR_SET_CHILD_SUBREAPER = 36
_MAX_MESSAGE = 1 << 20


def _preload() -> None:
    import importlib

    for name in _PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError:  # a project without matplotlib still gets warm runs
            return
    sys.modules["numpy"].random.seed()  # its first reseed loads code; children reseed too
    _draw_once()


def _draw_once() -> None:
    """Draw and save one small figure, so children find the font and maths parser loaded.

    It uses the object API, not pyplot, so no figure number is taken and no rcParams
    change: a child's figures are numbered and styled as in a fresh interpreter.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(1, 1), dpi=50)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.plot([0, 1], [1, 0])
    ax.set_title(r"warm $\sum_i x_i^2$")
    fig.savefig(io.BytesIO(), format="png")


try:
    _LIBC = ctypes.CDLL(None, use_errno=True)
except OSError:  # pragma: no cover - no C library to ask
    _LIBC = None


def _load_themes() -> dict[str, object]:
    """Import figblog's plotting package (the theme code), returning its modules.

    They are project code: they must not look loaded to a run that does not use them
    (its recorded reads would differ from a fresh interpreter's), so the child keeps
    them aside and puts them back when the script first draws (see ``_child.hide``).
    """
    before = set(sys.modules)
    try:
        import figblog.plotting  # noqa: F401 - loaded for the children
    except ImportError:
        return {}
    return {n: sys.modules[n] for n in set(sys.modules) - before if n.startswith("figblog.")}


def _die_with_parent() -> None:
    """Ask the kernel to SIGKILL this process when the one that forked it ends."""
    try:
        _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except AttributeError:  # not Linux: the control channel still ends runs
        pass


def _child(request: dict, out_fd: int, zygote: int) -> int:
    """In the forked child: become the run's own process, then run the script."""
    os.setsid()
    _die_with_parent()
    if os.getppid() != zygote:  # the worker died between fork and prctl
        return 1
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGCHLD):
        signal.signal(sig, signal.default_int_handler if sig == signal.SIGINT else signal.SIG_DFL)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(out_fd, 1)
    os.dup2(out_fd, 2)
    # The worker's sockets and other runs' descriptors are none of the script's business.
    os.closerange(3, os.sysconf("SC_OPEN_MAX"))
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    # A fresh interpreter started with -m puts its working folder first on sys.path.
    if sys.path and sys.path[0] == _START_CWD:
        sys.path[0] = os.getcwd()
    for name in ("stdout", "stderr"):
        old = getattr(sys, name)
        stream = io.TextIOWrapper(
            io.FileIO(1 if name == "stdout" else 2, "w", closefd=False),
            encoding=old.encoding,
            errors=old.errors,
            write_through=True,
        )
        setattr(sys, name, stream)
        setattr(sys, f"__{name}__", stream)
    _reseed()
    # This module is the worker's, not the script's: keep it out of the recorded reads.
    sys.modules.pop(__name__, None)
    from figblog.engine import _child as child

    return child.run(request["script"], request["report"])


def _reseed() -> None:
    """Give the child fresh random state, as a new interpreter would have."""
    import random

    random.seed()
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed()


def _exit_child(status: int) -> None:
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(status)


def _fork(request: dict, fds: list[int]) -> tuple[int, socket.socket]:
    reply = socket.socket(fileno=fds[0])
    out_fd = fds[1]
    zygote = os.getpid()
    pid = os.fork()
    if pid == 0:
        status = 1
        try:
            status = _child(request, out_fd, zygote)
        except BaseException as exc:  # noqa: BLE001 - report, never return into the server loop
            try:
                os.write(2, f"figblog worker: {type(exc).__name__}: {exc}\n".encode())
            except OSError:
                pass
        _exit_child(status)
    os.close(out_fd)
    return pid, reply


def _children_of(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (Linux's /proc/PID/task/TID/children)."""
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                found += [int(p) for p in fh.read().split()]
        except (OSError, ValueError):
            continue
    return found


def _end_escapees(marker: bytes | None, leaders: set[int]) -> None:
    """Kill what a finished run left behind, then reap whatever of ours has died.

    This worker is a child subreaper, so a process that a run started and that
    outlived its parent (even in a session of its own, out of reach of the run's
    process group) has become our child. Each run's processes carry its marker in
    their environment; ``marker=None`` means every run's.
    """
    me = os.getpid()
    for pid in _children_of(me):
        if pid in leaders:
            continue
        if marker is not None:
            try:
                with open(f"/proc/{pid}/environ", "rb") as fh:
                    if marker not in fh.read():
                        continue  # another run's: it goes when that run ends
            except OSError:
                continue
        tree, todo = [], [pid]
        while todo:
            current = todo.pop()
            tree.append(current)
            todo += _children_of(current)
        for victim in tree:
            try:
                os.kill(victim, signal.SIGKILL)
            except OSError:
                pass
    for pid in _children_of(me):
        if pid not in leaders:
            try:
                os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                pass


def _send(sock: socket.socket, data: dict) -> None:
    try:
        sock.sendall((json.dumps(data) + "\n").encode())
    except OSError:  # the engine gave up on this run (timeout, Ctrl-C): nothing to tell
        pass


def serve(control: socket.socket) -> None:
    """Answer requests on ``control`` until it closes."""
    selector = selectors.DefaultSelector()
    selector.register(control, selectors.EVENT_READ, None)
    children: dict[int, tuple[socket.socket, int, bytes]] = {}  # pidfd -> (reply, pid, marker)
    try:
        while True:
            for key, _ in selector.select():
                if key.data is None:
                    msg, fds, _flags, _addr = socket.recv_fds(control, _MAX_MESSAGE, 2)
                    if not msg:
                        return
                    if len(fds) != 2:
                        for fd in fds:
                            os.close(fd)
                        continue
                    request = json.loads(msg)
                    pid, reply = _fork(request, fds)
                    pidfd = os.pidfd_open(pid)
                    marker = f"FIGBLOG_RUN={request['env'].get('FIGBLOG_RUN', pid)}\0".encode()
                    children[pidfd] = (reply, pid, marker)
                    selector.register(pidfd, selectors.EVENT_READ, pid)
                    _send(reply, {"pid": pid})
                else:
                    pidfd = key.fd
                    reply, pid, marker = children.pop(pidfd)
                    selector.unregister(pidfd)
                    os.close(pidfd)
                    _, wait_status, usage = os.wait4(pid, 0)
                    cpu = usage.ru_utime + usage.ru_stime
                    # Before the engine hears of the end: an escapee may hold its output pipe.
                    _end_escapees(marker, {p for _, p, _ in children.values()})
                    _send(reply, {"status": os.waitstatus_to_exitcode(wait_status), "cpu": cpu})
                    reply.close()
    finally:
        for _reply, pid, _marker in children.values():
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass
        # Reap each run before looking for escapees: until a run has exited, what it
        # started is still its child, not ours, and would outlive this worker.
        deadline = time.monotonic() + 5
        for _reply, pid, _marker in children.values():
            while time.monotonic() < deadline:
                try:
                    if os.waitpid(pid, os.WNOHANG)[0]:
                        break
                except ChildProcessError:
                    break
                time.sleep(0.01)
        _end_escapees(None, set())


_START_CWD = os.getcwd()


def main() -> None:
    """Entry point: preload, say which project files are loaded, then serve."""
    # No PR_SET_PDEATHSIG here: it fires when the *thread* that started the worker ends,
    # and the engine may start it from a pool thread. The control channel's end of file
    # tells the worker that the engine is gone, whatever way it went.
    control = socket.socket(fileno=int(sys.argv[1]))
    if _LIBC is not None:  # orphans of our runs become our children, to be ended with them
        _LIBC.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the engine's to handle
    _preload()
    themes = _load_themes()
    root = os.path.join(os.environ.get("FIGBLOG_PROJECT_ROOT", "/nonexistent"), "")
    loaded = sorted(
        {
            os.path.abspath(m.__file__)
            for m in list(sys.modules.values())
            if isinstance(getattr(m, "__file__", None), str)
        }
    )
    project = [p for p in loaded if p.startswith(root) and not p.startswith(sys.prefix)]
    from figblog.engine import _child

    _child.hide(themes)
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if not isinstance(path, str) or os.path.abspath(path) not in project:
            _child.OUTSIDE_MODULES[id(module)] = module
    gc.collect()
    gc.freeze()  # children then share the preloaded objects' pages instead of copying them
    control.sendall(json.dumps({"ready": True, "project_files": project}).encode())
    serve(control)
