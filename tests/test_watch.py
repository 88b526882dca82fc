"""Watching runs: a long run says now and then that it still goes."""

from __future__ import annotations

import os
import selectors
import subprocess
import sys
import time

from conftest import PLOT, Project
from figblog.engine import watch
from figblog.engine.build import Engine


def engine(project: Project, **kw: object) -> Engine:
    return Engine(project.root, project.root / "figures", project.root / ".cache" / "figblog", **kw)


def test_a_long_run_says_now_and_then_that_it_still_runs(project, monkeypatch):
    monkeypatch.setattr(watch, "HEARTBEAT_FIRST", 0.3)
    monkeypatch.setattr(watch, "HEARTBEAT_EVERY", 0.6)
    project.script("nap.py", "import time\ntime.sleep(1.6)\nopen('n.md', 'w').write('ok')\n")
    project.script("quick.py", PLOT)
    said: list[str] = []
    out = engine(project, themes=("light",), log=said.append).build(["nap.py", "quick.py"])
    assert {o.status for o in out.values()} == {"ran"}
    beats = [line for line in said if "still running" in line]
    # One line per beat the run lived past (0.3 s, then every 0.6 s), none for the quick one.
    expected = [f"figures/nap.py [light] still running ({s:g} s)" for s in (0.3, 0.9, 1.5, 2.1)]
    assert len(beats) >= 2 and beats == expected[: len(beats)], said


def test_the_cli_log_reaches_a_pipe_while_the_build_goes_on(project):
    # A CI log is a pipe: a line printed but left in a buffer says nothing until the end.
    flag = project.root / "flag"
    project.script("a.py", PLOT)
    project.script(
        "wait.py",
        f"""\
        import os, time
        deadline = time.time() + 30
        while os.environ["FIGBLOG_THEME"] == "light" and not os.path.exists({str(flag)!r}):
            if time.time() > deadline:
                raise SystemExit("the build's log said nothing while this run went on")
            time.sleep(0.05)
        open("w.md", "w").write("ok")
        """,
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # as in CI
    cmd = [sys.executable, "-m", "figblog.cli", "build", "--jobs", "2"]
    build = subprocess.Popen(
        cmd, cwd=project.root, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    selector = selectors.DefaultSelector()
    selector.register(build.stdout, selectors.EVENT_READ)
    seen = ""
    deadline = time.monotonic() + 60
    while " ran in " not in seen and time.monotonic() < deadline:
        if selector.select(timeout=1):
            seen += build.stdout.readline()
    flag.touch()
    rest, errors = build.communicate(timeout=120)
    assert build.returncode == 0, seen + rest + errors
    assert " ran in " in seen
