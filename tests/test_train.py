"""Training end to end on tiny settings: it runs, learns, is deterministic, and takes real images."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from figblog.data.bees import SceneConfig, make_split
from figblog.learn.cnn import UNetConfig
from figblog.learn.train import TrainConfig, network_from, train_on_images, train_segmenter

TINY = TrainConfig(
    net=UNetConfig(base_channels=4, depth=1),
    scenes=SceneConfig(size=32, bee_length=(10.0, 14.0)),
    n_train=8,
    n_val=2,
    n_test=3,
    epochs=3,
    batch_size=4,
    crop=16,
    gif_scene=1,
    progress=False,
)


@pytest.fixture(scope="module")
def result() -> dict:
    return train_segmenter(TINY)


def test_result_holds_one_entry_per_epoch(result):
    assert len(result["train_loss"]) == len(result["val_loss"]) == len(result["val_iou"]) == 3
    assert result["gif_frames"].shape == (4, 32, 32)  # before training, then every epoch
    assert result["test_probs"].shape == (3, 32, 32)
    assert 1 <= result["best_epoch"] <= 3
    assert result["val_iou"][result["best_epoch"] - 1] == max(result["val_iou"])


def test_the_loss_goes_down(result):
    assert result["train_loss"][-1] < result["train_loss"][0]


def test_scores_match_the_stored_predictions(result):
    s = result["test_scores"]
    pred = result["test_probs"] > TINY.threshold
    truth = result["test_masks"].astype(bool)
    assert s["tp"] == np.count_nonzero(pred & truth)
    assert s["iou"] == pytest.approx(s["tp"] / (s["tp"] + s["fp"] + s["fn"]))


def test_the_kept_weights_are_the_best_epochs_network(result):
    # Rebuilt from the result, the network gives the test predictions again (without turning).
    net = network_from(result)
    direct = train_segmenter(replace(TINY, tta=False))["test_probs"]
    np.testing.assert_allclose(net.predict(result["test_images"]), direct, atol=1e-6)


def test_training_is_deterministic(result):
    again = train_segmenter(TINY)
    for name, w in result["weights"].items():
        np.testing.assert_array_equal(again["weights"][name], w)


def test_train_on_images_holds_pairs_out():
    images, masks = make_split("train", 8, config=TINY.scenes)
    out = train_on_images(images, masks, replace(TINY, epochs=1), held_out=0.5)
    assert len(out["test_images"]) == 2  # 8 pairs: 2 validation, 2 test, 4 trained on
    assert out["test_probs"].shape == (2, 32, 32)


def test_train_on_images_rejects_sizes_that_do_not_fit():
    images = np.zeros((6, 12, 12, 3), np.float32)
    with pytest.raises(ValueError, match="at least the crop"):
        train_on_images(images, np.zeros((6, 12, 12), np.uint8), TINY)
