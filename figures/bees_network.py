"""The shape of the bee-finding U-Net, drawn as boxes: ``unet-shape.png``.

One box per block of convolutions, placed on a U: the encoder goes down the left
(each step halves the image and doubles the channels), the bottleneck sits at the
bottom, the decoder climbs the right and receives each encoder block's output
through a skip connection. Box height follows the image size and box width the
number of channels; each box is labelled with both. The numbers come from the
network the post trains (``TrainConfig()``), so the drawing follows any change to it.
``unet-shape.narrow.png``, the layout for phones, is the same drawing with larger text.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from figblog.learn.cnn import UNet
from figblog.learn.train import TrainConfig
from figblog.plotting import apply_theme, save_layouts
from figblog.values import publish

p = apply_theme()
cfg = TrainConfig()
size = cfg.scenes.size
stages = UNet(cfg.net).stages(size)
depth = cfg.net.depth

STEP_X, STEP_Y = 1.05, 1.3  # distance between levels across and down

colours = {"enc": p.series[0], "bottom": p.series[3], "dec": p.series[1], "head": p.good}


def box(ax, x, y, channels, side, colour, label, where="above", fontsize=10):
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
        ax.text(x, y + h / 2 + 0.07, label, ha="center", va="bottom", fontsize=fontsize)
    else:
        ax.text(x, y - h / 2 - 0.07, label, ha="center", va="top", fontsize=fontsize)
    return w, h


def arrow(ax, xy0, xy1, connection="arc3", ls="-", colour=None):
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


def place(s, head_x=1.35, step_y=STEP_Y):
    """Centre of a block on the U; ``head_x``: how far right of the decoder the last box goes."""
    y = (depth - s.level) * step_y
    if s.kind == "enc":
        return s.level * STEP_X, y
    if s.kind == "bottom":
        return depth * STEP_X, y
    if s.kind == "dec":
        return (2 * depth - s.level) * STEP_X, y
    return (2 * depth + head_x) * STEP_X, y


def draw(narrow: bool) -> plt.Figure:
    """The U of boxes and arrows.

    For the page column; or, for a phone, to be saved at 150 dpi (2 pixels per CSS pixel): the
    same drawing, narrower and taller, with the text larger against the boxes. There the levels
    are further apart, the last box a little further right, the photo's label on three lines
    and each "upsample" just above the arrow's corner, so that no two labels meet.
    """
    if narrow:
        fig, ax = plt.subplots(figsize=(4.8, 4.3))
        label_size, note_size, head_x, step_y = 9.5, 9, 1.6, 1.7
    else:
        fig, ax = plt.subplots(figsize=(7.2, 3.6))
        label_size, note_size, head_x, step_y = 10, 9.5, 1.35, STEP_Y
    ax.axis("off")
    sizes = {}
    for s in stages:
        x, y = place(s, head_x, step_y)
        label = f"{s.c_out} ch\n{s.size}×{s.size}"
        where = "below" if s.kind == "bottom" else "above"
        w, h = box(ax, x, y, s.c_out, s.size, colours[s.kind], label, where, label_size)
        sizes[s.name] = (x, y, w, h)

    top = depth * step_y
    x_in = -0.85 * STEP_X
    photo = f"photo\n3 ch{chr(10) if narrow else ', '}{size}×{size}"
    w_in, _ = box(ax, x_in, top, 3, size, p.background, photo, fontsize=label_size)
    arrow(ax, (x_in + w_in / 2 + 0.04, top), (sizes["enc0"][0] - sizes["enc0"][2] / 2 - 0.04, top))
    for i in range(depth):
        ex, ey, ew, eh = sizes[f"enc{i}"]
        below = f"enc{i + 1}" if i + 1 < depth else "bottom"
        bx, by, bw, bh = sizes[below]
        # Down the encoder: out of the bottom of a block, into the left side of the next.
        arrow(ax, (ex, ey - eh / 2 - 0.03), (bx - bw / 2 - 0.04, by),
              "angle,angleA=-90,angleB=180,rad=0")  # fmt: skip
        ax.text(
            ex - 0.06,
            (ey - eh / 2 + by) / 2,
            "max pool:\nhalf size",
            ha="right",
            va="center",
            fontsize=note_size,
            color=p.muted,
        )
        dx, dy, dw, dh = sizes[f"dec{i}"]
        # Up the decoder: out of the right side of the decoder block below (or the bottom
        # block), into the bottom of this one.
        ux, uy, uw, _ = sizes[f"dec{i + 1}" if i + 1 < depth else "bottom"]
        arrow(ax, (ux + uw / 2 + 0.04, uy), (dx, dy - dh / 2 - 0.03),
              "angle,angleA=0,angleB=-90,rad=0")  # fmt: skip
        ax.text(
            dx + 0.06,
            by + 0.12 if narrow else (dy - dh / 2 + by) / 2,
            "upsample:\ndouble size",
            ha="left",
            va="bottom" if narrow else "center",
            fontsize=note_size,
            color=p.muted,
        )
        # The skip connection across the U.
        arrow(ax, (ex + ew / 2 + 0.04, ey), (dx - dw / 2 - 0.04, dy), ls="--", colour=p.muted)
        skip = "skip: copy, then join channels" if i == 0 else "skip"
        ax.text((ex + dx) / 2, ey + 0.05, skip, ha="center", va="bottom", fontsize=note_size,
                color=p.muted)  # fmt: skip
    hx, hy, hw, hh = sizes["head"]
    dx, dy, dw, _ = sizes["dec0"]
    arrow(ax, (dx + dw / 2 + 0.04, dy), (hx - hw / 2 - 0.04, hy))
    ax.text(hx, hy - hh / 2 - 0.08, "bee\nprobability\nper pixel", ha="center", va="top",
            fontsize=label_size)  # fmt: skip

    ax.set_xlim(x_in - 0.35, hx + 0.5)
    ax.set_ylim(-0.62, top + 0.95)
    fig.tight_layout(pad=0.3)
    return fig


save_layouts(draw, "unet-shape.png")


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
