"""mkdocs-jupyter's cache folders, one per state of the shared code, do not pile up."""

from __future__ import annotations

import os
import time
from pathlib import Path
from types import SimpleNamespace

from conftest import Project
from figblog import notebooks

BASE = ".cache/mkdocs-jupyter"


def _config() -> SimpleNamespace:
    jupyter = SimpleNamespace(config={"cache": True, "cache_dir": BASE})
    return SimpleNamespace(plugins={"mkdocs-jupyter": jupyter})


def _key(project: Project, config: SimpleNamespace) -> Path:
    """What the plugin does on each build: point mkdocs-jupyter at the current folder."""
    notebooks.key_cache_to_code(config, project.root, ["lib"])
    return project.root / config.plugins["mkdocs-jupyter"].config["cache_dir"]


def _older_folders(project: Project, count: int) -> list[Path]:
    """``count`` folders of earlier code, the first used longest ago, each with a notebook."""
    made = []
    for i in range(count):
        folder = project.root / BASE / f"code-{i:016x}"
        folder.mkdir(parents=True)
        (folder / "nb.json").write_text('{"content": "x"}')
        when = time.time() - 3600 * (count - i)
        os.utime(folder, (when, when))
        made.append(folder)
    return made


def _folders(project: Project) -> set[str]:
    return {p.name for p in (project.root / BASE).iterdir()}


def test_new_code_removes_all_but_the_three_folders_used_last(project):
    project.write("lib/shared.py", "VALUE = 1\n")
    older = _older_folders(project, 6)
    (project.root / BASE / "stray.json").write_text("{}")  # not ours: left alone
    (project.root / BASE / "mine").mkdir()
    current = _key(project, _config())
    assert current.name.startswith("code-") and current.is_dir()
    assert _folders(project) == {
        current.name,
        *(p.name for p in older[-3:]),
        "stray.json",
        "mine",
    }


def test_a_build_whose_folder_exists_removes_nothing_and_marks_it_used(project):
    project.write("lib/shared.py", "VALUE = 1\n")
    config = _config()
    current = _key(project, config)
    old = time.time() - 7 * 24 * 3600
    os.utime(current, (old, old))
    older = _older_folders(project, 5)
    config.plugins["mkdocs-jupyter"].config["cache_dir"] = BASE  # the next build
    assert _key(project, config) == current
    assert _folders(project) == {current.name, *(p.name for p in older)}
    assert current.stat().st_mtime > time.time() - 60
    # A revert to it after newer code: it is the folder used last, so it stays.
    project.write("lib/shared.py", "VALUE = 2\n")
    config.plugins["mkdocs-jupyter"].config["cache_dir"] = BASE
    newer = _key(project, config)
    assert _folders(project) == {newer.name, current.name, *(p.name for p in older[-2:])}


def test_a_folder_that_cannot_be_removed_or_is_gone_is_skipped(project, monkeypatch):
    project.write("lib/shared.py", "VALUE = 1\n")
    older = _older_folders(project, 5)
    real = os.rename

    def rename(src, dst):
        if Path(src) == older[0]:
            raise PermissionError(13, "Permission denied")  # a read-only cache
        if Path(src) == older[1]:
            raise FileNotFoundError(2, "No such file")  # another build removed it first
        return real(src, dst)

    monkeypatch.setattr(os, "rename", rename)
    config = _config()
    current = _key(project, config)
    assert _folders(project) == {current.name, *(p.name for p in older)}  # and no error
    assert not any(name.startswith(".old-") for name in _folders(project))

    def utime(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "utime", utime)  # a read-only cache on the next build
    config.plugins["mkdocs-jupyter"].config["cache_dir"] = BASE
    assert _key(project, config) == current


def test_the_kernel_sockets_of_processes_that_are_gone_are_removed(tmp_path):
    import subprocess
    import sys

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        names = [f"figblog-kernel-{pid}-{n}" for pid in (gone, alive.pid, os.getpid())
                 for n in (1, 2)]  # fmt: skip
        for name in [*names, "figblog-kernel-x-1", "other-1"]:
            (tmp_path / name).write_text("")
        removed = notebooks.remove_dead_kernel_sockets(str(tmp_path))
        assert sorted(Path(p).name for p in removed) == names[:2]
        left = sorted(p.name for p in tmp_path.iterdir())
        assert left == sorted([*names[2:], "figblog-kernel-x-1", "other-1"])
    finally:
        alive.kill()
        alive.wait()


def test_a_data_file_in_a_watched_folder_keys_the_notebooks_but_scratch_files_do_not(project):
    """A notebook reading data/ is executed again when the data changes, as a script is."""
    project.write("lib/shared.py", "VALUE = 1\n")
    project.write("lib/points.csv", "x,y\n1,2\n")
    first = _key(project, _config())
    project.write("lib/.points.csv.swp", "editor state")
    project.write("lib/points.csv~", "x,y\n")
    project.write("lib/__pycache__/shared.cpython-311.pyc", "bytes")
    assert _key(project, _config()) == first, "a scratch or cache file re-executed notebooks"
    project.write("lib/points.csv", "x,y\n1,2\n3,4\n")
    assert _key(project, _config()) != first
