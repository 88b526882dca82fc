"""Build-time benchmarks of the figure engine, as ratios against a floor measured in the same run.

* warm: the real site, nothing changed, against the floor: the same site built
  with the engine switched off and the figure files already in place
  (target <= 1.10);
* edit: one script's comment edited, against floor + 1.2 x that script's own
  run time (target: ratio <= 1.2);
* cold: every figure script run (`figblog build --force`, the CNN memo kept)
  with jobs = CPUs against jobs = 1.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from figblog.cli_settings import TolerantLoader
from figblog.engine.build import Engine
from figblog.engine.render import Renderer

ROOT = Path(__file__).resolve().parents[1]
RUNS = 5
EDIT_SCRIPT = "hello.py"
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def _timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=ENV, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"benchmark command failed: {' '.join(cmd)}\n{done.stdout}\n{done.stderr}")
    return elapsed


def _mkdocs(config: Path, site: Path) -> list[str]:
    return [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(site)]


def _make_floor(tmp: Path) -> Path:
    """A copy of the site whose pages already hold plain image links and the files."""
    engine = Engine(ROOT, ROOT / "figures", ROOT / ".cache" / "figblog", log=lambda _m: None)
    docs = tmp / "docs"
    shutil.copytree(ROOT / "docs", docs)
    pages = list(docs.rglob("*.md"))
    from figblog.engine.refs import scan

    scripts = {r.script for p in pages for r in scan(p.read_text(), str(p))[0]}
    outcomes = engine.build(sorted(scripts))
    renderer = Renderer(engine, outcomes, "assets/figures")
    for page in pages:
        uri = page.relative_to(docs).as_posix()
        page.write_text(renderer.render(page.read_text(), uri, uri))
    for uri, path in renderer.published_files().items():
        (docs / uri).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, docs / uri)
    text = (ROOT / "mkdocs.yml").read_text()
    config = yaml.load(text, Loader=TolerantLoader)
    plugins = [
        p
        for p in config["plugins"]
        if not (p == "figblog" or (isinstance(p, dict) and "figblog" in p))
    ]
    # Keep the file as written (its tags matter) and drop only the figblog plugin line.
    floor_yml = re.sub(r"^  - figblog(:.*)?\n(    .*\n)*", "", text, count=1, flags=re.M)
    assert len(plugins) == len(config["plugins"]) - 1, "figblog plugin not found in mkdocs.yml"
    floor_yml += f"\ndocs_dir: {docs}\n"
    for name in ("overrides", "src", "node_modules"):  # paths relative to the config
        (tmp / name).symlink_to(ROOT / name)
    (tmp / "mkdocs.yml").write_text(floor_yml)
    return tmp / "mkdocs.yml"


def _script_seconds(name: str, out: Path) -> float:
    """Seconds one run of ``figures/<name>`` takes on its own, writing into ``out``."""
    out.mkdir()
    env = {**ENV, "FIGBLOG_THEME": "light", "MPLBACKEND": "Agg"}
    start = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "figures" / name)], cwd=out, env=env, check=True)
    return time.perf_counter() - start


def main() -> list[tuple[str, float, float, bool]]:
    """Run the engine benchmarks; print and return (name, value, target, passed) rows."""
    rows = []
    with tempfile.TemporaryDirectory() as tmpname:
        tmp = Path(tmpname)
        site = tmp / "site"
        _timed(_mkdocs(ROOT / "mkdocs.yml", site), ROOT)  # fill the cache
        floor_cfg = _make_floor(tmp / "floor")
        script = ROOT / "figures" / EDIT_SCRIPT
        original = script.read_text()
        _timed(_mkdocs(floor_cfg, tmp / "fsite"), ROOT)  # warm up both sites once
        _timed(_mkdocs(ROOT / "mkdocs.yml", site), ROOT)
        # Rounds of floor, warm, comment edit and the script alone, interleaved, so that a
        # machine that slows down or speeds up over the minutes affects all four alike; the
        # ratios are computed per round and their medians reported.
        floors, warms, edits, owns = [], [], [], []
        try:
            for i in range(RUNS):
                floors.append(_timed(_mkdocs(floor_cfg, tmp / "fsite"), ROOT))
                warms.append(_timed(_mkdocs(ROOT / "mkdocs.yml", site), ROOT))
                script.write_text(original + f"\n# benchmark edit {time.time_ns()} {i}\n")
                edits.append(_timed(_mkdocs(ROOT / "mkdocs.yml", site), ROOT))
                script.write_text(original)
                owns.append(_script_seconds(EDIT_SCRIPT, tmp / f"round{i}"))
        finally:
            script.write_text(original)
        _timed(_mkdocs(ROOT / "mkdocs.yml", site), ROOT)  # the original's entry is current again
        warm_ratio = statistics.median(w / f for w, f in zip(warms, floors, strict=True))
        edit_ratio = statistics.median(
            (e - f) / o for e, f, o in zip(edits, floors, owns, strict=True)
        )
        floor, warm = statistics.median(floors), statistics.median(warms)
        edit, own = statistics.median(edits), statistics.median(owns)
        print(f"floor {floor:.2f} s, warm {warm:.2f} s (medians of {RUNS} interleaved rounds)")
        print(f"{EDIT_SCRIPT} alone {own:.2f} s; build after a comment edit {edit:.2f} s")
        rows.append(("warm build / floor", warm_ratio, 1.10, warm_ratio <= 1.10))
        rows.append(
            ("(comment-edit build - floor) / script run time", edit_ratio, 1.2, edit_ratio <= 1.2)
        )

        cli = [sys.executable, "-m", "figblog.cli", "build", "--force"]
        cpus = os.cpu_count() or 1
        par = statistics.median(_timed([*cli, "--jobs", str(cpus)], ROOT) for _ in range(RUNS))
        ser = statistics.median(_timed([*cli, "--jobs", "1"], ROOT) for _ in range(RUNS))
        print(f"cold figure build: jobs={cpus} {par:.2f} s, jobs=1 {ser:.2f} s")
        rows.append((f"cold build jobs={cpus} / jobs=1", par / ser, 1.0, par / ser < 1.0))
    for name, value, target, ok in rows:
        print(f"{'PASS' if ok else 'FAIL'}  {name}: {value:.3f} (target <= {target})")
    return rows


if __name__ == "__main__":
    main()
