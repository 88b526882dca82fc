"""Benchmarks on a generated site of N pages, one small matplotlib figure each.

Every page draws the same figure code with its own parameter, so the figures
differ; only the way the code is run changes between the sites compared.

* warm: the figblog site (scripts in figures/, references
  ``![alt](figures/pNNN.py)``), cache full, against the floor: the same pages
  without the plugin, plain images of the PNGs figblog made (both schemes, with the
  same width, height and loading attributes, no source boxes). Printed per N
  (default 10, 50, 200) as warm / floor, median of interleaved rounds, and as
  ms per cached figure, (warm - floor) / N.
  Target: <= 1.10 at the largest N.
* cold: figblog with an empty cache (both themes) against markdown-exec
  running the same code in-process in one theme (PNG as a data URL, so both
  encode the same PNGs), N = 50. Target: ratio <= 1.0. For reference (no target),
  markdown-exec drawing both themes as figblog does: two blocks per page, each
  applying its theme (``figblog.plotting.apply_theme``) inside ``rc_context``.
* schedule (opt-in, several minutes): a cold ``mkdocs build --strict`` of this
  repository's site, copied to a temporary folder and built from there, so
  the figblog cache and mkdocs-jupyter's (both relative to the working folder)
  start empty and the developer's are left alone. Printed against the bound the
  new cache entries' manifests give: max(longest script, total run CPU / jobs),
  where a script's length is the longest of its theme runs (``seconds``, wall)
  and a run's CPU is its ``cpu`` field, or ``seconds`` in manifests without it.
  Target: <= 1.15. The wall time includes MkDocs' own work (pages, notebooks),
  so a warm rebuild right after is printed too.

The cold part runs ``--cold-rounds`` fresh builds of each tool; the warm part
then fills one cache for the largest N, starting from the cold part's last
cache (same scripts, same keys), and reuses it for every round and every
smaller N. Today (a fresh interpreter per run) filling it for N = 200 takes
about 5 min on 2 idle cores, most of the suite's time.

Run::

    python benchmarks/synthetic_site.py                  # warm + cold, as `make bench`
    python benchmarks/synthetic_site.py --sizes 10,50 --cold-rounds 1
    python benchmarks/synthetic_site.py --only schedule  # the cold site build alone
    FIGBLOG_BENCH_SCHEDULE=1 make bench                  # `make bench` with the schedule part
"""

from __future__ import annotations

import argparse
import atexit
import compileall
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "MPLBACKEND": "Agg"}
KINDS = ("figblog", "floor", "exec", "exec-both")
_EXTENSIONS = [
    "attr_list",
    "md_in_html",
    "admonition",
    "pymdownx.details",
    "pymdownx.superfences",
    "pymdownx.blocks.caption",
]
Row = tuple[str, float, float, bool]  # name, value, target, passed
_SKIP_COPY = (".venv", ".cache", "site", ".git", "node_modules", "__pycache__", ".pytest_cache")
# node_modules is not copied but linked: the site needs the math font it holds.

# The figure code every tool runs; ``k`` varies the curve, the colour and the title.
_PLOT = """\
import numpy as np
import matplotlib.pyplot as plt

k = {k}
rng = np.random.default_rng(k)
x = np.linspace(0, 2 * np.pi, 200)
fig, ax = plt.subplots(figsize=(4, 2.5))
ax.plot(x, np.sin((1 + k / 20) * x), color=plt.cm.viridis((k % 20) / 20))
ax.scatter(x[::10], np.sin((1 + k / 20) * x[::10]) + rng.normal(0, 0.1, 20), s=8)
ax.set_title(f"figure {{k}}")
"""
_SAVE_FILE = 'fig.savefig("p{k:03d}.png", dpi=80)\n'
_SAVE_DATA_URL = """\
import base64
import io

buffer = io.BytesIO()
fig.savefig(buffer, format="png", dpi=80)
plt.close(fig)
data = base64.b64encode(buffer.getvalue()).decode("ascii")
print(f'<img alt="Figure {k}" src="data:image/png;base64,{{data}}">')
"""


