"""The content-addressed store: hits, misses with reasons, and surviving damage."""

from __future__ import annotations

import hashlib
import io
import json
import multiprocessing
import subprocess
import sys
from pathlib import Path

import pytest

from figblog.engine.cache import Cache, Entry
from figblog.engine.facts import file_facts, header_size, svg_size
from figblog.engine.hashing import FileHasher, hash_bytes

BASE = {"script": "s1", "theme": "light"}


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Cache, Path]:
    root = tmp_path / "proj"
    (root / "src").mkdir(parents=True)
    (root / "src" / "mod.py").write_text("x = 1\n")
    return Cache(tmp_path / "cache"), root


def _store(cache: Cache, root: Path, payload: bytes = b"png") -> None:
    ws = cache.new_workspace()
    (ws / "out" / "a.png").write_bytes(payload)
    hasher = FileHasher(root)
    cache.store("fig.py|light", BASE, {"src/mod.py": hasher("src/mod.py")}, ws, ["a.png"], {})


def test_hit_after_store_and_miss_naming_the_changed_file(setup):
    cache, root = setup
    assert cache.lookup("fig.py|light", BASE, FileHasher(root)) == (None, "never built")
    _store(cache, root)
    entry, reason = cache.lookup("fig.py|light", BASE, FileHasher(root))
    assert reason == "cached" and (entry.out / "a.png").read_bytes() == b"png"
    (root / "src" / "mod.py").write_text("x = 2\n")
    entry, reason = cache.lookup("fig.py|light", BASE, FileHasher(root))
    assert entry is None and reason == "src/mod.py changed"
    assert (
        cache.lookup("fig.py|light", {**BASE, "script": "s2"}, FileHasher(root))[1]
        == "script changed"
    )


def test_reverting_a_change_hits_the_old_entry(setup):
    cache, root = setup
    _store(cache, root, b"one")
    (root / "src" / "mod.py").write_text("x = 2\n")
    _store(cache, root, b"two")
    (root / "src" / "mod.py").write_text("x = 1\n")
    entry, _ = cache.lookup("fig.py|light", BASE, FileHasher(root))
    assert (entry.out / "a.png").read_bytes() == b"one"


def test_a_revert_finds_its_entry_after_a_prune_too(setup):
    # Runs that read the same files are distinct versions: the index keeps each, so the
    # prune after a build keeps its entry, and a revert (or a bisect) runs nothing.
    cache, root = setup
    _store(cache, root, b"one")
    (root / "src" / "mod.py").write_text("x = 2\n")
    _store(cache, root, b"two")
    ws = cache.new_workspace()  # the script itself edited: another base, same files read
    (ws / "out" / "a.png").write_bytes(b"three")
    deps = {"src/mod.py": FileHasher(root)("src/mod.py")}
    cache.store("fig.py|light", {**BASE, "script": "s2"}, deps, ws, ["a.png"], {})
    cache.prune({"fig.py|light"})
    (root / "src" / "mod.py").write_text("x = 1\n")
    entry, _ = cache.lookup("fig.py|light", BASE, FileHasher(root))
    assert entry is not None and (entry.out / "a.png").read_bytes() == b"one"
    (root / "src" / "mod.py").write_text("x = 2\n")
    entry, _ = cache.lookup("fig.py|light", BASE, FileHasher(root))
    assert entry is not None and (entry.out / "a.png").read_bytes() == b"two"


def test_crlf_and_lf_hash_the_same():
    assert hash_bytes(b"a\r\nb\r\n") == hash_bytes(b"a\nb\n")
    assert hash_bytes(b"\0\r\n") != hash_bytes(b"\0\n")  # binary files are left as they are


@pytest.mark.parametrize("damage", ["manifest", "output"])
def test_an_unreadable_entry_is_a_miss_not_a_crash(setup, damage):
    cache, root = setup
    _store(cache, root)
    entry, _ = cache.lookup("fig.py|light", BASE, FileHasher(root))
    if damage == "manifest":
        (entry.path / "manifest.json").write_text('{"outputs": [')
    else:
        (entry.out / "a.png").unlink()
    assert cache.lookup("fig.py|light", BASE, FileHasher(root))[0] is None
    _store(cache, root, b"again")  # and the next run repairs it
    entry, _ = cache.lookup("fig.py|light", BASE, FileHasher(root))
    assert (entry.out / "a.png").read_bytes() == b"again"


@pytest.mark.parametrize("damage", [b"\x00garbage", b"{garbage", b"", b"[]", b'{"recent": 3}'])
def test_an_unreadable_index_is_rebuilt_from_the_entries_and_said(setup, damage):
    cache, root = setup
    said: list[str] = []
    cache.log = said.append
    _store(cache, root)
    stored, _ = cache.lookup("fig.py|light", BASE, FileHasher(root))
    (index,) = (cache.root / "index").glob("*.json")
    good = json.loads(index.read_text())
    index.write_bytes(damage)
    entry, reason = cache.lookup("fig.py|light", BASE, FileHasher(root))
    assert (entry, reason) == (stored, "cached")  # the intact entry, found again
    assert json.loads(index.read_text()) == good
    assert said == [
        "figblog: the cache index of fig.py [light] was unreadable; rebuilt it from the 1 "
        "stored run"
    ]


def test_leftover_workspaces_are_ignored(setup):
    cache, root = setup
    ws = cache.new_workspace()  # as if a build was killed mid-run
    (ws / "out" / "a.png").write_bytes(b"half")
    assert cache.lookup("fig.py|light", BASE, FileHasher(root))[0] is None


