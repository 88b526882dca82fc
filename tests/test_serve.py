"""`mkdocs serve` survives a failing script, and updates a saved figure without a site rebuild."""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import COUNT, MKDOCS_YML, PLOT, REPO, Project, _env
from figblog.sitecheck.live import (
    LiveServe,
    image_digest,
    own_browser,
    wait_for,
    wait_for_change,
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.read().decode()
    except OSError:
        return ""


@contextlib.contextmanager
def _serving(project: Project, *args: str, **env: str):  # noqa: ANN202 - yields (process, url, log)
    """`mkdocs serve ARGS` on a free port in the project, stopped at the end; ``env``: added."""
    port = _free_port()
    log_path = project.root / "serve.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}", *args],
            cwd=project.root,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**_env(project), **env},
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        yield proc, url, log_path
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def _wait_for(predicate, seconds: float = 90) -> bool:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


def test_serve_keeps_running_and_shows_the_fixed_figure(project: Project):
    project.script("good.py", PLOT)
    project.script("bad.py", "raise ValueError('not yet')\n")
    project.write(
        "docs/index.md",
        "# Home\n\n![Good](figures/good.py)\n\n![Bad](figures/bad.py#plot.png)\n",
    )
    with _serving(project) as (proc, url, log_path):
        assert _wait_for(lambda: "not yet" in _get(url)), log_path.read_text()
        assert "admonition failure" in _get(url)
        first_runs = sorted(project.runs())
        assert first_runs == ["good.py:dark", "good.py:light"]  # bad.py wrote nothing to count
        time.sleep(1.0)  # let the watcher settle so the edit below is seen as a change
        project.script("bad.py", PLOT)
        fixed = re.compile(r"assets/figures/bad/plot\.[0-9a-f]{8}\.light\.png")
        assert _wait_for(lambda: fixed.search(_get(url))), log_path.read_text()
        assert proc.poll() is None  # the server is still up
        assert sorted(project.runs()) == sorted([*first_runs, "bad.py:dark", "bad.py:light"])
        assert "admonition failure" not in _get(url)
    assert os.path.exists(log_path)


def test_serve_shows_a_failing_notebook_on_its_page_and_executes_it_only_when_it_changes(
    project: Project,
):
    from test_notebook_errors import FAILING, YML

    project.write("mkdocs.yml", YML.format(timeout=60))
    project.write("docs/index.md", "# Home\n")
    project.write("docs/nb.ipynb", FAILING)
    executions = project.root / "executions"
    with _serving(project) as (proc, url, log_path):
        # The first build, which would end the server if it raised, shows the error.
        assert _wait_for(lambda: "cell 2, line 3: IndexError" in _get(url + "nb/")), (
            log_path.read_text()
        )
        assert executions.read_text().split() == ["ran"]
        time.sleep(1.0)
        project.write("docs/index.md", "# Home, edited\n")
        assert _wait_for(lambda: "Home, edited" in _get(url)), log_path.read_text()
        assert executions.read_text().split() == ["ran"], "an unchanged failure ran again"
        project.write("docs/nb.ipynb", FAILING.replace("squares[9]", "squares[3]"))

        def fixed() -> bool:
            page = _get(url + "nb/")
            return "squares[3]" in page and "admonition failure" not in page

        assert _wait_for(fixed), log_path.read_text()
        assert executions.read_text().split() == ["ran", "ran"]
        assert proc.poll() is None
        assert "Traceback" not in log_path.read_text()


