"""Fitting a line by gradient descent, with the gold standards to check it against.

The model is a line ``f(x) = w0 * x + w1`` with ``w = array([w0, w1]) = [slope, intercept]``.
Its loss is the mean squared error over ``n`` points::

    L(w) = 1/n * sum_i (w0 * x_i + w1 - y_i) ** 2

and the loss's gradient, written out, is::

    dL/dw0 = 2/n * sum_i (w0 * x_i + w1 - y_i) * x_i
    dL/dw1 = 2/n * sum_i (w0 * x_i + w1 - y_i)

:func:`numerical_gradient` (central differences) and :func:`least_squares` (the closed-form
minimum) are the slow, obviously correct versions the descent is tested against.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = [
    "DescentPath",
    "gradient_descent",
    "largest_stable_rate",
    "least_squares",
    "mse_curvature",
    "mse",
    "mse_gradient",
    "mse_grid",
    "numerical_gradient",
    "predict",
]


@dataclass(frozen=True)
class DescentPath:
    """Every step of one run of batch gradient descent.

    ``w[k]`` holds the parameters after ``k`` steps (``w[0]`` is the start) and ``loss[k]``
    the mean squared error there.
    """

    w: np.ndarray  # (steps + 1, 2): [slope, intercept] at every step
    loss: np.ndarray  # (steps + 1,): MSE at every step
    learning_rate: float

    @property
    def steps(self) -> int:
        """Return the number of steps taken."""
        return len(self.loss) - 1

    @property
    def final(self) -> np.ndarray:
        """Return the parameters after the last step, shape (2,)."""
        return self.w[-1]


def _check_data(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return ``x`` and ``y`` as 1-D float arrays, or raise ValueError saying what is wrong."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.ndim != 1 or y.ndim != 1:
        raise ValueError(f"x and y must be 1-D arrays, got shapes {x.shape} and {y.shape}")
    if len(x) != len(y):
        raise ValueError(f"x and y must have the same length, got {len(x)} and {len(y)}")
    if len(x) == 0:
        raise ValueError("x and y are empty: a line needs at least one point to be scored")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise ValueError("x and y must be finite: found NaN or inf in the data")
    return x, y


def _check_w(w: np.ndarray) -> np.ndarray:
    """Return ``w`` as a float array of shape (2,), or raise ValueError."""
    w = np.asarray(w, dtype=float)
    if w.shape != (2,):
        raise ValueError(f"w must be [slope, intercept] with shape (2,), got shape {w.shape}")
    if not np.all(np.isfinite(w)):
        raise ValueError(f"w must be finite, got {w.tolist()}")
    return w


def _loss_and_gradient(w: np.ndarray, x: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Return the MSE and its gradient for checked inputs: the forward maths beside the backward."""
    residual = w[0] * x + w[1] - y  # (n,)
    loss = residual @ residual / len(x)
    grad = np.array([2.0 * (residual @ x), 2.0 * residual.sum()]) / len(x)  # (2,)
    return float(loss), grad


