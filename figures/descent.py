"""Gradient descent walking down the loss surface, beside the line it draws over the data.

Left: the loss surface from above (log colour scale, as in ``loss-surface.png``) with the path
so far and the current parameters as a red dot, with a colour bar and labelled contours in
km². Right: the forty runs and the current line.
The walk starts at the worst of the ten random guesses. Every frame up to step 8 is shown,
then ever sparser ones, so the big early steps and the slow creep along the valley floor
both fit in a short loop; the step number is printed on every frame.
``descent.narrow.gif`` is the same animation with the panels stacked, for phones.
``descent-numbers.md`` has the loss and parameters at the start and the end, and what the
learning rate means in hours and in minutes (curvature ratios and largest stable rates).
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib import patheffects
from matplotlib.colors import LogNorm

from figblog.data.running import DescentSettings, guessed_lines, running_data
from figblog.learn.regression import (
    gradient_descent,
    largest_stable_rate,
    mse,
    mse_curvature,
    mse_grid,
)
from figblog.plotting import apply_theme, fig_to_image, save_gif
from figblog.values import publish


def _power_of_ten(value: float) -> str:
    """Return ``value`` as LaTeX (mantissa times a power of ten), for numbers too big to read."""
    mantissa, exponent = f"{value:.1e}".split("e")
    return f"${mantissa} \\times 10^{{{int(exponent)}}}$"


p = apply_theme()
minutes, km = running_data(n=40, seed=2030)
guesses = guessed_lines(n=10, seed=7)
worst = int(np.argmax([mse(g, minutes, km) for g in guesses]))
settings = DescentSettings()
path = gradient_descent(
    minutes, km, guesses[worst], settings.learning_rate, settings.steps, x_scale=settings.x_scale
)

# Every step at first, then roughly geometric spacing up to the last step.
EVERY_STEP_TO = 8
shown = np.unique(
    np.concatenate(
        [
            np.arange(EVERY_STEP_TO + 1),
            np.geomspace(10, path.steps, 24).round().astype(int),
        ]
    )
)

slopes = np.linspace(0.13, 0.29, 129)  # closer in than loss-surface.png: the walk fills it
intercepts = np.linspace(-2.5, 2.5, 121)
loss = mse_grid(slopes, intercepts, minutes, km)


def animate(narrow: bool) -> list[np.ndarray]:
    """The frames, (H, W, 3) each: the two panels side by side, or stacked for a phone."""
    if narrow:  # a phone shows it about 360 px wide: stacked, at 1.5 pixels per CSS pixel
        fig, (ax_s, ax_d) = plt.subplots(2, 1, figsize=(4.6, 6.6), dpi=120)
    else:
        fig, (ax_s, ax_d) = plt.subplots(1, 2, figsize=(9.2, 3.7), dpi=80, width_ratios=(1.12, 1))
    surface = ax_s.pcolormesh(
        slopes,
        intercepts,
        loss,
        norm=LogNorm(vmin=0.3, vmax=200),
        cmap=p.sequential,
        shading="auto",
    )
    levels = [0.5, 2, 10, 50]  # km²
    contours = ax_s.contour(
        slopes, intercepts, loss, levels=levels, colors=p.muted, linewidths=0.6, alpha=0.8
    )
    # The key: labelled contours on the map and a colour bar beside it, both in km².
    label_halo = [patheffects.withStroke(linewidth=2.0, foreground=p.background)]
    for text in ax_s.clabel(contours, fmt="%g", fontsize=9, inline_spacing=2):
        text.set_path_effects(label_halo)
        text.set_color(p.foreground)
    bar = fig.colorbar(surface, ax=ax_s, pad=0.02, fraction=0.06)
    bar.set_label("MSE (km², log scale)", fontsize=10)
    bar.set_ticks(levels, labels=[f"{v:g}" for v in levels])
    bar.ax.minorticks_off()
    bar.ax.tick_params(labelsize=9)
    ax_s.grid(False)
    ax_s.set_xlabel("slope $w_0$ (km/min)")
    ax_s.set_ylabel("intercept $w_1$ (km)")
    # A thin halo in the page colour keeps the red path readable where the colour map is
    # itself red or orange (magma, in the dark scheme).
    halo = [patheffects.withStroke(linewidth=2.6, foreground=p.background)]
    (trail,) = ax_s.plot(
        [],
        [],
        color=p.highlight,
        lw=1.2,
        marker="o",
        ms=3,
        zorder=4,
        markevery=slice(0, 12),
        path_effects=halo,
    )  # dots on the first steps show their length
    (dot,) = ax_s.plot(
        [],
        [],
        "o",
        ms=9,
        color=p.highlight,
        mec=p.background,
        mew=1.5,
        zorder=5,
        path_effects=[patheffects.withStroke(linewidth=2.5, foreground=p.foreground)],
    )

    t = np.array([0.0, 105.0])
    runs = ax_d.scatter(
        minutes, km, s=16, color=p.data, edgecolor=p.background, linewidth=0.4, zorder=3
    )
    ax_d.plot(
        t, path.w[0, 0] * t + path.w[0, 1], color=p.muted, lw=1, ls=":", zorder=1, label="start"
    )
    (line,) = ax_d.plot([], [], color=p.accent, lw=2.2, zorder=2, label="current line")
    ax_d.set_xlim(0, 105)
    ax_d.set_ylim(-2, 30)
    ax_d.set_xlabel("time running (min)")
    ax_d.set_ylabel("distance (km)")
    ax_d.legend(loc="lower right", fontsize=10)
    status = ax_d.text(
        0.03,
        0.96,
        "",
        transform=ax_d.transAxes,
        va="top",
        ha="left",
        fontsize=10,
        family="monospace",
    )
    fig.tight_layout()

    # Blitting: draw the axes, surface and data once, then only the four moving artists per
    # frame (the runs too, so they stay on top of the line). Redrawing every tick label for
    # every frame took four times as long.
    moving = (trail, dot, line, runs, status)
    for artist in moving:
        artist.set_animated(True)
    fig_to_image(fig)  # a full draw, which leaves out the animated artists
    still = fig.canvas.copy_from_bbox(fig.bbox)

    frames = []
    for k in shown:
        w = path.w[k]
        trail.set_data(path.w[: k + 1, 0], path.w[: k + 1, 1])
        dot.set_data([w[0]], [w[1]])
        line.set_data(t, w[0] * t + w[1])
        status.set_text(f"step {k:>4}\nMSE  {path.loss[k]:7.3f} km²")
        fig.canvas.restore_region(still)
        for artist in moving:
            artist.axes.draw_artist(artist)
        frames.append(np.asarray(fig.canvas.buffer_rgba())[..., :3].copy())  # (H, W, 3)

    plt.close(fig)
    return frames


frames = animate(narrow=False)
durations = [1500] + [450] * 8 + [260] * (len(frames) - 10) + [2500]
save_gif(frames, "descent.gif", duration_ms=durations)
save_gif(animate(narrow=True), "descent.narrow.gif", duration_ms=durations)

w_start, w_end = path.w[0], path.final
near = int(np.argmax(path.loss <= 1.1 * path.loss[-1]))  # first step within 10% of the end
# The learning rate means something only with the units of time the descent sees.
low_h, high_h = mse_curvature(minutes, x_scale=settings.x_scale)
low_min, high_min = mse_curvature(minutes)
limit_min = largest_stable_rate(minutes)
limit_h = largest_stable_rate(minutes, x_scale=settings.x_scale)
# The same rate with minutes: each step multiplies the overshoot by hundreds.
wild = gradient_descent(minutes, km, guesses[worst], settings.learning_rate, 3)
assert settings.learning_rate > limit_min, "the warning about minutes would be wrong"
units = (
    f"That learning rate is for time in hours, the units the descent sees (largest stable rate "
    f"{limit_h:.2f}). In hours the loss surface is {high_h / low_h:.0f} times more curved across "
    f"the valley than along it; in minutes, {high_min / low_min:,.0f} times, and the largest "
    f"learning rate that does not blow up is {limit_min:.2g}. A rate of "
    f"{settings.learning_rate:g} with time in minutes overshoots further at every step: "
    f"after {wild.steps} steps the MSE is {_power_of_ten(wild.loss[-1])} km² instead of going "
    "down."
)
summary = (
    f"The walk starts from guess {worst + 1}, where the MSE is {path.loss[0]:.2f} km². "
    f"After {path.steps} steps with a learning rate of {settings.learning_rate:g} (time in "
    f"hours) it is "
    f"{path.loss[-1]:.3f} km². Most of that drop comes at once: after 10 steps the MSE is "
    f"already down to {path.loss[10]:.2f} km², and from step {near} on it stays within 10% "
    "of where it ends; the remaining steps shuffle along the valley floor."
)
table = [
    f"| quantity | start | after {path.steps} steps |",
    "|---|---:|---:|",
    f"| slope $w_0$ (km/min) | {w_start[0]:.3f} | {w_end[0]:.4f} |",
    f"| intercept $w_1$ (km) | {w_start[1]:.2f} | {w_end[1]:.3f} |".replace("-", "−"),
    f"| MSE (km²) | {path.loss[0]:.2f} | {path.loss[-1]:.3f} |",
]
with open("descent-numbers.md", "w", encoding="utf-8") as out:
    out.write(summary + "\n\n" + units + "\n\n" + "\n".join(table) + "\n")

publish(every_step_to=EVERY_STEP_TO)
