"""Ten random guesses at a line through the running data, one per frame, each with its loss.

A guess is a slope (km per minute) and an intercept (km); its loss is the mean squared
error over all forty runs, in km squared. Earlier guesses stay behind as faint lines.
``guessing.narrow.gif`` is the same animation for phones: narrower, with larger text, and
the guess written above the plot instead of in a box over it.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from figblog.data.running import frame_mse, guessed_lines, running_data
from figblog.learn.regression import mse
from figblog.plotting import apply_theme, fig_to_image, save_gif
from figblog.values import publish

p = apply_theme()
minutes, km = running_data(n=40, seed=2030)
guesses = guessed_lines(n=10, seed=7)  # (10, 2): [slope, intercept]


def animate(narrow: bool) -> list[np.ndarray]:
    """The frames, (H, W, 3) each; ``narrow``: the layout a phone shows about 360 px wide."""
    if narrow:  # 1.5 pixels per CSS pixel on a phone's 328 px column
        fig, ax = plt.subplots(figsize=(4.0, 3.9), dpi=120)
    else:
        fig, ax = plt.subplots(figsize=(6, 3.8), dpi=80)
    ax.scatter(minutes, km, s=20, color=p.data, edgecolor=p.background, linewidth=0.5, zorder=3)
    ax.set_xlim(0, 105)
    ax.set_ylim(-4, 32)
    ax.set_xlabel("time running (min)")
    ax.set_ylabel("distance (km)")
    t = np.array([0.0, 105.0])
    ghosts = [ax.plot(t, t, color=p.muted, lw=1, alpha=0.35, zorder=1)[0] for _ in guesses]
    (line,) = ax.plot(t, t, color=p.accent, lw=2.5, zorder=2)
    if narrow:  # over the plot, a box would hide a third of it: above it instead
        label = fig.text(0.03, 0.98, "", va="top", ha="left", fontsize=11, linespacing=1.3)
        fig.tight_layout(rect=(0, 0, 1, 0.86))
    else:
        label = ax.text(
            0.03,
            0.96,
            "",
            transform=ax.transAxes,
            va="top",
            ha="left",
            fontsize=11,
            bbox={"boxstyle": "round,pad=0.4", "facecolor": p.background, "edgecolor": p.grid},
        )
        fig.tight_layout()

    frames = []
    for k, (slope, intercept) in enumerate(guesses):
        for ghost, previous in zip(ghosts[:k], guesses[:k], strict=True):
            ghost.set_ydata(previous[0] * t + previous[1])
        for ghost in ghosts[k:]:
            ghost.set_visible(False)
        for ghost in ghosts[:k]:
            ghost.set_visible(True)
        line.set_ydata(slope * t + intercept)
        sign = "−" if intercept < 0 else "+"
        loss = f"MSE = {frame_mse(mse(np.array([slope, intercept]), minutes, km))} km²"
        guess = f"guess {k + 1} of {len(guesses)}"
        equation = f"f(x) = {slope:.3f}x {sign} {abs(intercept):.2f}"
        # Two lines above a phone's plot; three in the desktop's box.
        lines = [f"{guess}:  {loss}", equation] if narrow else [guess, equation, loss]
        label.set_text("\n".join(lines))
        frames.append(fig_to_image(fig))
    plt.close(fig)
    return frames


save_gif(animate(narrow=False), "guessing.gif", duration_ms=1400)
save_gif(animate(narrow=True), "guessing.narrow.gif", duration_ms=1400)

publish(guesses=len(guesses))
