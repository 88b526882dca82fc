"""The cache's index files: for each script and theme, the dependency lists of its recent runs.

``index/<ident>.json`` names the keys of the last few runs of one script in one
theme and the files each run read; a lookup hashes those files as they are now to
find the key of a matching entry. Writers take the lock on ``index/.lock``, which
a prune holds too while it decides what no index names.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from figblog.engine.atomic import write_atomic
from figblog.engine.hashing import hash_text

__all__ = ["index_lock", "index_path", "read_index", "remember_run"]

_RECENT = 8  # dependency lists remembered per script and theme


def index_path(root: Path, ident: str) -> Path:
    """The index file of ``ident`` in the cache at ``root``."""
    return root / "index" / (hash_text(ident)[:24] + ".json")


def read_index(root: Path, ident: str) -> list[dict[str, Any]]:
    """The recent runs of ``ident``, newest first; [] when its index is missing or unreadable."""
    try:
        data = json.loads(index_path(root, ident).read_text())
        recent = data["recent"]
        return [r for r in recent if isinstance(r, dict)] if isinstance(recent, list) else []
    except (OSError, ValueError, KeyError, TypeError):
        return []


def remember_run(root: Path, ident: str, key: str, deps: list[str]) -> None:
    """Put the run ``key`` first in the index of ``ident``, dropping older runs beyond a few."""
    with index_lock(root):
        recent = [r for r in read_index(root, ident) if r.get("deps") != deps]
        recent.insert(0, {"key": key, "deps": deps})
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
