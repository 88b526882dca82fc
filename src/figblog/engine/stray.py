"""Images that mean a figure script but do not name it the way the build reads.

Only a Markdown image written inline, ``![alt](figures/x.py)``, whose address starts
with the figures folder's name (relative to nothing) is made into a figure. An author
who writes ``/figures/x.py`` or ``./figures/x.py``, climbs out of the post's folder
with ``../../../figures/x.py`` or spells the folder ``Figures/x.py`` gets no figure:
MkDocs leaves the first as it is (a broken image in the site, and only an INFO line)
and says of the others only that the file is not among the documentation files. The
same goes for an HTML ``<img src="figures/x.py">`` and a reference-style image,
``![alt][fig]`` with ``[fig]: figures/x.py`` below. This module recognises those
forms, so the scanner can say what to write instead.

It stays with what plainly targets the figures folder: addresses with a scheme
(``https://...``) are links elsewhere, and a relative address that does not lead
into the figures folder from the page may well be a file of the docs.
"""

from __future__ import annotations

import posixpath
import re

__all__ = ["html_images", "reference_images", "stray_reference"]

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_HTML_IMG = re.compile(
    r"<img\b[^>]*?\bsrc\s*=\s*(?:\"(?P<dq>[^\"]*)\"|'(?P<sq>[^']*)'|(?P<bare>[^\s>]+))",
    re.IGNORECASE,
)
# [label]: address, a link reference definition (its title, if any, is of no matter).
_DEFINITION = re.compile(r"^\s*\[(?P<label>[^\]]+)\]:\s*<?(?P<src>[^\s>]+)")
# ![alt][label], ![alt][] and ![alt] (which take their label from the alt text).
_REF_IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\](?:[ ]?\[(?P<label>[^\]]*)\]|(?![\[(]))")


def _figure_address(src: str, page: str, prefix: str) -> str | None:
    """``src`` as a figure reference writes it, when it names a figure script; else None."""
    return _fixed(src, page, prefix)[0]


def html_images(masked: str, page: str, prefix: str) -> list[str]:
    """Why each HTML ``<img>`` on the line ``masked`` that shows a figure script is none."""
    found = []
    for tag in _HTML_IMG.finditer(masked):
        src = tag["dq"] if tag["dq"] is not None else tag["sq"] or tag["bare"] or ""
        fixed = _figure_address(src, page, prefix)
        if fixed is not None:
            found.append(
                f'the HTML image <img src="{src}"> names a figure script, but only a Markdown '
                f"image is a figure reference; this one shows as a broken image: write "
                f"![what it shows]({fixed})"
            )
    return found


def reference_images(lines: list[tuple[int, str]], page: str, prefix: str) -> list[tuple[int, str]]:
    """``(line, why)`` for each reference-style image among ``lines`` that names a script.

    ``lines`` are the page's prose lines, numbered, with code masked.
    """
    targets = {}
    for number, masked in lines:
        defined = _DEFINITION.match(masked)
        if defined:
            fixed = _figure_address(defined["src"], page, prefix)
            if fixed is not None:
                targets.setdefault(_label(defined["label"]), (number, fixed))
    found = []
    for number, masked in lines:
        if not targets or _DEFINITION.match(masked):
            continue
        for image in _REF_IMAGE.finditer(masked):
            label = image["label"] or image["alt"]
            if _label(label) in targets:
                where, fixed = targets[_label(label)]
                found.append(
                    (
                        number,
                        f"the image {image[0]} takes its address from line {where}, but a "
                        f"reference-style image is no figure reference: write "
                        f"![{image['alt']}]({fixed}) in its place",
                    )
                )
    return found


def _label(text: str) -> str:
    """A reference label as Markdown matches them: case and runs of spaces do not count."""
    return " ".join(text.split()).casefold()


def stray_reference(src: str, page: str, prefix: str) -> str | None:
    """Why ``src`` names a figure script in a form the build ignores, or None.

    ``page`` is the page's path relative to the project root (so that ``../``
    can be followed from its folder) and ``prefix`` the figures folder, relative to
    the root too, as references start with it. The message says how to write it.
    """
    fixed, wrong = _fixed(src, page, prefix)
    if fixed is None or not wrong:
        return None  # not a script of the figures folder, or already the right form
    return (
        f"the image '{src}' names a figure script but {' and '.join(wrong)}, so it is no "
        f"figure reference and shows as a broken image: write '{fixed}' (the figures folder "
        "first, relative to nothing)"
    )


def _fixed(src: str, page: str, prefix: str) -> tuple[str | None, list[str]]:
    """``src`` written as a figure reference, and what is wrong with it; None: no script."""
    path, hashmark, output = src.partition("#")
    if not path.endswith(".py") or _SCHEME.match(path) or path.startswith("//"):
        return None, []
    folder = [part for part in prefix.split("/") if part]
    if not folder:
        return None, []
    wrong = []
    if path.startswith("/"):
        wrong.append("starts with '/'")
        target = posixpath.normpath(path[1:])
    elif ".." in path.split("/"):
        wrong.append("climbs out of the page's folder with '../'")
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
    elif path.startswith("./"):
        wrong.append("starts with './'")
        target = posixpath.normpath(path)
    else:
        target = path
    parts = target.split("/")
    head = parts[: len(folder)]
    if len(parts) <= len(folder) or _folded(head) != _folded(folder):
        return None, []  # not into the figures folder: perhaps a file of the docs
    if head != folder:
        wrong.append(f"spells the folder '{'/'.join(head)}' where it is '{'/'.join(folder)}'")
    fixed = "/".join([*folder, *parts[len(folder) :]]) + (f"#{output}" if hashmark else "")
    return fixed, wrong


def _folded(parts: list[str]) -> list[str]:
    return [part.casefold() for part in parts]
