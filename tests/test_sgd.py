from __future__ import annotations

import numpy as np
import pytest

from figblog.learn import sgd

SHEET_ROWS = np.array(sgd.SHEET_ROWS)
COL = {name: i for i, name in enumerate(sgd.ROW_COLUMNS)}


@pytest.fixture
def five() -> tuple[np.ndarray, np.ndarray]:
    return sgd.five_points()


@pytest.fixture
def twenty() -> tuple[np.ndarray, np.ndarray]:
    return sgd.training_points()


def test_training_points_start_with_the_sheet_and_lie_on_the_line(twenty):
    x, y = twenty
    assert x.shape == (20,)
    np.testing.assert_array_equal(x[:11], sgd.SHEET_X)
    np.testing.assert_array_equal(SHEET_ROWS[:, 0], sgd.SHEET_X)
    np.testing.assert_array_equal(y, 2 * x + 30)
    assert np.all((x >= 1) & (x <= 50)) and np.all(x == np.round(x))
    np.testing.assert_array_equal(sgd.training_points()[0], x)  # seeded: same draw every time


def test_first_guess_on_the_five_points(five):
    x, y = five
    np.testing.assert_array_equal(y, [44, 48, 86, 90, 130])
    np.testing.assert_array_equal((1 * x + 1 - y) ** 2, [1296, 1444, 3249, 3481, 6241])
    assert round(float(sgd.rmse(1, 1, x, y)), 2) == 56.06
    assert round(float(sgd.root_sum_squares(1, 1, x, y)), 1) == 125.3
    np.testing.assert_allclose(sgd.root_sum_squares(1, 1, x, y), sgd.rmse(1, 1, x, y) * np.sqrt(5))


def test_rmse_squared_is_the_regression_modules_mse(twenty):
    regression = pytest.importorskip("figblog.learn.regression")
    x, y = twenty
    np.testing.assert_allclose(sgd.rmse(2.5, 7.0, x, y) ** 2, regression.mse([2.5, 7.0], x, y))


def test_grid_is_zero_at_the_true_line_and_matches_the_sheets_first_row(five):
    x, y = five
    ms, bs = np.arange(1, 9), np.arange(0, 31, 3)
    grid = sgd.rmse_grid(ms, bs, x, y)
    assert grid.shape == (8, 11)
    assert grid[1, 10] == 0.0  # m = 2, b = 30
    assert np.all(np.delete(grid.ravel(), 1 * 11 + 10) > 0)
    sheet_row_m1 = [127, 121, 115, 108, 102, 96, 89, 83, 77, 71, 66]  # root of the sum
    np.testing.assert_array_equal(np.round(grid[0] * np.sqrt(5)), sheet_row_m1)


@pytest.mark.parametrize(("x", "y", "m", "b"), [(7.0, 44.0, 1.0, 1.0), (50.0, 130.0, 2.3, 20.0)])
def test_forward_difference_error_shrinks_linearly_with_h(x, y, m, b):
    exact = np.array(sgd.point_gradient(m, b, x, y, method="analytic"))
    hs = np.array([1e-2, 1e-3, 1e-4])
    errors = np.array([np.array(sgd.point_gradient(m, b, x, y, "finite", h)) - exact for h in hs])
    # e is quadratic, so the forward difference is off by exactly h*x^2 and h
    np.testing.assert_allclose(errors, np.outer(hs, [x * x, 1.0]), rtol=1e-3)
    ratios = errors[:-1] / errors[1:]
    np.testing.assert_allclose(ratios, 10.0, rtol=1e-2)


def test_one_epoch_is_the_plain_loop(twenty):
    x, y = twenty
    lr, h = 1e-4, 0.01
    m, b = 1.0, 1.0
    for xi, yi in zip(x, y, strict=True):
        e = (m * xi + b - yi) ** 2
        de_dm = (((m + h) * xi + b - yi) ** 2 - e) / h
        de_db = ((m * xi + b + h - yi) ** 2 - e) / h
        m, b = m - lr * de_dm, b - lr * de_db
    new_m, new_b, rows = sgd.run_epoch(1.0, 1.0, x, y)
    np.testing.assert_allclose([new_m, new_b], [m, b], rtol=1e-12)
    assert rows.shape == (20, len(sgd.ROW_COLUMNS))
    np.testing.assert_allclose(rows[0, COL["prediction"]], 8.0)
    np.testing.assert_allclose(rows[0, COL["error_sq"]], 1296.0)
    # each row starts where the previous one ended
    np.testing.assert_array_equal(rows[1:, COL["m"]], rows[:-1, COL["new_m"]])
    np.testing.assert_array_equal(rows[1:, COL["b"]], rows[:-1, COL["new_b"]])


def test_descend_records_rmse_per_epoch_and_every_step(twenty):
    x, y = twenty
    run = sgd.descend(x, y, epochs=3)
    assert run.m.shape == run.b.shape == run.rmse.shape == (4,)
    assert run.path.shape == (3 * 20 + 1, 2)
    np.testing.assert_allclose(run.rmse, sgd.rmse(run.m, run.b, x, y))
    np.testing.assert_array_equal(run.path[-1], [run.m[-1], run.b[-1]])
    np.testing.assert_array_equal(run.first_epoch, sgd.run_epoch(1.0, 1.0, x, y)[2])
    assert np.all(np.diff(sgd.descend(x, y, epochs=30).rmse) < 0)


