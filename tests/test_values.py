"""Values that scripts publish, put inside sentences: syntax, formats, errors, cache, real builds."""

from __future__ import annotations

import json
import re

import pytest

from conftest import COUNT, MKDOCS_YML, PLOT, Project
from figblog.engine.refs import scan_values
from figblog.values import Value, format_value, publish

# -- the syntax ---------------------------------------------------------------------------


def test_references_are_found_with_their_place_and_format():
    text = "Intro\n\nIt ran {{ sheet.py:epochs }} epochs at {{sub/a.py:lr|.1e}}.\n"
    refs, errors = scan_values(text, "post.md")
    assert errors == []
    first, second = refs
    assert (first.line, first.script, first.name, first.fmt) == (3, "sheet.py", "epochs", None)
    assert (second.script, second.name, second.fmt) == ("sub/a.py", "lr", ".1e")
    line = text.split("\n")[2]
    assert line[first.start : first.end] == "{{ sheet.py:epochs }}"
    assert line[second.start : second.end] == "{{sub/a.py:lr|.1e}}"


def test_code_and_other_double_braces_are_left_alone():
    text = (
        "```\n{{ a.py:x }}\n```\n"
        "Write `{{ b.py:x }}` like this; $\\frac{{a}}{b}$ and {{ not a reference }}.\n"
    )
    assert scan_values(text, "p.md") == ([], [])


@pytest.mark.parametrize(
    "bad", ["{{ sheet.py }}", "{{ sheet.py:2x }}", "{{ ../up.py:x }}", "{{ sheet.py:x | a | b }}"]
)
def test_a_malformed_reference_is_an_error_with_its_line(bad):
    refs, errors = scan_values(f"# T\n\nSee {bad} here.\n", "post.md")
    assert refs == []
    (error,) = errors
    assert str(error).startswith(f"post.md:3: badly formed value reference {bad!r}")
    assert "{{ <script>.py:<name> }}" in error.message


def test_an_unclosed_reference_is_an_error_that_shows_it():
    refs, errors = scan_values("# T\n\nSee {{ sheet.py:x\n\nhere }}.\n", "post.md")
    assert refs == []
    (error,) = errors
    assert str(error).startswith("post.md:3: value reference not closed '{{ sheet.py:x'")


@pytest.mark.parametrize(
    ("bad", "meant"),
    [
        ("{{ rainfall:total }}", "{{ rainfall.py:total }}"),
        ("{{ rainfall.pyy:total | .1f }}", "{{ rainfall.py:total }}"),
        ("{{sub/runs:n}}", "{{ sub/runs.py:n }}"),
    ],
)
def test_a_reference_whose_script_lacks_py_is_an_error_not_text(bad, meant):
    refs, errors = scan_values(f"# T\n\nIn total {bad} mm.\n", "post.md")
    assert refs == []
    assert [str(e) for e in errors] == [
        f"post.md:3: {bad!r} is no value reference: the script's name ends in '.py', "
        f"as in '{meant}'"
    ]


@pytest.mark.parametrize(
    ("bad", "meant"),
    [
        ("{{ temps .py:warmest }}", "{{ temps.py:warmest }}"),
        ("{{temps .py:warmest}}", "{{ temps.py:warmest }}"),
        ("{{ rain fall.py:total | .1f }}", "{{ rainfall.py:total }}"),
        ("{{ sub/ runs.py }}", "{{ sub/runs.py:<name> }}"),
    ],
)
def test_a_script_name_with_a_space_is_an_error_not_text(bad, meant):
    """Not published as it stands, with nothing said, even by the strict build."""
    refs, errors = scan_values(f"# T\n\nIn total {bad} mm.\n", "post.md")
    assert refs == []
    assert [str(e) for e in errors] == [
        f"post.md:3: {bad!r} is no value reference: a script's name holds no spaces, "
        f"as in '{meant}'"
    ]


def test_spaces_around_the_parts_of_a_value_reference_are_allowed():
    refs, errors = scan_values("A {{  temps.py :  warmest  |  .1f  }} b.\n", "post.md")
    assert errors == [] and [(r.script, r.name, r.fmt) for r in refs] == [
        ("temps.py", "warmest", ".1f")
    ]


# -- formats ------------------------------------------------------------------------------


def test_formats_by_spec_template_and_words():
    assert format_value(0.0001, ".4f") == "0.0001"
    assert format_value(0.0001, ".1e") == "1.0e-04"
    assert format_value(27648, ",d") == "27,648"
    assert format_value(3.25, "{:.1f} km") == "3.2 km"
    assert format_value(0.01, None) == "0.01" and format_value(51, None) == "51"
    assert format_value(40, "words") == "forty" and format_value(88, "Words") == "Eighty-eight"
    assert format_value(1168, "words") == "one thousand one hundred and sixty-eight"
    with pytest.raises(ValueError, match="whole numbers"):
        format_value(2.5, "words")


