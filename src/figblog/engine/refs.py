"""Find figure references and value references in Markdown.

A figure reference is an ordinary Markdown image whose source names a script
in the figures folder and, after ``#``, the file it writes::

    ![Alt text](figures/loss_surface.py#loss-surface.png){ .show-source }

A value reference puts one value that a script publishes (``figblog.values``)
inside a sentence, optionally with a format spec of its own::

    It runs {{ sheet_descent.py:epochs }} epochs at a rate of {{ sheet_descent.py:lr | .1e }}.

Both kinds inside fenced code blocks and inline code spans are ignored, so a
post can show the syntax without triggering it (:mod:`prose` says which lines are code).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from figblog.engine.attrs import parse_attrs
from figblog.engine.prose import prose_lines
from figblog.engine.stray import html_images, reference_images, stray_reference

__all__ = ["FigureRef", "RefError", "ValueRef", "scan", "scan_page", "scan_values"]

_IMAGE = re.compile(
    r"!\[(?P<alt>(?:\\.|[^\]\\])*)\]"  # ![alt], with escaped brackets allowed
    r"\(\s*(?P<src>[^)\s]*)(?:\s+(?P<title>\"[^\"]*\"|'[^']*'))?\s*\)"
    r"(?P<attrs>\{[^}\n]*\})?"
)
# The "![alt](" that opens an image whose address runs to the end of the text searched.
_OPENING = re.compile(r"!\[(?:\\.|[^\]\\])*\]\(\s*$")
_SCRIPT = re.compile(r"^(?:[A-Za-z0-9_][A-Za-z0-9_.-]*/)*[A-Za-z0-9_][A-Za-z0-9_.-]*\.py$")
_OUTPUT = re.compile(r"^(?:[A-Za-z0-9_][A-Za-z0-9_.-]*/)*[A-Za-z0-9_][A-Za-z0-9_.-]*$")
# Anything opening with "{{ <something>.py" is meant as a value reference; other double
# braces (LaTeX such as \frac{{a}}{b}) are left alone.
_VALUE_START = re.compile(r"\{\{[ \t]*[^\s{}|:]*\.py(?![A-Za-z0-9_])")
# "{{ name:value }}" without ".py": a value reference whose script lost its suffix.
_NO_SUFFIX = re.compile(
    r"\{\{[ \t]*(?P<script>[A-Za-z0-9_][A-Za-z0-9_./-]*?)(?:\.[A-Za-z0-9]*)?[ \t]*:[ \t]*"
    r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)[ \t]*(?:\|[^{}|\n]*)?\}\}"
)
# "{{ rain fall.py:total }}", "{{ rainfall .py:total }}": a script's name with a space in it.
_SPACED = re.compile(r"\{\{[ \t]*(?P<script>[^\s{}|:]+(?:[ \t]+[^\s{}|:]*?)+\.py)(?![A-Za-z0-9_])")
_VALUE = re.compile(
    r"\{\{[ \t]*(?P<script>[^\s{}|:]+)[ \t]*:[ \t]*(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"[ \t]*(?:\|[ \t]*(?P<fmt>[^{}|\n]*?)[ \t]*)?\}\}"
)


@dataclass(frozen=True)
class FigureRef:
    """One figure reference: where it stands, which script, which output, how shown.

    ``line`` is 1-based and ``start``/``end`` are the character offsets of the
    whole reference (image plus attribute list) within that line.
    """

    page: str
    line: int
    start: int
    end: int
    script: str  # relative to the figures folder, POSIX separators
    output: str | None  # None: the script's single output
    alt: str
    title: str | None = None
    show_source: bool = False
    attrs: str = ""  # the attribute list without .show-source, #id or min_text_px, no braces
    min_text_px: float | None = None  # its own small-text limit (min_text_px=N), if any
    ident: str | None = None  # its #id, given to the figure once, not to each theme's image

    @property
    def where(self) -> str:
        """``page:line``, the way an editor wants it."""
        return f"{self.page}:{self.line}"


@dataclass(frozen=True)
class RefError:
    """A badly formed figure reference, with the place it stands."""

    page: str
    line: int
    message: str
    # The image's (start, end) in its line, when it is one Markdown would show broken.
    span: tuple[int, int] | None = None

    def __str__(self) -> str:
        return f"{self.page}:{self.line}: {self.message}"


@dataclass(frozen=True)
class ValueRef:
    """One value reference: where it stands, which script, which name, which format.

    ``line`` is 1-based and ``start``/``end`` are the character offsets of the
    whole ``{{ ... }}`` within that line. ``fmt`` is None unless the reference
    gives its own format after ``|``.
    """

    page: str
    line: int
    start: int
    end: int
    script: str  # relative to the figures folder, POSIX separators
    name: str
    fmt: str | None = None

    @property
    def where(self) -> str:
        """``page:line``, the way an editor wants it."""
        return f"{self.page}:{self.line}"


def _unsafe(script: str) -> str:
    """``; a script's name may hold ...`` when ``script`` has characters no name may."""
    bad = sorted({c for c in script if not (c.isascii() and (c.isalnum() or c in "_-./"))})
    if not bad:
        return ""
    return (
        f"; a script's path may hold only ASCII letters, digits, '_', '-', '.' and '/', "
        f"not {', '.join(repr(c) for c in bad)}"
    )


