"""The loss of every possible line, as a landscape over (slope, intercept).

Each point of the plane is a line ``f(x) = w0 x + w1``; its colour is that line's mean
squared error on the forty runs, on a logarithmic scale so the long, narrow valley around
the minimum stays visible. The red dot is the best of the ten random guesses (the line of
``misfit.png``), the star the exact minimum from least squares. ``loss-surface.png`` shows
the landscape from above, ``loss-surface-3d.png`` in perspective with the same colours; each
has a layout for phones, ``loss-surface.narrow.png`` (the legend under the map) and
``loss-surface-3d.narrow.png``.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LogNorm

from figblog.data.running import guessed_lines, running_data
from figblog.learn.regression import least_squares, mse, mse_grid
from figblog.plotting import apply_theme, save_layouts
from figblog.values import publish

p = apply_theme()
minutes, km = running_data(n=40, seed=2030)
guesses = guessed_lines(n=10, seed=7)
guess = guesses[np.argmin([mse(g, minutes, km) for g in guesses])]
best = least_squares(minutes, km)

slopes = np.linspace(0.06, 0.32, 261)  # km/min
intercepts = np.linspace(-3.5, 3.5, 241)  # km
loss = mse_grid(slopes, intercepts, minutes, km)  # (241, 261)
norm = LogNorm(vmin=0.3, vmax=200)
levels = [0.5, 1, 2, 5, 10, 20, 50]


def _ink_on(level: float) -> str:
    """Return whichever of the theme's text and page colours stands out on ``level``'s colour."""
    r, g, b, _ = plt.get_cmap(p.sequential)(norm(level))
    dark_fill = 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.5
    light_ink, dark_ink = (
        (p.background, p.foreground) if p.name == "light" else (p.foreground, p.background)
    )
    return light_ink if dark_fill else dark_ink


def _pair(w: np.ndarray) -> str:
    """Return ``(0.218, −1.18)``: a point of the plane as the legend writes it."""
    return f"({w[0]:.3f}, {w[1]:.2f})".replace("-", "−")


def _mark_points(ax: plt.Axes) -> None:
    ax.scatter(
        *guess,
        s=70,
        color=p.highlight,
        edgecolor=p.background,
        linewidth=1.2,
        zorder=5,
        label=f"guess {_pair(guess)}",
    )
    ax.scatter(
        *best,
        s=150,
        marker="*",
        color=p.background,
        edgecolor=p.foreground,
        linewidth=1.0,
        zorder=5,
        label=f"minimum {_pair(best)}",
    )


# From above: a heat map with a few labelled contour lines.
def draw_map(narrow: bool) -> plt.Figure:
    """The landscape from above.

    For the page column; or, for a phone, narrower, to be saved at 150 dpi (2 pixels per CSS
    pixel), with larger contour labels, the title on two lines and the legend under the map.
    """
    if narrow:
        fig, ax = plt.subplots(figsize=(4.8, 5.0), layout="constrained")
    else:
        fig, ax = plt.subplots(figsize=(7, 4.6))
    mesh = ax.pcolormesh(
        slopes, intercepts, loss, norm=norm, cmap=p.sequential, shading="auto", rasterized=True
    )
    inks = [_ink_on(level) for level in levels]
    contours = ax.contour(
        slopes, intercepts, loss, levels=levels, colors=inks, linewidths=0.7, alpha=0.75
    )
    ax.clabel(contours, levels[1:], fmt="%g", fontsize=9 if narrow else 8, colors=inks[1:])
    _mark_points(ax)
    ax.grid(False)
    ax.set_xlabel("slope $w_0$ (km/min)")
    ax.set_ylabel("intercept $w_1$ (km)")
    sep = ":\n" if narrow else ": "  # on a phone the title takes two lines
    ax.set_title(f"Loss of every line{sep}MSE over (slope, intercept)")
    if not narrow:
        ax.legend(loc="upper right", fontsize=9)
    bar = fig.colorbar(mesh, ax=ax, pad=0.02)
    bar.set_label("MSE (km², log scale)")
    bar.outline.set_edgecolor(p.muted)
    if narrow:  # under the map, so that it covers none of it
        fig.legend(loc="outside lower center", fontsize=9.5, ncols=2)
    else:
        fig.tight_layout()
    return fig


save_layouts(draw_map, "loss-surface.png")

# In perspective: the same surface, height = MSE, coloured on the same log scale.


def draw_3d(narrow: bool) -> plt.Figure:
    """The landscape in perspective.

    For the page column; or, for a phone, narrower, to be saved at 150 dpi (2 pixels per CSS
    pixel), with larger tick labels.
    """
    fig = plt.figure(figsize=(4.8, 4.4) if narrow else (7, 5))
    ax3 = fig.add_subplot(projection="3d", computed_zorder=False)
    s, b = np.meshgrid(slopes[::5], intercepts[::5])
    z = loss[::5, ::5]
    colours = plt.get_cmap(p.sequential)(norm(z))
    ax3.plot_surface(
        s,
        b,
        z,
        facecolors=colours,
        rstride=1,
        cstride=1,
        linewidth=0,
        antialiased=False,
        shade=False,
    )
    ax3.scatter(
        *guess,
        mse(guess, minutes, km),
        s=50,
        color=p.highlight,
        edgecolor=p.foreground,
        depthshade=False,
        zorder=10,
    )
    ax3.scatter(
        *best,
        mse(best, minutes, km),
        s=110,
        marker="*",
        color=p.background,
        edgecolor=p.foreground,
        depthshade=False,
        zorder=10,
    )
    ax3.set_xlabel("slope $w_0$ (km/min)", labelpad=8)
    ax3.set_ylabel("intercept $w_1$ (km)", labelpad=8)
    ax3.set_zlabel("MSE (km²)", labelpad=6)
    ax3.view_init(elev=28, azim=-62)
    for axis in (ax3.xaxis, ax3.yaxis, ax3.zaxis):
        axis.set_pane_color(p.background)
        axis.pane.set_edgecolor(p.grid)
        axis._axinfo["grid"].update(color=p.grid, linewidth=0.6)
        axis.line.set_color(p.muted)
    ax3.tick_params(colors=p.foreground, labelsize=9.5 if narrow else 9)
    ax3.set_box_aspect(None, zoom=1.0)
    if narrow:  # room on the right for the MSE label and at the bottom for the slope's
        fig.subplots_adjust(left=0.02, right=0.88, bottom=0.08, top=1.06)
    else:
        fig.subplots_adjust(left=-0.06, right=0.98, bottom=0.0, top=1.08)
    return fig


save_layouts(draw_3d, "loss-surface-3d.png")

# The alt text states the axes' ranges and the labelled contours.
publish(
    slope_from=slopes[0],
    slope_to=slopes[-1],
    intercept_from=intercepts[0],
    intercept_to=intercepts[-1],
    contour_from=levels[1],
    contour_to=levels[-1],
)
