"""The spreadsheet widget's CSS and JS tags stay only on pages that show the widget."""

from __future__ import annotations

from types import SimpleNamespace

from figblog.widget_assets import drop_unused_widget_assets, on_post_page

PAGE = """<html><head>
      <link rel="stylesheet" href="../stylesheets/reader.css">
      <link rel="stylesheet" href="../stylesheets/sheet-widget.css">
</head><body><article>{body}</article>
        <script src="../javascripts/reader.js" defer=""></script>
        <script src="../javascripts/sheet-widget.js" defer=""></script>
</body></html>"""
WIDGET = '<div class="sheet-widget" data-x="[1, 2]"><p>needs JavaScript</p></div>'


def test_a_page_without_the_widget_loses_both_tags_and_nothing_else() -> None:
    page = PAGE.format(body="<p>A post about sheets: the sheet-widget class is named here.</p>")
    dropped = drop_unused_widget_assets(page)
    assert "sheet-widget.css" not in dropped and "sheet-widget.js" not in dropped
    assert "reader.css" in dropped and "reader.js" in dropped
    assert "the sheet-widget class is named here" in dropped
    removed = set(page.splitlines()) - set(dropped.splitlines())
    assert len(removed) == 2 and all("sheet-widget." in line for line in removed)


def test_a_page_with_the_widget_keeps_them() -> None:
    for widget in (WIDGET, WIDGET.replace('"sheet-widget"', "'wide sheet-widget'")):
        page = PAGE.format(body=widget)
        assert drop_unused_widget_assets(page) == page


def test_a_loss_grid_alone_keeps_the_style_sheet_only() -> None:
    page = PAGE.format(body='<table class="loss-grid"><tr><td>1</td></tr></table>')
    dropped = drop_unused_widget_assets(page)
    assert "sheet-widget.css" in dropped and "sheet-widget.js" not in dropped


def test_tags_at_the_site_root_are_found_too() -> None:
    page = PAGE.format(body="").replace("../", "")
    assert "sheet-widget" not in drop_unused_widget_assets(page)


def test_instant_navigation_keeps_them_everywhere() -> None:
    page = PAGE.format(body="<p>no widget</p>")

    def config(*features: str) -> SimpleNamespace:
        return SimpleNamespace(theme={"features": list(features)})

    assert on_post_page(page, None, config("navigation.top", "navigation.instant")) == page
    assert "sheet-widget" not in on_post_page(page, None, config("navigation.top"))
