"""How well a line stands out from a colour map: contrast ratios, and maps to draw paths on.

A path drawn over a heat map is readable only where its colour differs from the map's colour
underneath. The ratio used is the WCAG contrast of relative luminances, ``(L1 + 0.05) / (L2 +
0.05)``: 1 for the same brightness, 21 for black on white.
"""

from __future__ import annotations

import matplotlib
import numpy as np
from matplotlib.colors import Colormap, ListedColormap, to_rgb

from figblog.plotting.themes import Palette

__all__ = ["contrast_ratio", "lowest_contrast", "path_surface"]

# In the dark scheme the site's map (magma) runs through orange and purple, the colours the
# paths are drawn in. The dark, blue-grey first part of cividis stays clear of both.
_DARK_PATH_SURFACE = ("cividis", 0.0, 0.4)


def _luminance(colour: str | tuple[float, ...]) -> float:
    """Return the relative luminance (0 black .. 1 white) of a matplotlib colour."""
    rgb = np.array(to_rgb(colour))
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return float(linear @ np.array([0.2126, 0.7152, 0.0722]))


def contrast_ratio(a: str | tuple[float, ...], b: str | tuple[float, ...]) -> float:
    """Return the contrast ratio of two colours, from 1 (same brightness) to 21."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def lowest_contrast(colour: str, cmap: Colormap | str, samples: int = 256) -> float:
    """Return the lowest contrast of ``colour`` against any colour of ``cmap``."""
    cmap = matplotlib.colormaps[cmap] if isinstance(cmap, str) else cmap
    return min(contrast_ratio(colour, cmap(t)[:3]) for t in np.linspace(0.0, 1.0, samples))


def path_surface(p: Palette) -> Colormap:
    """Return the colour map to draw a surface on when paths in ``p.accent`` cross it.

    The light scheme keeps its own map; the dark one swaps magma for a dark stretch of cividis.
    """
    if p.name != "dark":
        return matplotlib.colormaps[p.sequential]
    name, low, high = _DARK_PATH_SURFACE
    colours = matplotlib.colormaps[name](np.linspace(low, high, 256))
    return ListedColormap(colours, name=f"{name}_dark_paths")
