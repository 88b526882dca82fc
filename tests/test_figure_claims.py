"""What the posts say about their figures, recomputed from the library (issue 11's errors).

Each figure script runs as an author would run it, ``python figures/x.py`` in an empty folder
(the bee scripts read the memoised training run, training it first if the cache lacks it); the
text and pictures it writes are checked against numbers computed here from ``figblog.learn``
and ``figblog.data``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from PIL import Image

from figblog.data.running import DescentSettings, frame_mse, guessed_lines, running_data
from figblog.learn.regression import largest_stable_rate, mse, mse_curvature
from figblog.learn.shapes import label_shapes
from figblog.plotting.themes import palette

REPO = Path(__file__).resolve().parents[1]
POSTS = REPO / "docs" / "blog" / "posts"


def run_script(name: str, folder: Path, theme: str = "light") -> Path:
    """Run ``figures/<name>`` in ``folder`` in one colour scheme; return the folder."""
    env = {**os.environ, "FIGBLOG_THEME": theme, "FIGBLOG_PROJECT_ROOT": str(REPO)}
    done = subprocess.run(
        [sys.executable, str(REPO / "figures" / name)],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr
    return folder


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """Folders of outputs by (script, theme), each script run on first use."""
    made: dict[tuple[str, str], Path] = {}

    class _Runs(dict):
        def __missing__(self, key: tuple[str, str]) -> Path:
            script, theme = key
            folder = tmp_path_factory.mktemp(f"{Path(script).stem}-{theme}")
            self[key] = run_script(script, folder, theme)
            return self[key]

    return _Runs(made)


def _lut(cmap: object) -> np.ndarray:
    """The colour map as 256 RGB rows in 0..255."""
    cmap = matplotlib.colormaps[cmap] if isinstance(cmap, str) else cmap
    return np.array([cmap(t)[:3] for t in np.linspace(0, 1, 256)]) * 255


def _longest_key(
    picture: np.ndarray, lut: np.ndarray, along: int, tol: float = 60.0, steps: bool = False
) -> int:
    """How far through the colour map one straight run of pixels walks.

    Along each column (``along=0``) or row (1), both ways, find runs of pixels that match the
    map (squared RGB distance under ``tol``) and never step back in it. Return the widest span
    of the map's 256 entries one run covers or, with ``steps``, the most distinct entries one
    run meets. A colour bar walks the whole map in small steps; the map's own picture either
    stops short of its ends (a surface) or jumps across it in a few pixels (an edge).
    """
    lines = picture if along == 1 else picture.transpose(1, 0, 2)
    best = 0
    for line in lines.astype(float):
        dist = ((line[:, None, :] - lut[None, :, :]) ** 2).sum(axis=2)  # (pixels, 256)
        index, near = dist.argmin(axis=1), dist.min(axis=1) < tol
        for order, ok_order in ((index, near), (index[::-1], near[::-1])):
            start = last = None  # the run's first and last map entry
            distinct = 0  # entries met in the run; it never steps back, so count the changes
            for ok, i in zip(ok_order.tolist(), order.tolist(), strict=True):
                if ok and last is not None and i >= last:
                    distinct += i != last
                    last = i
                elif ok:
                    start = last = i
                    distinct = 1
                else:
                    start = last = None
                if last is not None:
                    best = max(best, distinct if steps else last - start)
    return best


# -- gradient descent by hand -------------------------------------------------------------


def test_learning_rate_limit_is_where_the_descent_starts_to_blow_up() -> None:
    minutes, km = running_data()
    w0 = guessed_lines()[0]
    from figblog.learn.regression import gradient_descent

    limit = largest_stable_rate(minutes)
    gradient_descent(minutes, km, w0, 0.98 * limit, 3000)  # settles, no error
    with pytest.raises(ValueError, match="diverged"):
        gradient_descent(minutes, km, w0, 1.1 * limit, 3000)
    low_m, high_m = mse_curvature(minutes)
    low_h, high_h = mse_curvature(minutes, x_scale=60.0)
    # The review's numbers: about 3.1e-4 in minutes, curvature ratios ~25,800 and ~30.
    assert f"{limit:.2g}" == "0.00031"
    assert round(high_m / low_m, -2) == 25_800 and round(high_h / low_h) == 30


def test_descent_text_says_the_rate_is_in_hours_with_computed_limits(outputs) -> None:
    minutes, _ = running_data()
    settings = DescentSettings()
    text = (outputs["descent.py", "light"] / "descent-numbers.md").read_text()
    low_m, high_m = mse_curvature(minutes)
    low_h, high_h = mse_curvature(minutes, x_scale=settings.x_scale)
    assert f"learning rate of {settings.learning_rate:g} (time in hours)" in text
    assert f"{high_h / low_h:.0f} times more curved" in text
    assert f"in minutes, {high_m / low_m:,.0f} times" in text
    assert f"does not blow up is {largest_stable_rate(minutes):.2g}" in text


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_descent_gif_has_a_colour_bar_for_its_surface(outputs, theme: str) -> None:
    gif = Image.open(outputs["descent.py", theme] / "descent.gif")
    frame = np.asarray(gif.convert("RGB"))
    left = frame[:, : frame.shape[1] // 2]
    assert _longest_key(left, _lut(palette(theme).sequential), along=0, tol=600.0) >= 180


# -- misfit and guessing --------------------------------------------------------------------


def test_misfit_quotes_the_mse_as_the_guessing_frame_prints_it(outputs) -> None:
    minutes, km = running_data()
    losses = [mse(g, minutes, km) for g in guessed_lines()]
    best = int(np.argmin(losses))
    text = (outputs["misfit.py", "light"] / "misfit-mse.md").read_text()
    printed = frame_mse(losses[best])
    assert f"frame {best + 1} of the guessing animation prints it" in text
    assert f"{printed} km²." in text
    assert "the number printed on frame" not in text
    assert "frame_mse(" in (REPO / "figures" / "guessing.py").read_text()


# -- the spreadsheet post's dark figures ------------------------------------------------------


def test_dark_paths_contrast_with_the_surface_they_cross() -> None:
    from figblog.plotting.contrast import lowest_contrast, path_surface

    p = palette("dark")
    assert lowest_contrast(p.accent, p.sequential) < 1.5  # magma: orange on orange
    for colour in (p.accent, p.series[3]):  # the correct and the swapped path
        assert lowest_contrast(colour, path_surface(p)) >= 2.2
    assert "path_surface(p)" in (REPO / "figures" / "sheet_descent.py").read_text()


# -- finding bees ---------------------------------------------------------------------------


def test_convolution_png_has_a_key_for_its_signed_panels(outputs) -> None:
    from matplotlib.colors import LinearSegmentedColormap

    for theme in ("light", "dark"):
        p = palette(theme)
        signed = LinearSegmentedColormap.from_list("signed", [p.data, p.background, p.accent])
        picture = np.asarray(
            Image.open(outputs["bees_convolution.py", theme] / "convolution.png").convert("RGB")
        )
        assert _longest_key(picture, _lut(signed), along=1, steps=True) >= 80, theme
    post = (POSTS / "finding-bees-with-a-cnn.md").read_text()
    assert "orange where it gets brighter" in post


@pytest.fixture(scope="module")
def trained() -> dict:
    from figblog.learn.train import TrainConfig, trained_segmenter

    return trained_segmenter(TrainConfig())


def test_scores_give_iou_with_and_without_averaging(outputs, trained) -> None:
    from figblog.learn.metrics import scores
    from figblog.learn.train import TrainConfig, network_from, predict_turned

    cfg = TrainConfig()
    net = network_from(trained)
    images, masks = trained["test_images"], trained["test_masks"]
    turned = scores(predict_turned(net, images) > cfg.threshold, masks).iou
    single = scores(net.predict(images) > cfg.threshold, masks).iou
    assert turned > single
    folder = outputs["bees_results.py", "light"]
    table = (folder / "scores.md").read_text()
    assert f"mean of four turns | **{turned:.3f}**" in table
    assert f"one pass (as in validation) | {single:.3f}" in table
    text = (folder / "averaging.md").read_text()
    assert f"from {single:.3f} (one pass) to {turned:.3f}, by {turned - single:.3f}" in text
    assert f"picked the epoch, {max(trained['val_iou']):.3f}" in text
    post = (POSTS / "finding-bees-with-a-cnn.md").read_text()
    assert "no built-in sense of rotation" not in post
    assert "figures/bees_results.py#averaging.md" in post
    assert "not rotation-equivariant" in text  # an image out: equivariance is the property


def test_parameter_count_says_which_biases_do_nothing(outputs, trained) -> None:
    from figblog.learn.train import network_from

    net = network_from(trained)
    idle = net.n_idle_biases()
    assert idle == 160
    text = (outputs["bees_results.py", "light"] / "training-facts.md").read_text()
    assert f"{net.n_parameters():,} tunable numbers, but {idle} of them" in text
    assert f"leaves {net.n_parameters() - idle:,} numbers" in text
    # They do move: Adam turns the rounding noise in their zero gradient into steps.
    drift = net.idle_bias_drift()
    assert 0.01 < drift < 1 and f"the farthest ends {drift:.2f} away from its start" in text


def test_the_best_epoch_note_names_the_epochs_it_ties_with(outputs, trained) -> None:
    iou = trained["val_iou"]
    best = trained["best_epoch"]
    ties = [e for e in range(1, len(iou) + 1) if e != best and iou[e - 1] >= iou[best - 1] - 0.001]
    values = json.loads((outputs["bees_training.py", "light"] / "values.json").read_text())
    note = values["best_note"]["value"]
    if ties:
        assert "in a near tie with epoch" in note and "levelled off" in note
        assert all(str(e) in note for e in ties)
        assert "longer run" not in note
    else:
        assert ("longer run" in note) == (best == len(iou))


def test_learning_caption_counts_the_shapes_in_the_label(outputs, trained) -> None:
    labels, count = label_shapes(trained["gif_mask"])
    assert count == 3  # four bees drawn, two of them touching
    text = (outputs["bees_training.py", "light"] / "learning-label.md").read_text()
    assert f"has {count} separate white shapes" in text
    sizes = sorted((int((labels == k).sum()) for k in range(1, count + 1)), reverse=True)
    assert all(f"{v:,}" in text for v in sizes)
    post = (POSTS / "finding-bees-with-a-cnn.md").read_text()
    assert "four white bee shapes" not in post
    assert "figures/bees_training.py#learning-label.md" in post
    assert re.search(r"learning\.gif\)\n/// caption", post)
