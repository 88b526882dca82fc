"""Keep the image-zoom scripts from delaying the page's first paint.

mkdocs-glightbox puts ``<script src=".../glightbox.min.js">`` in ``<head>``, where the browser
must fetch and run it before it draws anything (Lighthouse counted ~0.6 s on a throttled
phone), and an inline ``<script id="init-glightbox">`` at the end of ``<body>`` that calls it.
This hook moves the library tag to just before the init script and defers it, and makes the
init script wait for ``DOMContentLoaded``, which fires after deferred scripts have run: the
same order of execution, nothing blocking the parser. Used as an MkDocs hook (``hooks:`` in
mkdocs.yml); pages without both tags are left as they are.
"""

from __future__ import annotations

import re

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

__all__ = ["move_lightbox_script", "on_post_page"]

_LIBRARY = re.compile(r'[ \t]*<script src="([^"]*/glightbox\.min\.js)"></script>\n?')
_INIT = re.compile(r'<script id="init-glightbox">(.*?)</script>', re.S)


def move_lightbox_script(html: str) -> str:
    """Return ``html`` with the glightbox library deferred beside its init script."""
    head_end = html.find("</head>")
    found = _LIBRARY.search(html, 0, head_end if head_end >= 0 else 0)
    init = _INIT.search(html)
    if found is None or init is None:
        return html
    library = f'<script src="{found[1]}" defer></script>\n'
    script = (
        '<script id="init-glightbox">document.addEventListener("DOMContentLoaded", () => {\n'
        f"{init[1].strip()}\n}});</script>"
    )
    return (
        html[: found.start()]
        + html[found.end() : init.start()]
        + library
        + script
        + html[init.end() :]
    )


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    """MkDocs hook: apply :func:`move_lightbox_script` to every page."""
    return move_lightbox_script(output)
