"""`mkdocs serve` latency as a reader sees it: Chromium watching the page change.

* figure: a figure script's colour is edited and saved; the time until the
  image's pixels change in Chromium, median of 3 saves, against the script's
  standalone run (fresh interpreter, ``python figures/line.py``, median of 3).
  Target: figure <= standalone + 0.5 s.
* prose: a post's Markdown is edited; the time until the open page shows the
  new words, median of 3, against the same site served without the figblog
  plugin (the figure a plain image). Target: ratio <= 1.10 (no slower than
  MkDocs alone, give or take the noise of the server's 0.5 s polling).

The site is synthetic (Material, blog plugin, search, a dozen prose posts and
one figure post), built in a temporary folder, so the numbers do not depend
on the state of this checkout's cache.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from figblog.sitecheck import CHROMIUM
from figblog.sitecheck.live import LiveServe, image_digest, own_browser, wait_for, wait_for_change

SAVES = 3
POSTS = 12
COLOURS = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#e377c2"]
_LIGHT = 'img[src*="line/plot."][src*=".light.png"]'
_FAST_LINE = re.compile(r"updated without a site rebuild \(([0-9.]+) s\)")

SCRIPT = '''\
"""A thick line whose colour the benchmark edits."""
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

x = np.linspace(0, 4 * np.pi, 400)
fig, ax = plt.subplots(figsize=(6, 3), dpi=100)
ax.plot(x, np.sin(x), color="{colour}", linewidth=8)
fig.savefig("plot.png")
'''

MKDOCS_YML = """\
site_name: serve bench
theme:
  name: material
  font: false
plugins:
{figblog}  - search
  - blog:
      blog_dir: blog
markdown_extensions:
  - attr_list
  - md_in_html
  - admonition
  - pymdownx.details
  - pymdownx.superfences
  - pymdownx.highlight
  - pymdownx.blocks.caption
nav:
  - Home: index.md
  - Blog:
      - blog/index.md
"""


def _post(i: int, body: str) -> str:
    prose = " ".join(
        f"Sentence {j} of post {i} says something about gradients and losses." for j in range(40)
    )
    code = "\n".join(f"    y{j} = slope * x{j} + intercept  # step {j}" for j in range(30))
    return (
        textwrap.dedent(f"""\
        ---
        date: 2026-11-{i + 1:02d}
        slug: post-{i}
        ---

        # Post {i}

        {prose}

        <!-- more -->

        {body}

        ## Details

        {prose}

        ```python
        def step(slope, intercept):
        """)
        + code
        + "\n```\n"
    )


def _make_site(root: Path, with_figblog: bool) -> None:
    (root / "docs" / "blog" / "posts").mkdir(parents=True)
    (root / "figures").mkdir()
    (root / "figures" / "line.py").write_text(SCRIPT.format(colour=COLOURS[0]))
    figblog = "  - figblog\n" if with_figblog else ""
    (root / "mkdocs.yml").write_text(MKDOCS_YML.format(figblog=figblog))
    (root / "docs" / "index.md").write_text("# Home\n\nThe blog is under Blog.\n")
    (root / "docs" / "blog" / "index.md").write_text("# Blog\n")
    if with_figblog:
        figure = "![A sine wave](figures/line.py){ .show-source }"
    else:
        _draw(root, root / "docs" / "blog" / "posts")
        figure = "![A sine wave](plot.png)"
    for i in range(POSTS):
        body = figure if i == 0 else "No figure here."
        (root / "docs" / "blog" / "posts" / f"post-{i}.md").write_text(_post(i, body))


