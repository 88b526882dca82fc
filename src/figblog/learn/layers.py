"""Layers of a small convolutional network, each with its forward and backward maths side by side.

Images are ``(N, H, W, C)`` arrays (channels last); :mod:`figblog.learn.conv` explains
why, and holds the convolution itself. Each layer keeps what its backward pass needs
from the last forward pass; ``params`` and ``grads`` map the same names to arrays of
the same shapes.
"""

from __future__ import annotations

import numpy as np

from figblog.learn.conv import channel_sum, conv2d_backward, conv2d_forward

__all__ = ["BatchNorm", "Concat", "Conv2d", "MaxPool2", "ReLU", "Upsample2", "he_normal"]


def he_normal(rng: np.random.Generator, shape: tuple[int, ...], fan_in: int) -> np.ndarray:
    """Weights drawn from N(0, 2 / fan_in), which keeps activations' scale through ReLUs."""
    return (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(np.float32)


class Conv2d:
    """A k x k convolution with bias, He-initialised: (N, H, W, C_in) -> (N, Ho, Wo, C_out).

    With ``input_grad=False`` (a first layer, fed by data) backward skips dL/dx and returns None.
    """

    def __init__(
        self,
        c_in: int,
        c_out: int,
        k: int = 3,
        stride: int = 1,
        padding: int | None = None,
        rng: np.random.Generator | None = None,
        input_grad: bool = True,
    ) -> None:
        rng = rng if rng is not None else np.random.default_rng(0)
        self.stride = stride
        self.input_grad = input_grad
        self.padding = k // 2 if padding is None else padding  # "same" size for odd k, stride 1
        self.params = {
            "w": he_normal(rng, (k, k, c_in, c_out), fan_in=k * k * c_in),
            "b": np.zeros(c_out, np.float32),
        }
        self.grads = {name: np.zeros_like(p) for name, p in self.params.items()}
        self._cache: tuple | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Convolve x (N, H, W, C_in)."""
        out, self._cache = conv2d_forward(
            x, self.params["w"], self.params["b"], self.stride, self.padding
        )
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray | None:
        """Store dL/dw and dL/db in ``grads`` and return dL/dx (None without ``input_grad``)."""
        if self._cache is None:
            raise RuntimeError("Conv2d.backward called before forward")
        dx, self.grads["w"], self.grads["b"] = conv2d_backward(dout, self._cache, self.input_grad)
        self._cache = None
        return dx


class BatchNorm:
    """Normalise each channel over the batch and pixels, then scale and shift: (N, H, W, C) -> same.

    Training: xhat = (x - mean) / sqrt(var + eps), out = gamma * xhat + beta, with the
    mean and variance of this batch; their running averages are kept for inference
    (``training = False``), when one image should not depend on the others.
    """

    def __init__(self, channels: int, momentum: float = 0.1, eps: float = 1e-5) -> None:
        self.params = {
            "gamma": np.ones(channels, np.float32),
            "beta": np.zeros(channels, np.float32),
        }
        self.grads = {name: np.zeros_like(p) for name, p in self.params.items()}
        self.buffers = {
            "mean": np.zeros(channels, np.float32),
            "var": np.ones(channels, np.float32),
        }
        self.momentum, self.eps, self.training = momentum, eps, True
        self._cache: tuple | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Normalise x (N, H, W, C) per channel."""
        if not self.training:  # a fixed affine map: x * scale + shift
            inv_std = (1.0 / np.sqrt(self.buffers["var"] + self.eps)).astype(x.dtype)
            scale = self.params["gamma"] * inv_std
            self._cache = (x, self.buffers["mean"].astype(x.dtype), inv_std)
            out = x * scale
            out += self.params["beta"] - self.buffers["mean"] * scale
            return out
        count = x.size // x.shape[-1]
        mean = channel_sum(x) / count
        flat = x.reshape(-1, x.shape[-1])
        var = np.maximum(np.einsum("ij,ij->j", flat, flat) / count - mean * mean, 0)
        m = self.momentum
        self.buffers["mean"] = ((1 - m) * self.buffers["mean"] + m * mean).astype(np.float32)
        self.buffers["var"] = ((1 - m) * self.buffers["var"] + m * var).astype(np.float32)
        inv_std = (1.0 / np.sqrt(var + self.eps)).astype(x.dtype)
        xhat = (x - mean) * inv_std
        self._cache = (xhat, inv_std)
        out = xhat * self.params["gamma"]
        out += self.params["beta"]
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Gradients of gamma and beta, and dL/dx through the batch statistics.

        With means over the M = N*H*W values of each channel:
        dx = gamma * inv_std * (dout - mean(dout) - xhat * mean(dout * xhat)).
        """
        if self._cache is None:
            raise RuntimeError("BatchNorm.backward called before forward")
        if len(self._cache) == 3:  # inference mode: mean and inv_std were constants
            x, mean, inv_std = self._cache
            xhat = (x - mean) * inv_std
        else:
            xhat, inv_std = self._cache
        c = dout.shape[-1]
        self.grads["beta"] = channel_sum(dout)
        self.grads["gamma"] = np.einsum("ij,ij->j", dout.reshape(-1, c), xhat.reshape(-1, c))
        scale = self.params["gamma"] * inv_std
        if not self.training:
            return dout * scale
        count = dout.size // c
        dx = xhat * (self.grads["gamma"] / count)
        np.subtract(dout, dx, out=dx)
        dx -= self.grads["beta"] / count
        dx *= scale
        return dx


class ReLU:
    """max(x, 0); its derivative is 1 where x > 0 and 0 elsewhere."""

    params: dict[str, np.ndarray] = {}
    grads: dict[str, np.ndarray] = {}

    def __init__(self) -> None:
        self._positive: np.ndarray | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Clip negatives to zero (any shape)."""
        self._positive = x > 0
        return np.maximum(x, 0)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Pass the gradient through where the input was positive."""
        if self._positive is None:
            raise RuntimeError("ReLU.backward called before forward")
        return dout * self._positive


def _quarters(x: np.ndarray) -> list[np.ndarray]:
    """The four pixels of every 2 x 2 block, as views: (N, H, W, C) -> 4 x (N, H/2, W/2, C)."""
    return [x[:, i::2, j::2] for i in (0, 1) for j in (0, 1)]


class MaxPool2:
    """Largest value of each 2 x 2 block: (N, H, W, C) -> (N, H/2, W/2, C)."""

    params: dict[str, np.ndarray] = {}
    grads: dict[str, np.ndarray] = {}

    def __init__(self) -> None:
        self._cache: tuple[np.ndarray, np.ndarray] | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Down-sample by two; H and W must be even."""
        h, w = x.shape[1:3]
        if h % 2 or w % 2:
            raise ValueError(f"MaxPool2 needs even height and width, got {h}x{w}")
        a, b, c, d = _quarters(x)  # elementwise over views: far faster than max(axis=...)
        out = np.maximum(a, b)
        np.maximum(out, c, out=out)
        np.maximum(out, d, out=out)
        self._cache = (x, out)
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Send each output's gradient back to the input that was largest."""
        if self._cache is None:
            raise RuntimeError("MaxPool2.backward called before forward")
        x, out = self._cache
        hits = [q == out for q in _quarters(x)]
        # Ties (several equal maxima) share the gradient, which is a valid subgradient.
        share = dout / (hits[0].astype(dout.dtype) + hits[1] + hits[2] + hits[3])
        dx = np.empty(x.shape, dout.dtype)
        for dq, hit in zip(_quarters(dx), hits, strict=True):
            np.multiply(share, hit, out=dq)
        return dx


class Upsample2:
    """Nearest-neighbour up-sampling, a pixel to a 2 x 2 block: (N, H, W, C) -> (N, 2H, 2W, C)."""

    params: dict[str, np.ndarray] = {}
    grads: dict[str, np.ndarray] = {}

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Repeat every pixel twice along each spatial axis."""
        n, h, w, c = x.shape
        return np.broadcast_to(x[:, :, None, :, None, :], (n, h, 2, w, 2, c)).reshape(
            n, 2 * h, 2 * w, c
        )

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Each input pixel fed four outputs, so its gradient is their sum."""
        a, b, c, d = _quarters(dout)
        dx = a + b
        dx += c
        dx += d
        return dx


class Concat:
    """Join two feature maps along channels (the skip connection of a U-Net)."""

    params: dict[str, np.ndarray] = {}
    grads: dict[str, np.ndarray] = {}

    def __init__(self) -> None:
        self._split: int | None = None

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """(N, H, W, Ca) and (N, H, W, Cb) -> (N, H, W, Ca+Cb)."""
        if a.shape[:3] != b.shape[:3]:
            raise ValueError(f"cannot concatenate feature maps of shapes {a.shape} and {b.shape}")
        self._split = a.shape[3]
        return np.concatenate([a, b], axis=3)

    def backward(self, dout: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Split the gradient back into the two inputs' channels."""
        if self._split is None:
            raise RuntimeError("Concat.backward called before forward")
        return dout[..., : self._split], dout[..., self._split :]