def test_saving_a_notebook_stops_its_running_cell_and_shows_the_new_version(project: Project):
    """A cell that would run for ten minutes does not hold the server once the fix is saved."""
    from conftest import notebook
    from test_notebook_errors import MARK, YML

    project.write("mkdocs.yml", YML.format(timeout=600))
    project.write("docs/index.md", "# Home\n")
    slow = notebook(("markdown", "# Slow"), MARK + "import time\ntime.sleep(600)")
    project.write("docs/nb.ipynb", slow.replace("time.sleep(600)", "print(5 * 7)"))
    executions = project.root / "executions"

    def shows(number: int) -> bool:  # in the cell's output: the page has digits elsewhere
        return bool(re.search(rf"<pre>\s*{number}\s*</pre>", _get(url + "nb/")))

    with _serving(project) as (proc, url, log_path):
        assert _wait_for(lambda: shows(35), 120), log_path.read_text()
        time.sleep(1.0)  # let the watcher settle so the edit below is seen as a change
        project.write("docs/nb.ipynb", slow)
        assert _wait_for(lambda: len(executions.read_text().split()) == 2, 120)  # it sleeps
        started = time.monotonic()
        project.write("docs/nb.ipynb", slow.replace("time.sleep(600)", "print(6 * 7)"))
        assert _wait_for(lambda: shows(42), 120), log_path.read_text()
        assert time.monotonic() - started < 90, "the old cell ran on instead of being stopped"
        assert executions.read_text().split() == ["ran", "ran", "ran"]
        assert proc.poll() is None
        log = log_path.read_text()
        assert "saved again while it ran, so that run was stopped" in log, log
        assert "Traceback" not in log, log


def test_a_notebook_saved_during_the_first_build_is_executed_in_it(project: Project):
    """Without live reload no later build would execute the saved version: the first does."""
    from conftest import notebook
    from test_notebook_errors import MARK, YML

    project.write("mkdocs.yml", YML.format(timeout=600))
    project.write("docs/index.md", "# Home\n")
    slow = notebook(("markdown", "# Slow"), MARK + "import time\ntime.sleep(600)")
    project.write("docs/nb.ipynb", slow)
    executions = project.root / "executions"

    def shows(number: int) -> bool:  # in the cell's output: the page has digits elsewhere
        return bool(re.search(rf"<pre>\s*{number}\s*</pre>", _get(url + "nb/")))

    with _serving(project, "--no-livereload") as (proc, url, log_path):
        assert _wait_for(lambda: executions.exists(), 120), log_path.read_text()
        started = time.monotonic()
        project.write("docs/nb.ipynb", slow.replace("time.sleep(600)", "print(6 * 7)"))
        assert _wait_for(lambda: shows(42), 120), log_path.read_text()
        assert time.monotonic() - started < 90, "the old cell ran on instead of being stopped"
        assert executions.read_text().split() == ["ran", "ran"]
        log = log_path.read_text()
        assert "Traceback" not in log and "WARNING" not in log, log
        assert proc.poll() is None


LINE = (
    COUNT
    + """\
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
fig, ax = plt.subplots(figsize=(2, 1.5))
ax.plot([0, 1, 2], [0, 1, 0], color="{colour}", linewidth=6)
fig.savefig("plot.png")
with open("numbers.md", "w") as fh:
    fh.write("The answer is {answer}.\\n")
"""
)
_LIGHT = 'img[src*="line/plot."][src*=".light.png"]'


def _line_project(project: Project) -> None:
    project.script("line.py", LINE.format(colour="red", answer=41))
    project.write(
        "docs/index.md",
        "# Home\n\n![A line](figures/line.py#plot.png){ .show-source }\n\n"
        "![](figures/line.py#numbers.md)\n",
    )
    project.write("docs/other.md", "# Other\n\nProse.\n")


@pytest.fixture
def live_browser(browser):  # noqa: ANN001, ANN201 - Playwright types
    """A Chromium of its own, killed at the end: closing live-reloading pages can hang."""
    with own_browser(browser.browser_type) as own:
        yield own


def _open(browser, serve: LiveServe):  # noqa: ANN001, ANN202 - Playwright types
    page = browser.new_page()
    page.goto(serve.url)
    assert wait_for(lambda: image_digest(page, _LIGHT) is not None), serve.log()
    return page


def _shows(page, text: str) -> bool:  # noqa: ANN001 - a Playwright page
    try:
        return text in page.content()
    except Exception:  # noqa: BLE001 - navigating (the live reload): not yet
        return False


