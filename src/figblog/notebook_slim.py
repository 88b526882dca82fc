"""Notebook pages without the parts of nbconvert's template that they never use.

mkdocs-jupyter renders a notebook with nbconvert's lab template, which puts into the page:

* JupyterLab's whole stylesheet, scoped to ``.jupyter-wrapper``: about 590 kB of CSS for
  menus, toolbars, dialogs and widgets a static page never has, and some 650 custom
  properties that every element of the notebook inherits. It made the site's notebook page
  855 kB (273 kB without), all of it parsed and applied before the first paint;
* an empty ``<script src="">`` for MathJax and MathJax's settings: the site renders maths
  as MathML (:mod:`figblog.notebook_math`) and loads no MathJax;
* a script that loads Mermaid from a CDN when the page has diagrams, on pages without any;
* the code highlighting's CSS a second time, written as a Python list
  (``<style>['pre { ...']</style>``), which no browser reads as CSS;
* every plot as a ``data:`` URL, twice (the image and its zoom link): 160 kB of text the
  page must download before the reader sees its first line.

This hook (``hooks:`` in mkdocs.yml, after the other notebook hooks) removes them, and
writes each plot to a file of the site (``assets/notebooks/<hash>.png``) that the image
and its zoom link share, fetched after the text like any image. In the
JupyterLab stylesheet, a selector goes when it needs a JupyterLab class (``jp-*``,
``lm-*`` and the like) that no element of the page has (classes inside ``:not()``,
``:is()`` and other parentheses are not needed), or when it cannot match at all
(``.jupyter-wrapper :root``: the root has no parent). Other classes may be added by
scripts (Material wraps tables in ``md-typeset__scrollwrap``), so they keep a selector.
A rule stays with the selectors that stay. A custom property of JupyterLab's own
(``--jp-*``, its Material palette ``--md-red-50`` and so on) stays when the page's CSS
uses it, directly or through another property. Nothing of the page looks different: a
test renders a notebook page with the hook and without it and compares the pixels, in
both colour schemes, on a wide and a narrow screen.
"""

from __future__ import annotations

import base64
import hashlib
import posixpath
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

from figblog.engine.atomic import write_atomic

__all__ = ["move_images", "on_post_page", "prune_css", "slim"]

