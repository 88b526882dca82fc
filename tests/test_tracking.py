"""What a run read: every way a script can read the project is a dependency, or it is not cached."""

from __future__ import annotations

import os
import textwrap

import pytest

from conftest import Project
from figblog.engine.build import UNTRACKED, Engine


def build(project: Project, *scripts: str):
    engine = Engine(project.root, project.root / "figures", project.root / ".cache/fb", jobs=2)
    return engine.build(scripts)


def _value(outcomes, script: str) -> str:
    return (outcomes[script, "light"].entry.out / "value.md").read_text()


def _script(project: Project, name: str, body: str) -> None:
    project.script(
        name, "import os\nROOT = os.environ['FIGBLOG_PROJECT_ROOT']\n" + textwrap.dedent(body)
    )


def test_a_script_that_ends_with_os_exit_is_never_taken_as_reading_nothing(project):
    project.write("data/v.txt", "v1")
    _script(
        project,
        "bye.py",
        """\
        value = open(os.path.join(ROOT, "data/v.txt")).read()
        open("value.md", "w").write(f"value={value}")
        os._exit(0)
        """,
    )
    first = build(project, "bye.py")
    assert _value(first, "bye.py") == "value=v1"
    assert UNTRACKED in first["bye.py", "light"].entry.manifest["deps"]
    project.write("data/v.txt", "v2")
    second = build(project, "bye.py")
    assert second["bye.py", "light"].status == "ran"
    assert _value(second, "bye.py") == "value=v2"


def test_sqlite_and_read_write_opens_are_dependencies(project):
    import sqlite3

    db = project.root / "data" / "runs.db"
    db.parent.mkdir()
    with sqlite3.connect(db) as conn:
        conn.execute("create table t (x)")
        conn.execute("insert into t values (1)")
    conn.close()
    project.write("data/notes.txt", "n1")
    _script(
        project,
        "db.py",
        """\
        import sqlite3
        conn = sqlite3.connect(os.path.join(ROOT, "data/runs.db"))
        total = conn.execute("select sum(x) from t").fetchone()[0]
        with open(os.path.join(ROOT, "data/notes.txt"), "r+") as fh:
            notes = fh.read()
        open("value.md", "w").write(f"{total} {notes}")
        """,
    )
    first = build(project, "db.py")
    deps = first["db.py", "light"].entry.manifest["deps"]
    assert {"data/runs.db", "data/notes.txt"} <= set(deps)
    assert UNTRACKED not in deps
    assert build(project, "db.py")["db.py", "light"].status == "cached"
    with sqlite3.connect(db) as conn:
        conn.execute("insert into t values (41)")
    conn.close()
    assert _value(build(project, "db.py"), "db.py") == "42 n1"


def test_a_program_started_by_a_script_makes_it_run_every_time_unless_declared(project):
    project.write("data/in.txt", "i1")
    program = (
        "import subprocess, sys\n"
        "out = subprocess.run([sys.executable, '-c', "
        "'import sys; print(open(sys.argv[1]).read())', os.path.join(ROOT, 'data/in.txt')],"
        " capture_output=True, text=True, check=True).stdout.strip()\n"
    )
    _script(project, "blind.py", program + "open('value.md', 'w').write(out)\n")
    _script(
        project,
        "declared.py",
        "from figblog.deps import declare\n"
        "declare('data/in.txt')\n" + program + "open('value.md', 'w').write(out)\n",
    )
    first = build(project, "blind.py", "declared.py")
    assert {o.status for o in first.values()} == {"ran"}
    assert "started another program" in first["blind.py", "light"].reason
    again = build(project, "blind.py", "declared.py")
    assert again["blind.py", "light"].status == "ran"
    assert again["declared.py", "light"].status == "cached"
    assert "data/in.txt" in again["declared.py", "light"].entry.manifest["deps"]
    project.write("data/in.txt", "i2")
    third = build(project, "declared.py")
    assert _value(third, "declared.py") == "i2"


