"""Social cards and thumbnails through the real MkDocs build of a tiny blog."""

from __future__ import annotations

import re

import pytest
from PIL import Image
from tests.conftest import COUNT, REPO

BLOG_YML = f"""\
site_name: card test
site_description: A blog for testing cards.
site_url: https://cards.example.org/sub/
theme:
  name: material
  custom_dir: {REPO / "overrides"}
plugins:
  - figblog:
      jobs: 2
      site_image: figures/plots.py#wide.png
  - blog
markdown_extensions:
  - attr_list
"""

PLOTS = (
    COUNT
    + """\
from PIL import Image
Image.new("RGB", (300, 200), (255, 255, 255)).save("wide.png")
Image.new("RGB", (200, 300), (200, 220, 255)).save("tall.png")
open("note.md", "w").write("Computed text.")
"""
)


def post(name: str, front: str, body: str) -> tuple[str, str]:
    text = f"---\ndate: 2026-01-02\n{front}---\n\n# {name.title()}\n\n{body}\n"
    return f"docs/blog/posts/{name}.md", text


@pytest.fixture
def blog(project):
    project.write("mkdocs.yml", BLOG_YML)
    project.write("docs/index.md", "# Home\n")
    project.write("docs/blog/index.md", "# Blog\n")
    project.script("plots.py", PLOTS)
    return project


def tags(html: str) -> dict[str, str]:
    found = re.findall(r'<meta (?:property|name)="((?:og|twitter):[^"]+)" content="([^"]*)"', html)
    return dict(found)


def site_file(project, url: str):
    assert url.startswith("https://cards.example.org/sub/"), url
    return project.root / "site" / url.removeprefix("https://cards.example.org/sub/")


def test_a_post_card_is_its_first_picture_a_chosen_one_or_the_sites(blog):
    blog.write(
        *post(
            "first",
            "description: The first post.\n",
            "![](figures/plots.py#note.md)\n\n![A wide white box](figures/plots.py#wide.png)\n",
        )
    )
    blog.write(
        *post(
            "chosen",
            "description: Chosen.\nimage: figures/plots.py#tall.png\n",
            "![A wide white box](figures/plots.py#wide.png)\n\n![A tall blue box](figures/plots.py#tall.png)\n",
        )
    )
    blog.write(*post("unshown", "image: figures/plots.py#tall.png\n", "No figure here.\n"))
    done = blog.mkdocs()
    assert done.returncode == 0, done.stderr
    site = blog.root / "site"
    unshown = tags((site / "blog/2026/01/02/unshown/index.html").read_text("utf-8"))
    assert "/tall.card." in unshown["og:image"]  # no page gives it alt text: the post is named
    assert unshown["og:image:alt"] == "A figure from the post “Unshown”"
    first = tags((site / "blog/2026/01/02/first/index.html").read_text("utf-8"))
    assert first["og:type"] == "article" and first["og:title"] == "First"
    assert first["og:description"] == "The first post."
    assert first["og:url"] == "https://cards.example.org/sub/blog/2026/01/02/first/"
    assert first["og:image:alt"] == first["twitter:image:alt"] == "A wide white box"
    assert first["twitter:card"] == "summary_large_image"
    assert first["twitter:image"] == first["og:image"]
    assert re.search(
        r"/assets/figures/plots/wide\.card\.[0-9a-f]{8}\.light\.png$", first["og:image"]
    )
    chosen = tags((site / "blog/2026/01/02/chosen/index.html").read_text("utf-8"))
    assert "/tall.card." in chosen["og:image"] and chosen["og:image:alt"] == "A tall blue box"
    for card in (first, chosen):
        with Image.open(site_file(blog, card["og:image"])) as image:
            assert image.size == (1200, 630)
        assert (card["og:image:width"], card["og:image:height"]) == ("1200", "630")
    with Image.open(site_file(blog, chosen["og:image"])) as image:
        assert image.convert("RGB").getpixel((600, 315)) == (200, 220, 255)  # the tall one
    home = tags((site / "index.html").read_text("utf-8"))
    assert home["og:type"] == "website" and home["og:title"] == "card test"
    assert home["og:description"] == "A blog for testing cards."
    assert "/wide.card." in home["og:image"] and home["og:image:alt"] == "A wide white box"
    # The blog index shows a thumbnail per scheme, sized, lazy, small files.
    index = (site / "blog" / "index.html").read_text("utf-8")
    thumbs = re.findall(r'<img src="([^"]+\.thumb\.[^"]+)#only-(light|dark)"([^>]*)>', index)
    assert sorted(t[1] for t in thumbs) == ["dark"] * 3 + ["light"] * 3
    for src, _, attrs in thumbs:
        assert 'loading="lazy"' in attrs and 'width="160" height="100"' in attrs
        with Image.open(site / "blog" / src) as image:
            assert image.size == (320, 200)


