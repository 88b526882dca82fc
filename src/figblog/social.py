"""Social cards and index thumbnails for the MkDocs site: the adapter side of engine/leads.py.

The figure plugin calls :meth:`Social.chosen` before the engine builds (the scripts a
post's ``image:`` names must run too) and :meth:`Social.make` once the renderer knows
every outcome. Templates then read the ``figblog_social`` global: ``card(page)`` gives
the Open Graph and Twitter tags' values for any page (a post's own card, else the site
card), ``thumbs(post)`` the light and dark thumbnails of a post for the blog index.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils.meta import get_data

from figblog.cache_files import CachedFile
from figblog.engine.refs import FigureRef, RefError
from figblog.engine.render import Renderer

if TYPE_CHECKING:
    from figblog.engine.leads import Lead, Picture

__all__ = ["Card", "Social"]

_IMAGE_LINE = re.compile(r"^image\s*:", re.M)
ALT_LIMIT = 420  # characters: Twitter cuts image descriptions longer than this


@dataclass(frozen=True)
class Card:
    """The values of one page's card tags, with absolute URLs."""

    title: str
    description: str
    url: str
    type: str  # "article" for a post, "website" for other pages
    image: str | None
    width: int | None
    height: int | None
    alt: str


class Social:
    """Which pages are posts, their lead figures, and the site's own card."""

    def __init__(self, config: MkDocsConfig, root: Path, prefix: str, site_image: str) -> None:
        self.config = config
        self.root = root
        self.prefix = prefix  # the figures folder's name, as references start
        self.site_image = site_image
        self.site_url = config.site_url or ""
        self.post_dir = _post_dir(config)
        self.chosen_refs: dict[str, FigureRef] = {}  # src_uri -> the front matter's image
        self.leads: dict[str, Lead] = {}  # src_uri -> lead of a post
        self.alts: dict[str, str] = {}
        self.site_lead: Lead | None = None

    def is_post(self, src_uri: str) -> bool:
        """Whether the page at ``src_uri`` is a blog post (it lies in the posts folder)."""
        return bool(self.post_dir) and src_uri.startswith(self.post_dir + "/")

    def chosen(self, f: File, label: str, text: str) -> FigureRef | RefError | None:
        """The figure a post's front matter names as its ``image:``, read and remembered."""
        if not self.is_post(f.src_uri) or not text.startswith("---"):
            return None
        _, meta = get_data(text)
        if "image" not in meta:
            return None
        found = _IMAGE_LINE.search(text)
        line = text.count("\n", 0, found.start()) + 1 if found else 1
        ref = _leads().parse_image(meta["image"], label, line, self.prefix)
        if isinstance(ref, FigureRef):
            self.chosen_refs[f.src_uri] = ref
        return ref

    def site_ref(self) -> FigureRef | RefError | None:
        """The plugin option ``site_image`` as a reference (mkdocs.yml is its page)."""
        if not self.site_image:
            return None
        where = os.path.relpath(self.config.config_file_path or "mkdocs.yml", self.root)
        return _leads().parse_image(self.site_image, where, _option_line(self.config), self.prefix)

    def make(
        self, renderer: Renderer, cache_dir: Path, refs: dict[str, list[FigureRef]]
    ) -> tuple[dict[str, Path], list[str]]:
        """Make every post's card and thumbnails; return the files to publish and warnings.

        ``refs`` holds each page's figure references, by ``src_uri``.
        """
        if not self.post_dir and not self.site_image:
            return {}, []  # no posts, no site card: nothing to make
        leads = _leads().Leads(renderer, cache_dir, renderer.prefix)
        warnings: list[str] = []
        for src_uri, ref in [*self.chosen_refs.items(), *_firsts(refs, self.chosen_refs)]:
            if not self.is_post(src_uri):
                continue
            made = leads.lead(ref)
            if isinstance(made, str):
                # A figure's own failure is reported where it stands; an image: only here.
                if src_uri in self.chosen_refs:
                    warnings.append(f"{ref.where}: the post's card: {made}")
                continue
            self.leads[src_uri] = made
            self.alts[src_uri] = _alt(renderer, ref, refs.get(src_uri, []), src_uri)
        site = self.site_ref()
        if isinstance(site, FigureRef):
            made = leads.lead(site, thumbs=False)  # no list shows the site's figure
            if isinstance(made, str):
                warnings.append(f"{site.where}: the site card ('site_image'): {made}")
            else:
                self.site_lead = made
                shown = [(src, r) for src, page_refs in refs.items() for r in page_refs]
                self.alts[""] = next(
                    (_alt(renderer, site, [r], src) for src, r in shown if _same(r, site)), ""
                )
        return leads.files, warnings

    def claim_image(self, page: Page) -> None:
        """Take a post's ``image:`` out of its metadata once it has been made a card.

        The RSS plugin reads ``image`` as a URL relative to the page: it would publish the
        reference itself (``figures/x.py#y.png``) as the feed item's picture, which is no file.
        """
        if page.file.src_uri in self.chosen_refs:
            page.meta.pop("image", None)
        elif "image" in page.meta and not isinstance(page.meta["image"], str):
            # 'image: 5': reported at its line in on_files; the RSS plugin would fail on it.
            page.meta.pop("image")

    # -- what templates read ---------------------------------------------------------

    def card(self, page: Page) -> Card:
        """The card of ``page``: its post's lead figure, or the site's card."""
        src = page.file.src_uri if page.file else ""
        lead = self.leads.get(src)
        post = self.is_post(src)
        config = self.config
        description = (page.meta or {}).get("description") or config.site_description or ""
        if post:
            title = page.title or config.site_name
        elif page.is_homepage or not page.title:
            title = config.site_name
        else:
            title = f"{page.title} - {config.site_name}"
        picture = (lead or self.site_lead).card if (lead or self.site_lead) else None
        alt = self.alts.get(src if lead else "")
        if not alt:  # a picture no page shows with alt text: say at least whose it is
            alt = (
                f"A figure from the post “{title}”" if lead else f"A figure from {config.site_name}"
            )
        return Card(
            title=str(title),
            description=str(description),
            url=page.canonical_url or "",
            type="article" if post else "website",
            image=self._absolute(picture) if picture else None,
            width=picture.width if picture else None,
            height=picture.height if picture else None,
            alt=alt,
        )

    def thumbs(self, post: Page) -> dict[str, Picture]:
        """Theme -> thumbnail of ``post``'s lead figure; empty when it has none."""
        lead = self.leads.get(post.file.src_uri) if post.file else None
        return dict(lead.thumbs) if lead else {}

    def _absolute(self, picture: Picture) -> str | None:
        if not self.site_url:
            return None
        return self.site_url.rstrip("/") + "/" + picture.uri

    def add_files(self, files: Files, found: dict[str, Path]) -> None:
        """Add the derived pictures to the site's files."""
        for uri, path in found.items():
            files.append(CachedFile.generated(self.config, uri, abs_src_path=str(path)))


