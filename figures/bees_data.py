"""Three synthetic training scenes and their labels: ``bee-scenes.png``.

Top row: the scenes as the network sees them (96 x 96 pixels, shown enlarged without
smoothing). Bottom row: the label of each, white where a pixel belongs to a bee
(head, thorax, striped abdomen or wing) and black elsewhere, the way the source
post's hand-made masks were drawn. The scenes are the first three of the training
split that the post's network learns from. ``bee-scenes.narrow.png``, the layout for phones,
is the same grid, narrower. ``data-facts.md`` is the sentence with the number of scenes in each
split.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from figblog.data.bees import make_split
from figblog.learn.train import TrainConfig
from figblog.plotting import apply_theme, picture_axes, save_layouts
from figblog.values import publish

p = apply_theme()
cfg = TrainConfig()
SHOWN = 3  # scenes in the figure
images, masks = make_split("train", SHOWN, seed=cfg.seed, config=cfg.scenes)


def draw(narrow: bool) -> plt.Figure:
    """The scenes in the top row, their labels below.

    For the page column; or, for a phone, narrower, to be saved at 150 dpi (2 pixels per CSS
    pixel), the same grid with larger text against the pictures.
    """
    fig, axes = plt.subplots(2, SHOWN, figsize=(4.8, 3.55) if narrow else (7.2, 5.0))
    for j in range(SHOWN):
        axes[0, j].imshow(images[j], interpolation="nearest")
        axes[1, j].imshow(masks[j], cmap="gray", vmin=0, vmax=1, interpolation="nearest")
        for ax in axes[:, j]:
            picture_axes(ax, frame=p.muted)
        axes[0, j].set_title(f"scene {j + 1}", fontsize=10)
    axes[0, 0].set_ylabel("photo (synthetic)")
    axes[1, 0].set_ylabel("label: white = bee")
    fig.tight_layout(pad=0.4, h_pad=0.6, w_pad=0.6)
    return fig


save_layouts(draw, "bee-scenes.png")

with open("data-facts.md", "w") as fh:
    fh.write(
        f"The post uses {cfg.n_train} scenes like these for training, {cfg.n_val} more to check "
        f"progress along the way (*validation*), and {cfg.n_test} that are kept aside until the "
        "very end (*test*), so that the final scores come from pictures the network has never "
        "seen. Each split is drawn from its own seeds, so no scene is in two of them.\n"
    )

side = cfg.scenes.size
# LaTeX groups the digits with a thin space, as in the post's other formulas.
numbers = side * side * cfg.net.in_channels
publish(
    size=side,
    shown=SHOWN,
    in_channels=cfg.net.in_channels,
    input_numbers=f"{numbers:,}".replace(",", "\\,"),
)
