"""The quick way through plain lines in prose.py answers as the full one does."""

from __future__ import annotations

import random

from figblog.engine.prose import _Blocks, prose_lines

# Pieces of Markdown lines that open, close or sit inside every kind of block prose.py knows.
_LINES = [
    "",
    "   ",
    "\t",
    "\r",
    "\u00a0",
    "text with ![an image](figures/a.py)",
    "Plain prose.",
    "# A heading",
    "    indented code ![x](figures/b.py)",
    "\tcode after a tab",
    "  two spaces in",
    "```",
    "```python",
    "~~~",
    "````",
    "- a list item",
    "* another",
    "+ and another",
    "1. numbered",
    "12) numbered too",
    "!!! note",
    '!!! note "Title"',
    "!not an admonition ![y](figures/c.py)",
    "![lead](figures/d.py)",
    "??? tip",
    "???+ open tip",
    "<pre>",
    "<PRE class='x'>",
    "</pre> after",
    "<div>html</div>",
    "<!-- a comment",
    "still commented ![z](figures/e.py)",
    "--> closed, then prose",
    "before <!-- inline --> after",
    "`code span ![q](figures/f.py)` then text",
    "> a quote",
    "| a | table |",
    "2020 was a year",
    "-not a list",
    "?question",
]


def _state(blocks: _Blocks) -> tuple:
    return (
        tuple(blocks.containers),
        blocks.fence,
        blocks.in_code,
        blocks.prev_blank,
        blocks.in_comment,
        blocks.in_pre,
    )


def test_the_quick_path_gives_the_full_paths_answers_and_state():
    rng = random.Random(7)
    for _ in range(400):
        quick, full = _Blocks(), _Blocks()
        for line in rng.choices(_LINES, k=rng.randint(1, 30)):
            assert quick.prose(line) == full._prose(line), line
            assert _state(quick) == _state(full), line


def test_prose_lines_still_skips_code_and_comments():
    text = "\n".join(
        [
            "![a](figures/a.py)",
            "```",
            "![b](figures/b.py)",
            "```",
            "",
            "    ![c](figures/c.py)",
            "<!-- ![d](figures/d.py) -->",
            "`![e](figures/e.py)` and ![f](figures/f.py)",
        ]
    )
    found = [(number, masked.strip()) for number, _, masked in prose_lines(text, ("![", "]("))]
    assert found == [(1, "![a](figures/a.py)"), (8, "and ![f](figures/f.py)")]
