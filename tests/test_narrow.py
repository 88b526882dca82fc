"""A figure's layout for narrow screens: picked with its picture, published, served by <picture>."""

from __future__ import annotations

import re

from PIL import Image

from conftest import Project
from figblog.engine import narrow_name
from figblog.engine.refs import scan
from figblog.engine.showable import pick_output
from figblog.narrow import NARROW_MEDIA, media, pictures

# Draws a wide picture and, unless NARROW_IN names another theme, a narrow one.
SCRIPT = """\
import os
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
theme = os.environ["FIGBLOG_THEME"]
fig, ax = plt.subplots(figsize=(6, 2))
ax.plot([0, 1, 0])
fig.savefig("plot.png", dpi=50)
if NARROW_IN in ("every", theme):
    fig.set_size_inches(3, 3)
    fig.savefig("plot.narrow.png", dpi=50)
"""
POST = "# Post\n\n![A plot](figures/plot.py)\n"
PICTURE = re.compile(
    r'<a class="glightbox"[^>]*><picture><source media="([^"]+)" srcset="\.\./([^"]+)"'
    r' width="(\d+)" height="(\d+)"><img ([^>]*)></picture></a>'
)


def test_a_narrow_layout_goes_with_its_picture():
    assert narrow_name("descent.gif") == "descent.narrow.gif"
    (ref,), _ = scan("![A](figures/plot.py)\n", "post.md", "figures")
    names = ["plot.png", "plot.narrow.png", "values.json"]
    assert pick_output(ref, names, "figures/plot.py", "figures") == ("plot.png", None)
    (named,), _ = scan("![A](figures/plot.py#plot.narrow.png)\n", "post.md", "figures")
    assert pick_output(named, names, "figures/plot.py", "figures") == ("plot.narrow.png", None)
    # Without its picture, "x.narrow.png" is just another output.
    _, error = pick_output(ref, ["other.png", "plot.narrow.png"], "figures/plot.py", "figures")
    assert error is not None and "writes 2 files" in error


def test_pictures_puts_the_narrow_source_inside_the_lightbox_link():
    html = (
        '<p><a class="glightbox" href="w.png"><img alt="A" src="w.png#only-light" '
        'data-figblog-narrow="n a,b.png" data-figblog-narrow-size="300x400" width="600" '
        'height="200" /></a> and <img src="plain.png"></p>'
    )
    assert pictures(html) == (
        '<p><a class="glightbox" href="w.png"><picture>'
        f'<source media="{NARROW_MEDIA}" srcset="n%20a%2Cb.png" width="300" height="400">'
        '<img alt="A" src="w.png#only-light" width="600" height="200" /></picture></a>'
        ' and <img src="plain.png"></p>'
    )
    assert pictures("<p><img src='x.png'></p>") == "<p><img src='x.png'></p>"
    # The narrow file sits beside the picture, at the address the page has for it.
    beside = pictures('<img src="../a/b/w.png#only-dark" data-figblog-narrow="n.png">')
    assert 'srcset="../a/b/n.png">' in beside and "data-figblog" not in beside


def _site(project: Project, narrow_in: str, options: str = "") -> tuple[str, str]:
    project.script("plot.py", SCRIPT.replace("NARROW_IN", repr(narrow_in)))
    project.write("docs/post.md", POST)
    yml = project.root / "mkdocs.yml"
    if "glightbox" not in yml.read_text():
        yml.write_text(yml.read_text().replace("plugins:\n", "plugins:\n  - glightbox\n", 1))
    yml.write_text(yml.read_text().replace("      jobs: 2\n", f"      jobs: 2\n{options}"))
    result = project.mkdocs(strict=False)
    assert result.returncode == 0, result.stderr
    return (project.root / "site/post/index.html").read_text(), result.stderr


def test_pictures_gives_a_2x_file_to_dense_screens_and_to_the_lightbox():
    html = (
        '<a class="glightbox" href="../f/w.1.png#only-light" data-gallery="light">'
        '<img alt="A" src="../f/w.1.png#only-light" data-figblog-2x="w.2x.2.png" '
        'data-figblog-narrow="w.narrow.3.png" width="600" height="200" /></a>'
        '<img alt="B" src="v.png#only-dark" data-figblog-2x="v.2x.png">'
    )
    assert pictures(html) == (
        '<a class="glightbox" href="../f/w.2x.2.png#only-light" data-gallery="light"><picture>'
        f'<source media="{NARROW_MEDIA}" srcset="../f/w.narrow.3.png">'
        '<img alt="A" src="../f/w.1.png#only-light" srcset="../f/w.1.png#only-light 1x, '
        '../f/w.2x.2.png#only-light 2x" width="600" height="200" /></picture></a>'
        '<img alt="B" src="v.png#only-dark" srcset="v.png#only-dark 1x, v.2x.png#only-dark 2x">'
    )


