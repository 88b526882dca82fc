"""Losses against their definitions and finite differences; scores against hand counts."""

from __future__ import annotations

import numpy as np
import pytest

from figblog.learn.metrics import bce_with_logits, dice_loss, scores, sigmoid
from test_layers import numeric_grad


@pytest.fixture
def batch() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return rng.normal(0, 3, (2, 3, 4)), rng.random((2, 3, 4)) < 0.4


def test_sigmoid_is_finite_and_symmetric():
    z = np.array([-1000.0, -5.0, 0.0, 5.0, 1000.0])
    s = sigmoid(z)
    assert np.all(np.isfinite(s))
    np.testing.assert_allclose(s + sigmoid(-z), 1.0)
    np.testing.assert_allclose(s[1:4], 1 / (1 + np.exp(-z[1:4])))


def test_bce_matches_its_definition(batch):
    z, y = batch
    p = 1 / (1 + np.exp(-z))
    expected = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert bce_with_logits(z, y)[0] == pytest.approx(expected, rel=1e-12)


def test_bce_is_stable_for_huge_logits():
    loss, grad = bce_with_logits(np.array([800.0, -800.0]), np.array([0, 1]))
    assert loss == pytest.approx(800.0)
    np.testing.assert_allclose(grad, [0.5, -0.5])


@pytest.mark.parametrize("pos_weight", [1.0, 3.0])
def test_bce_gradient(batch, pos_weight):
    z, y = batch
    _, grad = bce_with_logits(z, y, pos_weight)
    np.testing.assert_allclose(
        grad, numeric_grad(lambda: bce_with_logits(z, y, pos_weight)[0], z), atol=1e-9
    )


def test_dice_gradient_and_range(batch):
    z, y = batch
    loss, grad = dice_loss(z, y)
    assert 0 < loss < 1
    np.testing.assert_allclose(grad, numeric_grad(lambda: dice_loss(z, y)[0], z), atol=1e-9)


def test_perfect_dice_is_zero():
    y = np.array([[1, 0], [0, 1]])
    assert dice_loss(np.where(y, 50.0, -50.0), y)[0] == pytest.approx(0.0, abs=1e-12)


def test_scores_count_pixels():
    truth = np.array([[1, 1, 0, 0], [1, 0, 0, 0]], bool)
    pred = np.array([[1, 0, 1, 0], [1, 0, 0, 0]], bool)
    s = scores(pred, truth)
    assert (s.tp, s.fp, s.fn) == (2, 1, 1)
    assert s.iou == pytest.approx(2 / 4)
    assert s.precision == pytest.approx(2 / 3)
    assert s.recall == pytest.approx(2 / 3)
    assert s.f1 == pytest.approx(2 / 3)


def test_scores_of_empty_masks_are_zero_not_nan():
    s = scores(np.zeros((2, 2), bool), np.zeros((2, 2), bool))
    assert (s.iou, s.precision, s.recall, s.f1) == (0.0, 0.0, 0.0, 0.0)


def test_shape_mismatch_is_an_error():
    with pytest.raises(ValueError, match="same shape"):
        scores(np.zeros((2, 2)), np.zeros((2, 3)))
