"""Alt texts for the plots of notebook pages, and their dark rendering when zoomed.

nbconvert gives every notebook image the alt text "No description has been provided for this
image", which tells a screen-reader user nothing. This MkDocs hook (``hooks:`` in mkdocs.yml)
gives each plot a real one, taken from, in order:

1. the code cell's metadata, ``"alt"``: a string, or a list with one string per plot of the
   cell (set by the author in Jupyter's property inspector or in the .ipynb);
2. the output's metadata, ``{"image/png": {"alt": ...}}``, which
   :func:`figblog.notebook_figures.show_figure` writes from the figure's own labels.

The texts are put in while mkdocs-jupyter converts the executed notebook (its exporter is
wrapped in ``on_config``). ``on_post_page`` then checks every notebook plot, cached pages
included: one without a real alt text is a warning naming the notebook, the plot and its cell,
and a strict build fails on it.

Notebook plots are drawn once, on white; reader.css inverts them in the dark scheme. The
lightbox (glightbox) shows its own copy of the image, so the zoom link of each notebook plot
gets the fragment ``#figblog-invert-dark``, which reader.css inverts the same way (as Material
marks scheme-specific images with ``#only-dark``).
"""

from __future__ import annotations

import html
import json
import os
import re
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.pages import Page

__all__ = [
    "DARK_INVERT",
    "PLACEHOLDER",
    "apply_alts",
    "check_alts",
    "mark_dark_zoom",
    "on_config",
    "on_post_page",
    "plot_alts",
    "use_alt_texts",
]

log = get_plugin_logger("figblog.notebook_alt")  # a hook's __name__ is its file path

PLACEHOLDER = "No description has been provided for this image"
DARK_INVERT = "#figblog-invert-dark"

_PATCHED = "_figblog_alt_texts"
_IMAGES = ("image/png", "image/jpeg")
# nbconvert's lab template: one <div class="jp-RenderedImage ..."> per image output, holding
# the <img> (wrapped in the lightbox's <a> by mkdocs-glightbox).
_BLOCK = re.compile(r'<div class="jp-RenderedImage\b[^"]*"[^>]*>(.*?)</div>', re.S)
_IMG = re.compile(r"<img\b[^>]*>", re.S)
_ALT = re.compile(r'\salt="([^"]*)"')
_ZOOM = re.compile(r'(<a class="glightbox"[^>]*\shref=")([^"#]*)(")')
_CELL_ID = re.compile(r'id="cell-id=([^"]+)"')


def _authored(cell: Any, where: str, number: int) -> list[str]:
    """The alt texts an author set on a code cell (``metadata.alt``), as a list."""
    alt = cell.get("metadata", {}).get("alt")
    if alt is None:
        return []
    if isinstance(alt, str):
        return [alt]
    if isinstance(alt, list) and all(isinstance(a, str) for a in alt):
        return list(alt)
    log.warning(
        f"{where}: cell {number}: metadata 'alt' must be a string or a list of strings "
        f"(one per plot), not {type(alt).__name__}"
    )
    return []


def plot_alts(nb: Any, rendered_as: Any, where: str = "") -> list[str | None]:
    """One alt text (or None) per image output of ``nb``, in the order the page shows them.

    ``rendered_as(data)`` returns the mimetypes of an output's ``data`` in nbconvert's order of
    preference; an output is a plot on the page when the first is a PNG or JPEG.
    """
    alts: list[str | None] = []
    for number, cell in enumerate(nb.get("cells", []), start=1):
        if cell.get("cell_type") != "code":
            continue
        authored = _authored(cell, where, number)
        shown = 0
        for output in cell.get("outputs", []):
            if output.get("output_type") not in ("display_data", "execute_result"):
                continue
            mimetypes = rendered_as(output.get("data", {}))
            if not mimetypes or mimetypes[0] not in _IMAGES:
                continue
            meta = output.get("metadata", {})
            recorded = meta.get(mimetypes[0], {}).get("alt") or meta.get("alt")
            alt = authored[shown] if shown < len(authored) else recorded
            alts.append(alt.strip() if isinstance(alt, str) and alt.strip() else None)
            shown += 1
    return alts


