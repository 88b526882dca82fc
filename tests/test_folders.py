"""Loading image/mask folders: what loads, and the errors that name the bad file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from figblog.data.folders import load_folder


def write(path: Path, array: np.ndarray) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(array).save(path)
    return path


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Two 6x8 photos with masks: one PNG, one JPEG photo; masks in 0/255 and a '1'-mode PNG."""
    rng = np.random.default_rng(0)
    for stem, suffix in [("a", ".png"), ("b", ".jpg")]:
        write(
            tmp_path / "images" / f"{stem}{suffix}", rng.integers(0, 256, (6, 8, 3), dtype=np.uint8)
        )
    mask = np.zeros((6, 8), np.uint8)
    mask[1:3, 2:5] = 255
    write(tmp_path / "masks" / "a.png", mask)
    Image.fromarray(mask[::-1] > 0).save(tmp_path / "masks" / "b.png")  # a 1-bit PNG
    (tmp_path / "images" / "notes.txt").write_text("not an image, ignored")
    return tmp_path


def test_loads_pairs_by_stem(folder):
    x, y = load_folder(folder)
    assert x.shape == (2, 6, 8, 3) and x.dtype == np.float32
    assert 0 <= x.min() and x.max() <= 1
    assert y.shape == (2, 6, 8) and y.dtype == np.uint8
    assert y[0].sum() == 6 and y[0, 1, 2] == 1 and y[0, 0, 0] == 0
    np.testing.assert_array_equal(y[1], y[0][::-1])
    png = np.asarray(Image.open(folder / "images" / "a.png"), np.float32) / 255
    np.testing.assert_allclose(x[0], png)


def test_resizes_to_a_common_size_and_keeps_masks_binary(folder):
    x, y = load_folder(folder, size=(12, 16))
    assert x.shape == (2, 12, 16, 3)
    assert set(np.unique(y)) == {0, 1}
    assert y[0].sum() == 4 * 6


def test_all_black_mask_means_no_object(folder):
    write(folder / "masks" / "a.png", np.zeros((6, 8), np.uint8))
    assert load_folder(folder)[1][0].sum() == 0


def test_missing_mask_names_the_image(folder):
    (folder / "masks" / "b.png").unlink()
    with pytest.raises(ValueError, match=r"b\.jpg has no mask"):
        load_folder(folder)


def test_mask_without_image_is_named(folder):
    write(folder / "masks" / "c.png", np.zeros((6, 8), np.uint8))
    with pytest.raises(ValueError, match=r"c\.png has no image"):
        load_folder(folder)


def test_size_mismatch_names_the_mask(folder):
    write(folder / "masks" / "a.png", np.zeros((6, 9), np.uint8))
    with pytest.raises(ValueError, match=r"a\.png is 9x6 but its image a\.png is 8x6"):
        load_folder(folder)


def test_grey_mask_is_rejected(folder):
    write(folder / "masks" / "a.png", np.arange(48, dtype=np.uint8).reshape(6, 8))
    with pytest.raises(ValueError, match=r"a\.png has 48 grey levels"):
        load_folder(folder)


def test_unreadable_file_is_named(folder):
    (folder / "images" / "a.png").write_bytes(b"this is not a PNG")
    with pytest.raises(ValueError, match=r"cannot read .*a\.png"):
        load_folder(folder)


def test_different_sizes_need_a_size(folder):
    rng = np.random.default_rng(1)
    write(folder / "images" / "c.png", rng.integers(0, 256, (5, 5, 3), dtype=np.uint8))
    write(folder / "masks" / "c.png", np.zeros((5, 5), np.uint8))
    with pytest.raises(ValueError, match=r"c\.png is 5x5, unlike"):
        load_folder(folder)
    assert load_folder(folder, size=(4, 4))[0].shape == (3, 4, 4, 3)


def test_empty_or_missing_folders(tmp_path):
    with pytest.raises(ValueError, match="not a folder"):
        load_folder(tmp_path)
    (tmp_path / "images").mkdir()
    (tmp_path / "masks").mkdir()
    with pytest.raises(ValueError, match="no PNG or JPEG images"):
        load_folder(tmp_path)
