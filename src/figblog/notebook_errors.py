"""A notebook page that fails says where, in one line, and shows it in an error box.

mkdocs-jupyter lets nbconvert's exception out of the page's render. MkDocs then
prints a long traceback through nbconvert, asyncio and nbclient, with the cell's
own traceback in terminal colour codes at its end; the build stops there, and
`mkdocs serve` stops answering until the notebook is fixed ("the server will appear
stuck"). Figure scripts fail differently: the page shows an error box, a warning
names the page and the line, the rest of the site is built, and the strict build
fails on the warning.

:func:`guard` gives notebook pages the same. The warning reads
``docs/x.ipynb, cell 4, line 3: ValueError: ...`` (cells counted from 1 in the
file, Markdown cells included) and the page shows it with the cell's
traceback. Nothing of a failed page is cached, so the next build executes the
notebook again; but a failure is remembered under its cache key for the life of the
process, so a serve rebuild for some other page's edit does not execute an unchanged
failing notebook again.
"""

from __future__ import annotations

import ast
import contextlib
import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from figblog.notebooks import cells_of

__all__ = ["NotebookFailed", "describe", "guard", "is_notebook_failure", "remember", "remembered"]

log = get_plugin_logger(__name__)

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_RULE = "------------------"
_CELL_LINE = re.compile(r"^Cell In\s*\[[^\]]*\],\s*line (\d+)", re.M)
_SHOWN_LINES = 40  # of the cell's traceback, in the page's error box
# Failures of the notebooks themselves (not of a kernel that would not start): the same
# notebook and code fail the same way again, so the failure may stand for a new run.
_KINDS = ("CellExecutionError", "CellTimeoutError", "NotJSONError", "JSONDecodeError")
_failed: dict[str, NotebookFailed] = {}  # cache key (path) -> the failure of that notebook


@dataclass(frozen=True)
class NotebookFailed:
    """A notebook page could not be made: ``headline`` says where, ``details`` the rest."""

    headline: str
    details: str


def remember(key: str | None, failure: NotebookFailed) -> None:
    """Keep ``failure`` for the notebook whose cache key is ``key``, for this process."""
    if key is not None:
        _failed[key] = failure


def remembered(key: str | None) -> NotebookFailed | None:
    """The failure kept for ``key``, if its notebook failed earlier in this process."""
    return _failed.get(key) if key is not None else None


def describe(path: Path, label: str, exc: BaseException) -> NotebookFailed:
    """The failure of the notebook at ``path`` (``label`` as messages name it), from ``exc``."""
    kind = type(exc).__name__
    text = _ANSI.sub("", str(exc))
    if kind == "CellExecutionError":
        source, rest = _between_rules(text)
        traceback = rest.strip("\n")
        where = _cell_place(path, source)
        line = _CELL_LINE.search(traceback)
        if line:
            where += f", line {line[1]}"
        what = str(getattr(exc, "ename", kind))
        value = _ANSI.sub("", str(getattr(exc, "evalue", ""))).strip().split("\n", 1)[0]
        what += f": {value}" if value else ""
        return NotebookFailed(f"{label}{where}: {what}", _last_lines(traceback))
    if kind == "CellTimeoutError":
        first = text.split("\n", 1)[0].rstrip(".")
        parts = text.split("-------------------\n")
        where = _cell_place(path, _preview(parts[1])) if len(parts) > 1 else ""
        return NotebookFailed(
            f"{label}{where}: {first.replace('A cell timed out', 'the cell timed out')} "
            "(the `timeout` option of the figblog plugin)",
            "",
        )
    if kind in ("NotJSONError", "JSONDecodeError"):
        return _unreadable(path, label, exc)
    if kind == "NotebookEdited":  # stopped under serve for a newer save: nothing to fix
        return NotebookFailed(f"{label}: {text}", "")
    first = text.strip().split("\n", 1)[0] if text.strip() else "(no message)"
    return NotebookFailed(f"{label}: {kind}: {first}", _last_lines(text))


