"""What a 3 x 3 convolution does to a scene: ``convolution.png``.

Left: a training scene in grey (the mean of red, green and blue). Then three hand-made
3 x 3 kernels, printed above the image each one makes: every output pixel is the sum
of the 3 x 3 input pixels around it, weighted by the kernel. A kernel with negative
weights on the left and positive on the right lights up where the image gets brighter
from left to right (and goes dark where it gets darker); its transpose does the same
for top to bottom; equal weights blur. A colour bar under the two signed panels, which share
one scale, says which colour is "gets brighter" and which "gets darker". The convolutions
run through the same ``conv2d_forward`` as the network's layers. A network's kernels are not
hand-made: their weights are learned.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LinearSegmentedColormap

from figblog.data.bees import make_split
from figblog.learn.conv import conv2d_forward
from figblog.learn.train import TrainConfig
from figblog.plotting import apply_theme, picture_axes, save_png

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

fig = plt.figure(figsize=(7.2, 3.95))
grid = fig.add_gridspec(
    3, 4, height_ratios=(1, 2.3, 0.12), hspace=0.12, wspace=0.12, left=0.01, right=0.99
)
image_axes = [fig.add_subplot(grid[1, j]) for j in range(4)]
image_axes[0].imshow(grey, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
image_axes[0].set_title("input (grey)", fontsize=9.5)
label = fig.add_subplot(grid[0, 0])
label.axis("off")
label.text(
    0.5, 0.35, "3×3 kernel\n(the weights)", ha="center", va="center", fontsize=9.5, color=p.muted
)
for j, ((name, k, is_signed), out) in enumerate(zip(kernels, outputs, strict=True), start=1):
    ax = image_axes[j]
    if not is_signed:
        ax.imshow(out, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    else:
        shown = ax.imshow(out, cmap=signed, vmin=-lim, vmax=lim, interpolation="nearest")
    ax.set_title(name, fontsize=9.5)
    table = fig.add_subplot(grid[0, j])
    table.set_xlim(-0.55, 2.55)
    table.set_ylim(2.55, -0.55)
    table.set_aspect("equal")
    for (r, c), v in np.ndenumerate(k):
        text = f"{v:g}" if float(v).is_integer() else "1/9"
        table.text(c, r, text, ha="center", va="center", fontsize=9, color=p.foreground)
    table.set_xticks(np.arange(-0.5, 3))
    table.set_yticks(np.arange(-0.5, 3))
    table.grid(True, color=p.muted, lw=0.8)
    table.tick_params(length=0, labelbottom=False, labelleft=False)
    for spine in table.spines.values():
        spine.set_visible(False)
for ax in image_axes:
    picture_axes(ax)
# The key under the two signed panels: which colour is "gets brighter", which "gets darker".
key = fig.colorbar(shown, cax=fig.add_subplot(grid[2, 1:3]), orientation="horizontal")
key.set_ticks([-lim, 0, lim], labels=["gets darker", "no change", "gets brighter"])
key.ax.tick_params(labelsize=8.5, length=2)
key.ax.set_title(
    "the image, going right (left panel) or down (right panel):",
    fontsize=8.5,
    color=p.muted,
    loc="left",
    pad=3,
)
fig.subplots_adjust(top=0.97, bottom=0.09)
save_png(fig, "convolution.png")
