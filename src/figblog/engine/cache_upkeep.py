"""Keeping the cache's folder tidy: setting entries aside, pruning, cleaning, old workspaces.

Nothing here decides whether an entry is a hit: these are the steps that remove
what the store no longer needs, each done so that a concurrent build never sees
half an entry (a folder is renamed out of the way in one step, then deleted).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from figblog.engine.cache_index import index_lock, index_path, read_index_file, rebuild_indexes

__all__ = ["clean", "prune", "set_aside", "sweep_tmp"]

_STALE_TMP_SECONDS = 6 * 3600


def set_aside(root: Path, path: Path) -> None:
    """Move ``path`` out of the way in one step, then delete it at leisure."""
    trash = root / "tmp" / f"old-{uuid.uuid4().hex}"
    try:
        os.rename(path, trash)
    except FileNotFoundError:
        return  # someone else moved it already
    shutil.rmtree(trash, ignore_errors=True)


def clean(root: Path) -> int:
    """Remove every entry and index; return how many entries there were."""
    count = sum(1 for _ in (root / "entries").glob("*/*"))
    for sub in ("entries", "index", "tmp", "memo", "html", "stamps", "derived"):
        shutil.rmtree(root / sub, ignore_errors=True)
    for sub in ("entries", "index", "tmp"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    return count


def prune(root: Path, live: set[str], log: Callable[[str], None] | None = None) -> tuple[int, int]:
    """Forget every script and theme not in ``live``, and every entry no index names.

    Returns (indexes removed, entries removed). An index lists the last few runs
    of one script and theme; an entry that fell off every list, or whose script
    is gone, can never be found again, so it only takes space. An index that
    cannot be read is rebuilt from the entries first (``log`` is told), so that
    the runs it named are not taken for unreachable.
    """
    with index_lock(root):
        indexes: dict[str, list] = {}
        damaged = []
        for path in (root / "index").glob("*.json"):
            try:
                found = read_index_file(path)
            except FileNotFoundError:
                found = None
            if found is None:
                damaged.append(path)
                continue
            ident, recent = found
            indexes[ident] = recent
        indexes.update(rebuild_indexes(root, damaged, log) if damaged else {})
        wanted: set[str] = set()
        dropped = 0
        for ident, recent in indexes.items():
            if ident not in live:
                index_path(root, ident).unlink(missing_ok=True)
                dropped += 1
                continue
            wanted.update(r.get("key", "") for r in recent)
        removed = 0
        for entry in (root / "entries").glob("*/*"):
            if entry.name not in wanted:
                set_aside(root, entry)
                removed += 1
    return dropped, removed


def sweep_tmp(root: Path) -> None:
    """Drop what killed or failed builds left in ``tmp/``, once no process uses it.

    A workspace's name ends with the id of the process that made it: when that
    process is gone, so is any use of the folder; else it waits for six hours.
    """
    now = time.time()
    for path in (root / "tmp").iterdir():
        with contextlib.suppress(OSError):
            age = now - path.stat().st_mtime
            owner = path.name.rpartition("-")[2]
            if age > _STALE_TMP_SECONDS or (age > 60 and not _alive(owner)):
                shutil.rmtree(path, ignore_errors=True)


def _alive(pid: str) -> bool:
    """Whether process ``pid`` (as text) exists; True when that cannot be told."""
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: it exists
        return True
    return True
