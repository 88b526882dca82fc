"""Optimisers: the step that turns gradients into new parameter values.

Both update the arrays they are given in place, so a network's layers see the new
values without being told. Parameters and gradients are dicts from a name to an array.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

__all__ = ["SGD", "Adam"]


def _check(params: Mapping[str, np.ndarray], grads: Mapping[str, np.ndarray]) -> None:
    if params.keys() != grads.keys():
        raise ValueError(f"gradients for {sorted(grads)} do not match parameters {sorted(params)}")
    for name, p in params.items():
        if grads[name].shape != p.shape:
            raise ValueError(
                f"gradient of {name} has shape {grads[name].shape}, parameter {p.shape}"
            )


class SGD:
    """Plain gradient descent, w <- w - lr * dL/dw: the step of the line-fitting posts."""

    def __init__(self, params: Mapping[str, np.ndarray], lr: float = 0.01) -> None:
        self.params = params
        self.lr = lr

    def step(self, grads: Mapping[str, np.ndarray]) -> None:
        """Move every parameter against its gradient."""
        _check(self.params, grads)
        for name, p in self.params.items():
            p -= self.lr * grads[name]


class Adam:
    """Gradient descent with a running mean of the gradient and a per-parameter step size.

    With g the gradient at step t:
    m <- b1 m + (1 - b1) g, v <- b2 v + (1 - b2) g^2,
    w <- w - lr * m_hat / (sqrt(v_hat) + eps), where m_hat = m / (1 - b1^t), v_hat = v / (1 - b2^t)
    undo the zero start of m and v. Each weight moves about lr per step at most, whatever
    the scale of its gradient.
    """

    def __init__(
        self,
        params: Mapping[str, np.ndarray],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
    ) -> None:
        if lr <= 0:
            raise ValueError(f"learning rate must be positive, got {lr}")
        self.params = params
        self.lr = lr
        self.b1, self.b2 = betas
        self.eps = eps
        self.t = 0
        self.m = {name: np.zeros_like(p) for name, p in params.items()}
        self.v = {name: np.zeros_like(p) for name, p in params.items()}

    def step(self, grads: Mapping[str, np.ndarray]) -> None:
        """Take one Adam step with ``grads``."""
        _check(self.params, grads)
        self.t += 1
        c1 = 1 - self.b1**self.t
        c2 = 1 - self.b2**self.t
        for name, p in self.params.items():
            g = grads[name]
            m, v = self.m[name], self.v[name]
            m *= self.b1
            m += (1 - self.b1) * g
            v *= self.b2
            v += (1 - self.b2) * g * g
            p -= (self.lr / c1) * m / (np.sqrt(v / c2) + self.eps)
