"""Notebook pages execute while the figure scripts run, into mkdocs-jupyter's own cache."""

from __future__ import annotations

import json
import re

from conftest import Project

# The notebook leaves a mark in the project; the figure script waits for that mark. Run one
# after the other (the notebook when its page renders, after every figure run), the script
# would wait until its timeout and fail the build.
NOTEBOOK = json.dumps(
    {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": None,
                "id": "c1",
                "metadata": {},
                "outputs": [],
                "source": [
                    "open('../notebook-ran', 'w').close()\n",
                    "print('squares', [k * k for k in range(4)])",
                ],
            }
        ],
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
)

WAITS = """\
import os, time
mark = os.path.join(os.environ["FIGBLOG_PROJECT_ROOT"], "notebook-ran")
while not os.path.exists(mark):
    time.sleep(0.05)
open("waited.md", "w").write("the notebook ran meanwhile\\n")
"""

YML = """\
site_name: prefetch test
plugins:
  - figblog:
      timeout: 60
  - mkdocs-jupyter:
      execute: true
      allow_errors: false
"""


def test_a_notebook_executes_during_the_figure_runs_and_its_page_uses_that(project: Project):
    project.write("mkdocs.yml", YML)
    project.write("docs/nb.ipynb", NOTEBOOK)
    project.write("docs/index.md", "# Home\n\n![](figures/waits.py#waited.md)\n")
    project.script("waits.py", WAITS)
    done = project.mkdocs()
    assert done.returncode == 0, done.stderr
    assert "the notebook ran meanwhile" in (project.root / "site/index.html").read_text()
    log = done.stdout + done.stderr
    assert "Cache miss" not in log, "the page executed it again"
    # One line says it ran, with its time: not nbconvert's "Converting notebook" from the
    # thread, amid the figures' lines, then a "Cache hit" of the notebook just executed.
    assert re.search(r"INFO    -  figblog: executed docs/nb\.ipynb in \d+\.\d s, while", log), log
    assert "Converting notebook" not in log and "Cache hit" not in log, log
    assert "[0, 1, 4, 9]" in (project.root / "site/nb/index.html").read_text()
    early = list((project.root / ".cache/mkdocs-jupyter").glob("code-*/*.json"))
    assert len(early) == 1

    # mkdocs-jupyter alone (no figblog) writes the very same entry under the same name.
    project.write("mkdocs.yml", YML.replace("  - figblog:\n      timeout: 60\n", ""))
    project.write("docs/index.md", "# Home\n")
    (project.root / "notebook-ran").unlink()
    alone = project.mkdocs()
    assert alone.returncode == 0, alone.stderr
    own = project.root / ".cache/mkdocs-jupyter" / early[0].name
    assert own.read_bytes() == early[0].read_bytes()
