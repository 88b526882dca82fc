"""The cache's index files: for each script and theme, its recent runs and what each read.

``index/<ident>.json`` names the keys of the last few runs of one script in one
theme and the files each run read; a lookup hashes those files as they are now to
find the key of a matching entry. Runs that read the same files are all kept (up to
the few): each is a version of the script or its inputs, and a revert to one of them
finds its entry instead of running again. Writers take the lock on ``index/.lock``, which
a prune holds too while it decides what no index names.

An index file that cannot be read (a disk error, an editor, a half-synced cache) is
rebuilt from the entries: each entry's manifest names its identity and its
dependencies, which is all an index holds. The newest few entries of the identity
are listed again, so a damaged index costs one read of the manifests, never a run,
and a prune never takes the entries a damaged index named.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from figblog.engine.atomic import write_atomic
from figblog.engine.hashing import hash_text

__all__ = [
    "index_lock",
    "index_path",
    "read_index",
    "read_index_file",
    "rebuild_indexes",
    "remember_run",
]

_RECENT = 8  # runs remembered per script and theme


def index_path(root: Path, ident: str) -> Path:
    """The index file of ``ident`` in the cache at ``root``."""
    return root / "index" / (hash_text(ident)[:24] + ".json")


def read_index(
    root: Path, ident: str, log: Callable[[str], None] | None = None
) -> list[dict[str, Any]]:
    """The recent runs of ``ident``, newest first; [] when it has no index.

    An index that cannot be read is rebuilt from the entries first (see the module's
    docstring), with any other index found damaged then, and ``log`` told so.
    """
    recent = _read(index_path(root, ident))
    if recent is not None:
        return recent
    with index_lock(root):
        recent = _read(index_path(root, ident))  # another build may have rebuilt it
        if recent is None:
            recent = _rebuild_all(root, ident, log)
    return recent


def remember_run(
    root: Path, ident: str, key: str, deps: list[str], log: Callable[[str], None] | None = None
) -> None:
    """Put the run ``key`` first in the index of ``ident``, dropping older runs beyond a few."""
    with index_lock(root):
        recent = _read(index_path(root, ident))
        if recent is None:
            recent = _rebuild_all(root, ident, log)
        recent = [r for r in recent if r.get("key") != key]
        recent.insert(0, {"key": key, "deps": deps})
        _write(root, ident, recent)


def rebuild_indexes(
    root: Path, paths: Iterable[Path], log: Callable[[str], None] | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Write the unreadable index files ``paths`` again from the entries; the caller locks.

    Returns the runs each rebuilt index lists, by identity. A damaged index no entry
    belongs to is removed: nothing can be found through it.
    """
    damaged = set(paths)
    found: dict[str, list[tuple[int, str, list[str]]]] = {}
    for manifest in (root / "entries").glob("*/*/manifest.json"):
        try:
            data = json.loads(manifest.read_text())
            ident, deps = data["ident"], sorted(data["deps"])
            when = manifest.stat().st_mtime_ns
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            continue  # a damaged entry: a miss anyway
        if isinstance(ident, str) and index_path(root, ident) in damaged:
            found.setdefault(ident, []).append((when, manifest.parent.name, deps))
    rebuilt = {}
    for ident, runs in found.items():
        recent: list[dict[str, Any]] = []
        for _, key, deps in sorted(runs, reverse=True):  # newest first
            recent.append({"key": key, "deps": deps})
        rebuilt[ident] = recent[:_RECENT]
        _write(root, ident, rebuilt[ident])
        damaged.discard(index_path(root, ident))
        if log:
            script, _, theme = ident.rpartition("|")
            log(
                f"figblog: the cache index of {script} [{theme}] was unreadable; rebuilt it "
                f"from the {len(runs)} stored run{'s' if len(runs) != 1 else ''}"
            )
    for path in damaged:
        path.unlink(missing_ok=True)
    return rebuilt


def _rebuild_all(root: Path, ident: str, log: Callable[[str], None] | None) -> list[dict[str, Any]]:
    """Rebuild every damaged index, one read of the manifests for all; ``ident``'s runs."""
    damaged = [path for path in (root / "index").glob("*.json") if _read(path) is None]
    return rebuild_indexes(root, damaged, log).get(ident, [])


def read_index_file(path: Path) -> tuple[str, list[dict[str, Any]]] | None:
    """The identity and the runs the index file ``path`` lists; None when it cannot be read.

    Raises FileNotFoundError when there is no such file.
    """
    try:
        data = json.loads(path.read_text())
        ident, recent = data["ident"], data["recent"]
    except FileNotFoundError:
        raise
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    if not isinstance(ident, str) or not isinstance(recent, list):
        return None
    return ident, [r for r in recent if isinstance(r, dict)]


def _read(path: Path) -> list[dict[str, Any]] | None:
    """The runs the index at ``path`` lists; [] when there is none, None when unreadable."""
    try:
        found = read_index_file(path)
    except FileNotFoundError:
        return []
    return None if found is None else found[1]


def _write(root: Path, ident: str, recent: list[dict[str, Any]]) -> None:
    data = {"ident": ident, "recent": recent[:_RECENT]}
    write_atomic(index_path(root, ident), json.dumps(data, indent=1))


@contextlib.contextmanager
def index_lock(root: Path) -> Iterator[None]:
    """Hold the lock on the index files of the cache at ``root``, across processes."""
    with open(root / "index" / ".lock", "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
