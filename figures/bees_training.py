"""The network learning to see bees: ``learning.gif``, ``training-curves.png`` and a caption.

``learning.gif``: one held-out test scene, its label, and the network's bee probability
for every pixel (black = surely not bee, white = surely bee) before training and after
each epoch, with that scene's IoU at the 0.5 threshold. The last frame is held longer.
``learning.narrow.gif``, for phones, puts the three in a 2 x 2 grid, the words in the fourth.

``training-curves.png``: two panels, the first with the training loss (mean binary
cross-entropy over the epoch's steps) and the validation loss per epoch, the second with
the validation IoU per epoch, the best epoch marked (its weights are the ones kept). Side by
side there; stacked in ``training-curves.narrow.png``, the layout for phones.

``learning-label.md``: a sentence for the caption, counting the connected white shapes in the
scene's label with a flood fill (bees that touch are one shape) and giving their sizes.

All come from the same memoised training run as every other bee figure, so the site
build trains the network once.
"""

# figblog: slow (on an empty cache, start before the short scripts: it trains the network)

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter

from figblog.learn.metrics import scores
from figblog.learn.shapes import label_shapes
from figblog.learn.train import TrainConfig, trained_segmenter
from figblog.plotting import (
    apply_theme,
    fig_to_image,
    picture_axes,
    save_gif,
    save_layouts,
)
from figblog.values import publish

p = apply_theme()
cfg = TrainConfig()
result = trained_segmenter(cfg)

# --- the GIF: artists made once, updated per frame ---
frames_probs = result["gif_frames"]  # (epochs + 1, H, W)
mask = result["gif_mask"]


def animation(narrow: bool) -> list[np.ndarray]:
    """The frames: photo, label and prediction in a row, or for phones in a 2 x 2 grid.

    In the grid the fourth cell holds the epoch and the IoU, in larger type.
    """
    if narrow:  # a phone's 328 px column at 1.5 pixels per CSS pixel
        fig, grid = plt.subplots(2, 2, figsize=(4.0, 4.3), dpi=120)
        axes = [grid[0, 0], grid[0, 1], grid[1, 0]]
        grid[1, 1].axis("off")
        status = grid[1, 1].text(
            0.5, 0.5, "", ha="center", va="center", fontsize=12, linespacing=1.5
        )
        fig.subplots_adjust(left=0.02, right=0.98, top=0.93, bottom=0.02, hspace=0.16)
    else:
        fig, axes = plt.subplots(1, 3, figsize=(6.0, 2.45), dpi=80)
        status = fig.text(0.5, 0.03, "", ha="center", va="bottom", fontsize=11)
        fig.subplots_adjust(left=0.01, right=0.99, top=0.88, bottom=0.14, wspace=0.05)
    panels = [
        axes[0].imshow(result["gif_image"], interpolation="nearest"),
        axes[1].imshow(mask, cmap="gray", vmin=0, vmax=1, interpolation="nearest"),
        axes[2].imshow(frames_probs[0], cmap="gray", vmin=0, vmax=1, interpolation="nearest"),
    ]
    # 11 pt in a 6 in frame: at least 8 CSS px where a 360 px phone shrinks the GIF to its column
    for ax, title in zip(axes, ["photo", "label", "prediction"], strict=True):
        ax.set_title(title, fontsize=11)
        picture_axes(ax)
    images = []
    for epoch, probs in enumerate(frames_probs):
        panels[2].set_data(probs)
        iou = scores(probs > cfg.threshold, mask).iou
        when = "before training" if epoch == 0 else f"after epoch {epoch} of {cfg.epochs}"
        status.set_text(f"{when}\nIoU {iou:.2f}" if narrow else f"{when}: IoU {iou:.2f}")
        images.append(fig_to_image(fig))
    plt.close(fig)
    return images


images = animation(narrow=False)
durations = [900] + [260] * (len(images) - 2) + [2500]
save_gif(images, "learning.gif", duration_ms=durations)
save_gif(animation(narrow=True), "learning.narrow.gif", duration_ms=durations)


