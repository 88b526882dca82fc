"""An on-disk memo for expensive work inside figure scripts.

The engine runs every figure script once per theme; training a network twice
for two colour schemes would be waste. Decorate the expensive function::

    from figblog.memo import memo

    @memo
    def train(config: Config) -> dict: ...

The key covers the function's source, its arguments (pickled), the versions of
Python and numpy, and the text of every project file whose code ran during the
call (recorded with a profile hook) or that the call opened for reading. So a
change to any code the computation runs invalidates it. joblib.Memory keys on
the function's own code only, not on the code it calls, which is why this is
our own; it reuses the figure engine's content-addressed store.

Concurrent callers with the same key (the light and the dark run of a script)
wait for the first one and then read its result.

A hit sets the time of its entry's folder: the last use, by which a build that
ran scripts (and ``figblog clean --unused``) keeps the few older versions of a
function used last and removes the rest (see :func:`figblog.engine.cache_upkeep.prune_memo`).
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import inspect
import os
import pickle
import platform
import sys
import threading
from collections.abc import Callable, Iterator
from importlib import metadata
from pathlib import Path
from types import FrameType
from typing import IO, Any, ParamSpec, TypeVar

from figblog.engine.cache import Cache
from figblog.engine.hashing import FileHasher, changed_since, file_clock, hash_bytes, hash_text
from figblog.engine.reads import outside_dependency, own_folders, path_read
from figblog.engine.streams import STATUS_GO, STATUS_WAIT

__all__ = ["memo", "memo_dir", "project_root"]

P = ParamSpec("P")
R = TypeVar("R")

_recording: list[set[str]] = []  # stack of file sets being recorded, innermost last
_hooked = False


def project_root() -> Path:
    """The project folder: ``FIGBLOG_PROJECT_ROOT``, else the nearest with a pyproject.toml."""
    env = os.environ.get("FIGBLOG_PROJECT_ROOT")
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve()
    for folder in [Path.cwd(), *Path.cwd().parents, *here.parents]:
        if (folder / "pyproject.toml").is_file() and (folder / "src" / "figblog").is_dir():
            return folder
    return Path.cwd()


def memo_dir() -> Path:
    """Where results are kept: ``FIGBLOG_MEMO_DIR`` (set by the engine) or the project cache."""
    env = os.environ.get("FIGBLOG_MEMO_DIR")
    return Path(env) if env else project_root() / ".cache" / "figblog" / "memo"


def _audit(event: str, args: tuple) -> None:
    # What counts as a read is the figure engine's rule: a memoised result depends on
    # exactly what a figure running the same code would (listed folders included).
    if _recording:
        path = path_read(event, args)
        if path is not None:
            _recording[-1].add(os.path.abspath(path))


def _profile(frame: FrameType, event: str, arg: object) -> None:
    if event == "call" and _recording:
        _recording[-1].add(frame.f_code.co_filename)


@contextlib.contextmanager
def _record() -> Iterator[set[str]]:
    """Collect the files whose code runs, or which are opened, inside the block."""
    global _hooked
    if not _hooked:
        sys.addaudithook(_audit)
        _hooked = True
    files: set[str] = set()
    _recording.append(files)
    previous = sys.getprofile()
    sys.setprofile(_profile)
    threading.setprofile(_profile)
    try:
        yield files
    finally:
        sys.setprofile(previous)
        threading.setprofile(None)  # type: ignore[arg-type]
        _recording.pop()
        if _recording:
            _recording[-1].update(files)


def _project_files(files: set[str], root: Path) -> list[str]:
    """The files read that the key covers: the project's by relative path, others absolute.

    A file outside the project counts by the rule the figure runs use
    (:func:`figblog.engine.reads.outside_dependency`): data beside the project does,
    the system's and the user's caches do not.
    """
    prefixes = tuple({os.path.join(p, "") for p in (sys.prefix, sys.base_prefix)})
    own = own_folders()
    keep = set()
    for name in files:
        full = os.path.abspath(name)
        if full.startswith(prefixes) or not os.path.exists(full):
            continue
        rel = os.path.relpath(full, root)
        if rel == ".." or rel.startswith(".." + os.sep):
            if outside_dependency(full, own):
                keep.add(Path(full).as_posix())
            continue
        if rel.split(os.sep, 1)[0] in {".cache", ".git", ".venv"}:
            continue
        keep.add(Path(rel).as_posix())
    return sorted(keep)


def _function_code(func: Callable[..., Any]) -> str:
    try:
        return inspect.getsource(func)
    except (OSError, TypeError):
        return hash_bytes(func.__code__.co_code)


@contextlib.contextmanager
def _lock(folder: Path, name: str) -> Iterator[None]:
    path = folder / f"{name}.lock"
    while True:
        folder.mkdir(parents=True, exist_ok=True)
        with open(path, "a") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                # Another run computes this result: while we wait, the engine may start
                # something else on our core.
                _tell_engine(STATUS_WAIT)
                try:
                    fcntl.flock(fh, fcntl.LOCK_EX)
                finally:
                    _tell_engine(STATUS_GO)
            try:
                # A prune removes a lock file it holds (cache_upkeep.prune_memo): a lock
                # taken on a removed file guards nothing, so take the one now at the path.
                if _same_file(fh, path):
                    yield
                    return
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)


def _same_file(fh: IO[str], path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(fh.fileno()), os.stat(path))
    except FileNotFoundError:
        return False


def _tell_engine(marker: str) -> None:
    """Write a status marker where the engine reads this run's output (nowhere otherwise)."""
    if os.environ.get("FIGBLOG_STATUS") != "1":
        return
    with contextlib.suppress(OSError, ValueError):
        sys.stdout.flush()
        os.write(1, marker.encode())