def figure_script(k: int) -> str:
    """The figblog script of figure ``k``: the shared code, saved to a file."""
    docstring = f'"""Figure {k} of the synthetic site."""\n\n'
    return docstring + _PLOT.format(k=k) + _SAVE_FILE.format(k=k)


def write_scripts(root: Path, n: int) -> list[str]:
    """Write ``figures/p000.py`` ... under ``root``; return their names."""
    (root / "figures").mkdir(parents=True, exist_ok=True)
    names = [f"p{k:03d}.py" for k in range(n)]
    for k, name in enumerate(names):
        (root / "figures" / name).write_text(figure_script(k))
    return names


def _figure_markdown(kind: str, k: int, size: tuple[int, int] = (0, 0)) -> str:
    if kind == "figblog":
        return f"![Figure {k}](figures/p{k:03d}.py)"
    if kind == "floor":
        # What the plugin writes, as plain Markdown: both schemes, sized, lazy.
        w, h = size
        return "".join(
            f"![Figure {k}](img/p{k:03d}.{theme}.png#only-{theme})"
            f'{{ width="{w}" height="{h}" loading="lazy" }}'
            for theme in ("light", "dark")
        )
    code = _PLOT.format(k=k) + _SAVE_DATA_URL.format(k=k)
    if kind == "exec":
        return f'```python exec="on" html="on"\n{code}```'
    blocks = []
    for theme in ("light", "dark"):  # what figblog's two runs do, in one process
        themed = (
            "import matplotlib.pyplot as plt\n"
            "from figblog.plotting import apply_theme\n\n"
            "with plt.rc_context():\n"
            f"    apply_theme({theme!r})\n" + textwrap.indent(code, "    ")
        )
        blocks.append(f'```python exec="on" html="on"\n{themed}```')
    return "\n\n".join(blocks)


