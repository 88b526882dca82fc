r"""Render the LaTeX of notebook pages to MathML at build time, like the rest of the site.

mkdocs-jupyter leaves ``$...$`` and ``$$...$$`` in a notebook's Markdown cells for MathJax,
which the site does not load (it would come from a CDN). This MkDocs hook (``hooks:`` in
mkdocs.yml) converts them with :func:`figblog.mathml.formula_replacer`, only inside the Markdown
cells (``jp-RenderedMarkdown``) and never inside ``<code>`` or ``<pre>``. A formula that
cannot be converted is a warning naming the page, so a strict build stops on it.
"""

from __future__ import annotations

import re

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

from figblog.mathml import formula_replacer

__all__ = ["on_post_page", "render_cell_math"]

_CELL = re.compile(
    r'(<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown[^"]*"[^>]*>)(.*?)(</div>)', re.S
)
_CODE = re.compile(r"<(code|pre)\b.*?</\1>", re.S)
_DISPLAY = re.compile(r"\$\$(.+?)\$\$", re.S)
# $...$ with no space just inside the dollars and no letter or digit right outside: "$5 and $6"
# stays text.
_INLINE = re.compile(r"(?<![\\$\w])\$(?=\S)([^$]+?)(?<=\S)\$(?![\w$])")


def _convert(text: str, where: str, quiet: bool) -> str:
    text = _DISPLAY.sub(formula_replacer(True, where, "span", quiet), text)
    return _INLINE.sub(formula_replacer(False, where, "span", quiet), text)


def render_cell_math(page_html: str, where: str = "", quiet: bool = False) -> str:
    """Convert the TeX in every notebook Markdown cell of ``page_html``; code is left alone.

    ``quiet``: a formula that cannot be converted is not reported (a look ahead).
    """

    def cell(m: re.Match[str]) -> str:
        body, out, start = m[2], [], 0
        for code in _CODE.finditer(body):
            out += [_convert(body[start : code.start()], where, quiet), code[0]]
            start = code.end()
        out.append(_convert(body[start:], where, quiet))
        return m[1] + "".join(out) + m[3]

    return _CELL.sub(cell, page_html)


def on_post_page(output: str, *, page: Page, config: MkDocsConfig) -> str:
    """MkDocs hook: render the maths of notebook pages (other pages are returned as they are)."""
    if "jp-RenderedMarkdown" not in output:
        return output
    return render_cell_math(output, page.file.src_uri)
