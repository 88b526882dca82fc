"""figblog.image_sizes: images without width and height get their picture's own."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pytest
from PIL import Image

from figblog.image_sizes import size_images


def _png(width: int, height: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height)).save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
def data_uri() -> str:
    return "data:image/png;base64," + base64.b64encode(_png(30, 20)).decode()


def test_a_data_uri_image_gets_its_size(data_uri: str) -> None:
    out = size_images(f'<p><img alt="plot" class="" src="{data_uri}"></p>')
    assert out == f'<p><img alt="plot" class="" src="{data_uri}" width="30" height="20"></p>'


def test_a_local_file_is_measured_relative_to_the_page(tmp_path: Path) -> None:
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "a.png").write_bytes(_png(12, 8))
    out = size_images('<img src="../../assets/a.png#only-dark"/>', "blog/post/", tmp_path)
    assert out == '<img src="../../assets/a.png#only-dark" width="12" height="8"/>'


def test_one_given_dimension_keeps_the_ratio(data_uri: str) -> None:
    assert 'width="60" height="40"' in size_images(f'<img src="{data_uri}" width="60">')
    assert 'width="15" height="10"' in size_images(f'<img height="10" src="{data_uri}">')


@pytest.mark.parametrize(
    "tag",
    [
        '<img src="a.png" width="3" height="4">',  # already sized: untouched
        '<img src="https://other.example/a.png">',  # another host: unknown at build time
        '<img src="missing.png">',  # no such file
        '<img src="data:image/svg+xml;base64,PHN2Zy8+">',  # Pillow cannot measure SVG
    ],
)
def test_what_cannot_or_need_not_be_measured_is_left_alone(tmp_path: Path, tag: str) -> None:
    assert size_images(tag, "", tmp_path) == tag
