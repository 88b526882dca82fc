"""Synthetic bee scenes: seeded, disjoint splits, and masks that are the shapes drawn."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from figblog.data.bees import SceneConfig, make_scene, make_split

SMALL = SceneConfig(size=32, bee_length=(10.0, 14.0))


def digests(images: np.ndarray) -> set[str]:
    return {hashlib.sha256(im.tobytes()).hexdigest() for im in images}


def test_scene_shapes_types_and_ranges():
    image, mask = make_scene(np.random.default_rng(0), SMALL)
    assert image.shape == (32, 32, 3) and image.dtype == np.float32
    assert 0 <= image.min() and image.max() <= 1
    assert mask.shape == (32, 32) and mask.dtype == np.uint8
    assert set(np.unique(mask)) <= {0, 1}


def test_splits_are_deterministic_and_extend_without_changing():
    x1, y1 = make_split("train", 3, seed=5, config=SMALL)
    x2, y2 = make_split("train", 5, seed=5, config=SMALL)
    np.testing.assert_array_equal(x1, x2[:3])
    np.testing.assert_array_equal(y1, y2[:3])
    x3, _ = make_split("train", 3, seed=6, config=SMALL)
    assert not np.array_equal(x1, x3)


def test_splits_share_no_scene():
    seen = [
        digests(make_split(split, 6, seed=0, config=SMALL)[0]) for split in ("train", "val", "test")
    ]
    assert all(len(s) == 6 for s in seen)
    assert not (seen[0] & seen[1] or seen[0] & seen[2] or seen[1] & seen[2])


def test_no_bees_means_an_empty_mask():
    cfg = SceneConfig(size=32, bees=(0, 0))
    _, masks = make_split("val", 4, config=cfg)
    assert masks.sum() == 0


def test_bees_cover_a_plausible_share_of_the_scenes():
    _, masks = make_split("train", 20, config=SceneConfig())
    share = masks.mean()
    assert 0.02 < share < 0.25
    assert masks.reshape(20, -1).max(axis=1).sum() >= 18  # nearly every scene shows a bee


def test_mask_is_the_drawn_shape_at_any_supersampling():
    # The same scene drawn with 3x3 and 9x9 samples per pixel: the shapes are the same,
    # so the masks may differ only where a pixel is about half covered, on the outline.
    cfg3 = SceneConfig(size=48, supersample=3)
    cfg9 = SceneConfig(size=48, supersample=9)
    for i in range(3):
        _, m3 = make_scene(np.random.default_rng(i), cfg3)
        _, m9 = make_scene(np.random.default_rng(i), cfg9)
        differ = m3 != m9
        assert differ.sum() <= 0.05 * max(m9.sum(), 1)
        inner = m9.astype(bool)
        inner[1:-1, 1:-1] &= m9[:-2, 1:-1] & m9[2:, 1:-1] & m9[1:-1, :-2] & m9[1:-1, 2:] > 0
        outer = ~m9.astype(bool)
        outer[1:-1, 1:-1] &= (m9[:-2, 1:-1] | m9[2:, 1:-1] | m9[1:-1, :-2] | m9[1:-1, 2:]) == 0
        assert not (differ & (inner | outer))[1:-1, 1:-1].any()  # never away from an outline


def test_bad_arguments_are_errors():
    with pytest.raises(ValueError, match="unknown split"):
        make_split("training", 1)
    with pytest.raises(ValueError, match="non-negative"):
        make_split("train", -1)
    with pytest.raises(ValueError, match="at least 16"):
        make_scene(np.random.default_rng(0), SceneConfig(size=8))