def test_publish_merges_calls_and_refuses_what_a_post_cannot_show(tmp_path, monkeypatch):
    import numpy as np

    monkeypatch.chdir(tmp_path)
    publish(epochs=np.int64(51), lr=Value(0.0001, fmt=".4f"))
    publish(label="ten")
    stored = json.loads((tmp_path / "values.json").read_text())
    assert stored == {
        "epochs": {"value": 51, "fmt": None},
        "label": {"value": "ten", "fmt": None},
        "lr": {"value": 0.0001, "fmt": ".4f"},
    }
    with pytest.raises(ValueError, match="lr: format '.2d'"):
        publish(lr=Value(0.5, fmt=".2d"))
    with pytest.raises(TypeError, match="publish a number or a string"):
        publish(path=[1, 2])
    with pytest.raises(ValueError, match="not a finite number"):
        publish(bad=float("nan"))


# -- in real MkDocs builds ----------------------------------------------------------------

SCRIPT = (
    PLOT
    + """\
from figblog.values import Value, publish
publish(epochs={epochs}, lr=Value(0.0001, fmt=".4f"), weights=Value(27648, fmt=",d"))
"""
)

POST = """\
# Values

The sheet runs {{ v.py:epochs }} epochs at a rate of {{ v.py:lr }}, or {{ v.py:lr | .1e }}.
The input holds {{ v.py:weights }} numbers; the syntax is `{{ v.py:epochs }}`.

| epochs | rate |
|--------|------|
| {{ v.py:epochs | Words }} | {{ v.py:lr | .0e }} |

![A plot over {{ v.py:epochs }} epochs](figures/v.py#plot.png)
"""


def _site(project: Project) -> str:
    return (project.root / "site" / "index.html").read_text()


@pytest.fixture
def valued(project: Project) -> Project:
    project.write("mkdocs.yml", MKDOCS_YML.format(timeout=60) + "  - tables\n")
    project.script("v.py", SCRIPT.format(epochs=51))
    project.write("docs/index.md", POST)
    return project


def test_values_go_into_sentences_tables_and_alt_texts(valued):
    result = valued.mkdocs()
    assert result.returncode == 0, result.stderr
    html = _site(valued)
    assert "The sheet runs 51 epochs at a rate of 0.0001, or 1.0e-04." in html
    assert "The input holds 27,648 numbers; the syntax is <code>{{ v.py:epochs }}</code>." in html
    assert "<td>Fifty-one</td>\n<td>1e-04</td>" in html
    imgs = re.findall(r"<img [^>]*>", html)
    assert len(imgs) == 2 and all('alt="A plot over 51 epochs"' in i for i in imgs)
    assert "{{" not in html.replace("<code>{{ v.py:epochs }}</code>", "")
    # The values file is an output like any other, but no page shows it: not published.
    assert not list((valued.root / "site").rglob("values*.json"))


def test_a_changed_script_changes_the_value_and_an_unchanged_one_runs_nothing(valued):
    assert valued.mkdocs().returncode == 0
    assert len(valued.runs()) == 2
    result = valued.mkdocs()
    assert result.returncode == 0 and len(valued.runs()) == 2  # cached: nothing ran
    valued.script("v.py", SCRIPT.format(epochs=60))
    result = valued.mkdocs()
    assert result.returncode == 0, result.stderr
    assert len(valued.runs()) == 4
    html = _site(valued)
    assert "The sheet runs 60 epochs" in html and "<td>Sixty</td>" in html
    assert "51" not in re.sub(r"<[^>]+>", "", html)


def test_a_script_referenced_only_by_values_runs(project):
    project.script("only.py", COUNT + "from figblog.values import publish\npublish(n=7)\n")
    project.write("docs/index.md", "# T\n\nSeven is {{ only.py:n }}.\n")
    result = project.mkdocs()
    assert result.returncode == 0, result.stderr
    assert "Seven is 7." in _site(project) and len(project.runs()) == 2


