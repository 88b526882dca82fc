"""`figblog build | list | clean` on a small project."""

from __future__ import annotations

from conftest import PLOT


def test_build_list_and_clean(project):
    project.write("lib/shared.py", "A = 1\n")
    project.script("a.py", PLOT + "import shared\n")
    project.script("b.py", PLOT)
    project.script("_helper.py", "raise SystemExit('helpers are not figure scripts')\n")

    listing = project.cli("list").stdout
    assert "figures/a.py\n  light  stale   (never built)" in listing
    assert "_helper" not in listing

    built = project.cli("build", "--jobs", "2")
    assert built.returncode == 0, built.stderr
    assert "figblog: 4 ran, 0 cached, 0 failed" in built.stdout

    project.write("lib/shared.py", "A = 2\n")
    listing = project.cli("list").stdout
    assert "figures/a.py\n  light  stale   (lib/shared.py changed)" in listing
    assert "figures/b.py\n  light  cached  plot.png" in listing

    only = project.cli("build", "--only", "a.py")
    assert "figblog: 2 ran, 0 cached, 0 failed" in only.stdout
    forced = project.cli("build", "--force", "--only", "figures/b.py")
    assert "figblog: 2 ran, 0 cached, 0 failed" in forced.stdout

    cleaned = project.cli("clean")
    assert "figblog: removed 6 cached runs" in cleaned.stdout  # a.py twice, b.py twice over
    assert "stale   (never built)" in project.cli("list").stdout


def test_build_failure_exits_non_zero_with_the_error(project):
    project.script("bad.py", "1 / 0\n")
    done = project.cli("build")
    assert done.returncode == 1
    assert "figure script figures/bad.py failed at line 1: ZeroDivisionError" in done.stderr


def test_unknown_script_is_a_clear_error(project):
    done = project.cli("build", "--only", "nope.py")
    assert done.returncode != 0 and "nope.py is not a figure script" in done.stderr
