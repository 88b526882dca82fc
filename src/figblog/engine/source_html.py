"""The highlighted source under a figure, rendered once per script version and kept on disk.

Material's blog plugin converts each post's Markdown again for the blog index,
the archive and every category page, and ``mkdocs serve`` converts every page on
each rebuild; highlighting a script with Pygments each time was a quarter of a
warm build. So the code block is rendered once, with the site's own Markdown
extensions and their options, stored under ``<cache>/html/`` keyed by the code,
its title, those options and the versions of the libraries that shape the HTML,
and put into each conversion as finished HTML.

The hand-over is a marker line (``figblog-source-html:<key>``) that the renderer
writes where the code fence used to be; :class:`SourceHtmlExtension`, added to the
site's Markdown extensions, swaps it for a placeholder of Markdown's raw-HTML
stash, which Markdown fills in after every other step, so nothing parses or
highlights it again. The Download link and the collapsible box stay Markdown:
MkDocs rewrites the link for whichever page shows the post, which it does not
do inside stashed HTML.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

from figblog.engine.atomic import write_atomic
from figblog.engine.hashing import hash_text

__all__ = ["MARKER", "SourceHtml", "SourceHtmlExtension"]

MARKER = "figblog-source-html:"
# Bump when the Markdown this module feeds to the extensions changes.
_FORMAT = "1"
_LIBRARIES = ("markdown", "pygments", "pymdown-extensions")
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


@cache
def _library_versions() -> tuple[str, ...]:
    versions = []
    for dist in _LIBRARIES:
        try:
            versions.append(f"{dist}={metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{dist}=absent")
    return tuple(versions)


def _stable(value: object) -> str:
    """A name for ``value`` that is the same in every process (no memory addresses)."""
    if callable(value):
        module = getattr(value, "__module__", "") or ""
        name = getattr(value, "__qualname__", None) or type(value).__qualname__
        return f"{module}.{name}"
    return _ADDRESS.sub("", repr(value))


class SourceHtml:
    """Finished HTML for each script's code block, from memory, from disk or rendered once."""

    def __init__(
        self,
        folder: Path,
        extensions: Sequence[str | Extension],
        configs: Mapping[str, Mapping[str, Any]],
        wrap: Callable[[str], str] | None = None,
    ) -> None:
        # ``wrap`` dresses each finished block for the page (a lazy ``<template>``, say);
        # the disk keeps the plain block, so changing it needs no new cache.
        # The site's lists are read when the first block is rendered, not now, so that
        # extensions other plugins add after this one's on_config are included.
        self.folder = folder
        self._extensions = extensions
        self._configs = configs
        self._extension = SourceHtmlExtension(self)
        self._wrap = wrap
        self._ready: dict[str, str] = {}
        self._fingerprint: str | None = None
        self._md: markdown.Markdown | None = None
        self.rendered = 0  # blocks highlighted by this instance (the rest came from disk)

    def extension(self) -> SourceHtmlExtension:
        """The Markdown extension that puts the finished HTML in place of the markers."""
        return self._extension

    def _site_extensions(self) -> list[str | Extension]:
        return [e for e in self._extensions if e is not self._extension]

    def fingerprint(self) -> str:
        """Hash of the extensions, their options and the libraries' versions."""
        if self._fingerprint is None:
            names = [e if isinstance(e, str) else _stable(type(e)) for e in self._site_extensions()]
            try:
                options = json.dumps(self._configs, sort_keys=True, default=_stable)
            except (TypeError, ValueError):  # keys of mixed types: fall back to their repr
                options = _stable(self._configs)
            self._fingerprint = hash_text(_FORMAT, *names, options, *_library_versions())
        return self._fingerprint

    def marker(self, title: str, code: str) -> str:
        """The line to write where the code block goes; its HTML is ready after this call."""
        key = hash_text(self.fingerprint(), title, code)
        if key not in self._ready:
            path = self.folder / key[:2] / f"{key}.html"
            try:
                html = path.read_text(encoding="utf-8")  # as write_atomic writes it
            except (OSError, UnicodeDecodeError):
                html = ""
            if not html:
                html = self._render(title, code)
                with contextlib.suppress(OSError):  # a read-only cache only costs speed
                    write_atomic(path, html, parents=True)
            self._ready[key] = html if self._wrap is None else self._wrap(html)
        return MARKER + key

    def html(self, title: str, code: str) -> str:
        """The finished HTML of one code block (what a marker for it turns into)."""
        key = self.marker(title, code)[len(MARKER) :]
        return self._ready[key]

    def lookup(self, key: str) -> str | None:
        """The HTML for a marker's key, or None when this build made no such marker."""
        return self._ready.get(key)

    def prune(self) -> int:
        """Remove the blocks on disk that this instance did not use; return how many.

        Call it after a build that rendered every page: each edit of a shown script
        leaves a block behind, and nothing else would ever remove it. A block removed
        that another build still wants is only highlighted again.
        """
        removed = 0
        for path in self.folder.glob("*/*.html"):
            if path.stem not in self._ready:
                with contextlib.suppress(OSError):
                    path.unlink()
                    removed += 1
        return removed

    def _render(self, title: str, code: str) -> str:
        if self._md is None:
            self._md = markdown.Markdown(
                extensions=self._site_extensions(), extension_configs=dict(self._configs)
            )
        fence = "````" if "```" in code else "```"
        self._md.reset()
        self.rendered += 1
        return self._md.convert(f'{fence}python title="{title}"\n{code}\n{fence}')


class _MarkerPreprocessor(Preprocessor):
    """Swap each marker line for a raw-HTML placeholder, keeping its indentation."""

    def __init__(self, md: markdown.Markdown, source: SourceHtml) -> None:
        super().__init__(md)
        self.source = source

    def run(self, lines: list[str]) -> list[str]:
        out = []
        for line in lines:
            body = line.lstrip(" ")
            if body.startswith(MARKER):
                html = self.source.lookup(body[len(MARKER) :].strip())
                if html is not None:
                    line = line[: len(line) - len(body)] + self.md.htmlStash.store(html)
            out.append(line)
        return out


class SourceHtmlExtension(Extension):
    """Python-Markdown extension: finished source HTML where the renderer left markers."""

    def __init__(self, source: SourceHtml) -> None:
        super().__init__()
        self.source = source

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown's name
        """Register the preprocessor after whitespace normalisation, before the fences."""
        # normalize_whitespace (30) strips the stash's control characters; run after it.
        md.preprocessors.register(_MarkerPreprocessor(md, self.source), "figblog_source", 29)
