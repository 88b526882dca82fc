"""Losses for a per-pixel yes/no prediction, and the scores that judge a predicted mask.

The network outputs a logit z per pixel; the probability that the pixel is a bee is
sigmoid(z) = 1 / (1 + exp(-z)). Losses take logits, not probabilities, so that they
can be computed without overflow or log(0).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Scores", "bce_with_logits", "dice_loss", "scores", "sigmoid"]


def sigmoid(z: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(-z)) without overflow for large |z|."""
    e = np.exp(-np.abs(z))  # in (0, 1], never overflows
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(z.dtype, copy=False)


def bce_with_logits(
    z: np.ndarray, y: np.ndarray, pos_weight: float = 1.0
) -> tuple[float, np.ndarray]:
    """Mean binary cross-entropy of logits z against labels y (0 or 1), and dL/dz.

    Per pixel, with p = sigmoid(z) and weight w on the positives,
    L = -(w y log p + (1 - y) log(1 - p)). Writing log p = -softplus(-z) and
    log(1 - p) = -softplus(z), with softplus(z) = max(z, 0) + log(1 + exp(-|z|)),
    keeps every term finite. Its derivative is dL/dz = w y (p - 1) + (1 - y) p.
    """
    if z.shape != y.shape:
        raise ValueError(f"logits {z.shape} and labels {y.shape} must have the same shape")
    y = y.astype(z.dtype, copy=False)
    log1p_e = np.log1p(np.exp(-np.abs(z)))
    softplus_pos = np.maximum(z, 0) + log1p_e  # -log(1 - p)
    softplus_neg = softplus_pos - z  # -log p
    per_pixel = pos_weight * y * softplus_neg + (1 - y) * softplus_pos
    p = sigmoid(z)
    grad = (pos_weight * y * (p - 1) + (1 - y) * p) / z.size
    return float(per_pixel.mean()), grad.astype(z.dtype, copy=False)


def dice_loss(z: np.ndarray, y: np.ndarray, eps: float = 1.0) -> tuple[float, np.ndarray]:
    """Soft Dice loss 1 - (2 sum p y + eps) / (sum p + sum y + eps) of logits z, and dL/dz.

    It scores overlap like IoU does, so it does not care how many background pixels
    there are. With I = sum p y and S = sum p + sum y,
    dL/dp = -(2 y (S + eps) - (2 I + eps)) / (S + eps)^2, and dp/dz = p (1 - p).
    """
    if z.shape != y.shape:
        raise ValueError(f"logits {z.shape} and labels {y.shape} must have the same shape")
    y = y.astype(z.dtype, copy=False)
    p = sigmoid(z)
    inter = float((p * y).sum())
    total = float(p.sum() + y.sum())
    loss = 1.0 - (2 * inter + eps) / (total + eps)
    dp = -(2 * y * (total + eps) - (2 * inter + eps)) / (total + eps) ** 2
    return loss, (dp * p * (1 - p)).astype(z.dtype, copy=False)


@dataclass(frozen=True)
class Scores:
    """How well a predicted mask matches the true one, from pixel counts."""

    tp: int  # bee pixels predicted as bee
    fp: int  # background predicted as bee
    fn: int  # bee pixels missed

    @property
    def iou(self) -> float:
        """Intersection over union: tp / (tp + fp + fn)."""
        return self.tp / max(self.tp + self.fp + self.fn, 1)

    @property
    def precision(self) -> float:
        """Of the pixels called bee, the share that are: tp / (tp + fp)."""
        return self.tp / max(self.tp + self.fp, 1)

    @property
    def recall(self) -> float:
        """Of the bee pixels, the share found: tp / (tp + fn)."""
        return self.tp / max(self.tp + self.fn, 1)

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall, 2 tp / (2 tp + fp + fn) (equal to Dice)."""
        return 2 * self.tp / max(2 * self.tp + self.fp + self.fn, 1)


def scores(pred: np.ndarray, truth: np.ndarray) -> Scores:
    """Count true and false positives and false negatives of two boolean masks of one shape.

    Counting over all the pixels of a batch gives the pooled scores of the batch.
    """
    if pred.shape != truth.shape:
        raise ValueError(
            f"prediction {pred.shape} and truth {truth.shape} must have the same shape"
        )
    pred, truth = pred.astype(bool), truth.astype(bool)
    return Scores(
        tp=int(np.count_nonzero(pred & truth)),
        fp=int(np.count_nonzero(pred & ~truth)),
        fn=int(np.count_nonzero(~pred & truth)),
    )
