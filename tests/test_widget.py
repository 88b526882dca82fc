"""The "Run epochs" widget: its maths in Node against figblog.learn.sgd; its page in Chromium."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from figblog.learn import sgd

REPO = Path(__file__).resolve().parents[1]
WIDGET_JS = REPO / "docs" / "javascripts" / "sheet-widget.js"
WIDGET_CSS = REPO / "docs" / "stylesheets" / "sheet-widget.css"
NODE = shutil.which("node") or "/usr/bin/node"

# Reads {"calls": [[function name, args...], ...]} on stdin, prints one JSON result per call.
DRIVER = """
const widget = require(process.argv[2]);
let text = "";
process.stdin.on("data", (chunk) => (text += chunk));
process.stdin.on("end", () => {
  const calls = JSON.parse(text).calls;
  const out = calls.map(([name, ...args]) => widget[name](...args));
  process.stdout.write(JSON.stringify(out));
});
"""

needs_node = pytest.mark.skipif(not Path(NODE).exists(), reason="node is not installed")


def _node(tmp_path: Path, calls: list[list]) -> list:
    driver = tmp_path / "driver.js"
    driver.write_text(DRIVER)
    done = subprocess.run(
        [NODE, str(driver), str(WIDGET_JS)],
        input=json.dumps({"calls": calls}),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(done.stdout)


@pytest.fixture
def points() -> tuple[list[float], list[float]]:
    x, y = sgd.training_points()
    return x.tolist(), y.tolist()


CASES = [
    # learning rate, epochs, method, swapped
    (1e-4, 5, "finite", False),
    (1e-4, 51, "finite", True),
    (5e-5, 12, "finite", False),
    (3e-4, 30, "analytic", False),
    (2e-4, 7, "analytic", True),
]


@needs_node
def test_run_epochs_matches_python(tmp_path, points):
    x, y = points
    calls = [
        ["runEpochs", {"m": 1, "b": 1, "epoch": 0}, x, y,
         {"lr": lr, "h": 0.01, "epochs": epochs, "method": method, "swapped": swapped}]
        for lr, epochs, method, swapped in CASES
    ]  # fmt: skip
    results = _node(tmp_path, calls)
    for (lr, epochs, method, swapped), got in zip(CASES, results, strict=True):
        config = sgd.DescentConfig(learning_rate=lr, h=0.01, method=method, swapped=swapped)
        want = sgd.descend(x, y, epochs, config=config)
        assert got["diverged"] is False
        rows = got["rows"]
        assert [r["epoch"] for r in rows] == list(range(1, epochs + 1))
        np.testing.assert_allclose([r["m"] for r in rows], want.m[1:], rtol=0, atol=1e-9)
        np.testing.assert_allclose([r["b"] for r in rows], want.b[1:], rtol=0, atol=1e-9)
        np.testing.assert_allclose([r["rmse"] for r in rows], want.rmse[1:], rtol=0, atol=1e-9)


@needs_node
def test_run_epochs_continues_from_a_state(tmp_path, points):
    x, y = points
    opts = {"lr": 1e-4, "h": 0.01, "epochs": 3}
    (first,) = _node(tmp_path, [["runEpochs", {"m": 1, "b": 1, "epoch": 0}, x, y, opts]])
    last = first["rows"][-1]
    (second,) = _node(tmp_path, [["runEpochs", last, x, y, opts]])
    assert [r["epoch"] for r in second["rows"]] == [4, 5, 6]
    want = sgd.descend(x, y, 6)
    np.testing.assert_allclose(second["rows"][-1]["m"], want.m[-1], rtol=0, atol=1e-9)


@needs_node
def test_gradient_and_rmse_match_python(tmp_path, points):
    x, y = points
    calls = [
        ["pointGradient", 1.3, 4.0, 28.0, 86.0, 0.01, "finite"],
        ["pointGradient", 1.3, 4.0, 28.0, 86.0, 0.01, "analytic"],
        ["rmse", 1, 1, x[:5], y[:5]],
    ]
    fin, exact, err = _node(tmp_path, calls)
    np.testing.assert_allclose(fin, sgd.point_gradient(1.3, 4.0, 28.0, 86.0, "finite"), atol=1e-9)
    np.testing.assert_allclose(exact, sgd.point_gradient(1.3, 4.0, 28.0, 86.0, "analytic"))
    np.testing.assert_allclose(err, 56.05532980903778, atol=1e-9)


@needs_node
def test_divergence_stops_before_nan(tmp_path, points):
    x, y = points
    (out,) = _node(
        tmp_path,
        [
            [
                "runEpochs",
                {"m": 1, "b": 1, "epoch": 0},
                x,
                y,
                {"lr": 0.01, "h": 0.01, "epochs": 1000},
            ]
        ],
    )
    assert out["diverged"] is True
    assert len(out["rows"]) < 1000
    for r in out["rows"]:
        assert abs(r["m"]) <= 1e6 and abs(r["b"]) <= 1e6
        assert r["rmse"] is not None and np.isfinite(r["rmse"])
    # and Python agrees on when it left the finite world: one more epoch would cross the limit
    more = sgd.descend(x, y, len(out["rows"]) + 1, config=sgd.DescentConfig(learning_rate=0.01))
    assert max(abs(more.m[-1]), abs(more.b[-1])) > 1e6 or not np.isfinite(more.rmse[-1])


@needs_node
@pytest.mark.parametrize(
    ("lr", "epochs", "field", "says"),
    [
        ("", "5", "lr", "Enter a learning rate"),
        ("abc", "5", "lr", "must be a number"),
        ("-0.001", "5", "lr", "greater than 0"),
        ("0", "5", "lr", "greater than 0"),
        ("0.0001", "", "epochs", "Enter how many"),
        ("0.0001", "2.5", "epochs", "whole number"),
        ("0.0001", "-3", "epochs", "at least 1"),
        ("0.0001", "5000", "epochs", "At most 1000"),
        ("0.0001", "1e9", "epochs", "At most 1000"),
        ("NaN", "5", "lr", "must be a number"),
        ("0,000,1", "5", "lr", "must be a number"),
        ("0.0,1", "5", "lr", "must be a number"),
    ],
)
def test_bad_settings_get_a_message(tmp_path, lr, epochs, field, says):
    (v,) = _node(tmp_path, [["validateSettings", lr, epochs]])
    assert v["ok"] is False
    assert says in v["errors"][field]


@needs_node
def test_good_settings_pass(tmp_path):
    good, sci, comma = _node(
        tmp_path,
        [
            ["validateSettings", " 0.0001 ", "5"],
            ["validateSettings", "1e-4", "1000"],
            ["validateSettings", "0,0001", "5"],  # a phone's decimal keypad in many languages
        ],
    )
    assert good == {"ok": True, "lr": 1e-4, "epochs": 5, "errors": {}}
    assert sci["ok"] is True and sci["lr"] == 1e-4 and sci["epochs"] == 1000
    assert comma == good


# -- the page, in headless Chromium ------------------------------------------------------------

# Material's colour variables for its two schemes, so the widget's CSS has what it reads.
_VARS = {
    "light": {
        "fg-color": "rgba(0,0,0,.87)",
        "fg-color--light": "rgba(0,0,0,.54)",
        "fg-color--lighter": "rgba(0,0,0,.32)",
        "fg-color--lightest": "rgba(0,0,0,.07)",
        "bg-color": "#fff",
        "accent": "#ff6e42",
    },
    "dark": {
        "fg-color": "hsla(232,75%,90%,.82)",
        "fg-color--light": "hsla(232,75%,90%,.56)",
        "fg-color--lighter": "hsla(232,75%,90%,.32)",
        "fg-color--lightest": "hsla(232,75%,90%,.12)",
        "bg-color": "hsl(232,15%,14%)",
        "accent": "#ffa724",
    },
}
_SCHEMES = {
    theme: " ".join(
        f"--md-accent-fg-color: {v};" if k == "accent" else f"--md-default-{k}: {v};"
        for k, v in values.items()
    )
    for theme, values in _VARS.items()
}
_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>widget</title>
<style>
  body {{ {scheme} background: var(--md-default-bg-color); color: var(--md-default-fg-color);
         font: 16px/1.5 sans-serif; margin: 0; padding: 16px; width: 760px; }}
</style>
<link rel="stylesheet" href="sheet-widget.css">
</head><body><article class="md-typeset">
{widget}
</article><script src="sheet-widget.js"></script></body></html>
"""


