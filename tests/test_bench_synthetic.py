"""The synthetic-site generator of benchmarks/synthetic_site.py builds, for every tool compared."""

from __future__ import annotations

import base64
import importlib.util
import io
import re
from pathlib import Path

import pytest
from PIL import Image

REPO = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location(
    "synthetic_site", REPO / "benchmarks" / "synthetic_site.py"
)
assert _spec is not None and _spec.loader is not None
synthetic = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(synthetic)

PNG = b"\x89PNG\r\n\x1a\n"


def _images(page: Path) -> list[str]:
    return re.findall(r'<img [^>]*src="([^"]+)"', page.read_text())


def _published(page: Path, src: str) -> Path:
    return (page.parent / src.split("#")[0]).resolve()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The four 2-page sites, built with --strict; kind -> site folder."""
    root = tmp_path_factory.mktemp("synthetic")
    cache = root / ".cache-figblog"
    assert synthetic.write_scripts(root, 2) == ["p000.py", "p001.py"]
    configs = {"figblog": synthetic.write_site(root, 2, "figblog", cache_dir=cache)}
    synthetic.build(configs["figblog"], "--strict")
    images = synthetic.theme_images(root, cache, 2)
    configs["floor"] = synthetic.write_site(root, 2, "floor", images=images)
    configs["exec"] = synthetic.write_site(root, 2, "exec")
    configs["exec-both"] = synthetic.write_site(root, 2, "exec-both")
    for kind in ("floor", "exec", "exec-both"):
        synthetic.build(configs[kind], "--strict")
    return {kind: config.with_suffix(".site") for kind, config in configs.items()}


def test_figblog_site_shows_a_different_figure_on_each_page(built: dict[str, Path]) -> None:
    pngs = []
    for k in range(2):
        page = built["figblog"] / f"p{k:03d}" / "index.html"
        srcs = _images(page)
        assert len(srcs) == 2, srcs  # the light and the dark image
        light = _published(page, srcs[0])
        assert light.read_bytes().startswith(PNG)
        pngs.append(light.read_bytes())
    assert pngs[0] != pngs[1]


def test_floor_site_shows_figblogs_pngs_as_plain_images(built: dict[str, Path]) -> None:
    for k in range(2):
        floor_page = built["floor"] / f"p{k:03d}" / "index.html"
        src, dark = _images(floor_page)
        assert src.endswith(f"img/p{k:03d}.light.png#only-light")
        assert dark.endswith(f"img/p{k:03d}.dark.png#only-dark")
        fig_page = built["figblog"] / f"p{k:03d}" / "index.html"
        light = _published(fig_page, _images(fig_page)[0])
        assert _published(floor_page, src).read_bytes() == light.read_bytes()
    assert "figures" not in (built["floor"] / "p000" / "index.html").read_text()


def test_markdown_exec_site_embeds_the_figure_as_a_png_data_url(built: dict[str, Path]) -> None:
    decoded = []
    for k in range(2):
        (src,) = _images(built["exec"] / f"p{k:03d}" / "index.html")
        assert src.startswith("data:image/png;base64,")
        decoded.append(base64.b64decode(src.split(",", 1)[1]))
        assert decoded[-1].startswith(PNG)
    assert decoded[0] != decoded[1]


def test_markdown_exec_both_site_draws_each_figure_in_both_themes(built: dict[str, Path]) -> None:
    for k in range(2):
        srcs = _images(built["exec-both"] / f"p{k:03d}" / "index.html")
        light, dark = (base64.b64decode(s.split(",", 1)[1]) for s in srcs)
        assert light != dark
        (one_theme,) = _images(built["exec"] / f"p{k:03d}" / "index.html")
        assert base64.b64decode(one_theme.split(",", 1)[1]) not in (light, dark)
    # Same code, same theme: the light block draws figblog's light figure, pixel for pixel
    # (figblog's file carries other PNG metadata), so the pair does the same work.
    fig_page = built["figblog"] / "p001" / "index.html"
    fig_light = Image.open(_published(fig_page, _images(fig_page)[0]))
    both = _images(built["exec-both"] / "p001" / "index.html")
    exec_light = Image.open(io.BytesIO(base64.b64decode(both[0].split(",", 1)[1])))
    assert exec_light.size == fig_light.size
    assert exec_light.convert("RGBA").tobytes() == fig_light.convert("RGBA").tobytes()


def test_write_site_refuses_an_unknown_kind_or_a_floor_without_images(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown site kind"):
        synthetic.write_site(tmp_path, 1, "gallery")
    with pytest.raises(ValueError, match="needs the figure images"):
        synthetic.write_site(tmp_path, 1, "floor")
