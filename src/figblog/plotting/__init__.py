"""Light and dark themes for figure scripts, and deterministic PNG and GIF writing.

The figure engine sets ``FIGBLOG_THEME`` to ``light`` or ``dark`` and calls
:func:`apply_theme` in the child as soon as the script imports matplotlib, so a
plain matplotlib script follows the site's colour scheme. Scripts that pick colours themselves
read them from :func:`palette`.
"""

from __future__ import annotations

from figblog.plotting.animation import fig_to_image, save_gif
from figblog.plotting.themes import (
    THEMES,
    Palette,
    apply_theme,
    current_theme,
    palette,
    picture_axes,
    save_layouts,
    save_png,
)

__all__ = [
    "THEMES",
    "Palette",
    "apply_theme",
    "current_theme",
    "fig_to_image",
    "palette",
    "picture_axes",
    "save_gif",
    "save_layouts",
    "save_png",
]
