from __future__ import annotations

import numpy as np
import pytest

from figblog.data.running import PACE_MIN_PER_KM, DescentSettings, guessed_lines, running_data
from figblog.learn.regression import gradient_descent, least_squares


@pytest.fixture
def runs() -> tuple[np.ndarray, np.ndarray]:
    return running_data(n=40, seed=2030)


def test_same_seed_same_runs(runs):
    again = running_data(n=40, seed=2030)
    np.testing.assert_array_equal(runs[0], again[0])
    np.testing.assert_array_equal(runs[1], again[1])


def test_other_seed_other_runs(runs):
    assert not np.array_equal(runs[1], running_data(n=40, seed=2031)[1])


def test_shapes_and_positive_values(runs):
    minutes, km = runs
    assert minutes.shape == km.shape == (40,)
    assert np.all(minutes > 0)
    assert np.all(km > 0)


def test_times_and_distances_are_believable(runs):
    minutes, km = runs
    assert minutes.min() >= 20 and minutes.max() <= 100
    pace = minutes / km  # min/km, every run between a fast and a gentle jog
    assert pace.min() > 4.0 and pace.max() < 7.5


def test_values_are_rounded_like_a_log(runs):
    minutes, km = runs
    np.testing.assert_allclose(minutes, np.round(minutes, 1), atol=1e-12)
    np.testing.assert_allclose(km, np.round(km, 2), atol=1e-12)


def test_fitted_pace_is_close_to_the_typical_pace(runs):
    slope, intercept = least_squares(*runs)
    assert 1 / slope == pytest.approx(PACE_MIN_PER_KM, rel=0.05)
    assert abs(intercept) < 0.5


def test_guesses_are_deterministic_rounded_and_in_range():
    g = guessed_lines(n=10, seed=7)
    assert g.shape == (10, 2)
    np.testing.assert_array_equal(g, guessed_lines(n=10, seed=7))
    assert np.all((g[:, 0] >= 0.08) & (g[:, 0] <= 0.30))
    assert np.all((g[:, 1] >= -3.0) & (g[:, 1] <= 3.0))
    np.testing.assert_allclose(g[:, 0], np.round(g[:, 0], 3), atol=1e-12)


def test_post_settings_reach_least_squares(runs):
    s = DescentSettings()
    path = gradient_descent(*runs, guessed_lines()[0], s.learning_rate, s.steps, x_scale=s.x_scale)
    np.testing.assert_allclose(path.final, least_squares(*runs), atol=1e-4)


@pytest.mark.parametrize("n", [0, -3, 2.5, True])
def test_bad_count_is_rejected(n):
    with pytest.raises(ValueError, match="positive integer"):
        running_data(n=n)
    with pytest.raises(ValueError, match="positive integer"):
        guessed_lines(n=n)
