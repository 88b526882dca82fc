"""How one guess is scored at one run: the gap between the line and the measured point.

The guess is the best of the ten random guesses (the first frame of ``guessing.gif``); the
run is the one that guess misses by the most, so the gap is easy to see. The first panel
shows all runs with a box round that one, the second zooms in on the box, with the
prediction, the measurement and the squared error written beside the gap. ``misfit.png``
has the panels side by side; ``misfit.narrow.png``, for phones, has them stacked.
``misfit-numbers.md`` holds the same numbers for the prose.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle
from matplotlib.ticker import MultipleLocator

from figblog.data.running import frame_mse, guessed_lines, running_data
from figblog.learn.regression import mse, predict
from figblog.plotting import apply_theme, save_layouts


def _signed(value: float) -> str:
    """Return ``+ 1.23`` or ``− 1.23``, for writing an intercept after a slope term."""
    return f"{'−' if value < 0 else '+'} {abs(value):.2f}"


p = apply_theme()
minutes, km = running_data(n=40, seed=2030)
guesses = guessed_lines(n=10, seed=7)
losses = [mse(g, minutes, km) for g in guesses]
best = int(np.argmin(losses))
w = guesses[best]  # [slope km/min, intercept km]
i = int(np.argmax(np.abs(predict(w, minutes) - km)))  # the run this guess misses most
x_i, y_i = minutes[i], km[i]
y_hat = float(predict(w, x_i))
error = (y_hat - y_i) ** 2
# The prose shows this sum with rounded numbers; make sure a reader who redoes it agrees.
_shown = round(w[0] * round(x_i, 1) + w[1], 3)
assert f"{_shown:.3f}" == f"{y_hat:.3f}", "the printed prediction does not follow from the line"
assert f"{(_shown - y_i) ** 2:.2f}" == f"{error:.2f}", "the printed squared error does not follow"

t = np.array([0.0, 105.0])
zoom_x = (x_i - 7, x_i + 13)  # room on the right for the labels
zoom_y = (min(y_i, y_hat) - 1.6, max(y_i, y_hat) + 1.6)


def draw(narrow: bool) -> plt.Figure:
    """All runs with the box round the gap, and the close-up of the box.

    Side by side; or, for a phone, stacked, to be saved at 150 dpi (about 2 pixels per CSS
    pixel on a 360 px screen).
    """
    if narrow:
        fig, (ax_all, ax_zoom) = plt.subplots(2, 1, figsize=(4.8, 7.2))
    else:
        fig, (ax_all, ax_zoom) = plt.subplots(1, 2, figsize=(7.6, 3.9), width_ratios=(1, 1.15))

    for ax in (ax_all, ax_zoom):
        ax.scatter(
            minutes,
            km,
            s=22,
            color=p.data,
            edgecolor=p.background,
            linewidth=0.5,
            alpha=0.55,
            zorder=3,
        )
        ax.plot(t, predict(w, t), color=p.accent, lw=2.2, zorder=2)
        ax.scatter(
            [x_i], [y_i], s=60, color=p.data, edgecolor=p.foreground, linewidth=1.0, zorder=5
        )
        ax.set_xlabel("time running (min)")
    ax_all.set_ylabel("distance (km)")
    ax_all.set_xlim(0, 105)
    ax_all.set_ylim(0, 22)
    ax_all.add_patch(
        Rectangle(
            (zoom_x[0], zoom_y[0]),
            zoom_x[1] - zoom_x[0],
            zoom_y[1] - zoom_y[0],
            fill=False,
            edgecolor=p.foreground,
            lw=1,
            zorder=6,
        )
    )
    ax_all.set_title(f"guess: f(x) = {w[0]:.3f}x {_signed(w[1])}", fontsize=11)

    ax_zoom.set_xlim(*zoom_x)
    ax_zoom.set_ylim(*zoom_y)
    ax_zoom.set_title(f"one run, {x_i:.1f} min", fontsize=11)
    if narrow:  # stacked, the close-up has its own y axis; whole minutes, as in the wide one
        ax_zoom.set_ylabel("distance (km)")
        ax_zoom.xaxis.set_major_locator(MultipleLocator(5))
    ax_zoom.plot([x_i, x_i], [y_i, y_hat], color=p.bad, lw=2.5, zorder=4)
    ax_zoom.scatter(
        [x_i], [y_hat], s=60, color=p.accent, edgecolor=p.foreground, linewidth=1.0, zorder=5
    )
    box = {
        "boxstyle": "round,pad=0.25",
        "facecolor": p.background,
        "edgecolor": "none",
        "alpha": 0.85,
    }
    beside = {"xytext": (9, 0), "textcoords": "offset points", "ha": "left", "va": "center"}
    for text, y, colour in [
        (f"prediction f({x_i:.1f}) = {y_hat:.3f} km", y_hat, None),
        (f"measured {y_i:.2f} km", y_i, None),
        (f"squared error\n({y_hat:.3f} − {y_i:.2f})²\n= {error:.2f} km²", (y_i + y_hat) / 2, p.bad),
    ]:
        ax_zoom.annotate(text, (x_i, y), fontsize=10, color=colour, bbox=box, **beside)
    fig.tight_layout()
    return fig


save_layouts(draw, "misfit.png")

verb = "overshoots" if y_hat > y_i else "falls short"
with open("misfit-numbers.md", "w", encoding="utf-8") as out:
    out.write(
        f"The best guess is number {best + 1}, and the run it misses most lasted {x_i:.1f} "
        "minutes. The guess "
        f"$f(x) = {w[0]:.3f}x {_signed(w[1]).replace('−', '-')}$ predicts "
        f"$f({x_i:.1f}) = {y_hat:.3f}$ km, but the watch measured {y_i:.2f} km: the guess "
        f"{verb} by {abs(y_hat - y_i):.3f} km. Squared, that gap is the loss for this one run:\n\n"
        "$$\n"
        f"(\\hat y_i - y_i)^2 = ({y_hat:.3f} - {y_i:.2f})^2 = {error:.2f}\\ \\text{{km}}^2\n"
        "$$\n"
    )
with open("misfit-mse.md", "w", encoding="utf-8") as out:
    out.write(
        f"Averaged over all {len(km)} runs, guess {best + 1} scores an MSE of "
        f"{losses[best]:.2f} km²; frame {best + 1} of the guessing animation prints it to one "
        f"decimal, {frame_mse(losses[best])} km²."
    )
