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
    "<pre>\n![in raw pre](figures/s{n}.py)\n</pre>",
    "<pre class='x'>\n\n![in raw pre, blank lines](figures/s{n}.py)\n\n</pre>",
    "<pre>![one-line pre](figures/s{n}.py)</pre> ![after pre](figures/s{n}.py)",
    "!!! note\n\n    <pre>\n    ![pre in a note is Markdown](figures/s{n}.py)\n    </pre>",
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


def test_figure_scripts_named_in_forms_the_build_does_not_read_are_errors_at_their_line():
    text = (
        "# Post\n"
        '<img alt="x" src="figures/t_ok.py">\n'
        "\n"
        "Here ![a plot][fig] it is.\n"
        "\n"
        "![a long\n"
        "alt text](figures/t_ok.py)\n"
        "\n"
        "![a](./figures/t_ok.py#ok.png)\n"
        "\n"
        "[fig]: figures/t_ok.py\n"
    )
    refs, errors = scan(text, "docs/p.md")
    assert refs == []
    assert [(e.line, e.message.split(": write ")[1]) for e in errors] == [
        (2, "![what it shows](figures/t_ok.py)"),
        (4, "![a plot](figures/t_ok.py) in its place"),
        (6, "the whole ![what it shows](figures/<script>.py) on one line"),
        (9, "'figures/t_ok.py#ok.png' (the figures folder first, relative to nothing)"),
    ]
    assert 'the HTML image <img src="figures/t_ok.py">' in errors[0].message
    assert "takes its address from line 11" in errors[1].message
    assert "alt text of this figure reference runs over more than one line" in errors[2].message
    assert "starts with './'" in errors[3].message
    # Each of them would be a broken image: Markdown renders every one as an <img>.
    html = markdown.markdown(text, extensions=EXTENSIONS)
    assert len(re.findall(r'<img [^>]*src="figures/t_ok.py', html)) == 3
    assert '<img alt="a" src="./figures/t_ok.py#ok.png"' in html


def test_a_raw_pre_block_is_shown_as_it_is_and_scanned_for_nothing():
    text = (
        "<pre>\n![t](figures/nope.py)\n<img src='figures/nope.py'>\n</pre>\n\n![u](figures/u.py)\n"
    )
    refs, errors = scan(text, "docs/p.md")
    assert [r.script for r in refs] == ["u.py"] and errors == []


def test_an_image_inside_the_alt_text_of_another_says_so_not_unclosed():
    text = "![outer ![inner](figures/two.py#one.png)](figures/two.py#two.png)\n"
    refs, errors = scan(text, "docs/p.md")
    assert [r.output for r in refs] == ["one.png"]  # what Markdown makes an image
    assert len(errors) == 1 and "not closed" not in str(errors[0])
    assert "'figures/two.py#two.png' is no image: its alt text holds another image" in str(
        errors[0]
    )
