"""Synthetic photos of bees visiting a scented container, with exact bee masks.

A scene is a top-down view of a textured surface with one or two round containers
(lids, most with air holes, with shadows and a specular highlight), dark spots and
seeds up to the size of a bee's head that are *not* bees, and a handful of bees: a dark
head, a fuzzy thorax, a striped abdomen and two translucent wings, of varied size, angle
and colour, sometimes touching.
Lighting varies across the scene; a lens blur and sensor noise come last.

Everything is drawn on a grid ``supersample`` times finer than the image and then
averaged, so edges are anti-aliased. The mask is exact for that drawing: a pixel is
a bee pixel (1) when more than half of its samples fall inside a bee's head, thorax,
abdomen or wings. Bee shadows are not bee.

Scenes are seeded per split and index, so a split is the same on every machine and
no scene appears in two splits.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from figblog.data._paint import Canvas, gaussian_blur, smooth_field

__all__ = ["SPLITS", "SceneConfig", "make_scene", "make_split"]

SPLITS = ("train", "val", "test")

_SURFACES = np.array(
    [
        [0.55, 0.45, 0.32],  # wooden board
        [0.42, 0.46, 0.30],  # dry grass
        [0.52, 0.51, 0.48],  # concrete
        [0.36, 0.30, 0.24],  # soil
    ],
    np.float32,
)
_LIDS = np.array(
    [
        [0.92, 0.91, 0.88],  # white plastic
        [0.90, 0.84, 0.60],  # pale yellow
        [0.62, 0.74, 0.88],  # light blue
        [0.80, 0.36, 0.30],  # red
    ],
    np.float32,
)


@dataclass(frozen=True)
class SceneConfig:
    """What a scene may contain; the defaults are the scenes of the post."""

    size: int = 96  # side of the square image in pixels
    supersample: int = 3  # samples per pixel along each axis, for anti-aliasing and the mask
    bees: tuple[int, int] = (2, 5)  # fewest and most bees in a scene
    bee_length: tuple[float, float] = (26.0, 38.0)  # length in pixels, head to tail
    touching: float = 0.3  # chance that a bee lands against the one before it
    near_container: float = 0.7  # chance that a bee is on or by a container (the scent)
    spots: tuple[int, int] = (4, 10)  # dark spots and seeds that are not bees
    noise: float = 0.025  # standard deviation of sensor noise, image values in 0..1
    blur: tuple[float, float] = (0.2, 0.5)  # standard deviation of the lens blur, pixels


def _background(c: Canvas, rng: np.random.Generator) -> None:
    """A surface with blotches and grain, drawn per pixel (it is smooth), spread to the samples."""
    base = _SURFACES[rng.integers(len(_SURFACES))] * rng.uniform(0.9, 1.1, 3).astype(np.float32)
    n = c.size
    coarse = smooth_field(rng, n, cells=5)[..., None]
    fine = smooth_field(rng, n, cells=24)[..., None]
    grain = rng.standard_normal((n, n, 1)).astype(np.float32)
    surface = base * (1 + 0.12 * coarse + 0.08 * fine + 0.04 * grain)  # (size, size, 3)
    samples = c.rgb.reshape(n, c.ss, n, c.ss, 3)  # each pixel's ss x ss samples
    samples[:] = surface[:, None, :, None, :]


def _container(
    c: Canvas, rng: np.random.Generator, light: np.ndarray
) -> tuple[float, float, float]:
    """A round lid with its shadow, rim, air holes and highlight; returns its centre and radius."""
    size = c.size
    r = rng.uniform(0.2, 0.34) * size
    cx, cy = rng.uniform(0.15, 0.85, 2) * size
    # Shadow: a soft disc pushed away from the light.
    sx, sy = cx - light[0] * 0.12 * r, cy - light[1] * 0.12 * r
    ys, xs, gx, gy = c.window(sx, sy, r * 1.3)
    d = np.hypot(gx - sx, gy - sy)
    c.shade(ys, xs, 0.45 * np.clip((r * 1.12 - d) / (0.15 * r), 0, 1))
    # Lid with a rim, a radial shading, air holes and a highlight.
    ys, xs, gx, gy = c.window(cx, cy, r)
    d = np.hypot(gx - cx, gy - cy) / r
    lid = _LIDS[rng.integers(len(_LIDS))] * rng.uniform(0.9, 1.05)
    shading = 1 - 0.12 * d**2 + 0.05 * ((gx - cx) * light[0] + (gy - cy) * light[1]) / r
    rim = np.where(d > 0.86, 0.82, 1.0) * np.where(np.abs(d - 0.86) < 0.03, 0.75, 1.0)
    colour = lid * (shading * rim)[..., None]
    c.paint(ys, xs, np.clip((1 - d) * r * c.ss, 0, 1), colour)
    holes = rng.integers(0, 3)
    for ring in range(holes):
        rr = r * (0.25 + 0.25 * ring)
        k = 6 + 6 * ring
        phase = rng.uniform(0, 2 * np.pi)
        for a in phase + 2 * np.pi * np.arange(k) / k:
            _disc(
                c,
                cx + rr * np.cos(a),
                cy + rr * np.sin(a),
                rng.uniform(0.6, 1.1),
                np.array([0.1, 0.09, 0.08]),
            )
    hx, hy = cx + light[0] * 0.45 * r, cy + light[1] * 0.45 * r
    ys, xs, gx, gy = c.window(hx, hy, 0.3 * r)
    glow = np.exp(-(((gx - hx) / (0.22 * r)) ** 2 + ((gy - hy) / (0.1 * r)) ** 2))
    c.paint(ys, xs, 0.6 * glow * (np.hypot(gx - cx, gy - cy) < r), np.ones(3, np.float32))
    return cx, cy, r


def _disc(c: Canvas, x: float, y: float, radius: float, colour: np.ndarray) -> None:
    ys, xs, gx, gy = c.window(x, y, radius)
    c.paint(ys, xs, np.hypot(gx - x, gy - y) <= radius, colour.astype(np.float32))


def _spot(c: Canvas, rng: np.random.Generator) -> None:
    """A dark blob or seed, up to the size of a bee's head or thorax: the hard negatives."""
    x, y = rng.uniform(0, c.size, 2)
    a = rng.uniform(1.5, 6.0)
    b = a * rng.uniform(0.35, 1.0)
    ys, xs, gx, gy = c.window(x, y, a)
    t = rng.uniform(0, np.pi)
    u = ((gx - x) * np.cos(t) + (gy - y) * np.sin(t)) / a
    v = (-(gx - x) * np.sin(t) + (gy - y) * np.cos(t)) / b
    theta = np.arctan2(v, u)
    k2, k3 = rng.uniform(0, 0.12, 2)
    wobble = (
        1 + k2 * np.sin(2 * theta + rng.uniform(0, 6)) + k3 * np.sin(3 * theta + rng.uniform(0, 6))
    )
    colour = np.array([0.16, 0.11, 0.07], np.float32) * rng.uniform(0.5, 1.6)
    c.paint(ys, xs, (u**2 + v**2 <= wobble**2) * rng.uniform(0.75, 1.0), colour)


