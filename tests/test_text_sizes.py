"""Text too small to read on a phone: measured as the run saves its pictures, then checked."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from conftest import Project
from figblog.engine.build import Engine
from figblog.engine.cache import Entry

# 7.2 pt at 100 dpi is 10 pixels of the picture. No ticks: the two texts are all it draws.
WIDE = """\
import io
import os
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
fig, ax = plt.subplots(figsize=(FIG_WIDTH, 2))
ax.set_xticks([])
ax.set_yticks([])
ax.text(0.5, 0.5, "  tiny label ", fontsize=7.2)
ax.set_title("a title", fontsize=14.4)
fig.savefig("wide.png", dpi=100, bbox_inches="tight")
fig.savefig(io.BytesIO(), format="png", dpi=10)  # into a buffer: not a published picture
if NARROW:
    fig.set_size_inches(NARROW, 3)
    fig.savefig("wide.narrow.png", dpi=100)
fig.savefig("sharp.png", dpi=200)  # the same text, twice the pixels
os.makedirs("sub")
os.chdir("sub")
fig.savefig("deeper.png", dpi=50)  # sub/deeper.png among the outputs
"""


def _wide(project: Project, fig_width: float = 14, narrow: float = 0) -> None:
    body = WIDE.replace("FIG_WIDTH", str(fig_width)).replace("NARROW", str(narrow))
    project.script("wide.py", body)


def _made(project: Project, name: str, body: str, warm: bool = True) -> Entry:
    """Write ``figures/<name>`` from ``body`` and build it; the cache entry of its light run."""
    project.script(name, body)
    engine = Engine(
        project.root, project.root / "figures", project.root / ".cache", jobs=2, warm=warm
    )
    entry = engine.build([name])[name, "light"].entry
    assert entry is not None
    return entry


@pytest.mark.parametrize("warm", [True, False], ids=["warm-worker", "fresh-interpreter"])
def test_each_saved_picture_records_its_smallest_text_in_its_own_pixels(project, warm):
    _wide(project)
    engine = Engine(
        project.root, project.root / "figures", project.root / ".cache", jobs=2, warm=warm
    )
    outcomes = engine.build(["wide.py"])
    for theme in ("light", "dark"):
        entry = outcomes["wide.py", theme].entry
        assert entry is not None, outcomes["wide.py", theme].error
        assert entry.manifest["texts"] == {
            "sharp.png": [20.0, "tiny label"],
            "sub/deeper.png": [5.0, "tiny label"],
            "wide.png": [10.0, "tiny label"],
        }


# A figure with a 5 px title, drawn for layout only, before the frames of an animation.
LAID_OUT = """\
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
fig, ax = plt.subplots(figsize=(4, 2), dpi=100)
ax.set_xticks([])
ax.set_yticks([])
ax.set_title("fine print", fontsize=3.6)
fig.canvas.draw()
"""

GIF = (
    LAID_OUT
    + """\
from figblog.plotting import fig_to_image, save_gif
fig.savefig("still.png", dpi=100)  # its own drawing: 5 px
ax.set_title("")
frames = []
for k in range(3):
    label = ax.text(0.1, 0.5, f"frame {k}", fontsize=7.2 + k)
    frames.append(fig_to_image(fig))
    label.remove()
