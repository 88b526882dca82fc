"""Publish named values that a post puts inside its sentences.

A figure script publishes the settings and results a post's prose quotes::

    from figblog.values import Value, publish

    publish(epochs=EPOCHS, lr=Value(0.0001, fmt=".4f"), grid=Value(96, fmt="{} px"))

and the post writes ``{{ sheet_descent.py:epochs }}`` where the number goes.
The values land in ``values.json`` in the current folder, the run's folder in a
build, so the engine caches them with the script's other outputs and re-runs the
script when anything it read changes. Calling :func:`publish` again adds to the
file (a name given twice keeps the later value).

``fmt`` is a format spec (``".4f"``, ``",d"``, ``".1e"``) or a template holding
one ``{}`` field (``"{:.1f} km"``); without it an integer prints as it is and a
float as Python's shortest round-trip text. A reference may override it with its
own spec: ``{{ sheet_descent.py:lr | .1e }}``, or ``| words`` (``| Words`` to
capitalise) for a whole number spelt out, "forty".
"""

from __future__ import annotations

import json
import math
import numbers
import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["VALUES_FILE", "Value", "format_value", "publish"]

VALUES_FILE = "values.json"
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen "
    "fourteen fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


@dataclass(frozen=True)
class Value:
    """A value with the format a post shows it in (see the module docstring)."""

    value: int | float | str
    fmt: str | None = None


def _plain(name: str, value: object) -> int | float | str:
    """``value`` as a JSON scalar; numpy scalars become Python numbers."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real | str):
        raise TypeError(
            f"figblog.values.publish: {name}={value!r} is a {type(value).__name__}; "
            "publish a number or a string"
        )
    if isinstance(value, str):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"figblog.values.publish: {name}={number} is not a finite number")
    return number


def _words(n: int) -> str:
    """``n`` (0 to 999,999) in English words: 40 -> "forty", 88 -> "eighty-eight"."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return f"{_ONES[hundreds]} hundred" + (f" and {_words(rest)}" if rest else "")
    thousands, rest = divmod(n, 1000)
    tail = "" if not rest else (" and " if rest < 100 else " ") + _words(rest)
    return f"{_words(thousands)} thousand{tail}"


def format_value(value: int | float | str, fmt: str | None) -> str:
    """The text of ``value`` under ``fmt``; ValueError or TypeError if they do not fit."""
    if fmt in ("words", "Words"):
        if isinstance(value, str) or value != int(value) or not 0 <= value < 1_000_000:
            raise ValueError(f"'{fmt}' spells whole numbers from 0 to 999999, not {value!r}")
        text = _words(int(value))
        return text[:1].upper() + text[1:] if fmt == "Words" else text
    if fmt is None:
        return repr(value) if isinstance(value, float) else str(value)
    if "{" in fmt:
        return fmt.format(value)
    return format(value, fmt)


def publish(**values: int | float | str | Value) -> None:
    """Add ``values`` to ``values.json`` in the current folder, checking each format."""
    path = Path(VALUES_FILE)
    try:
        stored = json.loads(path.read_text()) if path.exists() else {}
    except ValueError:
        stored = {}  # a file left by an earlier, broken run in a plain folder
    for name, given in values.items():
        if not _NAME.fullmatch(name):
            raise ValueError(f"figblog.values.publish: {name!r} is not a valid name")
        value, fmt = (given.value, given.fmt) if isinstance(given, Value) else (given, None)
        plain = _plain(name, value)
        try:
            format_value(plain, fmt)  # fail here, at the script's line, not in a post
        except (ValueError, TypeError, IndexError, KeyError) as exc:
            raise ValueError(f"figblog.values.publish: {name}: format {fmt!r}: {exc}") from exc
        stored[name] = {"value": plain, "fmt": fmt}
    path.write_text(json.dumps(stored, indent=1, sort_keys=True) + "\n")
