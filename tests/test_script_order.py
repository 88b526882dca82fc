"""The glightbox library tag leaves <head>, deferred; its init script waits for it."""

from __future__ import annotations

from figblog.script_order import move_lightbox_script

PAGE = """<html><head>
<link rel="stylesheet" href="../assets/stylesheets/glightbox.min.css">
  <script src="../assets/javascripts/glightbox.min.js"></script>
<title>t</title>
</head><body><p>text</p>
<script src="../assets/javascripts/bundle.min.js"></script>
<script id="init-glightbox">const lightbox = GLightbox({});</script></body></html>"""


def test_the_library_moves_to_just_before_its_init_script_deferred() -> None:
    moved = move_lightbox_script(PAGE)
    head, body = moved.split("</head>")
    assert "glightbox.min.js" not in head and "glightbox.min.css" in head
    assert body.count('<script src="../assets/javascripts/glightbox.min.js" defer></script>') == 1
    assert body.index("bundle.min.js") < body.index("glightbox.min.js") < body.index("init-")
    assert moved.replace("\n", "").count("<script") == PAGE.replace("\n", "").count("<script")
    # Deferred scripts run before DOMContentLoaded: the init waits for it.
    init = body[body.index('<script id="init-glightbox">') :]
    assert init.startswith(
        '<script id="init-glightbox">document.addEventListener("DOMContentLoaded", () => {\n'
        "const lightbox = GLightbox({});\n});</script>"
    )


def test_pages_without_both_tags_are_left_alone() -> None:
    no_init = PAGE.replace('<script id="init-glightbox">', "<script>")
    assert move_lightbox_script(no_init) == no_init
    no_library = PAGE.replace("glightbox.min.js", "other.js")
    assert move_lightbox_script(no_library) == no_library
    in_body_already = move_lightbox_script(PAGE)
    assert move_lightbox_script(in_body_already) == in_body_already
