"""The site's math font in Chromium, on a machine that has no math font of its own.

Without an OpenType MATH font, Chromium draws a display sum at text size with its limits
touching it. With the site's font the operator is large and the limits stand clear above
and below it; pages without maths never download the font.
"""

from __future__ import annotations

import pytest
from PIL import Image
from tests.e2e.conftest import SCREENSHOTS, VIEWPORT

pytestmark = [pytest.mark.site, pytest.mark.browser]

FAMILY = "figblog math"

# The boxes of a display sum (a munderover whose base is U+2211), of a fraction in the same
# formula and of the formula itself, once the page's fonts have loaded.
MEASURE_JS = """async () => {
  await document.fonts.ready;
  const box = (e) => { const b = e.getBoundingClientRect();
    return {left: b.left, right: b.right, top: b.top, bottom: b.bottom, height: b.height}; };
  const sum = [...document.querySelectorAll('math[display="block"] munderover')]
    .find((m) => m.firstElementChild.textContent.trim() === "\\u2211");
  if (!sum) return null;
  const math = sum.closest("math");
  const frac = math.querySelector("mfrac");
  const [op, under, over] = [...sum.children].map(box);
  return {
    op, under, over,
    numerator: frac && box(frac.children[0]),
    denominator: frac && box(frac.children[1]),
    fontSize: parseFloat(getComputedStyle(math).fontSize),
    fontFamily: getComputedStyle(math).fontFamily,
    faces: [...document.fonts].map((f) => [f.family.replace(/"/g, ""), f.status]),
  };
}"""


def _centre(box: dict) -> float:
    return (box["left"] + box["right"]) / 2


@pytest.fixture(scope="module")
def sum_page(pages_with) -> str:
    found = pages_with("<munderover><mo>∑</mo>", missing="no page has a display sum")
    return found[0]


@pytest.fixture(scope="module")
def measured(browser, base_url, sum_page) -> dict:
    """The sum's layout in the light scheme, and a screenshot of the formula to look at."""
    context = browser.new_context(viewport=VIEWPORT, color_scheme="light")
    try:
        page = context.new_page()
        page.goto(base_url + sum_page, wait_until="load")
        found = page.evaluate(MEASURE_JS)
        assert found is not None, f"{sum_page}: no display sum in the rendered page"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        formula = page.locator('math[display="block"]:has(munderover)').first
        formula.scroll_into_view_if_needed()
        formula.screenshot(path=SCREENSHOTS / "math-font-sum.png")
    finally:
        context.close()
    return found


def test_math_font_is_loaded_and_a_fraction_stacks_numerator_over_denominator(measured):
    assert measured["fontFamily"].startswith(f'"{FAMILY}"'), measured["fontFamily"]
    assert [FAMILY, "loaded"] in measured["faces"], measured["faces"]
    num, den = measured["numerator"], measured["denominator"]
    assert num is not None, "the formula with the sum has no fraction"
    assert num["bottom"] <= den["top"], measured
    assert abs(_centre(num) - _centre(den)) <= 1, measured


def test_math_font_display_sum_has_a_large_operator(measured):
    # A display-style sum is drawn with the font's larger variant: well above the text size.
    # The system fallback draws it at about 0.95 em.
    assert measured["op"]["height"] >= 1.25 * measured["fontSize"], measured


def test_math_font_sum_limits_stand_above_and_below_the_operator(measured):
    op, under, over = measured["op"], measured["under"], measured["over"]
    assert under["top"] >= op["bottom"] + 1, f"lower limit not below the sum: {measured}"
    assert over["bottom"] <= op["top"] - 1, f"upper limit not above the sum: {measured}"
    for limit in (under, over):  # centred on the operator, not beside it
        assert op["left"] <= _centre(limit) <= op["right"], measured


def _font_requests(browser: object, url: str) -> list[str]:
    context = browser.new_context(viewport=VIEWPORT, color_scheme="light")
    requested: list[str] = []
    try:
        page = context.new_page()
        page.on("request", lambda r: r.url.endswith(".woff2") and requested.append(r.url))
        page.goto(url, wait_until="load")
        page.wait_for_load_state("networkidle")
    finally:
        context.close()
    return requested


def test_math_font_is_downloaded_only_by_pages_with_maths(browser, base_url, pages, pages_with):
    with_maths = set(pages_with("<math"))
    assert with_maths, "no page has maths"
    # Notebook pages get their MathML from a hook that runs after the plugin's conversion.
    assert with_maths == set(pages_with('id="figblog-math-font"'))
    without = [p for p in pages if p not in with_maths]
    assert without, "every page has maths"
    for url in sorted(with_maths)[:2]:
        fonts = _font_requests(browser, base_url + url)
        assert len(fonts) == 1 and "/assets/fonts/" in fonts[0], f"{url}: {fonts}"
    for url in without:
        assert _font_requests(browser, base_url + url) == [], f"{url} loads a font"


def test_square_roots_draw_their_radical_sign(browser, base_url, pages_with):
    # A <msqrt> has no radical in its text: the font must hold one, or Chromium leaves a gap
    # where the sign goes and "the root of 5" reads as 5.
    page_url = pages_with("<msqrt", missing="no page has a square root")[0]
    context = browser.new_context(viewport=VIEWPORT, color_scheme="light")
    try:
        page = context.new_page()
        page.goto(base_url + page_url, wait_until="load")
        page.evaluate("document.fonts.ready")
        root = page.locator("msqrt").first
        root.scroll_into_view_if_needed()
        gap = root.evaluate(
            "e => e.firstElementChild.getBoundingClientRect().left - e.getBoundingClientRect().left"
        )
        shot = SCREENSHOTS / "math-font-sqrt.png"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        root.screenshot(path=shot)
    finally:
        context.close()
    assert gap > 2, f"{page_url}: no room for a radical sign ({gap} px)"
    image = Image.open(shot).convert("L")
    sign = image.crop((0, 0, int(gap), image.height))
    ink = sum(sign.point(lambda v: 255 if v < 128 else 0).histogram()[255:])
    assert ink >= 10, f"{page_url}: the radical sign is not drawn ({ink} dark pixels), see {shot}"
