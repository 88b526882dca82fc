"""A damaged cache entry is replaced, by --force or by concurrent repairs, never kept."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import threading
import time
from pathlib import Path

import pytest

from conftest import PLOT, Project
from figblog.engine import cache_upkeep
from figblog.engine.build import Engine
from figblog.engine.cache import Cache


def engine(project: Project) -> Engine:
    return Engine(project.root, project.root / "figures", project.root / ".cache/figblog", jobs=2)


def test_force_replaces_a_damaged_output(project):
    project.script("a.py", PLOT)
    out = engine(project).build(["a.py"])
    png = out["a.py", "light"].entry.out / "plot.png"
    good = png.read_bytes()
    png.write_bytes(good[:200])  # truncated, as by a full disk
    forced = engine(project).build(["a.py"], force=True)
    assert (forced["a.py", "light"].entry.out / "plot.png").read_bytes() == good


def _store(args: tuple[str, int]) -> str:
    root, i = args
    cache = Cache(Path(root))
    workspace = cache.new_workspace()
    (workspace / "out" / "x.txt").write_text("same inputs, same bytes")
    entry = cache.store("s|light", {"script": "1"}, {}, workspace, ["x.txt"], {"seconds": i})
    return (entry.out / "x.txt").read_text()


def test_concurrent_repairs_of_one_broken_entry_all_succeed(tmp_path):
    for round_ in range(6):
        root = tmp_path / f"c{round_}"
        first = _store((str(root), 0))
        assert first == "same inputs, same bytes"
        entry = next((root / "entries").glob("*/*"))
        (entry / "out" / "x.txt").unlink()  # broken: the manifest names a missing file
        with multiprocessing.get_context("fork").Pool(4) as pool:
            results = pool.map(_store, [(str(root), i) for i in range(4)])
        assert results == ["same inputs, same bytes"] * 4
        assert len(list((root / "entries").glob("*/*"))) == 1
        shutil.rmtree(root)


def test_a_damaged_output_or_manifest_is_a_miss_and_is_replaced(project):
    import json

    project.script("a.py", PLOT)
    first = engine(project).build(["a.py"])
    entry = first["a.py", "light"].entry
    png = entry.out / "plot.png"
    good = png.read_bytes()
    flipped = bytearray(good)
    flipped[len(good) // 2] ^= 0xFF  # same size, other bytes
    png.write_bytes(bytes(flipped))
    again = engine(project).build(["a.py"])
    assert again["a.py", "light"].status == "ran"
    assert (again["a.py", "light"].entry.out / "plot.png").read_bytes() == good
    manifest = again["a.py", "dark"].entry.path / "manifest.json"
    data = json.loads(manifest.read_text())
    data["outputs"] = []
    manifest.write_text(json.dumps(data))
    third = engine(project).build(["a.py"])
    assert third["a.py", "dark"].status == "ran"
    assert third["a.py", "dark"].entry.outputs == ["plot.png"]


def _entries(project: Project) -> list[Path]:
    return list((project.root / ".cache/figblog/entries").glob("*/*"))


def test_a_deleted_scripts_runs_are_forgotten_and_failed_runs_leave_nothing(project):
    project.script("a.py", PLOT)
    project.script("b.py", PLOT.replace("[0, 1, 0]", "[1, 0, 1]"))
    engine(project).build(["a.py", "b.py"])
    assert len(_entries(project)) == 4
    (project.root / "figures" / "b.py").unlink()
    project.script("c.py", "raise SystemExit('broken')\n")
    out = engine(project).build(["a.py", "c.py"])
    assert out["c.py", "light"].status == "failed"
    assert len(_entries(project)) == 2  # b.py's two runs went when c.py ran
    assert not list((project.root / ".cache/figblog/tmp").iterdir())
    assert {o.status for k, o in engine(project).build(["a.py"]).items()} == {"cached"}


def test_clean_unused_forgets_what_no_script_can_reach(project):
    project.script("a.py", PLOT)
    project.script("gone.py", PLOT)
    engine(project).build(["a.py", "gone.py"])
    (project.root / "figures" / "gone.py").unlink()
    done = project.cli("clean", "--unused")
    assert done.returncode == 0, done.stderr
    assert "forgot 1 removed script; removed 2 unreachable runs, 0 old memoised" in done.stdout
    assert len(_entries(project)) == 2


@pytest.mark.parametrize("cache", ["", "\n      cache: false"])
def test_clean_unused_keeps_only_the_notebook_cache_of_the_code_used_last(project, cache):
    """Builds keep a few folders of notebooks executed with older code; this keeps one."""
    yml = (project.root / "mkdocs.yml").read_text()
    jupyter = f"plugins:\n  - mkdocs-jupyter:\n      execute: true{cache}\n"
    project.write("mkdocs.yml", yml.replace("plugins:\n", jupyter))
    base = project.root / ".cache" / "mkdocs-jupyter"
    for age, name in enumerate(["code-0c", "code-0b", "code-0a"]):  # code-0a used last
        project.write(f".cache/mkdocs-jupyter/{name}/nb.ipynb-key.json", "{}")
        os.utime(base / name, (1e9 + age, 1e9 + age))
    project.write(".cache/mkdocs-jupyter/notes.txt", "not a folder of ours")
    done = project.cli("clean", "--unused")
    assert done.returncode == 0, done.stderr
    left = sorted(p.name for p in base.iterdir())
    if cache:  # mkdocs-jupyter keeps no cache there: nothing of it is ours to remove
        assert left == ["code-0a", "code-0b", "code-0c", "notes.txt"]
        assert "and 0 notebook cache folders of older code" in done.stdout
    else:
        assert left == ["code-0a", "notes.txt"], left
        assert "and 2 notebook cache folders of older code" in done.stdout, done.stdout


def test_a_store_whose_entry_another_build_set_aside_waits_for_that_build_s_entry(
    tmp_path, monkeypatch
):
    # Another build of the same inputs (a `build --force`) set ours aside right after it
    # went in, and is about to put its own in place.
    cache = Cache(tmp_path / "c")
    place = Cache._place
    later: list[threading.Thread] = []

    def place_then_lose_it(self, workspace, final, key):
        place(self, workspace, final, key)
        theirs = tmp_path / "theirs"
        shutil.copytree(final, theirs)
        shutil.rmtree(final)

        def put_theirs_in_place():
            time.sleep(0.2)
            os.rename(theirs, final)

        later.append(threading.Thread(target=put_theirs_in_place))
        later[-1].start()

    monkeypatch.setattr(Cache, "_place", place_then_lose_it)
    workspace = cache.new_workspace()
    (workspace / "out" / "x.txt").write_text("same inputs, same bytes")
    entry = cache.store("s|light", {"script": "1"}, {}, workspace, ["x.txt"], {"seconds": 0})
    assert (entry.out / "x.txt").read_text() == "same inputs, same bytes"
    assert later, "the entry was never set aside"
    later[0].join()


def test_a_repair_never_sets_aside_a_whole_entry_another_repair_just_put_in_place(
    tmp_path, monkeypatch
):
    # The race the concurrent test hit under load: this repair has found the entry broken
    # and is about to set it aside when another repair puts a whole one in place, whose
    # files that build then reads. Looking again under the lock leaves the whole one be.
    cache = Cache(tmp_path / "c")

    def store(seconds: int):
        workspace = cache.new_workspace()
        (workspace / "out" / "x.txt").write_text("same inputs, same bytes")
        meta = {"seconds": seconds}
        return cache.store("s|light", {"script": "1"}, {}, workspace, ["x.txt"], meta)

    (store(0).out / "x.txt").unlink()  # broken: the manifest names a missing file
    real = cache_upkeep.set_aside
    whole_set_aside: list[Path] = []
    other: list[threading.Thread] = []

    def set_aside(root: Path, path: Path) -> None:
        if not other:  # the first repair's turn: the other one goes now, if it can
            other.append(threading.Thread(target=store, args=(1,)))
            other[0].start()
            other[0].join(0.5)
        if (path / "out" / "x.txt").exists():
            whole_set_aside.append(path)
        real(root, path)

    monkeypatch.setattr(cache_upkeep, "set_aside", set_aside)
    entry = store(2)
    other[0].join()
    assert whole_set_aside == []
    assert (entry.out / "x.txt").read_text() == "same inputs, same bytes"


def test_a_damaged_index_is_rebuilt_and_no_unchanged_figure_runs_again(project):
    project.script("a.py", PLOT)
    project.script("b.py", PLOT.replace("[0, 1, 0]", "[1, 0, 1]"))
    assert project.cli("build").returncode == 0
    assert len(project.runs()) == 4
    cache = project.root / ".cache/figblog"
    for index in (cache / "index").glob("*.json"):
        index.write_text("{garbage")
    # A script that changes runs, and the prune after it keeps the others' entries.
    project.script("b.py", PLOT.replace("[0, 1, 0]", "[1, 1, 1]"))
    done = project.cli("build")
    assert done.returncode == 0, done.stderr
    assert "figblog: 2 ran, 2 cached, 0 failed" in done.stdout
    assert "the cache index of figures/a.py [light] was unreadable; rebuilt it" in done.stdout
    shutil.rmtree(cache / "stamps")  # no last hits: every lookup reads its index
    for index in (cache / "index").glob("*.json"):
        index.write_text("")
    done = project.cli("build")
    assert "figblog: 0 ran, 4 cached, 0 failed" in done.stdout, done.stdout
    assert done.stdout.count("was unreadable; rebuilt it") == 4
    assert len(project.runs()) == 6  # b.py's two runs after its change, no more
    listing = project.cli("list").stdout
    assert "stale" not in listing and "unreadable" not in listing