def _draw(root: Path, into: Path) -> None:
    """The figure as a plain file, for the site without the plugin."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, str(root / "figures" / "line.py")], cwd=tmp, check=True)
        shutil.copy(Path(tmp) / "plot.png", into / "plot.png")


def _standalone(root: Path) -> float:
    times = []
    env = {**os.environ, "FIGBLOG_THEME": "light"}
    for _ in range(SAVES):
        with tempfile.TemporaryDirectory() as tmp:
            start = time.monotonic()
            subprocess.run(
                [sys.executable, str(root / "figures" / "line.py")], cwd=tmp, env=env, check=True
            )
            times.append(time.monotonic() - start)
    return statistics.median(times)


def _figure_saves(browser: object, root: Path) -> tuple[list[float], list[float]]:
    times = []
    with LiveServe(root) as serve:
        page = browser.new_page()  # type: ignore[attr-defined]
        page.goto(serve.url + "blog/2026/11/01/post-0/")
        if not wait_for(lambda: image_digest(page, _LIGHT) is not None):
            raise SystemExit(f"the figure never showed:\n{serve.log()}")
        for colour in COLOURS[1 : SAVES + 1]:
            serve.idle()
            before = image_digest(page, _LIGHT)
            start = time.monotonic()
            (root / "figures" / "line.py").write_text(SCRIPT.format(colour=colour))
            seen = wait_for_change(page, _LIGHT, before or "")
            if seen is None:
                raise SystemExit(f"the new figure never showed:\n{serve.log()}")
            times.append(seen - start)
        serve.idle()
        fast = [float(t) for t in _FAST_LINE.findall(serve.log())]
    return times, fast


def _prose_saves(browser: object, root: Path) -> list[float]:
    times = []
    post = root / "docs" / "blog" / "posts" / "post-1.md"
    with LiveServe(root) as serve:
        page = browser.new_page()  # type: ignore[attr-defined]
        page.goto(serve.url + "blog/2026/11/02/post-1/")
        for n in range(SAVES):
            serve.idle()
            word = f"Edited{n}Marker"
            start = time.monotonic()
            post.write_text(post.read_text().replace("No figure here.", f"{word} here.", 1))
            if not wait_for(lambda w=word: _shows(page, w), seconds=120, step=0.01):
                raise SystemExit(f"the edit never showed:\n{serve.log()}")
            times.append(time.monotonic() - start)
            post.write_text(post.read_text().replace(f"{word} here.", "No figure here.", 1))
        serve.idle()
    return times


def _shows(page: object, text: str) -> bool:
    try:
        return bool(page.evaluate("(t) => document.body.innerText.includes(t)", text))  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - navigating (the live reload): not yet
        return False


def _report(name: str, value: float, target: float, unit: str = "") -> None:
    ok = value <= target
    print(f"{'PASS' if ok else 'FAIL'}  {name}: {value:.3f}{unit} (target <= {target}{unit})")


def main() -> None:
    """Measure and print the figure and prose latencies against their floors."""
    if not CHROMIUM.exists():
        print(f"skipped: {CHROMIUM} is missing (run `make browser`)")
        return
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="serve-bench-") as tmp, sync_playwright() as pw:
        fig_site, plain_site = Path(tmp, "figblog"), Path(tmp, "plain")
        _make_site(fig_site, with_figblog=True)
        _make_site(plain_site, with_figblog=False)
        own = _standalone(fig_site)
        # A browser of its own per server, killed after: closing live-reloading pages can hang.
        with own_browser(pw.chromium) as browser:
            saves, fast = _figure_saves(browser, fig_site)
        with own_browser(pw.chromium) as browser:
            prose = _prose_saves(browser, fig_site)
        with own_browser(pw.chromium) as browser:
            plain = _prose_saves(browser, plain_site)
    fig = statistics.median(saves)
    print(f"script alone (fresh interpreter): {own:.2f} s, median of {SAVES}")
    print(
        f"save -> new figure in Chromium: {fig:.2f} s, median of "
        f"{' '.join(f'{t:.2f}' for t in saves)}; fast path taken {len(fast)}/{SAVES}, "
        f"its own time {' '.join(f'{t:.2f}' for t in fast)} s"
    )
    print(
        f"prose edit -> page updated: figblog {statistics.median(prose):.2f} s "
        f"({' '.join(f'{t:.2f}' for t in prose)}), without figblog "
        f"{statistics.median(plain):.2f} s ({' '.join(f'{t:.2f}' for t in plain)})"
    )
    _report("figure latency - script alone", fig - own, 0.5, " s")
    _report(
        "prose reload figblog / plain", statistics.median(prose) / statistics.median(plain), 1.10
    )


if __name__ == "__main__":
    main()
