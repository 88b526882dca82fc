"""No number is typed into a post's prose: each comes from a script, or is a reviewed constant.

Digits are looked for in the prose of docs/blog/posts/*.md, alt texts and captions included.
Left out: front matter, fenced and inline code, maths (``$...$`` and ``$$...$$`` blocks, where
digits are part of how symbols are defined), link and image addresses, attribute lists, and
value references (``{{ script.py:name }}``, computed when the site is built). What remains
must be covered by a phrase in tests/post_numbers_allowed.txt, one per line.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
POSTS = sorted((REPO / "docs" / "blog" / "posts").glob("*.md"))
ALLOWED = REPO / "tests" / "post_numbers_allowed.txt"

_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")
_HIDDEN = [
    re.compile(r"(`+).*?\1"),  # inline code
    re.compile(r"\{\{.*?\}\}"),  # computed values
    re.compile(r"(?<![\\$])\$(?!\$)(?:\\.|[^$\\])+\$"),  # inline maths
    re.compile(r"(?<=\))\{[^}\n]*\}"),  # attribute lists after an image or link
    re.compile(r"\]\([^)]*\)"),  # link and image addresses
    re.compile(r"<!--.*?-->"),
]
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def allowed_phrases() -> list[str]:
    lines = ALLOWED.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def prose_lines(text: str) -> list[tuple[int, str]]:
    """``(line number, line with everything but prose blanked)`` for every prose line."""
    lines = text.split("\n")
    out: list[tuple[int, str]] = []
    i = 0
    if lines and lines[0].strip() == "---":  # front matter
        i = next((k for k in range(1, len(lines)) if lines[k].strip() == "---"), 0) + 1
    fence: str | None = None
    display_math = False
    for number, line in enumerate(lines[i:], start=i + 1):
        m = _FENCE.match(line)
        if fence is not None:
            if (
                m
                and m[1][0] == fence[0]
                and len(m[1]) >= len(fence)
                and not line[m.end() :].strip()
            ):
                fence = None
            continue
        if m:
            fence = m[1]
            continue
        if line.strip().startswith("$$") or display_math:
            # A $$ block: a line holding one $$ opens or closes it ($$...$$ on one line does both).
            if line.count("$$") % 2 == 1:
                display_math = not display_math
            continue
        for pattern in _HIDDEN:
            line = pattern.sub(lambda m: " " * len(m[0]), line)
        out.append((number, line))
    return out


def typed_numbers(text: str, allowed: list[str]) -> list[tuple[int, str, set[str]]]:
    """``(line, number, phrases used)`` for each number not covered by an allowed phrase."""
    found = []
    for number, line in prose_lines(text):
        covered: list[tuple[int, int, str]] = []
        for phrase in allowed:
            covered += [(m.start(), m.end(), phrase) for m in re.finditer(re.escape(phrase), line)]
        for m in _NUMBER.finditer(line):
            users = {p for s, e, p in covered if s <= m.start() and m.end() <= e}
            found.append((number, m[0], users))
    return found


def test_the_check_finds_typed_numbers_and_skips_what_is_not_prose():
    text = (
        "---\ndate: 2026-11-02\n---\n\n# Title\n\n"
        "It ran 51 epochs, `lr = 0.1` in code, $h = 0.01$ in maths, {{ x.py:n }} computed.\n\n"
        "```python\nEPOCHS = 51\n```\n\n$$\nx^2 + 1\n$$\n\n"
        "![Plot over 40 runs](figures/a2.py#b3.png){ width=300 } and a 3 × 3 kernel.\n"
    )
    found = typed_numbers(text, ["3 × 3"])
    assert [(line, num) for line, num, users in found if not users] == [(7, "51"), (17, "40")]
    assert [(line, num) for line, num, users in found if users] == [(17, "3"), (17, "3")]


def test_no_post_types_a_number_outside_the_allow_list():
    allowed = allowed_phrases()
    offending, used = [], set()
    for post in POSTS:
        for line, num, users in typed_numbers(post.read_text(encoding="utf-8"), allowed):
            used |= users
            if not users:
                offending.append(f"{post.relative_to(REPO)}:{line}: {num}")
    assert not offending, (
        "numbers typed into posts; publish them from the script that computes them "
        "(figblog.values.publish) and write {{ script.py:name }}, or, for a true constant, "
        f"add the phrase to {ALLOWED.relative_to(REPO)}:\n" + "\n".join(offending)
    )
    unused = [p for p in allowed if p not in used]
    assert not unused, f"allow-list phrases no post needs any more: {unused}"


@pytest.mark.parametrize("post", POSTS, ids=lambda p: p.name)
def test_every_value_reference_names_a_figure_script(post):
    for ref in re.findall(r"\{\{\s*([^\s:|}]+)\s*:", post.read_text(encoding="utf-8")):
        assert (REPO / "figures" / ref).is_file(), f"{post.name}: no figures/{ref}"