def write_site(
    root: Path,
    n: int,
    kind: str,
    *,
    cache_dir: Path | None = None,
    images: dict[int, Path] | None = None,
) -> Path:
    """Write the pages of an ``n``-figure site of ``kind`` under ``root``; return its config.

    ``kind`` is ``figblog`` (needs ``write_scripts`` and ``cache_dir``),
    ``floor`` (needs ``images``: figure number -> its PNG per theme and size) or ``exec``
    (markdown-exec). Pages stay out of the nav, as blog posts do, so that the
    nav's size does not grow with N and hide the per-figure cost.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown site kind {kind!r}; expected one of {KINDS}")
    docs = root / f"docs-{kind}-{n}"
    docs.mkdir(parents=True, exist_ok=True)
    links = "\n".join(f"- [Page {k}](p{k:03d}.md)" for k in range(n))
    (docs / "index.md").write_text(f"# Synthetic site\n\n{n} pages, one figure each.\n\n{links}\n")
    for k in range(n):
        prose = f"Page {k} shows one curve whose frequency grows with the page number."
        size = images[k]["size"] if kind == "floor" and images is not None else (0, 0)
        figure = _figure_markdown(kind, k, size)
        body = f"# Page {k}\n\n{prose}\n\n{figure}\n\nThe end of page {k}.\n"
        (docs / f"p{k:03d}.md").write_text(body)
    if kind == "floor":
        if images is None:
            raise ValueError("a floor site needs the figure images to copy")
        (docs / "img").mkdir(exist_ok=True)
        for k in range(n):
            for theme in ("light", "dark"):
                shutil.copyfile(images[k][theme], docs / "img" / f"p{k:03d}.{theme}.png")
    if kind == "figblog":
        if cache_dir is None:
            raise ValueError("a figblog site needs a cache folder")
        plugins: list[object] = [{"figblog": {"cache_dir": str(cache_dir)}}]
    else:
        plugins = ["markdown-exec"] if kind.startswith("exec") else []
    config = {
        "site_name": f"synthetic {kind} {n}",
        "docs_dir": docs.name,
        "theme": {"name": "material"},
        "nav": ["index.md"],
        "not_in_nav": "/p*.md",
        "plugins": plugins,
        "markdown_extensions": _EXTENSIONS,
    }
    path = root / f"{kind}-{n}.yml"
    path.write_text(json.dumps(config, indent=1))  # JSON is YAML
    return path


def theme_images(root: Path, cache_dir: Path, n: int) -> dict[int, dict]:
    """The PNGs figblog stored for each of the first ``n`` figures (all cached), per theme.

    Each value maps ``light`` and ``dark`` to a file, and ``size`` to its (width, height).
    """
    from figblog.engine.build import Engine

    engine = Engine(root, root / "figures", cache_dir, log=lambda _m: None)
    names = [f"p{k:03d}.py" for k in range(n)]
    outcomes = engine.build(names)
    images: dict[int, dict] = {}
    for k, name in enumerate(names):
        images[k] = {}
        for theme in ("light", "dark"):
            outcome = outcomes[(name, theme)]
            if outcome.entry is None:
                raise SystemExit(f"synthetic site: {name} has no {theme} output: {outcome.error}")
            images[k][theme] = outcome.entry.out / f"p{k:03d}.png"
        images[k]["size"] = outcomes[(name, "light")].entry.facts(f"p{k:03d}.png").pixels
    return images


def build(config: Path, *extra: str, site: Path | None = None) -> float:
    """Seconds one ``mkdocs build`` of ``config`` takes; exits with its log if it fails.

    The site goes to ``site``, by default a folder beside the config.
    """
    site = site or config.with_suffix(".site")
    cmd = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(site)]
    start = time.perf_counter()
    done = subprocess.run([*cmd, *extra], cwd=config.parent, env=ENV, capture_output=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        log = (done.stdout + done.stderr).decode(errors="replace")
        raise SystemExit(f"synthetic site: {' '.join(cmd)} failed\n{log[-4000:]}")
    return elapsed


def _row(rows: list[Row], name: str, value: float, target: float) -> None:
    rows.append((name, value, target, value <= target))


def bench_warm(tmp: Path, sizes: list[int], rounds: int, seed: Path | None = None) -> list[Row]:
    """Warm figblog builds against the plain-image floor, per N, in interleaved rounds.

    ``seed``: a cache that already holds some of the same scripts' runs (the cold
    part's), copied in so that filling the cache runs only the others; keys
    depend on the scripts' paths relative to the root and their bytes, not on
    where the root is.
    """
    ws, cache, top = tmp / "warm", tmp / "warm" / ".cache-figblog", max(sizes)
    write_scripts(ws, top)
    seeded = ""
    if seed is not None and seed.is_dir():
        shutil.copytree(seed, cache)
        seeded = f", {len(_manifests(cache))} runs already in the cold part's cache"
    warm_cfg = {n: write_site(ws, n, "figblog", cache_dir=cache) for n in sizes}
    fill = build(warm_cfg[top])
    print(f"filling the cache, N={top} (both themes{seeded}): {fill:.1f} s")
    images = theme_images(ws, cache, top)
    floor_cfg = {n: write_site(ws, n, "floor", images=images) for n in sizes}
    out = _ram_folder(tmp)
    print(f"warm sites are written to {out}")
    sites = {(kind, n): out / f"{kind}-{n}" for kind in ("floor", "figblog") for n in sizes}
    for n in sizes:  # the first build of each site pays for a cold disk; not timed
        build(floor_cfg[n], site=sites["floor", n])
        build(warm_cfg[n], site=sites["figblog", n])
    # Floor and warm alternate within each round so that drift over the minutes falls on
    # both alike; the ratio is taken per round and the median reported.
    floors: dict[int, list[float]] = {n: [] for n in sizes}
    warms: dict[int, list[float]] = {n: [] for n in sizes}
    for _ in range(rounds):
        for n in sizes:
            floors[n].append(build(floor_cfg[n], site=sites["floor", n]))
            warms[n].append(build(warm_cfg[n], site=sites["figblog", n]))
    rows: list[Row] = []
    for n in sizes:
        pairs = list(zip(warms[n], floors[n], strict=True))
        ratio = statistics.median(w / f for w, f in pairs)
        per_figure = statistics.median((w - f) / n for w, f in pairs) * 1000
        print(
            f"N={n}: floor {statistics.median(floors[n]):.2f} s, warm "
            f"{statistics.median(warms[n]):.2f} s, ratio {ratio:.2f}, "
            f"{per_figure:.2f} ms per cached figure (medians of {rounds} rounds; "
            f"the fastest of each: {min(warms[n]) / min(floors[n]):.2f})"
        )
        if n == top:
            _row(rows, f"warm build / floor, synthetic N={n}", ratio, 1.10)
    return rows


def _ram_folder(tmp: Path) -> Path:
    """A folder in memory (``/dev/shm``) for the warm sites, or ``tmp`` where there is none.

    Both sites write the same pages and images, but on this machine's ext4 a site
    folder emptied and refilled build after build can drift into taking a third of
    a second more per build (slow mkdir/open while the last build's writes are
    flushed), on whichever side it happens: noise many times the figblog overhead
    being measured. In memory both sides write at the same, steady cost.
    """
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        folder = Path(tempfile.mkdtemp(prefix="figblog-warm-sites-", dir=shm))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        return folder
    return tmp


def bench_cold(tmp: Path, n: int, rounds: int) -> list[Row]:
    """Cold figblog (both themes) against markdown-exec (one theme), same code.

    markdown-exec drawing both themes is timed too and printed for reference.
    """
    ws, cache = tmp / "cold", tmp / "cold" / ".cache-figblog"
    write_scripts(ws, n)
    fig_cfg = write_site(ws, n, "figblog", cache_dir=cache)
    exec_cfg = write_site(ws, n, "exec")
    both_cfg = write_site(ws, n, "exec-both")
    build(exec_cfg)  # warms the disk and the bytecode of both tools' imports
    figs, execs, boths = [], [], []
    for _ in range(rounds):
        shutil.rmtree(cache, ignore_errors=True)
        figs.append(build(fig_cfg))
        execs.append(build(exec_cfg))
        boths.append(build(both_cfg))
    ratio = statistics.median(f / e for f, e in zip(figs, execs, strict=True))
    both = statistics.median(f / b for f, b in zip(figs, boths, strict=True))
    print(
        f"cold N={n}: figblog {statistics.median(figs):.1f} s ({2 * n} runs), markdown-exec "
        f"{statistics.median(execs):.1f} s ({n} blocks), ratio {ratio:.2f} "
        f"(medians of {rounds} rounds)"
    )
    print(
        f"  for reference: markdown-exec drawing both themes {statistics.median(boths):.1f} s "
        f"({2 * n} blocks, one process); figblog / that = {both:.2f}"
    )
    rows: list[Row] = []
    _row(rows, f"cold figblog / markdown-exec, N={n}", ratio, 1.0)
    return rows


def _manifests(cache_root: Path) -> list[dict[str, object]]:
    found = []
    for path in sorted(cache_root.glob("**/entries/*/*/manifest.json")):
        try:
            found.append(json.loads(path.read_text()))
        except (OSError, ValueError):
            continue  # a half-written entry is no run
    return found


def bench_schedule(tmp: Path) -> list[Row]:
    """A cold build of this repository's site against the bound its runs allow."""
    copy = tmp / "repo"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(*_SKIP_COPY), symlinks=True)
    if (ROOT / "node_modules").is_dir():
        (copy / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)
    # Scripts import figblog from the copy, so their project files are recorded as at home.
    paths = [str(copy / "src"), *filter(None, ENV.get("PYTHONPATH", "").split(os.pathsep))]
    env = {**ENV, "PYTHONPATH": os.pathsep.join(paths)}
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(tmp / "site")]
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=copy, env=env, capture_output=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        log = (done.stdout + done.stderr).decode(errors="replace")
        raise SystemExit(f"synthetic site: cold build of the site failed\n{log[-4000:]}")
    start = time.perf_counter()
    subprocess.run(cmd, cwd=copy, env=env, capture_output=True, check=True)
    warm = time.perf_counter() - start
    chains: dict[str, float] = {}
    cpu_total, measured_cpu = 0.0, 0
    runs = _manifests(copy / ".cache")
    for run in runs:
        script = str(run.get("ident", "?")).rsplit("|", 1)[0]
        seconds = float(run.get("seconds", 0.0))  # type: ignore[arg-type]
        chains[script] = max(chains.get(script, 0.0), seconds)
        if "cpu" in run:
            measured_cpu += 1
        cpu_total += float(run.get("cpu", seconds))  # type: ignore[arg-type]
    if not runs:
        raise SystemExit("synthetic site: the cold build stored no cache entries")
    jobs = _configured_jobs(copy / "mkdocs.yml")
    longest_script, longest = max(chains.items(), key=lambda item: item[1])
    bound = max(longest, cpu_total / jobs)
    ratio = wall / bound
    source = "cpu" if measured_cpu == len(runs) else f"cpu of {measured_cpu}, wall of the rest"
    print(
        f"cold site build {wall:.1f} s (a warm rebuild right after: {warm:.1f} s); "
        f"{len(runs)} runs of {len(chains)} scripts"
    )
    print(
        f"longest script {longest:.1f} s ({longest_script}); run CPU {cpu_total:.1f} s "
        f"({source}) / {jobs} jobs = {cpu_total / jobs:.1f} s; ratio {ratio:.2f}"
    )
    rows: list[Row] = []
    _row(rows, "cold site build / max(longest script, run CPU / jobs)", ratio, 1.15)
    return rows


