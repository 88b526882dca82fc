"""Run a real `mkdocs serve` and watch, in Chromium, for an image's pixels to change.

For the serve tests and the serve latency benchmark: what counts is when the
new figure is on screen, not when the server says it rebuilt.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from figblog.sitecheck.browser import CHROMIUM, CHROMIUM_ARGS

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserType, Page

__all__ = ["LiveServe", "image_digest", "own_browser", "wait_for", "wait_for_change"]

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


@contextlib.contextmanager
def own_browser(browser_type: BrowserType) -> Iterator[Browser]:
    """A Chromium of its own for pages that live reloads navigate, ended by killing it.

    Playwright's calls that close a page or a browser context have no timeout, and
    Chromium can drop a close that races a navigation commit (microsoft/playwright#42366):
    with a live-reloading page it hung CI runs three times, after the server's last
    "Reloading browsers", first in ``page.close()``, even after a navigation to
    about:blank, then in ``context.close()``. So this browser is a process started here
    and reached over CDP, and at the end the process group is killed, then Playwright's
    connection dropped: nothing waits on Chromium. ``browser_type`` is Playwright's
    ``chromium`` (``browser.browser_type`` of another browser will do).
    """
    port = _free_port()
    profile = tempfile.mkdtemp(prefix="figblog-chromium-")
    proc = subprocess.Popen(
        [
            str(CHROMIUM),
            "--headless",
            f"--remote-debugging-port={port}",
            f"--user-data-dir={profile}",
            *CHROMIUM_ARGS,
            "about:blank",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its helpers share its group, killed with it
    )
    browser = None
    try:
        endpoint = f"http://127.0.0.1:{port}"
        if not wait_for(lambda: _answers(endpoint + "/json/version"), seconds=60, step=0.1):
            raise RuntimeError(f"{CHROMIUM} did not open its debugging port {port}")
        browser = browser_type.connect_over_cdp(endpoint, timeout=60_000)
        yield browser
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        if browser is not None:
            with contextlib.suppress(Exception):  # the other end is gone: nothing to wait for
                browser.close()
        shutil.rmtree(profile, ignore_errors=True)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return resp.status == 200
    except OSError:
        return False


def wait_for_change(page: Page, selector: str, old: str, seconds: float = 120) -> float | None:
    """Poll the image's pixels until they differ from ``old``; return the time.monotonic()."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        digest = image_digest(page, selector)
        if digest is not None and digest != old:
            return time.monotonic()
        time.sleep(0.01)
    return None
