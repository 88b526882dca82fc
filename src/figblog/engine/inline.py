"""Values that scripts publish, put inside the sentences of a page.

A script's ``values.json`` (written by :func:`figblog.values.publish`) is one of
its outputs, cached and invalidated like the others. Here a page's value
references are swapped for the formatted values before Markdown sees the page,
so a value may stand anywhere text may: in a sentence, a heading, a table cell,
the alt text of a figure, a formula. What was read is kept per cache entry, so
rendering a page a second time, as Material's blog plugin does for its index
pages, reads no file and gives the same text.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from figblog.engine.refs import RefError, ValueRef, scan_values
from figblog.values import VALUES_FILE, format_value

__all__ = ["VALUES_FILE", "Published", "read_published", "substitute", "value_text"]

Published = dict[str, dict[str, Any]]  # name -> {"value": ..., "fmt": ...}
# One result per look-up: the text to insert, or None and the error to report.
Lookup = Callable[[ValueRef], tuple[str | None, str | None]]


def read_published(out: Path, rel: str, memo: dict[Path, Published | str]) -> Published | str:
    """The values in the run folder ``out``, or an error message naming script ``rel``.

    ``memo`` keeps what was read by folder: a cache entry's folder is named after
    its key, so the same folder always holds the same outputs.
    """
    if out in memo:
        return memo[out]
    path = out / VALUES_FILE
    result: Published | str
    try:
        data = json.loads(path.read_text())
        if not isinstance(data, dict) or not all(
            isinstance(v, dict) and "value" in v for v in data.values()
        ):
            raise ValueError("not a table of named values")
        result = data
    except FileNotFoundError:
        if not out.is_dir():
            result = f"the figure cache's entry for {rel} vanished during the build; build again"
        else:
            result = (
                f"figure script {rel} publishes no values; add "
                "`from figblog.values import publish` and `publish(name=value, ...)` to it"
            )
    except (OSError, ValueError) as exc:
        result = f"figure script {rel} wrote a {VALUES_FILE} that cannot be read ({exc})"
    memo[out] = result
    return result


def value_text(published: Published, ref: ValueRef, rel: str) -> tuple[str | None, str | None]:
    """The text ``ref`` stands for, or an error listing what the script does publish."""
    item = published.get(ref.name)
    if item is None:
        names = ", ".join(sorted(published)) or "nothing"
        return None, f"figure script {rel} publishes no value '{ref.name}'; it publishes: {names}"
    fmt = ref.fmt if ref.fmt is not None else item.get("fmt")
    try:
        return format_value(item["value"], fmt), None
    except (ValueError, TypeError, IndexError, KeyError) as exc:
        return None, (
            f"value '{ref.name}' of {rel} ({item['value']!r}) cannot be formatted "
            f"with {fmt!r}: {exc}"
        )


def substitute(
    markdown: str, page: str, lookup: Lookup
) -> tuple[str, list[tuple[ValueRef, str]], list[RefError]]:
    """Swap every value reference in ``markdown`` for its text.

    Returns the new text (same lines, so line numbers hold); for each reference
    that could not be filled, ``(ref, error)``, such a reference becoming a short
    visible note instead; and the badly formed ones, left as they stand.
    """
    refs, malformed = scan_values(markdown, page)
    if not refs:
        return markdown, [], malformed
    lines = markdown.split("\n")
    failed: list[tuple[ValueRef, str]] = []
    for ref in sorted(refs, key=lambda r: (r.line, -r.start)):
        text, error = lookup(ref)
        if text is None:
            assert error is not None  # a look-up gives text or an error
            failed.append((ref, error))
            text = f"(value not computed: {ref.script}:{ref.name})"
        line = lines[ref.line - 1]
        if "|" in text and "|" in line[: ref.start] + line[ref.end :]:
            # A table row (a value may stand in a cell): a bare | would end the cell.
            text = text.replace("\\|", "|").replace("|", "\\|")
        lines[ref.line - 1] = line[: ref.start] + text + line[ref.end :]
    failed.reverse()  # in reading order
    return "\n".join(lines), failed, malformed
