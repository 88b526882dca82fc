"""figblog.paths: a script finds the project's data from any folder and inside the build."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from mkdocs.config import load_config

from conftest import COUNT, Project, _env
from figblog.paths import data_file, find_root, project_file, project_root

# Sums the second column of data/runs.csv and writes the total as computed text.
READER = (
    COUNT
    + """\
from figblog.paths import data_file

with open(data_file("runs.csv")) as fh:
    total = sum(float(line.split(",")[1]) for line in fh if line.strip())
with open("total.md", "w") as out:
    out.write(f"total **{total:g}**\\n")
"""
)


def _run_plain(project: Project, script: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``python figures/x.py`` as an author types it, with no engine around it."""
    env = _env(project)
    env.pop("FIGBLOG_PROJECT_ROOT", None)
    return subprocess.run(
        [sys.executable, str(script)], cwd=cwd, capture_output=True, text=True, env=env
    )


def test_a_script_run_from_another_folder_reads_its_own_projects_data(project, tmp_path):
    project.write("data/runs.csv", "a,1\nb,2\n")
    script = project.script("reader.py", READER)
    # The folder it runs in is another site with a data/runs.csv of its own: the
    # script's project must win over the current folder.
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "data").mkdir(parents=True)
    (elsewhere / "mkdocs.yml").write_text("site_name: other\n")
    (elsewhere / "data" / "runs.csv").write_text("z,100\n")
    done = _run_plain(project, script, elsewhere)
    assert done.returncode == 0, done.stderr
    assert (elsewhere / "total.md").read_text() == "total **3**\n"


def test_a_plain_run_missing_a_file_says_how_it_found_the_project_folder(project, tmp_path):
    project.write("data/runs.csv", "a,1\n")
    script = project.script(
        "typo.py", "from figblog.paths import data_file\ndata_file('run.csv')\n"
    )
    done = _run_plain(project, script, tmp_path)
    assert done.returncode == 1
    root = project.root.resolve()
    assert (
        f"no file {root}/data/run.csv in the project (the project "
        f"folder is the nearest folder with mkdocs.yml at or above {root}/figures); "
        "data/ holds: runs.csv"
    ) in done.stderr


def test_inside_a_real_build_the_data_file_is_found_and_is_a_dependency(project):
    project.write("data/runs.csv", "a,1\nb,2\n")
    project.script("reader.py", READER)
    project.script("other.py", COUNT + "open('x.md', 'w').write('x')\n")
    project.write(
        "docs/index.md", "# Home\n\n![](figures/reader.py#total.md)\n\n![](figures/other.py)\n"
    )
    done = project.mkdocs()
    assert done.returncode == 0, done.stderr
    assert "total <strong>3</strong>" in (project.root / "site" / "index.html").read_text()
    assert sorted(project.runs()) == ["other.py:dark", "other.py:light"] + [
        "reader.py:dark",
        "reader.py:light",
    ]

    # Nothing changed: nothing runs.
    assert project.mkdocs().returncode == 0
    assert len(project.runs()) == 4

    # An edit to the data file runs the script that read it, and only that one.
    project.write("data/runs.csv", "a,1\nb,2\nc,4\n")
    assert (
        "figures/reader.py\n  light  stale   (data/runs.csv changed)" in project.cli("list").stdout
    )
    done = project.mkdocs()
    assert done.returncode == 0, done.stderr
    assert sorted(project.runs()[4:]) == ["reader.py:dark", "reader.py:light"]
    assert "total <strong>7</strong>" in (project.root / "site" / "index.html").read_text()


def test_a_missing_data_file_fails_the_build_naming_it_and_the_scripts_line(project):
    project.write("data/runs.csv", "a,1\n")
    project.script(
        "typo.py", "import os\nfrom figblog.paths import data_file\ndata_file('run.csv')\n"
    )
    done = project.cli("build")
    assert done.returncode == 1
    # The build's message names the path relative to the project, never this machine's.
    assert (
        "figure script figures/typo.py failed at line 3: FileNotFoundError: "
        "no file data/run.csv in the project; data/ holds: runs.csv"
    ) in done.stderr
    assert str(project.root.resolve()) not in done.stderr
    assert "data/ holds: runs.csv" in done.stderr
    # The traceback is the script's: the helper raised on purpose, its lines say nothing.
    assert 'figures/typo.py", line 3' in done.stderr and "paths.py" not in done.stderr


def test_the_environment_names_the_root_and_errors_say_where_they_looked(tmp_path, monkeypatch):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "a.csv").write_text("1\n")
    monkeypatch.setenv("FIGBLOG_PROJECT_ROOT", str(tmp_path))
    assert project_root() == tmp_path.resolve()
    assert data_file("a.csv") == tmp_path.resolve() / "data" / "a.csv"
    assert project_file("data") == tmp_path.resolve() / "data"
    with pytest.raises(FileNotFoundError) as missing:
        data_file("b.csv")
    assert str(missing.value) == (
        f"no file {tmp_path.resolve()}/data/b.csv in the project; data/ holds: a.csv"
    )
    with pytest.raises(FileNotFoundError, match="leave that out of the name"):
        data_file("data/a.csv")
    with pytest.raises(ValueError, match="relative to the project root"):
        project_file("/etc/hostname")


def test_without_a_site_above_the_error_says_where_it_looked(tmp_path, monkeypatch):
    monkeypatch.delenv("FIGBLOG_PROJECT_ROOT", raising=False)
    monkeypatch.chdir(tmp_path)
    assert find_root(tmp_path) is None
    code = "from figblog.paths import data_file\ndata_file('x.csv')\n"
    script = tmp_path / "lonely.py"
    script.write_text(code)
    env = {k: v for k, v in _env(Project(tmp_path)).items() if k != "FIGBLOG_PROJECT_ROOT"}
    done = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, env=env
    )
    assert done.returncode == 1
    assert f"cannot find the project root: no mkdocs.yml in {tmp_path}" in done.stderr


def test_serve_watches_the_data_folder_by_default(project):
    project.write("data/runs.csv", "a,1\n")
    config = load_config(str(project.root / "mkdocs.yml"))
    config = config.plugins.on_config(config)
    assert str(project.root / "data") in config.watch
    assert str(project.root / "figures") in config.watch
