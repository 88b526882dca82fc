"""LaTeX to MathML at build time."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from figblog.mathml import MathMLPlugin, to_mathml


def test_inline_and_display_formulas_become_mathml():
    page = SimpleNamespace(file=SimpleNamespace(src_uri="p.md"))
    html = (
        '<p>Mean <span class="arithmatex">\\(\\bar{x} &lt; 1\\)</span>.</p>'
        '<div class="arithmatex">\n\\[\nL = \\frac{1}{n}\\sum_i e_i^2\n\\]\n</div>'
    )
    out = MathMLPlugin().convert_page(html, page=page, config=None)
    assert "\\(" not in out and "\\[" not in out
    assert out.count("<math") == 2 and 'display="block"' in out
    assert "<mo>&#x0003C;</mo>" in out or "<mo>&lt;</mo>" in out


def test_a_broken_formula_is_a_clear_error():
    with pytest.raises(ValueError, match=r"cannot render the formula '\\\\left\( x'"):
        to_mathml("\\left( x", display=False)


def test_a_broken_formula_on_a_page_is_left_as_is_with_a_warning(caplog):
    page = SimpleNamespace(file=SimpleNamespace(src_uri="blog/p.md"))
    html = '<span class="arithmatex">\\(x^\\)</span>'
    assert MathMLPlugin().convert_page(html, page=page, config=None) == html
    assert "blog/p.md: cannot render the formula 'x^'" in caplog.text


def test_punctuation_after_an_inline_formula_joins_its_box():
    page = SimpleNamespace(file=SimpleNamespace(src_uri="p.md"))
    html = (
        '<p>a ReLU, <span class="arithmatex">\\(\\max(0, x)\\)</span>, which; '
        'then <span class="arithmatex">\\(y\\)</span> and <span class="arithmatex">\\(z\\)</span>).'
        "</p>"
    )
    out = MathMLPlugin().convert_page(html, page=page, config=None)
    assert out.count("</math>,</span> which;") == 1  # the comma, not the text after it
    assert "</math></span> and" in out  # nothing to join
    assert out.endswith("</math>).</span></p>")