def _leads() -> ModuleType:
    """The card and thumbnail code, imported by the first site that has posts or a card."""
    from figblog.engine import leads

    return leads


def _post_dir(config: MkDocsConfig) -> str:
    """The blog plugin's folder of posts, relative to docs/; "" without a blog."""
    blog = config.plugins.get("material/blog")
    if blog is None:
        return ""
    return str(blog.config.post_dir).format(blog=blog.config.blog_dir).strip("/")


def _firsts(
    refs: dict[str, list[FigureRef]], chosen: dict[str, FigureRef]
) -> list[tuple[str, FigureRef]]:
    """The first picture of each page that names no ``image:`` of its own."""
    found = ((src, _leads().first_picture(page_refs)) for src, page_refs in refs.items())
    return [(src, ref) for src, ref in found if ref is not None and src not in chosen]


def _same(a: FigureRef, b: FigureRef) -> bool:
    return (a.script, a.output) == (b.script, b.output)


def _alt(renderer: Renderer, ref: FigureRef, shown: list[FigureRef], src_uri: str) -> str:
    """The alt text of ``ref``, or of the same picture where ``shown`` has it, values filled in.

    A front matter's ``image:`` has no alt text of its own; the figure in the post has one.
    """
    alt = ref.alt or next((r.alt for r in shown if _same(r, ref) and r.alt), "")
    page = next((r.page for r in shown if _same(r, ref)), ref.page)
    text = renderer.render(alt, page, src_uri) if alt else ""
    return _shorten(" ".join(text.split()))


def _shorten(text: str) -> str:
    if len(text) <= ALT_LIMIT:
        return text
    return text[: ALT_LIMIT - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _option_line(config: MkDocsConfig) -> int:
    try:
        text = Path(config.config_file_path or "").read_text(encoding="utf-8")
    except OSError:
        return 1
    found = re.search(r"^\s*site_image\s*:", text, re.M)
    return text.count("\n", 0, found.start()) + 1 if found else 1
