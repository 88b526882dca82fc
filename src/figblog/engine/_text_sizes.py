"""The smallest text each picture a run saves draws, in the picture's own pixels.

Used inside a run's process (:mod:`figblog.engine._child`) once the script has imported
matplotlib. :func:`watch` wraps ``Figure.draw`` and ``Figure.savefig`` when the script
imports ``matplotlib.figure``, ``Animation.save`` when it imports ``matplotlib.animation``,
and (at the first draw that loaded their backend) the ``draw_text`` of Agg's and SVG's
renderers, and of the renderer that draws text with path effects. Every string drawn is
measured as its font size in points times pixels per point, its size in the picture
whatever ``bbox_inches`` crops:

* a raster picture (Agg): the renderer's dpi / 72, in the picture's pixels;
* a vector picture (SVG, whose width is written in points): 96 / 72, the CSS pixels a
  browser shows it in at its own size, as :mod:`figblog.engine.facts` reads its width;
  text that a vector picture holds rasterised counts the same way.

What is recorded, under the file's name relative to the run's folder:

* a save to a file name: what that save drew;
* ``Animation.save`` to a file name: what the saves of its frames drew (not the canvas
  draws between them, made at the figure's dpi rather than the writer's);
* anything else drawn (``fig.canvas.draw()``, a save into a buffer) is held until
  :func:`claim` names the file it went into, as :func:`figblog.plotting.save_gif` does,
  or a named save comes first: what was drawn before it was most likely for it, and a
  false warning is worse than a missed one.

Nothing drawn or saved changes. The engine turns these sizes into how large the text
comes out on a phone (see ``Renderer._small_text``).
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

from figblog.engine._on_import import after_import

__all__ = ["SMALLEST", "claim", "watch"]

_CSS_PX_PER_POINT = 96 / 72  # CSS: 1in = 96px = 72pt
Size = tuple[float, str]  # (pixels, the text drawn that small)
SMALLEST: dict[str, Size] = {}  # saved file -> the smallest text in it
FOLDER = ""  # the run's folder, where its outputs go (set when the run starts)
_SAVING: list[list[Size]] = []  # each save in progress: the smallest text so far, if any
_FRAMES: list[list[Size]] = []  # each Animation.save to a file in progress: the same
_LOOSE: list[Size] = []  # the smallest text drawn and not yet saved to a named file
_VECTOR: list[bool] = []  # a figure is being drawn into a vector picture
_WATCHING: list[bool] = []  # watch() was called


def _keep(found: list[Size], size: Size) -> None:
    if not found:
        found.append(size)
    elif size < found[0]:
        found[0] = size


def _name(fname: object) -> str | None:
    """``fname`` relative to the run's folder, or None for a buffer or a file outside it.

    A script may have changed folder since it started: a relative name is taken from
    where it is now, as ``savefig`` takes it, and then made relative to the run's folder.
    """
    if not isinstance(fname, (str, os.PathLike)):
        return None
    rel = os.path.relpath(os.path.abspath(os.fsdecode(os.fspath(fname))), FOLDER or None)
    if rel.startswith(os.pardir):
        return None
    return rel.replace(os.sep, "/")


def claim(fname: object) -> None:
    """Record what was drawn since the last named save as the smallest text of ``fname``."""
    _record(_name(fname), _LOOSE)


def _record(name: str | None, found: list[Size]) -> None:
    """Keep the smallest text ``found`` as ``name``'s; forget what was drawn and not saved."""
    if name is not None and found:
        SMALLEST[name] = (round(found[0][0], 2), found[0][1][:40])
    _LOOSE.clear()


def watch() -> None:
    """Measure the text of every figure drawn from now on (idempotent).

    Nothing is imported here: the wrapping waits for the script's own imports.
    """
    if not _WATCHING:
        _WATCHING.append(True)
        after_import("matplotlib.figure", _watch_figures)
        after_import("matplotlib.animation", _watch_animations)


