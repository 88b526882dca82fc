"""What an error box puts on a page: the script's words, escaped, and no path of this machine."""

from __future__ import annotations

import re

import pytest

from conftest import MKDOCS_YML, PLOT, Project


@pytest.fixture
def odd_project(tmp_path, monkeypatch) -> Project:
    """A project in a folder with a name no page should ever show."""
    proj = Project(tmp_path / "zz-Build-Machine-Folder-4711" / "proj")
    (proj.root / "figures").mkdir(parents=True)
    (proj.root / "docs").mkdir()
    (proj.root / "lib").mkdir()
    proj.write("mkdocs.yml", MKDOCS_YML.format(timeout=60))
    monkeypatch.setenv("PYTHONPATH", str(proj.root / "lib"))
    return proj


def test_an_error_box_shows_the_message_as_text_and_no_absolute_path(odd_project):
    odd_project.write(
        "lib/helper.py",
        "MESSAGE = 'bad\\n```\\n<script>alert(1)</script>\\n~~~~\\n'\n\n"
        "def fail():\n    raise ValueError(MESSAGE)\n",
    )
    odd_project.script("bad.py", "import helper\nhelper.fail()\n")
    odd_project.write("docs/index.md", "# Post\n\n![A plot](figures/bad.py#x.png)\n\nAfter.\n")
    result = odd_project.mkdocs(strict=False)
    assert result.returncode == 0, result.stderr
    html = (odd_project.root / "site" / "index.html").read_text()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "After." in html  # the box closed where it should, and the page goes on
    for page in (odd_project.root / "site").rglob("*.html"):
        assert "zz-Build-Machine-Folder-4711" not in page.read_text(), page
    assert 'lib/helper.py", line 4, in fail' in html


def test_a_script_linked_from_outside_the_project_is_refused(project, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.py").write_text(
        "SECRET = 'do not publish'\nopen('x.md','w').write(SECRET)\n"
    )
    (project.root / "figures" / "linked.py").symlink_to(outside / "secret.py")
    (project.root / "figures" / "elsewhere").symlink_to(outside, target_is_directory=True)
    project.write(
        "docs/index.md",
        "# Post\n\n![](figures/linked.py){ .show-source }\n\n![](figures/elsewhere/secret.py)\n",
    )
    result = project.mkdocs()
    assert result.returncode != 0
    log = result.stdout + result.stderr
    assert "docs/index.md:3: figure script figures/linked.py is, or lies in a folder" in log
    assert "docs/index.md:5: figure script figures/elsewhere/secret.py is, or lies" in log
    assert not project.runs()
    project.mkdocs(strict=False)
    for page in (project.root / "site").rglob("*"):
        if page.is_file():
            assert b"do not publish" not in page.read_bytes(), page


@pytest.mark.parametrize("prefix", ["../x", "a/../../b", "a//b", "a/./b", "a\\\\b", "a b"])
def test_a_site_prefix_outside_the_site_is_a_config_error(project, prefix):
    project.write(
        "mkdocs.yml", f"site_name: t\nplugins:\n  - figblog:\n      site_prefix: '{prefix}'\n"
    )
    project.write("docs/index.md", "# Home\n")
    result = project.mkdocs()
    assert result.returncode != 0
    assert "'site_prefix' must be a folder path inside the site" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_output_over_the_size_limit_fails_the_strict_build(project):
    project.write("mkdocs.yml", MKDOCS_YML.format(timeout=60) + "")
    yml = (project.root / "mkdocs.yml").read_text()
    project.write("mkdocs.yml", yml.replace("jobs: 2\n", "jobs: 2\n      max_output_mb: 0.5\n"))
    project.script(
        "big.py",
        "import numpy as np\nfrom PIL import Image\n"
        "noise = np.random.default_rng(1).integers(0, 255, (600, 600, 3), dtype=np.uint8)\n"
        "Image.fromarray(noise).save('noise.png')\n",
    )
    project.write("docs/index.md", "# Post\n\n![Noise](figures/big.py)\n")
    result = project.mkdocs()
    assert result.returncode != 0
    assert "docs/index.md:3: 'noise.png' from figures/big.py is 1.1 MB, over the 0.5 MB" in (
        result.stdout + result.stderr
    )


def test_a_large_output_no_page_shows_is_named_as_the_cache_would_keep_it(project):
    yml = MKDOCS_YML.format(timeout=60)
    project.write("mkdocs.yml", yml.replace("jobs: 2\n", "jobs: 2\n      max_output_mb: 0.5\n"))
    project.script(
        "scratch.py",
        PLOT + "open('scratch.bin', 'wb').write(bytes(600_000))\n"
        "open('small.bin', 'wb').write(bytes(400_000))\n",
    )
    project.write("docs/index.md", "# Post\n\n![A plot](figures/scratch.py#plot.png)\n")
    result = project.mkdocs()
    log = result.stdout + result.stderr
    assert result.returncode != 0, log
    assert (
        "docs/index.md:3: figures/scratch.py writes 'scratch.bin', 0.6 MB, over the 0.5 MB "
        "limit, and no page shows it"
    ) in log
    assert "small.bin" not in log and log.count("no page shows it") == 1  # once, not per theme
    project.write("mkdocs.yml", yml)  # the default limit, 5 MB
    assert project.mkdocs().returncode == 0


def test_a_reference_to_an_output_that_is_not_a_picture_or_text_is_an_error(project):
    project.script("table.py", "open('t.csv', 'w').write('a,b\\n1,2\\n')\n")
    project.write("docs/index.md", "# Post\n\n![Table](figures/table.py#t.csv)\n")
    result = project.mkdocs()
    assert result.returncode != 0
    log = result.stdout + result.stderr
    assert "docs/index.md:3: 't.csv' from figures/table.py cannot be shown on a page" in log
    assert ".png, .gif" in log and ".md" in log


