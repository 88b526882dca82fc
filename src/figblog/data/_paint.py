"""A fine-grained RGB canvas with a bee mask, and the smooth noise and blur the scenes use."""

from __future__ import annotations

import numpy as np

__all__ = ["Canvas", "gaussian_blur", "smooth_field"]


class Canvas:
    """An image drawn at ``ss`` samples per pixel along each axis, with a mask of bee samples.

    Positions are in image pixels: sample (i, j) sits at ((j + 0.5) / ss, (i + 0.5) / ss).
    """

    def __init__(self, size: int, ss: int) -> None:
        self.size, self.ss, self.n = size, ss, size * ss
        self.rgb = np.zeros((self.n, self.n, 3), np.float32)
        self.bee = np.zeros((self.n, self.n), bool)

    def window(
        self, x: float, y: float, radius: float
    ) -> tuple[slice, slice, np.ndarray, np.ndarray]:
        """The samples within ``radius`` pixels of (x, y) along each axis, clipped to the canvas.

        Returns the row and column slices and the sample positions gx (1, w) and gy (h, 1).
        """
        ss = self.ss
        i0, i1 = int(np.floor((y - radius) * ss)), int(np.ceil((y + radius) * ss)) + 1
        j0, j1 = int(np.floor((x - radius) * ss)), int(np.ceil((x + radius) * ss)) + 1
        i0, i1 = min(max(i0, 0), self.n), min(max(i1, 0), self.n)
        j0, j1 = min(max(j0, 0), self.n), min(max(j1, 0), self.n)
        gx = ((np.arange(j0, j1, dtype=np.float32) + 0.5) / ss)[None, :]
        gy = ((np.arange(i0, i1, dtype=np.float32) + 0.5) / ss)[:, None]
        return slice(i0, i1), slice(j0, j1), gx, gy

    def paint(self, ys: slice, xs: slice, alpha: np.ndarray, colour: np.ndarray) -> None:
        """Blend ``colour`` ((3,) or (h, w, 3)) over the window with opacity ``alpha`` (h, w)."""
        h, w = ys.stop - ys.start, xs.stop - xs.start
        alpha = np.broadcast_to(np.asarray(alpha, np.float32), (h, w))
        rows, cols = np.flatnonzero(alpha.any(axis=1)), np.flatnonzero(alpha.any(axis=0))
        if rows.size == 0:
            return
        r0, r1, c0, c1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1  # only where alpha > 0
        region = self.rgb[ys.start + r0 : ys.start + r1, xs.start + c0 : xs.start + c1]
        colour = np.asarray(colour, np.float32)
        if colour.ndim == 3:
            colour = colour[r0:r1, c0:c1]
        region += alpha[r0:r1, c0:c1, None] * (colour - region)

    def shade(self, ys: slice, xs: slice, amount: np.ndarray) -> None:
        """Darken the window by ``amount`` (h, w) in 0..1 (a shadow)."""
        region = self.rgb[ys, xs]
        region *= 1 - np.broadcast_to(np.asarray(amount, np.float32), region.shape[:2])[..., None]

    def finish(self) -> tuple[np.ndarray, np.ndarray]:
        """Average the samples of each pixel: image (size, size, 3) and mask (size, size) uint8."""
        s, ss = self.size, self.ss
        image = self.rgb.reshape(s, ss, s, ss, 3).mean(axis=(1, 3))  # (n, n, 3) -> (s, s, 3)
        cover = self.bee.reshape(s, ss, s, ss).mean(axis=(1, 3))
        return image.astype(np.float32), (cover > 0.5).astype(np.uint8)


def smooth_field(rng: np.random.Generator, n: int, cells: int) -> np.ndarray:
    """A smooth random (n, n) field, zero mean and unit spread, about ``cells`` bumps per side."""
    knots = rng.standard_normal((cells + 2, cells + 2))
    centres = (np.arange(cells + 2) - 0.5) * n / cells
    pos = np.arange(n) + 0.5
    weights = np.exp(-0.5 * ((pos[:, None] - centres[None, :]) / (0.6 * n / cells)) ** 2)
    weights /= weights.sum(axis=1, keepdims=True)  # (n, cells+2): each sample a blend of knots
    field = weights @ knots @ weights.T
    field -= field.mean()
    return (field / (field.std() + 1e-9)).astype(np.float32)


def gaussian_blur(image: np.ndarray, sigma: float) -> np.ndarray:
    """Blur an (H, W, C) image with a Gaussian of ``sigma`` pixels, edges repeated."""
    if sigma <= 0:
        return image.copy()
    r = max(1, int(np.ceil(3 * sigma)))
    k = np.exp(-0.5 * (np.arange(-r, r + 1) / sigma) ** 2).astype(np.float32)
    k /= k.sum()
    h, w = image.shape[:2]
    p = np.pad(image, ((r, r), (0, 0), (0, 0)), mode="edge")
    out = sum(k[t] * p[t : t + h] for t in range(2 * r + 1))  # along rows
    p = np.pad(out, ((0, 0), (r, r), (0, 0)), mode="edge")
    return sum(k[t] * p[:, t : t + w] for t in range(2 * r + 1)).astype(np.float32)  # along columns
