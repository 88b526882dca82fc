"""Notebook pages lose nbconvert's unused CSS and scripts, and look exactly the same."""

from __future__ import annotations

import io
import re
import subprocess
import sys

import pytest

from conftest import REPO, Project, _env, notebook
from figblog.notebook_slim import move_images, prune_css, slim


def test_a_rule_keeps_the_selectors_that_need_no_jupyterlab_class_the_page_lacks():
    css = (
        ".jp-A .jp-B{color:red}.jp-A,.jp-Gone{margin:0}.jp-Gone{padding:0}"
        ".jp-A:not(.jp-Gone){top:0}p{left:0}.jp-A .md-typeset__scrollwrap{margin:0}"
    )
    # Material's script adds md-typeset__scrollwrap around tables: not on the page yet.
    assert prune_css(css, {"jp-A", "jp-B"}) == (
        ".jp-A .jp-B{color:red}.jp-A{margin:0}.jp-A:not(.jp-Gone){top:0}p{left:0}"
        ".jp-A .md-typeset__scrollwrap{margin:0}"
    )


def test_groups_are_pruned_inside_and_dropped_when_empty_other_at_rules_kept():
    css = (
        "@media (max-width: 10px){.lm-Gone{a:b}.jp-A{c:d}}@supports (x:y){.jp-Gone{e:f}}"
        '@font-face{font-family:"x{y}";src:url(a.woff2)}@charset "UTF-8";'
    )
    assert prune_css(css, {"jp-A"}) == (
        '@media (max-width: 10px){.jp-A{c:d}}@font-face{font-family:"x{y}";src:url(a.woff2)}'
        '@charset "UTF-8";'
    )


def test_a_selector_that_cannot_match_goes_and_strings_and_comments_are_not_rules():
    css = '.a :root{--x:1}:root{--y:2}/* .jp-Gone { */.a[title=".jp-Gone,{"]{content:"}"}'
    assert (
        prune_css(css, set()) == ':root{--y:2}/* .jp-Gone { */.a[title=".jp-Gone,{"]{content:"}"}'
    )


def _page(css: str, body: str) -> str:
    return f'<html><head><style>{css}</style></head><body><div class="jupyter-wrapper">{body}'


def test_unused_jupyterlab_properties_go_used_ones_stay_through_other_properties():
    css = (
        ".jupyter-wrapper{--jp-used:var(--jp-inner);--jp-inner:1px;--jp-unused:2px;"
        "--md-red-50:#fff;--md-typeset-a:3px;background:url(data:x;y)}"
        ".jupyter-wrapper .jp-Cell{margin:var(--jp-used)}"
    )
    html = slim(_page(css, '<div class="jp-Cell"></div>'))
    style = re.search(r"<style>(.*)</style>", html)[1]
    assert style == (
        ".jupyter-wrapper{--jp-used:var(--jp-inner);--jp-inner:1px;--md-typeset-a:3px;"
        "background:url(data:x;y)}.jupyter-wrapper .jp-Cell{margin:var(--jp-used)}"
    )


MATHJAX = """<!-- Load mathjax -->
<script src=""> </script>
<!-- MathJax configuration -->
<script type="text/x-mathjax-config">init_mathjax();</script>
<!-- End of mathjax configuration -->"""
MERMAID = """<script type="module">
  document.addEventListener("DOMContentLoaded", async () => {
    const diagrams = document.querySelectorAll(".jp-Mermaid > pre.mermaid");
    const mermaid = (await import("https://cdn.example/mermaid.mjs")).default;
  });
</script>"""


def test_the_dead_scripts_and_the_listed_style_go():
    html = slim(_page(".jupyter-wrapper{}", MATHJAX + MERMAID + "<style>\n['pre { }']\n</style>"))
    assert "mathjax" not in html.lower() and "<script" not in html and "['pre" not in html
    with_diagram = _page(".jp-Mermaid .jp-Gone{a:b}", MERMAID + '<div class="jp-Mermaid"></div>')
    assert slim(with_diagram) == with_diagram  # its script draws it, adding classes: all kept


