"""What an error box puts on a page: the script's words, escaped, and no path of this machine."""

from __future__ import annotations

import pytest

from conftest import MKDOCS_YML, Project


@pytest.fixture
def odd_project(tmp_path, monkeypatch) -> Project:
    """A project in a folder with a name no page should ever show."""
    proj = Project(tmp_path / "zz-Build-Machine-Folder-4711" / "proj")
    (proj.root / "figures").mkdir(parents=True)
    (proj.root / "docs").mkdir()
    (proj.root / "lib").mkdir()
    proj.write("mkdocs.yml", MKDOCS_YML.format(timeout=60))
    monkeypatch.setenv("PYTHONPATH", str(proj.root / "lib"))
    return proj


def test_an_error_box_shows_the_message_as_text_and_no_absolute_path(odd_project):
    odd_project.write(
        "lib/helper.py",
        "MESSAGE = 'bad\\n```\\n<script>alert(1)</script>\\n~~~~\\n'\n\n"
        "def fail():\n    raise ValueError(MESSAGE)\n",
    )
    odd_project.script("bad.py", "import helper\nhelper.fail()\n")
    odd_project.write("docs/index.md", "# Post\n\n![A plot](figures/bad.py#x.png)\n\nAfter.\n")
    result = odd_project.mkdocs(strict=False)
    assert result.returncode == 0, result.stderr
    html = (odd_project.root / "site" / "index.html").read_text()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "After." in html  # the box closed where it should, and the page goes on
    for page in (odd_project.root / "site").rglob("*.html"):
        assert "zz-Build-Machine-Folder-4711" not in page.read_text(), page
    assert 'lib/helper.py", line 4, in fail' in html
