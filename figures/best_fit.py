"""The line gradient descent ends on, over the forty runs, with the closed-form answer dashed.

The descent is the one animated in ``descent.gif`` (same start and settings). Its slope, in
km per minute, is the runner's speed; ``best-fit-numbers.md`` turns it into a pace in min/km
and a speed in km/h and says how far the descent is from the exact least-squares line.
``best-fit.png`` is drawn for the page column, ``best-fit.narrow.png`` for phones.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from figblog.data.running import PACE_MIN_PER_KM, DescentSettings, guessed_lines, running_data
from figblog.learn.regression import gradient_descent, least_squares, mse
from figblog.plotting import apply_theme, save_layouts


def _power_of_ten(value: float) -> str:
    r"""Write a small positive number as LaTeX, e.g. ``$1.1 \times 10^{-7}$``."""
    mantissa, exponent = f"{value:.1e}".split("e")
    return f"${mantissa} \\times 10^{{{int(exponent)}}}$"


def _minus(value: float, digits: int) -> str:
    """Format ``value`` for prose, with a typographic minus sign."""
    return f"{value:.{digits}f}".replace("-", "−")


p = apply_theme()
minutes, km = running_data(n=40, seed=2030)
guesses = guessed_lines(n=10, seed=7)
worst = int(np.argmax([mse(g, minutes, km) for g in guesses]))
settings = DescentSettings()
path = gradient_descent(
    minutes, km, guesses[worst], settings.learning_rate, settings.steps, x_scale=settings.x_scale
)
slope, intercept = path.final
exact = least_squares(minutes, km)
sign = "−" if intercept < 0 else "+"


def draw(narrow: bool) -> plt.Figure:
    """The runs, the descent's line and the exact one.

    For the page column; or, for a phone, narrower, to be saved at 150 dpi (about 2 pixels per
    CSS pixel on a 360 px screen).
    """
    fig, ax = plt.subplots(figsize=(4.8, 4.2) if narrow else (7, 4.2))
    sep = ",\n" if narrow else ", "  # on a phone the title takes two lines
    t = np.array([0.0, 105.0])
    ax.scatter(
        minutes,
        km,
        s=26,
        color=p.data,
        edgecolor=p.background,
        linewidth=0.6,
        zorder=3,
        label="runs",
    )
    ax.plot(
        t,
        slope * t + intercept,
        color=p.good,
        lw=3.2,
        zorder=2,
        label=f"gradient descent: f(x) = {slope:.4f}x {sign} {abs(intercept):.3f}",
    )
    ax.plot(
        t,
        exact[0] * t + exact[1],
        color=p.foreground,
        lw=1.2,
        ls=(0, (5, 4)),
        zorder=4,
        label="least squares (closed form)",
    )
    ax.set_xlim(0, 105)
    ax.set_ylim(0, 20)
    ax.set_yticks(range(0, 21, 5))
    ax.set_xlabel("time running (min)")
    ax.set_ylabel("distance (km)")
    ax.set_title(f"Line of best fit: {slope:.4f} km/min{sep}a pace of {1 / slope:.2f} min/km")
    ax.legend(loc="upper left", fontsize=9.5)
    fig.tight_layout()
    return fig


save_layouts(draw, "best-fit.png")

pace = 1.0 / slope  # min/km
whole, seconds = divmod(round(pace * 60), 60)
gap = np.abs(path.final - exact)
with open("best-fit-numbers.md", "w", encoding="utf-8") as out:
    out.write(
        f"The slope the descent settles on is {slope:.4f} km per minute. Turned upside down, "
        f"that is a pace of {pace:.2f} min/km ({whole} min {seconds:02d} s per kilometre), "
        f"or {slope * 60:.2f} km/h. The runs were invented around a pace of "
        f"{PACE_MIN_PER_KM:g} min/km, and the descent, which only ever saw the noisy points, "
        f"lands {abs(pace - PACE_MIN_PER_KM) * 60:.0f} s per kilometre away from it. "
        f"The intercept, {_minus(intercept, 3)} km, is what the line "
        f"predicts for a run of no time at all: {abs(intercept) * 1000:.0f} m "
        f"{'short of' if intercept < 0 else 'past'} zero, which is as close to nothing as this "
        "scatter can tell. The closed-form least-squares line differs from the descent's by "
        f"{_power_of_ten(gap[0])} km/min in the slope and {_power_of_ten(gap[1])} km in the "
        "intercept.\n"
    )