def _listed(values: list[int]) -> str:
    """Return ``1,024``, ``1,024 and 12`` or ``1,024, 40 and 12``."""
    words = [f"{v:,}" for v in values]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


# --- what the label shows, counted, for the caption: bees that touch are one shape ---
shape_labels, n_shapes = label_shapes(mask)
sizes = sorted((int(np.count_nonzero(shape_labels == k)) for k in range(1, n_shapes + 1)),
               reverse=True)  # fmt: skip
with open("learning-label.md", "w", encoding="utf-8") as fh:
    fh.write(
        f"The label of this scene has {n_shapes} separate white "
        f"{'shape' if n_shapes == 1 else 'shapes'} ({_listed(sizes)} pixels): bees that touch "
        "merge into one shape.\n"
    )
publish(label_shapes=n_shapes)  # for the animation's alt text

# --- the curves ---
epochs = np.arange(1, cfg.epochs + 1)
best = result["best_epoch"]
# Where the best epoch fell, for the post. Epochs within a tenth of a point of IoU of it
# are a tie on 16 validation scenes: then the score had levelled off, even when the best
# is the last epoch; a last epoch well ahead of the rest means it was still rising.
iou = np.asarray(result["val_iou"])
ties = [int(e) for e in np.flatnonzero(iou >= iou[best - 1] - 0.001) + 1 if e != best]
if ties:
    also = f"epoch{'s' * (len(ties) > 1)} {_listed(ties)}"
    last = "the last one, " if best == cfg.epochs else ""
    best_note = f", {last}in a near tie with {also}: the score had levelled off"
elif best == cfg.epochs:
    best_note = ", the last one, so a longer run might still gain a little"
else:
    best_note = ""
publish(best_epoch=best, epochs=cfg.epochs, best_note=best_note)


def curves(narrow: bool) -> plt.Figure:
    """The losses and the validation IoU per epoch.

    Side by side; or, for a phone, stacked, to be saved at 150 dpi (about 2 pixels per CSS
    pixel on a 360 px screen).
    """
    if narrow:
        fig, (ax_loss, ax_iou) = plt.subplots(2, 1, figsize=(4.8, 6.0))
    else:
        fig, (ax_loss, ax_iou) = plt.subplots(1, 2, figsize=(7.2, 3.0))
    small = 10 if narrow else 9  # the legend and the best epoch's label
    ax_loss.plot(epochs, result["train_loss"], color=p.data, lw=1.8, label="training (crops)")
    ax_loss.plot(
        epochs, result["val_loss"], color=p.accent, lw=1.8, label="validation (whole scenes)"
    )
    ax_loss.set_yscale("log")
    ax_loss.yaxis.set_major_locator(FixedLocator([0.02, 0.03, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0]))
    ax_loss.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax_loss.yaxis.set_minor_formatter(NullFormatter())
    ax_loss.set_xlabel("epoch")
    ax_loss.set_ylabel("binary cross-entropy")
    ax_loss.legend(fontsize=small, frameon=True)
    ax_iou.plot(epochs, result["val_iou"], color=p.good, lw=1.8, marker="o", ms=3)
    ax_iou.plot(
        [best], [result["val_iou"][best - 1]], "o", ms=9, mfc="none", mec=p.highlight, mew=1.8
    )
    ax_iou.annotate(
        f"best: epoch {best}",
        (best, result["val_iou"][best - 1]),
        xytext=(-12, -28),
        textcoords="offset points",
        ha="right",
        fontsize=small,
        color=p.highlight,
        arrowprops={"arrowstyle": "-", "color": p.highlight, "lw": 0.8},
    )
    ax_iou.set_ylim(0, 1)
    ax_iou.set_xlabel("epoch")
    ax_iou.set_ylabel("validation IoU")
    for ax in (ax_loss, ax_iou):
        ax.set_xlim(0.5, cfg.epochs + 0.5)
    fig.tight_layout()
    return fig


save_layouts(curves, "training-curves.png")