def test_serve_shows_a_recoloured_figure_without_rebuilding_the_site(
    project: Project, live_browser
):
    _line_project(project)
    with LiveServe(project.root, _env(project)) as serve:
        page = _open(live_browser, serve)
        before = image_digest(page, _LIGHT)
        old_src = page.get_attribute(_LIGHT, "src")
        serve.idle()
        builds = serve.log().count("Building documentation")
        wakes = serve.log().count("Detected file changes")
        (project.root / "figures" / ".line.py.swp").write_bytes(b"vim")  # an editor's swap file
        # Slower than MkDocs' 0.5 s poller: it sees the save while the figure is redrawn.
        slow = "import time\n\ntime.sleep(0.6)\n"
        project.script("line.py", LINE.format(colour="blue", answer=41) + slow)
        assert wait_for_change(page, _LIGHT, before) is not None, serve.log()
        time.sleep(1.0)  # two rounds of MkDocs' 0.5 s poller, which saw the save too
        serve.idle()
        log = serve.log()
        # One save, one pass of the build loop: the poller's late report of it is dropped.
        assert log.count("Detected file changes") == wakes + 1, log
        assert "INFO    -  figblog: figures/line.py changed, 2 figure files updated without" in log
        assert log.count("Building documentation") == builds  # MkDocs did not build again
        assert sorted(project.runs()) == ["line.py:dark", "line.py:dark"] + [
            "line.py:light",
            "line.py:light",
        ]
        html = serve.get()
        assert '"blue"' in html and '"red"' not in html  # the source box shows the new code
        # New bytes, new address: no browser or CDN cache can show the old figure under it.
        new_src = page.get_attribute(_LIGHT, "src")
        assert new_src != old_src and new_src in html and old_src not in html
        assert "The answer is 41." in html
        # Editors' scratch files alone wake nothing: no "Detected file changes", no build.
        wakes = serve.log().count("Detected file changes")
        for name in (".line.py.swx", "line.py~", "4913", ".#line.py"):
            (project.root / "figures" / name).write_bytes(b"scratch")
        time.sleep(1.5)  # three rounds of MkDocs' 0.5 s poller
        serve.idle()
        assert serve.log().count("Detected file changes") == wakes, serve.log()
        fresh = _open(live_browser, serve)  # a page opened now gets the new bytes too
        assert image_digest(fresh, _LIGHT) == image_digest(page, _LIGHT)


def test_serve_rebuilds_pages_whose_text_changes_or_that_now_show_an_error(
    project: Project, live_browser
):
    _line_project(project)
    with LiveServe(project.root, _env(project)) as serve:
        page = _open(live_browser, serve)
        serve.idle()
        project.script("line.py", LINE.format(colour="red", answer=42))
        assert wait_for(lambda: "The answer is 42." in serve.get(), seconds=60), serve.log()
        assert "figures/line.py wrote new text in numbers.md; rebuilding the site" in serve.log()
        assert wait_for(lambda: _shows(page, "The answer is 42."), seconds=30)  # live reload
        serve.idle()
        runs = len(project.runs())
        project.script("line.py", COUNT + "raise ValueError('not today')\n")
        assert wait_for(lambda: "not today" in serve.get(), seconds=60), serve.log()
        assert "admonition failure" in serve.get()
        assert "figures/line.py failed; rebuilding the site" in serve.log()
        serve.idle()
        # The rebuild shows the failure the fast path met; it does not run the script again.
        assert sorted(project.runs()[runs:]) == ["line.py:dark", "line.py:light"]
        # A script a page names before it exists: once written, it is new, not failed.
        index = project.root / "docs" / "index.md"
        project.write("docs/index.md", index.read_text() + "\n![Later](figures/later.py)\n")
        assert wait_for(lambda: "Figure not made: figures/later.py" in serve.get(), seconds=60)
        serve.idle()
        project.script("later.py", PLOT)
        assert wait_for(lambda: "assets/figures/later/plot." in serve.get(), seconds=60)
        assert "figures/later.py is new; rebuilding the site" in serve.log(), serve.log()


SHADED = (
    COUNT
    + """\
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from shade import COLOUR
with open(os.path.join(os.environ["FIGBLOG_PROJECT_ROOT"], "data", "width.txt")) as fh:
    width = float(fh.read())
fig, ax = plt.subplots(figsize=(2, 1.5))
ax.plot([0, 1, 2], [0, 1, 0], color=COLOUR, linewidth=width)
fig.savefig("plot.png")
"""
)


def _png(serve: LiveServe) -> bytes:
    """The light figure the served page shows now (its address carries the bytes' hash)."""
    found = re.search(r"assets/figures/shaded/plot\.[0-9a-f]{8}\.light\.png", _get(serve.url))
    if not found:
        return b""
    try:
        with urllib.request.urlopen(serve.url + found.group()) as resp:
            return resp.read()
    except OSError:
        return b""