def _boxes(html: str) -> list[tuple[str, str]]:
    """(title, text) of each failure box on the page, in page order; text without tags."""
    found = re.findall(
        r'<div class="admonition failure">\s*<p class="admonition-title">(.*?)</p>(.*?)\n</div>',
        html,
        re.S,
    )
    return [(re.sub(r"<[^>]+>", "", t), re.sub(r"<[^>]+>", "", body).strip()) for t, body in found]


def _plain_build(project: Project, page: str, **failing: str) -> tuple[str, str]:
    """Scripts ``name.py`` raising RuntimeError(message) at line 2, ``page`` as docs/index.md.

    Returns the page's HTML after a plain (not strict) build, and the build's log.
    """
    for name, message in failing.items():
        project.script(f"{name}.py", f"x = 1\nraise RuntimeError({message!r})\n")
    project.write("docs/index.md", page)
    result = project.mkdocs(strict=False)
    assert result.returncode == 0, result.stderr
    return (project.root / "site/index.html").read_text(), result.stdout + result.stderr


def test_the_boxes_under_a_paragraph_follow_its_references_in_reading_order(project):
    page = "# Post\n\n![1](figures/one.py) then {{ two.py:n }} then ![3](figures/three.py).\n"
    html, _ = _plain_build(project, page, one="one", two="two", three="three")
    titles = [title for title, _ in _boxes(html)]
    assert titles == [
        "Figure not made: figures/one.py",
        "Value not computed: figures/two.py:n",
        "Figure not made: figures/three.py",
    ]


def _anchor_links(text: str) -> list[str]:
    return re.findall(r'<a href="#([^"]+)">see the error above</a>', text)


def test_a_script_referenced_three_times_shows_its_traceback_once(project):
    project.write("mkdocs.yml", MKDOCS_YML.format(timeout=60) + "validation:\n  anchors: warn\n")
    page = "# Post\n\n![A](figures/bad.py)\n\nProse.\n\n![B](figures/bad.py)\n\nIt is {{ bad.py:n }}.\n"
    html, log = _plain_build(project, page, bad="no data")
    boxes = _boxes(html)
    assert [title for title, _ in boxes] == [
        "Figure not made: figures/bad.py",
        "Figure not made: figures/bad.py",
        "Value not computed: figures/bad.py:n",
    ]
    assert boxes[0][1].startswith("docs/index.md:3: figure script figures/bad.py failed")
    assert html.count('bad.py", line 2, in') == 1  # one traceback on the page
    first = re.search(r'<p class="admonition-title"><span id="([^"]+)"></span>Figure not', html)
    assert first, html
    for _, text in boxes[1:]:
        assert text == "The script failed: see the error above."
    assert _anchor_links(html) == [first[1], first[1]]
    assert html.count(f'id="{first[1]}"') == 1
    # The log is as before: one warning naming every place; MkDocs finds the anchor.
    assert log.count("WARNING") == 1, log
    assert "docs/index.md:3, 7, 9: figure script" in log


def test_each_failing_script_gets_a_full_box_of_its_own(project):
    page = "# Post\n\n![A](figures/one.py)\n\n![B](figures/two.py)\n\n![C](figures/one.py)\n"
    html, _ = _plain_build(project, page, one="first trouble", two="second trouble")
    boxes = _boxes(html)
    assert len(boxes) == 3
    assert "RuntimeError: first trouble" in boxes[0][1]
    assert "RuntimeError: second trouble" in boxes[1][1]
    assert boxes[2] == (
        "Figure not made: figures/one.py",
        "The script failed: see the error above.",
    )
    assert html.count('one.py", line 2, in') == html.count('two.py", line 2, in') == 1
    # Only one.py's box is linked to; two.py's stands alone, with no id.
    ids = re.findall(r'<span id="([^"]+)"></span>Figure not made: figures/one.py', html)
    assert len(ids) == 1 and html.count("<span id=") == 1
    assert _anchor_links(html) == ids


@pytest.mark.parametrize("gap", ["", "\n"], ids=["no-gap", "blank-line"])
def test_a_failed_figure_keeps_its_caption_off_the_paragraph_above(project, gap):
    page = f"# Post\n\nProse.\n\n![A](figures/bad.py)\n{gap}/// caption\nThe bad figure.\n///\n"
    html, _ = _plain_build(project, page, bad="no data")
    assert "<p>Prose.</p>" in html  # not made a captioned figure
    captioned = re.search(
        r"<figure[^>]*>\s*<p><em>\(figure not made\)</em></p>\s*<figcaption>", html
    )
    assert captioned, html
    assert [title for title, _ in _boxes(html)] == ["Figure not made: figures/bad.py"]


def test_a_missing_script_referenced_twice_is_not_said_to_have_failed(project):
    page = "# Post\n\n![A](figures/gone.py)\n\n![B](figures/gone.py)\n"
    html, _ = _plain_build(project, page)
    boxes = _boxes(html)
    assert "figure script figures/gone.py does not exist" in boxes[0][1]
    assert boxes[1][1] == "Same error as an earlier reference: see the error above."


def test_a_failure_names_a_few_places_page_by_page_then_how_many_more():
    from figblog.engine.refs import ValueRef
    from figblog.engine.render import _places

    refs = [ValueRef("docs/a.md", n, 0, 1, "s.py", "x") for n in (3, 3, 7, 9)]
    refs += [ValueRef("docs/b.md", n, 0, 1, "s.py", "x") for n in range(1, 31)]
    assert _places(refs[:3]) == "docs/a.md:3, 7"
    assert _places(refs) == "docs/a.md:3, 7, 9, docs/b.md:1, 2, 3 and 27 more"
