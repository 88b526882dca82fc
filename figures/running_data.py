"""Forty made-up runs: how long each took (minutes) against how far it went (km).

Writes ``running-data.png`` and its layout for phones, ``running-data.narrow.png``.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from figblog.data.running import running_data
from figblog.plotting import apply_theme, save_layouts
from figblog.values import publish

p = apply_theme()
minutes, km = running_data(n=40, seed=2030)


def draw(narrow: bool) -> plt.Figure:
    """The runs.

    For the page column; or, for a phone, narrower, to be saved at 150 dpi (about 2 pixels per
    CSS pixel on a 360 px screen).
    """
    # The page's first figure loads in both schemes at once, and a browser sizes the hidden one
    # from the wide layout's width and height: the narrow one keeps the same proportions.
    fig, ax = plt.subplots(figsize=(4.8, 4.8 * 4.2 / 7) if narrow else (7, 4.2))
    ax.scatter(minutes, km, s=28, color=p.data, edgecolor=p.background, linewidth=0.6, zorder=3)
    ax.set_xlim(0, 105)
    ax.set_ylim(0, 20)
    ax.set_yticks(range(0, 21, 5))
    ax.set_xlabel("time running (min)")
    ax.set_ylabel("distance (km)")
    ax.set_title("Forty runs from a made-up training log")
    fig.tight_layout()
    return fig


save_layouts(draw, "running-data.png")

publish(runs=minutes.size)  # the post says how many runs in words and in figures
