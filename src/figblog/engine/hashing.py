"""Content hashes of files and text, stable across operating systems."""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from figblog.engine.stamps import Stamps

__all__ = ["MISSING", "FileHasher", "changed_since", "file_clock", "hash_bytes", "hash_text"]

MISSING = "missing"


def hash_bytes(data: bytes) -> str:
    """SHA-256 of ``data`` with CRLF normalised to LF when it looks like text."""
    if b"\0" not in data[:8192]:
        data = data.replace(b"\r\n", b"\n")
    return hashlib.sha256(data).hexdigest()


def hash_text(*parts: str) -> str:
    """SHA-256 over several strings, unambiguously separated."""
    h = hashlib.sha256()
    for part in parts:
        encoded = part.replace("\r\n", "\n").encode()
        h.update(len(encoded).to_bytes(8, "little"))
        h.update(encoded)
    return h.hexdigest()


class FileHasher:
    """Hash files under a root, remembering each by (mtime, size) for one build.

    A folder's hash is that of the names it holds (its mtime changes with them).
    With ``stamps``, hashes are also remembered across builds (see :mod:`stamps`).
    """

    def __init__(self, root: Path, stamps: Stamps | None = None) -> None:
        self.root = root
        self.stamps = stamps
        self._seen: dict[str, tuple[int, int, str]] = {}

    def __call__(self, rel: str, *, file_only: bool = False) -> str:
        """Return the content hash of ``root/rel``, or ``"missing"``.

        With ``file_only``, anything but a regular file (a folder named like a
        script, a pipe) is ``"missing"`` too.
        """
        path = os.path.join(self.root, rel)
        try:
            st = os.stat(path)
        except OSError:
            return MISSING
        if file_only and not stat.S_ISREG(st.st_mode):
            return MISSING
        known = self._seen.get(rel)
        if known and known[0] == st.st_mtime_ns and known[1] == st.st_size:
            return known[2]
        digest = self.stamps.digest(rel, st) if self.stamps else None
        if digest is not None:
            self._seen[rel] = (st.st_mtime_ns, st.st_size, digest)
            return digest
        try:
            if stat.S_ISDIR(st.st_mode):
                # A folder a script listed (a glob, say): what counts is which names it holds.
                digest = hash_text("folder", *sorted(os.listdir(path)))
            else:
                digest = hash_bytes(Path(path).read_bytes())
        except OSError:
            return MISSING
        self._seen[rel] = (st.st_mtime_ns, st.st_size, digest)
        if self.stamps:
            self.stamps.remember(rel, st, digest)
        return digest


def file_clock(folder: Path | str) -> int:
    """The time a file changed now in ``folder`` would get (ns), as :func:`changed_since` uses.

    Files' times come from the file system's clock, which ticks more coarsely than the one
    ``time.time_ns()`` reads: compared with it, a file saved just before could look newer,
    or one saved just after older. Compared with a file's own time, neither happens.
    """
    fd, path = tempfile.mkstemp(dir=folder, prefix=".clock-")
    try:
        return os.fstat(fd).st_mtime_ns
    finally:
        os.close(fd)
        os.unlink(path)


def changed_since(root: Path | str, paths: Iterable[str], since_ns: int) -> str | None:
    """The first of ``paths`` (under ``root``, or absolute) changed after ``since_ns``.

    A run hashes the files it read when it ends: one saved meanwhile would be keyed by
    content the run never saw, and the stale result would count as fresh for good.
    ``since_ns`` is a file time taken as it started (:func:`file_clock`, or a folder it
    made); a file's ctime counts too, for one moved in place with an old mtime.
    """
    for rel in paths:
        try:
            st = os.stat(os.path.join(root, rel))
        except OSError:
            continue  # gone: its hash says "missing", which no later build matches
        if max(st.st_mtime_ns, st.st_ctime_ns) > since_ns:
            return rel
    return None
