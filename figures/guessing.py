"""Ten random guesses at a line through the running data, one per frame, each with its loss.

A guess is a slope (km per minute) and an intercept (km); its loss is the mean squared
error over all forty runs, in km squared. Earlier guesses stay behind as faint lines.
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

fig, ax = plt.subplots(figsize=(6, 3.8), dpi=80)
ax.scatter(minutes, km, s=20, color=p.data, edgecolor=p.background, linewidth=0.5, zorder=3)
ax.set_xlim(0, 105)
ax.set_ylim(-4, 32)
ax.set_xlabel("time running (min)")
ax.set_ylabel("distance (km)")
t = np.array([0.0, 105.0])
ghosts = [ax.plot(t, t, color=p.muted, lw=1, alpha=0.35, zorder=1)[0] for _ in guesses]
(line,) = ax.plot(t, t, color=p.accent, lw=2.5, zorder=2)
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
    label.set_text(
        f"guess {k + 1} of {len(guesses)}\n"
        f"f(x) = {slope:.3f}x {sign} {abs(intercept):.2f}\n"
        f"MSE = {frame_mse(mse(np.array([slope, intercept]), minutes, km))} km²"
    )
    frames.append(fig_to_image(fig))

save_gif(frames, "guessing.gif", duration_ms=1400)

publish(guesses=len(guesses))
