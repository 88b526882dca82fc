"""Update a built site in place: which files changed, and new figure bytes and URLs.

The serve fast path (``figblog.serve_fast``) uses these to show new figures
without building the site again. Nothing here imports MkDocs: a snapshot is
a map of file stats, a patch is a set of files to copy and strings to swap in
the site's text files.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from figblog.engine.atomic import write_atomic

__all__ = [
    "Patch",
    "PatchError",
    "changed_files",
    "outside_snapshots",
    "pair_published",
    "snapshot",
    "state_of",
]

Snapshot = dict[str, tuple[int, int]]

# Published names may carry a content hash (``loss.3f9a12c4.light.png``); two names that
# differ only by it are the same output in two versions.
_HASH_PART = re.compile(r"\.[0-9a-f]{8}(?=\.)")
# Files of the built site whose text may hold a figure's URL.
_TEXT_SUFFIXES = (".html", ".xml", ".json")
_IGNORED_DIRS = {"__pycache__", ".git"}


class PatchError(Exception):
    """The site cannot be patched safely; it has to be built again."""


def outside_snapshots(path: str) -> bool:
    """Whether :func:`snapshot` leaves ``path`` out (bytecode, ``__pycache__``, ``.git``)."""
    parts = Path(path).parts
    return path.endswith(".pyc") or any(part in _IGNORED_DIRS for part in parts[:-1])


def state_of(path: str) -> tuple[int, int] | None:
    """(mtime, size) of the file at ``path`` as :func:`snapshot` records it; None if absent."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


def snapshot(paths: Iterable[Path]) -> Snapshot:
    """(mtime, size) of every file under ``paths`` (files or folders), by absolute path.

    Bytecode caches are left out: a script importing a project module writes
    one, and that is no change to the site.
    """
    seen: Snapshot = {}
    for path in paths:
        if path.is_file():
            _stat_into(seen, str(path))
            continue
        for folder, dirs, files in os.walk(path):
            dirs[:] = [d for d in dirs if d not in _IGNORED_DIRS]
            for name in files:
                if not name.endswith(".pyc"):
                    _stat_into(seen, os.path.join(folder, name))
    return seen


def _stat_into(seen: Snapshot, path: str) -> None:
    state = state_of(path)
    if state is not None:  # else removed while we looked: the next snapshot lacks it too
        seen[path] = state


def changed_files(before: Snapshot, after: Snapshot) -> set[str]:
    """Files added, removed or modified between two snapshots."""
    keys = before.keys() | after.keys()
    return {k for k in keys if before.get(k) != after.get(k)}


def _logical(site_path: str) -> str:
    return _HASH_PART.sub("", site_path)


def pair_published(old: Mapping[str, Path], new: Mapping[str, Path]) -> dict[str, str]:
    """Old site path -> new site path for each published file, matched across hashes.

    Raises :class:`PatchError` when the two sets do not match one to one (an
    output appeared or vanished), since the pages' HTML then changes too.
    """
    old_by = _by_logical(old)
    new_by = _by_logical(new)
    if old_by.keys() != new_by.keys():
        gone = sorted(old_by.keys() - new_by.keys())
        added = sorted(new_by.keys() - old_by.keys())
        raise PatchError(f"published files differ (gone: {gone}, new: {added})")
    return {old_by[k]: new_by[k] for k in old_by}


def _by_logical(files: Mapping[str, Path]) -> dict[str, str]:
    out: dict[str, str] = {}
    for site_path in files:
        key = _logical(site_path)
        if key in out:
            raise PatchError(f"{site_path} and {out[key]} differ only by their hash")
        out[key] = site_path
    return out


@dataclass
class Patch:
    """Files to put into a built site and strings to swap in its text files."""

    site_dir: Path
    copies: dict[str, Path] = field(default_factory=dict)  # site path -> file to copy there
    swaps: dict[str, str] = field(default_factory=dict)  # old text -> new text, everywhere
    # old text -> (new text, marker): every file holding the marker N times must hold the
    # old text N times, else the page was rendered some other way and cannot be patched.
    blocks: dict[str, tuple[str, str]] = field(default_factory=dict)

    def add_published(
        self, old: Mapping[str, Path], new: Mapping[str, Path], pairs: Mapping[str, str]
    ) -> None:
        """Copy each published file whose bytes or name changed; swap each changed URL."""
        for old_path, new_path in pairs.items():
            if old_path != new_path:
                self.copies[new_path] = new[new_path]
                self.swaps[old_path] = new_path
            elif not _same_bytes(old[old_path], new[new_path]):
                self.copies[new_path] = new[new_path]

    def apply(self) -> int:
        """Write the copies, then patch the text files; return how many text files changed."""
        for site_path, source in self.copies.items():
            write_atomic(self.site_dir / site_path, source.read_bytes(), parents=True)
        if not self.swaps and not self.blocks:
            return 0
        edits: list[tuple[Path, str]] = []
        for path in _text_files(self.site_dir):
            text = path.read_text(encoding="utf-8", errors="surrogateescape")
            # Blocks first: their markers may be URLs that the swaps rename.
            new = self._swap_blocks(path, text) if path.suffix == ".html" else text
            for old_text, new_text in self.swaps.items():
                new = new.replace(old_text, new_text)
            if new != text:
                edits.append((path, new))
        # Written only once every page was checked, so a PatchError leaves the site as it was.
        for path, text in edits:
            write_atomic(path, text.encode("utf-8", errors="surrogateescape"), parents=True)
        return len(edits)

    def _swap_blocks(self, path: Path, text: str) -> str:
        for old_block, (new_block, marker) in self.blocks.items():
            wanted = text.count(marker)
            found = text.count(old_block)
            if found < wanted:
                raise PatchError(
                    f"{path.relative_to(self.site_dir)}: {wanted} boxes of '{marker}' but "
                    f"{found} of them as expected"
                )
            text = text.replace(old_block, new_block)
        return text


def _text_files(site_dir: Path) -> Iterable[Path]:
    for folder, _dirs, files in os.walk(site_dir):
        for name in files:
            if name.endswith(_TEXT_SUFFIXES):
                yield Path(folder, name)


def _same_bytes(a: Path, b: Path) -> bool:
    if a == b:
        return True
    try:
        return a.stat().st_size == b.stat().st_size and a.read_bytes() == b.read_bytes()
    except OSError:
        return False
