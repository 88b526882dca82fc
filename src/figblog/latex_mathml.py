r"""LaTeX to MathML on rendered HTML, for any site generator (no MkDocs in here).

``pymdownx.arithmatex`` in generic mode leaves ``\(...\)`` in a
``<span class="arithmatex">`` and ``\[...\]`` in a ``<div>``; :func:`convert_html`
turns both into MathML, which browsers draw natively. The MkDocs plugin
(:mod:`figblog.mathml`) and the Zensical adapter both call it.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable

from latex2mathml.converter import convert

__all__ = ["BLOCK", "INLINE", "convert_html", "replacer", "to_mathml"]

# The punctuation right after an inline formula (``tail``) and an opening bracket right before
# it (``lead``) go into the formula's box, which reader.css keeps on one line: a line never
# starts with the comma that follows a formula, nor ends with the bracket that opens one.
INLINE = re.compile(
    r'(?P<lead>[(\[]*)<span class="arithmatex">\\\((?P<tex>.*?)\\\)</span>'
    r"(?P<tail>[,.;:!?)\]]*)",
    re.S,
)
BLOCK = re.compile(r'<div class="arithmatex">\s*\\\[(?P<tex>.*?)\\\]\s*</div>', re.S)


_NS = "http://www.w3.org/1998/Math/MathML"
ET.register_namespace("", _NS)
# An operator name (\log, \max, \operatorname{Var}) is the only token latex2mathml writes
# as one <mi> or <mo> of several letters; an unknown command comes out as "<mi>\foo</mi>".
_NAMED = re.compile(r"<m[io]>(?:\\[A-Za-z]+|[A-Za-z]{2,})</m[io]>")
# A sign right after another operator: "= -1/n", "(-x". Between two operators the browser
# takes it for a binary minus and puts a wide gap on each side; TeX makes it a unary one.
_SIGN_AFTER_OPERATOR = re.compile(r"</mo><mo>&#x0(?:2212|002B|00B1|2213);</mo>")
_SIGNS = set("\u2212+\u00b1\u2213")
# Names TeX knows that latex2mathml leaves as "\name" (it does handle \log, \max and most).
_TEX_NAMES = {"arg", "deg", "det", "dim", "gcd", "hom", "ker", "lg", "Pr"}
_CLOSE = set(")]}|\u27e9\u2016!")  # what ends an ordinary term, a factorial's "!" too
_SCRIPTED = {f"{{{_NS}}}{tag}" for tag in ("msub", "msup", "msubsup", "munder", "mover")}
_MO = f"{{{_NS}}}mo"
_TOKENS = {f"{{{_NS}}}mi", _MO}
_THIN = "0.1667em"


def to_mathml(latex: str, display: bool) -> str:
    r"""Convert one formula; raise ValueError naming the formula if it cannot be parsed.

    An unknown command (``\foo``) is such an error too: it would be shown as typed.
    """
    try:
        math = convert(latex.strip(), display="block" if display else "inline")
    except Exception as exc:  # latex2mathml raises many exception types for bad input
        raise ValueError(f"cannot render the formula {latex.strip()!r}: {exc}") from exc
    if "<mi>&</mi>" in math or 'linebreak="newline"' in math:
        # latex2mathml leaves "&" as text and "\\" as a line break browsers do not draw.
        raise ValueError(
            f"cannot render the formula {latex.strip()!r}: browsers cannot break or align "
            "its lines ('&' or '\\\\' outside a matrix); write each line as a formula of its own"
        )
    if not _NAMED.search(math) and not _SIGN_AFTER_OPERATOR.search(math):
        return math
    try:
        return _space_like_tex(math)
    except (ValueError, ET.ParseError) as exc:
        raise ValueError(f"cannot render the formula {latex.strip()!r}: {exc}") from None


def _core(element: ET.Element) -> ET.Element | None:
    r"""The <mi> or <mo> an element is, or carries scripts on (``\max_x``), else None."""
    if element.tag in _TOKENS:
        return element
    if element.tag in _SCRIPTED and len(element) and element[0].tag in _TOKENS:
        return element[0]
    return None


def _is_mo(element: ET.Element | None, chars: set[str]) -> bool:
    return element is not None and element.tag == _MO and (element.text or "") in chars


def _space_like_tex(math: str) -> str:
    r"""Space ``\log``, ``\max`` and the like, and unary signs, as TeX does.

    latex2mathml writes some as ``<mi>`` (no space at all: ``y \log p`` reads "ylogp") and
    others as ``<mo>`` (the browser's default operator spacing: ``\max(0, x)`` gets a gap
    before and after "max", a blank at the start of a line). Each becomes an ``<mo>`` with
    TeX's spaces: a thin space beside an ordinary symbol or a closing bracket, none at
    either end of its row, none next to an operator (which spaces itself) or before an
    opening bracket. A sign after an operator or an opening bracket gets no space.
    """
    root = ET.fromstring(math)
    for parent in root.iter():
        children = list(parent)
        for i, child in enumerate(children):
            if i == 0 and parent.tag in _SCRIPTED:
                continue  # the base of \max_x: spaced as the whole, among its siblings
            before = children[i - 1] if i else None
            after = children[i + 1] if i + 1 < len(children) else None
            after_operator = before is not None and before.tag == _MO
            if _is_mo(child, _SIGNS) and after_operator and not _is_mo(before, _CLOSE):
                child.set("lspace", "0")
                child.set("rspace", "0")
                continue
            core = _core(child)
            text = (core.text or "") if core is not None else ""
            name = text.lstrip("\\")
            if text.startswith("\\") and name not in _TEX_NAMES:
                raise ValueError(f"unknown command \\{name}")
            if core is None or len(name) < 2 or not name.isalpha():
                continue
            core.tag, core.text = _MO, name
            spaced_before = before is not None and (before.tag != _MO or _is_mo(before, _CLOSE))
            spaced_after = after is not None and after.tag != _MO
            core.set("lspace", _THIN if spaced_before else "0")
            core.set("rspace", _THIN if spaced_after else "0")
    return ET.tostring(root, encoding="unicode")


def replacer(
    display: bool, tag: str, warn: Callable[[str], None]
) -> Callable[[re.Match[str]], str]:
    """A ``re.sub`` callback: the (HTML-escaped) LaTeX in group 1 becomes MathML.

    The LaTeX is the group named ``tex`` (else group 1). The MathML goes in
    ``<tag class="arithmatex">``, with the punctuation the pattern's groups ``lead`` and
    ``tail`` caught before and after the formula, if it has them; a formula that cannot be
    converted stays as it was and ``warn`` gets the reason (the caller adds where it stands).
    """

    def replace(m: re.Match[str]) -> str:
        named = m.re.groupindex
        try:
            math = to_mathml(html.unescape(m["tex"] if "tex" in named else m[1]), display)
        except ValueError as exc:
            warn(str(exc))
            return m[0]
        lead = (m["lead"] or "") if "lead" in named else ""
        tail = (m["tail"] or "") if "tail" in named else ""
        return f'<{tag} class="arithmatex">{lead}{math}{tail}</{tag}>'

    return replace


def convert_html(text: str, warn: Callable[[str], None]) -> str:
    """Every arithmatex formula in ``text`` as MathML (see :func:`replacer` for bad ones)."""
    text = BLOCK.sub(replacer(True, "div", warn), text)
    return INLINE.sub(replacer(False, "span", warn), text)
