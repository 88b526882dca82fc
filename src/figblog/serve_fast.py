"""`mkdocs serve` shows a changed figure without building the whole site again.

MkDocs 1.6 rebuilds everything on any change: it loads the config and every
plugin anew and renders every page, which costs seconds on a blog before the
new figure reaches the browser. When the change touched only figure inputs
(a script, a project module a script imported, a data file a script read),
the pages' HTML stays the same except for the figures' URLs and, for a script,
its highlighted source. So this module wraps the server's builder: it re-runs
the stale scripts through the engine, copies their new files into the served
site folder and patches those strings in the built pages. Anything else (a
page, mkdocs.yml, a script that now fails or writes other text or files) goes
to the original builder, as does anything unexpected.

The server does not say what changed, so the builder compares snapshots of
the watched files. Each rebuild makes new plugin objects; what the last build
left behind is kept at module level (``_BUILDS``), keyed by the config file.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import markdown
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import get_plugin_logger

from figblog.engine.build import Outcome
from figblog.engine.refs import FigureRef, ValueRef
from figblog.engine.render import Renderer
from figblog.engine.sitepatch import (
    Patch,
    PatchError,
    Snapshot,
    changed_files,
    outside_snapshots,
    pair_published,
    snapshot,
    state_of,
)
from figblog.serve_changes import check_same_text, stale_scripts
from figblog.serve_watch import (
    drop_seen_events,
    is_scratch,
    skip_reload,
    wake_on_change,
    want_rebuild,
)

__all__ = [
    "Derived",
    "first_build_starts",
    "install",
    "installed",
    "remember",
    "serving",
    "starting",
]

log = get_plugin_logger(__name__)


@dataclass(frozen=True)
class Derived:
    """Pictures made from figures (cards, thumbnails): the published set and its maker.

    ``make(renderer)`` returns the set for a renderer's outcomes, and warnings; a
    changed lead figure then gets a new card and thumbnails, not yesterday's.
    """

    files: dict[str, Path]  # site path -> file
    make: Callable[[Renderer], tuple[dict[str, Path], list[str]]]


@dataclass
class _Build:
    """What the last build left behind: enough to update its site without another."""

    config: MkDocsConfig
    renderer: Renderer
    sources: dict[str, str]  # script -> its text when the pages were rendered
    code_dirs: tuple[str, ...]  # folders whose code keys mkdocs-jupyter's cache
    derived: Derived | None = None  # the posts' cards and thumbnails, and how to remake them
    refs: tuple[FigureRef | ValueRef, ...] = ()  # what the pages reference, to check again
    _markdown: markdown.Markdown | None = field(default=None, repr=False)

    def highlight(self, name: str, code: str) -> str:
        """The HTML the site's Markdown makes of a script's source box code block."""
        code = code.rstrip("\n").replace("\t", "    ")
        if self.renderer.source_html is not None:  # the pages hold exactly this HTML
            return self.renderer.source_html.html(name, code)
        if self._markdown is None:
            self._markdown = markdown.Markdown(
                extensions=self.config.markdown_extensions,
                extension_configs=self.config.mdx_configs or {},
            )
        fence = "````" if "```" in code else "```"
        self._markdown.reset()
        return self._markdown.convert(f'{fence}python title="{name}"\n{code}\n{fence}\n')


_BUILDS: dict[str, _Build] = {}
# Runs the fast path saw fail, with what it watched and how that was when they started:
# the rebuild that follows shows their errors without running them a second time.
_FAILED: dict[str, tuple[dict[tuple[str, str], Outcome], list[Path], Snapshot]] = {}
_SERVING = [False]  # `mkdocs serve` (from on_startup, or install): builds stop edited runs
# Under `mkdocs serve`: what its first build started from (the watched paths, and their
# files then), by config file. MkDocs starts watching only after that build, so a save
# during it would otherwise go unseen until the next one (see install).
_FIRST: dict[str, tuple[list[Path], Snapshot]] = {}
_INSTALLED: set[str] = set()  # config files whose server runs the fast path (install)


def _config_key(config: MkDocsConfig) -> str:
    return os.path.abspath(config.config_file_path or "mkdocs.yml")


def remember(
    config: MkDocsConfig,
    renderer: Renderer,
    code_dirs: list[str],
    derived: Derived | None = None,
    refs: tuple[FigureRef | ValueRef, ...] = (),
) -> None:
    """Keep what a finished build knows, for the serve builder's next change."""
    sources: dict[str, str] = {}
    for script in sorted(renderer.sources_shown):  # only a source box needs the old text
        try:
            sources[script] = renderer.engine.script_path(script).read_text()
        except (OSError, UnicodeDecodeError):
            pass
    root = renderer.engine.root
    dirs = tuple(os.path.realpath(root / d) + os.sep for d in code_dirs)
    _BUILDS[_config_key(config)] = _Build(config, renderer, sources, dirs, derived, refs)


