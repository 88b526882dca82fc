"""The live progress line: drawn in place on a terminal, never in a log file."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
import time

from conftest import _env
from figblog.engine.live import LiveLine

# A script whose progress bar redraws its line with carriage returns, slowly enough
# (0.25 s a step) for the live line, which draws at most ten times a second, to show
# every step.
BAR = """\
import sys, time
for step in range(1, 6):
    sys.stderr.write(f"\\rtraining {step * 20:3d}% step {step}/5")
    sys.stderr.flush()
    time.sleep(0.25)
sys.stderr.write("\\n")
open("done.md", "w").write("done")
"""


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_line_is_drawn_in_place_and_wiped_for_log_lines(monkeypatch):
    monkeypatch.setenv("TERM", "xterm")
    screen = _Terminal()
    line = LiveLine(screen)
    line.update("figures/a.py [light]", "epoch   3/10  30%")
    assert screen.getvalue() == "\r\x1b[Kfigures/a.py [light] epoch 3/10 30%"
    line.wipe()
    assert screen.getvalue().endswith("\r\x1b[K")
    line.restore()
    assert screen.getvalue().endswith("figures/a.py [light] epoch 3/10 30%")
    line.done("figures/a.py [light]")
    assert screen.getvalue().endswith("\r\x1b[K"), "the line stays after its last run ended"


def test_nothing_is_drawn_on_a_file_or_a_dumb_terminal(monkeypatch):
    log = io.StringIO()
    LiveLine(log).update("figures/a.py [light]", "50%")
    assert log.getvalue() == ""
    monkeypatch.setenv("TERM", "dumb")
    screen = _Terminal()
    LiveLine(screen).update("figures/a.py [light]", "50%")
    assert screen.getvalue() == ""


def _build_on_a_terminal(project) -> str:
    """``figblog build`` with its output on a pseudo-terminal; everything it drew."""
    ours, theirs = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "figblog.cli", "build", "--jobs", "1"],
        cwd=project.root,
        env={**_env(project), "TERM": "xterm"},
        stdin=subprocess.DEVNULL,
        stdout=theirs,
        stderr=theirs,
    )
    os.close(theirs)
    chunks = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            data = os.read(ours, 4096)
        except OSError:  # the build ended and closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=30)
    os.close(ours)
    return b"".join(chunks).decode(errors="replace")


def test_a_running_scripts_bar_shows_on_the_terminal_and_not_in_the_log(project):
    project.script("bar.py", BAR)
    shown = _build_on_a_terminal(project)
    steps = [f"step {n}/5" for n in range(1, 6)]
    assert sum(step in shown for step in steps) >= 3, shown  # live, not only the last state
    assert "\r\x1b[Kfigures/bar.py [light] training" in shown
    # Each log line starts on a clean line: the bar was wiped before it.
    assert "\r\x1b[Kfigures/bar.py [light] ran in" in shown
    plain = project.cli("build", "--force", "--jobs", "1")  # output to a pipe, as in CI
    assert plain.returncode == 0, plain.stderr
    assert "\x1b[K" not in plain.stdout + plain.stderr
    assert "step 3/5" not in plain.stdout + plain.stderr  # not verbose: no script output
