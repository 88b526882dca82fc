"""The loss over a grid of guesses, as the sheet shows it: a coloured table, then a finer map.

Writes ``loss-grid.md``, an HTML table of the RMSE of the line m x + b over the sheet's five
points for m = 1..8 (rows) and b = 0, 3, ..., 30 (columns), each cell coloured like the sheet's
conditional formatting in each scheme's colour map, as the heat map (the text colour is picked
per cell for contrast), and ``loss-heatmap.png``, the same surface on a fine grid, with
its layout for phones, ``loss-heatmap.narrow.png`` (narrower, the legend under the map).
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib import patheffects
from matplotlib.colors import LogNorm, Normalize, to_hex, to_rgb

from figblog.learn.sgd import B_TRUE, M_TRUE, five_points, rmse_grid
from figblog.plotting import apply_theme, palette, save_layouts
from figblog.values import Value, publish

p = apply_theme()
np.random.seed(0)  # nothing here is random; the seed is the convention

x, y = five_points()
ms = np.arange(1, 9)
bs = np.arange(0, 31, 3)
grid = rmse_grid(ms, bs, x, y)  # (8, 11)

# -- the table ----------------------------------------------------------------------------
# The .md output is the same in both themes, so each cell carries both schemes' colours: the
# light map's as its style, the dark map's as custom properties that sheet-widget.css uses in
# the dark scheme. Each scheme's table then matches the heat map drawn for it below.
_INK = {"dark": "#000000", "light": "#ffffff"}


def _luminance(rgb: tuple[float, float, float]) -> float:
    """Relative luminance (WCAG 2) of an sRGB colour with channels in 0..1."""
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _contrast(a: float, b: float) -> float:
    """WCAG contrast ratio of two luminances."""
    hi, lo = max(a, b), min(a, b)
    return (hi + 0.05) / (lo + 0.05)


def _ink_for(rgb: tuple[float, float, float]) -> str:
    """Return the text colour (black or white) that contrasts more with ``rgb`` (>= 4.58:1)."""
    lum = _luminance(rgb)
    dark = _contrast(lum, _luminance(to_rgb(_INK["dark"])))
    light = _contrast(lum, _luminance(to_rgb(_INK["light"])))
    return _INK["dark"] if dark >= light else _INK["light"]


cmaps = {theme: plt.get_cmap(palette(theme).sequential) for theme in ("light", "dark")}
norm = Normalize(vmin=0.0, vmax=float(grid.max()))
i_best, j_best = np.unravel_index(np.argmin(grid), grid.shape)
# The box scrolls sideways when the table is wider than the column (a phone), not the page;
# the caption stays under it, outside the box, so that it does not scroll off with the table.
caption = (
    f"RMSE of the line <i>mx</i> + <i>b</i> over the five points; the lowest, "
    f"{grid[i_best, j_best]:.1f}, at <i>m</i> = {ms[i_best]}, <i>b</i> = {bs[j_best]}"
)
rows = [
    '<figure class="loss-grid-figure">',
    '<div class="loss-grid-scroll">',
    '<table class="loss-grid" aria-describedby="loss-grid-caption">',
    '<thead><tr><th scope="col"><i>m</i> \\ <i>b</i></th>'
    + "".join(f'<th scope="col">{b}</th>' for b in bs)
    + "</tr></thead>",
    "<tbody>",
]
for i, m in enumerate(ms):
    cells = []
    for j in range(len(bs)):
        light, dark = (cmaps[t](norm(grid[i, j]))[:3] for t in ("light", "dark"))
        best = ' class="loss-grid-best"' if (i, j) == (i_best, j_best) else ""
        style = (
            f"background-color:{to_hex(light)};color:{_ink_for(light)};"
            f"--dark:{to_hex(dark)};--dark-ink:{_ink_for(dark)}"
        )
        cells.append(f'<td{best} style="{style}">{grid[i, j]:.1f}</td>')
    rows.append(f'<tr><th scope="row">{m}</th>{"".join(cells)}</tr>')
rows += ["</tbody>", "</table>", "</div>"]
rows += [f'<figcaption id="loss-grid-caption">{caption}</figcaption>', "</figure>"]
with open("loss-grid.md", "w", encoding="utf-8") as f:
    f.write("\n".join(rows) + "\n")

# -- the fine heat map --------------------------------------------------------------------
fine_m = np.linspace(0.5, 8.5, 321)
fine_b = np.linspace(-1.5, 31.5, 331)
LEVELS = [5, 10, 20, 40, 80, 160]  # labelled contours of the RMSE
surface = rmse_grid(fine_m, fine_b, x, y)  # (321, 331): rows m, columns b, like the table


def draw(narrow: bool) -> plt.Figure:
    """The heat map with its contours, the sheet's guesses and the best line.

    For the page column; or, for a phone, narrower, to be saved at 150 dpi (about 2 pixels per
    CSS pixel on a 360 px screen), with larger labels and the legend under the map.
    """
    if narrow:
        fig, ax = plt.subplots(figsize=(4.8, 5.0), layout="constrained")
    else:
        fig, ax = plt.subplots(figsize=(7, 4.6))
    image = ax.pcolormesh(
        fine_b,
        fine_m,
        surface,
        cmap=p.sequential,
        norm=LogNorm(vmin=1.0, vmax=surface.max()),
        shading="auto",
        rasterized=True,
    )
    # Lines in the text colour with a halo in the page colour stay visible on both ends of the map.
    halo = [patheffects.withStroke(linewidth=2.4, foreground=p.background)]
    contours = ax.contour(
        fine_b, fine_m, surface, levels=LEVELS, colors=p.foreground, linewidths=0.8
    )
    contours.set(path_effects=halo)
    for label in ax.clabel(contours, fmt="%d", fontsize=9 if narrow else 8):
        label.set_path_effects(halo)
    grid_b, grid_m = np.meshgrid(bs, ms)
    ax.scatter(
        grid_b,
        grid_m,
        s=12,
        color=p.foreground,
        edgecolors=p.background,
        linewidths=0.6,
        label="the sheet's grid of guesses",
    )
    ax.plot(
        [B_TRUE],
        [M_TRUE],
        marker="*",
        markersize=16,
        color=p.highlight,
        markeredgecolor=p.background,
        linestyle="none",
        label=f"RMSE 0 at m = {M_TRUE:g}, b = {B_TRUE:g}",
    )
    ax.set_xlabel("intercept b")
    ax.set_ylabel("slope m")
    title = {"fontsize": 11} if narrow else {}  # a smaller title fits a phone's width
    ax.set_title("RMSE of the line $mx + b$ over the five points", **title)
    ax.grid(False)
    if not narrow:
        ax.legend(loc="upper left", fontsize=9)
    bar = fig.colorbar(image, ax=ax, pad=0.02)
    bar.set_label("RMSE (log scale)")
    if narrow:  # under the map, so that it covers none of it
        fig.legend(loc="outside lower center", fontsize=9.5)
    else:
        fig.tight_layout()
    return fig


save_layouts(draw, "loss-heatmap.png")

# What the post's sentences and alt texts quote.
publish(
    m_step=int(ms[1] - ms[0]),
    b_step=int(bs[1] - bs[0]),
    guesses=grid.size,
    m_from=Value(fine_m[0], fmt="g"),
    m_to=Value(fine_m[-1], fmt="g"),
    b_from=Value(fine_b[0], fmt="g"),
    b_to=Value(fine_b[-1], fmt="g"),
    contour_from=LEVELS[0],
    contour_to=LEVELS[-1],
    m_true=Value(M_TRUE, fmt="g"),
    b_true=Value(B_TRUE, fmt="g"),
)
