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


def test_an_opening_bracket_before_an_inline_formula_joins_its_box():
    page = SimpleNamespace(file=SimpleNamespace(src_uri="p.md"))
    html = '<p>sure and right (<span class="arithmatex">\\(p = 1\\)</span>), so</p>'
    out = MathMLPlugin().convert_page(html, page=page, config=None)
    assert out.startswith('<p>sure and right <span class="arithmatex">(<math')
    assert out.endswith("</math>),</span> so</p>")


def test_operator_names_are_spaced_as_tex_spaces_them():
    # At the start and before a bracket: no space (Chromium's default put one on each side).
    assert '<mo lspace="0" rspace="0">max</mo><mo stretchy="false">(</mo>' in to_mathml(
        r"\max(0, x)", display=False
    )
    # Between ordinary symbols: a thin space each side (latex2mathml gave "ylogp").
    assert '<mi>y</mi><mo lspace="0.1667em" rspace="0.1667em">log</mo><mi>p</mi>' in to_mathml(
        r"y \log p", display=False
    )
    # After a closing bracket, before an opening one; and with a subscript, on the whole.
    spaced = to_mathml(r"(1 - y)\log(1 - p) + \max_i(a)", display=False)
    assert '</mo><mo lspace="0.1667em" rspace="0">log</mo>' in spaced
    assert '<msub><mo lspace="0" rspace="0">max</mo><mi>i</mi></msub>' in spaced
    assert ">arg</mo>" in to_mathml(r"\arg\min_w L", display=False)  # not "\arg" as typed


def test_a_sign_after_an_operator_is_unary():
    # Between two operators the browser took it for a binary minus, with a gap each side.
    assert '<mo>=</mo><mo lspace="0" rspace="0">\u2212</mo><mfrac>' in to_mathml(
        r"L = -\frac{1}{n}", display=False
    )
    assert '<mo lspace="0" rspace="0">\u2212</mo><mi>x</mi>' in to_mathml(r"(-x)", display=False)
    assert to_mathml("a - b", display=False).count("lspace") == 0  # binary: left alone


def test_an_unknown_command_is_an_error_not_text_on_the_page():
    with pytest.raises(ValueError, match=r"formula '\\\\maxx \(0\)': unknown command \\maxx"):
        to_mathml(r"\maxx (0)", display=False)
    with pytest.raises(ValueError, match=r"unknown command \\q$"):
        to_mathml(r"a \q b", display=False)
    # A factorial ends a term: the minus after it is binary, left to the browser.
    assert "lspace" not in to_mathml("n! - 1", display=False)


def test_operator_names_sit_where_tex_puts_them_in_chromium(browser):
    start_math = to_mathml(r"\max(0, x)", display=False)
    between_math = to_mathml(r"y \log p", display=False)
    page = browser.new_page()
    try:
        page.set_content(
            f'<p style="font-size:40px"><span id="start">{start_math}</span> '
            f'<span id="between">{between_math}</span></p>'
        )
        start = page.evaluate(
            """() => { const m = document.querySelector('#start math');
            const name = m.querySelector('mo');
            return [name.getBoundingClientRect().left - m.getBoundingClientRect().left,
                    m.querySelectorAll('mo')[1].getBoundingClientRect().left
                    - name.getBoundingClientRect().right]; }"""
        )
        gaps = page.evaluate(
            """() => { const [y, log, p] = document.querySelectorAll('#between mi, #between mo');
            const r = (e) => e.getBoundingClientRect();
            return [r(log).left - r(y).right, r(p).left - r(log).right]; }"""
        )
    finally:
        page.close()
    assert start[0] < 0.5 and start[1] < 0.5  # no blank before "max" or between it and "("
    assert all(5 <= gap <= 8 for gap in gaps), gaps  # 0.1667em of 40px


def test_lines_a_browser_cannot_break_are_an_error_not_a_stray_ampersand():
    # latex2mathml leaves '&' as text and '\\' as a break that MathML Core does not draw.
    for latex in (r"\begin{aligned} a &= b \\ c &= d \end{aligned}", r"a = b \\ c = d"):
        with pytest.raises(ValueError, match="write each line as a formula of its own"):
            to_mathml(latex, display=True)
    assert "<mtable>" in to_mathml(r"\begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}", True)