def test_swapped_columns_trade_places(twenty):
    x, y = twenty
    right = sgd.run_epoch(1.0, 1.0, x[:1], y[:1])[2][0]
    wrong = sgd.run_epoch(1.0, 1.0, x[:1], y[:1], sgd.DescentConfig(swapped=True))[2][0]
    assert wrong[COL["de_dm"]] == right[COL["de_db"]]
    assert wrong[COL["de_db"]] == right[COL["de_dm"]]


def test_each_swapped_step_goes_downhill_on_its_point_but_less_far(twenty):
    x, y = twenty
    for config in (sgd.DescentConfig(), sgd.DescentConfig(swapped=True)):
        rows = sgd.descend(x, y, 5, config=config).first_epoch
        after = (rows[:, COL["new_m"]] * x + rows[:, COL["new_b"]] - y) ** 2
        assert np.all(after < rows[:, COL["error_sq"]])
    # from the same (m, b), the correct step lowers the point's error more (x^2 + 1 >= 2x)
    right = sgd.DescentConfig(method="analytic")
    wrong = sgd.DescentConfig(method="analytic", swapped=True)
    for xi, yi in zip(x, y, strict=True):
        fixed = sgd.run_epoch(1.0, 1.0, [xi], [yi], right)[2][0]
        slip = sgd.run_epoch(1.0, 1.0, [xi], [yi], wrong)[2][0]
        e_fixed = (fixed[COL["new_m"]] * xi + fixed[COL["new_b"]] - yi) ** 2
        e_slip = (slip[COL["new_m"]] * xi + slip[COL["new_b"]] - yi) ** 2
        assert e_fixed <= e_slip


def test_swapped_descent_is_fast_at_first_then_runs_away(twenty):
    """Not a gradient: over whole epochs the sheet's slip helps early and diverges later."""
    x, y = twenty
    fixed = sgd.descend(x, y, 300)
    slip = sgd.descend(x, y, 300, config=sgd.DescentConfig(swapped=True))
    assert slip.rmse[1] < slip.rmse[0]
    assert slip.rmse[51] < fixed.rmse[51]
    assert np.all(np.diff(fixed.rmse) < 0)
    assert slip.rmse[300] > slip.rmse.min() * 5


def test_analytic_swapped_reproduces_the_sheets_printed_rows():
    x, y = SHEET_ROWS[:, 0], SHEET_ROWS[:, 1]
    config = sgd.DescentConfig(method="analytic", swapped=True)
    _, _, rows = sgd.run_epoch(2.051, 25.075, x, y, config)
    np.testing.assert_allclose(rows[:, COL["m"]], SHEET_ROWS[:, 2], atol=6e-4)
    np.testing.assert_allclose(rows[:, COL["b"]], SHEET_ROWS[:, 3], atol=6e-4)
    np.testing.assert_allclose(rows[:, COL["de_dm"]], SHEET_ROWS[:, 4], atol=0.6)
    np.testing.assert_allclose(rows[:, COL["de_db"]], SHEET_ROWS[:, 6], atol=0.6)


def test_balance_point_is_least_squares_for_exact_slopes_and_off_by_o_h_for_differences(twenty):
    x, y = twenty
    np.testing.assert_allclose(sgd.balance_point(x, y, "analytic"), [2.0, 30.0], atol=1e-9)
    offsets = [np.subtract(sgd.balance_point(x, y, "finite", h), [2.0, 30.0]) for h in (1e-2, 1e-3)]
    np.testing.assert_allclose(offsets[0] / offsets[1], 10.0, rtol=1e-9)
    # a long descent with forward differences settles near that point, not at (2, 30)
    run = sgd.descend(x, y, 5000, config=sgd.DescentConfig(learning_rate=3e-4))
    np.testing.assert_allclose([run.m[-1], run.b[-1]], sgd.balance_point(x, y), atol=0.05)


def test_bad_input_raises_value_error(twenty):
    x, y = twenty
    with pytest.raises(ValueError, match="same length"):
        sgd.run_epoch(1, 1, x, y[:-1])
    with pytest.raises(ValueError, match="empty"):
        sgd.rmse(1, 1, [], [])
    with pytest.raises(ValueError, match="finite"):
        sgd.descend([1.0, np.nan], [1.0, 2.0], 1)
    with pytest.raises(ValueError, match="epochs"):
        sgd.descend(x, y, -1)
    with pytest.raises(ValueError, match="epochs"):
        sgd.descend(x, y, 2.5)
    with pytest.raises(ValueError, match="learning_rate"):
        sgd.DescentConfig(learning_rate=0)
    with pytest.raises(ValueError, match="learning_rate"):
        sgd.DescentConfig(learning_rate="0.1")
    with pytest.raises(ValueError, match="h must"):
        sgd.DescentConfig(h=-0.01)
    with pytest.raises(ValueError, match="method"):
        sgd.point_gradient(1, 1, 7, 44, method="central")
    with pytest.raises(ValueError, match="all x are equal"):
        sgd.balance_point([3.0, 3.0], [1.0, 2.0])
