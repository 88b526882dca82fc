"""Run a real `mkdocs serve` and watch, in Chromium, for an image's pixels to change.

For the serve tests and the serve latency benchmark: what counts is when the
new figure is on screen, not when the server says it rebuilt.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page

__all__ = ["LiveServe", "close_page", "image_digest", "wait_for", "wait_for_change"]

# A digest of the decoded pixels of the first image matching the selector, or null
# while the page (re)loads or the image has not decoded yet.
_DIGEST_JS = """(selector) => {
  const img = document.querySelector(selector);
  if (!img || !img.complete || !img.naturalWidth) return null;
  const canvas = document.createElement("canvas");
  canvas.width = img.naturalWidth;
  canvas.height = img.naturalHeight;
  const ctx = canvas.getContext("2d");
  ctx.drawImage(img, 0, 0);
  const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  let h = 0;
  for (let i = 0; i < data.length; i++) h = (Math.imul(h, 31) + data[i]) >>> 0;
  return h.toString(16) + "/" + canvas.width + "x" + canvas.height;
}"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate: object, seconds: float = 90, step: float = 0.05) -> bool:
    """Call ``predicate`` until it is true or ``seconds`` pass; return whether it became true."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(step)
    return False


class LiveServe:
    """`mkdocs serve` of the project in ``root`` on a free port, its log in ``log_path``."""

    def __init__(self, root: Path, env: dict[str, str] | None = None) -> None:
        self.root = Path(root)
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log_path = self.root / "serve.log"
        self.env = {**(env or os.environ), "NO_MKDOCS_2_WARNING": "1"}
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> LiveServe:
        with open(self.log_path, "w") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{self.port}"],
                cwd=self.root,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=self.env,
            )
        if not wait_for(lambda: "Serving on" in self.log(), seconds=300, step=0.2):
            self.__exit__(None, None, None)
            raise RuntimeError(f"mkdocs serve did not start:\n{self.log()}")
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def log(self) -> str:
        """Everything the server printed so far."""
        try:
            return self.log_path.read_text()
        except OSError:
            return ""

    def get(self, path: str = "") -> str:
        """The page at ``path`` as served now ("" when the request fails)."""
        try:
            with urllib.request.urlopen(self.url + path, timeout=30) as resp:
                return resp.read().decode()
        except OSError:
            return ""

    def idle(self, settle: float = 1.0) -> None:
        """Wait until the log has not grown for ``settle`` seconds (no build under way)."""
        size = -1
        while True:
            now = len(self.log())
            if now == size:
                return
            size = now
            time.sleep(settle)


def image_digest(page: Page, selector: str) -> str | None:
    """A digest of the pixels ``selector``'s image shows now, or None while it loads."""
    try:
        return page.evaluate(_DIGEST_JS, selector)
    except Exception:  # noqa: BLE001 - the page is navigating (live reload): not there yet
        return None


def close_page(page: Page) -> None:
    """Close a page that a live reload may be navigating, and its browser context.

    Chromium can drop a page's close that races a navigation commit, and
    ``page.close()``, which has no timeout, then waits forever
    (microsoft/playwright#42366): it hung two CI runs right after the server's last
    "Reloading browsers", the second even after a navigation to about:blank. So the
    page is left for about:blank (no live-reload script to start another navigation),
    then its whole context is disposed of, which ends its pages without asking each to
    close. Pages here come from ``browser.new_page()``: one context each.
    """
    try:
        page.goto("about:blank", timeout=10_000)
    except Exception:  # noqa: BLE001 - closing is what matters; try it anyway
        pass
    page.context.close()


def wait_for_change(page: Page, selector: str, old: str, seconds: float = 120) -> float | None:
    """Poll the image's pixels until they differ from ``old``; return the time.monotonic()."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        digest = image_digest(page, selector)
        if digest is not None and digest != old:
            return time.monotonic()
        time.sleep(0.01)
    return None