DENSE = """\
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from figblog.plotting import save_layouts

def draw(narrow=False):
    fig, ax = plt.subplots(figsize=(3, 3) if narrow else (6, 2))
    ax.plot([0, 1, 0])
    return fig

save_layouts(draw, "plot.png")
"""


def test_a_figure_saved_with_its_layouts_is_published_with_its_2x_file(project):
    project.script("plot.py", DENSE)
    project.write("docs/post.md", POST)
    yml = project.root / "mkdocs.yml"
    yml.write_text(yml.read_text().replace("plugins:\n", "plugins:\n  - glightbox\n", 1))
    result = project.mkdocs()
    assert result.returncode == 0, result.stderr
    html = (project.root / "site" / "post" / "index.html").read_text()
    for theme in ("light", "dark"):
        found = re.search(
            rf'<img [^>]*src="\.\./(assets/figures/plot/plot\.[0-9a-f]{{8}}\.{theme}\.png)'
            rf'#only-{theme}" srcset="\.\./\1#only-{theme} 1x, \.\./(assets/figures/plot/'
            rf'plot\.2x\.[0-9a-f]{{8}}\.{theme}\.png)#only-{theme} 2x"[^>]*>',
            html,
        )
        assert found, html
        one, two = (Image.open(project.root / "site" / f).size for f in found.groups())
        assert two == (2 * one[0], 2 * one[1]) == (1200, 400)
        # Laid out at its 1x size.
        assert f'width="{one[0]}"' in found[0] and f'height="{one[1]}"' in found[0]
        assert f'href="../{found[2]}#only-{theme}"' in html  # the lightbox shows the 2x
    assert "WARNING" not in result.stderr


def test_phones_get_the_narrow_layout_in_each_theme(project):
    html, log = _site(project, "every")
    found = PICTURE.findall(html)
    assert len(found) == 2, html  # light and dark, each a picture inside its lightbox link
    for (query, narrow, width, height, img), theme in zip(found, ("light", "dark"), strict=True):
        assert query == NARROW_MEDIA
        assert re.fullmatch(
            rf"assets/figures/plot/plot\.narrow\.[0-9a-f]{{8}}\.{theme}\.png", narrow
        )
        assert (project.root / "site" / narrow).is_file()  # published
        assert (width, height) == ("150", "150")  # its own size: 3 in at 50 dpi
        assert f"#only-{theme}" in img and "data-figblog" not in img
        assert 'height="100"' in img and 'width="300"' in img  # the wide one keeps its own
    assert "WARNING" not in log


def test_a_narrow_layout_in_one_theme_only_is_a_warning_and_is_not_used(project):
    html, log = _site(project, "light")
    assert "<picture>" not in html
    assert (
        "figure script figures/plot.py writes 'plot.narrow.png' in the light theme only, so no "
        "theme uses it: phones get 'plot.png'; write it in every theme"
    ) in log
    assert "post.md:3" in log


def test_the_widest_screen_with_narrow_layouts_is_an_option_in_em(project):
    assert NARROW_MEDIA == media(600) == "(max-width: 37.5em)"
    html = '<img src="w.png" data-figblog-narrow="n.png">'
    assert '<source media="(max-width: 50em)" srcset="n.png">' in pictures(html, 800)
    page, log = _site(project, "every", "      narrow_width: 800\n")
    assert [found[0] for found in PICTURE.findall(page)] == ["(max-width: 50em)"] * 2
    assert "WARNING" not in log
    yml = project.root / "mkdocs.yml"
    yml.write_text(yml.read_text().replace("narrow_width: 800", "narrow_width: 300"))
    result = project.mkdocs()
    assert result.returncode != 0
    assert "'narrow_width' must be at least 360 (CSS px, a phone's width" in result.stderr


def test_the_example_for_a_script_of_several_files_fits_the_reference():
    names = ["a-summary.md", "plot.png"]
    (image,), _ = scan("![A plot](figures/x.py)\n", "post.md", "figures")
    _, error = pick_output(image, names, "figures/x.py", "figures")
    assert error is not None and error.endswith("e.g. figures/x.py#plot.png")  # a picture
    (text,), _ = scan("![](figures/x.py)\n", "post.md", "figures")
    _, error = pick_output(text, names, "figures/x.py", "figures")
    assert error is not None and error.endswith("e.g. figures/x.py#a-summary.md")  # its text