def predict(w: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Return the line's values ``w0 * x + w1`` at ``x`` (any shape)."""
    w = _check_w(w)
    return w[0] * np.asarray(x, dtype=float) + w[1]


def mse(w: np.ndarray, x: np.ndarray, y: np.ndarray) -> float:
    """Return the mean squared error of the line ``w = [slope, intercept]`` on points (x, y)."""
    x, y = _check_data(x, y)
    return _loss_and_gradient(_check_w(w), x, y)[0]


def mse_gradient(w: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Return the gradient of :func:`mse` with respect to ``w``: ``[dL/dw0, dL/dw1]``."""
    x, y = _check_data(x, y)
    return _loss_and_gradient(_check_w(w), x, y)[1]


def mse_grid(w0: np.ndarray, w1: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Return the MSE at every pair of a grid of slopes ``w0`` and intercepts ``w1``.

    The result has shape ``(len(w1), len(w0))``, rows along the intercept, as
    ``matplotlib``'s ``pcolormesh(w0, w1, loss)`` expects. It expands the square,
    ``L = w0^2 <x^2> + 2 w0 w1 <x> + w1^2 - 2 w0 <xy> - 2 w1 <y> + <y^2>``,
    so the cost does not grow with the number of points.
    """
    x, y = _check_data(x, y)
    a = np.asarray(w0, dtype=float)[None, :]  # (1, n0)
    b = np.asarray(w1, dtype=float)[:, None]  # (n1, 1)
    mx, my = x.mean(), y.mean()
    mxx, mxy, myy = (x * x).mean(), (x * y).mean(), (y * y).mean()
    loss = a * a * mxx + 2 * a * b * mx + b * b - 2 * a * mxy - 2 * b * my + myy
    return np.maximum(loss, 0.0)  # rounding can dip a hair below zero at an exact fit


def numerical_gradient(
    f: Callable[[np.ndarray], float], w: np.ndarray, h: float = 1e-6
) -> np.ndarray:
    """Return the gradient of ``f`` at ``w`` by central differences.

    Component ``i`` is ``(f(w + h e_i) - f(w - h e_i)) / (2 h)``. It needs two calls of ``f``
    per parameter, which is why training uses the analytic gradient and keeps this to check it.
    """
    w = np.asarray(w, dtype=float)
    if w.ndim != 1 or len(w) == 0:
        raise ValueError(f"w must be a non-empty 1-D array, got shape {w.shape}")
    if not np.all(np.isfinite(w)):
        raise ValueError(f"w must be finite, got {w.tolist()}")
    if not (np.isfinite(h) and h > 0):
        raise ValueError(f"step h must be a positive finite number, got {h}")
    grad = np.empty_like(w)
    for i in range(len(w)):
        step = np.zeros_like(w)
        step[i] = h
        grad[i] = (f(w + step) - f(w - step)) / (2.0 * h)
    return grad


def gradient_descent(
    x: np.ndarray,
    y: np.ndarray,
    w0: np.ndarray,
    learning_rate: float,
    steps: int,
    *,
    x_scale: float = 1.0,
) -> DescentPath:
    """Fit a line to (x, y) by batch gradient descent and return every step.

    Each step uses all points: ``w <- w - learning_rate * grad L(w)``. ``w0`` is the starting
    ``[slope, intercept]``.

    ``x_scale`` lets the descent see ``x / x_scale`` instead of ``x`` (say minutes as hours,
    ``x_scale=60``). When ``x`` is large the slope's gradient dwarfs the intercept's, and a
    learning rate small enough for one is far too small for the other; rescaling evens them
    out. The learning rate then applies in the rescaled units, while ``w0`` and the returned
    path stay in the units of ``x``: the lines, and their losses, are the same.

    A learning rate too large for the data makes the loss grow without bound; when it stops
    being a finite number, this raises ValueError.
    """
    x, y = _check_data(x, y)
    w = _check_w(w0).copy()
    if not (np.isfinite(learning_rate) and learning_rate > 0):
        raise ValueError(f"learning_rate must be a positive finite number, got {learning_rate}")
    if isinstance(steps, bool) or not isinstance(steps, int | np.integer) or steps < 0:
        raise ValueError(f"steps must be a non-negative integer, got {steps!r}")
    if not (np.isfinite(x_scale) and x_scale > 0):
        raise ValueError(f"x_scale must be a positive finite number, got {x_scale}")

    unit = np.array([x_scale, 1.0])  # slope per scaled x = slope per x * x_scale
    x = x / x_scale
    w = w * unit
    path = np.empty((steps + 1, 2))
    loss = np.empty(steps + 1)
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(steps + 1):
            path[k] = w
            loss[k], grad = _loss_and_gradient(w, x, y)
            if not np.isfinite(loss[k]):
                raise ValueError(
                    f"the descent diverged at step {k} with learning_rate={learning_rate}: "
                    "the loss is no longer finite; use a smaller learning rate"
                )
            w = w - learning_rate * grad
    return DescentPath(w=path / unit, loss=loss, learning_rate=float(learning_rate))


def least_squares(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Return the ``[slope, intercept]`` that minimises :func:`mse`, in closed form.

    It solves the normal equations through ``numpy.linalg.lstsq``. The answer is unique only
    when ``x`` holds at least two different values; otherwise this raises ValueError.
    """
    x, y = _check_data(x, y)
    if np.ptp(x) == 0:
        raise ValueError("least squares needs at least two different x values to fix a slope")
    design = np.column_stack([x, np.ones_like(x)])  # (n, 2)
    w, *_ = np.linalg.lstsq(design, y, rcond=None)
    return w


def mse_curvature(x: np.ndarray, *, x_scale: float = 1.0) -> tuple[float, float]:
    """Return how curved the MSE surface is along its flattest and its steepest direction.

    The MSE is a quadratic in ``w``; its second derivatives do not depend on ``y`` or ``w``:
    ``H = 2 * [[<x^2>, <x>], [<x>, 1]]`` with ``<.>`` the mean over the points, here of
    ``x / x_scale``, the units the descent sees. Returns ``(lowest, highest)`` eigenvalue of
    ``H``. Their ratio says how long and narrow the valley is.
    """
    x, _ = _check_data(x, np.zeros_like(np.asarray(x, dtype=float)))
    if not (np.isfinite(x_scale) and x_scale > 0):
        raise ValueError(f"x_scale must be a positive finite number, got {x_scale}")
    x = x / x_scale
    hessian = 2.0 * np.array([[np.mean(x * x), np.mean(x)], [np.mean(x), 1.0]])
    low, high = np.linalg.eigvalsh(hessian)  # ascending
    return float(low), float(high)


def largest_stable_rate(x: np.ndarray, *, x_scale: float = 1.0) -> float:
    """Return the learning rate above which :func:`gradient_descent` on ``x`` blows up.

    Along the steepest direction each step multiplies the distance to the minimum by
    ``1 - rate * highest``; beyond ``2 / highest`` that factor is below -1 and every step
    overshoots further than the last.
    """
    return 2.0 / mse_curvature(x, x_scale=x_scale)[1]
