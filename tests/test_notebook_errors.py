"""A failing notebook page: one warning naming the cell and line, an error box, the site built."""

from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import Project, notebook
from figblog.notebook_errors import describe

YML = """\
site_name: notebook errors
plugins:
  - figblog:
      timeout: {timeout}
  - mkdocs-jupyter:
      execute: true
      allow_errors: false
"""

# Each execution of the notebook leaves a line in ../executions, before its cell fails.
MARK = "open('../executions', 'a').write('ran\\n')\n"


FAILING = notebook(
    ("markdown", "# Squares\n\nA page of squares."),
    ("code", MARK + "squares = [k * k for k in range(4)]\nprint(squares[9])"),
)


def _executions(project: Project) -> int:
    path = project.root / "executions"
    return len(path.read_text().split()) if path.exists() else 0


def test_a_failing_cell_is_one_warning_with_cell_and_line_and_a_box_on_the_page(project: Project):
    project.write("mkdocs.yml", YML.format(timeout=60))
    project.write("docs/index.md", "# Home\n")
    project.write("docs/nb.ipynb", FAILING)

    done = project.mkdocs(strict=False)
    log = done.stdout + done.stderr
    assert done.returncode == 0, log  # the rest of the site is built, as with a failed figure
    headline = "docs/nb.ipynb, cell 2, line 3: IndexError: list index out of range"
    assert f"WARNING -  figblog: {headline} (the page shows the error)" in log
    assert "Traceback" not in log and "\x1b[" not in log, log
    assert _executions(project) == 1, "executed again by its page after failing early"
    page = (project.root / "site/nb/index.html").read_text()
    box = re.search(r'<div class="admonition failure">.*?</div>', page, re.S)
    assert box and headline in box[0] and "print(squares[9])" in box[0], page
    assert "<h1>Squares</h1>" in page
    assert not list((project.root / ".cache/mkdocs-jupyter").glob("code-*/*.json")), (
        "a failed page must not be cached: the next build would not execute it"
    )

    strict = project.mkdocs()
    assert strict.returncode == 1
    assert "Aborted with 1 warnings in strict mode" in strict.stdout + strict.stderr
    assert _executions(project) == 2

    project.write("docs/nb.ipynb", FAILING.replace("squares[9]", "squares[3]"))
    fixed = project.mkdocs()
    assert fixed.returncode == 0, fixed.stderr
    assert "9" in (project.root / "site/nb/index.html").read_text()
    assert "admonition failure" not in (project.root / "site/nb/index.html").read_text()


def test_an_endless_cell_is_stopped_at_the_plugins_timeout(project: Project):
    project.write("mkdocs.yml", YML.format(timeout=2))
    project.write("docs/index.md", "# Home\n")
    slow = "\n".join(["import time", *[f"x{n} = {n}" for n in range(12)], "time.sleep(120)"])
    project.write("docs/nb.ipynb", notebook(("markdown", "# Slow"), ("code", slow)))
    done = project.mkdocs(strict=False)
    log = done.stdout + done.stderr
    assert done.returncode == 0, log
    assert (
        "docs/nb.ipynb, cell 2: the cell timed out while it was being executed, "
        "after 2 seconds (the `timeout` option of the figblog plugin)"
    ) in log


def test_a_truncated_notebook_names_the_line_and_column(project: Project):
    project.write("mkdocs.yml", YML.format(timeout=60))
    project.write("docs/index.md", "# Home\n")
    whole = json.dumps(json.loads(FAILING), indent=1)
    project.write("docs/nb.ipynb", whole[: len(whole) // 2])
    done = project.mkdocs()
    log = done.stdout + done.stderr
    assert done.returncode == 1
    assert re.search(
        r"figblog: docs/nb\.ipynb, line \d+, column \d+: not a notebook: the file is not "
        r"valid JSON \(.+\)\. Was it saved whole\?",
        log,
    ), log
    assert "Traceback" not in log


def test_describe_reads_nbclients_message_without_colour_codes(tmp_path: Path):
    from nbclient.exceptions import CellExecutionError

    path = tmp_path / "nb.ipynb"
    path.write_text(notebook(("code", "a = 1"), ("code", "b = 2\nc = b / 0")))
    coloured = (
        "\x1b[31mZeroDivisionError\x1b[39m  Traceback (most recent call last)\n"
        "\x1b[36mCell\x1b[39m\x1b[36m \x1b[39m\x1b[32mIn[7]\x1b[39m\x1b[32m, line 2\x1b[39m\n"
        "\x1b[31mZeroDivisionError\x1b[39m: division by zero"
    )
    message = "An error occurred while executing the following cell:\n------------------\n"
    message += f"b = 2\nc = b / 0\n------------------\n\n\n{coloured}\n"
    failure = describe(
        path, "docs/nb.ipynb", CellExecutionError(message, "ZeroDivisionError", "division by zero")
    )
    assert failure.headline == "docs/nb.ipynb, cell 2, line 2: ZeroDivisionError: division by zero"
    assert "\x1b" not in failure.details and failure.details.endswith("division by zero")


def test_a_notebook_switching_matplotlib_to_agg_is_told_its_plots_will_not_show(project):
    project.write("mkdocs.yml", YML.format(timeout=60))
    project.write("docs/index.md", "# Home\n")
    agg = "import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\nplt.plot([1])"
    project.write("docs/nb.ipynb", notebook(("markdown", "# Plots"), ("code", agg)))
    done = project.mkdocs(strict=False)
    assert done.returncode == 0, done.stderr
    assert "docs/nb.ipynb, cell 2: switching matplotlib to Agg turns off" in done.stderr
    shown = agg + "\nfrom figblog.notebook_figures import show_figure\nshow_figure(plt.gcf())"
    project.write("docs/nb.ipynb", notebook(("markdown", "# Plots"), ("code", shown)))
    assert "Agg" not in project.mkdocs(strict=False).stderr
