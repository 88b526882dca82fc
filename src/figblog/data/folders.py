"""Load your own photos and hand-made masks to train the bee finder on.

The folder holds two sub-folders::

    my-bees/
      images/  IMG_0001.jpg  IMG_0002.png ...   photos (PNG or JPEG)
      masks/   IMG_0001.png  IMG_0002.png ...   white = bee, black = not bee (PNG)

An image and its mask share a file stem (the name without its extension). A mask must
be the size of its image and black and white: two grey levels at most, where the
lighter one is the object. (JPEG blurs edges into many grey levels, so save masks as
PNG.) Anything that breaks these rules raises ``ValueError`` naming the file.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

__all__ = ["IMAGE_SUFFIXES", "load_folder"]

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")


def _by_stem(folder: Path) -> dict[str, Path]:
    if not folder.is_dir():
        raise ValueError(f"{folder} is not a folder; expected images/ and masks/ side by side")
    files: dict[str, Path] = {}
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in IMAGE_SUFFIXES or path.name.startswith("."):
            continue
        if path.stem in files:
            raise ValueError(f"{path} and {files[path.stem]} have the same stem; keep one")
        files[path.stem] = path
    return files


def _open(
    path: Path, mode: str, size: tuple[int, int] | None, resample: Image.Resampling
) -> np.ndarray:
    try:
        with Image.open(path) as im:
            im = im.convert(mode)
            if size is not None and im.size != (size[1], size[0]):
                im = im.resize((size[1], size[0]), resample)
            return np.asarray(im)
    except (OSError, UnidentifiedImageError, ValueError) as err:
        raise ValueError(f"cannot read {path}: {err}") from err


def _mask_values(mask: np.ndarray, path: Path) -> np.ndarray:
    """(H, W) grey levels -> (H, W) uint8, 1 where the lighter of at most two levels is."""
    levels = np.unique(mask)
    if len(levels) > 2:
        raise ValueError(
            f"{path} has {len(levels)} grey levels; a mask must be black and white "
            "(two levels; save masks as PNG, not JPEG)"
        )
    if len(levels) == 1:
        return np.full(mask.shape, int(levels[0] >= 128), np.uint8)
    return (mask == levels[1]).astype(np.uint8)


def load_folder(
    root: str | Path, size: tuple[int, int] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Read ``root/images`` and ``root/masks``: images (N, H, W, 3) float32, masks (N, H, W) uint8.

    Pairs are sorted by stem. Every image must match its mask's size; with ``size``
    = (H, W) each pair is then resized to it (images smoothly, masks by nearest pixel,
    so they stay two-valued). Without ``size`` all pairs must share one size.
    """
    root = Path(root)
    images, masks = _by_stem(root / "images"), _by_stem(root / "masks")
    if not images:
        raise ValueError(f"no PNG or JPEG images in {root / 'images'}")
    for stem, path in masks.items():
        if stem not in images:
            raise ValueError(f"{path} has no image with the stem {stem!r} in {root / 'images'}")
    xs, ys = [], []
    for stem, img_path in images.items():
        if stem not in masks:
            raise ValueError(f"{img_path} has no mask: expected {root / 'masks' / stem}.png")
        mask_path = masks[stem]
        image = _open(img_path, "RGB", None, Image.Resampling.BILINEAR)
        mask = _open(mask_path, "L", None, Image.Resampling.NEAREST)
        if image.shape[:2] != mask.shape:
            raise ValueError(
                f"{mask_path} is {mask.shape[1]}x{mask.shape[0]} but its image {img_path.name} "
                f"is {image.shape[1]}x{image.shape[0]}"
            )
        mask = _mask_values(mask, mask_path)
        if size is not None:
            image = _open(img_path, "RGB", size, Image.Resampling.BILINEAR)
            mask = np.asarray(
                Image.fromarray(mask).resize((size[1], size[0]), Image.Resampling.NEAREST)
            )
        if xs and image.shape != xs[0].shape:
            raise ValueError(
                f"{img_path} is {image.shape[1]}x{image.shape[0]}, unlike the images before it "
                f"({xs[0].shape[1]}x{xs[0].shape[0]}); pass size=(H, W) to resize them all"
            )
        xs.append(image)
        ys.append(mask)
    return (np.stack(xs).astype(np.float32) / 255.0), np.stack(ys).astype(np.uint8)
