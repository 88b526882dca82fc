"""What a page says of a script's runs: which theme failed, when the themes fared differently."""

from __future__ import annotations

from figblog.engine.showable import run_failure


def test_a_failure_names_its_theme_only_when_the_themes_fared_differently():
    assert run_failure({"light": "", "dark": ""}) is None
    assert run_failure({"light": "boom", "dark": "boom"}) == "boom"
    assert run_failure({"light": "", "dark": "boom"}) == "in the dark theme only: boom"
    assert run_failure({"light": "A", "dark": "B"}) == "in the light theme: A\nin the dark theme: B"
    # Errors that name their theme and say the same are one error naming both.
    tagged = {"light": "x.py [light]: no files\n  at 1", "dark": "x.py [dark]: no files\n  at 1"}
    assert run_failure(tagged) == "x.py [light, dark]: no files\n  at 1"
    # Different ones are left as they are: each names its theme already.
    tagged = {"light": "x.py [light]: no files", "dark": "x.py [dark]: failed"}
    assert run_failure(tagged) == "x.py [light]: no files\nx.py [dark]: failed"
