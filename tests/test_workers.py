"""Warm workers: a forked run behaves as a fresh interpreter's, and leaks nothing into the next."""

from __future__ import annotations

import os
import shutil
import textwrap
import time
from pathlib import Path

from conftest import PLOT, REPO, Project
from figblog.engine import workers
from figblog.engine.build import Engine
from figblog.engine.runner import _child_env, run_script


def engine(project: Project, **kw: object) -> Engine:
    return Engine(project.root, project.root / "figures", project.root / ".cache" / "figblog", **kw)


def _outputs(outcome) -> dict[str, bytes]:
    return {name: (outcome.entry.out / name).read_bytes() for name in outcome.entry.outputs}


def test_warm_and_fresh_runs_give_the_same_bytes_and_dependencies(project, tmp_path):
    project.write("lib/shapes.py", "POINTS = [0, 3, 1, 2]\n")
    project.write("data/values.txt", "4 2 5\n")
    project.script(
        "fig.py",
        PLOT
        + textwrap.dedent(
            """\
            import os
            import shapes
            values = open(os.path.join(os.environ["FIGBLOG_PROJECT_ROOT"], "data/values.txt"))
            ax.set_title(f"points {shapes.POINTS} values {values.read().split()}")
            fig.savefig("titled.png", dpi=80)
            open("numbers.md", "w").write(str(sum(shapes.POINTS)))
            """
        ),
    )
    warm = engine(project, warm=True).build(["fig.py"])
    shutil.move(project.root / ".cache", tmp_path / "warm-cache")
    fresh = engine(project, warm=False).build(["fig.py"])
    for theme in ("light", "dark"):
        w, f = warm["fig.py", theme], fresh["fig.py", theme]
        assert w.status == f.status == "ran", (w.error, f.error)
        assert _outputs(w) == _outputs(f)
        assert w.entry.manifest["deps"] == f.entry.manifest["deps"]
        assert "lib/shapes.py" in w.entry.manifest["deps"]
        assert "data/values.txt" in w.entry.manifest["deps"]
        assert "cpu" in w.entry.manifest  # the worker reports the child's CPU time


def test_a_run_cannot_change_what_the_next_run_sees(project):
    project.script(
        "meddle.py",
        """\
        import sys
        import matplotlib as mpl
        import numpy as np
        mpl.rcParams["lines.linewidth"] = 9.0
        np.sum = lambda *a, **k: "patched"
        sys.path.insert(0, "/nowhere")
        import json
        json.MEDDLED = True
        open("done.md", "w").write("meddled")
        """,
    )
    project.script(
        "look.py",
        """\
        import json
        import sys
        import matplotlib as mpl
        import numpy as np
        seen = {
            "linewidth": mpl.rcParams["lines.linewidth"],
            "sum": str(np.sum([1, 2])),
            "path": "/nowhere" in sys.path,
            "json": hasattr(json, "MEDDLED"),
        }
        open("seen.md", "w").write(repr(seen))
        """,
    )
    built = engine(project, jobs=1).build(["meddle.py"])
    assert built["meddle.py", "light"].status == "ran"
    out = engine(project, jobs=1).build(["look.py"])
    seen = (out["look.py", "light"].entry.out / "seen.md").read_text()
    assert seen == "{'linewidth': 1.5, 'sum': '3', 'path': False, 'json': False}"


def test_project_modules_the_worker_loaded_are_recorded(tmp_path):
    # This repository is the project: the worker itself loads figblog's engine package,
    # and each run must still list those files among what it depended on.
    workspace = tmp_path / "ws"
    (workspace / "out").mkdir(parents=True)
    script = tmp_path / "s.py"
    script.write_text("open('x.md', 'w').write('x')\n")
    env = _child_env("light", REPO, tmp_path / "memo")
    worker = workers.worker_for(env)
    preloaded = set(worker._stamps)
    assert str(REPO / "src/figblog/engine/__init__.py") in preloaded
    result = run_script(script, "light", REPO, workspace, tmp_path / "memo", timeout=60)
    assert result.ok, result.output_tail
    # The worker's own module is the engine's, and keyed as the engine version instead;
    # the theme code is loaded but kept aside until a script draws.
    zygote = str(REPO / "src/figblog/engine/_zygote.py")
    themes = {p for p in preloaded if "/figblog/plotting/" in p}
    assert themes, "the worker preloads the theme code"
    assert preloaded - {zygote} - themes <= set(result.reads)
    assert zygote not in result.reads and not themes & set(result.reads)
    script.write_text("import matplotlib.pyplot as plt\nplt.figure().savefig('x.png')\n")
    drawn = run_script(script, "light", REPO, workspace, tmp_path / "memo", timeout=60)
    assert drawn.ok, drawn.output_tail
    assert themes <= set(drawn.reads)


