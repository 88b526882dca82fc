"""The math font: installed from npm, copied into the site, loaded only by pages with maths."""

from __future__ import annotations

import re
import shutil

import pytest
from fontTools.ttLib import TTFont
from tests.conftest import REPO

from figblog.math_font import FAMILY, add_font, find_font

FONT = REPO / "node_modules" / "@fontsource" / "noto-sans-math" / "files"
WOFF2 = FONT / "noto-sans-math-latin-400-normal.woff2"

MKDOCS_YML = """\
site_name: math font test
plugins:
  - figblog-mathml:
      font: {font}
markdown_extensions:
  - pymdownx.arithmatex:
      generic: true
"""


@pytest.fixture(scope="module")
def woff2() -> object:
    if not WOFF2.is_file():
        pytest.fail(f"{WOFF2} is missing: run `npm ci` in {REPO} (make test does)")
    return WOFF2


def test_the_font_is_named_by_a_hash_of_its_bytes(woff2, tmp_path):
    copy = tmp_path / "files" / woff2.name
    copy.parent.mkdir()
    shutil.copyfile(woff2, copy)
    first = find_font(copy).url
    assert re.fullmatch(r"assets/fonts/noto-sans-math-latin-400-normal\.[0-9a-f]{8}\.woff2", first)
    copy.write_bytes(copy.read_bytes() + b"\0")
    assert find_font(copy).url != first


def test_a_missing_or_wrong_font_says_how_to_install_it(tmp_path):
    with pytest.raises(ValueError, match=r"is not installed: run `npm ci`"):
        find_font(tmp_path / "nothing.woff2")
    fake = tmp_path / "fake.woff2"
    fake.write_bytes(b"<html>not a font</html>")
    with pytest.raises(ValueError, match=r"fake\.woff2 is not a WOFF2 file"):
        find_font(fake)


def test_only_a_page_with_maths_gets_the_font_face(woff2):
    font = find_font(woff2)
    plain = "<html><head><title>t</title></head><body><p>no formulas</p></body></html>"
    assert add_font(plain, "blog/post/", font) == plain
    maths = plain.replace("no formulas", "<math><mi>x</mi></math>")
    out = add_font(maths, "blog/post/", font)
    head = out[: out.index("</head>")]
    assert f'font-family:"{FAMILY}";src:url("../../{font.url}") format("woff2")' in head
    assert "font-display:swap" in head and f'math{{font-family:"{FAMILY}",math}}' in head
    assert add_font(out, "blog/post/", font) == out  # applied once


def test_the_build_ships_the_font_and_links_it_from_maths_pages_only(project, woff2):
    project.write("mkdocs.yml", MKDOCS_YML.format(font=woff2))
    project.write("docs/index.md", "# Home\n\nNo formulas here.\n")
    project.write("docs/sum.md", "# Sum\n\n$$\n\\sum_{i=1}^n x_i\n$$\n")
    done = project.mkdocs()
    assert done.returncode == 0, done.stderr
    site = project.root / "site"
    shipped = list((site / "assets" / "fonts").glob("*.woff2"))
    assert len(shipped) == 1
    # The font is cut down to the formulas' characters: the sum, the italic x, i and n.
    font = TTFont(shipped[0])
    assert "MATH" in font
    cmap = font.getBestCmap()
    for char in "\u2211=1\U0001d465\U0001d456\U0001d45b":
        assert ord(char) in cmap, f"{char!r} missing from the shipped font"
    assert ord("\u222b") not in cmap  # an integral: not in this site's formulas
    assert shipped[0].stat().st_size < woff2.stat().st_size / 10
    assert (site / "assets" / "fonts" / "noto-sans-math-latin-400-normal.LICENSE.txt").is_file()
    sum_page = (site / "sum" / "index.html").read_text("utf-8")
    assert f'url("../assets/fonts/{shipped[0].name}")' in sum_page
    assert "figblog-math-font" not in (site / "index.html").read_text("utf-8")


def test_a_font_that_is_not_installed_stops_the_build_with_the_fix(project):
    project.write("mkdocs.yml", MKDOCS_YML.format(font="node_modules/missing/math.woff2"))
    project.write("docs/index.md", "# Home\n")
    done = project.mkdocs()
    assert done.returncode != 0
    assert "figblog-mathml: the math font" in done.stderr
    assert "node_modules/missing/math.woff2 is not installed: run `npm ci`" in done.stderr


def test_maths_added_after_the_font_was_cut_is_a_warning_naming_the_page(project, woff2):
    # A hook that writes a formula into the page after MkDocs' on_env, when the cut is made.
    project.write(
        "late.py",
        """\
        def on_post_page(output, page, config):
            return output.replace("<p>late</p>", "<math><mo>\\u222b</mo></math>")
        """,
    )
    project.write("mkdocs.yml", MKDOCS_YML.format(font=woff2) + "hooks:\n  - late.py\n")
    project.write("docs/sum.md", "# Sum\n\n$$\n\\sum_{i=1}^n x_i\n$$\n\nlate\n")
    done = project.mkdocs()
    assert done.returncode != 0
    assert "sum.md: the math font was cut down before these characters" in done.stderr
    assert "\u222b" in done.stderr