def failed_just_now(config: MkDocsConfig) -> dict[tuple[str, str], Outcome]:
    """The fast path's failed runs for the rebuild after it, if no watched file changed since."""
    found = _FAILED.pop(_config_key(config), None)
    if found is None:
        return {}
    outcomes, paths, then = found
    return {} if changed_files(then, snapshot(paths)) else outcomes


def serving() -> bool:
    """Whether this process is `mkdocs serve`, from its first build on."""
    return _SERVING[0]


def starting(command: str) -> None:
    """MkDocs' ``on_startup``: note whether this process serves or builds.

    MkDocs says ``build`` for ``mkdocs serve --clean`` (its builds are then like
    ``mkdocs build``): the command line tells that one apart.
    """
    _SERVING[0] = command == "serve" or sys.argv[1:2] == ["serve"]
    _FIRST.clear()
    if _SERVING[0]:
        _stop_on_terminate()  # without live reload, MkDocs calls no on_serve (install)


def installed(config: MkDocsConfig) -> bool:
    """Whether the server watches for this site's changes (after its first build)."""
    return _config_key(config) in _INSTALLED


def first_build_starts(config: MkDocsConfig) -> None:
    """Under `mkdocs serve`, before its first build reads anything: note what it watches."""
    key = _config_key(config)
    if not _SERVING[0] or key in _BUILDS or key in _FIRST:
        return
    paths = [Path(config.docs_dir), *map(Path, config.watch)]
    if config.config_file_path:
        paths.append(Path(config.config_file_path))
    paths = [p.absolute() for p in paths]
    _FIRST[key] = (paths, snapshot(paths))


def install(server: Any, config: MkDocsConfig) -> None:
    """Wrap ``server.builder`` (MkDocs' LiveReloadServer) with the fast path.

    A file saved during the first build (which MkDocs does not watch) is handled at
    once, as if saved just after it: a run it made stale was stopped (``serving``).
    """
    _SERVING[0] = True
    _stop_on_terminate()
    _INSTALLED.add(_config_key(config))
    builder = _FastBuilder(server, config, server.builder)
    server.builder = builder
    builder.observer = wake_on_change(server, map(str, builder.paths()))
    if builder.observer is not None:  # the poller's report of a save would come second
        drop_seen_events(server, builder.seen)
    first = _FIRST.pop(builder.key, None)
    if first is None:
        return
    paths, then = first
    saved = sorted(p for p in changed_files(then, snapshot(paths)) if not is_scratch(p))
    if not saved:
        return
    for path in saved:  # the site shows these as they were: the next build looks at them
        if path in then:
            builder.snapshot[path] = then[path]
        else:
            builder.snapshot.pop(path, None)
    builder.handling = builder.snapshot
    root = os.path.dirname(builder.key)
    names = ", ".join(os.path.relpath(p, root) for p in saved[:3])
    more = f" and {len(saved) - 3} more" if len(saved) > 3 else ""
    if want_rebuild(server):
        log.info(f"{names}{more} changed during the first build; updating the site")
    else:
        log.info(f"{names}{more} changed during the first build; save again to see it")


