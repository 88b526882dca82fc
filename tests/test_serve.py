"""`mkdocs serve` survives a failing script, and re-runs only the script that was saved."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

from conftest import PLOT, Project, _env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.read().decode()
    except OSError:
        return ""


def _wait_for(predicate, seconds: float = 90) -> bool:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


def test_serve_keeps_running_and_shows_the_fixed_figure(project: Project):
    project.script("good.py", PLOT)
    project.script("bad.py", "raise ValueError('not yet')\n")
    project.write(
        "docs/index.md",
        "# Home\n\n![Good](figures/good.py)\n\n![Bad](figures/bad.py#plot.png)\n",
    )
    port = _free_port()
    log_path = project.root / "serve.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
            cwd=project.root,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=_env(project),
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        assert _wait_for(lambda: "not yet" in _get(url)), log_path.read_text()
        assert "admonition failure" in _get(url)
        first_runs = sorted(project.runs())
        assert first_runs == ["good.py:dark", "good.py:light"]  # bad.py wrote nothing to count
        time.sleep(1.0)  # let the watcher settle so the edit below is seen as a change
        project.script("bad.py", PLOT)
        fixed = re.compile(r"assets/figures/bad/plot\.[0-9a-f]{8}\.light\.png")
        assert _wait_for(lambda: fixed.search(_get(url))), log_path.read_text()
        assert proc.poll() is None  # the server is still up
        assert sorted(project.runs()) == sorted([*first_runs, "bad.py:dark", "bad.py:light"])
        assert "admonition failure" not in _get(url)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    assert os.path.exists(log_path)
