"""The shape of the bee-finding U-Net, drawn as boxes: ``unet-shape.png``.

One box per block of convolutions, placed on a U: the encoder goes down the left
(each step halves the image and doubles the channels), the bottleneck sits at the
bottom, the decoder climbs the right and receives each encoder block's output
through a skip connection. Box height follows the image size and box width the
number of channels; each box is labelled with both. The numbers come from the
network the post trains (``TrainConfig()``), so the drawing follows any change to it.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from figblog.learn.cnn import UNet
from figblog.learn.train import TrainConfig
from figblog.plotting import apply_theme, save_png
from figblog.values import publish

p = apply_theme()
cfg = TrainConfig()
size = cfg.scenes.size
stages = UNet(cfg.net).stages(size)
depth = cfg.net.depth

STEP_X, STEP_Y = 1.05, 1.3  # distance between levels across and down

fig, ax = plt.subplots(figsize=(7.2, 3.6))
ax.axis("off")
colours = {"enc": p.series[0], "bottom": p.series[3], "dec": p.series[1], "head": p.good}


def box(x, y, channels, side, colour, label, where="above"):
    """A block at (x, y): height from the image side, width from the channel count."""
    h = 0.3 + 0.55 * side / size
    w = 0.16 + 0.04 * channels**0.75
    ax.add_patch(
        FancyBboxPatch(
            (x - w / 2, y - h / 2),
            w,
            h,
            boxstyle="round,pad=0.02,rounding_size=0.04",
            fc=colour,
            ec=p.foreground,
            lw=0.8,
        )
    )
    if where == "above":
        ax.text(x, y + h / 2 + 0.07, label, ha="center", va="bottom", fontsize=10)
    else:
        ax.text(x, y - h / 2 - 0.07, label, ha="center", va="top", fontsize=10)
    return w, h


def arrow(xy0, xy1, connection="arc3", ls="-", colour=None):
    ax.add_patch(
        FancyArrowPatch(
            xy0,
            xy1,
            arrowstyle="-|>",
            mutation_scale=10,
            lw=1.0,
            ls=ls,
            color=colour or p.foreground,
            connectionstyle=connection,
            shrinkA=0,
            shrinkB=0,
        )
    )


def place(s):
    """Centre of a block on the U."""
    y = (depth - s.level) * STEP_Y
    if s.kind == "enc":
        return s.level * STEP_X, y
    if s.kind == "bottom":
        return depth * STEP_X, y
    if s.kind == "dec":
        return (2 * depth - s.level) * STEP_X, y
    return (2 * depth + 1.35) * STEP_X, y


sizes = {}
for s in stages:
    x, y = place(s)
    label = f"{s.c_out} ch\n{s.size}×{s.size}"
    sizes[s.name] = (
        x,
        y,
        *box(
            x,
            y,
            s.c_out,
            s.size,
            colours[s.kind],
            label,
            "below" if s.kind == "bottom" else "above",
        ),
    )

top = depth * STEP_Y
x_in = -0.85 * STEP_X
w_in, _ = box(x_in, top, 3, size, p.background, f"photo\n3 ch, {size}×{size}")
arrow((x_in + w_in / 2 + 0.04, top), (sizes["enc0"][0] - sizes["enc0"][2] / 2 - 0.04, top))
for i in range(depth):
    ex, ey, ew, eh = sizes[f"enc{i}"]
    below = f"enc{i + 1}" if i + 1 < depth else "bottom"
    bx, by, bw, bh = sizes[below]
    # Down the encoder: out of the bottom of a block, into the left side of the next.
    arrow((ex, ey - eh / 2 - 0.03), (bx - bw / 2 - 0.04, by), "angle,angleA=-90,angleB=180,rad=0")
    ax.text(
        ex - 0.06,
        (ey - eh / 2 + by) / 2,
        "max pool:\nhalf size",
        ha="right",
        va="center",
        fontsize=9.5,
        color=p.muted,
    )
    dx, dy, dw, dh = sizes[f"dec{i}"]
    # Up the decoder: out of the right side of the block below, into the bottom of this one.
    arrow((bx + bw / 2 + 0.04, by), (dx, dy - dh / 2 - 0.03), "angle,angleA=0,angleB=-90,rad=0")
    ax.text(
        dx + 0.06,
        (dy - dh / 2 + by) / 2,
        "upsample:\ndouble size",
        ha="left",
        va="center",
        fontsize=9.5,
        color=p.muted,
    )
    # The skip connection across the U.
    arrow((ex + ew / 2 + 0.04, ey), (dx - dw / 2 - 0.04, dy), ls="--", colour=p.muted)
    skip = "skip: copy, then join channels" if i == 0 else "skip"
    ax.text((ex + dx) / 2, ey + 0.05, skip, ha="center", va="bottom", fontsize=9.5, color=p.muted)
hx, hy, hw, hh = sizes["head"]
dx, dy, dw, _ = sizes["dec0"]
arrow((dx + dw / 2 + 0.04, dy), (hx - hw / 2 - 0.04, hy))
ax.text(hx, hy - hh / 2 - 0.08, "bee\nprobability\nper pixel", ha="center", va="top", fontsize=10)

ax.set_xlim(x_in - 0.35, hx + 0.5)
ax.set_ylim(-0.62, top + 0.95)
fig.tight_layout(pad=0.3)
save_png(fig, "unet-shape.png")


# -- the alt text and the numbers the post quotes, from the same stages as the drawing ------
def _block(s):
    return f"a block with {s.c_out} channels at {s.size} by {s.size}"


enc = [s for s in stages if s.kind == "enc"]
dec = [s for s in stages if s.kind == "dec"]
(bottom,) = [s for s in stages if s.kind == "bottom"]
(head,) = [s for s in stages if s.kind == "head"]
down = ", max pooling, ".join(_block(s) for s in enc)
up = ", ".join(f"upsampling to {_block(s)}" for s in dec)
shape_alt = (
    f"Diagram of the network as boxes on a U shape. Top left: the input photo, "
    f"{cfg.net.in_channels} channels, {size} by {size}. Going down the left side: {down}, "
    f"max pooling, and at the bottom {_block(bottom)}. Going up the right side: {up}, then a "
    f"final box with {head.c_out} channel{'s' if head.c_out != 1 else ''} at {head.size} by "
    f"{head.size}: the bee probability of every pixel. Dashed arrows labelled skip connect each "
    "left block to the right block of the same size."
)
first, second = enc[0], enc[1] if len(enc) > 1 else bottom
layer_weights = second.c_out * (3 * 3 * first.c_out + 1)  # 3 x 3 kernels plus one bias each
publish(
    shape_alt=shape_alt,
    first_channels=first.c_out,
    second_channels=second.c_out,
    layer_weights=f"{layer_weights:,}".replace(",", "\\,"),  # inside LaTeX: a thin space
    threshold=cfg.threshold,
)
