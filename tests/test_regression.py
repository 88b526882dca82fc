from __future__ import annotations

import numpy as np
import pytest

from figblog.learn.regression import (
    DescentPath,
    gradient_descent,
    least_squares,
    mse,
    mse_gradient,
    mse_grid,
    numerical_gradient,
    predict,
)


@pytest.fixture
def points() -> tuple[np.ndarray, np.ndarray]:
    """Twelve noisy points near y = 0.5 x - 1, x in [-2, 3]: small and well conditioned."""
    rng = np.random.default_rng(0)
    x = np.linspace(-2.0, 3.0, 12)
    y = 0.5 * x - 1.0 + rng.normal(0.0, 0.2, 12)
    return x, y


def test_mse_by_hand():
    # residuals of y = 2x + 1 at (0, 1), (1, 2), (2, 7): 0, 1, -2 -> (0 + 1 + 4) / 3
    assert mse(np.array([2.0, 1.0]), [0.0, 1.0, 2.0], [1.0, 2.0, 7.0]) == pytest.approx(5 / 3)


def test_predict_is_the_line():
    np.testing.assert_allclose(predict(np.array([2.0, -1.0]), [0.0, 1.5]), [-1.0, 2.0])


@pytest.mark.parametrize("w", [[0.0, 0.0], [3.0, -2.0], [-1.5, 4.0], [0.51, -0.97]])
def test_gradient_matches_finite_differences(points, w):
    x, y = points
    w = np.array(w)
    analytic = mse_gradient(w, x, y)
    numeric = numerical_gradient(lambda v: mse(v, x, y), w)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-9)


def test_gradient_matches_finite_differences_in_running_units():
    # minutes and km: the slope's gradient is about 60 times the intercept's
    x = np.array([24.0, 41.5, 63.2, 88.8])
    y = np.array([4.5, 7.4, 11.7, 15.2])
    w = np.array([0.26, 1.76])
    numeric = numerical_gradient(lambda v: mse(v, x, y), w)
    np.testing.assert_allclose(mse_gradient(w, x, y), numeric, rtol=1e-6)


def test_gradient_is_zero_at_least_squares(points):
    x, y = points
    np.testing.assert_allclose(mse_gradient(least_squares(x, y), x, y), [0.0, 0.0], atol=1e-12)


def test_numerical_gradient_of_a_known_function():
    f = lambda w: float(w[0] ** 3 + np.sin(w[1]) + w[0] * w[2])  # noqa: E731
    w = np.array([1.5, 0.3, -2.0])
    np.testing.assert_allclose(
        numerical_gradient(f, w), [3 * 1.5**2 - 2.0, np.cos(0.3), 1.5], rtol=1e-7
    )


def test_least_squares_recovers_an_exact_line():
    x = np.array([7.0, 9.0, 28.0, 30.0, 50.0])
    np.testing.assert_allclose(least_squares(x, 2 * x + 30), [2.0, 30.0], rtol=1e-12)


def test_least_squares_matches_polyfit(points):
    x, y = points
    np.testing.assert_allclose(least_squares(x, y), np.polyfit(x, y, 1), rtol=1e-10)


def test_descent_from_a_poor_start_reaches_least_squares(points):
    x, y = points
    path = gradient_descent(x, y, np.array([-4.0, 5.0]), learning_rate=0.1, steps=500)
    np.testing.assert_allclose(path.final, least_squares(x, y), atol=1e-4)
    assert path.loss[-1] == pytest.approx(mse(least_squares(x, y), x, y), abs=1e-8)


def test_descent_path_shapes_and_start(points):
    x, y = points
    start = np.array([-4.0, 5.0])
    path = gradient_descent(x, y, start, learning_rate=0.05, steps=7)
    assert isinstance(path, DescentPath)
    assert path.w.shape == (8, 2)
    assert path.loss.shape == (8,)
    assert path.steps == 7
    np.testing.assert_array_equal(path.w[0], start)
    np.testing.assert_allclose(path.loss, [mse(w, x, y) for w in path.w], rtol=1e-12)


def test_descent_takes_the_documented_step(points):
    x, y = points
    start = np.array([1.0, 1.0])
    path = gradient_descent(x, y, start, learning_rate=0.03, steps=1)
    np.testing.assert_allclose(path.w[1], start - 0.03 * mse_gradient(start, x, y), rtol=1e-12)


@pytest.mark.parametrize("learning_rate", [0.001, 0.02, 0.1, 0.2])
def test_loss_never_rises_for_a_small_learning_rate(points, learning_rate):
    # the Hessian of the MSE is 2 [[<x^2>, <x>], [<x>, 1]]; below 2 / its largest
    # eigenvalue, every step lowers the loss
    x, y = points
    hessian = 2 * np.array([[np.mean(x * x), np.mean(x)], [np.mean(x), 1.0]])
    assert learning_rate < 2 / np.linalg.eigvalsh(hessian).max()
    path = gradient_descent(x, y, np.array([-4.0, 5.0]), learning_rate, steps=300)
    assert np.all(np.diff(path.loss) <= 1e-15)


