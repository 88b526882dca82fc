"""Cards and thumbnails derived from a figure (figblog.engine.derived): size, look, cache."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from PIL import Image

from figblog.engine.derived import CARD, THUMB, DerivedError, derive, prune

BACKGROUND = (30, 33, 41)  # the dark theme's figure background
INK = (250, 160, 40)


def picture(path: Path, size: tuple[int, int], frames: int = 1) -> tuple[Path, str]:
    """A figure-like picture: a background with an ink box inset by 10 % on every side."""
    images = []
    for frame in range(frames):
        image = Image.new("RGB", size, BACKGROUND)
        w, h = size
        colour = INK if frame == 0 else (0, 200, 0)
        image.paste(colour, (w // 10, h // 10, w - w // 10, h - h // 10))
        images.append(image)
    if frames > 1:
        images[0].save(path, save_all=True, append_images=images[1:], duration=100)
    else:
        images[0].save(path)
    return path, hashlib.sha256(path.read_bytes()).hexdigest()


def ink_box(image: Image.Image) -> tuple[int, int, int, int]:
    rgb = image.convert("RGB")
    mask = Image.eval(rgb.convert("L"), lambda v: 255 if v > 100 else 0)
    box = mask.getbbox()
    assert box is not None
    return box


def test_a_card_is_1200_by_630_with_the_whole_figure_centred_on_its_background(tmp_path):
    source, sha = picture(tmp_path / "wide.png", (700, 420))
    card = derive(source, sha, CARD, tmp_path / "cache")
    with Image.open(card.path) as image:
        assert image.size == (1200, 630) == card.facts.pixels
        rgb = image.convert("RGB")
        for corner in [(0, 0), (1199, 0), (0, 629), (1199, 629)]:
            assert rgb.getpixel(corner) == BACKGROUND
        left, top, right, bottom = ink_box(image)
    # 700 x 420 scaled into the box less the margins: height-bound, centred, ratio kept.
    assert (right - left) / (bottom - top) == pytest.approx(560 / 336, rel=0.02)
    assert abs((left + right) / 2 - 600) <= 2 and abs((top + bottom) / 2 - 315) <= 2
    assert bottom - top == pytest.approx(0.8 * (630 - 2 * CARD.margin), abs=3)


def test_a_thumbnail_is_small_in_pixels_and_bytes(tmp_path):
    source, sha = picture(tmp_path / "tall.png", (500, 900))
    thumb = derive(source, sha, THUMB, tmp_path / "cache")
    with Image.open(thumb.path) as image:
        assert image.size == (320, 200)
        assert image.mode == "P"  # a palette: a few kilobytes
        left, top, right, bottom = ink_box(image)
    assert (right - left) / (bottom - top) == pytest.approx(400 / 720, rel=0.05)
    assert thumb.facts.size < 10_000
    assert thumb.facts.sha256 == hashlib.sha256(thumb.path.read_bytes()).hexdigest()


def test_an_animation_gives_its_first_frame(tmp_path):
    source, sha = picture(tmp_path / "anim.gif", (300, 200), frames=3)
    card = derive(source, sha, CARD, tmp_path / "cache")
    with Image.open(card.path) as image:
        assert image.convert("RGB").getpixel((600, 315)) == pytest.approx(INK, abs=8)


def test_a_warm_call_reads_the_cache_and_draws_nothing(tmp_path):
    source, sha = picture(tmp_path / "f.png", (700, 420))
    first = derive(source, sha, CARD, tmp_path / "cache")
    made = first.path.stat().st_mtime_ns
    source.unlink()  # a warm build does not even need the source
    again = derive(source, sha, CARD, tmp_path / "cache")
    assert again == first and first.path.stat().st_mtime_ns == made
    # Other bytes (another hash) or another kind: another file.
    assert derive(*picture(tmp_path / "g.png", (700, 421)), CARD, tmp_path / "cache") != first


def test_a_damaged_cache_entry_is_made_again(tmp_path):
    source, sha = picture(tmp_path / "f.png", (700, 420))
    first = derive(source, sha, THUMB, tmp_path / "cache")
    first.path.write_bytes(first.path.read_bytes()[:100])  # a killed copy, say
    again = derive(source, sha, THUMB, tmp_path / "cache")
    assert again.facts == first.facts and again.path.stat().st_size == first.facts.size
    facts = first.path.with_suffix(".json")
    facts.write_text("{not json")
    assert derive(source, sha, THUMB, tmp_path / "cache").facts == first.facts
    assert json.loads(facts.read_text())["bytes"] == first.facts.size


def test_a_file_that_is_not_a_picture_is_a_clear_error(tmp_path):
    source = tmp_path / "notes.png"
    source.write_text("not a picture")
    with pytest.raises(DerivedError, match=r"cannot read notes\.png as a picture"):
        derive(source, "0" * 64, CARD, tmp_path / "cache")
    assert not list((tmp_path / "cache").rglob("*.png"))  # nothing half-written


def test_pruning_keeps_what_a_build_asked_for_and_removes_the_rest(tmp_path):
    cache = tmp_path / "cache"
    old = derive(*picture(tmp_path / "f.png", (700, 420)), THUMB, cache)
    new = derive(*picture(tmp_path / "g.png", (700, 421)), THUMB, cache)
    card = derive(*picture(tmp_path / "g.png", (700, 421)), CARD, cache)
    assert prune(cache, [new.path, card.path]) == 1
    left = sorted(p.name for p in (cache / "derived").glob("*/*"))
    assert left == sorted(
        p.name for d in (new, card) for p in (d.path, d.path.with_suffix(".json"))
    )
    assert (
        not old.path.exists()
        and derive(*picture(tmp_path / "g.png", (700, 421)), THUMB, cache) == new
    )
