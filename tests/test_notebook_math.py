"""figblog.notebook_math: TeX in notebook Markdown cells becomes MathML; code and prose stay."""

from __future__ import annotations

import pytest

from figblog.notebook_math import render_cell_math

CELL = '<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown jp-MarkdownOutput">{}</div>'


def test_inline_and_display_formulas_become_mathml() -> None:
    out = render_cell_math(CELL.format("<p>Fit $y = mx + b$:</p><p>$$e = (mx + b - y)^2$$</p>"))
    assert "$" not in out
    assert out.count('<span class="arithmatex"><math') == 2
    assert 'display="block"' in out and 'display="inline"' in out


def test_html_escapes_are_undone_before_conversion() -> None:
    out = render_cell_math(CELL.format("<p>$a &lt; b$</p>"))
    assert "<mo>&#x0003C;</mo>" in out and "&amp;" not in out and "<mi>l</mi>" not in out


@pytest.mark.parametrize(
    "body",
    [
        "<p>It costs $5 and $6 today.</p>",  # money, not maths
        "<p>Write <code>$x$</code> for maths.</p>",  # code is shown as typed
        "<pre>echo $HOME $PATH</pre>",
    ],
)
def test_text_that_is_not_maths_is_left_alone(body: str) -> None:
    assert render_cell_math(CELL.format(body)) == CELL.format(body)


def test_only_notebook_markdown_cells_are_touched() -> None:
    page = "<script>const s = `${a}$`;</script><p>$x$</p>"
    assert render_cell_math(page) == page


def test_a_formula_that_cannot_be_parsed_is_kept_and_reported(caplog) -> None:
    out = render_cell_math(CELL.format(r"<p>$\frac{1}{$ and $x$</p>"), "nb.ipynb")
    assert "$x$" not in out  # the good one is converted
    assert any("nb.ipynb" in r.getMessage() for r in caplog.records)
