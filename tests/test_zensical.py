"""The Zensical adapter inside real Zensical builds (the pinned .venv-zensical) of tiny projects."""

from __future__ import annotations

import dataclasses
import re
import subprocess
from pathlib import Path

import pytest

from conftest import PLOT, REPO, Project, _env
from figblog.adapters.published import Options
from figblog.adapters.zensical_settings import FigblogError, options_from
from figblog.mkdocs_plugin import FiguresConfig

ZENSICAL = REPO / ".venv-zensical" / "bin"

ZENSICAL_YML = """\
INHERIT: mkdocs.yml
markdown_extensions:
  - pymdownx.arithmatex:
      generic: true
  - figblog.adapters.zensical
"""

POST = """\
---
title: A post
---

# A post

The answer is ![](figures/answer.py#answer.md), and $x^2$ is maths.

![A small plot](figures/plot.py#plot.png){ .show-source }
/// caption
A caption.
///
"""

BROKEN = """\
x = 1
y = {}["missing"]
"""


@pytest.fixture
def zproject(project: Project) -> Project:
    if not (ZENSICAL / "zensical").is_file():
        pytest.fail("no .venv-zensical: run `make site-zensical` (make test does)", pytrace=False)
    project.write("zensical.yml", ZENSICAL_YML)
    project.script("plot.py", PLOT)
    project.script("answer.py", "open('answer.md', 'w').write('**42**\\n')\n")
    return project


def _run(project: Project, *cmd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ZENSICAL / cmd[0]), *cmd[1:]],
        cwd=project.root,
        capture_output=True,
        text=True,
        timeout=300,
        env=_env(project),
    )


def _prepare(project: Project) -> subprocess.CompletedProcess[str]:
    return _run(project, "python", "-m", "figblog.adapters.zensical", "-f", "zensical.yml")


def _zensical(project: Project) -> subprocess.CompletedProcess[str]:
    return _run(project, "zensical", "build", "-f", "zensical.yml")


def test_a_post_gets_both_variants_text_source_caption_and_mathml(zproject):
    zproject.write("docs/post.md", POST)
    prepared = _prepare(zproject)
    assert prepared.returncode == 0, prepared.stderr
    assert "files published in docs/generated/" in prepared.stdout
    built = _zensical(zproject)
    assert built.returncode == 0, built.stderr + built.stdout
    html = (zproject.root / "site" / "post" / "index.html").read_text()
    imgs = re.findall(r"<img [^>]*>", html)
    srcs = [re.search(r'src="([^"#]+)#only-(light|dark)"', i) for i in imgs]
    assert [s[2] for s in srcs if s] == ["light", "dark"], imgs
    for found in srcs:
        assert re.fullmatch(r"\.\./generated/figures/plot/plot\.[0-9a-f]{8}\.\w+\.png", found[1])
        assert (zproject.root / "site" / "post" / found[1]).is_file()
    assert all('alt="A small plot"' in i and 'width="200"' in i for i in imgs)
    assert "<figcaption>" in html and "A caption." in html
    assert "The answer is <strong>42</strong>" in html
    assert '<details class="example figblog-source">' in html and 'download="plot.py"' in html
    assert "<math" in html and "\\(x^2\\)" not in html


def test_a_failing_script_stops_both_steps_naming_post_line_and_script_line(zproject):
    zproject.script("broken.py", BROKEN)
    zproject.write("docs/post.md", POST + "\n![A broken figure](figures/broken.py)\n")
    for step in (_prepare, _zensical):
        result = step(zproject)
        out = result.stderr + result.stdout
        assert result.returncode != 0, out
        assert "docs/post.md:14" in out, out  # the reference's line, front matter counted
        assert "figures/broken.py" in out and "line 2" in out and "KeyError" in out, out
        # Said once: no panic of Zensical's, no "No issues found", no traceback around it.
        assert out.count("docs/post.md:14") == 1, out
        assert "panicked" not in out and "No issues" not in out, out
        assert "Traceback (most recent call last)" not in out and "RuntimeError" not in out, out
    assert not (zproject.root / "site" / "post" / "index.html").exists()


def test_with_fail_on_error_off_a_script_referenced_twice_shows_one_traceback(zproject):
    """The adapter renders with the MkDocs plugin's code: the second box links to the first."""
    zproject.write(
        "zensical.yml",
        ZENSICAL_YML.replace(
            "  - figblog.adapters.zensical\n",
            "  - figblog.adapters.zensical:\n      fail_on_error: false\n",
        ),
    )
    zproject.script("broken.py", BROKEN)
    zproject.write("docs/post.md", "# Post\n\n![A](figures/broken.py)\n\n![B](figures/broken.py)\n")
    built = _zensical(zproject)
    assert built.returncode == 0, built.stderr + built.stdout
    html = (zproject.root / "site" / "post" / "index.html").read_text()
    assert html.count('class="admonition failure"') == 2
    assert html.count('broken.py", line 2, in') == 1
    first = re.search(r'<span id="([^"]+)"></span>Figure not made: figures/broken.py', html)
    assert first and f'The script failed: <a href="#{first[1]}">see the error above</a>.' in html


