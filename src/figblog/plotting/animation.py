"""Turning matplotlib figures into frames, and frames into small, reproducible GIFs.

A GIF written here has one global palette shared by every frame, and each frame
after the first stores only the rectangle of pixels that changed; pixels inside
that rectangle that did not change are transparent, which LZW compresses well.
"""

from __future__ import annotations

import sys
import weakref
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["fig_to_image", "save_gif"]

_TRANSPARENT = 255  # palette index kept free for "unchanged since the last frame"
_PINNED = 8  # most common colours kept exact


# Figures whose layout fig_to_image has settled and fixed.
_SETTLED: weakref.WeakSet[Figure] = weakref.WeakSet()
_SETTLE_DRAWS = 12  # at most; constrained layout beside a fixed aspect took 6 here


def fig_to_image(fig: Figure) -> Image.Image:
    """Render ``fig`` and return it as an RGB image (its current size and dpi).

    The first time a figure comes here, a layout engine (``layout="constrained"``) is left
    to settle, then fixed, so that every frame of an animation has the same layout: beside a
    fixed aspect ratio, constrained layout moves the axes a little on each of the first few
    draws, and a GIF whose frames are laid out differently jumps once per loop.
    """
    if fig not in _SETTLED:
        _settle(fig)
        _SETTLED.add(fig)
    fig.canvas.draw()
    rgba = np.asarray(fig.canvas.buffer_rgba())  # (H, W, 4)
    return Image.fromarray(rgba[..., :3].copy(), "RGB")


def _settle(fig: Figure) -> None:
    """Draw ``fig`` until its axes stop moving, then keep their places (no layout engine)."""
    if fig.get_layout_engine() is None:
        return
    before = None
    for _ in range(_SETTLE_DRAWS):
        fig.canvas.draw()
        now = [(ax.get_position(original=True).bounds, ax.get_position().bounds) for ax in fig.axes]
        if now == before:
            break
        before = now
    fig.set_layout_engine("none")


def _global_palette(frames: Sequence[Image.Image], colours: int) -> Image.Image:
    """Quantise a sample of all frames together so every frame shares one palette.

    Median cut averages each box of colours, so the page-coloured background
    would come out a shade off (252 instead of 255) and show as a faint box on
    the page. The most common exact colours (background, text, axes) are pinned
    back into the palette, each in place of its nearest entry.
    """
    step = max(1, len(frames) // 12)
    sample = list(frames[::step]) + [frames[-1]]
    w = max(f.width for f in sample)
    strip = Image.new("RGB", (w, sum(f.height for f in sample)))
    y = 0
    for f in sample:
        strip.paste(f, (0, y))
        y += f.height
    pal = strip.quantize(colors=colours, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    entries = np.array(pal.getpalette()[: colours * 3], dtype=np.int64).reshape(-1, 3)
    counts = strip.getcolors(maxcolors=w * strip.height) or []
    pinned: set[int] = set()
    for _, rgb in sorted(counts, key=lambda c: (-c[0], c[1]))[:_PINNED]:
        distance = np.abs(entries - np.array(rgb)).sum(axis=1)
        distance[list(pinned)] = np.iinfo(np.int64).max
        index = int(np.argmin(distance))
        entries[index] = rgb
        pinned.add(index)
    pal.putpalette([int(v) for v in entries.ravel()])
    return pal


def _nearest(rgb: np.ndarray, entries: np.ndarray) -> np.ndarray:
    """Map (H, W, 3) pixels to the index of the nearest palette entry, exactly.

    Pillow's own mapping looks colours up in a coarse cache, which sends pure
    white to a near-white neighbour; this computes the true nearest entry once
    per distinct colour.
    """
    packed = (
        (rgb[..., 0].astype(np.int64) << 16) | (rgb[..., 1].astype(np.int64) << 8) | rgb[..., 2]
    )
    colours, inverse = np.unique(packed.ravel(), return_inverse=True)
    uniq = np.stack([(colours >> 16) & 255, (colours >> 8) & 255, colours & 255], axis=1)
    best = np.empty(len(uniq), dtype=np.uint8)
    for start in range(0, len(uniq), 4096):  # (chunk, 1, 3) - (1, P, 3) -> (chunk, P)
        chunk = uniq[start : start + 4096]
        dist = ((chunk[:, None, :] - entries[None, :, :]) ** 2).sum(axis=2)
        best[start : start + 4096] = dist.argmin(axis=1)
    return best[inverse].reshape(rgb.shape[:2])


def save_gif(
    frames: Sequence[Image.Image | np.ndarray],
    path: str | Path,
    duration_ms: int | Sequence[int] = 120,
    loop: int = 0,
) -> Path:
    """Write ``frames`` (RGB images or (H, W, 3) uint8 arrays) as an optimised GIF.

    ``duration_ms`` is one delay for all frames or one per frame.
    """
    if not frames:
        raise ValueError("save_gif needs at least one frame")
    images = [
        f if isinstance(f, Image.Image) else Image.fromarray(np.asarray(f, np.uint8))
        for f in frames
    ]
    images = [im.convert("RGB") for im in images]
    size = images[0].size
    if any(im.size != size for im in images):
        raise ValueError("all frames of a GIF must have the same size")
    pal = _global_palette(images, colours=255)
    entries = np.array(pal.getpalette()[: 255 * 3], dtype=np.int64).reshape(-1, 3)
    indexed = [_nearest(np.asarray(im), entries) for im in images]
    palette_bytes = pal.getpalette()[: 256 * 3]
    palette_bytes += [0] * (256 * 3 - len(palette_bytes))

    out: list[Image.Image] = []
    for idx in indexed:  # idx: (H, W) palette indices
        im = Image.fromarray(idx, "P")
        im.putpalette(palette_bytes)
        out.append(im)

    path = Path(path)
    # Pillow crops each frame to the box that changed and, with optimize and a
    # transparency index, makes the unchanged pixels inside that box transparent.
    # Passing the palette keeps it global: no frame carries a table of its own.
    out[0].save(
        path,
        save_all=True,
        append_images=out[1:],
        duration=duration_ms,
        loop=loop,
        disposal=1,  # keep the previous frame; transparent pixels show it through
        transparency=_TRANSPARENT,
        palette=bytes(palette_bytes),
        optimize=True,
    )
    # Under the engine, the text its frames drew is this file's: the build checks its size.
    text_sizes = sys.modules.get("figblog.engine._text_sizes")
    if text_sizes is not None:
        text_sizes.claim(path)
    return path
