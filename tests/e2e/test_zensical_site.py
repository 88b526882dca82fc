"""The whole site built by Zensical (zensical.yml, .venv-zensical) passes the figure checks.

Built once for this module (about 3 s on a warm figure cache) into site-zensical/, the way
`make site-zensical` builds it: figures first, then `zensical build`. Checked as the MkDocs
build is: every image and link resolves, every image is sized and has an alt text, every
visible image decodes in Chromium in both schemes and only the scheme's own variant shows,
maths is MathML with no TeX left; and every post shows as many figures as under MkDocs.
The notebook page is MkDocs' only (Zensical copies the .ipynb as a file).
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from figblog.sitecheck import (
    LOAD_IMAGES_JS,
    REPO,
    broken_links,
    find_pages,
    is_post,
    keep_local,
    scan_page,
    serve,
    unsized_images,
)

from .conftest import SCHEMES, VIEWPORT

pytestmark = [pytest.mark.site, pytest.mark.browser]

BIN = REPO / ".venv-zensical" / "bin"
_TEX = re.compile(r'class="arithmatex">\s*\\[(\[]')


@pytest.fixture(scope="module")
def zsite():
    """site-zensical/, built now: the figure step, then ``zensical build``."""
    if not (BIN / "zensical").is_file():
        pytest.fail("no .venv-zensical: run `make site-zensical` (make test does)", pytrace=False)
    site = REPO / "site-zensical"
    shutil.rmtree(site, ignore_errors=True)
    for cmd in (
        [BIN / "python", "-m", "figblog.adapters.zensical", "-f", "zensical.yml"],
        [BIN / "zensical", "build", "-f", "zensical.yml"],
    ):
        done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=1800)
        if done.returncode != 0:
            pytest.fail(f"{cmd[-3:]} failed:\n{done.stderr[-6000:]}", pytrace=False)
    return site


@pytest.fixture(scope="module")
def zposts(zsite):
    found = [p for p in find_pages(zsite) if is_post(p)]
    assert len(found) >= 4, f"Zensical built too few posts: {found}"
    return found


def _images(site, page):
    return scan_page(site / page / "index.html").images


def test_every_link_and_image_of_the_zensical_site_resolves(zsite, site_url_config):
    problems = broken_links(zsite, site_url_config)
    assert not problems, f"{len(problems)} broken:\n" + "\n".join(map(str, problems))


def test_every_image_is_sized_and_described(zsite, zposts):
    problems = unsized_images(zsite)
    assert not problems, "\n".join(map(str, problems))
    for post in zposts:
        images = _images(zsite, post)
        assert images, f"{post}: no image"
        assert all(img.get("alt", "").strip() for img in images), f"{post}: an empty alt text"


def test_each_post_shows_the_figures_it_shows_under_mkdocs(zsite, zposts, site_dir, posts):
    assert sorted(zposts) == sorted(posts)
    for post in posts:
        mkdocs = [i["src"].rsplit("/", 1)[-1] for i in _images(site_dir, post)]
        zensical = [i["src"].rsplit("/", 1)[-1] for i in _images(zsite, post)]
        assert zensical == mkdocs, post  # same files (names carry the bytes' hash), same order
        html = (zsite / post / "index.html").read_text("utf-8")
        assert "Figure not made" not in html and "Value not computed" not in html
        assert "{{" not in re.sub(r"<(pre|code)\b.*?</\1>", "", html, flags=re.S), post


def test_maths_is_mathml_with_no_tex_left(zsite):
    pages = [p for p in find_pages(zsite) if 'class="arithmatex"' in _html(zsite, p)]
    assert pages, "no page of the Zensical site has maths"
    for page in pages:
        html = _html(zsite, page)
        assert "<math" in html and not _TEX.search(html), f"{page}: TeX left unconverted"


def _html(site, page):
    return (site / page / "index.html").read_text("utf-8")


@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_figure_decodes_and_only_the_schemes_variant_shows(browser, zsite, zposts, scheme):
    mine, other = ("light", "dark") if scheme == "light" else ("dark", "light")
    with serve(zsite) as base:
        for post in zposts:
            context = browser.new_context(viewport=VIEWPORT, color_scheme=scheme)
            offsite, failed = [], []
            keep_local(context, offsite)
            page = context.new_page()
            page.on("response", lambda r, f=failed: r.status >= 400 and f.append(r.url))
            page.goto(base + post, wait_until="load")
            shown = page.evaluate(LOAD_IMAGES_JS)
            context.close()
            assert not failed, f"{post} [{scheme}]: failed requests {failed}"
            assert not offsite, f"{post} [{scheme}]: requests to other hosts {offsite}"
            assert shown and all(img["naturalWidth"] for img in shown), f"{post}: {shown}"
            srcs = [img["src"] for img in shown]
            assert any(s.endswith(f"#only-{mine}") for s in srcs), f"{post}: no {mine} figure"
            assert not any(s.endswith(f"#only-{other}") for s in srcs), f"{post}: {other} shown"