def _parse_src(src: str, prefix: str) -> tuple[str, str | None] | str:
    """Split ``prefix/script.py#output``; return an error message if malformed."""
    body = src[len(prefix) + 1 :]
    script, hashmark, output = body.partition("#")
    if not _SCRIPT.match(script) or any(part == ".." for part in script.split("/")):
        return (
            f"badly formed figure reference {src!r}: expected '{prefix}/<script>.py' or "
            f"'{prefix}/<script>.py#<output file>', with a path inside the figures folder"
            + _unsafe(script)
        )
    if hashmark and (not output or not _OUTPUT.match(output) or ".." in output.split("/")):
        return (
            f"badly formed figure reference {src!r}: the part after '#' must name a file "
            "the script writes, such as '#loss-surface.png'"
        )
    return script, (output or None)


def scan(
    text: str, page: str, prefix: str = "figures", *, forms: bool = True
) -> tuple[list[FigureRef], list[RefError]]:
    """Return the figure references in ``text`` and the malformed ones as errors.

    ``forms=False`` leaves out the look for images that name a script in a form the build
    does not read (HTML, reference-style, alt text over two lines): for a caller that
    only wants the references, of a page whose errors were reported when it was scanned.

    ``prefix`` is how a reference's source begins (the figures folder's name);
    images with other sources are left alone, unless they plainly mean a script of
    the figures folder (``/figures/x.py``, see :mod:`stray`). References in code (fenced, indented
    or inline, inside containers too) and in HTML comments are not references, as
    Markdown renders none of them as images. Never raises for any input text.
    """
    refs: list[FigureRef] = []
    errors: list[RefError] = []
    lead = prefix.rstrip("/") + "/"
    opens = "](" + lead  # an image's address that names a script
    prose = list(prose_lines(text, ("![", "](", "<img", "<IMG", "]:") if forms else "!["))
    split: dict[int, int] = {}
    if forms:
        for number, message in reference_images([(n, m) for n, _, m in prose], page, prefix):
            errors.append(RefError(page, number, message))
        split = _split_alt(text, prose, lead)
    for number, line, masked in prose:
        if forms:
            errors.extend(RefError(page, number, why) for why in html_images(masked, page, prefix))
        if number in split:
            errors.append(RefError(page, split[number], _SPLIT_ALT.format(lead=lead)))
        if "![" not in masked:
            continue
        found = list(_IMAGE.finditer(masked))
        for start in _occurrences(masked, opens):
            if not any(im.start() < start < im.end() for im in found):
                address = masked[start + len(opens) :].split(")", 1)
                span = None
                if len(address) == 2 and any(c.isspace() for c in address[0].strip()):
                    message = (
                        f"the figure reference '{lead}{address[0].strip()}' has a space in its "
                        "address: script and output names cannot hold spaces (write "
                        "'with-dashes.png'; a title goes in quotes after the address)"
                    )
                    opened = _OPENING.search(masked, 0, start + 2)  # through its "]("
                    if opened is not None:  # Markdown shows it as a broken image
                        span = (opened.start(), start + len(opens) + len(address[0]) + 1)
                elif len(address) == 2 and "![" in masked[:start]:
                    message = (
                        f"the figure reference to '{lead}{address[0]}' is no image: its alt "
                        "text holds another image or brackets, which Markdown cannot read "
                        f"there; write ![what it shows]({lead}{address[0]}) with plain words"
                    )
                else:
                    message = (
                        "a figure reference that is not closed: write "
                        f"![what it shows]({lead}<script>.py#<output>) on one line, with its ')'"
                    )
                errors.append(RefError(page, number, message, span))
        for im in found:
            src = im["src"].strip("<>")
            if not src.startswith(lead):
                stray = stray_reference(src, page, prefix)
                if stray:
                    errors.append(RefError(page, number, stray))
                continue
            parsed = _parse_src(src, prefix.rstrip("/"))
            if isinstance(parsed, str):
                errors.append(RefError(page, number, parsed, (im.start(), im.end())))
                continue
            script, output = parsed
            attrs = parse_attrs(im["attrs"], masked[im.end() :])
            errors.extend(RefError(page, number, error) for error in attrs.errors)
            title = im["title"][1:-1] if im["title"] else None
            refs.append(
                FigureRef(
                    page=page,
                    line=number,
                    start=im.start(),
                    end=im.end(),
                    script=script,
                    output=output,
                    alt=line[im.start("alt") : im.end("alt")],
                    title=title,
                    show_source=attrs.show_source,
                    attrs=attrs.rest,
                    min_text_px=attrs.min_text_px,
                    ident=attrs.ident,
                )
            )
    errors.sort(key=lambda error: error.line)
    return refs, errors


