"""Connected shapes in a mask: how many separate white blobs a label holds.

Two pixels belong to the same shape when a chain of white pixels joins them, each next to the
last across an edge (4-connectivity) or also across a corner (8-connectivity). Bees that touch
in a label are one shape, which is why an alt text counting shapes must count them.
"""

from __future__ import annotations

import numpy as np

__all__ = ["count_shapes", "label_shapes"]

_STEPS = {
    4: ((-1, 0), (1, 0), (0, -1), (0, 1)),
    8: ((-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)),
}


def label_shapes(mask: np.ndarray, connectivity: int = 4) -> tuple[np.ndarray, int]:
    """Return ``(labels, count)``: labels (H, W) int32, 0 off the shapes and 1..count on them.

    ``mask`` is a 2-D array; nonzero pixels are the shapes. A flood fill from each unlabelled
    pixel, with an explicit stack so large shapes cannot exhaust Python's recursion.
    """
    mask = np.asarray(mask)
    if mask.ndim != 2:
        raise ValueError(f"mask must be 2-D (H, W), got shape {mask.shape}")
    if connectivity not in _STEPS:
        raise ValueError(f"connectivity must be 4 or 8, got {connectivity!r}")
    on = mask != 0
    h, w = on.shape
    labels = np.zeros((h, w), np.int32)
    count = 0
    for start in zip(*np.nonzero(on), strict=True):
        if labels[start]:
            continue
        count += 1
        labels[start] = count
        stack = [start]
        while stack:
            r, c = stack.pop()
            for dr, dc in _STEPS[connectivity]:
                rr, cc = r + dr, c + dc
                if 0 <= rr < h and 0 <= cc < w and on[rr, cc] and not labels[rr, cc]:
                    labels[rr, cc] = count
                    stack.append((rr, cc))
    return labels, count


def count_shapes(mask: np.ndarray, connectivity: int = 4) -> int:
    """Return how many connected shapes the nonzero pixels of ``mask`` form."""
    return label_shapes(mask, connectivity)[1]