def test_an_image_without_alt_text_stops_the_build(zproject):
    zproject.write("docs/post.md", "# Post\n\n![](figures/plot.py#plot.png)\n")
    result = _prepare(zproject)
    assert result.returncode == 1
    assert "docs/post.md:3" in result.stderr and "no alt text" in result.stderr


def test_mkdocs_leaves_the_generated_folder_to_zensical(zproject):
    """The MkDocs build of the same project publishes its own copies, not docs/generated/."""
    zproject.write("mkdocs.yml", (zproject.root / "mkdocs.yml").read_text() + EXCLUDE)
    zproject.write("docs/post.md", POST.replace(", and $x^2$ is maths", ""))
    assert _prepare(zproject).returncode == 0
    assert any((zproject.root / "docs" / "generated").rglob("*.png"))
    result = zproject.mkdocs()
    assert result.returncode == 0, result.stderr
    assert not (zproject.root / "site" / "generated").exists()
    assert any((zproject.root / "site" / "assets" / "figures").rglob("*.png"))


EXCLUDE = "exclude_docs: |\n  /generated/\n"


def test_zensical_alone_on_a_fresh_checkout_fails_then_the_next_build_is_whole(zproject):
    """Files published during the build come after Zensical listed the docs folder."""
    zproject.write("docs/post.md", POST)
    first = _zensical(zproject)
    assert first.returncode != 0
    assert "python -m figblog.adapters.zensical" in first.stderr + first.stdout
    second = _zensical(zproject)
    assert second.returncode == 0, second.stderr
    html = (zproject.root / "site" / "post" / "index.html").read_text()
    src = re.search(r'src="\.\./(generated/figures/plot/[^"#]+)#only-light"', html)
    assert src and (zproject.root / "site" / src[1]).is_file()


def test_the_adapter_has_the_mkdocs_plugins_defaults():
    """An option left out of mkdocs.yml means the same to both builders."""
    plugin = FiguresConfig()
    plugin.load_dict({})
    errors, _ = plugin.validate()
    assert not errors
    shared = [f.name for f in dataclasses.fields(Options) if f.name in plugin]
    assert {"figures_dir", "cache_dir", "jobs", "timeout", "max_output_mb"} <= set(shared)
    options = Options(Path("."))
    for name in shared:
        assert getattr(options, name) == plugin[name], name


def test_the_adapter_checks_its_options_as_the_plugin_does():
    assert options_from(Path("."), "docs", {"narrow_width": 800}).narrow_width == 800
    for key, bad, says in [
        ("narrow_width", 300, "'narrow_width' of figblog.adapters.zensical must be at least 360"),
        ("min_text_px", -1, "option 'min_text_px' of figblog.adapters.zensical cannot be -1"),
        ("timeout", float("nan"), "option 'timeout' of figblog.adapters.zensical cannot be nan"),
        ("jobs", "2", "option 'jobs' of figblog.adapters.zensical cannot be '2'"),
    ]:
        with pytest.raises(FigblogError, match=re.escape(says)):
            options_from(Path("."), "docs", {key: bad})


@pytest.mark.parametrize(
    ("front", "says"),
    [
        (
            "date: 2026-01-02\ncategories:\n  - Machine Learning\n",
            "docs/blog/posts/p.md:4: category 'Machine Learning' is not in the blog's "
            "categories_allowed (mkdocs.yml): did you mean 'Machine learning'?",
        ),
        ("date: 2026-13-02\n", "docs/blog/posts/p.md:2: the date is no date"),
    ],
)
def test_the_first_step_refuses_a_post_the_blog_would_with_its_line(zproject, front, says):
    """Zensical stops on these with a traceback naming neither the line nor the fix."""
    blog = "  - blog:\n      categories_allowed:\n        - Machine learning\n"
    yml = (zproject.root / "mkdocs.yml").read_text()
    zproject.write("mkdocs.yml", yml.replace("plugins:\n", "plugins:\n" + blog))
    zproject.write("docs/blog/index.md", "# Blog\n")
    zproject.write("docs/blog/posts/p.md", f"---\n{front}---\n\n# P\n\nText.\n")
    result = _prepare(zproject)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 problem with the posts' front matter; the site was not built" in result.stderr
    assert says in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert zproject.runs() == []  # before any script ran


def test_a_value_in_front_matter_is_refused_since_zensical_would_show_it_as_written(zproject):
    zproject.script("v.py", "from figblog.values import publish\npublish(n=3)\n")
    zproject.write("docs/post.md", "---\ndescription: It took {{ v.py:n }} steps.\n---\n\n# P\n")
    result = _prepare(zproject)
    assert result.returncode == 1
    assert "docs/post.md:2: a value in the front matter is left as written here" in result.stderr
