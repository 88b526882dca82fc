"""Alt texts of notebook plots: from the cell's metadata or the figure's labels; never none."""

from __future__ import annotations

import logging
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pytest
from nbconvert.filters import DataTypeFilter
from tests.conftest import REPO, notebook

from figblog.notebook_alt import (
    DARK_INVERT,
    PLACEHOLDER,
    apply_alts,
    check_alts,
    mark_dark_zoom,
    plot_alts,
)
from figblog.notebook_figures import describe_figure

PNG = {"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"}


def _plot(alt: str | None = None) -> dict:
    meta = {"image/png": {"alt": alt}} if alt else {}
    return {"output_type": "display_data", "data": dict(PNG), "metadata": meta}


def _cell(*outputs: dict, alt: object = None) -> dict:
    meta = {} if alt is None else {"alt": alt}
    return {"cell_type": "code", "metadata": meta, "outputs": list(outputs), "source": ""}


def _page(*alts: str) -> str:
    blocks = "".join(
        f'<div class="jp-Cell" id="cell-id=c{i}"><div class="jp-RenderedImage jp-OutputArea-output">'
        f'<a class="glightbox" data-type="image" href="data:image/png;base64,AAA{i}">'
        f'<img alt="{alt}" class="" src="data:image/png;base64,AAA{i}"></a></div></div>'
        for i, alt in enumerate(alts)
    )
    return f"<html><body>{blocks}</body></html>"


def test_alt_comes_from_the_cell_then_from_the_output_metadata():
    nb = {
        "cells": [
            {"cell_type": "markdown", "metadata": {"alt": "not a plot"}, "source": ""},
            _cell(_plot("recorded"), alt="written by the author"),
            _cell(_plot("recorded by show_figure")),
            _cell(_plot(), _plot(), alt=["first", "second"]),
            _cell(_plot()),
            _cell({"output_type": "stream", "name": "stdout", "text": "hi"}),
            _cell({"output_type": "display_data", "data": {"text/html": "<b>x</b>", **PNG}}),
        ]
    }
    assert plot_alts(nb, DataTypeFilter()) == [
        "written by the author",
        "recorded by show_figure",
        "first",
        "second",
        None,
    ]


def test_an_alt_of_the_wrong_type_is_a_warning_naming_the_notebook_and_cell(caplog):
    nb = {"cells": [_cell(_plot(), alt={"text": "x"})]}
    with caplog.at_level(logging.WARNING):
        assert plot_alts(nb, DataTypeFilter(), "notebooks/n.ipynb") == [None]
    assert "notebooks/n.ipynb: cell 1: metadata 'alt' must be a string or a list" in caplog.text


def test_alts_replace_the_placeholder_escaped():
    page = _page(PLACEHOLDER, PLACEHOLDER)
    out = apply_alts(page, ['Loss "falls" & <rises>', None])
    alts = re.findall(r'<img alt="([^"]*)"', out)
    assert alts == ["Loss &quot;falls&quot; &amp; &lt;rises&gt;", PLACEHOLDER]
    assert out.count("<img") == 2 and 'src="data:image/png;base64,AAA0"' in out


def test_alts_are_not_set_when_the_plots_do_not_match_the_outputs():
    page = _page(PLACEHOLDER, PLACEHOLDER)
    assert apply_alts(page, ["only one"]) == page


def test_a_plot_with_the_placeholder_or_no_alt_is_reported(caplog):
    page = _page("A real description", PLACEHOLDER, " ")
    with caplog.at_level(logging.WARNING):
        assert check_alts(page, "notebooks/n.ipynb") == 2
    assert "notebooks/n.ipynb: plot 2 (cell c1) has no alt text" in caplog.text
    assert "notebooks/n.ipynb: plot 3 (cell c2) has no alt text" in caplog.text
    assert "plot 1" not in caplog.text


def test_the_zoom_link_of_a_notebook_plot_is_marked_for_the_dark_scheme():
    out = mark_dark_zoom(_page("a", "b"))
    assert out.count(f'href="data:image/png;base64,AAA0{DARK_INVERT}"') == 1
    assert out.count(DARK_INVERT) == 2
    assert 'src="data:image/png;base64,AAA0"' in out  # the inline image is left alone


def test_a_figure_is_described_by_its_labels_and_legend():
    fig, (left, right) = plt.subplots(1, 2)
    left.plot([0, 1], [1, 2], label="correct")
    left.plot([0, 1], [2, 1], label="swapped")
    left.set(yscale="log", xlabel="epoch", ylabel="RMSE", title="Descent")
    left.legend()
    right.scatter([1], [2])
    right.set(xlabel="x", ylabel="y")
    assert describe_figure(fig) == (
        "Two plots. Left: Descent: RMSE against epoch (vertical axis on a log scale),"
        " showing correct and swapped. Right: y against x."
    )
    plt.close(fig)


def test_a_figure_that_labels_nothing_cannot_be_described():
    fig, ax = plt.subplots()
    ax.plot([0, 1])
    with pytest.raises(ValueError, match=r"no title, axis label or legend.*show_figure"):
        describe_figure(fig)
    plt.close(fig)


NOTEBOOK_YML = f"""\
site_name: notebook alt test
plugins:
  - mkdocs-jupyter:
      execute: true
      allow_errors: false
hooks:
  - {REPO / "src" / "figblog" / "notebook_alt.py"}
"""

LABELLED = """\
import matplotlib.pyplot as plt
from figblog.notebook_figures import show_figure
fig, ax = plt.subplots(figsize=(2, 1.5))
ax.plot([0, 1, 2], [3, 1, 2])
ax.set_xlabel("step")
ax.set_ylabel("loss")
show_figure(fig)
"""

UNLABELLED = """\
fig, ax = plt.subplots(figsize=(2, 1.5))
ax.plot([0, 1, 2], [0, 1, 0])
"""


def test_a_notebook_build_uses_the_figures_labels_and_fails_strict_on_a_bare_plot(project):
    project.write("mkdocs.yml", NOTEBOOK_YML)
    project.write("docs/index.md", "# Home\n")
    project.write("docs/nb.ipynb", notebook(LABELLED, UNLABELLED))
    done = project.mkdocs(strict=False)
    assert done.returncode == 0, done.stderr
    page = (project.root / "site" / "nb" / "index.html").read_text("utf-8")
    alts = re.findall(r'<img alt="([^"]*)"', page)
    assert alts == ["Loss against step.", PLACEHOLDER], alts
    # The notebook's path from the project and the cell's number, as its errors give them.
    assert "WARNING -  figblog: docs/nb.ipynb: plot 2 (cell 2) has no alt text" in done.stderr

    # The executed page now comes from mkdocs-jupyter's cache, and is still checked.
    again = project.mkdocs(strict=True)
    assert again.returncode != 0
    assert "Cache hit" in again.stderr
    assert "docs/nb.ipynb: plot 2 (cell 2) has no alt text" in again.stderr


def test_a_notebook_that_chose_the_agg_backend_still_shows_its_figure(project):
    project.write("mkdocs.yml", NOTEBOOK_YML)
    project.write("docs/index.md", "# Home\n")
    agg = "import matplotlib\nmatplotlib.use('Agg')\n" + LABELLED  # as in a figure script
    project.write("docs/nb.ipynb", notebook(agg))
    done = project.mkdocs(strict=True)
    assert done.returncode == 0, done.stderr
    page = (project.root / "site" / "nb" / "index.html").read_text("utf-8")
    assert re.findall(r'<img alt="([^"]*)"', page) == ["Loss against step."]
    assert "&lt;Figure size" not in page
