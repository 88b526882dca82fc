"""What a figure run costs beyond the script's own work: warm worker against fresh interpreter.

For each of a few small scripts (an empty one, one that writes text with numpy, one
that draws and saves a small plot), three medians are taken in interleaved rounds:

* own: the script's body run with ``runpy`` in one interpreter that has already
  imported numpy and matplotlib and run it once (what the work itself costs);
* warm: the engine's ``run_script`` forking it from a warm worker;
* fresh: ``run_script`` starting a new interpreter for it (the engine before warm workers).

Overhead is (run - own). Target: warm overhead <= 50 ms per run.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from figblog.engine.runner import run_script

ROUNDS = 9
TARGET_MS = 50.0

SCRIPTS = {
    "empty": "pass\n",
    "text": "import numpy as np\nopen('n.md', 'w').write(str(np.arange(10).sum()))\n",
    "plot": (
        "import matplotlib.pyplot as plt\n"
        "fig, ax = plt.subplots(figsize=(3, 2))\n"
        "ax.plot([0, 1, 2, 3], [0, 1, 0, 2])\n"
        "ax.set_title('a small plot')\n"
        "fig.savefig('p.png', dpi=80)\n"
    ),
}

_IN_PROCESS = """
import json, os, runpy, sys, time
import numpy, matplotlib.pyplot as plt
from figblog.plotting import apply_theme
apply_theme("light")
script, folder, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
os.chdir(folder)
times = []
for i in range(rounds + 1):
    start = time.perf_counter()
    runpy.run_path(script, run_name="__main__")
    times.append(time.perf_counter() - start)
    plt.close("all")
print(json.dumps(times[1:]))
"""


def _own(script: Path, folder: Path) -> list[float]:
    done = subprocess.run(
        [sys.executable, "-c", _IN_PROCESS, str(script), str(folder), str(ROUNDS)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def _run(script: Path, root: Path, tmp: Path, warm: bool) -> float:
    workspace = tmp / "ws"
    shutil.rmtree(workspace, ignore_errors=True)
    (workspace / "out").mkdir(parents=True)
    start = time.perf_counter()
    result = run_script(script, "light", root, workspace, tmp / "memo", timeout=60, warm=warm)
    elapsed = time.perf_counter() - start
    if not result.ok:
        raise SystemExit(f"benchmark script failed: {result.error_message}\n{result.output_tail}")
    return elapsed


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="figblog-overhead-") as name:
        tmp = Path(name)
        root = tmp / "proj"
        (root / "figures").mkdir(parents=True)
        (tmp / "own").mkdir()
        worst = 0.0
        for label, body in SCRIPTS.items():
            script = root / "figures" / f"{label}.py"
            script.write_text(body)
            _run(script, root, tmp, warm=True)  # starts the worker, once
            warm, fresh = [], []
            for _ in range(ROUNDS):
                warm.append(_run(script, root, tmp, warm=True))
                fresh.append(_run(script, root, tmp, warm=False))
            own = statistics.median(_own(script, tmp / "own"))
            w, f = statistics.median(warm), statistics.median(fresh)
            over_w, over_f = (w - own) * 1000, (f - own) * 1000
            worst = max(worst, over_w)
            print(
                f"{label:6} own {own * 1000:7.1f} ms | warm {w * 1000:7.1f} ms "
                f"(overhead {over_w:6.1f} ms) | fresh {f * 1000:7.1f} ms "
                f"(overhead {over_f:6.1f} ms) | fresh/warm {f / w:5.1f}x"
            )
        verdict = "PASS" if worst <= TARGET_MS else "FAIL"
        print(f"{verdict}: warm run overhead {worst:.1f} ms (target <= {TARGET_MS:g} ms)")


if __name__ == "__main__":
    main()
