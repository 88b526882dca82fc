"""The built site, once per session: a strict build into a temporary folder, served on 127.0.0.1.

Browser fixtures drive Debian's Chromium through Playwright. ``visits(scheme)`` loads every
page once per colour scheme and records what went wrong; the tests in test_pages.py read
those records, so each page is loaded only twice in the whole session.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from figblog.sitecheck import (
    DRAW_ALL_CSS,
    LOAD_IMAGES_JS,
    REPO,
    SCROLL_THROUGH_JS,
    build_site,
    find_pages,
    is_post,
    keep_local,
    serve,
)

SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
VIEWPORT = {"width": 1280, "height": 900}
SCHEMES = ("light", "dark")


@dataclass
class Visit:
    """What happened while one page loaded in one colour scheme."""

    url: str
    scheme: str
    console_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    offsite: list[str] = field(default_factory=list)
    images: list[dict] = field(default_factory=list)


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built by ``mkdocs build --strict`` from the repo's config, reusing its caches.

    FIGBLOG_SITE_DIR=<folder> tests a site built before instead (e.g. the CI artifact).
    """
    prebuilt = os.environ.get("FIGBLOG_SITE_DIR")
    if prebuilt:
        if not (Path(prebuilt) / "index.html").is_file():
            pytest.fail(f"FIGBLOG_SITE_DIR={prebuilt} holds no built site", pytrace=False)
        return Path(prebuilt)
    try:
        return build_site(tmp_path_factory.mktemp("site"))
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="session")
def site_url_config() -> str:
    """The public ``site_url`` of mkdocs.yml (links to it are links into the site).

    As MkDocs reads it: ``SITE_URL`` from the environment when set, with a final slash.
    """
    from mkdocs.config import load_config

    site_url = load_config(str(REPO / "mkdocs.yml")).site_url
    assert site_url, "mkdocs.yml has no site_url"
    return site_url


@pytest.fixture(scope="session")
def pages(site_dir: Path) -> list[str]:
    """Every page of the built site, as URLs relative to its root."""
    found = find_pages(site_dir)
    assert "" in found and "blog/" in found, f"the site has no home or blog index: {found}"
    return found


@pytest.fixture(scope="session")
def posts(pages: list[str]) -> list[str]:
    """The blog posts among the pages."""
    return [p for p in pages if is_post(p)]


@pytest.fixture(scope="session")
def base_url(site_dir: Path) -> Iterator[str]:
    """The built site served by a threaded http.server on 127.0.0.1."""
    with serve(site_dir) as url:
        yield url


@pytest.fixture
def new_page(browser: object, base_url: str) -> Iterator[Callable[..., object]]:
    """Open a page of the site in a fresh context: ``new_page(url, scheme="light")``."""
    contexts = []

    def open_page(url: str, scheme: str = "light") -> object:
        context = browser.new_context(viewport=VIEWPORT, color_scheme=scheme)
        contexts.append(context)
        offsite: list[str] = []
        keep_local(context, offsite)
        page = context.new_page()
        page.goto(base_url + url, wait_until="load")
        return page

    yield open_page
    for context in contexts:
        context.close()


def _visit(browser: object, base_url: str, url: str, scheme: str) -> Visit:
    visit = Visit(url, scheme)
    context = browser.new_context(viewport=VIEWPORT, color_scheme=scheme)
    keep_local(context, visit.offsite)
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and visit.console_errors.append(m.text))
    page.on("pageerror", lambda exc: visit.console_errors.append(f"uncaught: {exc}"))
    # A request the browser cancels itself (net::ERR_ABORTED: a <picture> source it stopped
    # needing when the viewport's size was applied, or the page closing) is no fault of the
    # site; a missing file still fails here, as its 404 response below.
    page.on(
        "requestfailed",
        lambda r: (
            r.url not in visit.offsite
            and r.failure != "net::ERR_ABORTED"
            and visit.failed.append(f"{r.url} ({r.failure})")
        ),
    )
    page.on("response", lambda r: r.status >= 400 and visit.failed.append(f"{r.url} ({r.status})"))
    try:
        page.goto(base_url + url, wait_until="load")
        visit.images = page.evaluate(LOAD_IMAGES_JS)
        page.wait_for_load_state("networkidle")
        if is_post(url):
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            name = url.rstrip("/").rsplit("/", 1)[-1]
            page.evaluate(SCROLL_THROUGH_JS)
            page.add_style_tag(content=DRAW_ALL_CSS)  # blocks drawn only when near
            page.screenshot(path=SCREENSHOTS / f"{name}-{scheme}.png", full_page=True)
    finally:
        context.close()
    return visit


@pytest.fixture(scope="session")
def visits(browser: object, base_url: str, pages: list[str]) -> Callable[[str], list[Visit]]:
    """``visits(scheme)``: every page loaded once in that scheme (cached for the session)."""
    done: dict[str, list[Visit]] = {}

    def get(scheme: str) -> list[Visit]:
        if scheme not in done:
            for old in SCREENSHOTS.glob(f"*-{scheme}.png"):
                old.unlink()  # a screenshot from an earlier session proves nothing
            done[scheme] = [_visit(browser, base_url, url, scheme) for url in pages]
        return done[scheme]

    return get


@pytest.fixture(scope="session")
def pages_with(site_dir: Path, pages: list[str]) -> Callable[[str], list[str]]:
    """``pages_with(marker)``: the pages whose HTML contains the text ``marker``.

    ``pages_with(marker, missing="why")`` fails the calling test with that reason when no page
    has the marker: the site shows each of these features, so one that vanishes is a
    regression, not something to skip.
    """

    def find(marker: str, missing: str | None = None) -> list[str]:
        found = [p for p in pages if marker in (site_dir / p / "index.html").read_text("utf-8")]
        if not found and missing is not None:
            pytest.fail(f"no page has {marker!r}: {missing}")
        return found

    return find
