"""The attribute list after a figure reference: ``{ .show-source #id loading=lazy }``.

Python-Markdown's ``attr_list`` reads ``{ ... }`` (or ``{: ... }``) right after an
image: ``.class``, ``#id`` and ``key=value`` words. The figure engine takes out what
is its own (``.show-source``, ``min_text_px=N``, the ``#id``, which goes on the figure
rather than on each theme's image) and checks the values it gives a meaning to
(``loading``, ``width``, ``height``), so a typo is an error at its line instead of an
attribute the browser ignores. An attribute list left open, or a second one after the
first, would show as literal text in the page: both are errors too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Attrs", "parse_attrs"]

# One word of an attribute list: key="value", key='value', key=value, or a bare word.
_WORD = re.compile(r"""[^\s=]+=(?:"[^"]*"|'[^']*'|\S*)|\S+""")
_LOADING = ("lazy", "eager")


@dataclass(frozen=True)
class Attrs:
    """What an attribute list asks of a figure, and what is wrong with it."""

    show_source: bool = False
    rest: str = ""  # the words left for the images, braces stripped
    ident: str | None = None  # the figure's #id
    min_text_px: float | None = None  # its own small-text limit (min_text_px=N), if any
    errors: tuple[str, ...] = ()


def parse_attrs(raw: str | None, after: str) -> Attrs:
    """Read the attribute list ``raw`` (with its braces; None when there is none).

    ``after`` is the rest of the line after the reference and ``raw``: an opening
    brace there is an attribute list left open (when ``raw`` is None) or a second one.
    """
    errors: list[str] = []
    if after.startswith("{"):
        if raw is None:
            errors.append(
                "the attribute list after this figure reference is not closed: write "
                "{ .show-source } with its '}' on the same line"
            )
        else:
            errors.append(
                "a second attribute list after this figure reference would show as text: "
                "put everything in one, as { .show-source .wide }"
            )
    if not raw:
        return Attrs(errors=tuple(errors))
    inner = raw[1:-1].strip()
    inner = inner.removeprefix(":").strip()  # attr_list also reads {: ... }
    show = False
    ident = None
    min_text = None
    rest: list[str] = []
    for word in _WORD.findall(inner):
        key, equals, value = word.partition("=")
        value = value.strip("\"'")
        if word == ".show-source":
            show = True
        elif word.startswith("#") and not equals:
            if ident is not None:
                errors.append(f"a figure reference has one id, not '#{ident}' and '{word}'")
            ident = word[1:]
        elif equals and key == "min_text_px":
            min_text, error = _min_text(word, value)
            errors.extend(error)
        else:
            errors.extend(_check(key, value, word) if equals else ())
            rest.append(word)
    return Attrs(show, " ".join(rest), ident, min_text, tuple(errors))


def _check(key: str, value: str, word: str) -> list[str]:
    """An error for a value the engine gives a meaning to and cannot use."""
    if key == "loading" and value not in _LOADING:
        return [f"'{word}' on a figure reference: loading is lazy or eager, as in loading=lazy"]
    if key in ("width", "height") and not (value.isascii() and value.isdigit() and int(value)):
        return [
            f"'{word}' on a figure reference: {key} is a positive whole number of CSS px, "
            f"as in {key}=300"
        ]
    return []


def _min_text(word: str, value: str) -> tuple[float | None, list[str]]:
    """``min_text_px=N``'s N, or an error saying what it must be."""
    try:
        limit = float(value)
    except ValueError:
        limit = -1.0
    if not limit >= 0 or limit == float("inf"):
        return None, [
            f"'{word}' on a figure reference must be a number of CSS px, the smallest text "
            "this figure may show on a phone (0: no check), such as { min_text_px=3 }"
        ]
    return limit, []
