"""The scanner finds a reference exactly where Python-Markdown renders an image."""

from __future__ import annotations

import re

import markdown
from hypothesis import given, settings
from hypothesis import strategies as st

from figblog.engine.refs import scan

EXTENSIONS = [
    "admonition",
    "attr_list",
    "md_in_html",
    "pymdownx.details",
    "pymdownx.superfences",
    "pymdownx.blocks.caption",
]

# Pieces of Markdown a post is made of; {n} becomes a unique script name.
PIECES = [
    "Some prose.",
    "![a figure](figures/s{n}.py)",
    "Text with ![an inline figure](figures/s{n}.py#x.png){{ .show-source }} in it.",
    "    ![indented](figures/s{n}.py)",
    "```\n![fenced](figures/s{n}.py)\n```",
    "~~~~\n![tilde fenced](figures/s{n}.py)\n~~~~",
    "!!! note\n\n    ![in a note](figures/s{n}.py)",
    "!!! note\n\n    ```\n    ![fenced in a note](figures/s{n}.py)\n    ```",
    '??? example "Title"\n\n    ![in details](figures/s{n}.py)',
    "- item\n\n    ![in a list](figures/s{n}.py)",
    "- item\n\n        ![code in a list](figures/s{n}.py)",
    "1. step\n\n   ![in a numbered list](figures/s{n}.py)",
    "<!-- ![commented](figures/s{n}.py) -->",
    "<!--\n![commented block](figures/s{n}.py)\n-->",
    "`![in code](figures/s{n}.py)`",
    "![captioned](figures/s{n}.py)\n/// caption\nA caption.\n///",
]


def _rendered(text: str) -> list[str]:
    html = markdown.markdown(text, extensions=EXTENSIONS)
    return re.findall(r'<img[^>]*src="figures/(s\d+\.py)', html)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=8))
def test_scanner_agrees_with_markdown(pieces):
    # Blocks separated by blank lines, as posts are written.
    text = "\n\n".join(p.format(n=i) for i, p in enumerate(pieces))
    found = sorted(r.script for r in scan(text, "p.md")[0])
    assert found == sorted(_rendered(text)), text


def test_an_unclosed_reference_is_reported():
    refs, errors = scan("Look: ![a plot](figures/a.py#plot.png\n\nmore", "docs/p.md")
    assert refs == []
    assert [str(e).split(": ", 1)[0] for e in errors] == ["docs/p.md:1"]
    assert "not closed" in str(errors[0])


def test_a_reference_with_a_space_in_its_address_says_so():
    text = "![a plot](figures/a.py#my plot.png)\n\n![b](figures/b.py unquoted title)\n"
    refs, errors = scan(text, "docs/p.md")
    assert refs == []
    assert [str(e).split(": ", 1)[0] for e in errors] == ["docs/p.md:1", "docs/p.md:3"]
    assert "'figures/a.py#my plot.png' has a space in its address" in str(errors[0])
    assert "'figures/b.py unquoted title' has a space" in str(errors[1])
    assert all("not closed" not in str(e) for e in errors)
    # A quoted title is fine, and an unclosed one is still called unclosed.
    titled, no_errors = scan('![c](figures/c.py "a title")', "p.md")
    assert [r.script for r in titled] == ["c.py"] and no_errors == []
    assert "not closed" in str(scan("![d](figures/d.py#x y.png", "p.md")[1][0])
