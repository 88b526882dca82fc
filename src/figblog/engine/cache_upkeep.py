"""Keeping the cache's folder tidy: setting entries aside, pruning, cleaning, old workspaces.

Nothing here decides whether an entry is a hit: these are the steps that remove
what the store no longer needs, each done so that a concurrent build never sees
half an entry (a folder is renamed out of the way in one step, then deleted).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import time
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from figblog.engine.cache_index import index_lock, index_path, read_index_file, rebuild_indexes
from figblog.engine.hashing import hash_text

__all__ = ["MEMO_KEEP", "MEMO_MAX_AGE", "clean", "prune", "prune_memo", "set_aside", "sweep_tmp"]

_STALE_TMP_SECONDS = 6 * 3600
MEMO_KEEP = 2  # older versions of each memoised function kept besides the usable ones
MEMO_MAX_AGE = 30 * 24 * 3600  # seconds an older version (or a function's index) stays unused


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

    Returns (scripts forgotten, entries removed). An index lists the last few runs
    of one script and theme; an entry that fell off every list, or whose script
    is gone, can never be found again, so it only takes space. An index that
    cannot be read is rebuilt from the entries first (``log`` is told), so that
    the runs it named are not taken for unreachable.
    """
    with index_lock(root):
        indexes = _read_indexes(root, log)
        wanted: set[str] = set()
        dropped: set[str] = set()  # the scripts: an index is one script's in one theme
        for ident, recent in indexes.items():
            if ident not in live:
                index_path(root, ident).unlink(missing_ok=True)
                dropped.add(ident.rpartition("|")[0] or ident)
                continue
            wanted.update(r.get("key", "") for r in recent)
        removed = 0
        for entry in (root / "entries").glob("*/*"):
            if entry.name not in wanted:
                set_aside(root, entry)
                removed += 1
    return len(dropped), removed


def prune_memo(
    root: Path,
    usable: Callable[[Mapping[str, Any]], bool],
    keep: int = MEMO_KEEP,
    max_age: float = MEMO_MAX_AGE,
    now: float | None = None,
) -> int:
    """Bound the store of :mod:`figblog.memo` at ``root``; return how many entries went.

    The memo keeps one entry per call whose inputs were new, and its index lists,
    per function, the dependency lists a lookup tries (the arguments are in the
    key, so one list finds the entries of every argument). So, per function:

    * an entry whose dependency list no index lists can never be found: it goes;
    * an entry ``usable`` accepts (its files are as they are now) is kept, for any
      arguments: the present code may ask for it;
    * the others are grouped by version (the key less the arguments: the code and
      files one call saw). The ``keep`` versions used last (an entry's folder gets
      the time of each hit) are kept while used within ``max_age`` seconds, so a
      revert finds them; the rest go, and so do old versions of a function that
      no longer exists, once ``max_age`` has passed;
    * an index left with no entry goes once it is ``max_age`` old.

    Runs under the index lock, as a store records its run before placing its entry.
    """
    now = time.time() if now is None else now
    removed = 0
    with index_lock(root):
        reach = {
            ident: {tuple(r["deps"]) for r in recent if isinstance(r.get("deps"), list)}
            for ident, recent in _read_indexes(root, None).items()
        }
        (root / "tmp").mkdir(exist_ok=True)  # where set_aside moves entries
        versions: dict[str, dict[str, list[tuple[Path, float]]]] = {}
        alive: set[str] = set()  # the functions an entry of which is kept
        for entry in (root / "entries").glob("*/*"):
            try:
                manifest = json.loads((entry / "manifest.json").read_text())
                ident, base, deps = manifest["ident"], dict(manifest["base"]), manifest["deps"]
                found = tuple(sorted(deps)) in reach.get(ident, ())
                used = entry.stat().st_mtime
            except (OSError, ValueError, KeyError, TypeError, AttributeError):
                found = False  # a damaged entry: a miss anyway
            if not found:
                set_aside(root, entry)
                removed += 1
                continue
            if usable(manifest):
                alive.add(ident)
                continue
            base.pop("args", None)
            version = hash_text(json.dumps([base, deps], sort_keys=True))
            versions.setdefault(ident, {}).setdefault(version, []).append((entry, used))
        for ident, by_version in versions.items():
            ranked = sorted(by_version.values(), key=_last_use, reverse=True)
            for rank, runs in enumerate(ranked):
                if rank < keep and now - _last_use(runs) < max_age:
                    alive.add(ident)
                    continue
                for entry, _ in runs:
                    set_aside(root, entry)
                    removed += 1
        for ident in set(reach) - alive:
            path = index_path(root, ident)
            with contextlib.suppress(OSError):
                if now - path.stat().st_mtime >= max_age:
                    path.unlink()
    _remove_free_locks(root / "locks")
    return removed


def _remove_free_locks(folder: Path) -> None:
    """Remove the memo's lock files no call holds (one is made per set of arguments).

    Each is removed while held, and a call checks that the file it locked is still
    the one at its path (``memo._lock``), so a call never computes under a removed lock.
    """
    for path in folder.glob("*.lock"):
        try:
            with open(path, "a") as fh:
                try:
                    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # a call computes under it now
                path.unlink()
        except OSError:
            continue  # a read-only cache, or another prune removed it first


def _last_use(runs: list[tuple[Path, float]]) -> float:
    return max(used for _, used in runs)


def _read_indexes(root: Path, log: Callable[[str], None] | None) -> dict[str, list]:
    """The runs every index lists, by identity; damaged ones rebuilt first. The caller locks."""
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
    return indexes


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
