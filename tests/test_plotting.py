"""Themes and the GIF writer: one palette, only changed pixels, same bytes every time."""

from __future__ import annotations

import struct

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest
from PIL import Image

from figblog.plotting import (
    apply_theme,
    fig_to_image,
    palette,
    picture_axes,
    save_gif,
    save_layouts,
)


def _gif_frames(data: bytes) -> list[dict]:
    """Parse a GIF's image descriptors: size of each frame and whether it has a local palette."""
    assert data[:6] == b"GIF89a"
    flags = data[10]
    pos = 13 + (3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0)
    frames = []
    while pos < len(data):
        kind = data[pos]
        if kind == 0x3B:  # trailer
            break
        if kind == 0x21:  # extension: skip its sub-blocks
            pos += 2
            while data[pos]:
                pos += data[pos] + 1
            pos += 1
            continue
        assert kind == 0x2C
        _, _, w, h, f = struct.unpack("<HHHHB", data[pos + 1 : pos + 10])
        frames.append({"w": w, "h": h, "local_palette": bool(f & 0x80)})
        pos += 10 + (3 * 2 ** ((f & 7) + 1) if f & 0x80 else 0) + 1  # + LZW min code size
        while data[pos]:
            pos += data[pos] + 1
        pos += 1
    return frames


@pytest.fixture
def frames() -> list[Image.Image]:
    apply_theme("dark")
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.scatter(np.arange(10), np.arange(10))
    (marker,) = ax.plot([0], [0], "o", color="red")
    out = []
    for k in range(6):
        marker.set_data([k], [k])
        out.append(fig_to_image(fig))
    plt.close(fig)
    return out


def test_gif_shares_one_palette_and_stores_only_changes(frames, tmp_path):
    path = save_gif(frames, tmp_path / "a.gif", duration_ms=100)
    parsed = _gif_frames(path.read_bytes())
    assert len(parsed) == 6
    assert not any(f["local_palette"] for f in parsed)
    full = parsed[0]["w"] * parsed[0]["h"]
    assert all(f["w"] * f["h"] < full / 4 for f in parsed[1:])  # only the moving marker's box


def test_gif_frames_decode_to_what_was_drawn(frames, tmp_path):
    path = save_gif(frames, tmp_path / "a.gif")
    with Image.open(path) as im:
        for k in (0, 3, 5):
            im.seek(k)
            got = np.asarray(im.convert("RGB"), dtype=int)
            want = np.asarray(frames[k], dtype=int)
            assert np.mean(np.abs(got - want)) < 3  # palette rounding only


def test_gif_is_byte_reproducible(frames, tmp_path):
    a = save_gif(frames, tmp_path / "a.gif").read_bytes()
    b = save_gif(frames, tmp_path / "b.gif").read_bytes()
    assert a == b


def test_gif_rejects_empty_and_mismatched_frames(frames, tmp_path):
    with pytest.raises(ValueError, match="at least one frame"):
        save_gif([], tmp_path / "a.gif")
    with pytest.raises(ValueError, match="same size"):
        save_gif([frames[0], frames[1].resize((10, 10))], tmp_path / "a.gif")


def test_themes_set_matplotlib_colours():
    p = apply_theme("dark")
    assert matplotlib.rcParams["figure.facecolor"] == p.background == palette("dark").background
    apply_theme("light")
    assert matplotlib.rcParams["text.color"] == palette("light").foreground


def test_unknown_theme_is_a_clear_error(monkeypatch):
    with pytest.raises(ValueError, match="unknown theme 'sepia'"):
        palette("sepia")
    monkeypatch.setenv("FIGBLOG_THEME", "blue")
    with pytest.raises(ValueError, match="FIGBLOG_THEME='blue' is not a theme"):
        apply_theme()


def test_gif_keeps_the_page_background_exact(tmp_path):
    p = apply_theme("light")
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.imshow(np.linspace(0, 1, 400).reshape(20, 20))  # many near-white and coloured shades
    frames = [fig_to_image(fig) for _ in range(2)]
    plt.close(fig)
    with Image.open(save_gif(frames, tmp_path / "a.gif")) as im:
        corner = im.convert("RGB").getpixel((0, 0))
    assert corner == tuple(int(p.background[i : i + 2], 16) for i in (1, 3, 5)) == (255, 255, 255)


def test_picture_axes_are_bare_with_an_optional_frame():
    fig, (plain, framed) = plt.subplots(1, 2)
    picture_axes(plain)
    picture_axes(framed, frame="#123456")
    for ax in (plain, framed):
        assert list(ax.get_xticks()) == [] and list(ax.get_yticks()) == []
        assert not any(line.get_visible() for line in ax.get_xgridlines() + ax.get_ygridlines())
    assert {s.get_edgecolor()[:3] for s in framed.spines.values()} == {
        (0x12 / 255, 0x34 / 255, 0x56 / 255)
    }
    assert all(s.get_visible() for s in framed.spines.values())
    plt.close(fig)


def test_an_animation_keeps_one_layout_from_its_first_frame():
    # Constrained layout beside a fixed aspect moves the axes on each of the first draws: the
    # first frame came out a few pixels off the rest and the GIF jumped once per loop.
    apply_theme("light")
    fig, ax = plt.subplots(figsize=(3, 3), dpi=80, layout="constrained")
    ax.plot(np.cos(np.linspace(0, 6.3, 100)), np.sin(np.linspace(0, 6.3, 100)))
    (dot,) = ax.plot([], [], "o")
    ax.set_aspect("equal")
    ax.set_xlim(-1.2, 1.2)
    ax.set_ylim(-1.2, 1.2)
    frames = []
    for t in (0.0, 2.0, 4.0, 0.0):
        dot.set_data([np.cos(t)], [np.sin(t)])
        frames.append(np.asarray(fig_to_image(fig)))
    plt.close(fig)
    assert (frames[0] == frames[3]).all(), "the same frame drawn first and last differs"


def test_save_layouts_writes_the_figure_and_its_narrow_layout_and_closes_both(tmp_path):
    def draw(narrow: bool) -> plt.Figure:
        fig, _ = plt.subplots(2 if narrow else 1, 1 if narrow else 2, figsize=(4.8, 2))
        return fig

    before = set(plt.get_fignums())
    wide, narrow = save_layouts(draw, tmp_path / "two.png")
    assert (wide.name, narrow.name) == ("two.png", "two.narrow.png")
    assert Image.open(wide).size == (480, 200)  # 100 dpi, as save_png
    assert Image.open(narrow).size == (720, 300)  # 150 dpi: 2 pixels per CSS pixel at 360 px
    dense = tmp_path / "two.2x.png"  # for screens with 2 device pixels per CSS pixel
    assert Image.open(dense).size == (960, 400)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["two.2x.png", "two.narrow.png", "two.png"]
    assert set(plt.get_fignums()) == before
