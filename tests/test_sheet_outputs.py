"""The spreadsheet post's tables, as its figure scripts write them, checked against the library.

Each script runs the way an author would run it, ``python figures/x.py`` in an empty folder,
and the Markdown it writes is parsed back into numbers.
"""

from __future__ import annotations

import math
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from figblog.learn import sgd

REPO = Path(__file__).resolve().parents[1]


def run_script(name: str, folder: Path) -> Path:
    """Run ``figures/<name>`` with ``folder`` as its working folder; return the folder."""
    done = subprocess.run(
        [sys.executable, str(REPO / "figures" / name)],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return folder


def number(cell: str) -> float:
    return float(cell.replace(",", "").replace("*", "").strip())


def table_rows(markdown: str) -> list[list[str]]:
    """The body rows of the first pipe table in ``markdown``, as lists of cell texts."""
    lines = [ln for ln in markdown.splitlines() if ln.startswith("|")]
    return [[c.strip() for c in ln.strip("|").split("|")] for ln in lines[2:]]


@pytest.fixture(scope="module")
def table_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run_script("sheet_table.py", tmp_path_factory.mktemp("sheet_table"))


@pytest.fixture(scope="module")
def grid_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run_script("sheet_grid.py", tmp_path_factory.mktemp("sheet_grid"))


@pytest.fixture(scope="module")
def descent_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run_script("sheet_descent.py", tmp_path_factory.mktemp("sheet_descent"))


def test_first_guess_table_is_the_five_points_under_m_b_equal_one(table_dir: Path) -> None:
    x, y = sgd.five_points()
    rows = table_rows((table_dir / "first-guess.md").read_text())
    body, total = rows[:-1], rows[-1]
    assert [[number(c) for c in r] for r in body] == [
        [xi, yi, xi + 1, (xi + 1 - yi) ** 2] for xi, yi in zip(x, y, strict=True)
    ]
    assert (
        number(total[-1]) == 15711 == sum((xi + 1 - yi) ** 2 for xi, yi in zip(x, y, strict=True))
    )


def test_first_guess_sentence_gives_the_real_rmse_and_explains_the_sheets(table_dir: Path) -> None:
    text = (table_dir / "first-guess-rmse.md").read_text()
    assert "**56.06**" in text and math.isclose(math.sqrt(15711 / 5), 56.06, abs_tol=0.005)
    assert "shows 125" in text and "root of the *sum*" in text


def test_loss_grid_cells_hold_the_rmse_and_stay_readable(grid_dir: Path) -> None:
    html = (grid_dir / "loss-grid.md").read_text()
    heads = re.findall(r'<th scope="col">(\d+)</th>', html)
    assert [int(b) for b in heads] == list(range(0, 31, 3))
    rows = re.findall(r'<th scope="row">(\d+)</th>(.*?)</tr>', html)
    assert [int(m) for m, _ in rows] == list(range(1, 9))
    x, y = sgd.five_points()
    expected = sgd.rmse_grid(np.arange(1, 9), np.arange(0, 31, 3), x, y)
    for i, (_, cells) in enumerate(rows):
        found = re.findall(
            r"background-color:(#\w{6});color:(#\w{6});--dark:(#\w{6});--dark-ink:(#\w{6})"
            r'">([\d.]+)</td>',
            cells,
        )
        assert len(found) == 11
        for j, (back, ink, dark, dark_ink, value) in enumerate(found):
            assert abs(float(value) - expected[i, j]) <= 0.05
            for scheme, b, k in (("light", back, ink), ("dark", dark, dark_ink)):
                ratio = _contrast(b, k)
                where = f"cell m={i + 1}, b={3 * j}, {scheme}"
                assert ratio >= 4.5, f"{where}: {value} on {b} is {ratio:.2f}:1"
    # Each scheme's table is coloured like the heat map drawn for it (viridis / magma).
    colours = [c for cells in rows for c in re.findall(r"background-color:(#\w{6})", cells[1])]
    darks = [c for cells in rows for c in re.findall(r"--dark:(#\w{6})", cells[1])]
    assert colours != darks
    assert html.count('class="loss-grid-best"') == 1
    assert re.search(r'class="loss-grid-best"[^>]*>0\.0<', html)


def test_first_epoch_table_has_every_sheet_column_and_the_librarys_numbers(
    descent_dir: Path,
) -> None:
    text = (descent_dir / "first-epoch.md").read_text()
    header = next(ln for ln in text.splitlines() if ln.startswith("|"))
    assert header.count("|") - 1 == len(sgd.ROW_COLUMNS) == 12
    x, y = sgd.training_points()
    _, _, rows = sgd.run_epoch(1.0, 1.0, x, y)
    cells = table_rows(text)
    assert len(cells) == len(x) == 20
    for got, want in zip(cells, rows, strict=True):
        for c, v in zip(got, want, strict=True):
            decimals = len(c.split(".")[1]) if "." in c else 0
            assert abs(number(c) - v) <= 0.5 * 10.0**-decimals + 1e-12, (c, v)


def _luminance(hex_colour: str) -> float:
    rgb = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


POST = REPO / "docs" / "blog" / "posts" / "gradient-descent-in-a-spreadsheet.md"


def test_swapped_sentence_gives_the_crossover_the_simulation_shows(descent_dir: Path) -> None:
    x, y = sgd.training_points()
    right = sgd.descend(x, y, 200, config=sgd.DescentConfig())
    slip = sgd.descend(x, y, 200, config=sgd.DescentConfig(swapped=True))
    ahead = np.flatnonzero(slip.rmse < right.rmse)
    assert slip.rmse[1] > right.rmse[1]  # the swapped run is behind after the first epoch
    text = (descent_dir / "swapped-numbers.md").read_text()
    assert "faster at first" not in text
    assert f"{right.rmse[1]:.2f} with the correct columns and {slip.rmse[1]:.2f}" in text
    assert f"from epoch {ahead[0]} to epoch {ahead[-1]} it is the lower" in text
    assert (ahead[0], ahead[-1]) == (7, 155)  # the review's numbers, recomputed


def test_post_does_not_call_the_swapped_run_faster_at_first() -> None:
    text = POST.read_text()
    assert "faster at first" not in text
    assert "figures/sheet_descent.py#swapped-numbers.md" in text


def test_swapped_balance_point_is_the_forward_difference_one(descent_dir: Path) -> None:
    x, y = sgd.training_points()
    m, b = sgd.balance_point(x, y, "finite", 0.01)
    # At that point one epoch's swapped steps, all taken from there, cancel.
    steps = [sgd.point_gradient(m, b, xi, yi, "finite", 0.01) for xi, yi in zip(x, y, strict=True)]
    np.testing.assert_allclose(np.sum(steps, axis=0), 0.0, atol=1e-9)
    assert abs(m - 2.0) > 0.01  # so "m = 2, b = 30" is not where the plotted run balances
    text = (descent_dir / "swapped-balance.md").read_text()
    assert f"$m = {m:.3f}$, $b = {b:.2f}$" in text
    assert "$m = 1.983$, $b = 30.37$" in text
    post = POST.read_text()
    assert "figures/sheet_descent.py#swapped-balance.md" in post
    assert "balance is\nstill $m = 2$" not in post and "still $m = 2$, $b = 30$" not in post
