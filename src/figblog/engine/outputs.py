"""Checks and clean-ups applied to what a script wrote, before it is cached."""

from __future__ import annotations

import os
import shutil
import struct
from pathlib import Path

__all__ = [
    "OutputError",
    "check_images",
    "check_text",
    "collect_outputs",
    "finished_outputs",
    "strip_png_metadata",
]

# Chunks that carry text, dates or other data that can differ between runs.
_DROP = {b"tEXt", b"zTXt", b"iTXt", b"tIME"}
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class OutputError(Exception):
    """The script left something in its folder that cannot be published."""


class NoOutputs(OutputError):
    """The script left nothing in its folder."""


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
                if path.stat().st_nlink > 1:
                    _make_private(path)
                found.append(rel)
    return sorted(found)


def finished_outputs(out: Path, text_suffixes: tuple[str, ...]) -> list[str]:
    """The files a run wrote under ``out``, checked and cleaned as they are published.

    Raises OutputError when there are none, or one is not what its name says (see
    :func:`collect_outputs`, :func:`check_text`, :func:`check_images`); PNG metadata is
    dropped (:func:`strip_png_metadata`). The build and ``figblog run`` both take this.
    """
    names = collect_outputs(out)
    if not names:
        raise NoOutputs(
            "the script wrote no files; save figures into the current folder, "
            "e.g. save_png(fig, 'plot.png') (from figblog.plotting) or fig.savefig('plot.png')"
        )
    check_text(out, names, text_suffixes)
    check_images(out, names)
    for name in names:
        if name.lower().endswith(".png"):
            strip_png_metadata(out / name)
    return names


def check_text(out: Path, names: list[str], suffixes: tuple[str, ...]) -> None:
    """Raise OutputError if an output ending in ``suffixes`` (text for the page) is not UTF-8."""
    for name in names:
        if not name.lower().endswith(suffixes):
            continue
        try:
            (out / name).read_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            bad = exc.object[exc.start : exc.start + 1].hex()
            raise OutputError(
                f"the script wrote '{name}', which is not UTF-8 text (byte 0x{bad} at "
                f"position {exc.start}); open it with open('{name}', 'w', encoding='utf-8')"
            ) from None


_RASTER = {".png": "PNG", ".gif": "GIF", ".jpg": "JPEG", ".jpeg": "JPEG", ".webp": "WebP"}


def check_images(out: Path, names: list[str]) -> None:
    """Raise OutputError for a picture output that is not a whole image of its kind.

    An empty file, text saved as ``x.png`` or a truncated PNG would be published as a
    broken image that no build step complains about. Pillow's ``verify`` reads the file's
    structure (for a PNG, every chunk's checksum) without decoding its pixels.
    """
    from PIL import Image, UnidentifiedImageError  # only when a run has stored outputs

    for name in names:
        kind = _RASTER.get(Path(name).suffix.lower())
        if kind is None:
            continue
        try:
            with Image.open(out / name) as image:
                found = image.format
                image.verify()
        except UnidentifiedImageError:  # its message holds the run folder's path
            reason = "it is empty" if (out / name).stat().st_size == 0 else "no image format known"
            raise OutputError(
                f"the script wrote '{name}', which is not a readable {kind} image ({reason})"
            ) from None
        except (OSError, SyntaxError, ValueError) as exc:
            reason = "it is empty" if (out / name).stat().st_size == 0 else str(exc)
            raise OutputError(
                f"the script wrote '{name}', which is not a readable {kind} image ({reason})"
            ) from None
        if found != kind and not (kind == "JPEG" and found == "MPO"):
            raise OutputError(
                f"the script wrote '{name}', which holds a {found} image, not a {kind} one: "
                f"save it under a name ending in its format (matplotlib picks the format "
                f"from the name unless format= says otherwise)"
            )


def _make_private(path: Path) -> None:
    """Give ``path`` bytes of its own: it is a hard link (``os.link``) to another file.

    The outputs are stored in the cache where they lie, and a PNG's metadata is dropped
    in place: neither may reach a project file that a script linked into its folder.
    """
    private = path.with_name(path.name + ".figblog-copy")
    shutil.copyfile(path, private)
    os.replace(private, path)


def strip_png_metadata(path: Path) -> None:
    """Drop text and time chunks from a PNG in place, leaving the pixels' bytes alone.

    The file is read chunk by chunk (a first pass only reads chunk headers), so a
    large output is never held in memory; it is rewritten only if it has such chunks.
    It is rewritten where it lies, not through a temporary file: every kept chunk moves
    towards the start, never past bytes still to be read, and the file is the run's own
    (in its private working folder, which is discarded whole if anything fails). A new
    file would cost an inode, which on some file systems is most of a small run's I/O.
    Only a file with other names (a script's ``os.link`` of a project file) is copied
    first, so that the file under its other names is left as it was.
    """
    chunks = _png_chunks(path)
    if chunks is None or not any(kind in _DROP for kind, _, _ in chunks):
        return
    if os.stat(path).st_nlink > 1:
        _make_private(path)
    with open(path, "r+b") as fh:
        write = len(_PNG_SIGNATURE)
        for kind, start, length in chunks:
            if kind in _DROP:
                continue
            done = 0
            while done < length:  # write <= start + done: nothing unread is overwritten
                fh.seek(start + done)
                block = fh.read(min(length - done, 1 << 20))
                if not block:
                    break
                fh.seek(write)
                fh.write(block)
                write += len(block)
                done += len(block)
        fh.truncate(write)


def _png_chunks(path: Path) -> list[tuple[bytes, int, int]] | None:
    """(kind, offset, whole length) of each chunk up to IEND; None if not a whole PNG."""
    chunks = []
    with open(path, "rb") as fh:
        if fh.read(len(_PNG_SIGNATURE)) != _PNG_SIGNATURE:
            return None
        size = os.fstat(fh.fileno()).st_size
        pos = len(_PNG_SIGNATURE)
        while pos + 8 <= size:
            fh.seek(pos)
            (length,) = struct.unpack(">I", fh.read(4))
            kind = fh.read(4)
            whole = 12 + length
            if pos + whole > size:
                return None  # truncated: leave it for the browser to complain about, untouched
            chunks.append((kind, pos, whole))
            pos += whole
            if kind == b"IEND":
                return chunks
    return None  # no IEND: cut short