def _shaded(project: Project, width: str, script: str = SHADED) -> None:
    """A page showing figures/shaded.py, which reads lib/shade.py and data/width.txt."""
    project.write("lib/shade.py", "COLOUR = 'red'\n")
    project.write("data/width.txt", width)
    project.script("shaded.py", script)
    project.write("docs/index.md", "# Home\n\n![Shaded](figures/shaded.py)\n")
    config = MKDOCS_YML.format(timeout=60)
    project.write(
        "mkdocs.yml", config.replace("timeout: 60\n", "timeout: 60\n      watch: [lib, data]\n")
    )


@contextlib.contextmanager
def _serving_shaded(project: Project):  # noqa: ANN202 - yields (server, first figure's bytes)
    """`mkdocs serve` of the _shaded project, once it shows the figure and has gone quiet."""
    _shaded(project, "2\n")
    with LiveServe(project.root, _env(project)) as serve:
        first = _png(serve)
        assert first, serve.log()
        serve.idle()
        yield serve, first


def test_serve_updates_figures_after_a_module_or_data_file_they_read_changes(project: Project):
    with _serving_shaded(project) as (serve, first):
        project.write("lib/shade.py", "COLOUR = 'blue'\n")
        assert wait_for(lambda: _png(serve) not in (b"", first), seconds=60), serve.log()
        serve.idle()
        second = _png(serve)
        project.write("data/width.txt", "8\n")
        assert wait_for(lambda: _png(serve) not in (b"", second), seconds=60), serve.log()
        serve.idle()
        log = serve.log()
    assert "lib/shade.py changed, 2 figure files updated without a site rebuild" in log
    assert "data/width.txt changed, 2 figure files updated without a site rebuild" in log
    assert log.count("Building documentation") == 1


def _epoch(serve: LiveServe) -> str:
    """The site version the served page holds: a browser reloads when the server's is newer."""
    found = re.search(r"livereload\((\d+),", serve.get())
    return found.group(1) if found else ""


def test_serve_reloads_no_page_when_a_change_leaves_every_figure_the_same(project: Project):
    with _serving_shaded(project) as (serve, first):
        epoch = _epoch(serve)
        runs = len(project.runs())
        # The script runs again (it read the module), and draws the same bytes.
        project.write("lib/shade.py", "COLOUR = 'red'  # the shade of the bars\n")
        assert wait_for(lambda: "lib/shade.py changed" in serve.log(), seconds=60), serve.log()
        serve.idle()
        log = serve.log()
        assert len(project.runs()) == runs + 2, log
        assert "lib/shade.py changed; the site is up to date, no page reloaded" in log, log
        assert _epoch(serve) == epoch and _png(serve) == first, log
        # A change that does show still reloads.
        project.write("data/width.txt", "8\n")
        assert wait_for(lambda: _png(serve) not in (b"", first), seconds=60), serve.log()
        serve.idle()
        assert _epoch(serve) not in ("", epoch), serve.log()


LAYOUTS = (
    COUNT
    + """\
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from figblog.plotting import save_layouts
from shade import COLOUR

def draw(narrow=False):
    fig, ax = plt.subplots(figsize=(2, 2) if narrow else (4, 1.5))
    ax.plot([0, 1, 2], [0, 1, 0], color=COLOUR, linewidth=4)
    return fig

save_layouts(draw, "plot.png")
"""
)


def test_serve_updates_a_figures_2x_and_narrow_files_with_it(project: Project):
    _shaded(project, "2\n", LAYOUTS)
    with LiveServe(project.root, _env(project)) as serve:
        before = re.findall(r"plot\.(?:2x\.|narrow\.)?[0-9a-f]{8}\.light\.png", serve.get())
        assert len(set(before)) == 3, serve.log()  # the picture, its 2x file, its narrow one
        serve.idle()
        project.write("lib/shade.py", "COLOUR = 'blue'\n")
        assert wait_for(lambda: before[0] not in serve.get(), seconds=60), serve.log()
        serve.idle()
        html = serve.get()
        after = re.findall(r"plot\.(?:2x\.|narrow\.)?[0-9a-f]{8}\.light\.png", html)
        assert len(set(after)) == 3 and not set(after) & set(before), html
        for name in set(after):  # each new file is served
            assert urllib.request.urlopen(serve.url + "assets/figures/shaded/" + name).status == 200
        assert "updated without a site rebuild" in serve.log()


