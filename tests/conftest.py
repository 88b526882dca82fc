"""Shared fixtures: a tiny project with figure scripts, and helpers to build it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from figblog.engine import watch

REPO = Path(__file__).resolve().parents[1]


@dataclass
class Project:
    """A throwaway project folder with figures/, docs/ and a run counter."""

    root: Path

    @property
    def counter(self) -> Path:
        return self.root / "runs.log"

    def script(self, name: str, body: str) -> Path:
        path = self.root / "figures" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(body))
        return path

    def write(self, rel: str, text: str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
        return path

    def runs(self) -> list[str]:
        """One line per script run, written by the scripts the tests make (``count()``)."""
        return self.counter.read_text().split() if self.counter.exists() else []

    def mkdocs(self, *args: str, strict: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = [sys.executable, "-m", "mkdocs", "build", *args]
        if strict:
            cmd.append("--strict")
        return subprocess.run(
            cmd, cwd=self.root, capture_output=True, text=True, timeout=300, env=_env(self)
        )

    def start_build(self, **popen: object) -> subprocess.Popen[str]:
        """``figblog build --jobs 2`` in the background (output piped unless ``popen`` says)."""
        kwargs: dict = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, **popen}
        return subprocess.Popen(
            [sys.executable, "-m", "figblog.cli", "build", "--jobs", "2"],
            cwd=self.root,
            env=_env(self),
            text=True,
            **kwargs,
        )

    def wait_for_runs(self, count: int, seconds: float = 60) -> list[str]:
        """Poll the run counter until ``count`` scripts have started; return what it holds."""
        deadline = time.monotonic() + seconds
        while len(self.runs()) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.runs()

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "figblog.cli", *args],
            cwd=self.root,
            capture_output=True,
            text=True,
            timeout=300,
            env=_env(self),
        )


def _env(project: Project) -> dict[str, str]:
    env = dict(os.environ)
    env["NO_MKDOCS_2_WARNING"] = "1"
    env["FIGBLOG_TEST_COUNTER"] = str(project.counter)
    env["PYTHONPATH"] = str(project.root / "lib")
    return env


# Prepended to test scripts: record each run in the counter file (outside what is hashed).
COUNT = """\
import os, sys
with open(os.environ["FIGBLOG_TEST_COUNTER"], "a") as _fh:
    _fh.write(os.path.basename(sys.argv[0]) + ":" + os.environ.get("FIGBLOG_THEME", "?") + "\\n")
"""

MKDOCS_YML = """\
site_name: test site
plugins:
  - figblog:
      jobs: 2
      timeout: {timeout}
markdown_extensions:
  - attr_list
  - md_in_html
  - admonition
  - pymdownx.details
  - pymdownx.superfences
  - pymdownx.blocks.caption
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    """An empty project with mkdocs.yml, docs/ and figures/; scripts count their runs."""
    proj = Project(tmp_path / "proj")
    (proj.root / "figures").mkdir(parents=True)
    (proj.root / "docs").mkdir()
    (proj.root / "lib").mkdir()
    proj.write("mkdocs.yml", MKDOCS_YML.format(timeout=60))
    monkeypatch.setenv("FIGBLOG_TEST_COUNTER", str(proj.counter))
    monkeypatch.setenv("PYTHONPATH", str(proj.root / "lib"))
    return proj


PLOT = (
    COUNT
    + """\
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
fig, ax = plt.subplots(figsize=(2, 1.5))
ax.plot([0, 1, 2], [0, 1, 0])
fig.savefig("plot.png")
"""
)


@pytest.fixture
def short_heartbeat(monkeypatch: pytest.MonkeyPatch) -> None:
    """The heartbeat 0.3 s into a run, then every 0.6 s (not 30 s and 60 s): fast tests."""
    monkeypatch.setattr(watch, "HEARTBEAT_FIRST", 0.3)
    monkeypatch.setattr(watch, "HEARTBEAT_EVERY", 0.6)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Headless Chromium (Debian's), one for the whole session.

    Playwright's sync API allows one running instance per thread, so every browser test,
    in tests/ and tests/e2e/, shares this one.
    """
    from figblog.sitecheck import CHROMIUM, launch

    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (run `make browser`)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


def notebook(*cells: str | tuple[str, str]) -> str:
    """A notebook's JSON: each cell a code cell's source, or (cell type, source).

    Sources are dedented; the cells' ids are ``cell0``, ``cell1``, ...
    """
    made = []
    for n, cell in enumerate(cells):
        kind, source = cell if isinstance(cell, tuple) else ("code", cell)
        item = {"cell_type": kind, "id": f"cell{n}", "metadata": {}}
        item["source"] = textwrap.dedent(source)
        if kind == "code":
            item |= {"execution_count": None, "outputs": []}
        made.append(item)
    kernel = {"name": "python3", "display_name": "Python 3", "language": "python"}
    meta = {"kernelspec": kernel, "language_info": {"name": "python"}}
    return json.dumps({"cells": made, "metadata": meta, "nbformat": 4, "nbformat_minor": 5})
