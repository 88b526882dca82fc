"""figblog.sitecheck on a tiny hand-made site: it finds what is broken and passes what is not."""

from __future__ import annotations

import base64
import gzip
import io
import urllib.request
from pathlib import Path

import pytest
from PIL import Image

from figblog.sitecheck import (
    broken_links,
    check_ref,
    find_pages,
    is_post,
    resolve,
    serve,
    unsized_images,
)

SITE_URL = "https://example.org/blog-site/"


def _png(width: int, height: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height)).save(buf, "PNG")
    return buf.getvalue()


def _write(root: Path, rel: str, text: str | bytes) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode())


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """Home, a post with a figure and anchors, and an image file."""
    root = tmp_path / "site"
    _write(root, "assets/plot.png", _png(40, 20))
    _write(
        root,
        "index.html",
        '<a href="blog/2026/01/02/first/#fig">post</a><a href="#top" id="top">top</a>'
        f'<link rel="canonical" href="{SITE_URL}"><a href="https://other.example/x">x</a>'
        '<a href="mailto:me@example.org">mail</a>',
    )
    _write(
        root,
        "blog/2026/01/02/first/index.html",
        '<h2 id="fig">Figure</h2><a name="old"></a>'
        '<img src="../../../../../assets/plot.png#only-light" width="700" height="350">'
        '<a href="../../../../../#top">home</a><a href="#old">old</a>',
    )
    return root


def test_a_sound_site_has_no_broken_links(site: Path) -> None:
    assert broken_links(site, SITE_URL) == []


@pytest.mark.parametrize(
    ("ref", "reason"),
    [
        ("missing/", "no file missing/index.html"),
        ("blog/2026/01/02/first/#nope", "no id 'nope' in blog/2026/01/02/first/index.html"),
        ("assets/gone.png", "no file assets/gone.png"),
        (SITE_URL + "nowhere/", "no file nowhere/index.html"),
        ("/elsewhere/", "no file /elsewhere/"),
    ],
)
def test_a_broken_reference_is_reported_with_its_page(site: Path, ref: str, reason: str) -> None:
    _write(site, "index.html", f'<a id="top" href="{ref}">broken</a>')
    problems = broken_links(site, SITE_URL)
    assert [(p.page, p.target, p.reason) for p in problems] == [("index.html", ref, reason)]


def test_fragments_on_pictures_are_not_anchors(site: Path) -> None:
    assert check_ref(site, "index.html", "assets/plot.png#only-dark") is None


def test_other_hosts_and_schemes_are_left_alone() -> None:
    for ref in ("https://other.example/", "//cdn.example/x.js", "mailto:a@b", "data:image/png,"):
        assert resolve("index.html", ref, SITE_URL) is None


def test_site_url_links_map_into_the_site() -> None:
    assert resolve("index.html", SITE_URL + "blog/#x", SITE_URL) == ("blog/index.html", "x")
    assert resolve("a/b/index.html", "/blog-site/c.png", SITE_URL) == ("c.png", "")


def test_images_need_width_height_in_the_right_ratio(site: Path) -> None:
    data = base64.b64encode(_png(30, 10)).decode()
    _write(
        site,
        "index.html",
        '<img src="assets/plot.png"><img src="assets/plot.png" width="100" height="100">'
        f'<img src="data:image/png;base64,{data}" width="300" height="100">',
    )
    problems = unsized_images(site)
    assert [p.reason for p in problems] == [
        "no width and height attributes (the page jumps when it loads)",
        "sized 100x100 but the picture is 40x20",
    ]


def test_pages_are_listed_and_posts_recognised(site: Path) -> None:
    pages = find_pages(site)
    assert pages == ["", "blog/2026/01/02/first/"]
    assert [p for p in pages if is_post(p)] == ["blog/2026/01/02/first/"]
    assert not is_post("blog/archive/2026/") and not is_post("blog/category/meta/")


def test_serve_answers_on_loopback_and_stops(site: Path) -> None:
    with serve(site) as url:
        assert url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(url + "assets/plot.png", timeout=10) as response:
            assert response.read() == (site / "assets" / "plot.png").read_bytes()
    with pytest.raises(OSError):
        urllib.request.urlopen(url, timeout=2)


def test_serve_refuses_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not a folder"), serve(tmp_path / "nope"):
        pass


def test_serve_can_gzip_text_like_the_static_host(site: Path) -> None:
    gzip_ok = {"Accept-Encoding": "gzip"}
    with serve(site, compress=True) as url:
        with urllib.request.urlopen(urllib.request.Request(url, headers=gzip_ok)) as response:
            assert response.headers["Content-Encoding"] == "gzip"
            assert gzip.decompress(response.read()) == (site / "index.html").read_bytes()
        png = urllib.request.Request(url + "assets/plot.png", headers=gzip_ok)
        with urllib.request.urlopen(png) as response:
            assert response.headers["Content-Encoding"] is None  # PNG is compressed already