save_gif(frames, "moving.gif")
"""
)


def test_a_gif_saved_with_save_gif_takes_the_smallest_text_its_frames_drew(project):
    entry = _made(project, "moving.py", GIF)
    # The layout draw before the PNG is not the GIF's: frames only, from the first on.
    assert entry.manifest["texts"] == {
        "moving.gif": [10.0, "frame 0"],
        "still.png": [5.0, "fine print"],
    }


def _build(
    project: Project, options: str = "", attrs: str = "", figures: str = "wide.py#wide.png"
) -> str:
    refs = "".join(f"![A wide plot](figures/{ref}){attrs}\n\n" for ref in figures.split())
    project.write("docs/post.md", f"# Post\n\n{refs}")
    yml = project.root / "mkdocs.yml"
    yml.write_text(yml.read_text().replace("      jobs: 2\n", f"      jobs: 2\n{options}"))
    result = project.mkdocs(strict=False)
    assert result.returncode == 0, result.stderr
    return "\n".join(line for line in result.stderr.splitlines() if "WARNING" in line)


def test_a_wide_picture_with_small_text_is_a_warning_naming_page_and_sizes(project):
    _wide(project)
    warnings = _build(project)
    assert "docs/post.md:3: the figure wide.png from figures/wide.py" in warnings, warnings
    # Cropped tight to its axes, 14 in at 100 dpi is ~1,090 px, shown 328 px wide: 10 -> 3 px.
    size = re.search(r"smallest text \('tiny label'\) at (\d+\.\d) px", warnings)
    assert size is not None and 2.8 <= float(size[1]) <= 3.2, warnings
    assert "on a 360 px wide phone, under the 5 px the plugin's 'min_text_px'" in warnings
    assert "draw a narrow layout 'wide.narrow.png'" in warnings
    assert "sharp.png" not in warnings  # not on the page
    assert project.mkdocs().returncode != 0  # a strict build stops on it


def test_a_picture_that_fits_or_has_a_readable_narrow_layout_passes(project):
    _wide(project, fig_width=3)  # ~300 px: shown at full size, 10 px text
    assert "min_text_px" not in _build(project)
    _wide(project, narrow=3)  # phones get the 300 px narrow layout
    assert "min_text_px" not in _build(project)


def test_a_narrow_layout_still_too_wide_is_named_in_the_warning(project):
    _wide(project, narrow=10)  # 1,000 px: 10 px text shown at 3.3 px
    warnings = _build(project)
    assert "the figure wide.png from figures/wide.py shows its smallest text" in warnings
    assert "at 3.3 px" in warnings
    assert "make its text larger or its figure narrower in 'wide.narrow.png'" in warnings


def test_min_text_px_sets_the_limit_and_0_turns_the_check_off(project):
    _wide(project, fig_width=3)
    assert "under the 12 px" in _build(project, "      min_text_px: 12\n")
    _wide(project)
    yml = project.root / "mkdocs.yml"
    yml.write_text(yml.read_text().replace("min_text_px: 12", "min_text_px: 0"))
    assert "min_text_px" not in _build(project)


def test_a_reference_may_accept_smaller_text_or_ask_for_larger(project):
    _wide(project)  # its text comes out at 3.0 px on a phone
    assert "min_text_px" not in _build(project, attrs="{ min_text_px=2.5 }")
    html = (project.root / "site" / "post" / "index.html").read_text()
    assert "min_text_px" not in html and "wide." in html  # not an attribute of the picture
    warnings = _build(project, attrs="{ min_text_px=4 }")
    assert "at 3.0 px on a 360 px wide phone, under the 4 px its reference's min_text_px" in (
        warnings
    )
    _wide(project, fig_width=3)  # 10 px on a phone: too small only for its own limit
    assert "under the 12 px its reference's" in _build(project, attrs="{ min_text_px=12 }")
    assert "min_text_px" not in _build(project, "      min_text_px: 12\n", "{ min_text_px=0 }")


# 7.2 pt is 9.6 CSS px in an SVG, whose size matplotlib writes in points: 4 in is 384 px.
SVG = """\
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
matplotlib.rcParams["svg.fonttype"] = "FONTTYPE"
matplotlib.rcParams["svg.hashsalt"] = "same ids each run"  # as the theme sets it
fig, ax = plt.subplots(figsize=(4, 2))
ax.set_xticks([])
ax.set_yticks([])
ax.text(0.5, 0.5, "tiny label", fontsize=7.2)
fig.savefig("plot.svg", dpi=200)  # no pixels: the dpi is only for rasterised parts
ax.set_rasterized(True)
fig.savefig("raster.svg", dpi=200)  # its text drawn by Agg at 200 dpi, shown as the rest
fig.savefig("raster.png", dpi=200)  # the same drawing in a raster picture: 20 px
"""


@pytest.mark.parametrize("fonttype", ["path", "none"])
def test_an_svg_records_its_text_in_the_css_pixels_of_its_size(project, fonttype):
    entry = _made(project, "vector.py", SVG.replace("FONTTYPE", fonttype))
    assert entry.manifest["texts"] == {
        "plot.svg": [9.6, "tiny label"],
        "raster.png": [20.0, "tiny label"],
        "raster.svg": [9.6, "tiny label"],
    }
    assert entry.facts("plot.svg").pixels == (384, 192)  # the same unit as its text


# 14 in wide: 1,344 CSS px, shown 328 px wide on a phone. The same picture, its size left
# to the page (a width in percent), is shown at a size nobody knows here.
WIDE_SVG = """\
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
fig, ax = plt.subplots(figsize=(14, 2))
ax.set_xticks([])
ax.set_yticks([])
ax.text(0.5, 0.5, "tiny label", fontsize=7.2)
fig.savefig("wide.svg")
fig.savefig("fluid.svg")
with open("fluid.svg") as fh:
    svg = fh.read()
with open("fluid.svg", "w") as fh:
    fh.write(svg.replace('width="1008pt"', 'width="100%"', 1))
