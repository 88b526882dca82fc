"""`make bench`: every benchmark of the project, printed as ratios and PASS/FAIL lines."""

from __future__ import annotations

import compileall
import importlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

# Each module has main(); a module that is not there yet is reported, not fatal.
SUITES = [
    "run_overhead",
    "synthetic_site",
    "serve_latency",
    "engine_build",
    "cnn_train",
    "cnn_step",
    "site_budget",
]


def main() -> int:
    """Run each suite in turn; exit non-zero if one crashed."""
    crashed = []
    # figblog's modules as bytecode, as after an author's first build (see synthetic_site).
    compileall.compile_dir(HERE.parent / "src", quiet=1)
    for name in SUITES:
        print(f"\n== {name} ==", flush=True)
        if not (HERE / f"{name}.py").exists():
            print(f"(no benchmarks/{name}.py)")
            continue
        try:
            importlib.import_module(name).main()
        except SystemExit as exc:
            if exc.code not in (None, 0):
                crashed.append(name)
                print(f"{name} stopped: {exc.code}")
        except Exception as exc:  # noqa: BLE001 - report and go on to the next suite
            crashed.append(name)
            print(f"{name} crashed: {type(exc).__name__}: {exc}")
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