def test_serve_warns_when_an_updated_figure_gets_text_too_small_for_phones(project: Project):
    script = SHADED.replace("figsize=(2, 1.5)", "figsize=(6, 1.5)")
    script += "ax.tick_params(labelsize=width)\nfig.savefig('plot.png')\n"
    _shaded(project, "10\n", script)  # points: the labels' size, and the line's width
    with LiveServe(project.root, _env(project)) as serve:
        first = _png(serve)
        assert first, serve.log()
        serve.idle()
        assert "min_text_px" not in serve.log()
        # The picture keeps its 600 px, so the page does not change: no rebuild, a warning.
        project.write("data/width.txt", "5\n")  # 7 px in the picture, 3.8 px on a phone
        assert wait_for(lambda: "min_text_px" in serve.log(), seconds=60), serve.log()
        serve.idle()
        log = serve.log()
    assert "data/width.txt changed, 2 figure files updated without a site rebuild" in log, log
    assert "WARNING -  figblog: docs/index.md:3: the figure plot.png from figures/shaded.py" in log
    assert "at 3.8 px on a 360 px wide phone" in log
    assert log.count("Building documentation") == 1


BLOG_YML = f"""\
site_name: serve blog
site_url: https://serve.example.org/
theme:
  name: material
  custom_dir: {REPO / "overrides"}
plugins:
  - figblog:
      timeout: 60
  - blog
markdown_extensions:
  - attr_list
"""


def _bytes(serve: LiveServe, path: str) -> bytes:
    with urllib.request.urlopen(serve.url + path, timeout=30) as resp:
        return resp.read()


def test_serve_gives_a_changed_lead_figure_new_thumbnails_and_card(project: Project):
    project.write("mkdocs.yml", BLOG_YML)
    project.write("docs/index.md", "# Home\n")
    project.write("docs/blog/index.md", "# Blog\n")
    project.write(
        "docs/blog/posts/one.md",
        "---\ndate: 2026-01-02\n---\n\n# One\n\n![A line](figures/line.py#plot.png)\n",
    )
    project.script("line.py", LINE.format(colour="red", answer=41))
    thumb = re.compile(r"assets/figures/line/plot\.thumb\.[0-9a-f]{8}\.light\.png")
    card = re.compile(r"assets/figures/line/plot\.card\.[0-9a-f]{8}\.light\.png")

    def shown() -> tuple[str, str]:
        found = thumb.search(serve.get("blog/")), card.search(serve.get("blog/2026/01/02/one/"))
        return tuple(m.group() if m else "" for m in found)

    with LiveServe(project.root, _env(project)) as serve:
        before = shown()
        assert all(before), serve.log()
        old_bytes = [_bytes(serve, path) for path in before]
        serve.idle()
        project.script("line.py", LINE.format(colour="blue", answer=41))
        # The blog index lists the post with its new thumbnail; the post's card is new too.
        assert wait_for(lambda: all(shown()) and shown()[0] != before[0], seconds=60), serve.log()
        serve.idle()
        after = shown()
        new_bytes = [_bytes(serve, path) for path in after]
        log = serve.log()
    assert "updated without a site rebuild" in log and log.count("Building documentation") == 1
    # The figure's two themes count as figures; the cards and thumbnails drawn from it apart.
    assert re.search(
        r"figures/line\.py changed, 2 figure files and [1-9]\d* social card or thumbnail files? "
        r"updated without a site rebuild",
        log,
    ), log
    assert after[1] != before[1]
    assert new_bytes[0] != old_bytes[0] and new_bytes[1] != old_bytes[1]


