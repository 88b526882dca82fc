"""The stamps book: a warm build reads no unchanged file, and never trusts a stamp it should not."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from figblog.engine import hashing
from figblog.engine.cache import Cache
from figblog.engine.hashing import FileHasher
from figblog.engine.stamps import Stamps

BASE = {"script": "s1", "theme": "light"}
IDENT = "fig.py|light"


def _age(path: Path, seconds: float = 60) -> None:
    """Make ``path`` look written ``seconds`` ago, as files are between two builds."""
    past = time.time() - seconds
    os.utime(path, (past, past))


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "proj"
    (root / "src").mkdir(parents=True)
    (root / "src" / "mod.py").write_text("x = 1\n")
    _age(root / "src" / "mod.py")
    return root, tmp_path / "cache"


def _open(root: Path, cache_dir: Path) -> tuple[Cache, FileHasher, Stamps]:
    """A cache, hasher and book as a new build process opens them."""
    hashing_book = Stamps(cache_dir / "stamps" / "book.json")
    return Cache(cache_dir, hashing_book), FileHasher(root, hashing_book), hashing_book


def _store(root: Path, cache_dir: Path, payload: bytes = b"png") -> None:
    cache, hasher, book = _open(root, cache_dir)
    ws = cache.new_workspace()
    (ws / "out" / "a.png").write_bytes(payload)
    _age(ws / "out" / "a.png")
    cache.store(IDENT, BASE, {"src/mod.py": hasher("src/mod.py")}, ws, ["a.png"], {})
    cache.lookup(IDENT, BASE, hasher)  # the first warm build: checks the outputs once
    book.save()


def _count_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the file contents hashed from now on (dependencies and outputs)."""
    reads = [0]
    real_bytes = hashing.hash_bytes
    real_open = open

    def counting_bytes(data: bytes) -> str:
        reads[0] += 1
        return real_bytes(data)

    def counting_open(file, mode="r", *args, **kwargs):  # noqa: ANN001, ANN202 - open's own
        if "b" in mode and str(file).endswith(".png"):
            reads[0] += 1
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(hashing, "hash_bytes", counting_bytes)
    monkeypatch.setattr("figblog.engine.cache.open", counting_open, raising=False)
    return reads


def test_a_warm_lookup_reads_no_unchanged_file(project, monkeypatch):
    root, cache_dir = project
    _store(root, cache_dir)
    monkeypatch.setattr("figblog.engine.cache._CHECKED", {})  # as in a new process
    reads = _count_reads(monkeypatch)
    cache, hasher, _ = _open(root, cache_dir)
    entry, reason = cache.lookup(IDENT, BASE, hasher)
    assert reason == "cached" and (entry.out / "a.png").read_bytes() == b"png"
    assert reads[0] == 0, "an unchanged dependency or output was read and hashed again"


def test_an_edit_is_seen_even_when_the_size_stays(project, monkeypatch):
    root, cache_dir = project
    _store(root, cache_dir)
    (root / "src" / "mod.py").write_text("x = 2\n")  # same length, new mtime
    cache, hasher, _ = _open(root, cache_dir)
    entry, reason = cache.lookup(IDENT, BASE, hasher)
    assert entry is None and reason == "src/mod.py changed"


def test_a_file_hashed_in_its_first_second_keeps_no_stamp(project):
    root, cache_dir = project
    (root / "src" / "mod.py").write_text("x = 3\n")  # just written: its tick may not be over
    cache, hasher, book = _open(root, cache_dir)
    hasher("src/mod.py")
    book.save()
    st = os.stat(root / "src" / "mod.py")
    assert Stamps(cache_dir / "stamps" / "book.json").digest("src/mod.py", st) is None


def test_a_changed_output_behind_a_remembered_hit_is_a_miss(project, monkeypatch):
    root, cache_dir = project
    _store(root, cache_dir, b"png")
    cache, _, _ = _open(root, cache_dir)
    (out,) = (cache_dir / "entries").glob("*/*/out/a.png")
    out.write_bytes(b"PNG")  # damaged: same size, other bytes, other mtime
    monkeypatch.setattr("figblog.engine.cache._CHECKED", {})
    cache, hasher, _ = _open(root, cache_dir)
    entry, _reason = cache.lookup(IDENT, BASE, hasher)
    assert entry is None


@pytest.mark.parametrize("damage", ["", "{not json", '{"version": 1, "files": 3, "hits": []}'])
def test_a_damaged_book_is_an_empty_one(project, damage):
    root, cache_dir = project
    _store(root, cache_dir)
    (cache_dir / "stamps" / "book.json").write_text(damage)
    cache, hasher, book = _open(root, cache_dir)
    entry, reason = cache.lookup(IDENT, BASE, hasher)
    assert reason == "cached" and entry is not None
    book.save()
    saved = json.loads((cache_dir / "stamps" / "book.json").read_text())
    assert IDENT in saved["hits"]