_BODIES = np.array(
    [
        [0.88, 0.64, 0.16],  # golden
        [0.80, 0.50, 0.16],  # orange
        [0.66, 0.46, 0.20],  # honey brown
        [0.90, 0.74, 0.30],  # pale
    ],
    np.float32,
)


def _ellipse(u: np.ndarray, v: np.ndarray, cu: float, cv: float, a: float, b: float) -> np.ndarray:
    """Squared normalised radius of points (u, v) from an axis-aligned ellipse; inside is <= 1."""
    return ((u - cu) / a) ** 2 + ((v - cv) / b) ** 2


def _bee(
    c: Canvas,
    rng: np.random.Generator,
    x: float,
    y: float,
    angle: float,
    length: float,
    light: np.ndarray,
) -> None:
    """Draw one bee seen from above, head towards ``angle``, and add it to the mask.

    The body frame has u along the body towards the head and v across it, both in
    units of the bee's length, with the origin at the waist.
    """
    ys, xs, gx, gy = c.window(x, y, 0.62 * length)
    ca, sa = np.cos(angle), np.sin(angle)

    def frame(ox: float, oy: float) -> tuple[np.ndarray, np.ndarray]:
        dx, dy = gx - ox, gy - oy
        return (dx * ca + dy * sa) / length, (-dx * sa + dy * ca) / length

    # A soft shadow, cast away from the light; it is not part of the bee.
    u, v = frame(x - 0.08 * length * light[0], y - 0.08 * length * light[1])
    r2 = _ellipse(u, v, -0.02, 0.0, 0.46, 0.22)
    c.shade(ys, xs, rng.uniform(0.25, 0.45) * np.clip((1.25 - r2) / 0.5, 0, 1))

    u, v = frame(x, y)
    lu, lv = (
        light[0] * ca + light[1] * sa,
        -light[0] * sa + light[1] * ca,
    )  # light in the body frame
    body = _BODIES[rng.integers(len(_BODIES))] * rng.uniform(0.85, 1.1, 3).astype(np.float32)
    dark = np.array([0.13, 0.09, 0.06], np.float32) * rng.uniform(0.7, 1.3)

    def rounded(r2: np.ndarray, du: np.ndarray, dv: np.ndarray) -> np.ndarray:
        """Brightness of a lit dome: darker to the rim, brighter towards the light."""
        return (1 - 0.35 * np.clip(r2, 0, 1) + 0.25 * (du * lu + dv * lv))[..., None]

    # Abdomen: yellow with dark bands across it and a dark tip.
    a_len, a_wid = rng.uniform(0.25, 0.3), rng.uniform(0.15, 0.19)
    r2 = _ellipse(u, v, -0.15, 0.0, a_len, a_wid)
    period = rng.uniform(0.12, 0.15)
    band = ((0.05 - u) / period + rng.uniform(-0.1, 0.1)) % 1.0 < rng.uniform(0.4, 0.55)
    colour = np.where((band & (u < 0.0))[..., None], dark, body) * rounded(
        r2, (u + 0.15) / a_len, v / a_wid
    )
    inside = r2 <= 1
    c.paint(ys, xs, inside, colour)
    parts = inside
    # Thorax: fuzzy and brown, then the dark head.
    r2 = _ellipse(u, v, 0.17, 0.0, 0.13, 0.14)
    # Texture noise comes from its own generator, so the shapes drawn after it do not
    # depend on how many samples the window has (the mask is the same at any supersample).
    fuzz = 1 + 0.08 * np.random.default_rng(rng.integers(2**32)).standard_normal(u.shape).astype(
        np.float32
    )
    colour = (
        (0.55 * body + 0.45 * dark) * fuzz[..., None] * rounded(r2, (u - 0.17) / 0.13, v / 0.14)
    )
    inside = r2 <= 1
    c.paint(ys, xs, inside, colour)
    parts = parts | inside
    r2 = _ellipse(u, v, 0.35, 0.0, 0.09, 0.11)
    inside = r2 <= 1
    c.paint(ys, xs, inside, dark * rounded(r2, (u - 0.35) / 0.09, v / 0.11))
    parts = parts | inside
    # Two wings from the thorax, swept back over the abdomen: pale, see-through, dark-edged.
    spread = rng.uniform(0.25, 0.6)
    w_len, w_wid = rng.uniform(0.24, 0.28), rng.uniform(0.09, 0.11)
    for side in (-1, 1):
        t = np.pi - side * spread  # direction of the wing in the body frame
        cu, cv = 0.14 + w_len * np.cos(t), side * 0.04 + w_len * np.sin(t)
        wu = (u - cu) * np.cos(t) + (v - cv) * np.sin(t)
        wv = -(u - cu) * np.sin(t) + (v - cv) * np.cos(t)
        r2 = (wu / w_len) ** 2 + (wv / w_wid) ** 2
        inside = r2 <= 1
        c.paint(ys, xs, 0.5 * inside, np.array([0.84, 0.88, 0.94], np.float32))
        edge = inside & ((r2 > 0.7) | (np.abs(wv) < 0.012))
        c.paint(ys, xs, 0.45 * edge, np.array([0.3, 0.3, 0.34], np.float32))
        parts = parts | inside
    c.bee[ys, xs] |= parts


