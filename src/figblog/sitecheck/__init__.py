"""Check the built site as a reader gets it: build, serve locally, resolve links, drive Chromium."""

from __future__ import annotations

from figblog.sitecheck.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DRAW_ALL_CSS,
    LOAD_IMAGES_JS,
    SCROLL_THROUGH_JS,
    keep_local,
    launch,
)
from figblog.sitecheck.links import (
    PageScan,
    Problem,
    broken_links,
    check_ref,
    resolve,
    scan_page,
    unsized_images,
)
from figblog.sitecheck.site import REPO, build_site, find_pages, is_post, serve

__all__ = [
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "DRAW_ALL_CSS",
    "LOAD_IMAGES_JS",
    "REPO",
    "SCROLL_THROUGH_JS",
    "PageScan",
    "Problem",
    "broken_links",
    "build_site",
    "check_ref",
    "find_pages",
    "is_post",
    "keep_local",
    "launch",
    "resolve",
    "scan_page",
    "serve",
    "unsized_images",
]
