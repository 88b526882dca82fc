"""Show a notebook's matplotlib figure with an alt text, for the notebook pages of the site.

Run inside the notebook's kernel. :func:`show_figure` displays a figure as the inline backend
would, and records an alt text in the output's metadata (``{"image/png": {"alt": ...}}``),
where the build (:mod:`figblog.notebook_alt`) finds it. The text is the author's, or else
:func:`describe_figure` writes one from what the figure says about itself: titles, axis
labels, scales and legend entries.
"""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure

__all__ = ["describe_figure", "show_figure"]

_NUMBERS = {2: "Two", 3: "Three", 4: "Four", 5: "Five", 6: "Six"}


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _describe_axes(ax: Axes) -> str:
    """One plot: its title, what is drawn against what, non-linear scales, legend entries."""
    title, x, y = ax.get_title().strip(), ax.get_xlabel().strip(), ax.get_ylabel().strip()
    if x and y:
        what = f"{y} against {x}"
    else:
        what = y or x
    scales = [
        f"{axis} axis on a {scale} scale"
        for axis, scale in (("horizontal", ax.get_xscale()), ("vertical", ax.get_yscale()))
        if scale != "linear"
    ]
    legend = ax.get_legend()
    entries = [t.get_text() for t in legend.get_texts() if t.get_text()] if legend else []
    text = ": ".join(p for p in (title, what) if p)
    if scales:
        text += f" ({_join(scales)})"
    if entries:
        text += f"{',' if text else ''} showing {_join(entries)}"
    return text.strip()


def _positions(axes: list[Axes]) -> list[str]:
    """Left/right or top/bottom for two plots in a row or a column; else plot 1, 2, ..."""
    if len(axes) == 2:
        (a, b) = (ax.get_position() for ax in axes)
        if abs(a.y0 - b.y0) < 1e-6:
            return ["Left", "Right"] if a.x0 < b.x0 else ["Right", "Left"]
        if abs(a.x0 - b.x0) < 1e-6:
            return ["Top", "Bottom"] if a.y0 > b.y0 else ["Bottom", "Top"]
    return [f"Plot {i}" for i in range(1, len(axes) + 1)]


def describe_figure(fig: Figure) -> str:
    """An alt text made of what ``fig`` labels: its title and each plot's labels and legend.

    Raises ValueError when the figure labels nothing (no title, no axis label, no legend),
    since there is then nothing true to say about it; give :func:`show_figure` an ``alt``.
    """
    axes = [ax for ax in fig.get_axes() if ax.get_visible() and ax.has_data()]
    parts = [_describe_axes(ax) for ax in axes]
    title = fig.get_suptitle().strip()
    if not any(parts) and not title:
        raise ValueError(
            "the figure has no title, axis label or legend to describe it: "
            "pass an alt text, show_figure(fig, alt='...')"
        )
    if len(axes) <= 1:
        body = parts[0] if parts else ""
        return ". ".join(p for p in (title, body[:1].upper() + body[1:]) if p) + "."
    count = _NUMBERS.get(len(axes), str(len(axes)))
    head = f"{title}. {count} plots" if title else f"{count} plots"
    places = _positions(axes)
    named = [f"{at}: {part or 'unlabelled'}." for at, part in zip(places, parts, strict=True)]
    return f"{head}. " + " ".join(named)


def show_figure(fig: Figure, alt: str | None = None) -> None:
    """Display ``fig`` in the notebook with ``alt`` (or its description) as its alt text.

    The figure is closed afterwards, so the inline backend does not show it a second time.
    """
    import matplotlib.pyplot as plt
    from IPython.display import display

    text = (alt or "").strip() or describe_figure(fig)
    if _has_png_formatter(fig):
        display(fig, metadata={"image/png": {"alt": text}})
    else:
        # No inline backend (the cell chose another, e.g. matplotlib.use("Agg")): the
        # figure would show as "<Figure size ...>" text. Draw it as the inline one does.
        import io

        png = io.BytesIO()
        fig.savefig(png, format="png", bbox_inches="tight")
        data = {"image/png": png.getvalue(), "text/plain": repr(fig)}
        display(data, raw=True, metadata={"image/png": {"alt": text}})
    plt.close(fig)


def _has_png_formatter(fig: Figure) -> bool:
    """Whether IPython would show ``fig`` as a picture (the inline backend's formatter)."""
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        return True  # not in a kernel: display() prints, whatever we do
    try:
        return shell.display_formatter.formatters["image/png"].lookup(fig) is not None
    except KeyError:
        return False
