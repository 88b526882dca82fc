"""The two colour schemes of the site, as matplotlib styles and as a palette."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from figblog.engine import THEMES, dense_name, narrow_name

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "THEMES",
    "Palette",
    "apply_theme",
    "current_theme",
    "palette",
    "picture_axes",
    "save_layouts",
    "save_png",
]

_ENV = "FIGBLOG_THEME"


@dataclass(frozen=True)
class Palette:
    """Colours for one scheme; every figure takes its colours from here."""

    name: str
    background: str  # the page background of Material's scheme, so figures sit flush
    foreground: str  # text, axes and ticks
    muted: str  # secondary text, reference lines
    grid: str
    data: str  # measured points
    accent: str  # the thing being explained: a guess, the current step
    highlight: str  # the point of interest: the red dot of the source document
    good: str  # a fit, a correct prediction
    bad: str  # an error, a false positive
    sequential: str  # colormap name for surfaces and heat maps
    series: tuple[str, ...] = field(default_factory=tuple)


_PALETTES = {
    "light": Palette(
        name="light",
        background="#ffffff",
        foreground="#1f2330",
        muted="#6b7080",
        grid="#e3e5ea",
        data="#3b6fd4",
        accent="#e07b00",
        highlight="#d62728",
        good="#2a9d5c",
        bad="#c0392b",
        sequential="viridis",
        series=("#3b6fd4", "#e07b00", "#2a9d5c", "#9b4fc4", "#d62728", "#17a0b0"),
    ),
    "dark": Palette(
        name="dark",
        background="#1e2129",
        foreground="#e2e4e9",
        muted="#9aa0ad",
        grid="#343946",
        data="#7aa7ff",
        accent="#ffa94d",
        highlight="#ff5c5c",
        good="#4cd98b",
        bad="#ff6b5e",
        sequential="magma",
        series=("#7aa7ff", "#ffa94d", "#4cd98b", "#c792ea", "#ff5c5c", "#4fd1e0"),
    ),
}


def current_theme() -> str:
    """Return the scheme the engine asked for (``FIGBLOG_THEME``), ``light`` by default."""
    theme = os.environ.get(_ENV, "light")
    if theme not in THEMES:
        raise ValueError(f"{_ENV}={theme!r} is not a theme; use one of {', '.join(THEMES)}")
    return theme


def palette(theme: str | None = None) -> Palette:
    """Return the palette of ``theme``, or of the current theme."""
    theme = theme or current_theme()
    if theme not in _PALETTES:
        raise ValueError(f"unknown theme {theme!r}; use one of {', '.join(THEMES)}")
    return _PALETTES[theme]


def apply_theme(theme: str | None = None) -> Palette:
    """Set matplotlib's rcParams for ``theme`` (background, text, grid, colour cycle)."""
    import matplotlib as mpl
    from cycler import cycler

    p = palette(theme)
    mpl.rcParams.update(
        {
            "figure.facecolor": p.background,
            "axes.facecolor": p.background,
            "savefig.facecolor": p.background,
            "axes.edgecolor": p.muted,
            "axes.labelcolor": p.foreground,
            "axes.titlecolor": p.foreground,
            "text.color": p.foreground,
            "xtick.color": p.foreground,
            "ytick.color": p.foreground,
            "xtick.labelcolor": p.foreground,
            "ytick.labelcolor": p.foreground,
            "grid.color": p.grid,
            "axes.grid": True,
            "axes.axisbelow": True,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.prop_cycle": cycler(color=list(p.series)),
            "image.cmap": p.sequential,
            "legend.facecolor": p.background,
            "legend.edgecolor": p.grid,
            "legend.labelcolor": p.foreground,
            "legend.framealpha": 0.9,
            "font.size": 11,
            "axes.titlesize": 12,
            "figure.dpi": 100,
            "savefig.dpi": 100,
            "path.simplify": True,
            # No wall-clock dates or versions in the files: same inputs, same bytes.
            "svg.hashsalt": "figblog",
        }
    )
    return p


def picture_axes(ax: Axes, frame: str | None = None) -> None:
    """Make ``ax`` a bare frame for a picture: no ticks, no grid, a ``frame``-coloured border."""
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    if frame is not None:
        for spine in ax.spines.values():
            spine.set_visible(True)
            spine.set_color(frame)


def save_png(fig: Figure, path: str | Path, dpi: int = 100) -> Path:
    """Save ``fig`` as a PNG with no metadata that changes between runs."""
    path = Path(path)
    fig.savefig(path, dpi=dpi, metadata={"Software": None}, facecolor=fig.get_facecolor())
    return path


NARROW_DPI = 150
"""Pixels per inch of a narrow layout: drawn about 4.8 in wide, it is 720 px, two image
pixels per CSS pixel in a phone's 360 px column."""


DENSE_SCALE = 2
"""How many more pixels per inch ``x.2x.png`` has than ``x.png``: one image pixel per device
pixel on a screen with two device pixels per CSS pixel."""


def save_layouts(draw: Callable[..., Figure], path: str | Path) -> tuple[Path, Path]:
    """Save a figure, the same with twice the pixels, and its layout for narrow screens.

    ``draw(narrow=False)`` goes to the PNG ``path`` at 100 dpi and to ``x.2x.png`` at
    :data:`DENSE_SCALE` times that (served to dense screens and in the lightbox),
    ``draw(narrow=True)`` beside them as ``x.narrow.png`` at :data:`NARROW_DPI` (already
    two image pixels per CSS pixel on a phone). Each figure is closed once saved.
    """
    import matplotlib.pyplot as plt  # here, as in apply_theme: importing this module is light

    path = Path(path)
    narrow_path = path.with_name(narrow_name(path.name))
    for narrow, target, dpi in ((False, path, 100), (True, narrow_path, NARROW_DPI)):
        fig = draw(narrow=narrow)
        save_png(fig, target, dpi=dpi)
        if not narrow:
            save_png(fig, path.with_name(dense_name(path.name)), dpi=dpi * DENSE_SCALE)
        plt.close(fig)
    return path, narrow_path