def test_saving_a_fix_stops_a_stuck_run_instead_of_waiting_for_its_timeout(project: Project):
    project.script("stuck.py", PLOT)
    project.write("docs/index.md", "# Home\n\n![A plot](figures/stuck.py#plot.png)\n")
    shown = re.compile(r"assets/figures/stuck/plot\.([0-9a-f]{8})\.light\.png")
    with _serving(project) as (proc, url, log_path):
        assert _wait_for(lambda: shown.search(_get(url))), log_path.read_text()
        first = shown.search(_get(url))[1]
        time.sleep(1.0)  # let the watcher settle so the edits below are seen as changes
        project.script("stuck.py", PLOT + "while True:\n    pass\n")  # the timeout is 60 s
        assert _wait_for(lambda: len(project.runs()) >= 4, 30), log_path.read_text()
        time.sleep(1.0)  # both themes are stuck now
        saved = time.monotonic()
        project.script("stuck.py", PLOT.replace("[0, 1, 0]", "[0, 2, 0]"))  # the fix
        assert _wait_for(lambda: (m := shown.search(_get(url))) and m[1] != first, 40), (
            log_path.read_text()
        )
        assert time.monotonic() - saved < 30  # the stuck runs did not wait out their timeout
        text = log_path.read_text()
        assert "stopped: figures/stuck.py was saved while it ran" in text
        assert "timed out" not in text
        assert proc.poll() is None


@pytest.mark.parametrize("mode", [[], ["--no-livereload"]], ids=["live", "no-livereload"])
def test_a_terminated_server_removes_its_temporary_site_folder(
    project: Project, tmp_path, mode: list[str]
):
    """`kill` (SIGTERM) stops `mkdocs serve` as Ctrl-C does: no /tmp/mkdocs_* copy is left."""
    project.script("good.py", PLOT)
    project.write("docs/index.md", "# Home\n\n![Good](figures/good.py)\n")
    temp = tmp_path / "tmp"
    temp.mkdir()
    with _serving(project, *mode, TMPDIR=str(temp)) as (proc, url, log_path):
        assert _wait_for(lambda: "good/plot" in _get(url)), log_path.read_text()
        assert [p.name[:7] for p in temp.iterdir()] == ["mkdocs_"]  # the served site
        proc.terminate()
        proc.wait(timeout=30)
    assert list(temp.iterdir()) == [], log_path.read_text()
    assert "Shutting down" in log_path.read_text()


@pytest.mark.parametrize("mode", ["--strict", "--clean", "--no-livereload"])
def test_a_save_during_the_first_build_is_shown_without_another_save(project: Project, mode):
    """MkDocs starts watching after its first build; what is saved during it still counts.

    A fix saved while the first build's run is stuck stops that run (it would wait out its
    60 s timeout) and runs the saved version; a page edited meanwhile reaches the browser
    unprompted too, except without live reload, which rebuilds nothing. The stop is no
    warning, so that `--strict` does not end the server over it. (MkDocs tells plugins
    that `serve --clean` is a build.)
    """
    project.script("stuck.py", PLOT + "while True:\n    pass\n")
    project.write("docs/index.md", "# Home\n\n![A plot](figures/stuck.py#plot.png)\n")
    figure = re.compile(r"assets/figures/stuck/plot\.[0-9a-f]{8}\.light\.png")
    heading = "Home" if mode == "--no-livereload" else "Home, edited"

    def updated() -> bool:
        page = _get(url)
        return heading in page and bool(figure.search(page)) and "failure" not in page

    with _serving(project, mode) as (proc, url, log_path):
        assert _wait_for(lambda: len(project.runs()) >= 2, 60), log_path.read_text()
        time.sleep(1.0)  # both themes are stuck now, in the first build
        assert _get(url) == ""  # nothing served yet
        saved = time.monotonic()
        project.write("docs/index.md", "# Home, edited\n\n![A plot](figures/stuck.py#plot.png)\n")
        project.script("stuck.py", PLOT)
        assert _wait_for(updated, 50), log_path.read_text()
        assert time.monotonic() - saved < 30  # the stuck runs did not wait out their timeout
        text = log_path.read_text()
        assert "stopped: figures/stuck.py was saved while it ran" in text
        # The first build ran the saved version itself, after stopping the old one.
        assert "figblog: 2 ran, 0 cached, 0 failed" in text.split("Serving on")[0]
        if mode != "--no-livereload":
            assert "docs/index.md, figures/stuck.py changed during the first build" in text
        assert "timed out" not in text and "Traceback" not in text
        assert proc.poll() is None
