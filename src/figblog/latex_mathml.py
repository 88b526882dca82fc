r"""LaTeX to MathML on rendered HTML, for any site generator (no MkDocs in here).

``pymdownx.arithmatex`` in generic mode leaves ``\(...\)`` in a
``<span class="arithmatex">`` and ``\[...\]`` in a ``<div>``; :func:`convert_html`
turns both into MathML, which browsers draw natively. The MkDocs plugin
(:mod:`figblog.mathml`) and the Zensical adapter both call it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from latex2mathml.converter import convert

__all__ = ["BLOCK", "INLINE", "convert_html", "replacer", "to_mathml"]

# The punctuation right after an inline formula (group 2) goes into the formula's box, which
# reader.css keeps on one line: a line never starts with the comma that follows a formula.
INLINE = re.compile(r'<span class="arithmatex">\\\((.*?)\\\)</span>([,.;:!?)\]]*)', re.S)
BLOCK = re.compile(r'<div class="arithmatex">\s*\\\[(.*?)\\\]\s*</div>', re.S)


def to_mathml(latex: str, display: bool) -> str:
    """Convert one formula; raise ValueError naming the formula if it cannot be parsed."""
    try:
        return convert(latex.strip(), display="block" if display else "inline")
    except Exception as exc:  # latex2mathml raises many exception types for bad input
        raise ValueError(f"cannot render the formula {latex.strip()!r}: {exc}") from exc


def replacer(
    display: bool, tag: str, warn: Callable[[str], None]
) -> Callable[[re.Match[str]], str]:
    """A ``re.sub`` callback: the (HTML-escaped) LaTeX in group 1 becomes MathML.

    The MathML goes in ``<tag class="arithmatex">``, with the punctuation the pattern's second
    group caught after the formula, if it has one; a formula that cannot be converted stays
    as it was and ``warn`` gets the reason (the caller adds where it stands).
    """

    def replace(m: re.Match[str]) -> str:
        try:
            math = to_mathml(html.unescape(m[1]), display)
        except ValueError as exc:
            warn(str(exc))
            return m[0]
        tail = (m[2] or "") if m.re.groups >= 2 else ""
        return f'<{tag} class="arithmatex">{math}{tail}</{tag}>'

    return replace


def convert_html(text: str, warn: Callable[[str], None]) -> str:
    """Every arithmatex formula in ``text`` as MathML (see :func:`replacer` for bad ones)."""
    text = BLOCK.sub(replacer(True, "div", warn), text)
    return INLINE.sub(replacer(False, "span", warn), text)