def _store_many(args: tuple[str, str, int]) -> None:
    cache_dir, root, n = args
    cache = Cache(Path(cache_dir))
    for i in range(20):
        ws = cache.new_workspace()
        (ws / "out" / "a.png").write_bytes(b"same")
        cache.store(f"fig{i % 3}.py|light", {**BASE, "i": str(i % 3)}, {}, ws, ["a.png"], {"n": n})


def test_concurrent_writers_leave_a_consistent_store(setup):
    cache, root = setup
    with multiprocessing.get_context("fork").Pool(4) as pool:
        pool.map(_store_many, [(str(cache.root), str(root), n) for n in range(4)])
    for i in range(3):
        entry, reason = cache.lookup(f"fig{i}.py|light", {**BASE, "i": str(i)}, FileHasher(root))
        assert reason == "cached" and (entry.out / "a.png").read_bytes() == b"same"
    for index in (cache.root / "index").glob("*.json"):
        assert json.loads(index.read_text())["recent"]
    assert list((cache.root / "tmp").iterdir()) == []


def _picture(kind: str, size: tuple[int, int]) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=kind)
    return buffer.getvalue()


def test_the_manifest_holds_each_outputs_hash_length_and_pixel_size(setup):
    cache, root = setup
    files = {
        "a.png": _picture("PNG", (31, 17)),
        "b.gif": _picture("GIF", (12, 40)),
        "c.jpg": _picture("JPEG", (9, 8)),
        "numbers.md": b"**42**\n",
    }
    ws = cache.new_workspace()
    for name, data in files.items():
        (ws / "out" / name).write_bytes(data)
    entry = cache.store("fig.py|light", BASE, {}, ws, sorted(files), {})
    manifest = json.loads((entry.path / "manifest.json").read_text())
    for name, data in files.items():
        stored = manifest["files"][name]
        assert stored["sha256"] == hashlib.sha256(data).hexdigest()
        assert stored["bytes"] == len(data)
    sizes = {n: (f.get("width"), f.get("height")) for n, f in manifest["files"].items()}
    assert sizes == {
        "a.png": (31, 17),
        "b.gif": (12, 40),
        "c.jpg": (9, 8),
        "numbers.md": (None, None),
    }
    facts = entry.facts("a.png")
    assert facts.pixels == (31, 17) and facts.short_hash == _short(files["a.png"])
    assert entry.outputs == sorted(files)


def _short(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:8]


def test_an_entry_from_an_older_engine_is_a_miss_but_can_be_measured(setup):
    cache, root = setup
    picture = _picture("PNG", (5, 7))
    ws = cache.new_workspace()
    (ws / "out" / "a.png").write_bytes(picture)
    entry = cache.store("fig.py|light", BASE, {}, ws, ["a.png"], {})
    manifest = json.loads((entry.path / "manifest.json").read_text())
    del manifest["files"]  # as an engine before this one wrote it
    (entry.path / "manifest.json").write_text(json.dumps(manifest))
    # Without the record its files cannot be checked, so the lookup is a miss (the run
    # that follows stores a checked entry); the facts can still be measured when asked.
    assert cache.lookup("fig.py|light", BASE, FileHasher(root))[0] is None
    old = Entry(entry.key, entry.path, manifest)
    facts = old.facts("a.png")
    assert facts.pixels == (5, 7) and facts.sha256 == hashlib.sha256(picture).hexdigest()
    # A malformed record is measured too, never trusted or fatal.
    broken = Entry(old.key, old.path, {**old.manifest, "files": {"a.png": {"sha256": 3}}})
    assert broken.facts("a.png") == facts


def test_a_picture_is_measured_from_its_header_as_pillow_reads_it():
    from PIL import Image

    for kind, size in [("PNG", (640, 3)), ("GIF", (300, 200))]:
        data = _picture(kind, size)
        assert header_size(data) == size == Image.open(io.BytesIO(data)).size
    assert header_size(b"not a picture") is None
    assert header_size(b"\x89PNG\r\n\x1a\n") is None  # truncated


def test_an_svg_is_measured_in_the_css_pixels_its_root_element_declares(tmp_path):
    head = '<?xml version="1.0"?>\n<!DOCTYPE svg>\n<svg xmlns="http://www.w3.org/2000/svg" '
    svg = tmp_path / "plot.svg"
    svg.write_text(head + 'width="460.8pt" height="345.6pt" viewBox="0 0 460.8 345.6">\n</svg>')
    assert file_facts(svg).pixels == (614, 461)  # matplotlib's points: 96 / 72 px each
    assert svg_size(b'<svg stroke-width="9" width="2in" height=\'1.5IN\'>') == (192, 144)
    assert svg_size(b'<svg width="300" height="200px">') == (300, 200)
    # A size the picture does not fix (it follows the page), or none: not known.
    assert svg_size(b'<svg width="100%" height="3in">') is None
    assert svg_size(b'<svg viewBox="0 0 30 20">') is None
    assert svg_size(b'<svg width="0" height="2">') is None


def test_the_cache_modules_load_without_pillow_or_numpy():
    code = (
        "import sys, figblog.engine.cache, figblog.engine.facts, figblog.engine.source_html; "
        "print(sorted(m for m in ('PIL', 'numpy') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_clean_empties_the_html_cache_too(setup):
    cache, root = setup
    _store(cache, root)
    (cache.root / "html" / "ab").mkdir(parents=True)
    (cache.root / "html" / "ab" / "abcd.html").write_text("<div></div>")
    assert cache.clean() == 1
    assert not (cache.root / "html").exists()
    assert cache.lookup("fig.py|light", BASE, FileHasher(root))[0] is None
