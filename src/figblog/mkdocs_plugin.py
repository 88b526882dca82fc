"""The MkDocs adapter: options, events and serve watching. The engine does the work.

Figures are made once per build, in ``on_files``, before any page renders:
Material's blog plugin renders a post's Markdown again for the index, archive
and category pages, so anything done during rendering would run several
times. ``on_page_markdown`` only swaps each reference for image links to files
already added to the build (or for an error box), which is cheap and safe to
repeat; MkDocs then resolves those links relative to whichever page shows them.
The highlighted source under a figure is the exception that would not be cheap:
it is rendered once and kept on disk (engine/source_html.py), and an extension
this plugin adds to the site's Markdown puts it in place as finished HTML.
"""

from __future__ import annotations

import logging
import math
import os
import re
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils.meta import get_data

from figblog import (
    lazy_source,
    markdown_needs,
    narrow,
    notebooks,
    phone_contents,
    serve_fast,
)
from figblog.blog_checks import category_errors, excluded_posts, front_matter_errors
from figblog.cache_files import CachedFile
from figblog.engine import inline
from figblog.engine.build import Engine, EngineError, root_relative
from figblog.engine.refs import FigureRef, RefError, ValueRef, scan, scan_values
from figblog.engine.render import Renderer
from figblog.engine.source_html import SourceHtml
from figblog.mkdocs_config import FiguresConfig, check_options
from figblog.social import Social

if TYPE_CHECKING:
    from figblog.notebook_prefetch import Prefetch

__all__ = ["FiguresConfig", "FiguresPlugin"]

log = get_plugin_logger(__name__)

_SOURCE_BOX = re.compile(r'<details class="example figblog-source">.*?</details>', re.S)
_DARK_IMAGE = re.compile(r'<img [^>]*src="[^"]*#only-dark"[^>]*>')


