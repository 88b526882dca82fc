"""No process a run starts outlives it: escapees, a killed build, Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from conftest import Project
from figblog.engine.build import Engine

# Starts a grandchild in a session of its own (out of reach of the run's process group)
# that would live for five minutes, and writes its pid where the test can find it.
ESCAPE = """\
import os, subprocess, sys
out = {out}
child = subprocess.Popen(
    [sys.executable, "-c", "import time; time.sleep(300)"],
    start_new_session=True, stdout=out, stderr=out,
)
open(os.environ["FIGBLOG_TEST_COUNTER"] + ".pids", "a").write(f"{{child.pid}}\\n")
open("done.md", "w").write("started")
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False


def _pids(project: Project) -> list[int]:
    path = Path(str(project.counter) + ".pids")
    return [int(x) for x in path.read_text().split()] if path.exists() else []


def _gone(pids: list[int], seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not any(_alive(p) for p in pids):
            return True
        time.sleep(0.05)
    return False


def test_an_escaped_grandchild_holding_the_output_neither_blocks_nor_survives(project):
    project.script("holds.py", ESCAPE.format(out="None"))  # inherits the run's output pipe
    project.script("quiet.py", ESCAPE.format(out="subprocess.DEVNULL"))
    engine = Engine(project.root, project.root / "figures", project.root / ".cache/fb", timeout=20)
    start = time.monotonic()
    out = engine.build(["holds.py", "quiet.py"])
    took = time.monotonic() - start
    assert {o.status for o in out.values()} == {"ran"}, [o.error for o in out.values()]
    assert took < 15, f"the build waited {took:.0f} s on a process its script left running"
    pids = _pids(project)
    assert len(pids) == 4
    assert _gone(pids), [p for p in pids if _alive(p)]


def test_killing_the_build_ends_its_scripts_and_what_they_started(project):
    project.script(
        "slow.py",
        ESCAPE.format(out="subprocess.DEVNULL") + "import time\ntime.sleep(300)\n",
    )
    proc = project.start_build(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while len(_pids(project)) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    escaped = _pids(project)
    assert len(escaped) == 2, "the scripts did not start"
    family = _descendants(proc.pid)  # the warm worker and the scripts' processes
    assert len(family) >= 3
    proc.kill()
    proc.wait()
    assert _gone(escaped), "processes started by the scripts outlived the killed build"
    assert _gone(family), "the build's worker or scripts outlived it"


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        for task in os.listdir(f"/proc/{current}/task"):
            try:
                with open(f"/proc/{current}/task/{task}/children") as fh:
                    kids = [int(x) for x in fh.read().split()]
            except OSError:
                continue
            found += kids
            todo += kids
    return found


def test_ctrl_c_stops_the_build_within_seconds_and_runs_nothing_more(project):
    for i in range(6):
        project.script(
            f"s{i}.py",
            "import os, time\n"
            "open(os.environ['FIGBLOG_TEST_COUNTER'], 'a').write('run\\n')\n"
            "time.sleep(60)\nopen('x.md', 'w').write('x')\n",
        )
    proc = project.start_build()
    assert len(project.wait_for_runs(2)) == 2
    start = time.monotonic()
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=30)
    assert time.monotonic() - start < 10
    assert proc.returncode != 0
    assert "Traceback" not in stderr, stderr
    assert "interrupted" in stderr
    time.sleep(1)
    assert len(project.runs()) == 2  # none of the queued scripts started