"""


def test_an_svg_with_small_text_is_a_warning_unless_its_size_is_not_known(project):
    project.script("wide.py", WIDE_SVG)
    warnings = _build(project, figures="wide.py#wide.svg wide.py#fluid.svg")
    # 7.2 pt is 9.6 CSS px in 1,344: 2.3 px in the phone's 328.
    assert "the figure wide.svg from figures/wide.py shows its smallest text" in warnings
    assert "('tiny label') at 2.3 px on a 360 px wide phone" in warnings, warnings
    assert "fluid.svg" not in warnings  # measured, but shown at a size not known here
    # Each image is given the size it shows at, in CSS px, the unit of its text.
    images = re.findall(r"<img [^>]*>", (project.root / "site/post/index.html").read_text())
    sizes = {re.search(r"/(\w+)\.\w+\.(light|dark)\.svg", tag)[0]: tag for tag in images}
    assert len(sizes) == 4, images
    for name, tag in sizes.items():
        sized = 'width="1344"' in tag and 'height="192"' in tag
        assert sized == name.startswith("/wide."), tag


ANIMATION = (
    LAID_OUT
    + """\
from matplotlib.animation import FuncAnimation
ax.set_title("")
label = ax.text(0.1, 0.5, "", fontsize=7.2)


def update(k):
    label.set_text(f"frame {k}")
    label.set_fontsize(7.2 + k)
    return [label]


# Frames at 200 dpi, 7.2 pt is 20 pixels; between them the animation draws the canvas
# at the figure's 100 dpi, which is not what the GIF shows.
FuncAnimation(fig, update, frames=3).save("moving.gif", writer="pillow", dpi=200)
"""
)


@pytest.mark.parametrize("warm", [True, False], ids=["warm-worker", "fresh-interpreter"])
def test_a_gif_saved_by_animation_save_takes_the_smallest_text_its_frames_drew(project, warm):
    entry = _made(project, "moving.py", ANIMATION, warm)
    assert entry.manifest["texts"] == {"moving.gif": [20.0, "frame 0"]}
    assert entry.facts("moving.gif").pixels == (800, 400)


# Runs a script as the engine's child would, measuring or not; prints what it measured.
DRIVER = """\
import json, os, runpy, sys
if sys.argv[2] == "measure":
    from figblog.engine import _text_sizes
    _text_sizes.FOLDER = os.getcwd()
    _text_sizes.watch()
runpy.run_path(sys.argv[1], run_name="__main__")
if sys.argv[2] == "measure":
    print(json.dumps(sorted(_text_sizes.SMALLEST)))
"""


def test_measuring_changes_no_byte_of_an_svg_or_an_animation_save_gif(project, tmp_path):
    script = project.script("both.py", SVG.replace("FONTTYPE", "path") + ANIMATION)
    saved = {}
    for mode in ("measure", "plain"):
        folder = tmp_path / mode
        folder.mkdir()
        env = {**os.environ, "SOURCE_DATE_EPOCH": "0", "MPLBACKEND": "Agg"}
        run = subprocess.run(
            [sys.executable, "-c", DRIVER, str(script), mode],
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert run.returncode == 0, run.stderr
        if mode == "measure":
            assert json.loads(run.stdout) == ["moving.gif", "plot.svg", "raster.png", "raster.svg"]
        saved[mode] = {p.name: p.read_bytes() for p in sorted(folder.iterdir())}
    assert sorted(saved["plain"]) == ["moving.gif", "plot.svg", "raster.png", "raster.svg"]
    assert saved["measure"] == saved["plain"]


PLAIN = """\
import sys
import matplotlib
with open("loaded.md", "w") as fh:
    fh.write(f"{matplotlib.rcParams['savefig.dpi']} {'matplotlib.figure' in sys.modules}")
"""


def test_a_script_that_only_imports_matplotlib_does_not_load_its_figures(project):
    # In a fresh interpreter matplotlib.figure costs ~0.2 s: the measuring waits for it.
    entry = _made(project, "plain.py", PLAIN, warm=False)
    assert (entry.out / "loaded.md").read_text() == "100.0 False"  # themed, figures not loaded


def test_text_drawn_with_a_path_effect_is_measured_too(project):
    # A halo (withStroke) makes matplotlib draw the label as a path, not through draw_text.
    entry = _made(
        project,
        "halo.py",
        "import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n"
        "from matplotlib import patheffects\n"
        "fig, ax = plt.subplots(figsize=(4, 2))\nax.set_xticks([])\nax.set_yticks([])\n"
        "ax.set_title('big title', fontsize=14.4)\n"
        "label = ax.text(0.5, 0.5, 'halo', fontsize=3.6)\n"
        "label.set_path_effects([patheffects.withStroke(linewidth=2, foreground='w')])\n"
        "fig.savefig('halo.png', dpi=100)\n",
    )
    assert entry.manifest["texts"] == {"halo.png": [5.0, "halo"]}
