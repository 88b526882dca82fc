"""Optimisers: the update rules, and that they reach a known minimum."""

from __future__ import annotations

import numpy as np
import pytest

from figblog.learn.optim import SGD, Adam


def test_sgd_step_is_lr_times_gradient():
    w = np.array([1.0, -2.0])
    SGD({"w": w}, lr=0.1).step({"w": np.array([2.0, 4.0])})
    np.testing.assert_allclose(w, [0.8, -2.4])


def test_first_adam_step_moves_each_weight_by_lr():
    # After bias correction the first step is lr * g / |g|, whatever the gradient's scale.
    w = np.array([0.0, 0.0, 0.0])
    Adam({"w": w}, lr=0.01).step({"w": np.array([1e-3, -5.0, 200.0])})
    np.testing.assert_allclose(w, [-0.01, 0.01, -0.01], rtol=1e-4)


def test_adam_finds_the_minimum_of_a_bowl():
    target = np.array([3.0, -1.0, 0.5])
    w = np.zeros(3)
    opt = Adam({"w": w}, lr=0.05)
    for _ in range(2000):
        opt.step({"w": 2 * (w - target) * np.array([1.0, 10.0, 100.0])})  # badly scaled bowl
    np.testing.assert_allclose(w, target, atol=1e-3)


def test_adam_updates_in_place():
    w = np.ones(2)
    params = {"w": w}
    Adam(params).step({"w": np.ones(2)})
    assert params["w"] is w
    assert np.all(w < 1)


def test_mismatched_gradients_are_an_error():
    with pytest.raises(ValueError, match="do not match"):
        Adam({"w": np.zeros(2)}).step({"v": np.zeros(2)})
    with pytest.raises(ValueError, match="shape"):
        SGD({"w": np.zeros(2)}).step({"w": np.zeros(3)})
