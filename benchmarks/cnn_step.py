"""One training step of the post's U-Net in our numpy code against the same step in PyTorch.

    python benchmarks/cnn_step.py

Both sides get the same weights and the same batch (the post's batch size and crop),
run on one thread, and take a full step: forward, BCE + Dice loss, backward, Adam.
Prints the median step times and their ratio numpy / torch (target <= 1.5), and checks
our gradients against torch's autograd: one 3 x 3 convolution's input and weight
gradients (stride 1 and stride 2) to 1e-4, and every parameter gradient of the whole
network (in float64 on both sides, so that float32 rounding does not hide a bug).

Torch is not a dependency of the project: the benchmark makes its own virtualenv
(``.cache/bench/torch-venv``, ``pip install torch==2.13.0 numpy``) and runs the torch
side there in a subprocess. Where that cannot be done it says so and skips.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np

from figblog.learn._threads import one_blas_thread
from figblog.learn.cnn import UNet
from figblog.learn.conv import conv2d_backward, conv2d_forward
from figblog.learn.optim import Adam
from figblog.learn.train import TrainConfig, _loss

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".cache" / "bench" / "torch-venv"
TORCH_PIN = "torch==2.13.0"
TARGET = 1.5
WARMUP, STEPS = 5, 40

TORCH_SIDE = r"""
import json, statistics, sys, time
import numpy as np
import torch
import torch.nn.functional as F

torch.set_num_threads(1)
data = np.load(sys.argv[1])
cfg = json.loads(sys.argv[2])
out = {}

# One convolution, stride 1 and 2: gradients of sum(r * conv(x, w)).
for s in (1, 2):
    x = torch.tensor(data[f"conv{s}_x"]).permute(0, 3, 1, 2).requires_grad_()  # NHWC -> NCHW
    w = torch.tensor(data[f"conv{s}_w"]).permute(3, 2, 0, 1).contiguous()  # (k,k,C,F) -> (F,C,k,k)
    w.requires_grad_()
    r = torch.tensor(data[f"conv{s}_r"]).permute(0, 3, 1, 2)
    (F.conv2d(x, w, stride=s, padding=1) * r).sum().backward()
    out[f"conv{s}_dx"] = x.grad.permute(0, 2, 3, 1).numpy()
    out[f"conv{s}_dw"] = w.grad.permute(2, 3, 1, 0).numpy()

# The U-Net, built from the same config and loaded with the same weights (float64 here).
names = [n for n in data.files if n.startswith("p:")]
params = {n[2:]: torch.tensor(data[n]) for n in names}
for n, t in params.items():
    if n.endswith(".w"):
        params[n] = t.permute(3, 2, 0, 1).contiguous()  # (k, k, C, F) -> (F, C, k, k)
    params[n].requires_grad_()
depth, n_convs, bn = cfg["depth"], cfg["convs_per_block"], cfg["batch_norm"]

def block(x, name):
    for j in range(n_convs):
        base = f"{name}.{(2 if bn else 1) * j}"
        x = F.conv2d(x, params[base + ".w"], params[base + ".b"], padding=1)
        if bn:
            b2 = f"{name}.{2 * j + 1}"
            g, b = params[b2 + ".gamma"], params[b2 + ".beta"]
            x = F.batch_norm(x, None, None, g, b, training=True)
        x = F.relu(x)
    return x

def forward(x):
    x = (x - 0.5) * 4.0
    skips = []
    for i in range(depth):
        x = block(x, f"enc{i}")
        skips.append(x)
        x = F.max_pool2d(x, 2)
    x = block(x, "bottom")
    for i in reversed(range(depth)):
        x = torch.cat([F.interpolate(x, scale_factor=2, mode="nearest"), skips[i]], dim=1)
        x = block(x, f"dec{i}")
    return F.conv2d(x, params["head.w"], params["head.b"])[:, 0]

def loss_fn(z, y):
    loss = F.binary_cross_entropy_with_logits(z, y)
    if cfg["dice_weight"]:
        p = torch.sigmoid(z)
        loss = loss + cfg["dice_weight"] * (1 - (2 * (p * y).sum() + 1) / (p.sum() + y.sum() + 1))
    return loss

x = torch.tensor(data["x"]).permute(0, 3, 1, 2).contiguous()
y = torch.tensor(data["y"])
loss = loss_fn(forward(x), y)
loss.backward()
out["loss"] = np.array(loss.item())
for n, t in params.items():
    g = t.grad
    out["g:" + n] = (g.permute(2, 3, 1, 0) if n.endswith(".w") else g).numpy()

# The timed steps in float32, like the numpy side.
params = {n: t.detach().float().requires_grad_() for n, t in params.items()}
x, y = x.float(), y.float()
opt = torch.optim.Adam(params.values(), lr=1e-3)
times = []
for i in range(int(cfg["warmup"]) + int(cfg["steps"])):
    t = time.perf_counter()
    opt.zero_grad()
    loss_fn(forward(x), y).backward()
    opt.step()
    times.append(time.perf_counter() - t)
out["seconds"] = np.array(statistics.median(times[int(cfg["warmup"]):]))
np.savez(sys.argv[3], **out)
"""


def _torch_python() -> Path | None:
    """The torch virtualenv's python, made on first use; None (with a message) if impossible."""
    python = VENV / "bin" / "python"
    if (
        python.exists()
        and subprocess.run([python, "-c", "import torch"], capture_output=True).returncode == 0
    ):
        return python
    print(f"making {VENV.relative_to(ROOT)} with {TORCH_PIN} (once; a few minutes)...", flush=True)
    try:
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True, capture_output=True)
        subprocess.run(
            [python, "-m", "pip", "install", "-q", TORCH_PIN, "numpy"],
            check=True,
            capture_output=True,
            text=True,
        )
    except (subprocess.CalledProcessError, OSError) as err:
        detail = getattr(err, "stderr", "") or str(err)
        print(f"SKIP: cannot install {TORCH_PIN} into {VENV}: {detail.strip().splitlines()[-1:]}")
        return None
    return python


