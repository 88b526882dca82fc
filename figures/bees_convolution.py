"""What a 3 x 3 convolution does to a scene: ``convolution.png``.

First a training scene in grey (the mean of red, green and blue), then three hand-made
3 x 3 kernels, each printed above the image it makes: every output pixel is the sum
of the 3 x 3 input pixels around it, weighted by the kernel. A kernel with negative
weights on the left and positive on the right lights up where the image gets brighter
from left to right (and goes dark where it gets darker); its transpose does the same
for top to bottom; equal weights blur. A colour bar under the two signed panels, which share
one scale, says which colour is "gets brighter" and which "gets darker". The convolutions
run through the same ``conv2d_forward`` as the network's layers. A network's kernels are not
hand-made: their weights are learned.

``convolution.png`` has the four in a row. ``convolution.narrow.png``, the layout for phones,
has them in a 2 x 2 grid: the input and the blur above, the two signed panels below with the
colour bar under them.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LinearSegmentedColormap

from figblog.data.bees import make_split
from figblog.learn.conv import conv2d_forward
from figblog.learn.train import TrainConfig
from figblog.plotting import apply_theme, picture_axes, save_layouts

p = apply_theme()
cfg = TrainConfig()
images, _ = make_split("train", 2, seed=cfg.seed, config=cfg.scenes)
grey = images[1].mean(axis=2)  # (H, W)

sobel = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], np.float32)
kernels = [
    ("brighter to the right", sobel, True),  # True: signed output, drawn with the key's colours
    ("brighter downwards", sobel.T.copy(), True),
    ("blur", np.full((3, 3), 1 / 9, np.float32), False),
]

# Signed outputs: negative in one colour, positive in another, zero in the page colour.
signed = LinearSegmentedColormap.from_list("signed", [p.data, p.background, p.accent])


def _convolve(k: np.ndarray) -> np.ndarray:
    """Return ``grey`` convolved with ``k``, (H - 2, W - 2).

    Padding 0: only the pixels whose whole 3 x 3 neighbourhood lies inside the image.
    """
    out, _ = conv2d_forward(
        grey[None, :, :, None], k[:, :, None, None], np.zeros(1, np.float32), 1, 0
    )
    return out[0, :, :, 0]


outputs = [_convolve(k) for _, k, _ in kernels]
# One scale for both signed panels, so one key reads for both.
lim = max(
    float(np.percentile(np.abs(out), 99.5))
    for out, (_, _, is_signed) in zip(outputs, kernels, strict=True)
    if is_signed
)


def draw(narrow: bool) -> plt.Figure:
    """The input and the three outputs, each under its kernel, and the key to the colours.

    In a row; or, for a phone, in a 2 x 2 grid, to be saved at 150 dpi (about 2 pixels per
    CSS pixel on a 360 px screen): the input and the blur above, the two signed panels below
    with the key under them, so it stays under the panels it explains.
    """
    if narrow:
        fig = plt.figure(figsize=(4.8, 7.6))
        grid = fig.add_gridspec(
            5, 2, height_ratios=(1.1, 2.3, 1.1, 2.3, 0.1), hspace=0.25, wspace=0.08,
            left=0.02, right=0.98,
        )  # fmt: skip
        # input top left, blur top right, the signed pair below it, side by side as in a row
        cells = [(grid[0, 0], grid[1, 0]), (grid[2, 0], grid[3, 0]), (grid[2, 1], grid[3, 1]),
                 (grid[0, 1], grid[1, 1])]  # fmt: skip
        # narrower than the figure, so that its end labels fit
        key_cell = grid[4, :].subgridspec(1, 3, width_ratios=(0.12, 0.76, 0.12))[1]
        title_size, text_size, key_size = 10, 10, 9.5
    else:
        fig = plt.figure(figsize=(7.2, 3.95))
        grid = fig.add_gridspec(
            3, 4, height_ratios=(1, 2.3, 0.12), hspace=0.12, wspace=0.12, left=0.01, right=0.99
        )
        cells = [(grid[0, j], grid[1, j]) for j in range(4)]
        key_cell = grid[2, 1:3]
        title_size, text_size, key_size = 9.5, 9, 8.5
    # cells: where the kernel and the image go, for the input and then each kernel in turn
    image_axes = [fig.add_subplot(image) for _, image in cells]
    image_axes[0].imshow(grey, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    image_axes[0].set_title("input (grey)", fontsize=title_size)
    label = fig.add_subplot(cells[0][0])
    label.axis("off")
    label.text(0.5, 0.35, "3×3 kernel\n(the weights)", ha="center", va="center",
               fontsize=title_size, color=p.muted)  # fmt: skip
    for j, ((name, k, is_signed), out) in enumerate(zip(kernels, outputs, strict=True), start=1):
        ax = image_axes[j]
        if not is_signed:
            ax.imshow(out, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
        else:
            shown = ax.imshow(out, cmap=signed, vmin=-lim, vmax=lim, interpolation="nearest")
        ax.set_title(name, fontsize=title_size)
        table = fig.add_subplot(cells[j][0])
        table.set_xlim(-0.55, 2.55)
        table.set_ylim(2.55, -0.55)
        table.set_aspect("equal")
        for (r, c), v in np.ndenumerate(k):
            text = f"{v:g}" if float(v).is_integer() else "1/9"
            table.text(c, r, text, ha="center", va="center", fontsize=text_size, color=p.foreground)
        table.set_xticks(np.arange(-0.5, 3))
        table.set_yticks(np.arange(-0.5, 3))
        table.grid(True, color=p.muted, lw=0.8)
        table.tick_params(length=0, labelbottom=False, labelleft=False)
        for spine in table.spines.values():
            spine.set_visible(False)
    for ax in image_axes:
        picture_axes(ax)
    # The key under the two signed panels: which colour is "gets brighter", which "gets darker".
    key = fig.colorbar(shown, cax=fig.add_subplot(key_cell), orientation="horizontal")
    key.set_ticks([-lim, 0, lim], labels=["gets darker", "no change", "gets brighter"])
    key.ax.tick_params(labelsize=key_size, length=2)
    key.ax.set_title(
        "the image, going right (left panel) or down (right panel):",
        fontsize=key_size,
        color=p.muted,
        loc="center" if narrow else "left",  # centred: wider than the narrow key
        pad=3,
    )
    fig.subplots_adjust(top=0.97, bottom=0.06 if narrow else 0.09)
    return fig


save_layouts(draw, "convolution.png")
