"""Static checks over a built site: every internal link and anchor resolves, every image is sized.

Pages are parsed with the standard library's ``html.parser``. A reference is internal when it
is relative, absolute on the site (``/assets/...``), or starts with the site's own URL; other
hosts are left alone (no network here). A fragment must name an ``id`` (or an ``<a name>``) in
the target page; fragments on non-HTML targets (``plot.png#only-dark``) are not anchors.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from figblog.image_sizes import picture_bytes, pixel_size

__all__ = [
    "PageScan",
    "Problem",
    "broken_links",
    "check_ref",
    "resolve",
    "scan_page",
    "unsized_images",
]

# Attributes that point at something the reader's browser fetches or follows.
_REF_ATTRS = {
    "a": ("href",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "script": ("src",),
    "source": ("src", "srcset"),
    "iframe": ("src",),
    "video": ("src", "poster"),
    "audio": ("src",),
}
_BASE = "http://site.invalid/"
_RATIO_TOLERANCE = 0.02


@dataclass(frozen=True)
class Problem:
    """One thing wrong on one page: the page's path in the site, what it refers to, and why."""

    page: str
    target: str
    reason: str

    def __str__(self) -> str:
        return f"{self.page}: {self.target} - {self.reason}"


@dataclass
class PageScan:
    """What one HTML file holds: the ids it defines, what it refers to, and its images."""

    ids: set[str] = field(default_factory=set)
    refs: list[str] = field(default_factory=list)
    images: list[dict[str, str]] = field(default_factory=list)


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scan = PageScan()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v for k, v in attrs if v is not None}
        if "id" in values:
            self.scan.ids.add(values["id"])
        if tag == "a" and "name" in values:
            self.scan.ids.add(values["name"])
        if tag == "img":
            self.scan.images.append(values)
        for attr in _REF_ATTRS.get(tag, ()):
            value = values.get(attr, "").strip()
            if not value:
                continue
            if attr == "srcset":
                self.scan.refs += [part.split()[0] for part in value.split(",") if part.strip()]
            else:
                self.scan.refs.append(value)

    handle_startendtag = handle_starttag


def scan_page(path: Path) -> PageScan:
    """Parse one HTML file."""
    scanner = _Scanner()
    scanner.feed(Path(path).read_text(encoding="utf-8", errors="replace"))
    scanner.close()
    return scanner.scan


def resolve(page: str, ref: str, site_url: str | None = None) -> tuple[str, str] | None:
    """Resolve ``ref`` written in the site file ``page`` to (site-relative file, fragment).

    Return None for references that leave the site (another host, ``mailto:``, ``data:``).
    The file is the one a static server returns: ``dir/`` means ``dir/index.html``.
    """
    root_path = urlsplit(site_url).path if site_url else "/"
    root_path = root_path if root_path.endswith("/") else root_path + "/"
    parts = urlsplit(ref)
    if parts.scheme in ("http", "https") or ref.startswith("//"):
        if not site_url or not ref.startswith(site_url.rstrip("/")):
            return None
        ref = root_path + ref[len(site_url.rstrip("/")) :].lstrip("/")
    elif parts.scheme:
        return None
    if ref.startswith("/"):
        if not ref.startswith(root_path):
            return (ref, "")  # absolute path outside the site's root: reported as missing
        ref = "/" + ref[len(root_path) :]
    joined = urlsplit(urljoin(_BASE + page, ref))
    path = unquote(joined.path).lstrip("/")
    if path == "" or path.endswith("/"):
        path += "index.html"
    return path, unquote(joined.fragment)


def broken_links(site_dir: Path, site_url: str | None = None) -> list[Problem]:
    """Every reference in every HTML file of ``site_dir`` whose file or anchor is missing."""
    site_dir = Path(site_dir)
    scans = _scanner(site_dir)
    problems = []
    for html in sorted(site_dir.rglob("*.html")):
        page = html.relative_to(site_dir).as_posix()
        for ref in scans(page).refs:
            problem = _check_ref(site_dir, page, ref, site_url, scans)
            if problem:
                problems.append(Problem(page, ref, problem))
    return problems


def check_ref(site_dir: Path, page: str, ref: str, site_url: str | None = None) -> str | None:
    """Why ``ref`` on ``page`` does not resolve in ``site_dir``, or None when it does."""
    return _check_ref(Path(site_dir), page, ref, site_url, _scanner(Path(site_dir)))


def _scanner(site_dir: Path) -> Callable[[str], PageScan]:
    @cache
    def scans(page: str) -> PageScan:
        return scan_page(site_dir / page)

    return scans


def _check_ref(
    site_dir: Path, page: str, ref: str, site_url: str | None, scans: Callable[[str], PageScan]
) -> str | None:
    resolved = resolve(page, ref, site_url)
    if resolved is None:
        return None
    path, fragment = resolved
    target = site_dir / path
    if target.is_dir():
        path, target = path + "/index.html", target / "index.html"
    if not target.is_file():
        return f"no file {path}"
    if fragment and target.suffix == ".html" and fragment not in scans(path).ids:
        return f"no id {fragment!r} in {path}"
    return None


def unsized_images(site_dir: Path) -> list[Problem]:
    """Images without width and height, or whose width:height is not the picture's own."""
    site_dir = Path(site_dir)
    problems = []
    for html in sorted(site_dir.rglob("*.html")):
        page = html.relative_to(site_dir).as_posix()
        for img in scan_page(html).images:
            src = img.get("src", "")
            shown = src if len(src) < 80 else src[:77] + "..."
            reason = _size_problem(site_dir, page, img)
            if reason:
                problems.append(Problem(page, shown, reason))
    return problems


def _size_problem(site_dir: Path, page: str, img: dict[str, str]) -> str | None:
    try:
        width, height = int(img["width"]), int(img["height"])
    except (KeyError, ValueError):
        return "no width and height attributes (the page jumps when it loads)"
    if width <= 0 or height <= 0:
        return f"width and height must be positive, not {width}x{height}"
    actual = _pixel_size(site_dir, page, img.get("src", ""))
    if actual is None:
        return None  # another host, or an SVG: nothing to compare with
    ratio, real = width / height, actual[0] / actual[1]
    if abs(ratio / real - 1) > _RATIO_TOLERANCE:
        return f"sized {width}x{height} but the picture is {actual[0]}x{actual[1]}"
    return None


def _pixel_size(site_dir: Path, page: str, src: str) -> tuple[int, int] | None:
    data = picture_bytes(src, page, site_dir)
    return pixel_size(data) if data else None
