r"""Render the site's LaTeX to MathML at build time: no script, no CDN, no layout shift.

``pymdownx.arithmatex`` in generic mode leaves ``\(...\)`` in a
``<span class="arithmatex">`` and ``\[...\]`` in a ``<div>``. This plugin
converts both to MathML, which browsers render natively, in ``on_post_page`` so
that the blog's index and archive pages (which render post excerpts outside the
page events) are converted too.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from latex2mathml.converter import convert
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.pages import Page

__all__ = ["MathMLPlugin", "formula_replacer", "to_mathml"]

log = get_plugin_logger(__name__)

_INLINE = re.compile(r'<span class="arithmatex">\\\((.*?)\\\)</span>', re.S)
_BLOCK = re.compile(r'<div class="arithmatex">\s*\\\[(.*?)\\\]\s*</div>', re.S)


def to_mathml(latex: str, display: bool) -> str:
    """Convert one formula; raise ValueError naming the formula if it cannot be parsed."""
    try:
        return convert(latex.strip(), display="block" if display else "inline")
    except Exception as exc:  # latex2mathml raises many exception types for bad input
        raise ValueError(f"cannot render the formula {latex.strip()!r}: {exc}") from exc


def formula_replacer(display: bool, where: str, tag: str) -> Callable[[re.Match[str]], str]:
    """A ``re.sub`` callback: the LaTeX in group 1 becomes MathML in ``<tag class="arithmatex">``.

    A formula that cannot be converted stays as it was, with a warning naming ``where`` (so a
    strict build stops on it).
    """

    def replace(m: re.Match[str]) -> str:
        try:
            math = to_mathml(html.unescape(m[1]), display)
        except ValueError as exc:
            log.warning(f"{where}: {exc}")
            return m[0]
        return f'<{tag} class="arithmatex">{math}</{tag}>'

    return replace


class MathMLPlugin(BasePlugin):
    """Replace arithmatex's LaTeX with MathML in every page the build writes."""

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        """Convert every formula on the page; a bad one is a warning naming the page."""
        where = page.file.src_uri
        output = _BLOCK.sub(formula_replacer(True, where, "div"), output)
        return _INLINE.sub(formula_replacer(False, where, "span"), output)