def apply_alts(page_html: str, alts: list[str | None]) -> str:
    """Set the alt text of each notebook plot in ``page_html`` from ``alts`` (None: unchanged).

    The page is left as it is when the number of plots differs from ``len(alts)``: texts put
    on the wrong plots would be worse than none (and the missing ones are reported).
    """
    blocks = list(_BLOCK.finditer(page_html))
    if len(blocks) != len(alts):
        log.debug(f"{len(blocks)} notebook plots on the page, {len(alts)} outputs: no alt set")
        return page_html
    out, start = [], 0
    for block, alt in zip(blocks, alts, strict=True):
        out.append(page_html[start : block.start()])
        text = block[0]
        if alt is not None:
            escaped = html.escape(alt, quote=True)

            def set_alt(img: re.Match[str], escaped: str = escaped) -> str:
                tag = _ALT.sub("", img[0], count=1)
                return f'<img alt="{escaped}"{tag[len("<img") :]}'

            text = _IMG.sub(set_alt, text, count=1)
        out.append(text)
        start = block.end()
    out.append(page_html[start:])
    return "".join(out)


def check_alts(page_html: str, where: str, numbers: dict[str, int] | None = None) -> int:
    """Warn about each notebook plot of the page without a real alt text; return how many.

    ``numbers``: each cell's number in the notebook by its id, which the page carries (the
    number, as Jupyter and the error boxes count cells, is what the warning gives).
    """
    numbers = numbers or {}
    missing = 0
    for number, block in enumerate(_BLOCK.finditer(page_html), start=1):
        img = _IMG.search(block[1])
        found = _ALT.search(img[0]) if img else None
        alt = html.unescape(found[1]).strip() if found else ""
        if alt and alt != PLACEHOLDER:
            continue
        missing += 1
        cells = _CELL_ID.findall(page_html, 0, block.start())
        cell = f" (cell {numbers.get(cells[-1], cells[-1])})" if cells else ""
        log.warning(
            f'{where}: plot {number}{cell} has no alt text: set "alt" in the cell\'s metadata, '
            "or show it with figblog.notebook_figures.show_figure(fig)"
        )
    return missing


def mark_dark_zoom(page_html: str) -> str:
    """Add :data:`DARK_INVERT` to the lightbox link of every notebook plot."""

    def mark(block: re.Match[str]) -> str:
        return _ZOOM.sub(lambda a: a[1] + a[2] + DARK_INVERT + a[3], block[0], count=1)

    return _BLOCK.sub(mark, page_html)


def _wrap(base: type) -> type:
    """A subclass of nbconvert's HTMLExporter that puts the plots' alt texts in its HTML."""
    from nbconvert.filters import DataTypeFilter

    class AltTextExporter(base):  # type: ignore[misc, valid-type]
        def _preprocess(self, nb: Any, resources: Any) -> Any:
            nb, resources = super()._preprocess(nb, resources)  # executes the notebook
            where = (resources or {}).get("metadata", {}).get("name", "notebook") + ".ipynb"
            self._figblog_alts = plot_alts(nb, DataTypeFilter(parent=self), where)
            return nb, resources

        def from_notebook_node(self, nb: Any, resources: Any = None, **kw: Any) -> Any:
            self._figblog_alts: list[str | None] = []
            page_html, resources = super().from_notebook_node(nb, resources, **kw)
            return apply_alts(page_html, self._figblog_alts), resources

    setattr(AltTextExporter, _PATCHED, True)
    return AltTextExporter


def use_alt_texts() -> bool:
    """Make mkdocs-jupyter's exporter fill in alt texts; False if mkdocs-jupyter is absent."""
    try:
        from mkdocs_jupyter import nbconvert2
    except ImportError:
        return False
    if not getattr(nbconvert2.HTMLExporter, _PATCHED, False):
        nbconvert2.HTMLExporter = _wrap(nbconvert2.HTMLExporter)
    return True


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """MkDocs hook: wrap mkdocs-jupyter's exporter before any notebook is converted."""
    use_alt_texts()
    return config


def on_post_page(output: str, *, page: Page, config: MkDocsConfig) -> str:
    """MkDocs hook: report notebook plots without alt text; mark their zoom for dark pages."""
    if "jp-RenderedImage" not in output:
        return output
    path = page.file.abs_src_path or page.file.src_uri
    root = os.path.dirname(config.config_file_path or "") or os.getcwd()
    check_alts(output, os.path.relpath(path, root), _cell_numbers(path))
    return mark_dark_zoom(output)


def _cell_numbers(path: str) -> dict[str, int]:
    """Cell id -> the cell's number (from 1) in the notebook at ``path``; {} if unreadable."""
    try:
        with open(path, encoding="utf-8") as fh:
            cells = json.load(fh).get("cells", [])
    except (OSError, ValueError, AttributeError):
        return {}
    return {c["id"]: n for n, c in enumerate(cells, start=1) if isinstance(c, dict) and "id" in c}
