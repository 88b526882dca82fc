"""The Zensical adapter: figblog as a Python-Markdown extension, plus the step that runs first.

Zensical reads ``mkdocs.yml`` but runs no MkDocs plugins; it does run the
Python-Markdown extensions listed under ``markdown_extensions``. The project's
``zensical.yml`` inherits ``mkdocs.yml`` and adds this module there, so that:

- ``python -m figblog.adapters.zensical`` (what ``make site-zensical`` runs before
  ``zensical build``) makes every referenced figure and copies it into
  ``docs/generated/``, where Zensical finds it as it finds any file of the docs
  folder; a failing script, a bad reference or a missing alt text is printed with
  its page and line (and the script's line) and the step exits 1, so the site is
  not built;
- on every page Zensical converts, the extension swaps references for figures,
  inserted text and values (the same Markdown the MkDocs plugin writes) and turns
  the page's LaTeX into MathML. Run by ``zensical build`` or ``zensical serve``
  alone, it makes and publishes the figures itself on the first page, and again
  when a script, shared code, data or a page changed; a problem then raises
  :class:`FigblogError`, which stops ``zensical build`` with a non-zero status.

Zensical keeps rendered pages in ``.cache/`` and renders a page again only when
the page or a file under ``watch:`` changed, so ``zensical.yml`` watches the
figures, the shared code and the data.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
from pathlib import Path
from typing import Any

import markdown
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor

from figblog.adapters.published import Options, Prepared, prepare, stamp
from figblog.adapters.zensical_settings import (
    DEFAULTS,
    NAME,
    FigblogError,
    options_from,
    read_settings,
    root_and_docs,
)
from figblog.latex_mathml import convert_html
from figblog.narrow import pictures

__all__ = ["FigblogError", "FigblogExtension", "main", "makeExtension"]

_lock = threading.Lock()
_current: dict[Options, tuple[tuple[int, int], Prepared]] = {}
_reported: set[str] = set()


def report(messages: list[str], stopped: bool = True, what: str = "the site's figures") -> str:
    """One message for the build log: every problem, and how the build reacts."""
    count = f"{len(messages)} problem" + ("s" if len(messages) != 1 else "")
    body = "\n\n".join(messages)
    then = "the site was not built" if stopped else "the pages show them in error boxes"
    return f"figblog: {count} with {what}; {then}:\n\n{body}"


def _fail(messages: list[str], stop: bool) -> None:
    """Print the problems once, plainly; then stop the build if ``stop``.

    Zensical shows an extension's exception with its own traceback around it; the
    report printed first is what the author needs to read. A live preview is not
    stopped (an exception would end the server): its pages show error boxes.
    """
    text = report(messages, stop)
    with _lock:
        if text not in _reported:
            _reported.add(text)
            print(text, file=sys.stderr, flush=True)
    if stop and _zensical_builds():
        # An exception here reaches Zensical's Rust core, which panics, prints "No issues
        # found" and two tracebacks around the report: the report is said, so end here.
        sys.stdout.flush()
        os._exit(1)
    if stop:
        raise FigblogError(text)


def _zensical_builds() -> bool:
    """Whether this process is `zensical build` (not a test or another Markdown user)."""
    return Path(sys.argv[0]).name == "zensical" and sys.argv[1:2] == ["build"]


def current(options: Options) -> Prepared:
    """The prepared build for ``options``, made again when anything it read changed."""
    with _lock:
        now = stamp(options)
        known = _current.get(options)
        if known is None or known[0] != now:
            log = lambda msg: print(msg, file=sys.stderr)  # noqa: E731 - Zensical's log
            known = (now, prepare(options, log, lightbox_files(options)))
            _current[options] = known
        return known[1]


def lightbox_files(options: Options) -> dict[str, Path]:
    """GLightbox's script and style, to publish under ``<publish_dir>/vendor/``.

    Zensical's theme loads GLightbox (the figure zoom) from a CDN unless the page
    already has it; zensical.yml lists these copies under ``extra_javascript`` and
    ``extra_css``. They come from mkdocs-glightbox, pinned in requirements.lock.
    """
    import mkdocs_glightbox

    folder = Path(mkdocs_glightbox.__file__).parent / "glightbox"
    prefix = f"{options.publish_dir.strip('/')}/vendor"
    return {f"{prefix}/{name}": folder / name for name in ("glightbox.min.js", "glightbox.min.css")}


def _late(prepared: Prepared) -> str:
    folder = f"{prepared.options.docs_dir}/{prepared.options.publish_dir}"
    return (
        f"{prepared.written} figure files were published into {folder}/ after Zensical had "
        f"listed the docs folder, so this build would show them broken. Run `python -m {NAME}` "
        "before `zensical build` (make site-zensical does), or build again"
    )


def _zensical_page(md: markdown.Markdown) -> Any:  # noqa: ANN401 - Zensical's own Page type
    """Zensical's page being converted (it registers it on a preprocessor), or None."""
    for processor in md.preprocessors:
        page = getattr(processor, "page", None)
        if page is not None and hasattr(page, "path") and hasattr(page, "url"):
            return page
    return None


