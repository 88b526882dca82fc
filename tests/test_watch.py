"""Watching runs: a long run says it still goes, a timed-out run says where it was."""

from __future__ import annotations

import os
import re
import selectors
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import PLOT, Project
from figblog.engine import watch
from figblog.engine.build import Engine


def engine(project: Project, **kw: object) -> Engine:
    return Engine(project.root, project.root / "figures", project.root / ".cache" / "figblog", **kw)


def test_a_long_run_says_now_and_then_that_it_still_runs(project, short_heartbeat):
    project.script("nap.py", "import time\ntime.sleep(1.6)\nopen('n.md', 'w').write('ok')\n")
    project.script("quick.py", PLOT)
    said: list[str] = []
    out = engine(project, themes=("light",), log=said.append).build(["nap.py", "quick.py"])
    assert {o.status for o in out.values()} == {"ran"}
    beats = [line for line in said if "still running" in line]
    # One line per beat the run lived past (0.3 s, then every 0.6 s), none for the quick one.
    expected = [f"figures/nap.py [light] still running ({s:g} s)" for s in (0.3, 0.9, 1.5, 2.1)]
    assert len(beats) >= 2 and beats == expected[: len(beats)], said


def test_the_themes_of_a_script_running_together_get_one_line_per_beat(
    project, tmp_path, short_heartbeat
):
    flags = tmp_path / "flags"
    flags.mkdir()
    # Each theme waits until the other has started, then both sleep side by side.
    project.script(
        "pair.py",
        f"""\
        import os, time
        from pathlib import Path
        theme = os.environ["FIGBLOG_THEME"]
        (Path({str(flags)!r}) / theme).touch()
        other = Path({str(flags)!r}) / ("dark" if theme == "light" else "light")
        deadline = time.time() + 30
        while not other.exists():
            if time.time() > deadline:
                raise SystemExit("the other theme never started")
            time.sleep(0.01)
        time.sleep(1.7)
        open("n.md", "w").write("ok")
        """,
    )
    said: list[str] = []
    out = engine(project, jobs=2, log=said.append).build(["pair.py"])
    assert {o.status for o in out.values()} == {"ran"}, out
    beats = [line for line in said if "still running" in line]
    found = [re.fullmatch(r"figures/pair\.py \[(.*)\] still running \((.*) s\)", b) for b in beats]
    assert all(found), beats
    seconds = [float(m.group(2)) for m in found]
    # One line per beat for the script, not one per theme; while both sleep, it names both.
    assert seconds == sorted(set(seconds)), beats
    assert [m.group(1) for m in found].count("light, dark") >= 2, beats


def test_a_script_with_one_theme_left_running_names_that_theme(project, short_heartbeat):
    project.script(
        "half.py",
        "import os, time\n"
        "if os.environ['FIGBLOG_THEME'] == 'dark':\n"
        "    time.sleep(1.5)\n"
        "open('n.md', 'w').write('ok')\n",
    )
    said: list[str] = []
    out = engine(project, jobs=2, log=said.append).build(["half.py"])
    assert {o.status for o in out.values()} == {"ran"}, out
    beats = [line for line in said if "still running" in line]
    # The light run ended at once: the lines go on for the dark one alone, and say so.
    assert beats and beats[-1].startswith("figures/half.py [dark] still running ("), said
    assert not any("[light]" in line for line in beats), said


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


SPIN = """\
import time


def wait_for_ever():
    while True:
        time.sleep(0.1)


wait_for_ever()
"""


@pytest.mark.parametrize("warm", [True, False], ids=["warm", "fresh"])
def test_a_timeout_says_where_the_script_was(project, warm):
    project.script("spin.py", SPIN)
    out = engine(project, themes=("light",), timeout=3, warm=warm).build(["spin.py"])
    error = out["spin.py", "light"].error
    assert error.startswith(
        "figure script figures/spin.py timed out after 3 s and was killed; it was at line 6:\n"
    ), error
    assert 'File "figures/spin.py", line 9, in <module>' in error
    assert 'File "figures/spin.py", line 6, in wait_for_ever\n        time.sleep(0.1)' in error
    assert "_child" not in error and "runpy" not in error and "_zygote" not in error


def test_a_script_waiting_in_a_library_shows_its_own_line_first(project):
    # Blocked in C (a lock) under two frames of the standard library's queue and threading.
    project.script("wait.py", "import queue\n\nqueue.Queue().get()\n")
    out = engine(project, themes=("light",), timeout=2).build(["wait.py"])
    error = out["wait.py", "light"].error
    assert "killed; it was at line 3:" in error
    assert error.endswith(
        'File "figures/wait.py", line 3, in <module>\n        queue.Queue().get()\n'
        "      ... then 2 more frames outside the project, down to wait (threading.py)"
    ), error


def test_a_script_that_will_not_tell_is_killed_on_time_all_the_same(project):
    # It blocks the signal that asks for its stack: the kill must not wait for an answer.
    project.script(
        "mute.py",
        "import signal, time\nsignal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})\n"
        "time.sleep(300)\n",
    )
    out = engine(project, themes=("light",), timeout=2).build(["mute.py"])
    o = out["mute.py", "light"]
    assert o.error == "figure script figures/mute.py timed out after 2 s and was killed"
    assert o.seconds < 2 + watch._STACK_WAIT + 0.5


def test_a_run_that_ends_keeps_no_stack_file(project):
    project.script("quick.py", PLOT)
    out = engine(project, themes=("light",)).build(["quick.py"])
    entry = out["quick.py", "light"].entry.out.parent
    assert (entry / "reads.json").exists() and not (entry / watch.STACK_FILE).exists()


def test_library_frames_in_a_virtualenv_inside_the_project_are_not_the_authors(tmp_path):
    root = Path(sys.prefix).parent  # as for .venv/ in the project's own folder
    lib = f"{sys.prefix}/lib/site-packages/matplotlib/figure.py"
    (tmp_path / watch.STACK_FILE).write_text(
        "Current thread 0x00007f3a2b1c0740 (most recent call first):\n"
        f'  File "{lib}", line 30 in draw\n'
        f'  File "{lib}", line 20 in savefig\n'
        f'  File "{root}/figures/x.py", line 7 in <module>\n'
        '  File "<frozen runpy>", line 88 in _run_code\n'
        f'  File "{root}/src/figblog/engine/_child.py", line 240 in run\n'
    )
    text, line = watch.stuck_at(tmp_path, root / "figures" / "x.py", root)
    assert line == 7
    assert text.startswith('  File "figures/x.py", line 7, in <module>\n'), text
    assert text.endswith("... then 2 more frames outside the project, down to draw (figure.py)\n")