def write_page(folder: Path, theme: str) -> Path:
    """A static page holding the post's widget.md (made by its script), the JS and the CSS."""
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [str(REPO / ".venv" / "bin" / "python"), str(REPO / "figures" / "sheet_widget.py")],
        cwd=folder,
        check=True,
        timeout=60,
    )
    shutil.copy(WIDGET_JS, folder / "sheet-widget.js")
    shutil.copy(WIDGET_CSS, folder / "sheet-widget.css")
    widget = (folder / "widget.md").read_text()
    page = folder / f"{theme}.html"
    page.write_text(_PAGE.format(scheme=_SCHEMES[theme], widget=widget))
    return page


def _rows(page) -> list[list[str]]:
    return page.eval_on_selector_all(
        ".sheet-widget tbody tr", "trs => trs.map(tr => [...tr.cells].map(td => td.textContent))"
    )


@pytest.mark.browser
def test_widget_runs_and_resets_from_the_keyboard(tmp_path, browser):
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(write_page(tmp_path, "light").as_uri())
    page.wait_for_selector(".sheet-widget tbody tr")
    assert _rows(page) == [["0", "1.0000", "1.0000", "52.62"]]

    # Tab from the top of the page: learning rate, epochs, checkbox, Run epochs
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id").endswith("-lr")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id").endswith("-epochs")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Run epochs"
    page.keyboard.press("Enter")
    rows = _rows(page)
    assert [r[0] for r in rows] == ["0", "1", "2", "3", "4", "5"]
    want = sgd.descend(*sgd.training_points(), 5)
    assert rows[-1] == ["5", f"{want.m[5]:.4f}", f"{want.b[5]:.4f}", f"{want.rmse[5]:.2f}"]
    assert "Ran 5 epochs" in page.text_content(".sheet-widget__status")
    line = page.eval_on_selector(".sheet-widget__line", "l => l.getAttribute('y1')")
    assert line is not None and "NaN" not in line

    page.keyboard.press("Tab")  # to Reset
    page.keyboard.press("Space")
    assert _rows(page) == [["0", "1.0000", "1.0000", "52.62"]]
    assert errors == []


