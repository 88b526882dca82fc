"""Search snippets read formulas as text, not as the LaTeX typed in the post."""

from __future__ import annotations

import json
from pathlib import Path

from figblog.search_math import clean_index, plain_text


def test_inline_formulas_read_as_text():
    assert plain_text(r"f(x) = w_0 x + w_1") == "f(x) = w0 x + w1"
    assert plain_text(r"96 \times 96 \times 3 = 27\,648") == "96 × 96 × 3 = 27 648"
    assert plain_text(r"\frac{\partial L}{\partial w_0}") == "∂L/∂w0"
    assert plain_text(r"e^{-x} + \sqrt{y}") == "e^−x + √y"
    assert plain_text(r"\max(0, x)") == "max(0, x)"
    assert plain_text(r"\notacommand") == r"\notacommand"  # as typed, rather than nothing


def test_the_index_loses_display_formulas_and_keeps_the_rest(tmp_path: Path):
    index = tmp_path / "search_index.json"
    docs = [
        {
            "location": "a/",
            "title": "A",
            "text": r"<p>Each step is</p> \[ w \leftarrow w \] <p>x</p>",
        },
        {"location": "b/", "title": "B", "text": r"<p>when \(p &gt; 0.5\), say \(\eta\)</p>"},
        {"location": "c/", "title": "C", "text": "<p>no maths</p>"},
    ]
    index.write_text(json.dumps({"config": {"lang": ["en"]}, "docs": docs}))
    assert clean_index(index) == 2
    cleaned = json.loads(index.read_text())
    assert [d["text"] for d in cleaned["docs"]] == [
        "<p>Each step is</p> <p>x</p>",
        "<p>when p &gt; 0.5, say η</p>",
        "<p>no maths</p>",
    ]
    assert cleaned["config"] == {"lang": ["en"]}
    assert clean_index(index) == 0  # nothing left to change: the file is not written again


def test_an_index_that_is_not_the_search_plugins_is_left_alone(tmp_path: Path):
    for text in ["", "not json", '["a list"]', '{"docs": 3}']:
        index = tmp_path / "search_index.json"
        index.write_text(text)
        assert clean_index(index) == 0 and index.read_text() == text
    assert clean_index(tmp_path / "missing.json") == 0
