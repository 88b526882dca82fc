"""The smallest text each picture a run saves draws, in the picture's own pixels.

Used inside a run's process (:mod:`figblog.engine._child`) once the script has imported
matplotlib. :func:`watch` wraps ``Figure.savefig`` and, while a save draws, Agg's
``draw_text``: every string drawn is measured as its font size in points times the
renderer's dpi / 72, which is its size in the saved picture whatever ``bbox_inches``
crops. Only a save to a file name is recorded, under that name relative to the run's
folder; a save into a buffer (an animation's frames) is not. Nothing drawn or saved
changes. The engine turns these sizes into how large the text comes out on a phone.
"""

from __future__ import annotations

import functools
import os
from typing import Any

__all__ = ["SMALLEST", "watch"]

SMALLEST: dict[str, tuple[float, str]] = {}  # saved file -> (pixels, the text drawn that small)
_SAVING: list[list[tuple[float, str]]] = []  # what each save in progress has drawn so far


def _name(fname: object) -> str | None:
    """``fname`` relative to the run's folder, or None for a buffer or a file outside it."""
    if not isinstance(fname, (str, os.PathLike)):
        return None
    rel = os.path.relpath(os.path.abspath(os.fsdecode(os.fspath(fname))))
    if rel.startswith(os.pardir):
        return None
    return rel.replace(os.sep, "/")


def watch() -> None:
    """Start measuring the text of every figure saved from now on (idempotent)."""
    from matplotlib.figure import Figure

    if getattr(Figure.savefig, "_figblog_watched", False):
        return
    save = Figure.savefig

    @functools.wraps(save)
    def savefig(self: Figure, fname: Any, *args: Any, **kwargs: Any) -> Any:
        _agg()
        _SAVING.append([])
        try:
            result = save(self, fname, *args, **kwargs)
        finally:
            drawn = _SAVING.pop()
        name = _name(fname)
        if name is not None and drawn:
            pixels, text = min(drawn)
            SMALLEST[name] = (round(pixels, 2), text[:40])
        return result

    savefig._figblog_watched = True  # type: ignore[attr-defined]
    Figure.savefig = savefig  # type: ignore[method-assign]


@functools.cache
def _agg() -> None:
    """Wrap Agg's draw_text (once, at the first save: drawing loads the backend anyway)."""
    from matplotlib.backends.backend_agg import RendererAgg

    draw = RendererAgg.draw_text

    @functools.wraps(draw)
    def draw_text(
        self: RendererAgg, gc: Any, x: Any, y: Any, s: Any, prop: Any, *rest: Any, **kw: Any
    ) -> Any:
        if _SAVING and isinstance(s, str) and s.strip():
            _SAVING[-1].append((prop.get_size_in_points() * self.dpi / 72, s.strip()))
        return draw(self, gc, x, y, s, prop, *rest, **kw)

    RendererAgg.draw_text = draw_text  # type: ignore[method-assign]