_STYLE = re.compile(r"(<style\b[^>]*>)(.*?)(</style>)", re.S | re.I)
_CLASS_ATTR = re.compile(r"""\sclass\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
_STYLE_ATTR = re.compile(r"""\sstyle\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
_CLASS = re.compile(r"\.(-?[_a-zA-Z][_a-zA-Z0-9-]*)")
_VAR = re.compile(r"var\(\s*(--[_a-zA-Z0-9-]+)")
# JupyterLab's own custom properties: none of Material's or the site's has such a name.
_JUPYTER_PROPERTY = re.compile(r"--(?:jp-[\w-]+|md-[a-z]+(?:-[a-z]+)*-(?:\d+|a\d+))", re.I)
_COMMENT = re.compile(r"/\*.*?(?:\*/|\Z)", re.S)
_NESTING = re.compile(r"[(\[\"']")
# Class names of JupyterLab and its widget toolkit (Lumino, once Phosphor) and CodeMirror.
_JUPYTERLAB = ("jp-", "lm-", "p-", "jupyter-", "widget-", "CodeMirror", "cm-", "bp3-")
_GROUPS = ("@media", "@supports", "@layer", "@container")  # at-rules that hold rules
_MATHJAX = re.compile(
    r'<!-- Load mathjax -->\s*<script src="">\s*</script>.*?<!-- End of mathjax configuration -->',
    re.S,
)
_MERMAID = re.compile(
    r'<script type="module">\s*document\.addEventListener\("DOMContentLoaded", async \(\) => \{'
    r'\s*const diagrams = document\.querySelectorAll\("\.jp-Mermaid > pre\.mermaid"\);'
    r".*?</script>",
    re.S,
)
_LISTED_STYLE = re.compile(r"<style>\s*\['.*?'\]\s*</style>", re.S)
# A data: image in an attribute (an <img>'s src, a zoom link's href): its type and bytes.
_DATA_IMAGE = re.compile(r"(?<=[\"'])data:image/(png|jpeg|gif|webp);base64,([A-Za-z0-9+/=]+)")
_MIN_MOVED = 2048  # characters of base64 under which an image costs less inline than fetched
_IMAGE_FOLDER = "assets/notebooks"


def on_post_page(output: str, *, page: Page, config: MkDocsConfig) -> str:
    """MkDocs hook: slim notebook pages (those with nbconvert's ``jupyter-wrapper``)."""
    if 'class="jupyter-wrapper"' not in output:
        return output
    return move_images(slim(output), page.url, Path(config.site_dir))


def move_images(page_html: str, page_url: str, site_dir: Path) -> str:
    """``page_html`` with its larger ``data:`` images as files of the site, linked by path.

    A file is named by a hash of its bytes, so the same plot is one file however often
    the page (or another) holds it. A ``data:`` URL that does not decode stays as it is.
    """
    # The folder the page's address points into: "a/b/" is a/b, "a/b.html" is a.
    folder = page_url[:-1] if page_url.endswith("/") else posixpath.dirname(page_url)
    moved: dict[str, str] = {}

    def to_file(m: re.Match[str]) -> str:
        data = m[2]
        if len(data) < _MIN_MOVED:
            return m[0]
        name = moved.get(data)
        if name is None:
            try:
                raw = base64.b64decode(data, validate=True)
            except ValueError:
                return m[0]
            name = f"{_IMAGE_FOLDER}/{hashlib.sha256(raw).hexdigest()[:16]}.{m[1]}"
            path = site_dir / name
            if not path.is_file():
                write_atomic(path, raw, parents=True)
            moved[data] = name
        return posixpath.relpath(name, folder or ".")

    return _DATA_IMAGE.sub(to_file, page_html)


def slim(page_html: str) -> str:
    """``page_html`` without the unused CSS and scripts of nbconvert's template."""
    classes = _classes(page_html)
    styles = list(_STYLE.finditer(page_html))
    # Mermaid's script adds classes to the diagrams it draws: leave such a page's CSS whole.
    pruned = {
        m.start(): prune_css(m[2], classes)
        for m in styles
        if ".jupyter-wrapper" in m[2] and "jp-Mermaid" not in classes
    }
    sheets = [pruned.get(m.start(), m[2]) for m in styles]
    inline = [f"x{{{a or b}}}" for a, b in _STYLE_ATTR.findall(page_html)]
    used = _used_properties([*sheets, *inline])
    parts, last = [], 0
    for m in styles:
        css = m[2]
        if m.start() in pruned:
            css = _drop_properties(pruned[m.start()], used)
        parts += [page_html[last : m.start()], m[1], css, m[3]]
        last = m.end()
    parts.append(page_html[last:])
    result = _MATHJAX.sub("", "".join(parts))
    if "jp-Mermaid" not in classes:
        result = _MERMAID.sub("", result)
    return _LISTED_STYLE.sub("", result)


def prune_css(css: str, classes: set[str]) -> str:
    """``css`` without the selectors that need a class not in ``classes``, or cannot match."""

    def rule(head: str, body: str) -> str:
        chosen = [s.strip() for s in _split_outside(head, ",") if _can_match(s, classes)]
        return f"{','.join(chosen)}{{{body}}}" if chosen else ""

    return _rewrite(css, rule)


def _rewrite(css: str, rule: Callable[[str, str], str]) -> str:
    """``css`` with each style rule replaced by ``rule(selectors, block)`` ("" drops it).

    Rules inside @media, @supports and the like are rewritten too, and such a group is
    dropped once empty; other at-rules (@font-face, @keyframes, @page) stay as they are.
    """
    kept = []
    for prelude, body in _statements(css):
        head = prelude.strip()
        if body is None:
            kept.append(prelude)
        elif not head.startswith("@"):
            kept.append(rule(head, body))
        elif head.split(None, 1)[0].lower() in _GROUPS:
            inner = _rewrite(body, rule)
            if inner.strip():
                kept.append(f"{head}{{{inner}}}")
        else:
            kept.append(f"{head}{{{body}}}")
    return "".join(kept)


def _classes(page_html: str) -> set[str]:
    found: set[str] = set()
    for double, single in _CLASS_ATTR.findall(page_html):
        found.update((double or single).split())
    return found


def _can_match(selector: str, classes: set[str]) -> bool:
    """Whether ``selector`` may match on a page whose elements have only ``classes``."""
    top = _outside_parentheses(_COMMENT.sub("", selector)).strip()
    if ":root" in top and not top.startswith(":root"):
        return False  # the root element is no one's descendant or sibling
    # A class the page lacks may still come: Material's script wraps tables in
    # md-typeset__scrollwrap, for one. Only JupyterLab's own classes never do.
    missing = set(_CLASS.findall(top)) - classes
    return not any(name.startswith(_JUPYTERLAB) for name in missing)


def _outside_parentheses(selector: str) -> str:
    """``selector`` with what stands inside (), [] and quotes blanked out."""
    if not _NESTING.search(selector):
        return selector
    out, depth, quote = [], 0, ""
    for ch in selector:
        if quote:
            quote = "" if ch == quote else quote
            out.append(" ")
        elif ch in "\"'":
            quote = ch
            out.append(" ")
        elif ch in "([":
            depth += 1
            out.append(" ")
        elif ch in ")]":
            depth = max(depth - 1, 0)
            out.append(" ")
        else:
            out.append(ch if depth == 0 else " ")
    return "".join(out)


_SPECIAL = re.compile(r"/\*|[\"';{}]")


def _string_end(text: str, i: int) -> int:
    """The index after the string whose opening quote is ``text[i]`` (escapes skipped)."""
    quote, i = text[i], i + 1
    while i < len(text) and text[i] != quote:
        i += 2 if text[i] == "\\" else 1
    return i + 1


def _skip(css: str, at: re.Match[str]) -> int:
    """The index after the comment or string that ``at`` starts."""
    if at[0] == "/*":
        end = css.find("*/", at.start() + 2)
        return len(css) if end < 0 else end + 2
    return _string_end(css, at.start())


def _statements(css: str) -> Iterator[tuple[str, str | None]]:
    """Each top-level statement of ``css``: (its prelude, its block's content or None)."""
    i = start = depth = 0
    opened = 0  # where the outermost open block's content starts
    while (at := _SPECIAL.search(css, i)) is not None:
        token = at[0]
        if token in ("/*", '"', "'"):
            i = _skip(css, at)
            continue
        i = at.end()
        if token == "{":
            if depth == 0:
                opened = i
            depth += 1
        elif token == "}" and depth:
            depth -= 1
            if depth == 0:
                yield css[start : opened - 1], css[opened : i - 1]
                start = i
        elif token == ";" and depth == 0:
            yield css[start:i], None
            start = i
    if depth:
        yield css[start : opened - 1], css[opened:]
    elif css[start:].strip():
        yield css[start:], None


_SEPARATED = {sep: re.compile(rf"[\"'()\[\]{sep}]") for sep in ",;"}


def _split_outside(text: str, sep: str) -> list[str]:
    """``text`` split at each ``sep`` (``,`` or ``;``) outside (), [] and quotes.

    A rule's selectors are split at commas (``:is(.a, .b)`` is one), a block's
    declarations at semicolons (``url(data:image/png;base64,...)`` is one).
    """
    if not _NESTING.search(text):
        return text.split(sep)
    parts, depth, start, i = [], 0, 0, 0
    while (at := _SEPARATED[sep].search(text, i)) is not None:
        token, i = at[0], at.end()
        if token in "\"'":
            i = _string_end(text, at.start())
        elif token in "([":
            depth += 1
        elif token in ")]":
            depth = max(depth - 1, 0)
        elif depth == 0:
            parts.append(text[start : i - 1])
            start = i
    parts.append(text[start:])
    return parts


def _rules(css: str) -> Iterator[str]:
    """The declaration blocks of ``css``'s style rules, inside @media and the like too."""
    for prelude, body in _statements(css):
        if body is None:
            continue
        if prelude.strip().startswith("@"):
            yield from _rules(body)
        else:
            yield body


def _used_properties(sheets: Iterable[str]) -> set[str]:
    """The custom properties ``var()`` reaches: from ordinary declarations, then onwards."""
    values: dict[str, set[str]] = {}
    wanted: list[str] = []
    for css in sheets:
        for body in _rules(css):
            for declaration in _split_outside(body, ";"):
                name, _, value = declaration.partition(":")
                if name.strip().startswith("--"):
                    values.setdefault(name.strip(), set()).update(_VAR.findall(value))
                else:
                    wanted += _VAR.findall(value)
    used: set[str] = set()
    while wanted:
        name = wanted.pop()
        if name not in used:
            used.add(name)
            wanted += values.get(name, ())
    return used


def _drop_properties(css: str, used: set[str]) -> str:
    """``css`` without the declarations of JupyterLab's custom properties not in ``used``."""

    def rule(head: str, body: str) -> str:
        declarations = [
            d
            for d in _split_outside(body, ";")
            if d.strip() and not _unused(d.partition(":")[0].strip(), used)
        ]
        return f"{head}{{{';'.join(declarations)}}}" if declarations else ""

    return _rewrite(css, rule)


def _unused(name: str, used: set[str]) -> bool:
    return name not in used and _JUPYTER_PROPERTY.fullmatch(name) is not None