def guard(page: Page, label: str, key: str | None, early: BaseException | None = None) -> None:
    """Make the notebook ``page``'s failure a warning naming the cell, and an error box.

    ``key`` is the notebook's cache key (None when mkdocs-jupyter keeps no cache), under
    which a failure is remembered; ``early`` is how this build's early execution of it
    failed, which the render then reports without executing it again.
    """
    render: Callable[[Any, Any], None] = page.render
    path = Path(page.file.abs_src_path or page.file.src_path)
    earlier = None
    if early is not None:
        earlier = describe(path, label, early)
        remember(key, earlier)

    def guarded(config: Any, files: Any) -> None:
        failure = earlier or remembered(key)
        if failure is None:
            try:
                render(config, files)
                return
            except Exception as exc:  # noqa: BLE001 - every failure gets the same sentence
                failure = describe(path, label, exc)
                if is_notebook_failure(exc):
                    remember(key, failure)
        log.warning(f"{failure.headline} (the page shows the error)")
        page.content = _error_page(path, failure)
        page.toc = get_toc([])

    page.render = guarded  # type: ignore[method-assign]


def is_notebook_failure(exc: BaseException) -> bool:
    """Whether ``exc`` is the notebook's own failure, which running it again would repeat."""
    return type(exc).__name__ in _KINDS


def _between_rules(text: str) -> tuple[str, str]:
    """The cell's source and what follows it (outputs, traceback) in nbclient's message."""
    parts = text.split(f"\n{_RULE}\n", 2)
    if len(parts) < 3:
        return "", text
    return parts[1], parts[2]


def _preview(text: str) -> str:
    """The start of a timed-out cell's source from nbclient's preview of it.

    A cell of 11 lines or more is previewed as the repr of a list of its first five
    lines, an ellipsis, and a list of its last five.
    """
    if text.startswith("["):
        with contextlib.suppress(ValueError, SyntaxError):
            return "\n".join(ast.literal_eval(text.split("\n...\n", 1)[0]))
    return text


def _cell_place(path: Path, source: str) -> str:
    """``, cell N`` for the code cell whose source is ``source``, or "" if none or several."""
    wanted = source.strip("\n")
    found = [
        number
        for number, kind, text in cells_of(path)
        if kind == "code"
        and (text.strip("\n") == wanted or (wanted and text.startswith(wanted[:200])))
    ]
    return f", cell {found[0]}" if len(found) == 1 else ""


def _unreadable(path: Path, label: str, exc: BaseException) -> NotebookFailed:
    """A notebook file that is not JSON, with the line and column where reading stopped."""
    try:
        json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as bad:
        return NotebookFailed(
            f"{label}, line {bad.lineno}, column {bad.colno}: not a notebook: the file is not "
            f"valid JSON ({bad.msg}). Was it saved whole?",
            "",
        )
    except (OSError, UnicodeDecodeError) as bad:
        return NotebookFailed(f"{label}: cannot read the notebook: {bad}", "")
    first = _ANSI.sub("", str(exc)).strip().split("\n", 1)[0]
    return NotebookFailed(f"{label}: not a notebook nbformat can read: {first}", "")


def _last_lines(text: str) -> str:
    lines = text.strip("\n").split("\n")
    if len(lines) > _SHOWN_LINES:
        lines = [f"... {len(lines) - _SHOWN_LINES} lines above left out", *lines[-_SHOWN_LINES:]]
    return "\n".join(lines)


def _error_page(path: Path, failure: NotebookFailed) -> str:
    """The page's HTML: its name, then the failure in a box like a figure's."""
    text = failure.headline + (f"\n\n{failure.details}" if failure.details else "")
    return (
        f"<h1>{html.escape(_title(path))}</h1>\n"
        '<div class="admonition failure">\n'
        '<p class="admonition-title">Notebook not executed</p>\n'
        f"<pre><code>{html.escape(text)}</code></pre>\n"
        "</div>\n"
    )


def _title(path: Path) -> str:
    """The notebook's first heading (``# ...`` in a Markdown cell), or its file name."""
    for _, kind, text in cells_of(path):
        for line in text.split("\n") if kind == "markdown" else ():
            if line.startswith("# "):
                return line[2:].strip()
    return path.stem
