"""The plugin inside real MkDocs builds: pages, blog views, errors, strict mode."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from mkdocs.config import load_config
from mkdocs.exceptions import PluginError

from conftest import PLOT, Project
from figblog.blog_checks import excluded_posts
from figblog.mkdocs_config import check_options

POST = """\
# A post

Some prose.

![A small plot](figures/plot.py#plot.png){ .show-source }
/// caption
A caption.
///

The answer is ![](figures/answer.py#answer.md) today.
"""

NUMBERS = "open('answer.md', 'w').write('**42**\\n')\n"


def _html(project: Project, page: str = "post/index.html") -> str:
    return (project.root / "site" / page).read_text()


def test_a_post_gets_both_variants_its_text_and_its_source(project):
    project.script("plot.py", PLOT)
    project.script("answer.py", NUMBERS)
    project.write("docs/post.md", POST)
    result = project.mkdocs()
    assert result.returncode == 0, result.stderr
    html = _html(project)
    imgs = re.findall(r"<img [^>]*>", html)
    assert len(imgs) == 2
    light = re.search(
        r'src="\.\./(assets/figures/plot/plot\.[0-9a-f]{8}\.light\.png)#only-light"', imgs[0]
    )
    dark = re.search(
        r'src="\.\./(assets/figures/plot/plot\.[0-9a-f]{8}\.dark\.png)#only-dark"', imgs[1]
    )
    assert light and dark, imgs
    assert all(
        'alt="A small plot"' in i and 'width="200"' in i and 'height="150"' in i for i in imgs
    )
    assert "<figcaption>" in html and "A caption." in html
    assert "The answer is <strong>42</strong> today." in html
    script = re.search(
        r'<a download="plot.py" href="\.\./(assets/figures/plot\.[0-9a-f]{8}\.py)"', html
    )
    assert "<details" in html and script, html
    text = re.sub(r"<[^>]+>", "", html)  # the source is highlighted: compare it without tags
    assert "ax.plot([0, 1, 2], [0, 1, 0])" in text and 'fig.savefig("plot.png")' in text
    for rel in (light[1], dark[1], script[1]):
        assert (project.root / "site" / rel).is_file()
    assert (project.root / "site" / script[1]).read_bytes() == (
        project.root / "figures/plot.py"
    ).read_bytes()
    assert not list((project.root / "site" / "assets/figures").rglob("answer*"))


def test_only_a_first_figure_near_the_top_loads_eagerly(project):
    project.script("plot.py", PLOT)
    project.script("answer.py", NUMBERS)
    text = "# Two figures\n\nFirst ![](figures/answer.py) inserted.\n\n"
    text += "![One](figures/plot.py)\n\nProse.\n\n![Two](figures/plot.py)\n"
    project.write("docs/post.md", text)
    assert project.mkdocs().returncode == 0
    imgs = re.findall(r"<img [^>]*>", _html(project))
    assert [re.search(r'loading="(\w+)"', i)[1] for i in imgs] == ["eager"] * 2 + ["lazy"] * 2
    assert 'alt="One"' in imgs[0] and 'alt="Two"' in imgs[3]

    # A first figure below a screenful of prose waits for the reader like the others; an
    # author's own loading= wins.
    text = text.replace("First", "Long prose. " * 150 + "\n\nFirst")
    text = text.replace("![Two](figures/plot.py)", "![Two](figures/plot.py){ loading=eager }")
    project.write("docs/post.md", text)
    assert project.mkdocs().returncode == 0
    imgs = re.findall(r"<img [^>]*>", _html(project))
    assert [re.search(r'loading="(\w+)"', i)[1] for i in imgs] == ["lazy"] * 2 + ["eager"] * 2


def test_prose_edits_and_warm_builds_start_no_script(project):
    project.script("plot.py", PLOT)
    project.script("answer.py", NUMBERS)
    project.write("docs/post.md", POST)
    assert project.mkdocs().returncode == 0
    assert len(project.runs()) == 2  # plot.py in two themes (answer.py does not count runs)
    project.write("docs/post.md", POST.replace("Some prose.", "Other prose, longer."))
    result = project.mkdocs()
    assert result.returncode == 0 and len(project.runs()) == 2
    assert "Other prose, longer." in _html(project)


BLOG_YML = """\
site_name: blog test
theme:
  name: material
  font: false
plugins:
  - figblog
  - blog
markdown_extensions:
  - attr_list
  - md_in_html
  - pymdownx.blocks.caption
"""

BLOG_POST = """\
---
date: 2026-01-02
categories:
  - Things
---

# Post with a figure in its excerpt

![An early plot](figures/plot.py)

<!-- more -->

More text.
"""


def test_excerpts_on_blog_views_resolve_and_scripts_run_once(project):
    project.write("mkdocs.yml", BLOG_YML)
    project.write("docs/index.md", "# Home\n")
    project.write("docs/blog/index.md", "# Blog\n")
    project.write("docs/blog/posts/one.md", BLOG_POST)
    project.script("plot.py", PLOT)
    result = project.mkdocs()
    assert result.returncode == 0, result.stderr
    assert sorted(project.runs()) == ["plot.py:dark", "plot.py:light"]
    site = project.root / "site"
    pages = [
        "blog/index.html",
        "blog/archive/2026/index.html",
        "blog/category/things/index.html",
        "blog/2026/01/02/post-with-a-figure-in-its-excerpt/index.html",
    ]
    for page in pages:
        srcs = re.findall(
            r'<img [^>]*src="([^"#]+)#only-(?:light|dark)"', (site / page).read_text()
        )
        assert len(srcs) == 2, page
        for src in srcs:
            target = ((site / page).parent / src).resolve()
            assert target.is_file(), f"{page}: {src} does not resolve"


def test_a_category_the_blog_does_not_allow_is_named_with_its_line_and_the_fix(project):
    allowed = "  - blog:\n      categories_allowed: [Machine learning, Things]\n"
    project.write("mkdocs.yml", BLOG_YML.replace("  - blog\n", allowed))
    project.write("docs/index.md", "# Home\n")
    project.write("docs/blog/index.md", "# Blog\n")
    post = BLOG_POST.replace("  - Things\n", "  - Things\n  - Machine Learning\n  - Cooking\n")
    post = post.replace("date:", "title: Cooking\ndate:")  # the name elsewhere: not its line
    project.write("docs/blog/posts/one.md", post)
    project.script("plot.py", PLOT)
    result = project.mkdocs(strict=False)
    assert result.returncode != 0
    assert (
        "figblog: docs/blog/posts/one.md:6: category 'Machine Learning' is not in the blog's "
        "categories_allowed (mkdocs.yml): did you mean 'Machine learning'? The names must "
        "match exactly; allowed: Machine learning, Things"
    ) in result.stderr
    assert (
        "docs/blog/posts/one.md:7: category 'Cooking' is not in the blog's categories_allowed "
        "(mkdocs.yml). The names"
    ) in result.stderr
    assert project.runs() == []  # stopped before any script ran
    project.write("docs/blog/posts/one.md", BLOG_POST)
    assert project.mkdocs().returncode == 0


@pytest.mark.parametrize(
    ("front", "says"),
    [
        (
            "date: 2026-13-02\n",
            "b.md:2: the date is no date (month must be in 1..12); write it as YYYY-MM-DD, "
            "as in date: 2026-11-02",
        ),
        (
            "date: 2 November 2026\n",
            "b.md:2: the date must be written YYYY-MM-DD (or with a time, YYYY-MM-DD "
            "HH:MM:SS), as in date: 2026-11-02; not '2 November 2026'",
        ),
        (
            "title: No date\n",
            "b.md:1: the post has no date, which the blog sorts posts by; add one to its "
            "front matter, as in date: 2026-11-02",
        ),
        (
            "date: 2026-01-02\ncategories: Things\n",
            "b.md:3: the categories must be a list, one per line: 'categories:' then "
            "'  - Things' on the next line",
        ),
        (
            # Where the list opened, not where the front matter ran out.
            "date: 2026-01-02\ntitle: [unclosed\n",
            "b.md:3: the front matter is not valid YAML: a flow sequence that is not closed",
        ),
        (
            'date: "2026-01-02\ncategories:\n  - Things\n',
            "b.md:2: the front matter is not valid YAML: a quoted scalar that is not closed",
        ),
        (
            "date: 2026-01-02\ntitle: a: b\n",
            "b.md:3: the front matter is not valid YAML: mapping values are not allowed here",
        ),
    ],
)
def test_front_matter_the_blog_refuses_is_named_with_its_line_and_the_fix(project, front, says):
    """Material stops on these naming the post only, in Python's words; figblog says more."""
    project.write("mkdocs.yml", BLOG_YML)
    project.write("docs/index.md", "# Home\n")
    project.write("docs/blog/index.md", "# Blog\n")
    project.write("docs/blog/posts/a.md", BLOG_POST)
    project.write("docs/blog/posts/b.md", f"---\n{front}---\n\n# B\n\nText.\n")
    project.script("plot.py", PLOT)
    result = project.mkdocs(strict=False)
    assert result.returncode != 0
    assert f"figblog: docs/blog/posts/{says}" in result.stderr, result.stderr
    assert "Expected type" not in result.stderr and "Traceback" not in result.stderr
    assert project.runs() == []  # stopped before any script ran
    project.write("docs/blog/posts/b.md", "---\ndate: 2026-01-03\n---\n\n# B\n\nText.\n")
    assert project.mkdocs().returncode == 0


def test_a_badly_formed_reference_gets_a_box_on_the_page_as_well_as_a_warning(project):
    """Under serve an author looks at the page, not the log: the page says what is wrong."""
    project.script("plot.py", PLOT)
    project.script("answer.py", "from figblog.values import publish\npublish(n=42)\n")
    project.write(
        "docs/index.md",
        "---\ntitle: Home\n---\n\n# Home\n\nThe answer is {{ answer .py:n }} today.\n\n"
        "![A plot](figures/plot.py #plot.png)\n\nAnd {{ answer.py:n }} is right.\n",
    )
    result = project.mkdocs(strict=False)
    assert result.returncode == 0, result.stderr
    html = _html(project, "index.html")
    boxes = re.findall(r'<div class="admonition failure">.*?</div>', html, re.S)
    assert len(boxes) == 2, html
    assert "Value reference not understood" in boxes[0] and "docs/index.md:7:" in boxes[0]
    assert "name holds no spaces" in boxes[0]
    assert "Figure reference not understood" in boxes[1] and "docs/index.md:9:" in boxes[1]
    assert "has a space in its address" in boxes[1]
    assert "And 42 is right." in html  # the good reference beside them still works
    # The box replaces the image, which would show broken, with MkDocs warning of its address.
    assert "figures/plot.py" not in html.replace(boxes[1], ""), html
    assert "not found among documentation files" not in result.stderr, result.stderr
    assert project.mkdocs().returncode != 0  # and the strict build still fails


def test_a_badly_formed_image_is_cut_out_and_the_references_beside_it_still_show(project):
    project.script("plot.py", PLOT)
    project.write(
        "docs/index.md",
        "# Home\n\n![One](figures/plot.py#plot.png) and ![Two](figures/plot.py#) and "
        "![Three](figures/plot.py#plot.png) end.\n\n![Four](figures/plot.py#a#b)\n"
        "/// caption\nThe fourth.\n///\n",
    )
    result = project.mkdocs(strict=False)
    assert result.returncode == 0, result.stderr
    html = _html(project, "index.html")
    shown = re.findall(r'<img alt="(\w+)"[^>]*src="([^"]+)"', html)
    assert [alt for alt, _ in shown] == ["One", "One", "Three", "Three"], shown
    assert all(src.startswith("assets/figures/plot/") for _, src in shown), shown
    assert "and  and" in html and "end." in html  # the text around the cut stays
    # A caption under a cut image still captions something, not the paragraph above.
    assert re.search(r"<em>\(figure not made\)</em>\s*</p>\s*<figcaption>", html), html
    boxes = re.findall(r'<p class="admonition-title">Figure reference not understood</p>', html)
    assert len(boxes) == 2, html
    assert html.index("docs/index.md:3: badly formed") < html.index("docs/index.md:5: badly")
    assert "not found among documentation files" not in result.stderr, result.stderr


def test_a_failing_script_fails_strict_builds_with_page_script_and_line(project):
    project.write("docs/post.md", "# Post\n\n![A plot](figures/bad.py#x.png)\n")
    project.script("bad.py", "import math\nvalue = math.sqrt(-1)\n")
    result = project.mkdocs()
    assert result.returncode != 0
    log = result.stdout + result.stderr
    assert "docs/post.md:3: figure script figures/bad.py failed at line 2: ValueError" in log
    assert 'bad.py", line 2, in <module>' in log and "math.sqrt(-1)" in log
    assert "Aborted with 1 warnings in strict mode" in log
    assert "Traceback (most recent call last)" not in log  # our own code never crashes


def test_without_strict_the_page_shows_an_error_box(project):
    project.write("docs/post.md", "# Post\n\n![A plot](figures/bad.py#x.png)\n\nAfter.\n")
    project.script("bad.py", "raise RuntimeError('no data')\n")
    result = project.mkdocs(strict=False)
    assert result.returncode == 0, result.stderr
    html = _html(project)
    assert 'class="admonition failure"' in html and "RuntimeError: no data" in html
    assert "docs/post.md:3" in html and "<img" not in html and "After." in html


@pytest.mark.parametrize(
    ("post", "scripts", "message"),
    [
        (
            "![A](figures/missing.py)",
            {},
            "docs/post.md:3: figure script figures/missing.py does not exist",
        ),
        (
            "![A](figures/plot.py#other.png)",
            {"plot.py": PLOT},
            "docs/post.md:3: figure script figures/plot.py did not write 'other.png'; it wrote: plot.png",
        ),
        (
            "![A](figures/two.py)",
            {"two.py": PLOT + "fig.savefig('b.png')\n"},
            "docs/post.md:3: figure script figures/two.py writes 2 files (b.png, plot.png); name the one",
        ),
        (
            "![A](figures/themed.py)",
            {"themed.py": "import os\nopen(os.environ['FIGBLOG_THEME'] + '.md', 'w')\n"},
            "docs/post.md:3: figure script figures/themed.py does not write the same files in "
            "every colour scheme (light.md, dark.md only in some)",
        ),
        (
            "![A](figures/themed.py#dark.md)",
            {"themed.py": "import os\nopen(os.environ['FIGBLOG_THEME'] + '.md', 'w')\n"},
            "does not write the same files in every colour scheme",
        ),
        (
            "![A](figures/empty.py)",
            {"empty.py": "x = 1\n"},
            "docs/post.md:3: figure script figures/empty.py [light, dark]: the script wrote no "
            "files; save figures into the current folder, e.g. save_png(fig, 'plot.png') (from "
            "figblog.plotting) or fig.savefig('plot.png')",
        ),
        (
            "![A](figures/x.py#)",
            {},
            "docs/post.md:3: badly formed figure reference 'figures/x.py#'",
        ),
        (
            "![](figures/plot.py)",
            {"plot.py": PLOT},
            "docs/post.md:3: the figure from figures/plot.py has no alt text",
        ),
        (
            # MkDocs leaves it as it is, with only an INFO line: the site got a broken image.
            "![A](/figures/plot.py#plot.png)",
            {"plot.py": PLOT},
            "docs/post.md:3: the image '/figures/plot.py#plot.png' names a figure script but "
            "starts with '/', so it is no figure reference and shows as a broken image: write "
            "'figures/plot.py#plot.png'",
        ),
        (
            # The browser gets a broken image, and MkDocs says nothing of it.
            '<img alt="A" src="figures/plot.py">',
            {"plot.py": PLOT},
            'docs/post.md:3: the HTML image <img src="figures/plot.py"> names a figure script',
        ),
        (
            "![A](figures/plot.py){ loading=sometimes }",
            {"plot.py": PLOT},
            "docs/post.md:3: 'loading=sometimes' on a figure reference: loading is lazy or eager",
        ),
        (
            "![A](figures/spinner.py)",
            {
                "spinner.py": "import os\nopen('s.md', 'w').write('x')\nassert os.environ['FIGBLOG_THEME'] == 'light'\n"
            },
            "docs/post.md:3: in the dark theme only: figure script figures/spinner.py failed at "
            "line 3: AssertionError",
        ),
    ],
)
def test_reference_errors_name_the_post_and_line(project, post, scripts, message):
    for name, body in scripts.items():
        project.script(name, body)
    project.write("docs/post.md", f"# Post\n\n{post}\n")
    result = project.mkdocs()
    assert result.returncode != 0
    assert message in result.stderr


def test_the_values_file_is_no_output_a_reference_can_name(project):
    project.script("vals.py", PLOT + "from figblog.values import publish\npublish(n=3)\n")
    refs = ["![A](figures/vals.py#other.png)", "![B](figures/vals.py#values.json)"]
    project.write("docs/post.md", "# Post\n\n" + "\n\n".join(refs) + "\n")
    result = project.mkdocs()
    assert result.returncode != 0
    warnings = [line for line in result.stderr.splitlines() if "figblog: docs/post.md" in line]
    assert warnings == [
        "WARNING -  figblog: docs/post.md:3: figure script figures/vals.py did not write "
        "'other.png'; it wrote: plot.png",
        "WARNING -  figblog: docs/post.md:5: values.json from figures/vals.py holds the values "
        "it publishes, which go into sentences ({{ vals.py:<name> }}), not figures",
    ]
    # Its one picture is the script's single output.
    project.write("docs/post.md", "# Post\n\n![A plot](figures/vals.py)\n")
    result = project.mkdocs()
    assert result.returncode == 0, result.stderr
    picture = r'<img alt="A plot" [^>]*src="[^"]*/vals/plot\.\w+\.light\.png'
    assert re.search(picture, _html(project))


def test_an_image_of_a_python_file_in_the_docs_is_no_figure_error(project):
    # Only what leads into the figures folder is flagged (see /figures/... above).
    project.write("docs/code/helper.py", "x = 1\n")
    project.write("docs/blog/post.md", "# Post\n\n![The helper](../code/helper.py)\n")
    result = project.mkdocs()
    assert result.returncode == 0, result.stderr
    assert project.runs() == []


def test_warnings_come_in_the_order_of_the_lines_they_name(project):
    project.script("bad.py", "from figblog.values import publish\npublish(n=1)\n1 / 0\n")
    project.script("bad2.py", "raise KeyError('k')\n")
    project.script("ok.py", "open('t.md', 'w').write('text')\n")
    lines = [
        "# Post",
        "It is {{ bad.py:n }} here.",
        "![A](figures/bad.py)",
        "![B](figures/ok.py#nope.md)",
        "![C](figures/bad2.py)",
        "And {{ bad.py:n }} again; {{ ok.py:m }}.",
        "A malformed value {{ ok.py }} here,",
        "and a malformed figure ![D](figures/ok.py#) after it.",
        "![E](figures/gone.py)",
    ]
    project.write("docs/post.md", "\n\n".join(lines) + "\n")  # lines 1, 3, 5, ..., 17
    result = project.mkdocs()
    assert result.returncode != 0
    # A script that does not exist is one missing script, not a failed run per theme.
    assert "figblog: 2 ran, 0 cached, 4 failed, 1 script missing in " in result.stderr
    warnings = [line for line in result.stderr.splitlines() if "figblog: docs/post.md:" in line]
    places = [re.findall(r"docs/post\.md:(\d+)", line) for line in warnings]
    assert places == [["13"], ["15"], ["3"], ["7"], ["9"], ["11"], ["17"]], warnings
    assert "docs/post.md:3, 5, 11: figure script figures/bad.py failed at line 3" in warnings[2]


def test_a_timeout_is_reported_as_such(project):
    project.write(
        "mkdocs.yml", (project.root / "mkdocs.yml").read_text().replace("timeout: 60", "timeout: 2")
    )
    project.script("slow.py", "import time\ntime.sleep(60)\n")
    project.write("docs/post.md", "# Post\n\n![A](figures/slow.py)\n")
    result = project.mkdocs()
    assert result.returncode != 0
    assert (
        "docs/post.md:3: figure script figures/slow.py timed out after 2 s and was killed"
        in result.stderr
    )


def test_a_missing_figures_folder_is_a_clear_config_error(project):
    (project.root / "figures").rmdir()
    project.write("docs/post.md", "# Post\n")
    result = project.mkdocs()
    assert result.returncode != 0
    assert "figblog: the figures folder 'figures' does not exist" in result.stderr


def test_front_matter_does_not_shift_line_numbers_in_error_boxes(project):
    project.write("docs/post.md", "---\ntitle: T\n---\n\n# Post\n\n![A plot](figures/bad.py)\n")
    project.script("bad.py", "raise KeyError('k')\n")
    assert project.mkdocs(strict=False).returncode == 0
    # The exception on a line of its own in the box: a long first line scrolls out of sight.
    html = _html(project)
    assert "docs/post.md:7: figure script figures/bad.py failed at line 1:\n  KeyError" in html


def test_front_matter_is_not_scanned_for_references_and_keeps_warning_lines_right(project):
    # A fence line inside a YAML block scalar opens no code block: MkDocs never renders the
    # front matter, so the figure below it must still run and show.
    project.script("plot.py", PLOT)
    front = "---\ntitle: T\nnotes: |\n  ```\n  ![X](figures/gone.py)\n---\n"
    body = "\n# Post\n\n![A plot](figures/plot.py)\n\n![B](figures/plot.py#)\n"
    project.write("docs/post.md", front + body)
    result = project.mkdocs(strict=False)
    assert result.returncode == 0, result.stderr
    assert "gone.py" not in result.stderr
    assert re.search(r"figblog: docs/post\.md:12: badly formed figure reference", result.stderr)
    assert len(re.findall(r'<img alt="A plot"', _html(project))) == 2


def test_reading_time_ignores_script_sources(project):
    project.write(
        "mkdocs.yml",
        BLOG_YML.replace(
            "  - pymdownx.blocks.caption",
            "  - pymdownx.blocks.caption\n  - pymdownx.details\n  - pymdownx.superfences",
        ),
    )
    project.write("docs/index.md", "# Home\n")
    project.write("docs/blog/index.md", "# Blog\n")
    long_source = PLOT + "".join(
        f"# comment line {i} with several more words in it\n" for i in range(600)
    )
    project.script("plot.py", long_source)
    post = BLOG_POST.replace("(figures/plot.py)", "(figures/plot.py){ .show-source }")
    project.write("docs/blog/posts/one.md", post)
    assert project.mkdocs().returncode == 0
    html = (
        project.root / "site/blog/2026/01/02/post-with-a-figure-in-its-excerpt/index.html"
    ).read_text()
    assert "comment line 599" in html  # the source is on the page...
    assert re.search(r"1 min read", html)  # ...but not in the reading time


NOTEBOOK = """{
 "cells": [{"cell_type": "code", "execution_count": null, "id": "a1", "metadata": {}, "outputs": [],
            "source": ["import shared\\n", "print('value', shared.VALUE)"]}],
 "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
 "nbformat": 4, "nbformat_minor": 5
}
"""


def test_notebooks_are_executed_again_when_shared_code_changes(project):
    project.write("mkdocs.yml", MKDOCS_YML_NB)
    project.write("lib/shared.py", "VALUE = 'first'\n")
    project.write("docs/nb.ipynb", NOTEBOOK)
    assert project.mkdocs().returncode == 0
    assert "value first" in _html(project, "nb/index.html")
    project.write("lib/shared.py", "VALUE = 'second'\n")
    assert project.mkdocs().returncode == 0
    assert "value second" in _html(project, "nb/index.html")


MKDOCS_YML_NB = """\
site_name: notebook test
plugins:
  - figblog:
      watch: [lib]
  - mkdocs-jupyter:
      execute: true
      allow_errors: false
"""


def test_notebook_kernels_use_no_tcp_and_a_truncated_notebook_cache_heals(project):
    project.write("mkdocs.yml", MKDOCS_YML_NB)
    project.write("lib/shared.py", "VALUE = 'first'\n")
    project.write("docs/nb.ipynb", NOTEBOOK)
    first = project.mkdocs()
    assert first.returncode == 0, first.stderr
    assert "without encryption" not in first.stdout + first.stderr
    cached = list((project.root / ".cache" / "mkdocs-jupyter").glob("**/*.json"))
    assert len(cached) == 1
    cached[0].write_text(cached[0].read_text()[:100])  # a build killed while writing it
    second = project.mkdocs()
    assert second.returncode == 0, second.stderr
    assert "removed a damaged notebook cache file" in second.stdout + second.stderr
    assert "value first" in _html(project, "nb/index.html")


def test_a_site_without_the_extensions_figures_need_gets_them(project):
    # The plugin's Markdown (sized images, the source box, the error box) needs extensions
    # that a new site's mkdocs.yml may not list; without them it showed as raw text.
    project.write("mkdocs.yml", "site_name: bare\nplugins:\n  - figblog\n")
    project.script("plot.py", PLOT)
    project.write(
        "docs/post.md",
        "# Post\n\n![A plot](figures/plot.py){ .show-source }\n\n![B](figures/gone.py)\n",
    )
    result = project.mkdocs(strict=False)
    assert result.returncode == 0, result.stderr
    html = _html(project)
    assert re.search(r'<img alt="A plot" [^>]*width="\d+"', html), html
    assert "{ width=" not in html and "??? example" not in html and "!!! failure" not in html
    assert '<details class="example figblog-source">' in html
    assert '<span class="filename">figures/plot.py</span>' in html  # a titled code block
    assert 'class="admonition failure"' in html


NOTEBOOK_WITH_REFS = """{
 "cells": [{"cell_type": "markdown", "id": "m1", "metadata": {}, "source": ["# Notes\\n"]},
           {"cell_type": "markdown", "id": "m2", "metadata": {},
            "source": ["Some text.\\n", "\\n", "![A plot](figures/nb_only.py)\\n"]},
           {"cell_type": "markdown", "id": "m3", "metadata": {},
            "source": "The mean is {{ nb_only.py:n }}."}],
 "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
 "nbformat": 4, "nbformat_minor": 5
}
"""


def test_a_reference_in_a_notebook_is_a_warning_naming_its_cell_not_a_crash(project):
    # A notebook page is its cells as nbconvert renders them: figblog does not run scripts
    # for it. Its "Markdown" in MkDocs' page events is the notebook's JSON.
    project.write("mkdocs.yml", MKDOCS_YML_NB.replace("execute: true", "execute: false"))
    project.script("nb_only.py", PLOT)
    project.write("docs/nb.ipynb", NOTEBOOK_WITH_REFS)
    done = project.mkdocs()
    log = done.stdout + done.stderr
    assert done.returncode == 1, log  # strict: a warning stops the build
    assert "Traceback" not in log
    assert "docs/nb.ipynb, cell 2, line 3: a notebook page shows what its own cells draw" in log
    assert "figblog runs figures/nb_only.py only for Markdown pages" in log
    assert "docs/nb.ipynb, cell 3, line 1:" in log
    assert project.runs() == []  # nothing ran for it


@pytest.mark.parametrize(
    ("key", "value", "says"),
    [
        ("timeout", float("nan"), "'timeout' must be a positive number of seconds, not nan"),
        ("timeout", float("inf"), "'timeout' must be a positive number of seconds, not inf"),
        ("jobs", -1, "'jobs' must be 0"),
        ("max_output_mb", float("nan"), "'max_output_mb' must be 0 (no limit)"),
        ("min_text_px", float("nan"), "'min_text_px' must be 0 (no check)"),
        ("narrow_width", float("inf"), "'narrow_width' must be at least 360"),
    ],
)
def test_options_that_are_not_finite_numbers_are_refused(tmp_path, key, value, says):
    # YAML reads .nan and .inf as floats; NaN slips past any "< 0" check.
    opts = SimpleNamespace(
        jobs=0, timeout=600, max_output_mb=5, min_text_px=5, narrow_width=600,
        site_prefix="assets/figures", enabled=False, figures_dir="figures",
    )  # fmt: skip
    setattr(opts, key, value)
    with pytest.raises(PluginError, match=re.escape(says)):
        check_options(opts, tmp_path)


def test_a_nan_timeout_in_mkdocs_yml_stops_the_build_with_one_line(project):
    project.write("mkdocs.yml", "site_name: t\nplugins:\n  - figblog:\n      timeout: .nan\n")
    project.write("docs/index.md", "# Home\n")
    done = project.mkdocs()
    assert done.returncode == 1
    assert "'timeout' must be a positive number of seconds, not nan" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_figure_id_is_on_the_page_once_and_the_colon_form_adds_no_attribute(project):
    project.script("plot.py", PLOT)
    project.write("docs/post.md", "# P\n\n![A plot](figures/plot.py){: #the-plot .show-source }\n")
    result = project.mkdocs()
    assert result.returncode == 0, result.stderr
    html = _html(project)
    assert html.count('id="the-plot"') == 1 and ':=""' not in html
    assert len(re.findall(r"<img [^>]*#only-(?:light|dark)", html)) == 2
    assert "How this figure is made: figures/plot.py" in html


def test_a_draft_post_is_left_out_with_its_figures_and_shown_under_serve(project):
    project.write(
        "mkdocs.yml",
        BLOG_YML.replace("  - blog\n", "  - blog:\n      draft_if_future_date: true\n"),
    )
    project.write("docs/index.md", "# Home\n")
    project.write("docs/blog/index.md", "# Blog\n")
    project.write("docs/blog/posts/one.md", BLOG_POST)
    project.script("plot.py", PLOT)
    project.script("secret.py", PLOT)
    draft = BLOG_POST.replace("date:", "draft: true\ndate:").replace("plot.py", "secret.py")
    project.write("docs/blog/posts/draft.md", draft)
    later = BLOG_POST.replace("2026-01-02", "2999-01-01").replace("plot.py", "not_yet.py")
    project.write("docs/blog/posts/later.md", later)  # a date to come: a draft too
    done = project.mkdocs()
    assert done.returncode == 0, done.stderr  # not_yet.py is missing: nobody asks for it
    assert sorted(project.runs()) == ["plot.py:dark", "plot.py:light"]
    assert not list((project.root / "site").rglob("*secret*"))

    # `mkdocs serve` shows drafts (the blog's draft_on_serve): their figures are made then.
    posts = [
        SimpleNamespace(
            src_uri=f"blog/posts/{n}.md",
            abs_src_path=str(project.root / "docs" / "blog" / "posts" / f"{n}.md"),
        )
        for n in ("one", "draft", "later")
    ]
    for command, expected in (
        ("build", {"blog/posts/draft.md", "blog/posts/later.md"}),
        ("serve", set()),
    ):
        config = load_config(str(project.root / "mkdocs.yml"))
        config.plugins.on_startup(command=command, dirty=False)
        config = config.plugins.on_config(config)
        assert excluded_posts(config, posts) == expected, command


@pytest.mark.parametrize("gap", ["", "\n", "\n\n"], ids=["no-gap", "blank-line", "two"])
def test_a_caption_after_blank_lines_still_captions_the_figure_not_its_source_box(project, gap):
    project.script("plot.py", PLOT)
    page = f"# P\n\n![A small plot](figures/plot.py#plot.png){{ .show-source }}\n{gap}"
    project.write("docs/post.md", page + "/// caption\nA caption.\n///\n\nAfter.\n")
    result = project.mkdocs()
    assert result.returncode == 0, result.stderr
    html = _html(project)
    figure = re.search(r"<figure[^>]*>(.*?)</figure>", html, re.S)
    assert figure and "<img " in figure[1] and "A caption." in figure[1], html
    assert "figblog-source" not in figure[1]  # the box comes after the captioned figure
    assert html.index("</figure>") < html.index("figblog-source") < html.index("After.")


def test_mkdocs_takes_the_page_text_on_files_read_unless_the_page_changed_since(project):
    """One read of each page per build: MkDocs gets the text the plugin scanned.

    A plugin that gave the page other content after that (MkDocs' setter unsets its path)
    gets MkDocs' own reading, which is that content.
    """
    from mkdocs.structure.files import File, Files
    from mkdocs.structure.pages import Page

    from figblog.mkdocs_plugin import FiguresPlugin

    project.write("docs/a.md", "# A\n\nFrom the file.\n")
    project.write("docs/b.md", "# B\n\nFrom the file.\n")
    config = load_config(str(project.root / "mkdocs.yml"))
    plugin = config.plugins["figblog"]
    assert isinstance(plugin, FiguresPlugin)
    config = config.plugins.on_config(config)
    a, b = (File(f"{n}.md", config.docs_dir, config.site_dir, False) for n in "ab")
    files = plugin.on_files(Files([a, b]), config=config)
    project.write("docs/a.md", "# A\n\nEdited after the scan.\n")  # this build read it
    b.content_string = "# B\n\nGiven by another plugin.\n"
    pages = {f.src_uri: Page(None, f, config) for f in files.documentation_pages()}
    for page in pages.values():
        page.read_source(config)
    assert "From the file." in pages["a.md"].markdown
    assert "Given by another plugin." in pages["b.md"].markdown
    # Handed over once: a second reading of the same page goes to the file.
    pages["a.md"].read_source(config)
    assert "Edited after the scan." in pages["a.md"].markdown


def test_a_cache_cleaned_during_the_build_is_a_build_error_not_a_traceback(project):
    """A figure's file, added to the site from the cache, is gone when MkDocs copies it."""
    project.script("plot.py", PLOT)
    project.write("docs/index.md", "# Home\n\n![A plot](figures/plot.py#plot.png)\n")
    assert project.mkdocs().returncode == 0
    # A script that cleans the cache as it runs, as `figblog clean` in another terminal would.
    project.script("cleaner.py", PLOT + "import shutil\nshutil.rmtree('../../../entries')\n")
    project.write("docs/more.md", "# More\n\n![Another plot](figures/cleaner.py#plot.png)\n")
    done = project.mkdocs()
    log = done.stdout + done.stderr
    assert done.returncode != 0
    assert "Traceback" not in log, log
    assert "vanished during the build (was the cache cleaned meanwhile?); build again" in log, log


@pytest.mark.parametrize(
    ("inner", "shown"),
    [
        ("Inner value {{ a.py:n }} here.", "'{{ a.py:n }}'"),
        ("A plot: ![inner](figures/a.py#plot.png)", "'![inner](figures/a.py#plot.png)'"),
    ],
    ids=["value", "figure"],
)
def test_a_reference_inside_computed_text_is_a_warning_naming_it(project, inner, shown):
    """Computed text goes into the page as it is: a reference in it would reach the reader."""
    project.script("a.py", PLOT + "from figblog.values import publish\npublish(n=7)\n")
    project.script("meta.py", f"open('m.md', 'w').write('Intro.\\n{inner}\\n')\n")
    project.write("docs/index.md", "# T\n\n![](figures/meta.py#m.md)\n\n{{ a.py:n }}\n")
    done = project.mkdocs()
    assert done.returncode != 0  # strict
    assert (
        f"docs/index.md:3: the text m.md that figures/meta.py writes holds a reference, {shown} "
        "(its line 2), which is not filled in"
    ) in done.stderr, done.stderr
