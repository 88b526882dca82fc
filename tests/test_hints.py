"""A script that opens a project file by a relative path is told how to open it instead."""

from __future__ import annotations

from conftest import Project
from figblog.engine.build import Engine

OPENERS = {
    "opens.py": 'open("data/lr_sweep.csv").read()\n',
    "numpy.py": 'import numpy as np\nnp.loadtxt("data/lr_sweep.csv", delimiter=",")\n',
    "resolved.py": 'from pathlib import Path\nPath("./data/lr_sweep.csv").resolve().read_text()\n',
    "beside.py": 'open("points.csv").read()\n',
    "docs.py": 'open("docs/notes.txt").read()\n',
    "nowhere.py": 'open("data/missing.csv").read()\n',
}


def _errors(project: Project) -> dict[str, str]:
    project.write("data/lr_sweep.csv", "0.1,1\n0.2,0.5\n")
    project.write("figures/points.csv", "1,2\n")
    project.write("docs/notes.txt", "notes\n")
    for name, body in OPENERS.items():
        project.script(name, body)
    eng = Engine(project.root, project.root / "figures", project.root / ".cache", themes=("light",))
    out = eng.build(OPENERS)
    return {script: o.error for (script, _), o in out.items()}


def test_relative_paths_to_project_files_get_a_hint(project):
    errors = _errors(project)
    data = (
        "\n  hint: scripts run in an empty folder, not the project root, where "
        "'{}' is; use figblog.paths.data_file(\"lr_sweep.csv\") (README, 'Data files')\n"
    )
    # Right under the line that failed, whether open() or numpy said it (exc.filename or not).
    assert data.format("data/lr_sweep.csv") in errors["opens.py"]
    assert data.format("data/lr_sweep.csv") in errors["numpy.py"]
    # A path made absolute from the empty folder the script runs in is as good as relative.
    assert data.format("data/lr_sweep.csv") in errors["resolved.py"]
    assert "not the script's folder, where 'points.csv' is; use " in errors["beside.py"]
    assert 'use Path(__file__).parent / "points.csv"' in errors["beside.py"]
    assert 'use figblog.paths.project_file("docs/notes.txt")' in errors["docs.py"]


def test_a_file_that_is_nowhere_gets_no_hint(project):
    error = _errors(project)["nowhere.py"]
    assert error.startswith("figure script figures/nowhere.py failed at line 1: FileNotFoundError")
    assert "hint" not in error
