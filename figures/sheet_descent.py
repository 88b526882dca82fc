"""The sheet's descent, one point at a time, and what its swapped columns do to it.

Twenty points on y = 2x + 30 (the sheet's eleven visible x values, nine more drawn with a fixed
seed), a start at m = b = 1, forward differences with h = 0.01, learning rate 0.0001.

Writes
- ``first-epoch.md``: the sheet's table for the first epoch, every column;
- ``epoch-one.md``: a sentence on how far the first epoch goes and how little the next fifty do;
- ``rmse-by-epoch.png``: RMSE after every step, with a dot at the end of each epoch;
  ``rmse-by-epoch.narrow.png``, the layout for phones, is narrower;
- ``path.png``: the path of (m, b) over the RMSE surface, with an inset zoomed into its end;
  ``path.narrow.png``, for phones, is narrower and taller, with a larger inset;
- ``swapped.png``: the sheet's swapped-column descent against the correct one, path and RMSE;
- ``after-51.md``: a table of where each variant is after 51 epochs, next to the sheet's numbers;
- ``swapped-numbers.md``: how the swapped descent starts slower, overtakes (the epochs where it
  is ahead, computed), bottoms out and then climbs;
- ``swapped-balance.md``: where the swapped steps balance, for the plotted forward-difference run;
- ``sheet-rows.md``: two of the sheet's printed rows against exact and finite-difference slopes.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib import patheffects
from matplotlib.colors import LogNorm
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator, NullFormatter, ScalarFormatter

from figblog.learn.sgd import (
    B_TRUE,
    DRAW_RANGE,
    M_TRUE,
    ROW_COLUMNS,
    SHEET_ROWS,
    SHEET_X,
    DescentConfig,
    balance_point,
    descend,
    point_gradient,
    rmse,
    rmse_grid,
    root_sum_squares,
    run_epoch,
    training_points,
)
from figblog.plotting import apply_theme, save_layouts
from figblog.plotting.contrast import path_surface
from figblog.values import Value, publish

p = apply_theme()
np.random.seed(0)  # the data's own seed lives in figblog.learn.sgd.training_points

EPOCHS = 51  # the sheet's state is shown after 51 epochs
LONG = 200  # long enough to see the swapped descent turn round
SHEET_M, SHEET_B = 2.051, 25.075  # what the sheet shows after 51 epochs (its own points)
SHEET_RMSE_CELL = 17  # the sheet's own "rmse" cell at that moment

x, y = training_points()
right = DescentConfig()
wrong = DescentConfig(swapped=True)
run = descend(x, y, LONG, config=right)
slip = descend(x, y, LONG, config=wrong)
step_rmse = rmse(run.path[:, 0], run.path[:, 1], x, y)  # after every single step
n = len(x)

# -- the first epoch's table --------------------------------------------------------------
h = right.h
header = [
    "*x*", "*y*", "*m*", "*b*", "*mx* + *b*", "*e*", f"*e* with *m* + {h:g}", "de/dm",
    "new *m*", f"*e* with *b* + {h:g}", "de/db", "new *b*",
]  # fmt: skip
formats = ["{:.0f}", "{:.0f}", "{:.4f}", "{:.4f}", "{:.2f}", "{:,.1f}", "{:,.1f}", "{:,.2f}",
           "{:.4f}", "{:,.1f}", "{:,.2f}", "{:.4f}"]  # fmt: skip
lines = ["| " + " | ".join(header) + " |", "|" + "---:|" * len(header)]
for row in run.first_epoch:
    lines.append("| " + " | ".join(f.format(v) for f, v in zip(formats, row, strict=True)) + " |")
with open("first-epoch.md", "w", encoding="utf-8") as f:
    # a wrapper with a class lets the stylesheet set this wide table in smaller type
    f.write('<div class="sheet-wide-table" markdown>\n\n' + "\n".join(lines) + "\n\n</div>\n")

bal_m, bal_b = balance_point(x, y, "finite", h)
with open("epoch-one.md", "w", encoding="utf-8") as f:
    f.write(
        f"The first epoch takes the RMSE over the {n} points from {run.rmse[0]:.2f} to "
        f"{run.rmse[1]:.2f}; the next {EPOCHS - 1} take it only to {run.rmse[EPOCHS]:.2f}, "
        f"with $m = {run.m[EPOCHS]:.3f}$ and $b = {run.b[EPOCHS]:.3f}$. Even after {LONG} "
        f"epochs $b$ has only reached {run.b[LONG]:.2f} (RMSE {run.rmse[LONG]:.2f}). "
        f"The forward differences also aim slightly off: their steps balance at "
        f"$m = {bal_m:.3f}$, $b = {bal_b:.2f}$ rather than at $m = {M_TRUE:g}$, "
        f"$b = {B_TRUE:g}$.\n"
    )


# -- RMSE after every step ----------------------------------------------------------------
def draw_rmse(narrow: bool) -> plt.Figure:
    """The RMSE after every step, and at the end of each epoch.

    For the page column; or, for a phone, narrower, to be saved at 150 dpi (2 pixels per CSS
    pixel), the long axis label and the title on two lines.
    """
    fig, ax = plt.subplots(figsize=(4.8, 3.9) if narrow else (7, 3.8))
    wrap = "\n" if narrow else " "
    steps = np.arange(len(step_rmse)) / n  # in epochs
    shown = steps <= EPOCHS
    ax.plot(steps[shown], step_rmse[shown], color=p.data, lw=1.0, label="after every step")
    ax.plot(np.arange(EPOCHS + 1), run.rmse[: EPOCHS + 1], "o", ms=4, color=p.accent,
            label="at the end of each epoch")  # fmt: skip
    ax.set_yscale("log")
    ax.set_yticks([10, 20, 30, 50])
    ax.yaxis.set_major_formatter(ScalarFormatter())
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel(f"epochs{wrap}(one epoch = one step per point, 20 steps)")
    ax.set_ylabel(f"RMSE over the 20 points{wrap}(log scale)")
    ax.set_title("Fast for one epoch, then a slow crawl")
    ax.set_xlim(-1, EPOCHS + 1)
    ax.legend(loc="upper right")
    fig.tight_layout()
    return fig


save_layouts(draw_rmse, "rmse-by-epoch.png")


# -- paths over the surface ---------------------------------------------------------------
def _surface(
    ax: plt.Axes, m_range: tuple[float, float], b_range: tuple[float, float], narrow: bool
) -> None:
    """Draw the RMSE over the twenty points as a log-scaled map, b across and m up.

    ``narrow``: for a phone's layout, with larger contour labels.
    """
    fm = np.linspace(*m_range, 161)
    fb = np.linspace(*b_range, 161)
    s = rmse_grid(fm, fb, x, y)  # (161, 161): rows m, columns b
    ax.pcolormesh(fb, fm, s, cmap=path_surface(p), norm=LogNorm(vmin=0.5, vmax=s.max()),
                  shading="auto", rasterized=True, alpha=0.9)  # fmt: skip
    halo = [patheffects.withStroke(linewidth=2.2, foreground=p.background)]
    cs = ax.contour(fb, fm, s, levels=[1, 2, 5, 10, 20, 40], colors=p.muted, linewidths=0.7)
    cs.set(path_effects=halo)
    for label in ax.clabel(cs, fmt="%g", fontsize=9 if narrow else 8):
        label.set_path_effects(halo)
    ax.plot([B_TRUE], [M_TRUE], "*", ms=15, color=p.highlight, mec=p.background,
            label=f"best line, m = {M_TRUE:g}, b = {B_TRUE:g}")  # fmt: skip
    ax.set_xlabel("intercept b")
    ax.set_ylabel("slope m")
    ax.grid(False)


DOT_EVERY = 10  # epochs between the dots on a path


def _path(ax: plt.Axes, path: np.ndarray, color: str, label: str, epochs: int) -> None:
    """Draw the first epoch step by step (thin), then (m, b) at the end of every epoch (bold).

    Later epochs wobble within themselves the same way the first does; their steps are left
    out so the drift from epoch to epoch stays visible. A dot marks every tenth epoch.
    """
    ax.plot(path[: n + 1, 1], path[: n + 1, 0], ".-", ms=2.5, color=color, lw=0.8, alpha=0.9)
    ends = path[: epochs * n + 1 : n]
    halo = [patheffects.withStroke(linewidth=3.0, foreground=p.background)]
    ax.plot(ends[:, 1], ends[:, 0], "-", lw=1.8, color=color, path_effects=halo)
    dots = ends[::DOT_EVERY]
    ax.plot(dots[:, 1], dots[:, 0], "o", ms=5, color=color, mec=p.background, mew=0.8,
            label=label)  # fmt: skip


M_RANGE, B_RANGE = (0.8, 3.4), (-3.0, 34.0)


def draw_path(narrow: bool) -> plt.Figure:
    """The path over the surface, with the inset zoomed into its end.

    For the page column; or, for a phone, narrower and taller, to be saved at 150 dpi (2 pixels
    per CSS pixel), with a larger inset and larger labels.
    """
    fig, ax = plt.subplots(figsize=(4.8, 5.6) if narrow else (7, 4.6))
    _surface(ax, M_RANGE, B_RANGE, narrow)
    _path(ax, run.path, p.accent, f"{EPOCHS} epochs, a dot every {DOT_EVERY}", EPOCHS)
    ax.plot([1.0], [1.0], "s", ms=7, color=p.foreground, mec=p.background, label="start, m = b = 1")
    ax.set_xlim(*B_RANGE)
    ax.set_ylim(*M_RANGE)
    sep = ";\n" if narrow else "; "  # on a phone the title takes two lines
    ax.set_title(f"The first epoch drops into the valley{sep}the rest crawl along it")
    # a card in the page colour behind the inset, so its tick labels do not sit on the map
    if narrow:  # a larger inset, for the larger labels
        card, card_width, inset = (0.17, 0.02), 0.65, (0.28, 0.1, 0.52, 0.4)
    else:
        card, card_width, inset = (0.155, 0.02), 0.5, (0.24, 0.1, 0.4, 0.4)
    ax.add_patch(Rectangle(card, card_width, 0.56, transform=ax.transAxes, color=p.background,
                           zorder=4.5, alpha=0.92))  # fmt: skip
    zoom = ax.inset_axes(inset)
    zoom.set_facecolor(p.background)
    _path(zoom, run.path, p.accent, "", EPOCHS)
    zoom.set_xlim(0.6, 3.2)
    zoom.set_ylim(2.84, 3.0)
    zoom.tick_params(labelsize=9 if narrow else 8)
    if narrow:  # fewer ticks, so that the larger labels do not touch
        zoom.xaxis.set_major_locator(MaxNLocator(4))
        zoom.yaxis.set_major_locator(MaxNLocator(3))
    zoom.set_title(f"zoomed: epochs 1 to {EPOCHS}", fontsize=9.5 if narrow else 9)
    ax.indicate_inset_zoom(zoom, edgecolor=p.foreground)
    ax.legend(loc="upper right", fontsize=9)
    fig.tight_layout()
    return fig


save_layouts(draw_path, "path.png")


# -- the swapped columns ------------------------------------------------------------------
def draw_swapped(narrow: bool) -> plt.Figure:
    """The two runs' paths over the loss surface, and their RMSE by epoch.

    Side by side; or, for a phone, stacked, to be saved at 150 dpi (2 pixels per CSS pixel).
    """
    if narrow:
        fig, (left, right_ax) = plt.subplots(2, 1, figsize=(4.8, 9.0), height_ratios=[1.15, 1])
    else:
        fig, (left, right_ax) = plt.subplots(1, 2, figsize=(9.5, 4.4), width_ratios=[1.25, 1])
    _surface(left, M_RANGE, B_RANGE, narrow)
    swapped_colour = p.series[3]
    _path(left, run.path, p.accent, "correct columns", EPOCHS)
    _path(left, slip.path, swapped_colour, "swapped, as in the sheet", EPOCHS)
    later = slip.path[EPOCHS * n : LONG * n + 1]
    inside = (later[:, 0] >= M_RANGE[0]) & (later[:, 0] <= M_RANGE[1]) & (later[:, 1] >= B_RANGE[0])
    left.plot(later[inside, 1], later[inside, 0], ":", color=swapped_colour, lw=1.4,
              label=f"swapped, epochs {EPOCHS}-{LONG}")  # fmt: skip
    left.plot([SHEET_B], [SHEET_M], "X", ms=9, color=p.foreground, mec=p.background,
              label=f"the sheet after {EPOCHS} epochs")  # fmt: skip
    left.plot([1.0], [1.0], "s", ms=7, color=p.foreground, mec=p.background)
    left.set_xlim(*B_RANGE)
    left.set_ylim(*M_RANGE)
    left.set_title(f"Paths, {EPOCHS} epochs from m = b = 1")
    if narrow:  # under the map, where it hides none of the paths
        left.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=2, fontsize=9.5)
    else:
        left.legend(loc="lower right", fontsize=9.5)  # over the corner no path crosses

    epochs = np.arange(LONG + 1)
    right_ax.plot(epochs, run.rmse, color=p.accent, lw=1.8, label="correct columns")
    right_ax.plot(epochs, slip.rmse, color=swapped_colour, lw=1.8, label="swapped columns")
    right_ax.axvline(EPOCHS, color=p.muted, lw=1, ls="--")
    right_ax.annotate(f"epoch {EPOCHS}", (EPOCHS, 0.98), xycoords=("data", "axes fraction"),
                      xytext=(4, -4), textcoords="offset points", va="top", color=p.muted,
                      fontsize=10)  # fmt: skip
    right_ax.set_yscale("log")
    right_ax.set_yticks([1, 2, 5, 10, 20, 50])
    right_ax.yaxis.set_major_formatter(ScalarFormatter())
    right_ax.yaxis.set_minor_formatter(NullFormatter())
    right_ax.set_xlabel("epoch")
    right_ax.set_ylabel("RMSE over the 20 points (log scale)")
    right_ax.set_title("RMSE after each epoch")
    right_ax.legend(loc="lower right", fontsize=10)
    fig.tight_layout()
    _clear_of_legend(fig, left)
    return fig


def _clear_of_legend(fig: plt.Figure, ax: plt.Axes) -> None:
    """Drop the contour labels the legend would cut in half."""
    legend = ax.get_legend()
    if legend is None or legend.get_bbox_to_anchor() is not ax.bbox:
        return  # a legend outside the map hides no label
    renderer = fig.canvas.get_renderer()
    box = legend.get_window_extent(renderer)
    for label in list(ax.texts):
        if label.get_window_extent(renderer).overlaps(box):
            label.remove()


save_layouts(draw_swapped, "swapped.png")

# -- the numbers after 51 epochs ----------------------------------------------------------
exact = DescentConfig(method="analytic")
exact_swapped = DescentConfig(method="analytic", swapped=True)
variants = [
    ("correct columns, finite differences", run),
    ("correct columns, exact derivatives", descend(x, y, EPOCHS, config=exact)),
    ("swapped columns, finite differences", slip),
    ("swapped columns, exact derivatives", descend(x, y, EPOCHS, config=exact_swapped)),
]
table = [
    f"| after {EPOCHS} epochs | $m$ | $b$ | RMSE | root of the sum |",
    "|---|---:|---:|---:|---:|",
]
for name, r in variants:
    m, b = r.m[EPOCHS], r.b[EPOCHS]
    root_sum = float(root_sum_squares(m, b, x, y))
    table.append(f"| {name} | {m:.3f} | {b:.3f} | {r.rmse[EPOCHS]:.2f} | {root_sum:.1f} |")
sheet_rmse = float(rmse(SHEET_M, SHEET_B, x, y))
sheet_root = float(root_sum_squares(SHEET_M, SHEET_B, x, y))
table.append(
    f"| the sheet's printed $m$, $b$ (scored on our points) | {SHEET_M:.3f} | {SHEET_B:.3f} | "
    f"{sheet_rmse:.2f} | {sheet_root:.1f} |"
)
with open("after-51.md", "w", encoding="utf-8") as f:
    f.write("\n".join(table) + "\n")

best = int(np.argmin(slip.rmse))
ahead = np.flatnonzero(slip.rmse < run.rmse)  # epochs after which the swapped run is lower
# The prose names one stretch of epochs; make sure the simulation has exactly one.
assert ahead.size and np.all(np.diff(ahead) == 1), "the swapped run is ahead more than once"
with open("swapped-numbers.md", "w", encoding="utf-8") as f:
    f.write(
        f"At first the swapped columns are the slower ones: after one epoch the RMSE is "
        f"{run.rmse[1]:.2f} with the correct columns and {slip.rmse[1]:.2f} with the swapped "
        f"ones. The swapped run keeps falling while the correct one crawls, and from epoch "
        f"{ahead[0]} to epoch {ahead[-1]} it is the lower of the two. It is lowest, "
        f"{slip.rmse[best]:.2f}, after {best} epochs; then it climbs again: "
        f"{slip.rmse[EPOCHS]:.2f} after {EPOCHS} epochs and {slip.rmse[LONG]:.2f} after {LONG}, "
        f"where the correct descent has crept down to {run.rmse[LONG]:.2f}.\n"
    )
# Swapping the columns changes which parameter each equation moves, not where they balance:
# the forward-difference run balances where the correct one does (see ``epoch-one.md``).
with open("swapped-balance.md", "w", encoding="utf-8") as f:
    f.write(
        f"The only place where the swapped steps balance is the one where the correct steps "
        f"balance: with forward differences, as in the run plotted above, $m = {bal_m:.3f}$, "
        f"$b = {bal_b:.2f}$, close to the answer $m = {M_TRUE:g}$, $b = {B_TRUE:g}$ that "
        f"exact derivatives would balance at. But it is a balance like a pencil on its tip: "
        f"any drift along the valley grows.\n"
    )

# -- two of the sheet's printed rows, recomputed --------------------------------------------
# Replay the sheet's eleven visible rows from its printed start with its own rule (exact
# formulas, swapped columns) to get each row's m and b, then compute every candidate there.
sheet = np.array(SHEET_ROWS)  # (11, 8)
_, _, replay = run_epoch(SHEET_M, SHEET_B, sheet[:, 0], sheet[:, 1], exact_swapped)
col = {name: i for i, name in enumerate(ROW_COLUMNS)}
lines = [
    "| point | where the numbers come from | column labelled de/dm | column labelled de/db |",
    "|---|---|---:|---:|",
]
for k in (0, 4):  # x = 7 and x = 50
    xi, yi, printed_dm, printed_db = sheet[k, 0], sheet[k, 1], sheet[k, 4], sheet[k, 6]
    m_k, b_k = replay[k, col["m"]], replay[k, col["b"]]
    exact_dm, exact_db = point_gradient(m_k, b_k, xi, yi, "analytic")
    diff_dm, diff_db = point_gradient(m_k, b_k, xi, yi, "finite", h)
    point = f"$x = {xi:.0f}$, $y = {yi:.0f}$"
    lines += [
        f"| {point} | printed in the sheet | {printed_dm:.0f} | {printed_db:.0f} |",
        f"| | exact formulas, swapped: $2(mx+b-y)$ and $2x(mx+b-y)$ | {exact_db:.2f} | "
        f"{exact_dm:.2f} |",
        f"| | forward differences with $h = {h:g}$, swapped | {diff_db:.2f} | {diff_dm:.2f} |",
        f"| | what the labels promise: de/dm and de/db, exact | {exact_dm:.2f} | {exact_db:.2f} |",
    ]
with open("sheet-rows.md", "w", encoding="utf-8") as f:
    f.write("\n".join(lines) + "\n")

# What the post's sentences and alt texts quote.
publish(
    epochs=EPOCHS,
    later_epochs=EPOCHS - 1,
    long=LONG,
    h=right.h,
    lr=right.learning_rate,
    points=n,
    visible=len(SHEET_X),
    drawn=n - len(SHEET_X),
    visible_x=", ".join(str(v) for v in SHEET_X),
    draw_low=DRAW_RANGE[0],
    draw_high=DRAW_RANGE[1],
    x_max=Value(x.max(), fmt="g"),
    start_m=Value(run.m[0], fmt="g"),
    start_b=Value(run.b[0], fmt="g"),
    m_true=Value(M_TRUE, fmt="g"),
    b_true=Value(B_TRUE, fmt="g"),
    sheet_m=SHEET_M,
    sheet_b=SHEET_B,
    sheet_rmse_cell=SHEET_RMSE_CELL,
    m_from=Value(M_RANGE[0], fmt="g"),
    m_to=Value(M_RANGE[1], fmt="g"),
    b_from=Value(B_RANGE[0], fmt="g"),
    b_to=Value(B_RANGE[1], fmt="g"),
    dot_every=DOT_EVERY,
)
