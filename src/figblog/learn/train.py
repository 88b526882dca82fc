"""Train the U-Net to find bees in synthetic scenes, and keep what the post shows.

:func:`train_segmenter` is deterministic for a config: it makes the scenes, trains
with Adam on BCE (plus optionally Dice), scores the validation scenes after every
epoch, keeps the weights of the best epoch and scores the test scenes with them.
Figure scripts call it through the on-disk memo, so a site build trains once.
"""

from __future__ import annotations

import sys
from dataclasses import asdict, dataclass, field

import numpy as np
from tqdm import tqdm

from figblog.data.bees import SceneConfig, make_split
from figblog.learn._threads import one_blas_thread
from figblog.learn.cnn import UNet, UNetConfig
from figblog.learn.metrics import bce_with_logits, dice_loss, scores
from figblog.learn.optim import Adam
from figblog.memo import memo

__all__ = [
    "TrainConfig",
    "network_from",
    "predict_turned",
    "train_on_images",
    "train_segmenter",
    "trained_segmenter",
]


@dataclass(frozen=True)
class TrainConfig:
    """Everything that decides a training run; the defaults are the post's run."""

    net: UNetConfig = field(default_factory=UNetConfig)
    scenes: SceneConfig = field(default_factory=SceneConfig)
    n_train: int = 320  # training scenes
    n_val: int = 16  # scenes scored after each epoch to pick the best epoch
    n_test: int = 64  # scenes scored once, with the best epoch's weights
    epochs: int = 30  # passes over the training scenes
    batch_size: int = 4  # crops per gradient step: small batches, many steps
    crop: int = 48  # side of the random square crop trained on (0: whole scenes)
    lr: float = (
        5e-3  # Adam's largest step size, reached after warmup_epochs; then a cosine to lr_end
    )
    lr_end: float = 1e-4
    warmup_epochs: float = 1.0  # the step size grows linearly from zero over these first epochs
    dice_weight: float = 0.0  # loss = BCE + dice_weight * soft Dice
    threshold: float = 0.5  # a pixel is called bee when its probability is above this
    tta: bool = True  # test scenes: average the predictions for the scene turned four ways
    gif_scene: int = 5  # test scene whose prediction is recorded after every epoch
    seed: int = 0  # scenes, crops and flips
    progress: bool = True  # a progress bar on stderr

    def __post_init__(self) -> None:
        size = self.scenes.size
        if self.crop and (self.crop > size or self.crop % 2**self.net.depth):
            raise ValueError(
                f"crop {self.crop} must fit in {size} and divide by {2**self.net.depth}"
            )
        if min(self.n_train, self.n_val, self.n_test, self.epochs, self.batch_size) < 1:
            raise ValueError(f"scene counts, epochs and batch size must be positive: {self}")
        if not 0 <= self.gif_scene < self.n_test:
            raise ValueError(
                f"gif_scene {self.gif_scene} is not one of the {self.n_test} test scenes"
            )


def _augment(
    rng: np.random.Generator, x: np.ndarray, y: np.ndarray, crop: int
) -> tuple[np.ndarray, np.ndarray]:
    """Random crops (one per image), then one random flip and quarter turn for the batch."""
    n, size = x.shape[:2]
    if crop and crop < size:
        top = rng.integers(0, size - crop + 1, n)[:, None] + np.arange(crop)  # (N, crop) rows
        left = rng.integers(0, size - crop + 1, n)[:, None] + np.arange(crop)
        idx = np.arange(n)[:, None, None]
        x = x[idx, top[:, :, None], left[:, None, :]]  # (N, S, S, 3) -> (N, crop, crop, 3)
        y = y[idx, top[:, :, None], left[:, None, :]]
    k = int(rng.integers(4))
    x, y = np.rot90(x, k, axes=(1, 2)), np.rot90(y, k, axes=(1, 2))
    if rng.random() < 0.5:
        x, y = x[:, :, ::-1], y[:, :, ::-1]
    return np.ascontiguousarray(x), np.ascontiguousarray(y)


