"""Replace a file in one step: readers see the old bytes or the new, never a part.

Every shared file the engine keeps (cache indexes, the stamps book, derived
cards, rendered source HTML) and every file it patches into a built site is
written through here. (A run's own folder is not: no one else reads it before it
is renamed into the cache whole, so its manifest is written plainly.) Each goes
into a temporary file in the target's own folder (so the final rename never
crosses a file system), then is renamed onto the target with :func:`os.replace`,
which POSIX makes atomic. Two processes writing the same file each use their own
temporary name (process id and a random suffix), so the last rename wins and the
file always holds one writer's whole bytes. Whatever goes wrong on the way, the
temporary file is removed and the error raised again.

The file gets the mode a plain ``open(path, "wb")`` would give it (0o666 less the
umask), as the writers this module replaced did; :func:`tempfile.mkstemp` would
make it 0o600.

There is no ``fsync``: none of the writers it replaced had one, and none needs
it. Everything written here can be made again, and its readers already treat a
damaged file as absent (a cache entry or derived picture whose size or hash is
wrong is a miss, an unreadable stamps book is an empty one, a published copy of
the wrong size is copied again). Syncing would cost a disk flush per file on
every build to guard only against a power cut, which the next build repairs.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

__all__ = ["atomic_open", "write_atomic"]


@contextlib.contextmanager
def atomic_open(path: Path, *, parents: bool = False) -> Iterator[BinaryIO]:
    """Yield a binary file whose bytes replace ``path`` when the block ends without error.

    With ``parents``, missing folders above ``path`` are made first. If the block
    (or the final flush, close or rename) raises, ``path`` is left as it was, the
    temporary file is removed and the exception propagates.
    """
    if parents:
        path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(8)}.tmp")
    fh = open(tmp, "xb")  # closed by the with below, before the rename
    try:
        with fh:
            yield fh
        os.replace(tmp, path)
    except BaseException:
        # Also on KeyboardInterrupt: a stray temporary file would outlive the build.
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def write_atomic(path: Path, data: bytes | str, *, parents: bool = False) -> None:
    """Replace ``path`` with ``data`` in one step (text is written as UTF-8).

    With ``parents``, missing folders above ``path`` are made first.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    with atomic_open(path, parents=parents) as fh:
        fh.write(data)