class _FigurePreprocessor(Preprocessor):
    """Swap the page's references for figures, inserted text, values or error boxes."""

    def __init__(self, md: markdown.Markdown, ext: FigblogExtension) -> None:
        super().__init__(md)
        self.ext = ext

    def run(self, lines: list[str]) -> list[str]:
        page = _zensical_page(self.md)
        if page is None:
            raise FigblogError(
                f"figblog: the Markdown extension {NAME} runs under Zensical, which tells it "
                "the page; under MkDocs or ProperDocs use the 'figblog' plugin instead"
            )
        prepared = current(self.ext.options())
        if prepared.messages:
            _fail(prepared.messages, self.ext.stops())
        if prepared.written and self.ext.stops():
            # Zensical listed the docs folder before this page: this build lacks the copies.
            _fail([_late(prepared)], True)
        return prepared.render("\n".join(lines), str(page.path)).split("\n")


class _MathPostprocessor(Postprocessor):
    """LaTeX in arithmatex's spans and divs to MathML, once the page's HTML is complete."""

    def __init__(self, md: markdown.Markdown, ext: FigblogExtension) -> None:
        super().__init__(md)
        self.ext = ext

    def run(self, text: str) -> str:
        page = _zensical_page(self.md)
        where = f"{self.ext.options().docs_dir}/{page.path}" if page is not None else "a page"
        problems: list[str] = []
        text = convert_html(text, lambda msg: problems.append(f"{where}: {msg}"))
        if problems:
            _fail(problems, self.ext.stops())
        return text


class _PicturePostprocessor(Postprocessor):
    """Images with a layout for narrow screens become ``<picture>`` elements."""

    def __init__(self, md: markdown.Markdown, ext: FigblogExtension) -> None:
        super().__init__(md)
        self.ext = ext

    def run(self, text: str) -> str:
        return pictures(text, self.ext.options().narrow_width)


class FigblogExtension(Extension):
    """Figures, computed text, values and MathML on pages that Zensical converts."""

    def __init__(self, **kwargs: Any) -> None:  # noqa: ANN401 - Markdown passes options so
        self.config = {
            "figures_dir": [DEFAULTS.figures_dir, "Folder of figure scripts (from the root)"],
            "cache_dir": [DEFAULTS.cache_dir, "The figure cache, shared with the MkDocs build"],
            "publish_dir": [DEFAULTS.publish_dir, "Generated folder inside docs for outputs"],
            "jobs": [DEFAULTS.jobs, "Scripts run at once; 0 = one per CPU"],
            "timeout": [DEFAULTS.timeout, "Seconds before a script is killed"],
            "max_output_mb": [DEFAULTS.max_output_mb, "A larger output is an error; 0 = none"],
            "min_text_px": [DEFAULTS.min_text_px, "Smaller text on a phone is an error; 0 = none"],
            "narrow_width": [DEFAULTS.narrow_width, "Screens up to it (CSS px) get narrow layouts"],
            "fail_on_error": [
                None,
                "Stop on a figure problem (else error boxes); unset: stop `zensical build`, "
                "keep `zensical serve` running",
            ],
        }
        super().__init__(**kwargs)

    def options(self) -> Options:
        """The engine options these settings give, for the running build's project."""
        root, docs = root_and_docs()
        return options_from(root, docs, self.getConfigs())

    def stops(self) -> bool:
        """Whether a problem stops the build: ``fail_on_error``, else unless serving."""
        chosen = self.getConfig("fail_on_error")
        if chosen is not None:
            return bool(chosen)
        return sys.argv[1:2] != ["serve"]  # Zensical has no other way to tell

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown's name
        """Register the reference swap first (before whitespace is normalised) and MathML last.

        The narrow layouts' ``<picture>`` comes after any lightbox link has been put around
        the image (see :mod:`figblog.narrow`).
        """
        md.preprocessors.register(_FigurePreprocessor(md, self), "figblog", 35)
        md.postprocessors.register(_MathPostprocessor(md, self), "figblog_mathml", 5)
        md.postprocessors.register(_PicturePostprocessor(md, self), "figblog_narrow", 1)


def makeExtension(**kwargs: Any) -> FigblogExtension:  # noqa: N802, ANN401 - Markdown's API
    """Python-Markdown's entry point for ``markdown_extensions: - figblog.adapters.zensical``."""
    return FigblogExtension(**kwargs)


def main(argv: list[str] | None = None) -> int:
    """Make and publish every figure for ``zensical build``; exit 1 naming each problem."""
    parser = argparse.ArgumentParser(
        prog=f"python -m {NAME}",
        description="Make every referenced figure and publish it into the docs folder, "
        "for a Zensical build of the site.",
    )
    parser.add_argument("-f", "--config-file", default="zensical.yml", type=Path)
    args = parser.parse_args(argv)
    config_file = args.config_file.resolve()
    try:
        settings, docs = read_settings(config_file)
        options = options_from(config_file.parent, docs, settings)
    except FigblogError as exc:
        print(exc, file=sys.stderr)
        return 2
    from figblog.blog_checks import post_errors_in

    posts = post_errors_in(config_file)
    if posts:  # Zensical would stop on these with a traceback: no line, no fix
        print(report(posts, what="the posts' front matter"), file=sys.stderr)
        return 1
    prepared = prepare(options, extra=lightbox_files(options))
    if prepared.summary:
        print(prepared.summary)
    if prepared.messages:
        print(report(prepared.messages), file=sys.stderr)
        return 1
    shown = f"{options.docs_dir}/{options.publish_dir}"
    print(f"figblog: {len(prepared.published)} files published in {shown}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
