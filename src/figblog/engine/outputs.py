"""Checks and clean-ups applied to what a script wrote, before it is cached."""

from __future__ import annotations

import os
import struct
from pathlib import Path

__all__ = ["OutputError", "collect_outputs", "strip_png_metadata"]

# Chunks that carry text, dates or other data that can differ between runs.
_DROP = {b"tEXt", b"zTXt", b"iTXt", b"tIME"}
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class OutputError(Exception):
    """The script left something in its folder that cannot be published."""


def collect_outputs(out: Path) -> list[str]:
    """Return the files under ``out`` (relative POSIX paths), refusing anything but files."""
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(out):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            rel = path.relative_to(out).as_posix()
            if path.is_symlink():
                raise OutputError(
                    f"the script wrote a symbolic link '{rel}'; only regular files are "
                    "published, so write the file itself"
                )
            if name in filenames and not path.is_file():
                raise OutputError(f"the script wrote '{rel}', which is not a regular file")
            if name in filenames:
                found.append(rel)
    return sorted(found)


def strip_png_metadata(path: Path) -> None:
    """Drop text and time chunks from a PNG in place, leaving the pixels' bytes alone."""
    data = path.read_bytes()
    if not data.startswith(_PNG_SIGNATURE):
        return
    out = bytearray(_PNG_SIGNATURE)
    pos = len(_PNG_SIGNATURE)
    changed = False
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if end > len(data):
            return  # truncated: leave it for the browser to complain about, untouched
        if kind in _DROP:
            changed = True
        else:
            out += data[pos:end]
        pos = end
        if kind == b"IEND":
            break
    if changed:
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(bytes(out))
        os.replace(tmp, path)
