"""The U-Net: its gradient against finite differences, learning a tiny batch, saving and loading."""

from __future__ import annotations

import numpy as np
import pytest

from figblog.learn.cnn import UNet, UNetConfig
from figblog.learn.metrics import bce_with_logits
from figblog.learn.optim import Adam
from test_layers import numeric_grad


@pytest.fixture
def tiny() -> UNet:
    return UNet(UNetConfig(base_channels=2, depth=2, convs_per_block=1, seed=3))


def as_float64(net: UNet) -> None:
    for _, layer in net._named_layers():
        layer.params = {k: v.astype(np.float64) for k, v in layer.params.items()}


def test_shapes_and_parameter_count(tiny):
    x = np.zeros((3, 8, 12, 3), np.float32)
    assert tiny.forward(x).shape == (3, 8, 12)
    # enc0 3->2, enc1 2->4, bottom 4->8, dec1 12->4, dec0 6->2 (3x3 each, with batch norm's
    # scale and shift per channel) and the 1x1 head 2->1
    expected = (
        sum(9 * i * o + o + 2 * o for i, o in [(3, 2), (2, 4), (4, 8), (12, 4), (6, 2)]) + 2 + 1
    )
    assert tiny.n_parameters() == expected


def test_whole_network_gradient_matches_finite_differences(tiny):
    as_float64(tiny)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 4, 4, 3))
    y = rng.random((2, 4, 4)) < 0.3

    def loss() -> float:
        return bce_with_logits(tiny.forward(x), y)[0]

    _, grad = bce_with_logits(tiny.forward(x), y)
    tiny.backward(grad)
    analytic = {k: v.copy() for k, v in tiny.gradients().items()}
    for name, p in tiny.parameters().items():
        np.testing.assert_allclose(
            analytic[name], numeric_grad(loss, p), rtol=1e-5, atol=1e-9, err_msg=name
        )


def test_training_on_a_tiny_batch_drives_the_loss_down(tiny):
    rng = np.random.default_rng(1)
    x = rng.random((4, 8, 8, 3), dtype=np.float32)
    y = x[..., 0] > 0.5  # "bee" where the red channel is bright: learnable per pixel
    opt = Adam(tiny.parameters(), lr=0.02)
    losses = []
    for _ in range(60):
        loss, grad = bce_with_logits(tiny.forward(x), y)
        tiny.backward(grad)
        opt.step(tiny.gradients())
        losses.append(loss)
    assert losses[-1] < 0.3 * losses[0]
    assert tiny.parameters()["head.w"].dtype == np.float32


def test_save_and_load_round_trip(tiny, tmp_path):
    x = np.random.default_rng(2).random((2, 8, 8, 3), dtype=np.float32)
    tiny.forward(x)  # move the batch-norm running statistics away from their start
    path = tiny.save(tmp_path / "bees.npz")
    loaded = UNet.load(path)
    assert loaded.config == tiny.config
    np.testing.assert_array_equal(loaded.predict(x), tiny.predict(x))
    assert not np.array_equal(UNet(tiny.config).predict(x), tiny.predict(x))


def test_predict_uses_running_statistics_and_restores_training(tiny):
    x = np.random.default_rng(4).random((3, 8, 8, 3), dtype=np.float32)
    for _ in range(3):
        tiny.forward(x)
    alone = tiny.predict(x[:1])
    together = tiny.predict(x)
    np.testing.assert_allclose(
        alone[0], together[0], rtol=1e-5
    )  # one image does not see the others
    assert tiny.training


def test_load_rejects_a_file_without_config(tmp_path):
    np.savez(tmp_path / "other.npz", w=np.zeros(3))
    with pytest.raises(ValueError, match="no UNet config"):
        UNet.load(tmp_path / "other.npz")


def test_forward_rejects_sizes_that_do_not_halve(tiny):
    with pytest.raises(ValueError, match="divisible by 4"):
        tiny.forward(np.zeros((1, 6, 8, 3), np.float32))


def test_depth_zero_is_a_working_network_without_encoder_or_decoder():
    net = UNet(UNetConfig(base_channels=2, depth=0, convs_per_block=1, seed=1))
    as_float64(net)
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 5, 7, 3))  # no halving, so any size works
    assert net.forward(x).shape == (2, 5, 7)
    # bottom 3->2 with batch norm, then the 1x1 head 2->1
    assert net.n_parameters() == 9 * 3 * 2 + 2 + 2 * 2 + 2 + 1
    y = rng.random((2, 5, 7)) < 0.4
    _, grad = bce_with_logits(net.forward(x), y)
    net.backward(grad)
    w = net.bottom.layers[0].params["w"]
    analytic = net.gradients()["bottom.0.w"].copy()

    def loss() -> float:
        return bce_with_logits(net.forward(x), y)[0]

    np.testing.assert_allclose(analytic, numeric_grad(loss, w), rtol=1e-4, atol=1e-7)


def test_biases_before_batch_norm_get_no_gradient_and_are_counted(tiny):
    as_float64(tiny)
    rng = np.random.default_rng(2)
    x = rng.standard_normal((3, 4, 4, 3))
    _, grad = bce_with_logits(tiny.forward(x), rng.random((3, 4, 4)) < 0.3)
    tiny.backward(grad)
    grads = tiny.gradients()
    idle = [name for name in grads if name.endswith(".b") and not name.startswith("head")]
    for name in idle:
        np.testing.assert_allclose(grads[name], 0.0, atol=1e-12)
    assert np.abs(grads["head.b"]).max() > 1e-6  # the head's bias feeds no batch norm
    assert tiny.n_idle_biases() == sum(grads[name].size for name in idle) == 2 + 4 + 8 + 4 + 2
    plain = UNet(UNetConfig(base_channels=2, depth=2, convs_per_block=1, batch_norm=False))
    assert plain.n_idle_biases() == 0