def test_a_worker_whose_project_code_changed_is_replaced(tmp_path):
    env = _child_env("light", REPO, tmp_path / "memo")
    first = workers.worker_for(env)
    assert workers.worker_for(env) is first
    watched = tmp_path / "module.py"
    watched.write_text("A = 1\n")
    first._stamps[str(watched)] = workers._stamp(str(watched))
    assert first.usable()
    time.sleep(0.01)
    watched.write_text("A = 22\n")  # another size, whatever the clock's resolution
    assert not first.usable()
    second = workers.worker_for(env)
    assert second is not first and second.usable()
    assert first.proc.poll() is not None  # the old worker was stopped


def test_a_dead_worker_is_replaced_and_the_run_still_happens(project):
    project.script("a.py", PLOT)
    env = _child_env("light", project.root, project.root / ".cache/figblog/memo")
    worker = workers.worker_for(env)
    worker.proc.kill()
    worker.proc.wait()
    out = engine(project).build(["a.py"])
    assert {o.status for o in out.values()} == {"ran"}
    assert workers.worker_for(env) is not worker


def test_the_worker_ends_with_the_engine_process(project):
    # A build killed with -9 leaves no warm worker behind: its control channel closes.
    import subprocess
    import sys

    code = textwrap.dedent(
        f"""
        import os, sys
        from pathlib import Path
        from figblog.engine.runner import _child_env
        from figblog.engine import workers
        w = workers.worker_for(_child_env("light", Path({str(project.root)!r}), Path("/tmp")))
        print(w.proc.pid, flush=True)
        sys.stdin.read()
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    pid = int(proc.stdout.readline())
    os.kill(pid, 0)  # the worker runs
    proc.kill()
    proc.wait()
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        # It is not our child: a zombie would still answer, so look at its state.
        try:
            if Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z":
                break
        except OSError:
            break
        time.sleep(0.05)
    else:
        raise AssertionError(f"warm worker {pid} outlived the engine")


def test_fresh_interpreter_is_used_when_no_worker_can_start(project, monkeypatch, capsys):
    project.script("a.py", PLOT)

    def refuse(env):
        raise workers.WorkerError("no fork here")

    monkeypatch.setattr("figblog.engine.runner.worker_for", refuse)
    out = engine(project).build(["a.py"])
    assert {o.status for o in out.values()} == {"ran"}
    assert "fresh interpreters (no fork here)" in capsys.readouterr().err


def test_a_process_building_many_projects_keeps_few_idle_workers(tmp_path, monkeypatch):
    # Each worker holds numpy and matplotlib (~80 MB); the test suite alone used to keep
    # one per project it built, for the life of the process.
    monkeypatch.setattr(workers, "_IDLE_GRACE", 0.0)
    workspace = tmp_path / "ws"
    (workspace / "out").mkdir(parents=True)
    slow = tmp_path / "slow.py"
    slow.write_text("import time\ntime.sleep(3)\nopen('x.md', 'w').write('x')\n")
    busy_env = _child_env("light", tmp_path / "busy", tmp_path / "memo")
    busy = workers.worker_for(busy_env)
    run = busy.start(slow, workspace, workspace / "out", busy_env)  # a run in flight
    made = [busy]
    for n in range(4):
        made.append(workers.worker_for(_child_env("light", tmp_path / f"p{n}", tmp_path / "m")))
        time.sleep(0.01)  # distinct last-used times
    try:
        assert busy.proc.poll() is None, "a worker with a run in flight was stopped"
        assert run.receive(time.monotonic() + 30)["status"] == 0
        stopped = [w for w in made if w.proc.poll() is not None]
        assert made[1] in stopped and made[-1] not in stopped
        alive = [w for w in workers._WORKERS.values() if w in made]
        # The busy one, the one made last, and the idle ones used last before it.
        assert alive == [busy, *made[-1 - workers._KEEP_IDLE :]]
        assert all(w.proc.poll() is None for w in alive)
    finally:
        run.close()


def test_an_edit_of_the_child_code_replaces_the_worker_and_reruns_in_one_process(
    project, tmp_path, monkeypatch
):
    # `mkdocs serve` builds again and again in one process: an edit of the engine's
    # child code (here, copies of it) must make cached runs stale and the worker new.
    from figblog.engine import environment

    copies = []
    for name in environment.CHILD_FILES:
        copy = tmp_path / "child" / Path(name).name
        copy.parent.mkdir(exist_ok=True)
        shutil.copy(name, copy)
        copies.append(str(copy))
    monkeypatch.setattr(environment, "CHILD_FILES", tuple(copies))
    monkeypatch.setattr(workers, "CHILD_FILES", tuple(copies))
    project.script("a.py", PLOT)
    assert {o.status for o in engine(project).build(["a.py"]).values()} == {"ran"}
    assert {o.status for o in engine(project).build(["a.py"]).values()} == {"cached"}
    env = _child_env("light", project.root, project.root / ".cache" / "figblog" / "memo")
    first = workers.worker_for(env)
    assert first.usable()
    with open(copies[0], "a") as fh:
        fh.write("# an edit\n")
    assert not first.usable()
    assert {o.status for o in engine(project).build(["a.py"]).values()} == {"ran"}
    assert workers.worker_for(env) is not first
