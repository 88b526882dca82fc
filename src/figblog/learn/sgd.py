"""Descent one point at a time, the way the "gradient descent in a sheet" spreadsheet does it.

The model is a line ``m * x + b``. Each row of the sheet looks at one point ``(x, y)`` and its
squared error ``e(m, b) = (m * x + b - y) ** 2``, estimates ``de/dm`` and ``de/db``, and steps::

    new_m = m - lr * de/dm
    new_b = b - lr * de/db

Both derivatives are taken at the row's ``(m, b)``: ``new_b`` does not use ``new_m``. The sheet's
eleven visible rows fit that reading to the last printed digit and do not fit the other one.
One pass over every point, in order, is an epoch.

The derivatives come either from a forward difference with step ``h`` (what the sheet's prose
describes; its extra columns hold ``e(m + h, b)`` and ``e(m, b + h)``)::

    de/dm ~ (e(m + h, b) - e(m, b)) / h = 2 x (m x + b - y) + h x**2
    de/db ~ (e(m, b + h) - e(m, b)) / h = 2 (m x + b - y) + h

or from the formulas themselves (``method="analytic"``). ``swapped=True`` reproduces the sheet's
slip: its column labelled de/dm holds de/db and the other way round.

Two ways to sum up a line's misfit over ``n`` points: :func:`rmse` is the root of the *mean*
squared error; :func:`root_sum_squares` is the root of the *sum*, which the sheet labels "rmse".
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = [
    "B_TRUE",
    "DRAW_RANGE",
    "M_TRUE",
    "ROW_COLUMNS",
    "SHEET_ROWS",
    "SHEET_X",
    "DescentConfig",
    "EpochRun",
    "balance_point",
    "descend",
    "five_points",
    "point_gradient",
    "rmse",
    "rmse_grid",
    "root_sum_squares",
    "run_epoch",
    "training_points",
]

M_TRUE, B_TRUE = 2.0, 30.0  # the line the sheet's points lie on: y = 2x + 30
SHEET_X = (7, 9, 28, 30, 50, 22, 3, 9, 30, 23, 40)  # the x values the sheet's dump shows
N_TRAIN = 20  # the sheet's descent table has twenty rows

# The eleven rows of the descent table the dump shows, after 51 epochs, as printed (rounded):
# x, y, m, b, value in the column labelled de/dm, new m, value in the column labelled de/db, new b.
SHEET_ROWS = (
    (7, 44, 2.051, 25.075, -9, 2.052, -64, 25.081),
    (9, 48, 2.052, 25.081, -9, 2.053, -80, 25.089),
    (28, 86, 2.053, 25.089, -7, 2.053, -192, 25.109),
    (30, 90, 2.053, 25.109, -7, 2.054, -197, 25.128),
    (50, 130, 2.054, 25.128, -4, 2.055, -216, 25.150),
    (22, 74, 2.055, 25.150, -7, 2.055, -161, 25.166),
    (3, 36, 2.055, 25.166, -9, 2.056, -28, 25.169),
    (9, 48, 2.056, 25.169, -9, 2.057, -78, 25.177),
    (30, 90, 2.057, 25.177, -6, 2.058, -187, 25.195),
    (23, 76, 2.058, 25.195, -7, 2.058, -160, 25.211),
    (40, 110, 2.058, 25.211, -5, 2.059, -196, 25.231),
)
_DRAW_SEED = 2026  # draws the nine x values the dump cut off
DRAW_RANGE = (1, 50)  # the drawn x values are whole numbers in this range, ends included

# One row of the sheet's descent table, in the sheet's column order.
ROW_COLUMNS = (
    "x",
    "y",
    "m",
    "b",
    "prediction",  # m x + b
    "error_sq",  # e(m, b)
    "error_m_h",  # e(m + h, b)
    "de_dm",  # the value in the column labelled de/dm
    "new_m",
    "error_b_h",  # e(m, b + h)
    "de_db",  # the value in the column labelled de/db
    "new_b",
)


def _positive(value: object) -> bool:
    """Return True for a finite real number above zero (not a bool, not a string)."""
    ok = isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)
    return ok and math.isfinite(value) and value > 0


@dataclass(frozen=True, kw_only=True)
class DescentConfig:
    """How the sheet takes a step."""

    learning_rate: float = 1e-4  # the sheet's "learn" cell
    h: float = 0.01  # the nudge given to m or b in the finite difference
    method: str = "finite"  # "finite" (forward difference) or "analytic" (the formulas)
    swapped: bool = False  # True: de/dm and de/db trade places, as in the sheet

    def __post_init__(self) -> None:
        """Reject settings that cannot describe a step."""
        if not _positive(self.learning_rate):
            raise ValueError(f"learning_rate must be a positive number, got {self.learning_rate!r}")
        if not _positive(self.h):
            raise ValueError(f"h must be a positive number, got {self.h!r}")
        if self.method not in ("finite", "analytic"):
            raise ValueError(f"method must be 'finite' or 'analytic', got {self.method!r}")


@dataclass(frozen=True)
class EpochRun:
    """A run of several epochs from one start.

    ``m[k]``, ``b[k]`` and ``rmse[k]`` hold the state after ``k`` epochs (``k = 0`` is the
    start); ``path`` holds ``(m, b)`` after every single step; ``first_epoch`` is the sheet's
    table for the first pass, one row per point, columns in :data:`ROW_COLUMNS` order.
    """

    m: np.ndarray  # (epochs + 1,)
    b: np.ndarray  # (epochs + 1,)
    rmse: np.ndarray  # (epochs + 1,)
    path: np.ndarray  # (epochs * n + 1, 2)
    first_epoch: np.ndarray  # (n, 12), or (0, 12) when no epoch was run
    config: DescentConfig


def five_points() -> tuple[np.ndarray, np.ndarray]:
    """Return the sheet's five example points, x = 7, 9, 28, 30, 50 on y = 2x + 30."""
    x = np.array(SHEET_X[:5], dtype=float)
    return x, M_TRUE * x + B_TRUE


