"""The math font cut down to the characters of the site's formulas (figblog.math_subset)."""

from __future__ import annotations

import pytest
from fontTools.ttLib import TTFont
from tests.conftest import REPO

from figblog.math_subset import italic_form, math_chars, subset_font
from figblog.mathml import to_mathml

WOFF2 = REPO / "node_modules" / "@fontsource" / "noto-sans-math" / "files"
WOFF2 = WOFF2 / "noto-sans-math-latin-400-normal.woff2"


@pytest.fixture(scope="module")
def woff2() -> object:
    if not WOFF2.is_file():
        pytest.fail(f"{WOFF2} is missing: run `npm ci` in {REPO} (make test does)")
    return WOFF2


def test_letters_have_their_mathematical_italic_forms():
    assert italic_form("x") == "\U0001d465"
    assert italic_form("A") == "\U0001d434"
    assert italic_form("h") == "\u210e"  # the one Latin letter outside the block
    assert italic_form("\u03b7") == "\U0001d702"  # eta
    assert italic_form("\u2202") == "\U0001d715"  # partial differential
    assert italic_form("2") is None and italic_form("+") is None


def test_math_chars_reads_the_drawn_text_of_math_elements_only():
    page = (
        "<p>text outside: Q</p>"
        + to_mathml(r"\sum_{i=1}^n \sigma(x_i) < \mathrm{RMSE}", display=True)
        + "<math><mi>&#x003B7;</mi></math>"
    )
    chars = math_chars(page)
    assert "Q" not in chars
    assert {"\u2211", "1", "<", "(", ")", "R", "M", "S", "E"} <= chars
    # single-letter identifiers are drawn italic, in forms from another Unicode block
    assert {"\U0001d456", "\U0001d45b", "\U0001d465", "\U0001d70e", "\U0001d702"} <= chars
    assert "\U0001d445" not in chars  # R is upright (mathvariant="normal")


def test_a_square_root_keeps_its_radical_sign_and_its_taller_variants(woff2, tmp_path):
    chars = math_chars(to_mathml(r"\sqrt{\frac{1}{n} \sum_i x_i^2}", display=True))
    assert "\u221a" in chars  # drawn by <msqrt>, not written in its text
    assert "\u221a" not in math_chars(to_mathml(r"\frac{1}{n}", display=True))
    cut = TTFont(subset_font(woff2, chars, tmp_path))
    radical = cut.getBestCmap()[0x221A]
    variants = cut["MATH"].table.MathVariants
    index = variants.VertGlyphCoverage.glyphs.index(radical)
    sizes = variants.VertGlyphConstruction[index].MathGlyphVariantRecord
    assert len(sizes) > 1 and all(r.VariantGlyph in cut.getGlyphOrder() for r in sizes)


def test_the_cut_font_keeps_the_glyphs_and_the_sums_display_variants(woff2, tmp_path):
    chars = math_chars(to_mathml(r"\sum_{i=1}^n x_i", display=True))
    path = subset_font(woff2, chars, tmp_path)
    full, cut = TTFont(woff2), TTFont(path)
    assert {ord(c) for c in chars} <= set(cut.getBestCmap())
    assert len(cut.getGlyphOrder()) < len(full.getGlyphOrder()) / 10
    # The display sum is a larger glyph that the MATH table lists as a variant of the sum.
    variants = cut["MATH"].table.MathVariants
    sum_glyph = cut.getBestCmap()[0x2211]
    index = variants.VertGlyphCoverage.glyphs.index(sum_glyph)
    sizes = variants.VertGlyphConstruction[index].MathGlyphVariantRecord
    assert len(sizes) > 1 and all(r.VariantGlyph in cut.getGlyphOrder() for r in sizes)


def test_the_cut_is_cached_and_the_same_bytes_each_time(woff2, tmp_path):
    first = subset_font(woff2, "x+1", tmp_path / "a")
    mtime = first.stat().st_mtime_ns
    assert subset_font(woff2, "1+x", tmp_path / "a") == first  # same set, any order
    assert first.stat().st_mtime_ns == mtime  # not made again
    again = subset_font(woff2, "x+1", tmp_path / "b")
    assert again.read_bytes() == first.read_bytes()
    assert subset_font(woff2, "x+2", tmp_path / "a") != first
