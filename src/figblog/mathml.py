r"""Render the site's LaTeX to MathML at build time: no script, no CDN, no layout shift.

``pymdownx.arithmatex`` in generic mode leaves ``\(...\)`` in a
``<span class="arithmatex">`` and ``\[...\]`` in a ``<div>``. This plugin
converts both to MathML, which browsers render natively, in ``on_post_page`` so
that the blog's index and archive pages (which render post excerpts outside the
page events) are converted too.

With the ``font`` option (a WOFF2 with a MATH table, see :mod:`figblog.math_font`), the font
is copied into the site and every page that has maths, whoever converted it, loads it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from figblog import latex_mathml
from figblog.latex_mathml import to_mathml
from figblog.math_font import MathFont, add_font, find_font, font_files, shipped
from figblog.math_subset import math_chars, subset_font
from figblog.search_math import clean_index

__all__ = ["MathMLConfig", "MathMLPlugin", "formula_replacer", "to_mathml"]

log = get_plugin_logger(__name__)

_CACHE = ".cache/figblog-mathml"  # the cut-down fonts, relative to mkdocs.yml


def formula_replacer(
    display: bool, where: str, tag: str, quiet: bool = False
) -> Callable[[re.Match[str]], str]:
    """A ``re.sub`` callback: the LaTeX in group 1 becomes MathML in ``<tag class="arithmatex">``.

    A formula that cannot be converted stays as it was, with a warning naming ``where`` (so a
    strict build stops on it), unless ``quiet`` (a look ahead that the real pass repeats).
    """
    return latex_mathml.replacer(display, tag, _ignore if quiet else _warner(where))


def _warner(where: str) -> Callable[[str], None]:
    return lambda msg: log.warning(f"{where}: {msg}")


def _ignore(msg: str) -> None:
    """Drop a message that the page's own conversion reports later."""


class MathMLConfig(Config):
    """Options of the ``figblog-mathml`` plugin."""

    font = c.Optional(c.Type(str))
    """A WOFF2 math font (OpenType MATH table) to ship with the site, relative to mkdocs.yml.

    Installed by a package manager (the project's package.json), not kept in the repository.
    Unset: the pages rely on the reader's system math font.
    """


class MathMLPlugin(BasePlugin[MathMLConfig]):
    """Replace arithmatex's LaTeX with MathML in every page the build writes."""

    def __init__(self) -> None:
        super().__init__()
        self._font: MathFont | None = None
        self._chars: set[str] = set()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Find the math font; a configured one that is not installed stops the build."""
        self._font = None
        if self.config.font:
            path = Path(config.config_file_path or ".").parent / self.config.font
            try:
                self._font = find_font(path.resolve())
            except ValueError as exc:
                raise PluginError(f"figblog-mathml: {exc}") from exc
        return config

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        """Add the font, cut down to the characters of every page's formulas, to the site.

        Every page's content is known by now and none is written yet (see math_subset.py
        for why the font is cut down).
        """
        if self._font is None:
            return env
        from figblog.notebook_math import render_cell_math  # it imports this module

        chars: set[str] = set()
        for file in files.documentation_pages():
            page = file.page
            if page is not None and page.content:
                converted = latex_mathml.convert_html(page.content, _ignore)
                chars |= math_chars(render_cell_math(converted, file.src_uri, quiet=True))
        if not chars:
            return env
        root = Path(config.config_file_path or ".").parent
        subset = subset_font(self._font.source, chars, root / _CACHE)
        self._font, self._chars = shipped(self._font, subset), chars
        for file in font_files(self._font, config):
            files.append(file)
        return env

    def convert_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        """Convert every formula on the page; a bad one is a warning naming the page."""
        return latex_mathml.convert_html(output, _warner(page.file.src_uri))

    # Late, after other plugins and hooks (notebook pages) have written their maths.
    @event_priority(-90)
    def load_font(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        """Give a page that has maths the font's ``@font-face``."""
        if self._font is None or not self._chars:
            return output
        missing = math_chars(output) - self._chars
        if missing:
            log.warning(
                f"{page.file.src_uri}: the math font was cut down before these characters of "
                f"its formulas were known: {''.join(sorted(missing))}; they fall back to the "
                "reader's fonts (a plugin or hook adds maths after MkDocs' on_env event)"
            )
        return add_font(output, page.url, self._font)

    on_post_page = CombinedEvent(convert_page, load_font)

    @event_priority(-100)  # after the search plugin has written its index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Give the search's snippets formulas as text instead of their LaTeX."""
        changed = clean_index(Path(config.site_dir) / "search" / "search_index.json")
        if changed:
            log.debug(f"formulas in {changed} search entries written as text")