def _stop_on_terminate() -> None:
    """Let ``kill`` (SIGTERM) stop the server as Ctrl-C does, its runs and folders cleaned up.

    By default SIGTERM ends the process where it stands: MkDocs' temporary site folder
    (``/tmp/mkdocs_*``, a copy of the whole site) stays behind on every stop by an editor,
    a task runner or a test. As a KeyboardInterrupt in the main thread, where MkDocs
    serves and builds, it goes the way Ctrl-C goes: runs killed, the folder removed. A
    second SIGTERM ends the process at once. A handler someone else installed is kept.
    """
    if threading.current_thread() is not threading.main_thread():
        return  # only the main thread may set handlers, and only it would get the interrupt
    if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        return

    def interrupt(signum: int, frame: object) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


class _FastBuilder:
    """The server's builder: a patch of the served site when that is enough, else a build."""

    def __init__(self, server: Any, config: MkDocsConfig, full: Callable[..., None]) -> None:
        self.server = server
        self.key = _config_key(config)
        self.full = full
        self.fresh = True  # the site folder holds a whole, successful build
        self.snapshot = snapshot(self.paths())
        self.handling: Snapshot = self.snapshot  # what the builder is at now
        self.observer: Any | None = None  # the inotify watch that wakes the server early

    def paths(self) -> list[Path]:
        """What the server watches (known only to its private table) and what we know of."""
        paths = {os.path.abspath(p) for p in getattr(self.server, "_watched_paths", {})}
        build = _BUILDS.get(self.key)
        if build is not None:
            cfg = build.config
            paths.add(os.path.abspath(cfg.docs_dir))
            if cfg.config_file_path:
                paths.add(os.path.abspath(cfg.config_file_path))
            paths.update(os.path.abspath(p) for p in cfg.watch)
        return [Path(p) for p in sorted(paths)]

    def seen(self, path: str) -> bool:
        """Whether the file at ``path`` is as the last or the current rebuild found it."""
        if outside_snapshots(path) or is_scratch(path):
            return True  # no rebuild would look at it; an editor's swap or backup file
        state = state_of(path)
        return any(s.get(path) == state for s in (self.snapshot, self.handling))

    def __call__(self, config: MkDocsConfig | None = None) -> None:
        """Run on every change by the server's build loop; ``config`` only at the start."""
        if config is not None:
            self.full(config)
            return
        started = time.monotonic()
        now = self.handling = snapshot(self.paths())
        try:
            done = self._try_fast(now, started)
        except PatchError as exc:
            log.info(f"{exc}; rebuilding the site")
            done = False
        except Exception as exc:  # never let the fast path take the server down
            log.warning(f"the fast update failed ({type(exc).__name__}: {exc}); rebuilding")
            done = False
        if done:
            self.snapshot = now
            return
        before = _BUILDS.get(self.key)
        self.fresh = False
        self.full()
        self.fresh = _BUILDS.get(self.key) is not before  # on_post_build ran
        self.snapshot = now

    def _try_fast(self, now: Snapshot, started: float) -> bool:
        build = _BUILDS.get(self.key)
        if build is None or not self.fresh:
            return False
        changed = changed_files(self.snapshot, now)
        if not changed:
            # Only bytecode changed, or the poller saw a change the fast path already showed.
            # With the server's own list of watched paths in the snapshot, nothing is new.
            if not hasattr(self.server, "_watched_paths"):
                return False
            skip_reload(self.server)
            return True
        scripts = stale_scripts(build.config, build.renderer, build.code_dirs, changed)
        if not scripts:
            skip_reload(self.server)  # only editors' scratch files changed
            return True
        renderer = build.renderer
        engine = renderer.engine
        engine.stop_edited = True  # a save while a run goes on stops it (see execute.py)
        old_files = renderer.published_files()
        outcomes = engine.build(sorted(scripts))
        failed = {key: o for key, o in outcomes.items() if o.status == "failed"}
        if failed:
            _FAILED[self.key] = (failed, self.paths(), now)
            first = next(iter(failed.values()))
            script = engine.script_rel(first.script)
            gone = not engine.script_path(first.script).exists()
            raise PatchError(f"{script} {'is gone' if gone else 'failed'}")
        fresh = renderer.with_outcomes(outcomes)
        for script in scripts:
            check_same_text(renderer, fresh, script)
        new_files = fresh.published_files()
        patch = Patch(Path(build.config.site_dir))
        patch.add_published(old_files, new_files, pair_published(old_files, new_files))
        derived = build.derived
        if derived is not None:
            made, warnings = derived.make(fresh)
            if warnings:
                raise PatchError("; ".join(warnings))
            patch.add_published(derived.files, made, pair_published(derived.files, made))
            derived = Derived(made, derived.make)
        sources = dict(build.sources)
        for script in sorted(scripts):
            _patch_source(build, patch, script, old_files, sources)
        edited = patch.apply()
        _BUILDS[self.key] = _Build(
            build.config, fresh, sources, build.code_dirs, derived, build.refs
        )
        # What a full build would warn of (a picture too large, its text too small on phones).
        pictures = [r for r in build.refs if isinstance(r, FigureRef) and r.script in scripts]
        values = [r for r in build.refs if isinstance(r, ValueRef) and r.script in scripts]
        for message in fresh.check(pictures, values):
            log.warning(message)
        # Figures are the scripts' published outputs; social cards and thumbnails drawn
        # from them are counted apart, and the scripts' own .py downloads not at all.
        figures = sum(1 for p in patch.copies if p in new_files and not p.endswith(".py"))
        cards = sum(1 for p in patch.copies if p not in new_files)
        shown = sorted(os.path.relpath(p, engine.root) for p in changed if not is_scratch(p))
        names = ", ".join(shown[:3])
        more = f" and {len(shown) - 3} more" if len(shown) > 3 else ""
        if not patch.copies and not edited:
            # The same bytes as the site shows (a comment edit, or a save a rebuild that was
            # running already showed): browsers keep their page.
            skip_reload(self.server)
            log.info(
                f"{names}{more} changed; the site is up to date, no page reloaded "
                f"({time.monotonic() - started:.2f} s)"
            )
            return True
        what = f"{figures} figure file{'s' if figures != 1 else ''}"
        if cards:
            what += f" and {cards} social card or thumbnail file{'s' if cards != 1 else ''}"
        log.info(
            f"{names}{more} changed, {what} updated without a site rebuild "
            f"({time.monotonic() - started:.2f} s)"
        )
        return True


def _patch_source(
    build: _Build, patch: Patch, script: str, published: dict[str, Path], sources: dict[str, str]
) -> None:
    """Swap the script's highlighted source in every box that shows it, if it changed."""
    if script not in build.renderer.sources_shown:
        return  # no page shows its source: nothing to swap
    engine = build.renderer.engine
    try:
        text = engine.script_path(script).read_text()
    except (OSError, UnicodeDecodeError) as exc:
        raise PatchError(f"{engine.script_rel(script)} cannot be read ({exc})") from exc
    old = build.sources.get(script)
    if old is None:
        raise PatchError(f"{engine.script_rel(script)} had no known source")
    sources[script] = text
    if old == text:
        return
    name = f"{engine.figures_dir.name}/{script}"
    old_html = build.highlight(name, old)
    new_html = build.highlight(name, text)
    if old_html == new_html:
        return
    # A page holds one download link of the script per source box: each must be patched.
    path = engine.script_path(script)
    links = [f'{site}"' for site, file in published.items() if file == path]
    marker = links[0] if links else f"How this figure is made: {name}<"
    patch.blocks[old_html] = (new_html, marker)