def make_scene(
    rng: np.random.Generator, config: SceneConfig | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Draw a scene: image (size, size, 3) float32 in 0..1, mask (size, size) uint8, 1 = bee."""
    cfg = config or SceneConfig()
    if cfg.size < 16 or cfg.supersample < 1:
        raise ValueError(f"scene size must be at least 16 and supersample at least 1, got {cfg}")
    c = Canvas(cfg.size, cfg.supersample)
    a = rng.uniform(0, 2 * np.pi)
    light = np.array([np.cos(a), np.sin(a)], np.float32)  # direction the light comes from
    _background(c, rng)
    containers = [_container(c, rng, light) for _ in range(1 + (rng.random() < 0.3))]
    for _ in range(rng.integers(cfg.spots[0], cfg.spots[1] + 1)):
        _spot(c, rng)
    previous: tuple[float, float, float, float] | None = None
    for _ in range(rng.integers(cfg.bees[0], cfg.bees[1] + 1)):
        length = rng.uniform(*cfg.bee_length)
        angle = rng.uniform(0, 2 * np.pi)
        if previous is not None and rng.random() < cfg.touching:
            px, py, pa, pl = previous  # alongside the last bee, about a body width away
            side = pa + np.pi / 2 * rng.choice([-1, 1])
            gap = 0.32 * (pl + length) / 2
            x, y = px + gap * np.cos(side), py + gap * np.sin(side)
            x, y = x + rng.normal(0, 0.1 * length), y + rng.normal(0, 0.1 * length)
            angle = pa + rng.normal(0, 0.6)
        elif rng.random() < cfg.near_container:
            cx, cy, r = containers[rng.integers(len(containers))]
            t, d = rng.uniform(0, 2 * np.pi), r * np.sqrt(rng.uniform(0, 1.2))
            x, y = cx + d * np.cos(t), cy + d * np.sin(t)
        else:
            x, y = rng.uniform(0, cfg.size, 2)
        _bee(c, rng, x, y, angle, length, light)
        previous = (x, y, angle, length)
    image, mask = c.finish()
    image *= (1 + 0.15 * smooth_field(rng, cfg.size, cells=3))[..., None]  # uneven light
    image *= rng.uniform(0.94, 1.06, 3).astype(np.float32)  # white balance
    image = gaussian_blur(image, rng.uniform(*cfg.blur))
    image += rng.normal(0, cfg.noise, image.shape).astype(np.float32)
    return np.clip(image, 0, 1).astype(np.float32), mask


def make_split(
    split: str, n: int, seed: int = 0, config: SceneConfig | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Scenes 0..n-1 of ``split``: images (n, size, size, 3) float32, masks (n, size, size) uint8.

    Scene i of a split depends only on (seed, split, i): asking for more scenes
    extends a split without changing the ones before.
    """
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; use one of {', '.join(SPLITS)}")
    if n < 0:
        raise ValueError(f"number of scenes must be non-negative, got {n}")
    cfg = config or SceneConfig()
    images = np.empty((n, cfg.size, cfg.size, 3), np.float32)
    masks = np.empty((n, cfg.size, cfg.size), np.uint8)
    for i in range(n):
        rng = np.random.default_rng([seed, SPLITS.index(split), i])
        images[i], masks[i] = make_scene(rng, cfg)
    return images, masks
