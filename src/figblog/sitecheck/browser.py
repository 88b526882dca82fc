"""Drive Debian's Chromium with Playwright: launch it, keep it on 127.0.0.1, load every image.

Playwright cannot download its own browser here, so it drives ``/usr/bin/chromium``
(``make browser`` installs it). Playwright is a development dependency: this module imports
it only inside the functions that need it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Playwright, Route

__all__ = [
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "LOAD_IMAGES_JS",
    "SCROLL_THROUGH_JS",
    "keep_local",
    "launch",
]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
_LOCAL_HOSTS = frozenset({"127.0.0.1"})

# Scroll each rendered image into view (they are loading="lazy"), wait until it is decoded
# or has failed (at most 10 s each), then scroll back; return what each image shows.
LOAD_IMAGES_JS = """async () => {
  const shown = [];
  for (const img of Array.from(document.images)) {
    if (!img.checkVisibility()) continue;
    img.scrollIntoView({block: "center"});
    const settled = img.decode().catch(() => undefined);
    const timeout = new Promise((done) => setTimeout(done, 10000));
    await Promise.race([settled, timeout]);
    shown.push({src: img.currentSrc || img.src, naturalWidth: img.naturalWidth,
                complete: img.complete});
  }
  window.scrollTo(0, 0);
  return shown;
}"""

# Scroll down a screen at a time, as a reader does, so that what builds itself on sight (the
# spreadsheet widget) is built; then back to the top. For full-page screenshots.
SCROLL_THROUGH_JS = """async () => {
  const pause = () => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 50)));
  for (let y = 0; y < document.documentElement.scrollHeight; y += window.innerHeight) {
    window.scrollTo(0, y);
    await pause();
  }
  window.scrollTo(0, 0);
  await pause();
}"""

# Blocks far from the screen are drawn only when scrolled near (content-visibility in the
# site's CSS): a picture of the whole page, or a measure of what lies below, needs them all.
DRAW_ALL_CSS = "* { content-visibility: visible !important; }"


def launch(playwright: Playwright) -> Browser:
    """Start headless Chromium from Debian; raise RuntimeError when it is not installed."""
    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} is missing: run `make browser` to install Chromium")
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=list(CHROMIUM_ARGS)
    )


def keep_local(context: BrowserContext, offsite: list[str]) -> None:
    """Abort each request of ``context`` that leaves 127.0.0.1; append its URL to ``offsite``."""

    def handle(route: Route) -> None:
        url = route.request.url
        if urlsplit(url).hostname in _LOCAL_HOSTS:
            route.continue_()
        else:
            offsite.append(url)
            route.abort("blockedbyclient")

    context.route("**/*", handle)
