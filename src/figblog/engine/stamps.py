"""What a warm build may take on trust from the last one: file hashes by stat, last hits.

A warm build asks of every script and theme "is the stored run still good?".
Answering that from scratch means hashing every file each run read and every
output it stored, and reading two small JSON files per run: about 3 ms a
figure, more than the rest of the build spends on it. This book, one JSON
file per project in the cache, keeps what the last build learned:

* ``files``: a file's content hash under its stat stamp (inode, mtime in ns,
  size), as git's index does. A file whose stamp is unchanged is not read
  again. A stamp is only kept when the file's mtime was over a second old when
  it was hashed: a write in the same clock tick as the hashing could
  otherwise leave the stamp as it was over new bytes ("racy git").
* ``hits``: for each run identity, the key, dependency list and manifest of
  the entry the last lookup found, so that a lookup whose inputs hash as
  before needs no index or manifest read.

Everything here is a hint, checked before use: a changed stamp means hash
again, a key that no longer matches means the normal lookup. A missing,
unreadable or foreign book is an empty one. Concurrent builds each write the
whole book with an atomic rename; the last one wins, which costs at most some
re-hashing.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from figblog.engine.atomic import write_atomic

__all__ = ["Stamps"]

_VERSION = 1
_SETTLED_NS = 1_000_000_000  # a file this much older than its hashing keeps its stamp


class Stamps:
    """The book at ``path``: load it (or start empty), consult it, save it when it changed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._files: dict[str, list[Any]] = {}
        self._hits: dict[str, dict[str, Any]] = {}
        self._dirty = False
        try:
            data = json.loads(path.read_text())
            if data.get("version") == _VERSION:
                self._files = dict(data["files"])
                self._hits = dict(data["hits"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass  # no book yet, or a damaged one: start empty

    # -- file hashes -----------------------------------------------------------

    def digest(self, name: str, st: os.stat_result) -> str | None:
        """The hash remembered for ``name`` if its stamp is still ``st``'s, else None."""
        known = self._files.get(name)
        if known and known[:3] == _stamp(st):
            return str(known[3])
        return None

    def remember(self, name: str, st: os.stat_result, digest: str) -> None:
        """Keep ``digest`` for ``name`` under ``st``'s stamp, if the file had settled."""
        if time.time_ns() - st.st_mtime_ns < _SETTLED_NS:
            return  # too new to trust its stamp next time: it is hashed again then
        stamp = [*_stamp(st), digest]
        if self._files.get(name) != stamp:
            self._files[name] = stamp
            self._dirty = True

    # -- last hits -------------------------------------------------------------

    def hit(self, ident: str) -> dict[str, Any] | None:
        """What the last lookup of ``ident`` found: ``key``, ``deps`` and ``manifest``."""
        found = self._hits.get(ident)
        return found if isinstance(found, dict) else None

    def remember_hit(
        self, ident: str, key: str, deps: list[str], manifest: dict, st: os.stat_result
    ) -> None:
        """Record the entry a lookup of ``ident`` found (or a run stored).

        ``st`` is the stat of the entry's manifest file: a hit is only good while
        that file is untouched (a damaged manifest makes the entry a miss, to be
        replaced, whatever this book remembers of it).
        """
        hit = {"key": key, "deps": deps, "manifest": manifest, "stamp": _stamp(st)}
        if self._hits.get(ident) != hit:
            self._hits[ident] = hit
            self._dirty = True

    @staticmethod
    def same_file(hit: dict[str, Any], st: os.stat_result) -> bool:
        """Whether the manifest a hit was read from still has the stat it had then."""
        return hit.get("stamp") == _stamp(st)

    def forget(
        self, idents: set[str], exists: Callable[[str], bool], entries: str | None = None
    ) -> None:
        """Drop the hits of identities no longer built, and the stamps of vanished files.

        With ``entries`` (the cache's folder of entries, ``<entries>/<kk>/<key>/``),
        also the stamps of the stored outputs of entries no remaining hit names: the
        older runs kept for a revert. A warm build checks only its hits' outputs, and
        a revert hashes its entry's outputs once, so the book does not grow with history.
        """
        gone = [i for i in self._hits if i not in idents]
        for ident in gone:
            del self._hits[ident]
        files = [name for name in self._files if not exists(name)]
        if entries:
            inside = os.path.join(entries, "")
            keys = {str(h.get("key")) for h in self._hits.values() if isinstance(h, dict)}
            for name in self._files:
                key = _entry_key(name, inside)
                if key is not None and key not in keys:
                    files.append(name)
        for name in set(files):
            del self._files[name]
        self._dirty = self._dirty or bool(gone or files)

    # -- saving ----------------------------------------------------------------

    def save(self) -> None:
        """Write the book if anything changed; a failure to write only costs speed."""
        if not self._dirty:
            return
        data = {"version": _VERSION, "files": self._files, "hits": self._hits}
        with contextlib.suppress(OSError):  # a read-only or full cache: next build hashes again
            write_atomic(self.path, json.dumps(data, separators=(",", ":")), parents=True)
            self._dirty = False


def _entry_key(name: str, inside: str) -> str | None:
    """The entry key of ``name``, a file under ``inside`` (``<kk>/<key>/...``); else None."""
    if not name.startswith(inside):
        return None
    parts = name[len(inside) :].split(os.sep)
    return parts[1] if len(parts) > 2 else None


def _stamp(st: os.stat_result) -> list[int]:
    return [st.st_ino, st.st_mtime_ns, st.st_size]
