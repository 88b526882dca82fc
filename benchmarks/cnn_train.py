"""Train the post's bee finder once, bypassing the memo, and check it against its targets.

    python benchmarks/cnn_train.py

The run happens in a fresh subprocess, so its peak memory is its own. Prints the IoU
on the held-out test scenes (target >= 0.90), the wall time of ``train_segmenter``
(scenes made, trained, scored; target <= 90 s on the project's 2-core machine), its CPU
time, the peak resident memory of the process (target <= 1 GB), and the load average
before and after, since other work on the machine slows the run down.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time

TARGETS = {"iou": 0.90, "seconds": 90.0, "peak_mb": 1024.0}


def _child() -> None:
    from dataclasses import replace

    from figblog.learn.train import TrainConfig, train_segmenter

    config = replace(TrainConfig(), progress=False)
    start, cpu = time.perf_counter(), time.process_time()
    result = train_segmenter(config)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
    out = {"iou": result["test_scores"]["iou"], "seconds": seconds, "cpu": cpu, "peak_mb": peak_mb}
    print(json.dumps(out))


def main() -> list[tuple[str, float, float, bool]]:
    """Train once in a subprocess; print and return (name, value, target, passed) rows."""
    load_before = os.getloadavg()[0]
    done = subprocess.run(
        [sys.executable, __file__, "--child"], capture_output=True, text=True, check=False
    )
    load_after = os.getloadavg()[0]
    if done.returncode != 0:
        raise SystemExit(f"training failed:\n{done.stderr[-3000:]}")
    m = json.loads(done.stdout.strip().splitlines()[-1])
    print(
        f"train_segmenter: {m['seconds']:.1f} s wall, {m['cpu']:.1f} s CPU; "
        f"load average {load_before:.2f} before, {load_after:.2f} after, on {os.cpu_count()} CPUs"
    )
    rows = [
        ("test IoU", m["iou"], TARGETS["iou"], m["iou"] >= TARGETS["iou"]),
        (
            "training wall time (s)",
            m["seconds"],
            TARGETS["seconds"],
            m["seconds"] <= TARGETS["seconds"],
        ),
        ("peak memory (MB)", m["peak_mb"], TARGETS["peak_mb"], m["peak_mb"] <= TARGETS["peak_mb"]),
    ]
    for name, value, target, passed in rows:
        sign = ">=" if name == "test IoU" else "<="
        print(f"{'PASS' if passed else 'FAIL'}  {name}: {value:.3f} (target {sign} {target:g})")
    return rows


if __name__ == "__main__":
    if "--child" in sys.argv:
        _child()
    else:
        sys.exit(1 if any(not passed for *_, passed in main()) else 0)
