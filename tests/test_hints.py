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


def test_a_missing_scripts_near_names_ignore_case_and_a_broken_link_is_said(project):
    project.script("t_ok.py", "open('x.md', 'w').write('x')\n")
    (project.root / "figures" / "t_dangling.py").symlink_to("gone.py")
    eng = Engine(project.root, project.root / "figures", project.root / ".cache", themes=("light",))
    out = eng.build(["T_OK.py", "t_dangling.py"])
    assert out["T_OK.py", "light"].error == (
        "figure script figures/T_OK.py does not exist; did you mean figures/t_ok.py?"
    )
    assert out["t_dangling.py", "light"].error == (
        "figure script figures/t_dangling.py is a broken symbolic link: it points to "
        "'gone.py', which does not exist"
    )
    for args in (["run", "figures/t_dangling.py"], ["build", "--only", "figures/t_dangling.py"]):
        done = project.cli(*args)
        assert done.returncode != 0 and "Traceback" not in done.stderr, done.stderr
        assert "figures/t_dangling.py is a broken symbolic link: it points to 'gone.py'" in (
            done.stderr
        )
        assert "did you mean" not in done.stderr


def test_a_crash_names_its_signal_and_the_same_failure_in_both_themes_is_told_once(project):
    project.script("seg.py", "import ctypes\nctypes.string_at(0)\n")
    done = project.cli("build")
    assert done.returncode == 1
    said = (
        "[light, dark] figure script figures/seg.py failed: Crash: the script's process was "
        "killed by SIGSEGV, a segmentation fault: native code, such as a C extension, read "
        "memory it may not"
    )
    assert said in done.stderr, done.stderr
    assert "[light]" not in done.stderr and "status -11" not in done.stderr
    project.script(
        "half.py",
        "import os\nassert os.environ['FIGBLOG_THEME'] == 'light'\nopen('x.md', 'w').write('x')\n",
    )
    done = project.cli("build", "--only", "half.py")
    assert "[dark] figure script figures/half.py failed at line 2" in done.stderr
    assert "[light" not in done.stderr
