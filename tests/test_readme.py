"""The README's worked example can be followed as written in this repository."""

from __future__ import annotations

import re

from conftest import REPO
from figblog.mkdocs_plugin import FiguresConfig


def _part(title: str) -> str:
    """The README's text from the heading ``title`` up to the next heading."""
    text = (REPO / "README.md").read_text()
    start = text.index(f"## {title}\n")
    return text[start : text.index("\n#", start + 1)]


def test_the_example_of_adding_a_figure_names_a_script_that_does_not_exist_yet():
    # An author copying the example would overwrite a real figure of the blog.
    part = _part("Adding a figure")
    (script,) = re.findall(r"say `(figures/\w+\.py)`", part)
    assert not (REPO / script).exists(), script
    (saved,) = re.findall(r'save_png\(fig, "([\w.-]+)"\)', part)
    assert f"]({script}#{saved})" in part  # the reference shows what the script saves
    # The references to the blog's own scripts name files those scripts write.
    for other, output in re.findall(r"\]\((figures/\w+\.py)#([\w.-]+)\)", part):
        if other != script:
            assert f'"{output}"' in (REPO / other).read_text(), (other, output)


def test_the_data_folder_the_readme_describes_is_in_the_repository():
    # `mkdocs serve` watches only folders that exist when it starts: without data/ in a fresh
    # clone, a server started before the first data file never saw its edits.
    part = _part("Data files")
    assert "`data/`" in part
    assert (REPO / "data").is_dir()
    assert "data" in FiguresConfig.watch.default  # the plugin watches it unless told otherwise