def _touch(root: Path, deps: list[str]) -> None:
    """Read each dependency once, so a figure run that hits the memo still records them."""
    for rel in deps:
        with contextlib.suppress(OSError):
            if (root / rel).is_dir():
                os.listdir(root / rel)
            else:
                with open(root / rel, "rb") as fh:
                    fh.read(1)


def memo(func: Callable[P, R]) -> Callable[P, R]:
    """Memoise ``func`` on disk; see the module docstring for what the key covers."""
    ident = f"memo:{func.__module__}.{func.__qualname__}"

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        root = project_root()
        store = Cache(memo_dir())
        hasher = FileHasher(root)
        base = {
            "code": hash_text(_function_code(func)),
            "args": hash_bytes(pickle.dumps((args, sorted(kwargs.items())), protocol=4)),
            "python": platform.python_version(),
            "numpy": _version("numpy"),
        }
        with _lock(store.root / "locks", hash_text(ident, *sorted(base.values()))[:32]):
            entry, _ = store.lookup(ident, base, hasher)
            damaged = False
            if entry is not None:
                try:
                    value = pickle.loads((entry.out / "value.pkl").read_bytes())
                except Exception:  # noqa: BLE001 - any damage at all: compute again, never crash
                    damaged = True  # and replace the entry, or every call would compute again
                else:
                    _touch(root, list(entry.manifest.get("deps", {})))
                    with contextlib.suppress(OSError):  # a read-only cache: not worth failing
                        os.utime(entry.path)  # its last use: a prune keeps what was used last
                    return value
            started = file_clock(store.root / "tmp")
            with _record() as files:
                value = func(*args, **kwargs)
            try:
                data = pickle.dumps(value, protocol=4)
            except Exception as exc:  # noqa: BLE001 - the value is still good to return
                print(
                    f"figblog.memo: the result of {func.__qualname__}() was not stored, "
                    f"it cannot be pickled: {type(exc).__name__}: {exc}",
                    file=sys.stderr,
                )
                return value
            read = _project_files(files, root)
            late = changed_since(root, read, started)
            if late is not None:  # it may have read the old text: keyed by the new, it lies
                print(
                    f"figblog.memo: the result of {func.__qualname__}() was not stored, "
                    f"{late} changed while it ran",
                    file=sys.stderr,
                )
                return value
            workspace = store.new_workspace()
            (workspace / "out" / "value.pkl").write_bytes(data)
            deps = {p: hasher(p) for p in read}
            if damaged:
                store.discard(entry)
            store.store(ident, base, deps, workspace, ["value.pkl"], {"function": ident})
            return value

    return wrapper


@functools.cache
def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "absent"