@pytest.mark.parametrize("method", ["fork", "spawn", "forkserver"])
def test_multiprocessing_workers_make_a_script_run_every_time_unless_declared(project, method):
    """A worker's reads are out of sight: its own memory (fork) or a new interpreter."""
    project.write("data/in.txt", "m1")
    _script(
        project,
        "pool.py",
        "import multiprocessing as mp\n"
        "def read(path):\n"
        "    return open(path).read()\n"
        "if __name__ == '__main__':\n"
        f"    with mp.get_context({method!r}).Pool(1) as pool:\n"
        "        out = pool.apply(read, (os.path.join(ROOT, 'data/in.txt'),))\n"
        "    open('value.md', 'w').write(out)\n",
    )
    first = build(project, "pool.py")
    assert _value(first, "pool.py") == "m1"
    reason = first["pool.py", "light"].reason
    assert "started another process" in reason and (method in reason or "fork" in reason)
    project.write("data/in.txt", "m2")
    assert _value(build(project, "pool.py"), "pool.py") == "m2"


def test_writing_a_file_is_not_reading_it(project):
    _script(
        project,
        "writer.py",
        """\
        path = os.path.join(ROOT, "data", "made.txt")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        open(path, "w").write("x")
        fd = os.open(path, os.O_WRONLY | os.O_TRUNC)
        os.close(fd)
        open("value.md", "w").write("done")
        """,
    )
    out = build(project, "writer.py")
    assert "data/made.txt" not in out["writer.py", "light"].entry.manifest["deps"]
    assert os.path.exists(project.root / "data" / "made.txt")


def test_a_folder_a_script_lists_is_a_dependency_but_not_the_import_path(project):
    project.write("lib/helper.py", "X = 1\n")
    project.write("data/a.txt", "a")
    _script(
        project,
        "count.py",
        """\
        import glob
        import helper
        names = glob.glob(os.path.join(ROOT, "data", "*.txt"))
        open("value.md", "w").write(str(len(names)))
        """,
    )
    first = build(project, "count.py")
    deps = first["count.py", "light"].entry.manifest["deps"]
    assert "data" in deps and "lib/helper.py" in deps
    assert "lib" not in deps and "figures" not in deps  # folders the import system searched
    project.write("lib/other.py", "Y = 2\n")  # a new module next to an imported one
    assert build(project, "count.py")["count.py", "light"].status == "cached"
    project.write("data/b.txt", "b")
    assert _value(build(project, "count.py"), "count.py") == "2"


def test_asking_a_package_its_version_does_not_depend_on_the_figures_folder(project):
    # importlib.metadata lists every sys.path folder (the script's own among them) to find
    # installed packages; counting that made adding any script re-run this one.
    _script(
        project,
        "version.py",
        """\
        from importlib import metadata
        open("value.md", "w").write(metadata.version("numpy"))
        """,
    )
    first = build(project, "version.py")
    assert "figures" not in first["version.py", "light"].entry.manifest["deps"]
    project.script("another.py", "print('a new figure script')\n")
    assert build(project, "version.py")["version.py", "light"].status == "cached"


def test_a_file_outside_the_project_is_a_dependency_and_a_temporary_file_is_not(
    project, tmp_path, monkeypatch
):
    # Data beside the project (a shared folder) is keyed by its absolute path; what the
    # script writes and reads back in the temporary folder is not, or it would always run.
    (tmp_path / "tmp").mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    shared = tmp_path / "shared" / "notes.txt"
    shared.parent.mkdir()
    shared.write_text("v1")
    _script(
        project,
        "side.py",
        f"""\
        import tempfile
        with tempfile.NamedTemporaryFile("w+", suffix=".txt") as fh:
            fh.write("scratch")
            fh.flush()
            open(fh.name).read()
        value = open({str(shared)!r}).read()
        open("value.md", "w").write(f"value={{value}}")
        """,
    )
    first = build(project, "side.py")
    assert _value(first, "side.py") == "value=v1"
    assert list(first["side.py", "light"].entry.manifest["deps"]) == [
        shared.as_posix(),
        "figures/side.py",
    ]
    assert {o.status for o in build(project, "side.py").values()} == {"cached"}
    shared.write_text("v2")
    second = build(project, "side.py")
    assert second["side.py", "light"].status == "ran"
    assert second["side.py", "light"].reason == f"{shared.as_posix()} changed"
    assert _value(second, "side.py") == "value=v2"