def test_too_large_a_learning_rate_makes_the_loss_rise(points):
    x, y = points
    path = gradient_descent(x, y, np.array([-4.0, 5.0]), learning_rate=1.0, steps=20)
    assert path.loss[-1] > path.loss[0]


def test_divergence_raises_with_advice(points):
    x, y = points
    with pytest.raises(ValueError, match="diverged.*smaller learning rate"):
        gradient_descent(x, y, np.array([-4.0, 5.0]), learning_rate=5.0, steps=2000)


def test_x_scale_reports_the_same_lines_in_original_units():
    # minutes: a rate small enough for the slope leaves the intercept crawling;
    # in hours the same number of steps gets there
    x = np.array([24.0, 33.5, 41.5, 52.0, 63.2, 75.0, 88.8])
    y = x / 5.5 + np.array([0.1, -0.2, 0.05, 0.3, -0.1, 0.2, -0.25])
    start = np.array([0.26, 1.76])
    path = gradient_descent(x, y, start, learning_rate=0.1, steps=2000, x_scale=60.0)
    np.testing.assert_array_equal(path.w[0], start)
    np.testing.assert_allclose(path.final, least_squares(x, y), atol=1e-6)
    np.testing.assert_allclose(path.loss, [mse(w, x, y) for w in path.w], rtol=1e-9)
    raw = gradient_descent(x, y, start, learning_rate=1e-4, steps=2000)
    assert abs(raw.final[1] - least_squares(x, y)[1]) > 0.1


def test_mse_grid_matches_mse(points):
    x, y = points
    slopes = np.array([-1.0, 0.5, 2.0])
    intercepts = np.array([-3.0, 0.0])
    grid = mse_grid(slopes, intercepts, x, y)
    assert grid.shape == (2, 3)
    for i, b in enumerate(intercepts):
        for j, a in enumerate(slopes):
            assert grid[i, j] == pytest.approx(mse(np.array([a, b]), x, y), rel=1e-10)


@pytest.mark.parametrize(
    ("x", "y", "message"),
    [
        ([1.0, 2.0, 3.0], [1.0, 2.0], "same length"),
        ([], [], "empty"),
        ([1.0, np.nan], [1.0, 2.0], "NaN or inf"),
        ([1.0, 2.0], [1.0, np.inf], "NaN or inf"),
        ([[1.0, 2.0]], [[1.0, 2.0]], "1-D"),
    ],
)
@pytest.mark.parametrize(
    "call",
    [
        lambda x, y: mse(np.array([1.0, 0.0]), x, y),
        lambda x, y: mse_gradient(np.array([1.0, 0.0]), x, y),
        lambda x, y: gradient_descent(x, y, np.array([1.0, 0.0]), 0.1, 3),
        lambda x, y: least_squares(x, y),
    ],
    ids=["mse", "mse_gradient", "gradient_descent", "least_squares"],
)
def test_bad_data_is_rejected(call, x, y, message):
    with pytest.raises(ValueError, match=message):
        call(np.array(x, dtype=float), np.array(y, dtype=float))


@pytest.mark.parametrize("learning_rate", [0.0, -0.1, np.nan, np.inf])
def test_bad_learning_rate_is_rejected(points, learning_rate):
    x, y = points
    with pytest.raises(ValueError, match="learning_rate must be a positive finite number"):
        gradient_descent(x, y, np.array([1.0, 0.0]), learning_rate, 3)


@pytest.mark.parametrize("steps", [-1, 2.5, True])
def test_bad_steps_are_rejected(points, steps):
    x, y = points
    with pytest.raises(ValueError, match="steps must be a non-negative integer"):
        gradient_descent(x, y, np.array([1.0, 0.0]), 0.1, steps)


def test_bad_x_scale_is_rejected(points):
    x, y = points
    with pytest.raises(ValueError, match="x_scale must be a positive finite number"):
        gradient_descent(x, y, np.array([1.0, 0.0]), 0.1, 3, x_scale=0.0)


@pytest.mark.parametrize(("w", "message"), [([1.0], "shape \\(2,\\)"), ([1.0, np.nan], "finite")])
def test_bad_parameters_are_rejected(points, w, message):
    x, y = points
    with pytest.raises(ValueError, match=message):
        mse(np.array(w), x, y)


def test_least_squares_needs_two_different_x():
    with pytest.raises(ValueError, match="two different x values"):
        least_squares(np.array([3.0, 3.0]), np.array([1.0, 2.0]))


def test_numerical_gradient_rejects_bad_step():
    with pytest.raises(ValueError, match="positive finite"):
        numerical_gradient(lambda w: float(w @ w), np.array([1.0, 2.0]), h=0.0)