class FiguresPlugin(BasePlugin[FiguresConfig]):
    """Run the figure scripts that pages reference and put their outputs on the pages."""

    def __init__(self) -> None:
        self._fresh_state()

    def _fresh_state(self) -> None:
        """What one build knows, before it starts (the instance may serve many builds)."""
        self.renderer: Renderer | None = None
        self.source_html: SourceHtml | None = None
        self._lines: dict[str, int] = {}  # page src_uri -> lines of its file, front matter too
        # page src_uri -> (its Markdown without front matter, the figure references in it,
        # the badly formed ones): rendering that text again need not scan it again.
        self._scanned: dict[str, tuple[str, list[FigureRef], list[RefError]]] = {}
        self._labels: dict[str, str] = {}  # page file -> its path as messages show it
        self._pages: set[str] = set()  # the Markdown pages this build will render
        self._rendered: set[str] = set()  # the pages whose Markdown it has converted
        self.social: Social | None = None
        self._derived: serve_fast.Derived | None = None  # for the serve fast path
        self._refs: tuple[FigureRef | ValueRef, ...] = ()  # the last build's, for it too
        self._early: Prefetch | None = None  # this build's early notebook execution
        # page src_uri -> (its file, that file's path then, the text on_files read from it),
        # for MkDocs to take instead of reading the file again (on_page_read_source).
        self._texts: dict[str, tuple[File, str | None, str]] = {}

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Know from the first build on whether this is `mkdocs serve` (see serve_fast).

        (With this event defined, MkDocs keeps one instance of the plugin across a
        server's rebuilds; every build starts from a fresh state in on_config.)
        """
        serve_fast.starting(command)

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Check the options and make `mkdocs serve` watch the scripts and shared code."""
        self._fresh_state()
        opts = self.config
        root = Path(config.config_file_path or ".").resolve().parent
        self.root = root
        self._root_prefix = os.path.join(root, "")  # a page path starting so is under it
        self.figures_dir = root / opts.figures_dir
        check_options(opts, root)
        for folder in [opts.figures_dir, *opts.watch]:
            path = str(root / folder)
            if os.path.isdir(path) and path not in config.watch:
                config.watch.append(path)
        notebooks.cell_timeout[0] = math.ceil(opts.timeout)
        for path in notebooks.key_cache_to_code(config, root, opts.watch):
            log.info(f"removed a damaged notebook cache file: {path.relative_to(root)}")
        if opts.enabled:
            added = markdown_needs.add_missing(config.markdown_extensions)
            if added:
                log.debug(f"added the Markdown extensions figures need: {', '.join(added)}")
            self.source_html = SourceHtml(
                root / opts.cache_dir / "html",
                config.markdown_extensions,
                config.mdx_configs,
                wrap=lazy_source.wrap,
            )
            config.markdown_extensions.append(self.source_html.extension())
            serve_fast.first_build_starts(config)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        """Find every reference, bring every referenced script up to date, add its files."""
        if not self.config.enabled:
            return files
        bad_posts = front_matter_errors(config, files) or category_errors(config, files)
        if bad_posts:  # before the blog plugin stops on them with less to go on
            raise PluginError("figblog: " + "\nfigblog: ".join(bad_posts))
        # Notebooks execute in a thread while the figures run, not alone after them.
        early = self._early = None
        if "mkdocs-jupyter" in config.plugins:
            from figblog.notebook_prefetch import Prefetch

            early = self._early = Prefetch(config, files, log.debug)
            early.start()
        prefix = Path(self.config.figures_dir).as_posix()
        refs: list[FigureRef] = []
        values: list[ValueRef] = []
        self._lines = {}
        self._scanned = {}
        self._texts = {}
        self._rendered = set()
        by_page: dict[str, list[FigureRef]] = {}
        social = self.social = Social(config, self.root, prefix, self.config.site_image)
        chosen = [social.site_ref()]
        drafts = excluded_posts(config, files)  # the blog leaves them out of this build
        for f in files.documentation_pages():
            if not f.src_uri.endswith(".md") or f.src_uri in drafts:
                continue  # a notebook (the loop below looks at those) or a draft
            page = self._page_label(f)
            text = _source_text(f)
            if text:
                self._texts[f.src_uri] = (f, f.abs_src_path, text)
            lines = self._lines[f.src_uri] = text.count("\n")
            # The Markdown the page will render, as MkDocs takes it from the file.
            body = get_data(text)[0]
            found, figure_errors = scan(body, page, prefix)
            found_values, value_errors = scan_values(body, page)
            errors = sorted([*figure_errors, *value_errors], key=lambda e: e.line)
            self._scanned[f.src_uri] = (body, found, figure_errors)
            front = lines - body.count("\n")  # lines of front matter
            if front:  # lines as the author counts them, in the file
                found = [replace(r, line=r.line + front) for r in found]
                found_values = [replace(r, line=r.line + front) for r in found_values]
                errors = [replace(e, line=e.line + front) for e in errors]
                # A title or description may hold values too (on_page_markdown fills them).
                head, head_errors = scan_values("\n".join(text.split("\n")[:front]), page)
                found_values += head
                errors = sorted([*head_errors, *errors], key=lambda e: e.line)
            refs += found
            values += found_values
            by_page[f.src_uri] = found
            chosen.append(social.chosen(f, page, text))
            for err in errors:
                log.warning(str(err))
        # mkdocs-jupyter makes notebooks pages, rendered from their own cells: a reference in
        # one would come out as a broken image. (Its on_files may not have run yet.)
        if "mkdocs-jupyter" in config.plugins:
            for f in files:
                if f.src_uri.endswith(".ipynb") and f.abs_src_path:
                    page = self._page_label(f)
                    path = Path(f.abs_src_path)
                    for message in notebooks.references_in(path, page, prefix):
                        log.warning(message)
                    for message in notebooks.off_screen_plots(path, page):
                        log.warning(message)
        debug = log.isEnabledFor(logging.DEBUG)
        relay = log.info if self.config.verbose else log.debug
        try:
            engine = Engine(
                self.root,
                self.figures_dir,
                self.root / self.config.cache_dir,
                jobs=self.config.jobs,
                timeout=self.config.timeout,
                log=lambda msg: log.info(msg),
                on_output=lambda script, theme, line: relay(f"{script} [{theme}] | {line}"),
                verbose=self.config.verbose or debug,
            )
        except EngineError as exc:
            raise PluginError(str(exc)) from exc
        for ref in chosen:
            if isinstance(ref, RefError):
                log.warning(str(ref))
        pictures = [r for r in chosen if isinstance(r, FigureRef)]
        scripts = [r.script for r in [*refs, *values, *pictures]]
        engine.stop_edited = serve_fast.serving()  # a save stops a run it makes stale
        outcomes = engine.build(scripts, known=serve_fast.failed_just_now(config))
        if engine.stop_edited and not serve_fast.installed(config):
            # The server's first build: no one watches yet to run the saved version (and
            # without live reload, no one ever will). Run it now, up to a few saves on.
            for _ in range(3):
                again = sorted({o.script for o in outcomes.values() if o.stopped})
                if not again:
                    break
                outcomes.update(engine.build(again))
        if early is not None:
            early.join(stop_edited=serve_fast.serving())
            if serve_fast.serving() and not serve_fast.installed(config):
                for _ in range(3):  # the first build: as for scripts above
                    if not early.again():
                        break
                    early.join(stop_edited=True)
            for notebook in early.done:
                took = early.seconds.get(notebook, 0.0)
                shown = os.path.relpath(notebook, self.root)
                log.info(f"executed {shown} in {took:.1f} s, while the figures ran")
        if outcomes:
            log.info(engine.summary(outcomes).removeprefix("figblog: "))
        limit = int(self.config.max_output_mb * 1_000_000) or None
        self.renderer = Renderer(
            engine,
            outcomes,
            self.config.site_prefix,
            self.source_html,
            max_bytes=limit,
            min_text_px=self.config.min_text_px,
        )
        # A run stopped for a save (said as it stopped) is no fault of the site: the build
        # the save starts runs it again, and `mkdocs serve --strict` must not end over it.
        stopped = {o.script for o in outcomes.values() if o.stopped}
        checked = [r for r in refs if r.script not in stopped]
        for message in self.renderer.check(checked, [v for v in values if v.script not in stopped]):
            log.warning(message)
        self._refs = (*refs, *values)
        for src_uri, path in self.renderer.published_files(refs).items():
            files.append(CachedFile.generated(config, src_uri, abs_src_path=str(path)))
        cache_dir = self.root / self.config.cache_dir
        derived, warnings = social.make(self.renderer, cache_dir, by_page)
        social.add_files(files, derived)
        if derived or (cache_dir / "derived").is_dir():
            from figblog.engine.derived import prune as prune_derived

            prune_derived(cache_dir, derived.values())
        self._derived = serve_fast.Derived(
            derived, lambda renderer: social.make(renderer, cache_dir, by_page)
        )
        for message in warnings:
            log.warning(message)
        return files

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        """Give the templates the social cards and thumbnails (``figblog_social``)."""
        env.globals["figblog_social"] = self.social
        # After every plugin's on_files: the blog's drafts and other excluded pages are gone.
        self._pages = {f.src_uri for f in files.documentation_pages() if f.src_uri.endswith(".md")}
        return env

    @event_priority(-50)  # after mkdocs-jupyter's, which gives a notebook page its render
    def on_pre_page(self, page: Page, *, config: MkDocsConfig, files: Files) -> Page:
        """Make a notebook page's failure a warning naming the cell, and an error box."""
        if "render" not in vars(page) or "mkdocs-jupyter" not in config.plugins:
            return page  # not a page mkdocs-jupyter renders
        from figblog import notebook_errors  # only a site with notebooks needs it

        path = page.file.abs_src_path or ""
        early = self._early
        key = early.keys.get(path) if early is not None else None
        failed = early.failed.get(path) if early is not None else None
        notebook_errors.guard(page, self._page_label(page.file), key, failed)
        return page

    def on_page_read_source(self, *, page: Page, config: MkDocsConfig) -> str | None:
        """Hand MkDocs the text on_files read from the page's file, instead of a second read.

        Only when the page still stands for that file: a plugin that gave it other content
        (which unsets ``abs_src_path``) or another file gets MkDocs' own reading.
        """
        read, path, text = self._texts.pop(page.file.src_uri, (None, None, None))
        if read is not page.file or not path or page.file.abs_src_path != path:
            return None
        return text

    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        """Swap the page's references for figures, inserted text, values or error boxes."""
        if self.renderer is None or not page.file.src_uri.endswith(".md"):
            return markdown  # a notebook's "Markdown" is its JSON, which mkdocs-jupyter renders
        self._rendered.add(page.file.src_uri)
        label = self._page_label(page.file)
        raw = self._lines.get(page.file.src_uri)
        if raw is None:  # a page another plugin added after on_files
            raw = _source_text(page.file).count("\n")
        offset = max(0, raw - markdown.count("\n"))  # lines of front matter
        if self.social is not None:
            self.social.claim_image(page)
        self._fill_front_matter(page, label)
        body, known, bad = self._scanned.get(page.file.src_uri, ("", None, []))
        if markdown != body:  # another plugin changed it, or an excerpt: scanned again
            known, bad = None, []
        return self.renderer.render(
            markdown, label, page.file.src_uri, offset, known=known, known_errors=bad
        )

    def _fill_front_matter(self, page: Page, label: str) -> None:
        """Fill the value references in the page's front matter strings (title, description).

        Before the theme, the feed and the cards read them. One that cannot be filled
        reads "(value not computed: ...)", as in the text; on_files warned of it.
        """
        renderer = self.renderer
        meta = page.meta
        if renderer is None or not isinstance(meta, dict):
            return
        for key, value in meta.items():
            if isinstance(value, str) and "{{" in value:
                meta[key] = inline.substitute(value, label, renderer.value)[0]

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """Give blog posts a reading time that counts each figure once and no script source.

        Material's blog plugin counts every word of the rendered post, so the
        collapsed script sources and the second (dark) image of each figure
        would inflate it. Set it here, before that plugin looks, with its own
        formula; an author's ``readtime:`` in the front matter still wins.
        """
        meta = getattr(page, "config", None)
        if meta is None or not hasattr(meta, "readtime") or meta.readtime:
            return html
        try:
            from material.plugins.blog.readtime import readtime
        except ImportError:  # pragma: no cover - another theme: nothing to adjust
            return html
        blog = config.plugins.get("material/blog")
        wpm = getattr(getattr(blog, "config", None), "post_readtime_words_per_minute", 265)
        prose = _SOURCE_BOX.sub("", html)
        prose = _DARK_IMAGE.sub("", prose)
        meta.readtime = readtime(prose, wpm)
        return html

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        """Give a page its figures' narrow layouts and the source boxes' loader if needed.

        A blog post also gets its contents, for screens without the contents sidebar.

        The narrow layouts' ``<picture>`` elements are made on the finished page, so that
        they hold any lightbox link's image whole (see :mod:`figblog.narrow`).
        """
        if type(page).__name__ == "Post":  # Material's blog post: not in the navigation
            output = phone_contents.add_contents(output, page.toc)
        if not self.config.enabled:
            return output
        return lazy_source.add_loader(narrow.pictures(output, self.config.narrow_width))

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Leave what this build knows where the serve fast path finds it after us."""
        if self.renderer is not None:
            serve_fast.remember(config, self.renderer, self.config.watch, self._derived, self._refs)
        html = self.source_html
        # Blocks of older script versions go once a build has highlighted a new one, and
        # only when every page was rendered (a dirty build's unused blocks may be wanted).
        if html is not None and html.rendered and self._rendered.issuperset(self._pages):
            removed = html.prune()
            if removed:
                log.debug(f"removed {removed} highlighted source blocks no page uses")

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        """Let `mkdocs serve` update changed figures without building the whole site."""
        if self.config.enabled:
            serve_fast.install(server, config)
        return server

    def _page_label(self, f: File) -> str:
        """The page's path as an author finds it in their editor (relative to mkdocs.yml)."""
        if not f.abs_src_path:
            return f.src_uri
        label = self._labels.get(f.abs_src_path)
        if label is None:
            label = self._labels[f.abs_src_path] = root_relative(f.abs_src_path, self._root_prefix)
        return label


def _source_text(f: File) -> str:
    try:
        return f.content_string
    except (OSError, UnicodeDecodeError):
        return ""
