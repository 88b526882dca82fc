"""The script source under a figure is highlighted once per script version, on every view.

Material's blog plugin converts a post again for the blog index, the archive and each
category; without the cache each conversion highlights the script again. These builds
run MkDocs in this process, as ``mkdocs build`` does, so that Pygments' calls can be
counted (the figure scripts still run in their own processes).
"""

from __future__ import annotations

import re
from pathlib import Path

import pymdownx.highlight
import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from conftest import PLOT, Project

YML = """\
site_name: source test
theme:
  name: material
  font: false
  features:
    - content.code.copy
plugins:
  - figblog
  - blog
markdown_extensions:
  - attr_list
  - md_in_html
  - pymdownx.details
  - pymdownx.superfences
  - pymdownx.highlight
  - pymdownx.blocks.caption
"""

POST = """\
---
date: 2026-01-02
categories:
  - Things
---

# Post with its source in the excerpt

![An early plot](figures/plot.py){ .show-source }

<!-- more -->

More text.
"""

POST_PAGE = "blog/2026/01/02/post-with-its-source-in-the-excerpt/index.html"
VIEWS = ["blog/index.html", "blog/archive/2026/index.html", "blog/category/things/index.html"]


@pytest.fixture
def blog(project: Project) -> Project:
    project.write("mkdocs.yml", YML)
    project.write("docs/index.md", "# Home\n")
    project.write("docs/blog/index.md", "# Blog\n")
    project.write("docs/blog/posts/one.md", POST)
    project.script("plot.py", PLOT)
    return project


def _build(project: Project, monkeypatch: pytest.MonkeyPatch) -> int:
    """Build the site in this process; return how many code blocks Pygments highlighted."""
    calls = 0
    real = pymdownx.highlight.highlight

    def counting(*args: object, **kwargs: object) -> str:
        nonlocal calls
        calls += 1
        return real(*args, **kwargs)

    monkeypatch.chdir(project.root)
    with monkeypatch.context() as patch:
        patch.setattr(pymdownx.highlight, "highlight", counting)
        config = load_config(str(project.root / "mkdocs.yml"))
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()
    return calls


def _cached(project: Project) -> dict[Path, tuple[int, int]]:
    """The cached HTML files, each with its inode and modification time."""
    folder = project.root / ".cache/figblog/html"
    return {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.rglob("*.html")}


def _source_box(html: str) -> str:
    found = re.search(r'<details class="example figblog-source">.*?</details>', html, re.S)
    assert found, "no source box"
    return found[0]


def test_the_source_is_highlighted_once_and_shown_on_the_post_and_every_view(
    blog: Project, monkeypatch: pytest.MonkeyPatch
):
    assert _build(blog, monkeypatch) == 1  # the post and three views: one highlight
    cached = _cached(blog)
    assert len(cached) == 1
    site = blog.root / "site"
    for page in [POST_PAGE, *VIEWS]:
        box = _source_box((site / page).read_text())
        assert "<summary>How this figure is made: figures/plot.py</summary>" in box, page
        assert '<span class="filename">figures/plot.py</span>' in box, page
        # Highlighted: Pygments' token classes around the code, as the theme colours them.
        assert '<span class="kn">import</span>' in box and '<span class="s2">' in box, page
        text = re.sub(r"<[^>]+>", "", box)
        assert 'fig.savefig("plot.png")' in text and "figblog-source-html" not in box, page
        # The code waits in a template; the page carries the one script that fills it.
        assert re.search(r'<template class="figblog-code"><div class="highlight">', box), page
        assert (site / page).read_text().count('id="figblog-lazy-source"') == 1, page
        link = re.search(r'<a download="plot.py" href="([^"]+)">Download plot.py</a>', box)
        assert link, page
        target = ((site / page).parent / link[1]).resolve()
        assert target.read_bytes() == (blog.root / "figures/plot.py").read_bytes(), page

    # A warm build highlights nothing and leaves the cached HTML as it was.
    assert _build(blog, monkeypatch) == 0
    assert _cached(blog) == cached
    assert "fig.savefig" in re.sub(r"<[^>]+>", "", _source_box((site / VIEWS[0]).read_text()))

    # A new version of the script is highlighted once more, and shown; the old version's
    # block, which no page uses any more, is removed (the folder would grow with every edit).
    blog.script("plot.py", PLOT + "# the second version\n")
    assert _build(blog, monkeypatch) == 1
    (second,) = _cached(blog)
    assert second not in cached
    assert "the second version" in second.read_text()
    assert "the second version" in _source_box((site / VIEWS[0]).read_text())


def test_highlighting_options_are_part_of_the_key(blog: Project, monkeypatch: pytest.MonkeyPatch):
    assert _build(blog, monkeypatch) == 1
    assert "linenos" not in _source_box((blog.root / "site" / POST_PAGE).read_text())
    yml = YML.replace("  - pymdownx.highlight\n", "  - pymdownx.highlight:\n      linenums: true\n")
    blog.write("mkdocs.yml", yml)
    assert _build(blog, monkeypatch) == 1
    assert "linenos" in _source_box((blog.root / "site" / POST_PAGE).read_text())


def test_a_cached_block_is_what_the_page_shows(blog: Project, monkeypatch: pytest.MonkeyPatch):
    """The page takes the HTML from the cache file (it is not rendered again behind it)."""
    _build(blog, monkeypatch)
    (path,) = _cached(blog)
    path.write_text(path.read_text().replace("filename", "filename from-the-cache"))
    assert _build(blog, monkeypatch) == 0
    for page in [POST_PAGE, *VIEWS]:
        assert "from-the-cache" in _source_box((blog.root / "site" / page).read_text()), page


def test_a_dirty_build_keeps_the_blocks_of_pages_it_did_not_render(
    blog: Project, monkeypatch: pytest.MonkeyPatch
):
    """``--dirty`` renders only changed pages; the others' blocks are still wanted."""
    blog.write("docs/blog/posts/two.md", POST.replace("plot.py", "other.py").replace("early", "2"))
    blog.script("other.py", PLOT + "# the other script\n")
    assert _build(blog, monkeypatch) == 2
    first = _cached(blog)
    assert len(first) == 2
    # A new version of plot.py, and its post touched, so that a dirty build renders it alone.
    blog.script("plot.py", PLOT + "# the second version\n")
    post = blog.root / "docs/blog/posts/one.md"
    post.write_text(post.read_text() + "\nOne more line.\n")
    monkeypatch.chdir(blog.root)
    config = load_config(str(blog.root / "mkdocs.yml"))
    config.plugins.on_startup(command="build", dirty=True)
    try:
        build(config, dirty=True)
    finally:
        config.plugins.on_shutdown()
    after = _cached(blog)
    assert len(after) == 3, "a block of a page the dirty build skipped was removed"
    assert set(first) < set(after)
