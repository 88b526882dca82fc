r"""The site search's snippets without LaTeX.

The search plugin indexes each page's HTML before :mod:`figblog.mathml` turns its
formulas into MathML (that happens on the finished page), so the index holds the
LaTeX as typed, and a search result's snippet showed ``\[ w_0 \leftarrow w_0 - \eta
\, \frac{...`` to the reader. Once the index is written, each inline formula in it
becomes the text its MathML reads as (``f(x) = w0 x + w1``, ``x^2``) and each display formula
is left out of the snippets: it stays on the page, where it is drawn.
"""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from figblog.engine.atomic import write_atomic
from figblog.latex_mathml import to_mathml

__all__ = ["clean_index", "plain_text"]

_DISPLAY = re.compile(r"\s*\\\[.*?\\\]\s*", re.S)
_INLINE = re.compile(r"\\\((.*?)\\\)", re.S)
_SPACED = set("=+\u2212\u00d7<>\u2264\u2265\u2248\u2190\u2192\u00b1")  # spaced as a reader says
_NS = "{http://www.w3.org/1998/Math/MathML}"


def plain_text(latex: str) -> str:
    """What the formula ``latex`` reads as in plain text; the LaTeX itself if it has errors."""
    try:
        math = ET.fromstring(to_mathml(latex, display=False))
    except (ValueError, ET.ParseError):
        return latex.strip()
    return re.sub(r"\s+", " ", _text(math)).strip()


def _text(element: ET.Element) -> str:
    """A MathML element as text: terms apart, operators spaced, fractions with a slash."""
    tag = element.tag.removeprefix(_NS)
    if tag == "mfrac" and len(element) == 2:
        return f"{_text(element[0])}/{_text(element[1])}"
    if tag in ("mover", "munder", "munderover", "msubsup") and len(element) >= 2:  # limits
        return _text(element[0])
    if tag in ("msub", "msup") and len(element) == 2:
        script = _text(element[1]).replace(" ", "")
        return f"{_text(element[0])}{'^' if tag == 'msup' else ''}{script}"
    if tag == "msqrt":
        return "\u221a" + "".join(_text(child) for child in element)
    if tag not in ("math", "mrow", "mstyle", "semantics"):
        return "".join(_text(child) for child in element) if len(element) else element.text or ""
    out, last_term = "", False
    for child in element:
        text = _text(child).strip()
        if not text:
            continue
        operator = child.tag == f"{_NS}mo"
        if operator and text in _SPACED:
            out += f" {text} "
        elif operator:
            out += text + (" " if text == "," else "")
        else:
            out += (" " if last_term else "") + text
        last_term = not operator
    return out


def _clean(text: str) -> str:
    text = _DISPLAY.sub(" ", text)
    return _INLINE.sub(lambda m: html.escape(plain_text(html.unescape(m[1])), quote=False), text)


def clean_index(path: Path) -> int:
    """Rewrite the search index at ``path`` without LaTeX; return how many entries changed.

    An index that is missing or not the search plugin's JSON is left as it is.
    """
    try:
        index = json.loads(path.read_text(encoding="utf-8"))
        docs = index["docs"]
    except (OSError, ValueError, TypeError, KeyError):
        return 0
    changed = 0
    for doc in docs if isinstance(docs, list) else []:
        text = doc.get("text") if isinstance(doc, dict) else None
        if isinstance(text, str) and "\\" in text:
            cleaned = _clean(text)
            if cleaned != text:
                doc["text"] = cleaned
                changed += 1
    if changed:
        write_atomic(path, json.dumps(index, ensure_ascii=False, separators=(",", ":")))
    return changed