def _numpy_step(cfg: TrainConfig, x: np.ndarray, y: np.ndarray) -> tuple[float, dict, float]:
    """Loss and gradients of one step from fresh weights in float64, then the median time of a
    full float32 step."""
    net = UNet(cfg.net)
    for _, layer in net._named_layers():
        layer.params = {k: v.astype(np.float64) for k, v in layer.params.items()}
    loss, grad = _loss(cfg, net.forward(x), y)
    net.backward(grad)
    grads = {k: v.copy() for k, v in net.gradients().items()}
    net = UNet(cfg.net)
    x, y = x.astype(np.float32), y.astype(np.float32)
    opt = Adam(net.parameters(), lr=1e-3)
    times = []
    for _ in range(WARMUP + STEPS):
        start = time.perf_counter()
        _, g = _loss(cfg, net.forward(x), y)
        net.backward(g)
        opt.step(net.gradients())
        times.append(time.perf_counter() - start)
    return loss, grads, statistics.median(times[WARMUP:])


def _rel_err(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-12))


def main() -> list[tuple[str, float, float, bool]]:
    """Run the comparison; print and return (name, value, target, passed) rows."""
    python = _torch_python()
    if python is None:
        return []
    cfg = TrainConfig()
    rng = np.random.default_rng(0)
    side = cfg.crop or cfg.scenes.size
    x = rng.random((cfg.batch_size, side, side, 3))
    y = (rng.random((cfg.batch_size, side, side)) < 0.1).astype(np.float64)
    arrays = {"x": x, "y": y}
    for s in (1, 2):
        arrays[f"conv{s}_x"] = rng.standard_normal((2, 9, 9, 4)).astype(np.float32)
        arrays[f"conv{s}_w"] = rng.standard_normal((3, 3, 4, 5)).astype(np.float32)
        _, cache = conv2d_forward(
            arrays[f"conv{s}_x"], arrays[f"conv{s}_w"], np.zeros(5, np.float32), s, 1
        )
        out_shape = (2, (9 + 2 - 3) // s + 1, (9 + 2 - 3) // s + 1, 5)
        arrays[f"conv{s}_r"] = rng.standard_normal(out_shape).astype(np.float32)
    arrays.update({f"p:{k}": v.astype(np.float64) for k, v in UNet(cfg.net).parameters().items()})

    with one_blas_thread():
        loss, grads, np_seconds = _numpy_step(cfg, x, y)
    with tempfile.TemporaryDirectory() as tmp:
        inputs, script, result = (
            Path(tmp, "in.npz"),
            Path(tmp, "torch_side.py"),
            Path(tmp, "out.npz"),
        )
        np.savez(inputs, **arrays)
        script.write_text(TORCH_SIDE)
        settings = {
            **asdict(cfg.net),
            "dice_weight": cfg.dice_weight,
            "warmup": WARMUP,
            "steps": STEPS,
        }
        done = subprocess.run(
            [python, script, inputs, json.dumps(settings), result], capture_output=True, text=True
        )
        if done.returncode != 0:
            print(f"SKIP: the torch side failed:\n{done.stderr[-2000:]}")
            return []
        with np.load(result) as t:
            torch_out = {k: t[k] for k in t.files}

    rows = []
    ratio = np_seconds / float(torch_out["seconds"])
    print(f"one training step, batch {cfg.batch_size} of {side}x{side}, one thread each:")
    print(f"  numpy {np_seconds * 1e3:.1f} ms, torch {float(torch_out['seconds']) * 1e3:.1f} ms")
    rows.append(("step time numpy / torch", ratio, TARGET, ratio <= TARGET))
    for s in (1, 2):
        out, cache = conv2d_forward(
            arrays[f"conv{s}_x"], arrays[f"conv{s}_w"], np.zeros(5, np.float32), s, 1
        )
        dx, dw, _ = conv2d_backward(arrays[f"conv{s}_r"], cache)
        err = max(_rel_err(dx, torch_out[f"conv{s}_dx"]), _rel_err(dw, torch_out[f"conv{s}_dw"]))
        rows.append((f"conv2d stride {s} dx, dw vs torch (max rel. error)", err, 1e-4, err <= 1e-4))
    loss_err = abs(loss - float(torch_out["loss"])) / abs(float(torch_out["loss"]))
    rows.append(("U-Net loss vs torch, float64 (rel. error)", loss_err, 1e-10, loss_err <= 1e-10))
    # A bias just before batch norm has a true gradient of zero (the normalisation removes
    # any constant shift), so each error is taken relative to at least a thousandth of the
    # network's largest gradient rather than to float noise.
    floor = 1e-3 * max(float(np.max(np.abs(torch_out[f"g:{k}"]))) for k in grads)
    worst = max(
        (
            float(np.max(np.abs(g - torch_out[f"g:{k}"])))
            / max(float(np.max(np.abs(torch_out[f"g:{k}"]))), floor),
            k,
        )
        for k, g in grads.items()
    )
    rows.append(
        (
            f"U-Net gradients vs torch, float64 (worst: {worst[1]})",
            worst[0],
            1e-10,
            worst[0] <= 1e-10,
        )
    )
    for name, value, target, passed in rows:
        print(f"{'PASS' if passed else 'FAIL'}  {name}: {value:.3g} (target <= {target:g})")
    return rows


if __name__ == "__main__":
    sys.exit(1 if any(not passed for *_, passed in main()) else 0)
