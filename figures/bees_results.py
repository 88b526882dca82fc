"""How well the trained network finds bees in held-out test scenes.

Outputs, all from the memoised training run shared with the other bee figures:

- ``bee-results.png``: the first four test scenes (never seen in training): photo,
  label, and the network's bee probability per pixel (black 0, white 1), with each
  scene's IoU at the 0.5 threshold. ``bee-results.narrow.png``, the layout for phones, is the
  same grid, narrower.
- ``bee-errors.png``: the same four scenes, dimmed, with the predicted mask compared
  to the label pixel by pixel: true positives (bee, called bee), false positives
  (called bee, not bee) and false negatives (bee, missed); the scenes in a row, the key
  below. ``bee-errors.narrow.png``, the layout for phones, puts them in a 2 x 2 grid.
- ``scores.md``: IoU, precision, recall and F1 over all test scenes, pixels pooled, with and
  without averaging over four turns, and the mean over scenes.
- ``averaging.md``: what the four-turn averaging adds to the test IoU, and why the validation
  IoU compares with the one-pass score.
- ``training-facts.md`` and ``results-facts.md``: sentences with the numbers of the run
  (parameters, the idle biases among them, scenes, epochs, steps, best epoch) and of the
  results, for the prose.
"""

# figblog: slow (on an empty cache, start before the short scripts: it trains the network)

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import to_rgb
from matplotlib.patches import Patch

from figblog.learn.metrics import scores
from figblog.learn.train import TrainConfig, network_from, trained_segmenter
from figblog.plotting import apply_theme, picture_axes, save_layouts

p = apply_theme()
cfg = TrainConfig()
result = trained_segmenter(cfg)
images, masks, probs = result["test_images"], result["test_masks"], result["test_probs"]
preds = probs > cfg.threshold
shown = range(4)


# --- photo, label, prediction ---
def results(narrow: bool) -> plt.Figure:
    """Photo, label and prediction of each scene, one scene per column.

    For the page column; or, for a phone, narrower, to be saved at 150 dpi (2 pixels per CSS
    pixel), the same grid with larger text against the pictures.
    """
    fig, axes = plt.subplots(3, 4, figsize=(4.8, 4.3) if narrow else (6.4, 5.1))
    for j, i in enumerate(shown):
        axes[0, j].imshow(images[i], interpolation="nearest")
        axes[1, j].imshow(masks[i], cmap="gray", vmin=0, vmax=1, interpolation="nearest")
        axes[2, j].imshow(probs[i], cmap="gray", vmin=0, vmax=1, interpolation="nearest")
        axes[0, j].set_title(f"test scene {i + 1}\nIoU {result['test_iou'][i]:.3f}", fontsize=9.5)
        for ax in axes[:, j]:
            picture_axes(ax, frame=p.muted)
    for ax, label in zip(axes[:, 0], ["photo", "label", "prediction"], strict=True):
        ax.set_ylabel(label)
    fig.tight_layout(pad=0.4, h_pad=0.5, w_pad=0.5)
    return fig


save_layouts(results, "bee-results.png")

# --- true and false positives, false negatives ---
colours = {"tp": to_rgb(p.good), "fp": to_rgb(p.bad), "fn": to_rgb(p.data)}


def errors(narrow: bool) -> plt.Figure:
    """The four scenes with the errors coloured in, and the key to the colours below them.

    In a row; or, for a phone, in a 2 x 2 grid with the key in one column, to be saved at
    150 dpi (about 2 pixels per CSS pixel on a 360 px screen).
    """
    if narrow:
        fig, grid = plt.subplots(2, 2, figsize=(4.8, 6.1))
        axes = grid.ravel()
    else:
        fig, axes = plt.subplots(1, 4, figsize=(7.2, 2.35))
    for ax, i in zip(axes, shown, strict=True):
        truth, pred = masks[i].astype(bool), preds[i]
        grey = images[i].mean(axis=2, keepdims=True)
        canvas = np.repeat(0.25 + 0.45 * grey, 3, axis=2)  # the photo, dimmed and grey
        canvas[truth & pred] = 0.45 * canvas[truth & pred] + 0.55 * np.array(colours["tp"])
        canvas[pred & ~truth] = colours["fp"]
        canvas[truth & ~pred] = colours["fn"]
        ax.imshow(np.clip(canvas, 0, 1), interpolation="nearest")
        ax.set_title(f"test scene {i + 1}", fontsize=10 if narrow else 9.5)
        picture_axes(ax, frame=p.muted)
    handles = [
        Patch(fc=colours["tp"], label="true positive: bee, found"),
        Patch(fc=colours["fp"], label="false positive: not bee, called bee"),
        Patch(fc=colours["fn"], label="false negative: bee, missed"),
    ]
    if narrow:
        fig.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.0, 0.0), ncol=1,
                   fontsize=10, frameon=False, handlelength=1.2)  # fmt: skip
        fig.tight_layout(pad=0.3, h_pad=0.6, w_pad=0.4, rect=(0, 0.125, 1, 1))
    else:
        fig.legend(handles=handles, loc="lower center", ncol=3, fontsize=8, frameon=False,
                   handlelength=1.2)  # fmt: skip
        fig.tight_layout(pad=0.3, w_pad=0.4, rect=(0, 0.09, 1, 1))
    return fig