def training_points() -> tuple[np.ndarray, np.ndarray]:
    """Return the twenty points of the descent: the sheet's eleven, then nine drawn ones.

    The nine are whole numbers from 1 to 50 drawn with a fixed seed, since the dump stops after
    the eleventh row; every y sits exactly on y = 2x + 30, as in the sheet.
    """
    drawn = np.random.default_rng(_DRAW_SEED).integers(
        DRAW_RANGE[0], DRAW_RANGE[1] + 1, size=N_TRAIN - len(SHEET_X)
    )
    x = np.concatenate([np.array(SHEET_X, dtype=float), drawn.astype(float)])
    return x, M_TRUE * x + B_TRUE


def _check_data(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return ``x`` and ``y`` as 1-D float arrays, or raise ValueError saying what is wrong."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.ndim != 1 or y.ndim != 1:
        raise ValueError(f"x and y must be 1-D, got shapes {x.shape} and {y.shape}")
    if len(x) != len(y):
        raise ValueError(f"x and y must have the same length, got {len(x)} and {len(y)}")
    if len(x) == 0:
        raise ValueError("x and y are empty: there is no point to learn from")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise ValueError("x and y must be finite: found NaN or inf")
    return x, y


def _squared_errors(m: np.ndarray, b: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Return ``(m x + b - y)**2`` for every point, broadcasting m and b: (...,) -> (..., n)."""
    r = np.asarray(m, dtype=float)[..., None] * x + np.asarray(b, dtype=float)[..., None] - y
    return r * r


def rmse(m: float | np.ndarray, b: float | np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Return the root of the mean squared error of the line ``m x + b`` over the points."""
    x, y = _check_data(x, y)
    return np.sqrt(np.mean(_squared_errors(m, b, x, y), axis=-1))


def root_sum_squares(
    m: float | np.ndarray, b: float | np.ndarray, x: np.ndarray, y: np.ndarray
) -> np.ndarray:
    """Return the root of the *sum* of squared errors: what the sheet's "rmse" cell computes.

    It equals ``rmse * sqrt(n)``, so it grows with the number of points.
    """
    x, y = _check_data(x, y)
    return np.sqrt(np.sum(_squared_errors(m, b, x, y), axis=-1))


def rmse_grid(ms: np.ndarray, bs: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Return RMSE for every pair: ``grid[i, j]`` is the RMSE of ``ms[i] * x + bs[j]``."""
    ms = np.asarray(ms, dtype=float)
    bs = np.asarray(bs, dtype=float)
    if ms.ndim != 1 or bs.ndim != 1:
        raise ValueError(f"ms and bs must be 1-D, got shapes {ms.shape} and {bs.shape}")
    mm, bb = np.meshgrid(ms, bs, indexing="ij")  # (len(ms), len(bs))
    return rmse(mm, bb, x, y)


def point_gradient(
    m: float, b: float, x: float, y: float, method: str = "finite", h: float = 0.01
) -> tuple[float, float]:
    """Return ``(de/dm, de/db)`` of one point's squared error at ``(m, b)``.

    ``method="finite"`` uses forward differences with step ``h``, which overshoot the true
    slopes by ``h * x**2`` and ``h``; ``method="analytic"`` uses ``2x(mx+b-y)`` and ``2(mx+b-y)``.
    """
    if method not in ("finite", "analytic"):
        raise ValueError(f"method must be 'finite' or 'analytic', got {method!r}")
    if not _positive(h):
        raise ValueError(f"h must be a positive number, got {h!r}")
    r = m * x + b - y
    if method == "analytic":
        return 2.0 * x * r, 2.0 * r
    e = r * r
    r_m = (m + h) * x + b - y
    r_b = m * x + (b + h) - y
    return (r_m * r_m - e) / h, (r_b * r_b - e) / h


def balance_point(
    x: np.ndarray, y: np.ndarray, method: str = "finite", h: float = 0.01
) -> tuple[float, float]:
    """Return the ``(m, b)`` where the steps of one epoch, taken from one place, sum to zero.

    With ``method="analytic"`` that is the least-squares line. Forward differences shift it:
    they measure the slope in m at ``m + h/2`` and the slope in b at ``b + h/2``, so the
    finite-difference descent heads for a point ``O(h)`` away. Swapping the columns changes
    neither equation, only which parameter each one moves, so the point is the same.
    """
    x, y = _check_data(x, y)
    if method not in ("finite", "analytic"):
        raise ValueError(f"method must be 'finite' or 'analytic', got {method!r}")
    if not _positive(h):
        raise ValueError(f"h must be a positive number, got {h!r}")
    shift = h if method == "finite" else 0.0
    n = len(x)
    # sum_i 2 x_i r_i + h x_i^2 = 0 and sum_i 2 r_i + h = 0, with r_i = m x_i + b - y_i
    lhs = np.array([[x @ x, x.sum()], [x.sum(), n]])
    rhs = np.array([x @ y - shift * (x @ x) / 2, y.sum() - shift * n / 2])
    if abs(np.linalg.det(lhs)) < 1e-12 * max(1.0, float(x @ x)) ** 2:
        raise ValueError("all x are equal: no single line is the best, the slope is undetermined")
    m, b = np.linalg.solve(lhs, rhs)
    return float(m), float(b)


def _row(m: float, b: float, x: float, y: float, config: DescentConfig) -> list[float]:
    """Return one row of the sheet's table (see :data:`ROW_COLUMNS`) for the point ``(x, y)``."""
    r = m * x + b - y
    r_m = (m + config.h) * x + b - y
    r_b = m * x + (b + config.h) - y
    de_dm, de_db = point_gradient(m, b, x, y, config.method, config.h)
    if config.swapped:
        de_dm, de_db = de_db, de_dm
    new_m = m - config.learning_rate * de_dm
    new_b = b - config.learning_rate * de_db  # de_db was taken at the old m, as in the sheet
    return [x, y, m, b, m * x + b, r * r, r_m * r_m, de_dm, new_m, r_b * r_b, de_db, new_b]


def run_epoch(
    m: float, b: float, x: np.ndarray, y: np.ndarray, config: DescentConfig | None = None
) -> tuple[float, float, np.ndarray]:
    """Take one step per point, in order; return the final ``m``, ``b`` and the (n, 12) table."""
    x, y = _check_data(x, y)
    config = config or DescentConfig()
    m, b = float(m), float(b)
    rows = []
    for xi, yi in zip(x.tolist(), y.tolist(), strict=True):
        row = _row(m, b, xi, yi, config)
        rows.append(row)
        m, b = row[8], row[11]
    return m, b, np.array(rows)


def descend(
    x: np.ndarray,
    y: np.ndarray,
    epochs: int,
    m0: float = 1.0,
    b0: float = 1.0,
    config: DescentConfig | None = None,
) -> EpochRun:
    """Run ``epochs`` passes from ``(m0, b0)`` and record what the sheet records, and the path."""
    x, y = _check_data(x, y)
    if isinstance(epochs, bool) or not isinstance(epochs, int | np.integer) or epochs < 0:
        raise ValueError(f"epochs must be a whole number >= 0, got {epochs!r}")
    if not (math.isfinite(m0) and math.isfinite(b0)):
        raise ValueError(f"the start must be finite, got m0={m0}, b0={b0}")
    config = config or DescentConfig()
    m, b = float(m0), float(b0)
    ms, bs, path = [m], [b], [(m, b)]
    first = np.empty((0, len(ROW_COLUMNS)))
    for epoch in range(int(epochs)):
        m, b, rows = run_epoch(m, b, x, y, config)
        if epoch == 0:
            first = rows
        path.extend(zip(rows[:, 8].tolist(), rows[:, 11].tolist(), strict=True))
        ms.append(m)
        bs.append(b)
    m_arr, b_arr = np.array(ms), np.array(bs)
    return EpochRun(
        m=m_arr,
        b=b_arr,
        rmse=rmse(m_arr, b_arr, x, y),
        path=np.array(path),
        first_epoch=first,
        config=config,
    )
