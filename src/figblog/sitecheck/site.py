"""Build the site into a folder, serve a folder on 127.0.0.1, and list the pages it holds."""

from __future__ import annotations

import gzip
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

__all__ = ["REPO", "build_site", "find_pages", "is_post", "serve"]

REPO = Path(__file__).resolve().parents[3]

# Material's blog writes a post to blog/<yyyy>/<mm>/<dd>/<slug>/ (post_url_format "{date}/{slug}").
_POST = re.compile(r"(^|/)\d{4}/\d{2}/\d{2}/[^/]+/$")
_COMPRESSIBLE = frozenset({".html", ".css", ".js", ".json", ".xml", ".svg", ".txt", ".map"})


def build_site(dest: Path, config: Path | None = None, *, timeout: float = 1800) -> Path:
    """Run ``mkdocs build --strict`` with ``config`` (the repo's by default) into ``dest``.

    The build runs in the config's folder, so it reuses that project's figure cache.
    Raise RuntimeError with the end of MkDocs' log when the build fails.
    """
    config = (config or REPO / "mkdocs.yml").resolve()
    if not config.is_file():
        raise ValueError(f"no MkDocs config at {config}")
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config)]
    cmd += ["-d", str(Path(dest).resolve())]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(
        cmd, cwd=config.parent, env=env, capture_output=True, text=True, timeout=timeout
    )
    if done.returncode != 0:
        raise RuntimeError(f"mkdocs build --strict failed:\n{done.stderr[-6000:]}")
    return Path(dest)


class _QuietHandler(SimpleHTTPRequestHandler):
    """Serve files without a log line per request."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - base signature
        """Say nothing: the tests record requests in the browser."""


class _GzipHandler(_QuietHandler):
    """Gzip text files for clients that accept it, as GitHub Pages does."""

    def do_GET(self) -> None:
        """Send a text file gzipped when the client accepts gzip; anything else as usual."""
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?", 1)[0].endswith("/"):
            path = path / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and path.is_file() and path.suffix in _COMPRESSIBLE):
            super().do_GET()
            return
        body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    """A threading server that takes a client hanging up mid-file as the client's business."""

    def handle_error(self, request: object, client_address: object) -> None:
        """Print nothing for a dropped connection (a browser cancelling an image); else as usual."""
        if isinstance(sys.exc_info()[1], ConnectionError):  # BrokenPipe, ConnectionReset
            return
        super().handle_error(request, client_address)


@contextmanager
def serve(directory: Path, *, compress: bool = False) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 at a free port; yield its base URL (ending in /).

    ``compress=True`` gzips HTML, CSS, JavaScript, JSON, XML and SVG for clients that accept
    it, like the static host the site is published on, so page weights are realistic.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise ValueError(f"cannot serve {directory}: not a folder")
    handler = partial(_GzipHandler if compress else _QuietHandler, directory=str(directory))
    server = _Server(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def find_pages(site_dir: Path) -> list[str]:
    """Site-relative URLs of every page (each ``index.html``), sorted: ``""``, ``"blog/"``, ..."""
    site_dir = Path(site_dir)
    pages = []
    for index in site_dir.rglob("index.html"):
        rel = index.parent.relative_to(site_dir).as_posix()
        pages.append("" if rel == "." else rel + "/")
    return sorted(pages)


def is_post(url: str) -> bool:
    """Whether a site-relative page URL is a blog post (not an index, archive or category)."""
    return bool(_POST.search(url))
