"""Patching a built site: new figure bytes and URLs, checked before anything is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from figblog.engine.sitepatch import (
    Patch,
    PatchError,
    changed_files,
    pair_published,
    snapshot,
)

OLD = "assets/figures/line/plot.0123abcd.light.png"
NEW = "assets/figures/line/plot.89efcdab.light.png"


def _site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    (site / "blog" / "post").mkdir(parents=True)
    (site / "index.html").write_text(f'<img src="{OLD}#only-light">')
    (site / "blog" / "post" / "index.html").write_text(
        f'<a class="glightbox" href="../../{OLD}"><img src="../../{OLD}#only-light"></a>'
    )
    (site / "other.html").write_text("<p>no figure</p>")
    return site


def _file(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_a_renamed_figure_is_copied_and_every_page_points_at_the_new_name(tmp_path: Path):
    site = _site(tmp_path)
    old = {OLD: _file(tmp_path, "a.png", b"old"), "assets/figures/line.py": tmp_path / "s.py"}
    new = {NEW: _file(tmp_path, "b.png", b"new"), "assets/figures/line.py": tmp_path / "s.py"}
    (tmp_path / "s.py").write_text("print(1)\n")
    pairs = pair_published(old, new)
    assert pairs == {OLD: NEW, "assets/figures/line.py": "assets/figures/line.py"}
    patch = Patch(site)
    patch.add_published(old, new, pairs)
    other_before = (site / "other.html").stat().st_mtime_ns
    assert patch.apply() == 2
    assert (site / NEW).read_bytes() == b"new"
    post = (site / "blog" / "post" / "index.html").read_text()
    assert post.count(f"../../{NEW}") == 2 and OLD not in post
    assert NEW in (site / "index.html").read_text()
    assert (site / "other.html").stat().st_mtime_ns == other_before
    assert not (site / "assets" / "figures" / "line.py").exists()  # unchanged: not copied


def test_a_figure_under_the_same_name_gets_new_bytes_and_no_page_changes(tmp_path: Path):
    site = _site(tmp_path)
    (site / OLD).parent.mkdir(parents=True)
    (site / OLD).write_bytes(b"old")
    old = {OLD: _file(tmp_path, "a.png", b"old")}
    new = {OLD: _file(tmp_path, "b.png", b"new")}
    patch = Patch(site)
    patch.add_published(old, new, pair_published(old, new))
    assert patch.apply() == 0
    assert (site / OLD).read_bytes() == b"new"


def test_an_output_that_appears_cannot_be_patched(tmp_path: Path):
    old = {OLD: tmp_path / "a.png"}
    new = {NEW: tmp_path / "b.png", "assets/figures/line/extra.light.png": tmp_path / "c.png"}
    with pytest.raises(PatchError, match="extra.light.png"):
        pair_published(old, new)


def test_a_box_not_rendered_as_expected_stops_the_patch_before_any_write(tmp_path: Path):
    site = _site(tmp_path)
    page = site / "blog" / "post" / "index.html"
    page.write_text('<a href="x.py">1</a><pre>old code</pre><a href="x.py">2</a><pre>other</pre>')
    index_before = (site / "index.html").read_text()
    patch = Patch(site)
    patch.swaps[OLD] = NEW
    patch.blocks["<pre>old code</pre>"] = ("<pre>new code</pre>", 'x.py"')
    with pytest.raises(PatchError, match="2 boxes"):
        patch.apply()
    assert (site / "index.html").read_text() == index_before
    assert "old code" in page.read_text()


def test_snapshots_see_edits_and_new_files_but_not_bytecode(tmp_path: Path):
    (tmp_path / "src" / "__pycache__").mkdir(parents=True)
    mod = tmp_path / "src" / "mod.py"
    mod.write_text("A = 1\n")
    before = snapshot([tmp_path / "src"])
    (tmp_path / "src" / "__pycache__" / "mod.cpython-311.pyc").write_bytes(b"\0")
    mod.write_text("A = 22\n")
    (tmp_path / "src" / "new.py").write_text("")
    assert changed_files(before, snapshot([tmp_path / "src"])) == {
        str(mod),
        str(tmp_path / "src" / "new.py"),
    }