def _occurrences(text: str, sub: str) -> Iterator[int]:
    """Where ``sub`` begins in ``text``, left to right, not overlapping."""
    at = text.find(sub)
    while at != -1:
        yield at
        at = text.find(sub, at + len(sub))


_OPEN_ALT = re.compile(r"!\[(?:\\.|[^\]\\])*$")
_SPLIT_ALT = (
    "the alt text of this figure reference runs over more than one line, which the build "
    "does not read: write the whole ![what it shows]({lead}<script>.py) on one line"
)


def _split_alt(text: str, prose: list[tuple[int, str, str]], lead: str) -> dict[int, int]:
    """Lines whose figure address closes alt text begun on an earlier line -> that line."""
    lines = text.split("\n")
    split = {}
    opened = None  # the line of an alt text left open, in the paragraph so far
    for number, _line, masked in prose:
        if opened is not None and any(not line.strip() for line in lines[opened : number - 1]):
            opened = None  # a blank line between: another paragraph
        if opened is not None and "](" + lead in masked.split("![")[0]:
            split[number] = opened
        if _OPEN_ALT.search(masked):
            opened = number
        elif "](" in masked:
            opened = None
    return split


def scan_values(text: str, page: str) -> tuple[list[ValueRef], list[RefError]]:
    """Return the value references in ``text`` and the malformed ones as errors.

    Never raises for any input text.
    """
    refs: list[ValueRef] = []
    errors: list[RefError] = []
    for number, _line, masked in prose_lines(text, "{{"):
        for near in _NO_SUFFIX.finditer(masked):
            if not _VALUE_START.match(masked, near.start()):
                meant = f"{{{{ {near['script']}.py:{near['name']} }}}}"
                errors.append(
                    RefError(
                        page,
                        number,
                        f"{near[0]!r} is no value reference: the script's name ends in '.py', "
                        f"as in '{meant}'",
                    )
                )
        for spaced in _SPACED.finditer(masked):
            script = re.sub(r"\s+", "", spaced["script"])
            end = masked.find("}}", spaced.end())
            shown = masked[spaced.start() : end + 2] if end != -1 else spaced[0]
            rest = _VALUE.match(shown.replace(spaced["script"], script, 1))
            meant = f"{{{{ {script}:{rest['name']} }}}}" if rest else f"{{{{ {script}:<name> }}}}"
            errors.append(
                RefError(
                    page,
                    number,
                    f"{shown.strip()!r} is no value reference: a script's name holds no spaces, "
                    f"as in '{meant}'",
                )
            )
        for start in _VALUE_START.finditer(masked):
            m = _VALUE.match(masked, start.start())
            script = m["script"] if m else ""
            if m is None or not _SCRIPT.match(script) or ".." in script.split("/"):
                end = masked.find("}}", start.start())
                shown = masked[start.start() : end + 2] if end != -1 else masked[start.start() :]
                what = "badly formed value reference" if end != -1 else "value reference not closed"
                errors.append(
                    RefError(
                        page,
                        number,
                        f"{what} {shown.strip()!r}: expected "
                        "'{{ <script>.py:<name> }}' or '{{ <script>.py:<name> | <format> }}' "
                        "on one line, with the script's path inside the figures folder"
                        + _unsafe(script),
                    )
                )
                continue
            fmt = m["fmt"] or None
            refs.append(ValueRef(page, number, m.start(), m.end(), script, m["name"], fmt))
    return refs, errors


def scan_page(
    text: str, page: str, prefix: str = "figures"
) -> tuple[list[FigureRef], list[ValueRef], list[RefError]]:
    """A page's figure and value references, and its malformed ones in line order."""
    refs, errors = scan(text, page, prefix)
    values, value_errors = scan_values(text, page)
    return refs, values, sorted([*errors, *value_errors], key=lambda e: e.line)