def test_larger_data_images_become_one_file_each_linked_from_the_page(tmp_path):
    import base64

    plot = base64.b64encode(b"\x89PNG" + bytes(range(256)) * 10).decode()
    dot = base64.b64encode(b"tiny").decode()
    html = (
        f'<a href="data:image/png;base64,{plot}#figblog-invert-dark">'
        f'<img src="data:image/png;base64,{plot}"></a><img src="data:image/png;base64,{dot}">'
        '<img src="data:image/png;base64,!!notbase64!!' + "A" * 3000 + '">'
    )
    out = move_images(html, "notebooks/nb/", tmp_path)
    files = list((tmp_path / "assets" / "notebooks").iterdir())
    assert len(files) == 1 and files[0].read_bytes() == base64.b64decode(plot)
    link = f"../../assets/notebooks/{files[0].name}"
    assert out.startswith(f'<a href="{link}#figblog-invert-dark"><img src="{link}"></a>')
    assert f"data:image/png;base64,{dot}" in out and "!!notbase64!!" in out  # left inline
    assert move_images(html, "nb.html", tmp_path).count('"assets/notebooks/') == 2


CELLS = (
    (
        "markdown",
        "# Slim\n\nSome *text*, `code`, a [link](https://example.org) and a list:\n\n"
        "- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
    ),
    "import sys\nprint('printed', file=sys.stdout)\nprint('warned', file=sys.stderr)\n{'a': 1}",
    "from IPython.display import HTML\n"
    "HTML('<table><thead><tr><th>x</th><th>y</th></tr></thead>"
    "<tbody><tr><td>1</td><td>2</td></tr></tbody></table>')",
    "import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n"
    "%matplotlib inline\nfig, ax = plt.subplots(figsize=(3, 2))\nax.plot([0, 1, 0])\nplt.show()",
)

YML = """\
site_name: slim
theme:
  name: material
plugins:
  - mkdocs-jupyter:
      execute: true
hooks: [{hooks}]
"""


def _build(project: Project, hooks: str) -> str:
    project.write("mkdocs.yml", YML.format(hooks=hooks))
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q"],
        cwd=project.root,
        capture_output=True,
        text=True,
        timeout=300,
        env=_env(project),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return (project.root / "site" / "nb" / "index.html").read_text()


def test_a_slimmed_notebook_page_looks_exactly_as_before(project: Project, browser):
    pytest.importorskip("PIL")
    from PIL import Image, ImageChops

    project.write("docs/index.md", "# Home\n")
    project.write("docs/nb.ipynb", notebook(*CELLS))
    whole = _build(project, "")
    slimmed = _build(project, str(REPO / "src" / "figblog" / "notebook_slim.py"))
    assert len(slimmed) < len(whole) / 2, (len(slimmed), len(whole))
    assert "data:image/png" in whole and "data:image/png" not in slimmed  # the plot: a file
    shots = {}
    for name, html in (("whole", whole), ("slim", slimmed)):
        (project.root / "site" / "nb" / "index.html").write_text(html)
        for width in (1200, 390):
            for scheme in ("default", "slate"):
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.goto((project.root / "site" / "nb" / "index.html").as_uri())
                page.evaluate(f"document.body.setAttribute('data-md-color-scheme', '{scheme}')")
                page.evaluate("document.fonts.ready")
                shots[name, width, scheme] = page.screenshot(full_page=True)
                page.close()
    for width in (1200, 390):
        for scheme in ("default", "slate"):
            before = Image.open(io.BytesIO(shots["whole", width, scheme])).convert("RGB")
            after = Image.open(io.BytesIO(shots["slim", width, scheme])).convert("RGB")
            assert before.size == after.size, (width, scheme)
            assert ImageChops.difference(before, after).getbbox() is None, (width, scheme)
