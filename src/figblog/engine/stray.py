"""Images that mean a figure script but do not name it the way the build reads.

Only an image whose address starts with the figures folder's name (``figures/x.py``,
relative to nothing) is made into a figure. An author who writes ``/figures/x.py``,
climbs out of the post's folder with ``../../../figures/x.py`` or spells the folder
``Figures/x.py`` gets no figure: MkDocs leaves the first as it is (a broken image in
the site, and only an INFO line) and says of the others only that the file is not
among the documentation files. This module recognises those forms, so the scanner
can say what to write instead.

It stays with what plainly targets the figures folder: addresses with a scheme
(``https://...``) are links elsewhere, and a relative address that does not lead
into the figures folder from the page may well be a file of the docs.
"""

from __future__ import annotations

import posixpath
import re

__all__ = ["stray_reference"]

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def stray_reference(src: str, page: str, prefix: str) -> str | None:
    """Why ``src`` names a figure script in a form the build ignores, or None.

    ``page`` is the page's path relative to the project root (so that ``../``
    can be followed from its folder) and ``prefix`` the figures folder, relative to
    the root too, as references start with it. The message says how to write it.
    """
    path, hashmark, output = src.partition("#")
    if not path.endswith(".py") or _SCHEME.match(path) or path.startswith("//"):
        return None
    folder = [part for part in prefix.split("/") if part]
    if not folder:
        return None
    wrong = []
    if path.startswith("/"):
        wrong.append("starts with '/'")
        target = posixpath.normpath(path[1:])
    elif ".." in path.split("/"):
        wrong.append("climbs out of the page's folder with '../'")
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
    else:
        target = path
    parts = target.split("/")
    head = parts[: len(folder)]
    if len(parts) <= len(folder) or _folded(head) != _folded(folder):
        return None  # not into the figures folder: perhaps a file of the docs
    if head != folder:
        wrong.append(f"spells the folder '{'/'.join(head)}' where it is '{'/'.join(folder)}'")
    if not wrong:
        return None  # already the right form; the scanner reads it
    fixed = "/".join([*folder, *parts[len(folder) :]]) + (f"#{output}" if hashmark else "")
    return (
        f"the image '{src}' names a figure script but {' and '.join(wrong)}, so it is no "
        f"figure reference and shows as a broken image: write '{fixed}' (the figures folder "
        "first, relative to nothing)"
    )


def _folded(parts: list[str]) -> list[str]:
    return [part.casefold() for part in parts]
