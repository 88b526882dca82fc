"""A content-addressed store of script outputs, keyed by everything a run read.

A script's key is only known after it ran, because only then do we know which
files it read. So the store keeps two things:

* ``entries/<kk>/<key>/``: the outputs of one successful run (``out/``) and its
  manifest (the files it depended on, with their hashes, and for each output
  its sha256, length and pixel size, so that rendering never opens it again).
* ``index/<ident>.json``: for each script and theme, the dependency lists of its
  recent runs. A lookup hashes the files on each list as they are now and asks
  whether an entry with that key exists.

Entries are built under ``tmp/`` and renamed into place, so a build killed at
any moment leaves either a whole entry or none; an entry that cannot be read,
or whose files no longer match the sizes and hashes its manifest records, is a
miss, never a crash (and the run that follows replaces it). Concurrent builds
may both run a script; the first rename wins and the second run's files are
discarded.

Here are lookup and store; :mod:`cache_entry` holds the record of one entry,
:mod:`cache_index` the index files, and :mod:`cache_upkeep` setting entries aside,
pruning, cleaning and sweeping what killed builds left in ``tmp/``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from figblog.engine import cache_upkeep
from figblog.engine.cache_entry import Entry
from figblog.engine.cache_index import index_lock, read_index, remember_run
from figblog.engine.facts import file_facts
from figblog.engine.hashing import hash_text
from figblog.engine.stamps import Stamps

__all__ = ["Cache", "Entry"]

_REPAIR_WAIT = 10.0  # seconds to wait for a concurrent repair's entry (see Cache.store)


def _key(base: Mapping[str, str], deps: Mapping[str, str]) -> str:
    parts = [f"{k}={v}" for k, v in sorted(base.items())]
    parts += [f"dep:{p}={h}" for p, h in sorted(deps.items())]
    return hash_text(*parts)


class Cache:
    """The on-disk store under ``root`` (``.cache/figblog`` by default).

    With ``stamps``, a lookup first tries the entry the last build found for the same
    run, and outputs already checked by an earlier build are not hashed again. ``log``
    hears of index files that were unreadable and rebuilt (see :mod:`cache_index`).
    """

    def __init__(
        self, root: Path, stamps: Stamps | None = None, log: Callable[[str], None] | None = None
    ) -> None:
        self.root = root
        self.stamps = stamps
        self.log = log
        self._entries = os.path.join(root, "entries")
        for sub in ("entries", "index", "tmp"):
            (root / sub).mkdir(parents=True, exist_ok=True)
        cache_upkeep.sweep_tmp(root)

    # -- reading ---------------------------------------------------------------

    def lookup(
        self, ident: str, base: Mapping[str, str], hasher: Callable[[str], str]
    ) -> tuple[Entry | None, str]:
        """Find a stored run of ``ident`` whose inputs all hash as they do now.

        Returns the entry (or None) and a short reason for a miss.
        """
        hit = self.stamps.hit(ident) if self.stamps else None
        if hit is not None:
            with contextlib.suppress(OSError, TypeError, AttributeError, KeyError):
                entry = self._last_hit(hit, base, hasher)
                if entry is not None:
                    return entry, "cached"
        recent = read_index(self.root, ident, self.log)
        tried: set[tuple[str, ...]] = set()
        for item in recent:
            names = tuple(item.get("deps", []))
            if names in tried:
                continue  # another version read the same files: the same key now
            tried.add(names)
            deps = {p: hasher(p) for p in names}
            entry = self._load(_key(base, deps))
            if entry is not None:
                self._remember_hit(ident, entry, item.get("deps", []))
                return entry, "cached"
        if not recent:
            return None, "never built"
        return None, self._why_stale(recent[0].get("key", ""), base, hasher)

    def _last_hit(
        self, hit: dict[str, Any], base: Mapping[str, str], hasher: Callable[[str], str]
    ) -> Entry | None:
        """The entry the last build found for this run, if its inputs still hash the same.

        The hit's manifest, read from the entry of its key, names the inputs that key
        was made of (``base`` and each dependency's hash): when they are all as they
        are now, so is the key, without hashing it again. The manifest file must still
        have the stat it had then, and the outputs must be whole.
        """
        manifest, key = hit["manifest"], hit["key"]
        if manifest["base"] != base:
            return None
        deps = manifest["deps"]
        if list(deps) != hit["deps"] or any(hasher(p) != h for p, h in deps.items()):
            return None
        path = self._entry_dir(key)  # a str: no Path built for a hit that is not whole
        if not Stamps.same_file(hit, os.stat(f"{path}/manifest.json")):
            return None
        if not self._whole(path, manifest):
            return None
        return Entry(key, Path(path), manifest)

    def last_seconds(self, ident: str) -> float:
        """How long the newest stored run of ``ident`` took; 0.0 when none is known."""
        for item in read_index(self.root, ident, self.log):
            entry = self._load(item.get("key", ""))
            if entry is not None:
                try:
                    return float(entry.manifest.get("seconds") or 0.0)
                except (TypeError, ValueError):
                    return 0.0
        return 0.0

    def _why_stale(self, key: str, base: Mapping[str, str], hasher: Callable[[str], str]) -> str:
        last = self._load(key)
        if last is None:
            return "its last run is no longer in the cache"
        old_base = last.manifest.get("base", {})
        changed = [k for k in sorted(base) if old_base.get(k) != base[k]]
        if changed:
            return ", ".join(f"{k} changed" for k in changed)
        deps = [p for p, h in sorted(last.manifest.get("deps", {}).items()) if hasher(p) != h]
        if any(p.startswith(":") for p in deps):
            return "its last run's reads were not all recorded"
        if deps:
            more = f" and {len(deps) - 3} more" if len(deps) > 3 else ""
            return ", ".join(deps[:3]) + more + " changed"
        return "inputs changed"

    def _entry_dir(self, key: str) -> str:
        return f"{self._entries}/{key[:2]}/{key}"  # joined by hand: a lookup's hot path

    def _entry_path(self, key: str) -> Path:
        return Path(self._entry_dir(key))

    def _load(self, key: str) -> Entry | None:
        if not key:
            return None
        path = self._entry_path(key)
        try:
            manifest = json.loads((path / "manifest.json").read_text())
        except (OSError, ValueError):
            return None
        return Entry(key, path, manifest) if self._whole(path, manifest) else None

    def _whole(self, path: Path, manifest: Any) -> bool:
        """Whether the entry at ``path`` holds every output ``manifest`` lists, unchanged."""
        try:
            outputs = manifest["outputs"]
            files = manifest.get("files")
            if not outputs or not isinstance(files, dict) or set(files) != set(outputs):
                return False  # every run writes something, and the facts of each file
            return all(_intact(f"{path}/out/{n}", files[n], self.stamps) for n in outputs)
        except (OSError, KeyError, TypeError, AttributeError):
            return False

    # -- writing ---------------------------------------------------------------

    def new_workspace(self) -> Path:
        """A fresh folder under ``tmp/``; a run writes its outputs into ``<it>/out``."""
        path = self.root / "tmp" / f"{uuid.uuid4().hex}-{os.getpid()}"
        (path / "out").mkdir(parents=True)
        return path

    def store(
        self,
        ident: str,
        base: Mapping[str, str],
        deps: Mapping[str, str],
        workspace: Path,
        outputs: list[str],
        meta: Mapping[str, Any],
        replace: bool = False,
    ) -> Entry:
        """Move ``workspace`` (holding ``out/``) into place as the entry for these inputs.

        An entry already stored for the same inputs is kept, unless ``replace``
        (``figblog build --force``: the author distrusts what is there).
        """
        key = _key(base, deps)
        out = workspace / "out"
        manifest = {
            "ident": ident,
            "base": dict(base),
            "deps": dict(sorted(deps.items())),
            "outputs": sorted(outputs),
            "files": {name: file_facts(out / name).to_json() for name in sorted(outputs)},
            **meta,
        }
        # A plain write: the workspace is this run's alone until the rename below, and a
        # workspace that never gets there is swept away whole.
        (workspace / "manifest.json").write_text(json.dumps(manifest, indent=1))
        final = self._entry_path(key)
        final.parent.mkdir(parents=True, exist_ok=True)
        # Remembered before it is in place: a concurrent prune, which keeps what the
        # index names, can then never take an entry between its rename and its record.
        remember_run(self.root, ident, key, sorted(deps), self.log)
        if replace:
            cache_upkeep.set_aside(self.root, final)
        self._place(workspace, final, key)
        entry = self._load(key)
        deadline = time.monotonic() + _REPAIR_WAIT
        while entry is None and time.monotonic() < deadline:
            # A concurrent `build --force` of the same inputs may have set ours aside; it
            # puts its own in place next. (Repairs look again under the lock: see _place.)
            time.sleep(0.01)
            entry = self._load(key)
        if entry is None:  # pragma: no cover - only if someone deletes it under us
            raise RuntimeError(f"cache entry {final} vanished right after it was written")
        self._remember_hit(ident, entry, sorted(deps))
        return entry

    def _remember_hit(self, ident: str, entry: Entry, deps: list[str]) -> None:
        if self.stamps is None:
            return
        with contextlib.suppress(OSError):  # gone already: nothing worth remembering
            st = os.stat(entry.path / "manifest.json")
            self.stamps.remember_hit(ident, entry.key, deps, entry.manifest, st)

    def _place(self, workspace: Path, final: Path, key: str) -> None:
        """Rename ``workspace`` to ``final``; a whole entry already there wins, a broken one goes.

        Several builds may store or repair the same entry at once. Putting an entry in
        place is one rename. Replacing a broken one happens under the index lock, and
        only after looking again: otherwise a repair that had found the old entry broken
        could set aside the whole one another repair had just put in place, while that
        build reads its files.
        """
        try:
            os.rename(workspace, final)
            return
        except OSError:
            pass  # an entry is there: whole, or broken
        with index_lock(self.root):
            for _ in range(10):
                if self._load(key) is not None:  # another build stored these inputs first
                    shutil.rmtree(workspace, ignore_errors=True)
                    return
                cache_upkeep.set_aside(self.root, final)
                try:
                    os.rename(workspace, final)
                    return
                except OSError:
                    continue  # one more build got in between the two steps
        raise OSError(f"could not put cache entry {final} in place")

    def discard(self, entry: Entry) -> None:
        """Remove a damaged entry, so that storing the same inputs again replaces it."""
        cache_upkeep.set_aside(self.root, entry.path)

    # -- upkeep (see cache_upkeep) ---------------------------------------------

    def clean(self) -> int:
        """Remove every entry and index; return how many entries there were."""
        return cache_upkeep.clean(self.root)

    def prune(self, live: set[str]) -> tuple[int, int]:
        """Forget every script and theme not in ``live``, and every entry no index names.

        Returns (scripts forgotten, entries removed); see :func:`cache_upkeep.prune`.
        """
        return cache_upkeep.prune(self.root, live, self.log)


# Files already checked in this process, by (path, inode, mtime, size): a cached output is
# hashed once per build (or once per `mkdocs serve`), not once per lookup.
_CHECKED: dict[tuple[str, int, int, int], str] = {}


def _intact(path: str, facts: Mapping[str, Any], stamps: Stamps | None = None) -> bool:
    """Whether ``path`` still holds the bytes the manifest describes (size, then sha256)."""
    st = os.stat(path)
    if st.st_size != facts.get("bytes"):
        return False
    stamp = (path, st.st_ino, st.st_mtime_ns, st.st_size)
    digest = _CHECKED.get(stamp) or (stamps.digest(path, st) if stamps else None)
    if digest is None:
        h = hashlib.sha256()
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
        digest = h.hexdigest()
        if stamps:
            stamps.remember(path, st, digest)
    _CHECKED[stamp] = digest
    return digest == facts.get("sha256")
