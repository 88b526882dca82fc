"""The failure boxes of a page: the first of each failure in full, repeats short and linked."""

from __future__ import annotations

import re

import markdown

from figblog.engine.markup import Failure, error_boxes

EXTENSIONS = ["admonition", "attr_list", "pymdownx.superfences"]


def _failure(script: str, error: str, line: int, script_failed: bool = True) -> Failure:
    return Failure(
        script, f"Figure not made: figures/{script}", f"docs/p.md:{line}", error, script_failed
    )


def _html(boxes: list[str]) -> str:
    return markdown.markdown("\n\n".join(boxes), extensions=EXTENSIONS)


def test_a_repeated_failure_links_its_later_boxes_to_the_first():
    boxes = error_boxes(
        [_failure("a.py", "boom", 3), _failure("b.py", "bang", 5), _failure("a.py", "boom", 9)],
        "blog/posts/My Post.md",
    )
    html = _html(boxes)
    assert (
        '<p class="admonition-title"><span id="figblog-error-blog-posts-my-post-1"></span>' in html
    )
    assert "docs/p.md:3: boom" in boxes[0] and "docs/p.md:5: bang" in boxes[1]
    assert "<span" not in boxes[1]  # nothing links to b.py's box
    assert "boom" not in boxes[2] and "docs/p.md:9" not in boxes[2]
    assert (
        '<p>The script failed: <a href="#figblog-error-blog-posts-my-post-1">see the error above</a>.</p>'
        in html
    )


def test_the_same_script_with_different_errors_keeps_a_full_box_for_each():
    dark = "in the dark theme only: figure script figures/a.py failed at line 2: KeyError: 'x'"
    boxes = error_boxes(
        [_failure("a.py", dark, 3), _failure("a.py", "figure script figures/a.py failed", 5)],
        "p.md",
    )
    assert "docs/p.md:3: in the dark theme only" in boxes[0]
    assert "docs/p.md:5: figure script figures/a.py failed" in boxes[1]
    assert "see the error above" not in "".join(boxes) and "<span" not in "".join(boxes)


def test_a_repeated_bad_reference_is_not_called_a_failed_script():
    missing = "figure script figures/a.py did not write 'b.png'; it wrote: a.png"
    boxes = error_boxes(
        [_failure("a.py", missing, 3, False), _failure("a.py", missing, 5, False)], "p.md"
    )
    assert (
        "Same error as an earlier reference: [see the error above](#figblog-error-p-1)." in boxes[1]
    )
    assert "script failed" not in boxes[1]


def test_each_repeated_failure_gets_its_own_id():
    failures = [_failure(s, s, n) for n, s in enumerate(["a.py", "b.py", "a.py", "b.py"])]
    html = _html(error_boxes(failures, "index.md"))
    assert html.count('id="figblog-error-index-1"') == html.count('id="figblog-error-index-2"') == 1
    assert html.index('href="#figblog-error-index-1"') < html.index('href="#figblog-error-index-2"')
    assert html.count('href="#figblog-error-index-1"') == 1


def test_a_figure_id_is_given_once_and_reaches_the_figure_in_either_scheme():
    from figblog.engine.markup import image_markdown
    from figblog.engine.refs import scan

    (ref,), _ = scan("![t](figures/x.py){: #fig-x .show-source }", "p.md")
    text = "".join(
        image_markdown(ref, theme, f"x.{theme}.png", (10, 5), eager=False)
        for theme in ("light", "dark")
    )
    html = markdown.markdown(text, extensions=EXTENSIONS)
    assert html.count('id="fig-x"') == 1 and ':=""' not in html
    assert html.startswith('<p><span id="fig-x"></span><img alt="t"'), html
    assert len(re.findall(r"<img [^>]*>", html)) == 2
    assert all("id=" not in img for img in re.findall(r"<img [^>]*>", html))
