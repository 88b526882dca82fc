"""A made-up running log: how long each run took and how far it went.

Nobody ran these runs. Each run gets its own pace, drawn around 5.5 minutes per kilometre
(about 0.18 km per minute), and its distance is the time divided by that pace plus a little
GPS noise. The log keeps tenths of a minute and hundredths of a kilometre, so the numbers
are rounded that way too. The relation is therefore a line through the origin with some
scatter, which is what the gradient-descent post needs: something a straight line fits well,
but not exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["PACE_MIN_PER_KM", "DescentSettings", "frame_mse", "guessed_lines", "running_data"]

PACE_MIN_PER_KM = 5.5  # the runner's typical pace; the slope to find is its inverse, km/min

_PACE_SPREAD = 0.3  # min/km: easy days and hard days
_GPS_NOISE_KM = 0.08  # a watch's distance is off by tens of metres
_SHORTEST_MIN, _LONGEST_MIN = 20.0, 100.0


def running_data(n: int = 40, seed: int = 2030) -> tuple[np.ndarray, np.ndarray]:
    """Return ``n`` runs as ``(minutes, km)``: time on x, distance on y, both positive.

    The same ``seed`` always gives the same runs. Times are rounded to 0.1 min and distances
    to 0.01 km.
    """
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(f"n must be a positive integer number of runs, got {n!r}")
    rng = np.random.default_rng(seed)
    minutes = np.round(rng.uniform(_SHORTEST_MIN, _LONGEST_MIN, n), 1)
    pace = np.clip(rng.normal(PACE_MIN_PER_KM, _PACE_SPREAD, n), 4.5, 7.0)  # min/km
    km = minutes / pace + rng.normal(0.0, _GPS_NOISE_KM, n)
    return minutes, np.round(km, 2)


def guessed_lines(n: int = 10, seed: int = 7) -> np.ndarray:
    """Return ``n`` random guesses ``[slope km/min, intercept km]`` for the running data.

    The guesses are what someone squinting at the scatter plot might try: slopes between
    0.08 and 0.30 km/min (paces from 12.5 down to 3.3 min/km) and intercepts between -3 and
    3 km. Like a person's guesses they are round numbers: slopes to 0.001 km/min, intercepts
    to 0.01 km. Shape ``(n, 2)``; the same ``seed`` gives the same guesses.
    """
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(f"n must be a positive integer number of guesses, got {n!r}")
    rng = np.random.default_rng(seed)
    slope = np.round(rng.uniform(0.08, 0.30, n), 3)
    intercept = np.round(rng.uniform(-3.0, 3.0, n), 2)
    return np.column_stack([slope, intercept])


@dataclass(frozen=True)
class DescentSettings:
    """How the gradient-descent post fits a line to :func:`running_data`.

    Pass them on as ``gradient_descent(x, y, w0, s.learning_rate, s.steps, x_scale=s.x_scale)``.
    The figures that show the descent and its result share these, so they tell one story.
    """

    learning_rate: float = 0.1  # per step, with time in hours inside the descent
    steps: int = 1000  # ends within about 1e-7 km/min of the least-squares slope
    x_scale: float = 60.0  # minutes per hour: slope and intercept get gradients of like size


def frame_mse(value: float) -> str:
    """Return an MSE in km² as the guessing animation prints it on a frame: one decimal.

    The prose that points at a frame's number uses this too, so the two cannot disagree.
    """
    return f"{value:.1f}"
