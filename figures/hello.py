"""A small demonstration figure: a thousand seeded dice rolls and how their mean settles.

Writes ``rolls.png`` (the running mean of the rolls against the number rolled), its layout
for phones ``rolls.narrow.png``, and ``rolls.md`` (a sentence with the final mean), to show
both kinds of output.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from figblog.plotting import apply_theme, save_layouts
from figblog.values import Value, publish

p = apply_theme()
rng = np.random.default_rng(7)
rolls = rng.integers(1, 7, size=1000)
running = np.cumsum(rolls) / np.arange(1, rolls.size + 1)
EXPECTED = np.mean(np.arange(1, 7))  # a fair die's mean


def draw(narrow: bool) -> plt.Figure:
    """The running mean and the expected value.

    For the page column; or, for a phone, narrower, to be saved at 150 dpi (about 2 pixels per
    CSS pixel on a 360 px screen).
    """
    # The page's first figure loads in both schemes at once, and a browser sizes the hidden one
    # from the wide layout's width and height: the narrow one keeps the same proportions.
    figsize = (5.0, 5.0 * 3.2 / 7) if narrow else (7, 3.2)
    fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    ax.plot(np.arange(1, rolls.size + 1), running, color=p.data, lw=1.8, label="running mean")
    ax.axhline(EXPECTED, color=p.accent, ls="--", lw=1.2, label=f"expected value {EXPECTED:g}")
    ax.set_xscale("log")
    ax.set_ylim(0.8, 6.2)  # a die's mean lies in 1..6: a line at either end stays whole
    ax.set_yticks(range(1, 7))
    ax.set_xlabel("number of rolls")
    ax.set_ylabel("mean of the rolls so far")
    ax.legend(loc="upper right")
    return fig


save_layouts(draw, "rolls.png")

with open("rolls.md", "w") as fh:
    fh.write(
        f"After {rolls.size:,} rolls the mean is **{running[-1]:.3f}**, "
        f"{abs(running[-1] - EXPECTED):.3f} away from {EXPECTED:g}.\n"
    )

# For the alt text and caption: where the line starts, and where it settles.
publish(rolls=rolls.size, expected=Value(EXPECTED, fmt="g"), first=Value(running[0], fmt="g"))
