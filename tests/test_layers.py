"""Convolutions against the loop, and every layer's backward pass against finite differences."""

from __future__ import annotations

import numpy as np
import pytest

from figblog.learn.conv import col2im, conv2d_backward, conv2d_forward, conv2d_naive, im2col
from figblog.learn.layers import BatchNorm, Concat, Conv2d, MaxPool2, ReLU, Upsample2, he_normal


def numeric_grad(f, x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central differences of the scalar f() with respect to every entry of x (changed in place)."""
    g = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + eps
        up = f()
        x[i] = old - eps
        down = f()
        x[i] = old
        g[i] = (up - down) / (2 * eps)
    return g


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(0)


SHAPES = [
    (1, 0, 3),
    (1, 1, 3),
    (2, 1, 3),
    (2, 0, 2),
    (3, 2, 3),
    (1, 0, 1),
    (1, 2, 5),
]  # stride, padding, k
CASES = [(m, s, p, k) for m in ("im2col", "shift") for s, p, k in SHAPES if m == "im2col" or s == 1]


@pytest.mark.parametrize(("method", "stride", "padding", "k"), CASES)
def test_fast_conv_matches_naive(rng, method, stride, padding, k):
    x = rng.standard_normal((2, 7, 8, 3))
    w = rng.standard_normal((k, k, 3, 4))
    b = rng.standard_normal(4)
    fast, _ = conv2d_forward(x, w, b, stride, padding, method=method)
    np.testing.assert_allclose(fast, conv2d_naive(x, w, b, stride, padding), rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize(("method", "stride", "padding", "k"), CASES)
def test_conv_backward_matches_finite_differences(rng, method, stride, padding, k):
    x = rng.standard_normal((2, 6, 5, 2))
    w = rng.standard_normal((k, k, 2, 3))
    b = rng.standard_normal(3)
    out, cache = conv2d_forward(x, w, b, stride, padding, method=method)
    r = rng.standard_normal(out.shape)  # L = sum(r * out), so dL/dout = r

    def loss() -> float:
        return float(np.sum(r * conv2d_forward(x, w, b, stride, padding, method=method)[0]))

    dx, dw, db = conv2d_backward(r, cache)
    np.testing.assert_allclose(dx, numeric_grad(loss, x), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(dw, numeric_grad(loss, w), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(db, numeric_grad(loss, b), rtol=1e-6, atol=1e-8)


def test_col2im_is_the_adjoint_of_im2col(rng):
    # <im2col(x), c> == <x, col2im(c)> for every x and c: the defining property of the backward pass.
    x = rng.standard_normal((2, 7, 7, 3))
    cols = im2col(x, 3, 2, 1)
    c = rng.standard_normal(cols.shape)
    np.testing.assert_allclose(
        np.sum(cols * c), np.sum(x * col2im(c, x.shape, 3, 2, 1)), rtol=1e-10
    )


def test_conv_rejects_mismatched_channels(rng):
    with pytest.raises(ValueError, match="conv2d needs"):
        conv2d_forward(
            rng.standard_normal((1, 4, 4, 3)), rng.standard_normal((3, 3, 2, 1)), np.zeros(1)
        )


def test_he_normal_has_the_he_spread(rng):
    w = he_normal(rng, (3, 3, 64, 64), fan_in=3 * 3 * 64)
    assert w.dtype == np.float32
    assert w.std() == pytest.approx(np.sqrt(2 / 576), rel=0.02)


def check_layer(layer, x: np.ndarray, rng: np.random.Generator) -> None:
    """Compare a layer's backward pass with finite differences of sum(r * forward(x))."""
    out = layer.forward(x)
    r = rng.standard_normal(out.shape)
    dx = layer.backward(r)

    def loss() -> float:
        return float(np.sum(r * layer.forward(x)))

    np.testing.assert_allclose(dx, numeric_grad(loss, x), rtol=1e-6, atol=1e-8)
    for name, p in layer.params.items():
        layer.forward(x)
        layer.backward(r)
        np.testing.assert_allclose(
            layer.grads[name], numeric_grad(loss, p), rtol=1e-6, atol=1e-8, err_msg=name
        )


def test_conv2d_layer_gradients(rng):
    layer = Conv2d(2, 3, 3, rng=rng)
    layer.params = {k: v.astype(np.float64) for k, v in layer.params.items()}
    check_layer(layer, rng.standard_normal((2, 5, 6, 2)), rng)


@pytest.mark.parametrize("stride", [1, 2])
def test_conv2d_without_input_gradient(rng, stride):
    x = rng.standard_normal((2, 6, 6, 3))
    full, first = Conv2d(3, 4, 3, stride, rng=rng), Conv2d(3, 4, 3, stride, input_grad=False)
    first.params = {k: v.copy() for k, v in full.params.items()}
    r = rng.standard_normal(full.forward(x).shape)
    first.forward(x)
    assert first.backward(r) is None
    full.backward(r)
    np.testing.assert_allclose(first.grads["w"], full.grads["w"])


def test_strided_conv2d_layer_gradients(rng):
    layer = Conv2d(2, 3, 2, stride=2, padding=0, rng=rng)
    layer.params = {k: v.astype(np.float64) for k, v in layer.params.items()}
    check_layer(layer, rng.standard_normal((2, 6, 4, 2)), rng)


@pytest.mark.parametrize("training", [True, False])
def test_batchnorm_gradients(rng, training):
    bn = BatchNorm(3)
    bn.params = {"gamma": rng.standard_normal(3), "beta": rng.standard_normal(3)}
    bn.buffers = {"mean": rng.standard_normal(3), "var": rng.random(3) + 0.5}
    bn.training = training
    bn.momentum = 0.0  # keep the running statistics fixed while differences are taken
    check_layer(bn, rng.standard_normal((2, 3, 4, 3)) * 2 + 1, rng)


def test_batchnorm_normalises_each_channel(rng):
    x = rng.standard_normal((4, 5, 5, 2)).astype(np.float32) * [3, 0.5] + [2, -1]
    out = BatchNorm(2).forward(x)
    np.testing.assert_allclose(out.mean(axis=(0, 1, 2)), 0, atol=1e-5)
    np.testing.assert_allclose(out.std(axis=(0, 1, 2)), 1, atol=1e-3)


def test_relu_gradients(rng):
    x = rng.standard_normal((2, 4, 4, 3))
    x[np.abs(x) < 1e-3] = 0.5  # keep away from the kink, where the derivative jumps
    check_layer(ReLU(), x, rng)


def test_maxpool_gradients_and_values(rng):
    x = rng.standard_normal((2, 4, 6, 3))
    pool = MaxPool2()
    out = pool.forward(x)
    np.testing.assert_array_equal(out[0, 1, 2], x[0, 2:4, 4:6].max(axis=(0, 1)))
    check_layer(MaxPool2(), x, rng)


def test_maxpool_rejects_odd_sizes(rng):
    with pytest.raises(ValueError, match="even"):
        MaxPool2().forward(rng.standard_normal((1, 5, 4, 1)))


def test_upsample_gradients_and_values(rng):
    x = rng.standard_normal((2, 3, 2, 3))
    out = Upsample2().forward(x)
    assert out.shape == (2, 6, 4, 3)
    np.testing.assert_array_equal(out[1, 4:6, 2:4, 1], np.full((2, 2), x[1, 2, 1, 1]))
    check_layer(Upsample2(), x, rng)


def test_concat_splits_the_gradient(rng):
    a, b = rng.standard_normal((1, 3, 3, 2)), rng.standard_normal((1, 3, 3, 4))
    cat = Concat()
    out = cat.forward(a, b)
    np.testing.assert_array_equal(out[..., :2], a)
    d = rng.standard_normal(out.shape)
    da, db = cat.backward(d)
    np.testing.assert_array_equal(da, d[..., :2])
    np.testing.assert_array_equal(db, d[..., 2:])


def test_backward_before_forward_is_an_error():
    with pytest.raises(RuntimeError, match="before forward"):
        Conv2d(1, 1).backward(np.zeros((1, 2, 2, 1)))
