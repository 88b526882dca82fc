"""A post's contents list under its title, made from the page's table of contents."""

from __future__ import annotations

from mkdocs.structure.toc import get_toc

from figblog.phone_contents import add_contents


def _toc(*titles: str):
    children = [
        {"level": 2, "id": f"s{i}", "name": t, "children": []} for i, t in enumerate(titles)
    ]
    return get_toc([{"level": 1, "id": "post", "name": "Post", "children": children}])


PAGE = '<article><h1 id="post">Post</h1><p>Text</p></article>'


def test_the_sections_follow_the_title_in_order_and_escaped():
    out = add_contents(PAGE, _toc("One", "Two &amp; three", "<Four>"))
    assert out.startswith('<article><h1 id="post">Post</h1><nav class="figblog-contents"')
    assert '<a href="#s0">One</a>' in out and '<a href="#s1">Two &amp; three</a>' in out
    assert "&lt;Four&gt;" in out and "<Four>" not in out
    assert out.index("#s0") < out.index("#s1") < out.index("#s2") < out.index("<p>Text")


def test_a_short_post_or_a_page_without_a_title_gets_no_list():
    assert add_contents(PAGE, _toc("One", "Two")) == PAGE
    assert add_contents("<p>no title</p>", _toc("A", "B", "C")) == "<p>no title</p>"
    assert add_contents(PAGE, None) == PAGE