@pytest.mark.browser
@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("epochs", "", "Enter how many"),
        ("epochs", "abc", "whole number"),
        ("epochs", "5000", "At most 1000"),
        ("lr", "-1", "greater than 0"),
        ("lr", "fast", "must be a number"),
    ],
)
def test_bad_input_gets_a_message_and_runs_nothing(tmp_path, browser, field, value, says):
    page = browser.new_page()
    page.goto(write_page(tmp_path, "light").as_uri())
    page.wait_for_selector(".sheet-widget tbody tr")
    box = page.locator(f"input[id$='-{field}']")
    box.fill(value)
    page.get_by_role("button", name="Run epochs").click()
    message = page.locator(f"[id$='-{field}-msg']")
    assert says in message.text_content()
    assert message.get_attribute("aria-live") == "polite"
    assert box.get_attribute("aria-invalid") == "true"
    assert len(_rows(page)) == 1
    assert "NaN" not in page.text_content(".sheet-widget")


@pytest.mark.browser
def test_divergence_is_reported_without_nan(tmp_path, browser):
    page = browser.new_page()
    page.goto(write_page(tmp_path, "light").as_uri())
    page.wait_for_selector(".sheet-widget tbody tr")
    page.locator("input[id$='-lr']").fill("0.01")
    page.locator("input[id$='-epochs']").fill("1000")
    page.get_by_role("button", name="Run epochs").click()
    assert "diverged" in page.text_content(".sheet-widget__status")
    text = page.text_content(".sheet-widget")
    assert "NaN" not in text and "Infinity" not in text


@pytest.mark.browser
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_widget_screenshot(tmp_path, browser, theme):
    """Draw the widget after a run in each scheme; the PNG is left in tmp_path to look at."""
    page = browser.new_page(viewport={"width": 800, "height": 700})
    page.goto(write_page(tmp_path, theme).as_uri())
    page.wait_for_selector(".sheet-widget tbody tr")
    page.get_by_role("button", name="Run epochs").click()
    page.locator("input[id$='-epochs']").fill("")
    page.get_by_role("button", name="Run epochs").click()
    shot = tmp_path / f"widget-{theme}.png"
    page.locator(".sheet-widget").screenshot(path=str(shot))
    assert shot.stat().st_size > 5000