def _watch_figures(module: ModuleType) -> None:
    figure = module.Figure
    if getattr(figure.savefig, "_figblog_watched", False):
        return
    save, draw = figure.savefig, figure.draw

    @functools.wraps(save)
    def savefig(self: Any, fname: Any, *args: Any, **kwargs: Any) -> Any:
        _SAVING.append([])
        try:
            result = save(self, fname, *args, **kwargs)
        finally:
            drawn = _SAVING.pop()
        name = _name(fname)
        if _FRAMES:  # a frame of the animation being saved
            for size in drawn:
                _keep(_FRAMES[-1], size)
        if name is not None:  # what was drawn before a named save was most likely for it
            _record(name, drawn)
        elif not _FRAMES:  # into a buffer: perhaps a frame of a file written later
            for size in drawn:
                _keep(_LOOSE, size)
        return result

    @functools.wraps(draw)
    def draw_figure(self: Any, renderer: Any, *args: Any, **kwargs: Any) -> Any:
        _wrap_renderers()
        mixed = sys.modules.get("matplotlib.backends.backend_mixed")
        _VECTOR.append(mixed is not None and isinstance(renderer, mixed.MixedModeRenderer))
        try:
            return draw(self, renderer, *args, **kwargs)
        finally:
            _VECTOR.pop()

    savefig._figblog_watched = True  # type: ignore[attr-defined]
    figure.savefig = savefig
    figure.draw = draw_figure


def _watch_animations(module: ModuleType) -> None:
    animation = module.Animation
    if getattr(animation.save, "_figblog_watched", False):
        return
    save = animation.save

    @functools.wraps(save)
    def save_animation(self: Any, filename: Any, *args: Any, **kwargs: Any) -> Any:
        name = _name(filename)
        if name is None:  # outside the run's folder (to_jshtml's own file): as if not wrapped
            return save(self, filename, *args, **kwargs)
        _FRAMES.append([])
        try:
            result = save(self, filename, *args, **kwargs)
        finally:
            frames = _FRAMES.pop()
        # The canvas draws between frames, at the figure's dpi and not the writer's, went
        # loose: forgotten here.
        _record(name, frames)
        return result

    save_animation._figblog_watched = True  # type: ignore[attr-defined]
    animation.save = save_animation


# Backend module -> its renderer class, and pixels per point of the pictures it draws.
_RENDERERS: dict[str, tuple[str, Callable[[Any], float]]] = {
    "matplotlib.backends.backend_agg": ("RendererAgg", lambda renderer: renderer.dpi / 72),
    "matplotlib.backends.backend_svg": ("RendererSVG", lambda renderer: _CSS_PX_PER_POINT),
    # Text with a path effect (a halo round a contour label) is drawn as a path by the
    # renderer above, never through its draw_text: it is measured here instead.
    "matplotlib.patheffects": (
        "PathEffectRenderer",
        lambda renderer: renderer.points_to_pixels(1.0),
    ),
}
_WRAPPED: set[str] = set()


def _wrap_renderers() -> None:
    """Wrap the draw_text of each renderer whose backend is loaded (drawing has loaded it)."""
    if len(_WRAPPED) == len(_RENDERERS):
        return
    for backend, (name, per_point) in _RENDERERS.items():
        renderer = getattr(sys.modules.get(backend), name, None)
        if renderer is not None and backend not in _WRAPPED:
            _WRAPPED.add(backend)
            renderer.draw_text = _measuring(renderer.draw_text, per_point)


def _measuring(draw: Callable[..., Any], per_point: Callable[[Any], float]) -> Callable[..., Any]:
    @functools.wraps(draw)
    def draw_text(
        self: Any, gc: Any, x: Any, y: Any, s: Any, prop: Any, *rest: Any, **kw: Any
    ) -> Any:
        if isinstance(s, str) and s.strip():
            scale = _CSS_PX_PER_POINT if _VECTOR and _VECTOR[-1] else per_point(self)
            size = (prop.get_size_in_points() * scale, s.strip())
            _keep(_SAVING[-1] if _SAVING else _LOOSE, size)
        return draw(self, gc, x, y, s, prop, *rest, **kw)

    return draw_text
