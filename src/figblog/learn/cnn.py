"""A small U-Net: an image goes in, a map of per-pixel bee logits comes out.

The encoder halves the image ``depth`` times, doubling the channels each time, so later
convolutions see a wide neighbourhood; the decoder doubles it back, and at each size
concatenates the encoder's features from that size (the skip connection), so the
output keeps sharp edges. A final 1 x 1 convolution turns each pixel's features into
one logit.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from figblog.learn.layers import BatchNorm, Concat, Conv2d, MaxPool2, ReLU, Upsample2
from figblog.learn.metrics import sigmoid

__all__ = ["Stage", "UNet", "UNetConfig"]


@dataclass(frozen=True)
class UNetConfig:
    """Shape of the network."""

    in_channels: int = 3  # RGB
    base_channels: int = 8  # channels at full size; doubled at each level down
    depth: int = 2  # number of halvings; H and W must be divisible by 2**depth
    convs_per_block: int = 2  # 3 x 3 convolutions (each followed by a ReLU) per block
    batch_norm: bool = True  # normalise after each convolution: much faster training
    seed: int = 0  # for He initialisation


@dataclass(frozen=True)
class Stage:
    """One block of the network, for drawing it: where it sits and what shape it makes."""

    name: str
    kind: str  # "enc", "bottom", "dec" or "head"
    level: int  # 0 = full size
    c_in: int
    c_out: int
    size: int  # side of the (square) output in pixels


class _Block:
    """``n`` times (3 x 3 convolution, batch norm if asked, ReLU)."""

    def __init__(self, c_in: int, c_out: int, n: int, bn: bool, rng: np.random.Generator) -> None:
        self.layers: list[Conv2d | BatchNorm | ReLU] = []
        for i in range(n):
            self.layers.append(Conv2d(c_in if i == 0 else c_out, c_out, 3, rng=rng))
            self.layers += [BatchNorm(c_out), ReLU()] if bn else [ReLU()]

    def forward(self, x: np.ndarray) -> np.ndarray:
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, d: np.ndarray) -> np.ndarray | None:
        for layer in reversed(self.layers):
            d = layer.backward(d)
        return d

    def tuned(self) -> list[Conv2d | BatchNorm]:
        return [layer for layer in self.layers if isinstance(layer, Conv2d | BatchNorm)]


class UNet:
    """The segmentation network: images (N, H, W, in_channels) in 0..1 -> logits (N, H, W)."""

    def __init__(self, config: UNetConfig | None = None) -> None:
        self.config = cfg = config or UNetConfig()
        if cfg.depth < 0 or cfg.base_channels < 1 or cfg.convs_per_block < 1:
            raise ValueError(f"invalid UNetConfig {cfg}")
        rng = np.random.default_rng(cfg.seed)
        ch = [cfg.base_channels * 2**level for level in range(cfg.depth + 1)]
        n, bn = cfg.convs_per_block, cfg.batch_norm
        self.enc = [
            _Block(cfg.in_channels if i == 0 else ch[i - 1], ch[i], n, bn, rng)
            for i in range(cfg.depth)
        ]
        self.bottom = _Block(
            ch[cfg.depth - 1] if cfg.depth else cfg.in_channels, ch[cfg.depth], n, bn, rng
        )
        # With depth 0 there is no encoder: the bottom block reads the photo itself.
        first = self.enc[0] if self.enc else self.bottom
        first.layers[0].input_grad = False  # nothing upstream of the photo needs a gradient
        # Decoder level i takes the up-sampled features of level i+1 and the skip of level i.
        self.dec = [_Block(ch[i + 1] + ch[i], ch[i], n, bn, rng) for i in range(cfg.depth)]
        self.pools = [MaxPool2() for _ in range(cfg.depth)]
        self.ups = [Upsample2() for _ in range(cfg.depth)]
        self.cats = [Concat() for _ in range(cfg.depth)]
        self.head = Conv2d(ch[0], 1, 1, rng=rng)

    def _named_layers(self) -> list[tuple[str, Conv2d | BatchNorm]]:
        named = [
            (f"enc{i}.{j}", c) for i, b in enumerate(self.enc) for j, c in enumerate(b.tuned())
        ]
        named += [(f"bottom.{j}", c) for j, c in enumerate(self.bottom.tuned())]
        named += [
            (f"dec{i}.{j}", c) for i, b in enumerate(self.dec) for j, c in enumerate(b.tuned())
        ]
        return [*named, ("head", self.head)]

    def parameters(self) -> dict[str, np.ndarray]:
        """Every tuned array by name ("enc0.0.w"); optimisers update these in place."""
        return {
            f"{name}.{k}": v
            for name, layer in self._named_layers()
            for k, v in layer.params.items()
        }

    def gradients(self) -> dict[str, np.ndarray]:
        """The gradients of the last backward pass, with the names of :meth:`parameters`."""
        return {
            f"{name}.{k}": v for name, layer in self._named_layers() for k, v in layer.grads.items()
        }

    def state(self) -> dict[str, np.ndarray]:
        """Parameters and the batch-norm running statistics: everything :meth:`save` writes."""
        buffers = {
            f"{name}.{k}": v
            for name, layer in self._named_layers()
            if isinstance(layer, BatchNorm)
            for k, v in layer.buffers.items()
        }
        return {**self.parameters(), **buffers}

    def load_state(self, state: dict[str, np.ndarray]) -> None:
        """Copy arrays named as in :meth:`state` into the network."""
        for name, layer in self._named_layers():
            for group in (layer.params, getattr(layer, "buffers", {})):
                for k in group:
                    key = f"{name}.{k}"
                    if key not in state:
                        raise ValueError(f"no array named {key}")
                    if state[key].shape != group[k].shape:
                        raise ValueError(
                            f"{key} has shape {state[key].shape}, expected {group[k].shape}"
                        )
                    group[k][...] = state[key]

    @property
    def training(self) -> bool:
        """Whether batch norm uses batch statistics (training) or running ones (inference)."""
        return all(
            layer.training for _, layer in self._named_layers() if isinstance(layer, BatchNorm)
        )

    @training.setter
    def training(self, value: bool) -> None:
        for _, layer in self._named_layers():
            if isinstance(layer, BatchNorm):
                layer.training = value

    def n_parameters(self) -> int:
        """How many numbers training tunes."""
        return sum(p.size for p in self.parameters().values())

    def n_idle_biases(self) -> int:
        """How many of :meth:`parameters` are biases that cannot change the output.

        A convolution followed by batch norm: in training, batch norm subtracts each channel's
        batch mean, so a constant added to the channel cancels and its gradient is zero in
        exact arithmetic. In floating point it is rounding noise, which Adam scales up to
        full-size steps, so such a bias wanders from its start (:meth:`idle_bias_drift`);
        batch norm takes away whatever it adds, and its shift ``beta`` does the bias's job.
        """
        return sum(b.size for b in self._idle_biases())

    def idle_bias_drift(self) -> float:
        """The largest distance of an idle bias from its initial value, 0."""
        return max((float(np.abs(b).max()) for b in self._idle_biases()), default=0.0)

    def _idle_biases(self) -> list[np.ndarray]:
        found = []
        for block in [*self.enc, self.bottom, *self.dec]:
            for conv, after in zip(block.layers, block.layers[1:], strict=False):
                if isinstance(conv, Conv2d) and isinstance(after, BatchNorm):
                    found.append(conv.params["b"])
        return found

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Logits (N, H, W) for a batch of images x (N, H, W, C)."""
        cfg = self.config
        if x.ndim != 4 or x.shape[3] != cfg.in_channels:
            raise ValueError(f"UNet expects (N, H, W, {cfg.in_channels}) images, got {x.shape}")
        if x.shape[1] % 2**cfg.depth or x.shape[2] % 2**cfg.depth:
            raise ValueError(f"image size {x.shape[1:3]} must be divisible by {2**cfg.depth}")
        x = (x - np.float32(0.5)) * np.float32(4.0)  # pixels in 0..1 -> centred, spread about 1
        skips = []
        for block, pool in zip(self.enc, self.pools, strict=True):
            x = block.forward(x)
            skips.append(x)
            x = pool.forward(x)
        x = self.bottom.forward(x)
        for i in reversed(range(cfg.depth)):
            x = self.cats[i].forward(self.ups[i].forward(x), skips[i])
            x = self.dec[i].forward(x)
        return self.head.forward(x)[..., 0]  # (N, H, W, 1) -> (N, H, W)

    def backward(self, dlogits: np.ndarray) -> None:
        """Back-propagate dL/dlogits (N, H, W) through the last forward pass, into gradients()."""
        d = self.head.backward(dlogits[..., None])
        dskips = [np.empty(0)] * self.config.depth
        for i in range(self.config.depth):
            d = self.dec[i].backward(d)
            dup, dskips[i] = self.cats[i].backward(d)
            d = self.ups[i].backward(dup)
        d = self.bottom.backward(d)
        for i in reversed(range(self.config.depth)):
            d = self.pools[i].backward(d) + dskips[i]
            d = self.enc[i].backward(d)

    def logits(self, x: np.ndarray, batch_size: int = 8) -> np.ndarray:
        """Inference: logits (N, H, W) for images x (N, H, W, C), in batches to bound memory.

        Batch norm uses its running statistics, so each image's answer is its own.
        """
        before, self.training = self.training, False
        try:
            out = [self.forward(x[i : i + batch_size]) for i in range(0, len(x), batch_size)]
        finally:
            self.training = before
        return np.concatenate(out)

    def predict(self, x: np.ndarray, batch_size: int = 8) -> np.ndarray:
        """Bee probabilities (N, H, W) in 0..1 for images x (N, H, W, C) in 0..1."""
        return sigmoid(self.logits(x, batch_size)).astype(np.float32)

    def stages(self, size: int) -> list[Stage]:
        """The blocks in data order, with channels and output sizes, for an input of side size."""
        cfg = self.config
        ch = [cfg.base_channels * 2**level for level in range(cfg.depth + 1)]
        out = []
        c_in = cfg.in_channels
        for i in range(cfg.depth):
            out.append(Stage(f"enc{i}", "enc", i, c_in, ch[i], size >> i))
            c_in = ch[i]
        out.append(Stage("bottom", "bottom", cfg.depth, c_in, ch[cfg.depth], size >> cfg.depth))
        for i in reversed(range(cfg.depth)):
            out.append(Stage(f"dec{i}", "dec", i, ch[i + 1] + ch[i], ch[i], size >> i))
        out.append(Stage("head", "head", 0, ch[0], 1, size))
        return out

    def save(self, path: str | Path) -> Path:
        """Write the weights and the config to an .npz file."""
        path = Path(path)
        np.savez(path, __config__=np.array(json.dumps(asdict(self.config))), **self.state())
        return path

    @classmethod
    def load(cls, path: str | Path) -> UNet:
        """Rebuild a network saved with :meth:`save`."""
        with np.load(path) as data:
            if "__config__" not in data:
                raise ValueError(f"{path} holds no UNet config; was it written by UNet.save?")
            net = cls(UNetConfig(**json.loads(str(data["__config__"]))))
            try:
                net.load_state({name: data[name] for name in data.files})
            except ValueError as err:
                raise ValueError(f"{path}: {err}") from None
        return net