def _configured_jobs(config: Path) -> int:
    from figblog.cli_settings import plugin_options

    return int(plugin_options(config).get("jobs", 0)) or os.cpu_count() or 1


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,50,200", help="N values of the warm part")
    # A build's time here varies by a third from one run to the next (a shared 2-core VM):
    # fewer rounds let one slow build decide the median.
    parser.add_argument("--rounds", type=int, default=9, help="interleaved warm rounds")
    parser.add_argument("--cold-n", type=int, default=50, help="N of the cold comparison")
    parser.add_argument("--cold-rounds", type=int, default=3, help="fresh builds of each tool")
    parser.add_argument(
        "--only", choices=["warm", "cold", "schedule"], action="append", help="parts to run"
    )
    args = parser.parse_args(argv)
    if args.only is None:
        args.only = ["warm", "cold"]
        if os.environ.get("FIGBLOG_BENCH_SCHEDULE", "") not in ("", "0"):
            args.only.append("schedule")
    return args


def main(argv: list[str] | None = None) -> list[Row]:
    """Run the chosen parts; print and return (name, value, target, passed) rows."""
    args = _parse(argv if argv is not None else [])
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(line_buffering=True)  # progress shows in a log file too
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    # Bytecode for figblog's own modules, as an author's machine has it after the first
    # build. With PYTHONDONTWRITEBYTECODE set (as in this sandbox and some CI images)
    # every build would compile them from source, about 40 ms the floor never pays.
    compileall.compile_dir(ROOT / "src", quiet=1)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="figblog-synthetic-") as name:
        tmp = Path(name)
        if "cold" in args.only:
            rows += bench_cold(tmp, args.cold_n, args.cold_rounds)
        if "warm" in args.only:
            rows += bench_warm(tmp, sizes, args.rounds, seed=tmp / "cold" / ".cache-figblog")
        if "schedule" in args.only:
            print("schedule: a cold build of the whole site, several minutes")
            rows += bench_schedule(tmp)
        else:
            print("(cold site scheduling skipped: FIGBLOG_BENCH_SCHEDULE=1 or --only schedule)")
    for row_name, value, target, ok in rows:
        print(f"{'PASS' if ok else 'FAIL'}  {row_name}: {value:.3f} (target <= {target})")
    return rows


if __name__ == "__main__":
    main(sys.argv[1:])
