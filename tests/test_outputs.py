"""Clean-ups of what a script wrote: PNG metadata is dropped in place, pixels kept."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from figblog.engine.outputs import OutputError, check_images, collect_outputs, strip_png_metadata

SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def _png(pixels: np.ndarray, extra: dict[int, list[bytes]]) -> tuple[bytes, bytes]:
    """A greyscale PNG with chunks ``extra[i]`` inserted before its i-th chunk (-1: IEND).

    Returns (with the extra chunks, without them).
    """
    h, w = pixels.shape
    rows = b"".join(b"\x00" + pixels[y].tobytes() for y in range(h))
    raw = zlib.compress(rows, 1)
    idat = [raw[i : i + 5000] for i in range(0, len(raw), 5000)]  # several IDATs
    body = [_chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))]
    body += [_chunk(b"IDAT", part) for part in idat] + [_chunk(b"IEND", b"")]
    extra = {i % len(body): chunks for i, chunks in extra.items()}
    full = [c for i, chunk in enumerate(body) for c in [*extra.get(i, []), chunk]]
    return SIGNATURE + b"".join(full), SIGNATURE + b"".join(body)


@pytest.mark.parametrize("where", [1, 2, -1])
def test_metadata_is_dropped_in_place_and_the_pixels_kept(tmp_path: Path, where: int) -> None:
    rng = np.random.default_rng(3)
    pixels = rng.integers(0, 256, (300, 400), dtype=np.uint8)  # incompressible: several IDATs
    text = [
        _chunk(b"tEXt", b"Software\x00matplotlib " + b"x" * 3000),
        _chunk(b"tIME", bytes(7)),
        _chunk(b"iTXt", b"Comment\x00\x00\x00\x00\x00" + b"y" * 200),
    ]
    with_text, expected = _png(pixels, {where: text, 0: [text[1]]})
    path = tmp_path / "p.png"
    path.write_bytes(with_text)
    inode = path.stat().st_ino

    strip_png_metadata(path)

    assert path.read_bytes() == expected
    assert path.stat().st_ino == inode  # rewritten where it lies, no new file
    assert list(tmp_path.iterdir()) == [path]
    np.testing.assert_array_equal(np.asarray(Image.open(path)), pixels)


def test_a_png_without_metadata_or_not_whole_is_left_alone(tmp_path: Path) -> None:
    text = _chunk(b"tEXt", b"Software\x00matplotlib")
    with_text, clean = _png(np.zeros((4, 4), dtype=np.uint8), {1: [text]})
    path = tmp_path / "p.png"
    for data in (clean, with_text[:-6], b"not a png at all"):
        path.write_bytes(data)
        before = path.stat().st_mtime_ns
        strip_png_metadata(path)
        assert path.read_bytes() == data
        assert path.stat().st_mtime_ns == before


def test_a_png_hard_linked_to_another_file_leaves_that_file_alone(tmp_path: Path) -> None:
    # A script may os.link() a project file into its outputs: the project file keeps its bytes.
    text = _chunk(b"tEXt", b"Software\x00matplotlib")
    with_text, clean = _png(np.zeros((4, 4), dtype=np.uint8), {1: [text]})
    original = tmp_path / "data.png"
    original.write_bytes(with_text)
    output = tmp_path / "out.png"
    output.hardlink_to(original)

    strip_png_metadata(output)

    assert original.read_bytes() == with_text
    assert output.read_bytes() == clean
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.png", "out.png"]


def test_collected_outputs_linked_to_other_files_get_bytes_of_their_own(tmp_path: Path) -> None:
    data = tmp_path / "data.csv"
    data.write_text("1,2\n")
    out = tmp_path / "out"
    out.mkdir()
    (out / "copy.csv").hardlink_to(data)
    (out / "plain.txt").write_text("x")

    assert collect_outputs(out) == ["copy.csv", "plain.txt"]

    assert (out / "copy.csv").stat().st_nlink == 1 and data.stat().st_nlink == 1
    (out / "copy.csv").write_text("changed")  # as the cache or a clean-up might
    assert data.read_text() == "1,2\n"


def test_a_truncated_or_foreign_picture_is_refused(tmp_path: Path) -> None:
    whole, _ = _png(np.zeros((40, 40), dtype=np.uint8), {})
    (tmp_path / "ok.png").write_bytes(whole)
    check_images(tmp_path, ["ok.png", "notes.txt"])
    (tmp_path / "cut.png").write_bytes(whole[:60])  # the header, then part of the pixels
    with pytest.raises(OutputError, match=r"'cut.png', which is not a readable PNG image"):
        check_images(tmp_path, ["ok.png", "cut.png"])
