"""Every internal link, anchor and image source in the built site resolves; every image is sized.

Static checks over the session's build (no browser): see figblog.sitecheck.links.
"""

from __future__ import annotations

import pytest

from figblog.sitecheck import broken_links, scan_page, unsized_images

pytestmark = pytest.mark.site


def test_every_internal_link_and_anchor_resolves(site_dir, site_url_config):
    problems = broken_links(site_dir, site_url_config)
    assert not problems, f"{len(problems)} broken:\n" + "\n".join(map(str, problems))


def test_links_are_actually_checked(site_dir, pages):
    """Guard against a checker that passes because it saw nothing."""
    refs = sum(len(scan_page(site_dir / p / "index.html").refs) for p in pages)
    assert refs > 20 * len(pages)


def test_every_image_has_width_and_height_matching_the_picture(site_dir):
    problems = unsized_images(site_dir)
    assert not problems, "images that make the page jump:\n" + "\n".join(map(str, problems))


def test_notebook_images_are_sized(site_dir, pages_with):
    found = pages_with(
        "jupyter-wrapper", missing="no notebook page (mkdocs-jupyter) in the site yet"
    )
    images = [img for p in found for img in scan_page(site_dir / p / "index.html").images]
    # Plots: files the slimming hook wrote (figblog.notebook_slim), or small data: images.
    outputs = [
        img
        for img in images
        if "assets/notebooks/" in img.get("src", "") or img.get("src", "").startswith("data:image/")
    ]
    assert outputs, "the notebook page shows no plot"
    assert all("width" in img and "height" in img for img in outputs)
