"""Published names carry a hash of their bytes, and only what a page shows is published."""

from __future__ import annotations

import hashlib
import re
import shutil

from conftest import PLOT, Project

POST = "# Post\n\n![A plot](figures/plot.py){ .show-source }\n"
IMAGE = re.compile(r'<img [^>]*src="\.\./(assets/figures/[^"#]+)#only-(light|dark)"')
SCRIPT = re.compile(r'<a download="plot\.py" href="\.\./(assets/figures/[^"]+)"')


def _build(project: Project) -> dict[str, str]:
    """Build the site; return the published address of each file the post links."""
    result = project.mkdocs()
    assert result.returncode == 0, result.stderr
    html = (project.root / "site/post/index.html").read_text()
    urls = {theme: url for url, theme in IMAGE.findall(html)}
    found = SCRIPT.search(html)
    assert found and set(urls) == {"light", "dark"}, html
    urls["script"] = found[1]
    return urls


def _short_hash(project: Project, url: str) -> str:
    return hashlib.sha256((project.root / "site" / url).read_bytes()).hexdigest()[:8]


def test_the_same_bytes_keep_their_address_and_changed_bytes_get_a_new_one(project):
    project.script("plot.py", PLOT)
    project.write("docs/post.md", POST)
    first = _build(project)
    assert re.fullmatch(r"assets/figures/plot/plot\.[0-9a-f]{8}\.light\.png", first["light"])
    assert re.fullmatch(r"assets/figures/plot\.[0-9a-f]{8}\.py", first["script"])
    for url in first.values():  # the name's hash is the hash of the bytes published under it
        assert f".{_short_hash(project, url)}." in url

    # From scratch (no cache, no site): the scripts run again and land at the same addresses.
    shutil.rmtree(project.root / ".cache")
    shutil.rmtree(project.root / "site")
    assert _build(project) == first
    assert len(project.runs()) == 4

    # A comment changes the script's bytes but not the picture's: only the script moves.
    project.script("plot.py", PLOT + "# a comment\n")
    second = _build(project)
    assert len(project.runs()) == 6  # it did run again
    assert second["light"] == first["light"] and second["dark"] == first["dark"]
    assert second["script"] != first["script"]

    # A different picture gets new addresses in both themes.
    project.script("plot.py", PLOT.replace("[0, 1, 0]", "[0, 2, 0]"))
    third = _build(project)
    assert third["light"] != first["light"] and third["dark"] != first["dark"]
    for url in third.values():
        assert f".{_short_hash(project, url)}." in url


TWO_OUTPUTS = PLOT + "fig.savefig('other.png')\n"


def test_only_referenced_outputs_and_shown_sources_are_published(project):
    project.script("two.py", TWO_OUTPUTS)
    project.script("plain.py", PLOT)
    project.script("unused.py", PLOT)  # in figures/ but on no page
    project.write(
        "docs/post.md",
        "# Post\n\n![A](figures/two.py#plot.png){ .show-source }\n\n![B](figures/plain.py)\n",
    )
    assert project.mkdocs().returncode == 0
    published = sorted(
        re.sub(r"\.[0-9a-f]{8}\.", ".#.", p.relative_to(project.root / "site").as_posix())
        for p in (project.root / "site/assets/figures").rglob("*")
        if p.is_file()
    )
    assert published == [
        "assets/figures/plain/plot.#.dark.png",
        "assets/figures/plain/plot.#.light.png",
        "assets/figures/two.#.py",
        "assets/figures/two/plot.#.dark.png",
        "assets/figures/two/plot.#.light.png",
    ]

    # Referencing the other output later publishes it too, in both themes.
    project.write("docs/other.md", "# Other\n\n![C](figures/two.py#other.png)\n")
    assert project.mkdocs().returncode == 0
    others = list((project.root / "site/assets/figures/two").glob("other.*.png"))
    assert sorted(re.sub(r"\.[0-9a-f]{8}\.", ".#.", p.name) for p in others) == [
        "other.#.dark.png",
        "other.#.light.png",
    ]


def test_two_scripts_whose_outputs_share_a_path_get_different_urls(project):
    # a.py writes b/x.png, a/b.py writes x.png: without the bytes' hash in the name both
    # would be published as assets/figures/a/b/x.<theme>.png, and one page would show the
    # other's figure.
    draw = (
        "import os\nimport matplotlib.pyplot as plt\n"
        "fig, ax = plt.subplots(figsize=(1, 1))\nax.set_facecolor('{colour}')\n"
        "os.makedirs(os.path.dirname('{out}') or '.', exist_ok=True)\nfig.savefig('{out}')\n"
    )
    project.script("a.py", draw.format(colour="red", out="b/x.png"))
    project.script("a/b.py", draw.format(colour="blue", out="x.png"))
    project.write("docs/index.md", "# P\n\n![Red](figures/a.py)\n\n![Blue](figures/a/b.py)\n")
    result = project.mkdocs()
    assert result.returncode == 0, result.stderr
    html = (project.root / "site" / "index.html").read_text()
    urls = re.findall(r'src="(assets/figures/a/b/x\.[0-9a-f]{8}\.light\.png)', html)
    assert len(urls) == 2 and urls[0] != urls[1]
    for url in urls:
        assert (project.root / "site" / url).is_file()