def test_a_missing_name_names_the_post_the_line_and_what_is_published(valued):
    front = (
        "---\ntitle: Values\n---\n"  # front matter: line numbers still count from the file's top
    )
    valued.write("docs/index.md", front + POST + "\nAnd {{ v.py:epoch }} typo.\n")
    result = valued.mkdocs()
    assert result.returncode != 0
    assert (
        "docs/index.md:15: figure script figures/v.py publishes no value 'epoch'; "
        "it publishes: epochs, lr, weights"
    ) in result.stderr
    result = valued.mkdocs(strict=False)
    assert result.returncode == 0
    html = _site(valued)
    assert "(value not computed: v.py:epoch)" in html
    assert "Value not computed: figures/v.py:epoch" in html  # the box under the paragraph
    assert "docs/index.md:15: figure script figures/v.py publishes no value" in html


def test_a_bad_format_in_a_reference_and_a_script_that_publishes_nothing(project):
    project.script("plot.py", PLOT)
    project.script("v.py", "from figblog.values import publish\npublish(name='bees')\n")
    project.write(
        "docs/index.md",
        "# T\n\n![x](figures/plot.py)\n\nA {{ plot.py:n }} and {{ v.py:name | .2f }}.\n",
    )
    result = project.mkdocs()
    assert result.returncode != 0
    assert "docs/index.md:5: figure script figures/plot.py publishes no values" in result.stderr
    assert (
        "docs/index.md:5: value 'name' of figures/v.py ('bees') cannot be formatted with '.2f'"
    ) in result.stderr


def test_a_failing_script_reports_its_own_error(project):
    project.script("v.py", "from figblog.values import publish\nraise RuntimeError('no data')\n")
    project.write("docs/index.md", "# T\n\nIt is {{ v.py:n }} and {{ v.py:m }}.\n")
    result = project.mkdocs()
    assert result.returncode != 0
    assert "docs/index.md:3: " in result.stderr
    assert "RuntimeError: no data" in result.stderr and "figures/v.py" in result.stderr


def test_serve_rebuilds_the_page_when_a_value_changes(valued):
    """The fast path of `mkdocs serve` patches only pictures: new values need the pages again."""
    from conftest import _env
    from figblog.sitecheck.live import LiveServe, wait_for

    with LiveServe(valued.root, _env(valued)) as serve:
        assert wait_for(lambda: "runs 51 epochs" in serve.get(), seconds=60), serve.log()
        serve.idle()
        valued.script("v.py", SCRIPT.format(epochs=52))
        assert wait_for(lambda: "runs 52 epochs" in serve.get(), seconds=60), serve.log()
        assert "figures/v.py wrote new text in values.json; rebuilding the site" in serve.log(), (
            serve.log()
        )


def test_a_value_with_a_bar_stays_in_its_table_cell(project):
    project.write("mkdocs.yml", MKDOCS_YML.format(timeout=60) + "  - tables\n")
    project.script("pv.py", "from figblog.values import publish\npublish(alt='loss | accuracy')\n")
    project.write(
        "docs/index.md",
        "# T\n\n| what | which |\n|---|---|\n| metrics | {{ pv.py:alt }} |\n\n"
        "In a sentence: {{ pv.py:alt }}.\n",
    )
    result = project.mkdocs()
    assert result.returncode == 0, result.stderr
    html = _site(project)
    assert "<td>metrics</td>\n<td>loss | accuracy</td>" in html, html
    assert "In a sentence: loss | accuracy." in html


def test_a_title_and_description_in_front_matter_get_their_values(project: Project):
    """The theme's <title>, the nav, the description meta tag (and the feed, the cards)."""
    project.write("mkdocs.yml", MKDOCS_YML.format(timeout=60) + "theme:\n  name: material\n")
    project.script("v.py", COUNT + "from figblog.values import publish\npublish(loss=0.4031)\n")
    project.write("docs/index.md", "# Home\n")
    post = "---\ntitle: Loss at {{ v.py:loss | .2f }}\ndescription: It ends at {{ v.py:%s }}.\n"
    project.write("docs/post.md", post % "loss | .3f" + "---\n\n# Post\n\nBody.\n")
    result = project.mkdocs()
    assert result.returncode == 0, result.stderr
    html = (project.root / "site" / "post" / "index.html").read_text()
    assert "<title>Loss at 0.40 - test site</title>" in html
    assert '<meta name="description" content="It ends at 0.403.">' in html
    assert "Loss at 0.40" in (project.root / "site" / "index.html").read_text()  # the nav
    assert sorted(project.runs()) == ["v.py:dark", "v.py:light"]
    # A name the script does not publish: the strict build stops at the line.
    project.write("docs/post.md", post % "los" + "---\n\n# Post\n\nBody.\n")
    result = project.mkdocs()
    assert result.returncode != 0
    assert "docs/post.md:3: figure script figures/v.py publishes no value 'los'" in result.stderr