def _learning_rate(cfg: TrainConfig, step: int, total: int, steps_per_epoch: int) -> float:
    """Linear warm-up from zero, then a half cosine from ``lr`` down to ``lr_end``."""
    warm = max(1, round(cfg.warmup_epochs * steps_per_epoch))
    if step < warm:
        return cfg.lr * (step + 1) / warm
    t = (step - warm) / max(1, total - warm)
    return cfg.lr_end + 0.5 * (cfg.lr - cfg.lr_end) * (1 + np.cos(np.pi * t))


def predict_turned(net: UNet, x: np.ndarray) -> np.ndarray:
    """Mean bee probability over the four quarter turns of each image, turned back.

    ``x`` is (N, H, W, C) with H == W; the result is (N, H, W). A convolution is not
    rotation-invariant: a net trained on turned crops still answers a little differently
    for each turn of the same scene, and the mean smooths those differences out.
    """
    total = np.zeros(x.shape[:3], np.float32)
    for k in range(4):
        turned = np.ascontiguousarray(np.rot90(x, k, axes=(1, 2)))
        total += np.rot90(net.predict(turned), -k, axes=(1, 2))
    return total / 4


def _loss(cfg: TrainConfig, logits: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    loss, grad = bce_with_logits(logits, y)
    if cfg.dice_weight:
        d_loss, d_grad = dice_loss(logits, y)
        loss, grad = loss + cfg.dice_weight * d_loss, grad + cfg.dice_weight * d_grad
    return loss, grad


def train_segmenter(config: TrainConfig | None = None) -> dict:
    """Make the synthetic scenes, train from scratch, and return a picklable dict of results.

    Keys: ``config`` (as a dict), ``weights`` (name -> array: the best epoch's
    :meth:`UNet.state`; :func:`network_from` rebuilds the network),
    ``n_parameters``, ``train_loss``, ``val_loss`` and ``val_iou`` (one per epoch),
    ``best_epoch`` (1-based), ``gif_image``, ``gif_mask`` and ``gif_frames``
    (bee probabilities on one test scene before training and after each epoch,
    (epochs + 1, H, W)), ``test_images``, ``test_masks``, ``test_probs`` and
    ``test_scores`` (pooled tp, fp, fn, iou, precision, recall, f1) and ``test_iou``
    (per scene).
    """
    cfg = config or TrainConfig()
    sizes = {"train": cfg.n_train, "val": cfg.n_val, "test": cfg.n_test}
    splits = [make_split(name, n, cfg.seed, cfg.scenes) for name, n in sizes.items()]
    with one_blas_thread():
        return _fit(cfg, *splits)


def train_on_images(
    images: np.ndarray, masks: np.ndarray, config: TrainConfig | None = None, held_out: float = 0.25
) -> dict:
    """Train on your own images (N, H, W, 3) in 0..1 and masks (N, H, W) of 0 and 1.

    A seeded random ``held_out`` share of the pairs is set aside, half for validation
    and half for testing; the rest is trained on. ``config`` supplies everything but
    the scenes and their counts. H and W must be divisible by 2 ** depth and at least
    the crop size. Returns the same dict as :func:`train_segmenter`.
    """
    cfg = config or TrainConfig()
    if images.ndim != 4 or masks.shape != images.shape[:3]:
        raise ValueError(
            f"need images (N, H, W, 3) and masks (N, H, W); got {images.shape}, {masks.shape}"
        )
    side, depth = min(images.shape[1:3]), cfg.net.depth
    if cfg.crop > side or images.shape[1] % 2**depth or images.shape[2] % 2**depth:
        raise ValueError(
            f"images of {images.shape[2]}x{images.shape[1]} must be at least the crop ({cfg.crop}) "
            f"and divisible by {2**depth}; resize them (load_folder(size=...)) or change the config"
        )
    n = len(images)
    n_val = n_test = max(1, round(n * held_out / 2))
    if n - n_val - n_test < 1:
        raise ValueError(f"{n} pairs are too few to hold {held_out:.0%} out and still train")
    order = np.random.default_rng([cfg.seed, 2]).permutation(n)
    parts = np.split(order, [n - n_val - n_test, n - n_test])
    splits = [(images[idx].astype(np.float32), masks[idx].astype(np.uint8)) for idx in parts]
    with one_blas_thread():
        return _fit(cfg, *splits)


def network_from(result: dict) -> UNet:
    """The trained network of a result of :func:`train_segmenter` or :func:`train_on_images`."""
    net = UNet(UNetConfig(**result["config"]["net"]))
    net.load_state(result["weights"])
    return net


@memo
def trained_segmenter(config: TrainConfig) -> dict:
    """:func:`train_segmenter` through the on-disk memo: what figure scripts call.

    Every script that shows the network passes the same config, so a build trains
    once and the other scripts (and the second theme) read the stored result.
    """
    return train_segmenter(config)


def _fit(
    cfg: TrainConfig,
    train: tuple[np.ndarray, np.ndarray],
    val: tuple[np.ndarray, np.ndarray],
    test: tuple[np.ndarray, np.ndarray],
) -> dict:
    (x_train, y_train), (x_val, y_val), (x_test, y_test) = train, val, test
    n_train = len(x_train)
    gif = min(cfg.gif_scene, len(x_test) - 1)
    net = UNet(cfg.net)
    opt = Adam(net.parameters(), lr=cfg.lr)
    rng = np.random.default_rng([cfg.seed, 1])
    steps_per_epoch = -(-n_train // cfg.batch_size)
    total = steps_per_epoch * cfg.epochs
    threshold_logit = float(np.log(cfg.threshold / (1 - cfg.threshold)))  # p > t  <=>  z > this

    gif_frames = [net.predict(x_test[gif : gif + 1])[0]]
    history: dict[str, list[float]] = {"train_loss": [], "val_loss": [], "val_iou": []}
    best_iou, best_epoch, best = -1.0, 0, {k: v.copy() for k, v in net.state().items()}
    bar = tqdm(
        total=total,
        desc="training the bee finder",
        file=sys.stderr,
        mininterval=5.0,
        disable=not cfg.progress,
    )
    step = 0
    for epoch in range(1, cfg.epochs + 1):
        order = rng.permutation(n_train)
        losses = []
        for start in range(0, n_train, cfg.batch_size):
            batch = order[start : start + cfg.batch_size]
            x, y = _augment(rng, x_train[batch], y_train[batch], cfg.crop)
            opt.lr = _learning_rate(cfg, step, total, steps_per_epoch)
            loss, grad = _loss(cfg, net.forward(x), y)
            net.backward(grad)
            opt.step(net.gradients())
            losses.append(loss)
            step += 1
            bar.update(1)
        z_val = net.logits(x_val)
        val_iou = scores(z_val > threshold_logit, y_val).iou
        history["train_loss"].append(float(np.mean(losses)))
        history["val_loss"].append(_loss(cfg, z_val, y_val)[0])
        history["val_iou"].append(float(val_iou))
        gif_frames.append(net.predict(x_test[gif : gif + 1])[0])
        if val_iou > best_iou:
            best_iou, best_epoch = val_iou, epoch
            best = {k: v.copy() for k, v in net.state().items()}
        bar.set_postfix(
            epoch=epoch, loss=f"{np.mean(losses):.3f}", val_iou=f"{val_iou:.3f}", refresh=False
        )
    bar.close()

    net.load_state(best)
    p_test = predict_turned(net, x_test) if cfg.tta else net.predict(x_test)
    pred = p_test > cfg.threshold
    pooled = scores(pred, y_test)
    return {
        "config": asdict(cfg),
        "weights": best,
        "n_parameters": net.n_parameters(),
        **history,
        "best_epoch": best_epoch,
        "gif_image": x_test[gif],
        "gif_mask": y_test[gif],
        "gif_frames": np.stack(gif_frames).astype(np.float32),
        "test_images": x_test,
        "test_masks": y_test,
        "test_probs": p_test,
        "test_scores": {
            "tp": pooled.tp,
            "fp": pooled.fp,
            "fn": pooled.fn,
            "iou": pooled.iou,
            "precision": pooled.precision,
            "recall": pooled.recall,
            "f1": pooled.f1,
        },
        "test_iou": [scores(pred[i], y_test[i]).iou for i in range(len(x_test))],
    }