save_layouts(errors, "bee-errors.png")

# --- the numbers ---
s = result["test_scores"]
per_scene = [scores(preds[i], masks[i]) for i in range(len(masks))]
ious = np.array([sc.iou for sc in per_scene])
worst, best = int(np.argmin(ious)), int(np.argmax(ious))
# The scores above use four-turn averaging (cfg.tta); the validation scores that chose the
# epoch did not. The same network, one pass per scene, makes the two comparable.
net = network_from(result)
single = scores(net.predict(images) > cfg.threshold, masks)
assert cfg.tta, "the table says the first row averages four turns"
rows = [
    "| test scenes | IoU | precision | recall | F1 |",
    "|:---|---:|---:|---:|---:|",
    f"| all {len(masks)}, pixels pooled, mean of four turns | **{s['iou']:.3f}** "
    f"| {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} |",
    f"| all {len(masks)}, pixels pooled, one pass (as in validation) | {single.iou:.3f} "
    f"| {single.precision:.3f} | {single.recall:.3f} | {single.f1:.3f} |",
    f"| one scene at a time, mean of four turns | {ious.mean():.3f} "
    f"| {np.mean([sc.precision for sc in per_scene]):.3f} "
    f"| {np.mean([sc.recall for sc in per_scene]):.3f} "
    f"| {np.mean([sc.f1 for sc in per_scene]):.3f} |",
]
with open("scores.md", "w") as fh:
    fh.write("\n".join(rows) + "\n")

best_val = max(result["val_iou"])
with open("averaging.md", "w") as fh:
    fh.write(
        "For the first row each test scene is shown to the network four times, turned by 0, 90, "
        "180 and 270 degrees, and the four answers, turned back, are averaged. The network is "
        "not rotation-equivariant: its answer for a turned scene is not exactly its answer for "
        "the scene, turned, even after training on turned crops; the four answers "
        "differ a little, mostly at the edges of the bees, and their mean smooths some of that "
        f"doubt away. The averaging lifts the pooled test IoU from {single.iou:.3f} (one pass) "
        f"to {s['iou']:.3f}, by {s['iou'] - single.iou:.3f}. The validation IoU that picked the "
        f"epoch, {best_val:.3f} on {cfg.n_val} scenes, was measured in one pass, so it compares "
        f"with the second row, not the first.\n"
    )

idle = net.n_idle_biases()
idle_drift = net.idle_bias_drift()
n_steps = cfg.epochs * -(-cfg.n_train // cfg.batch_size)
side = cfg.crop or cfg.scenes.size
with open("training-facts.md", "w") as fh:
    fh.write(
        f"The network has {result['n_parameters']:,} tunable numbers, but {idle} of them, the "
        "biases of the convolutions that feed a batch normalisation, never shape the answer: "
        "batch normalisation subtracts each channel's mean, bias and all. Their gradient is "
        "zero in exact arithmetic; in floating point it is rounding noise, which Adam, scaling "
        "each step by the gradient's own running size, turns into steps as large as any other, "
        f"so these biases wander (the farthest ends {idle_drift:.2f} away from its start at 0), "
        "but whatever they add, the normalisation takes away again. "
        f"That leaves {result['n_parameters'] - idle:,} numbers that shape the answer. "
        "It trained on "
        f"{cfg.n_train} scenes for {cfg.epochs} epochs, each step on {cfg.batch_size} random "
        f"{side} × {side} crops, turned and flipped at random: {n_steps:,} steps of Adam in all. "
        + (
            f"An epoch is one crop from each training scene: it shows the network "
            f"{(side / cfg.scenes.size) ** 2:.0%} of their pixels, a different part each time. "
            if side < cfg.scenes.size
            else ""
        )
        + f"After every epoch it was scored on {cfg.n_val} validation scenes; the best validation "
        f"IoU, {max(result['val_iou']):.3f}, came after epoch {result['best_epoch']}, "
        "and those are the weights kept.\n"
    )
with open("results-facts.md", "w") as fh:
    fh.write(
        f"Over the {len(masks)} test scenes the network marks {s['tp']:,} bee pixels correctly, "
        f"calls {s['fp']:,} background pixels bee and misses {s['fn']:,} bee pixels. "
        f"Scene by scene, IoU runs from {ious[worst]:.2f} (test scene {worst + 1}) "
        f"to {ious[best]:.2f} (test scene {best + 1}).\n"
    )