def test_a_bad_image_names_the_post_and_line(blog):
    blog.write(*post("bad", "description: Bad.\nimage: figures/plots.py#gone.png\n", "Text.\n"))
    blog.write(*post("worse", "description: Worse.\nimage: pictures/x.png\n", "Text.\n"))
    blog.write(*post("text", "image: figures/plots.py#note.md\n", "Text.\n"))
    done = blog.mkdocs()
    assert done.returncode != 0
    assert (
        "docs/blog/posts/bad.md:4: the post's card: figure script figures/plots.py did not "
        "write 'gone.png'; it wrote: note.md, tall.png, wide.png" in done.stderr
    )
    assert "docs/blog/posts/worse.md:4: 'image: pictures/x.png' must name a figure" in done.stderr
    assert (
        "docs/blog/posts/text.md:3: the post's card: 'note.md' from figures/plots.py is not a picture"
        in done.stderr
    )
    assert "Traceback" not in done.stderr


def test_a_warm_build_makes_no_card_again(blog):
    blog.write(*post("one", "description: One.\n", "![A box](figures/plots.py#wide.png)\n"))
    assert blog.mkdocs().returncode == 0
    derived = sorted((blog.root / ".cache" / "figblog" / "derived").rglob("*.png"))
    # One card (the post's, also the site's) and one thumbnail: the script draws the same
    # bytes in both themes, so both themes' thumbnails are one file.
    assert len(derived) == 2
    stamps = [p.stat().st_mtime_ns for p in derived]
    runs = len(blog.runs())
    done = blog.mkdocs()
    assert done.returncode == 0, done.stderr
    assert [p.stat().st_mtime_ns for p in derived] == stamps
    assert len(blog.runs()) == runs
    # The lead figure changes: its new card and thumbnail replace the old ones in the cache.
    blog.script("plots.py", PLOTS.replace("(255, 255, 255)", "(250, 250, 200)"))
    done = blog.mkdocs()
    assert done.returncode == 0, done.stderr
    now = sorted((blog.root / ".cache" / "figblog" / "derived").rglob("*.png"))
    assert len(now) == 2 and not set(now) & set(derived)


def test_the_feed_does_not_publish_the_image_reference(blog):
    rss = "  - blog\n  - rss:\n      match_path: blog/posts/.*\n      use_git: false\n"
    blog.write("mkdocs.yml", BLOG_YML.replace("  - blog\n", rss))
    blog.write(*post("one", "description: One.\nimage: figures/plots.py#tall.png\n", "Text.\n"))
    done = blog.mkdocs()
    assert done.returncode == 0, done.stderr
    feed = (blog.root / "site" / "feed_rss_created.xml").read_text("utf-8")
    assert "<item>" in feed and "plots.py" not in feed


def test_an_image_that_is_not_text_is_one_warning_and_the_feed_survives_it(blog):
    rss = "  - rss:\n      match_path: blog/posts/.*\n      use_git: false\n"
    rss += "      date_from_meta:\n        as_creation: date\n"
    blog.write("mkdocs.yml", BLOG_YML.replace("  - blog\n", "  - blog\n" + rss))
    blog.write(*post("odd", "description: Odd.\nimage: 5\n", "Text.\n"))
    done = blog.mkdocs(strict=False)
    assert done.returncode == 0, done.stderr
    assert "docs/blog/posts/odd.md:4: 'image: 5' must name a figure" in done.stderr
    assert "Traceback" not in done.stderr and "AttributeError" not in done.stderr
    assert "Odd" in (blog.root / "site" / "feed_rss_created.xml").read_text()
