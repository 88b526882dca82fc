"""What each figure or value reference shows, and where its files are published.

The outcome of every run of one build (its cache entries), read through the entries'
manifests: which output a reference names, the content-hashed site path of each
picture and script, the narrow-screen layout that goes with a picture, and the text
of a value. :class:`figblog.engine.render.Renderer` builds on it to check references
and write the Markdown; nothing here imports MkDocs or opens a picture.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from pathlib import Path
from typing import Self

from figblog.engine import dense_name, inline, narrow_name, showable
from figblog.engine.addresses import script_digest, script_uri, variant_uri
from figblog.engine.build import Engine, Outcome
from figblog.engine.facts import OutputFacts
from figblog.engine.refs import FigureRef, ValueRef
from figblog.engine.showable import IMAGE_OUTPUTS, TEXT_OUTPUTS, is_image, pick_output
from figblog.engine.source_html import SourceHtml

__all__ = ["Resolver"]


class Resolver:
    """The outcome of every script of one build, as references see it.

    With ``source_html``, a script's code under its figure is written as a marker that
    the site's Markdown swaps for HTML highlighted once (see :mod:`source_html`);
    without it, as a code fence that each conversion highlights.
    """

    def __init__(
        self,
        engine: Engine,
        outcomes: dict[tuple[str, str], Outcome],
        prefix: str,
        source_html: SourceHtml | None = None,
        max_bytes: int | None = 5_000_000,
        min_text_px: float = 5.0,
    ) -> None:
        self.engine = engine
        self.max_bytes = max_bytes  # a larger output is reported (None: no limit)
        self.min_text_px = min_text_px  # smaller text on a phone is reported (0: never)
        self.outcomes = outcomes
        self.prefix = prefix.strip("/")
        self.themes = engine.themes
        self.source_html = source_html
        self._script_hashes: dict[str, str | None] = {}
        self._published: dict[Path, inline.Published | str] = {}  # run folder -> values
        # A text output's file -> its text, or why it cannot be read (read once per build).
        self._texts: dict[Path, str | OSError | UnicodeDecodeError] = {}
        self._uris: dict[tuple[str, str, str], str] = {}  # (script, theme, output) -> site path
        self._resolved: dict[tuple[str, str | None, bool], tuple[str | None, str | None]] = {}
        self.sources_shown: set[str] = set()  # scripts whose source a page shows

    def with_outcomes(self, outcomes: dict[tuple[str, str], Outcome]) -> Self:
        """A copy of this with some runs replaced (the serve fast path's next state).

        The copy starts with empty memos: names carry the hashes of the new outputs
        and of the scripts as they are now.
        """
        fresh = copy.copy(self)
        fresh.outcomes = {**self.outcomes, **outcomes}
        fresh._uris = {}
        fresh._resolved = {}
        fresh._script_hashes = {}
        fresh._published = {}
        fresh._texts = {}
        return fresh

    def _text(self, script: str, output: str) -> str | OSError | UnicodeDecodeError:
        """The text output ``output`` of ``script`` (its first theme's run), or the error."""
        entry = self.outcomes[script, self.themes[0]].entry
        assert entry is not None  # callers check _failure first
        path = entry.out / output
        found = self._texts.get(path)
        if found is None:
            try:
                found = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                found = exc
            self._texts[path] = found
        return found

    def _facts(self, script: str, theme: str, output: str) -> OutputFacts | None:
        entry = self.outcomes[script, theme].entry
        assert entry is not None  # callers check _failure first
        try:
            return entry.facts(output)
        except OSError:
            return None  # vanished from the cache: the copy will report it

    def _variant_uri(self, script: str, theme: str, output: str) -> str:
        uri = self._uris.get((script, theme, output))
        if uri is None:
            uri = self._uris[script, theme, output] = self._make_variant_uri(script, theme, output)
        return uri

    def _make_variant_uri(self, script: str, theme: str, output: str) -> str:
        facts = self._facts(script, theme, output)
        return variant_uri(self.prefix, script, theme, output, facts)

    def _script_uri(self, script: str) -> str:
        if script not in self._script_hashes:
            self._script_hashes[script] = script_digest(self.engine.script_path(script))
        return script_uri(self.prefix, script, self._script_hashes[script])

    def published_files(self, refs: Iterable[FigureRef] | None = None) -> dict[str, Path]:
        """Site path -> file on disk, for what ``refs`` show.

        That is each referenced picture in every theme, and a script's source when a
        reference shows it. Without ``refs``: every output and script that succeeded.
        """
        if refs is None:
            return self._everything()
        files: dict[str, Path] = {}
        for ref in refs:
            output, error = self._resolve(ref)
            if not is_image(output, error):
                continue
            assert output is not None
            variants = [output, *self._layouts(ref.script, output)]
            for theme in self.themes:
                entry = self.outcomes[ref.script, theme].entry
                assert entry is not None
                for name in variants:
                    files[self._variant_uri(ref.script, theme, name)] = entry.out / name
            if ref.show_source:
                files[self._script_uri(ref.script)] = self.engine.script_path(ref.script)
                self.sources_shown.add(ref.script)
        return dict(sorted(files.items()))

    def _everything(self) -> dict[str, Path]:
        files: dict[str, Path] = {}
        for (script, theme), outcome in sorted(self.outcomes.items()):
            if outcome.entry is None:
                continue
            for name in outcome.entry.outputs:
                if not name.endswith(TEXT_OUTPUTS) and name != inline.VALUES_FILE:
                    files[self._variant_uri(script, theme, name)] = outcome.entry.out / name
            files.setdefault(self._script_uri(script), self.engine.script_path(script))
        return files

    def _failure(self, script: str) -> str | None:
        outcomes = self.outcomes
        return showable.run_failure(
            {t: outcomes[script, t].error for t in self.themes if (script, t) in outcomes}
        )

    def _output_of(self, ref: FigureRef) -> tuple[str | None, str | None]:
        """The output a reference names (or the single one), or an error message."""
        rel = self.engine.script_rel(ref.script)
        names: list[str] | None = None
        every: dict[str, None] = {}
        for theme in self.themes:
            entry = self.outcomes[ref.script, theme].entry
            assert entry is not None  # callers check _failure first
            names = entry.outputs if names is None else [n for n in names if n in entry.outputs]
            every.update(dict.fromkeys(entry.outputs))
        names = names or []
        uneven = [n for n in every if n not in names]
        return pick_output(ref, names, rel, self.engine.figures_dir.name, uneven)

    def value(self, ref: ValueRef) -> tuple[str | None, str | None]:
        """The text of a value reference, or the error to report instead."""
        failure = self._failure(ref.script)
        if failure:
            return None, failure
        rel = self.engine.script_rel(ref.script)
        found: list[inline.Published] = []
        for theme in self.themes:
            entry = self.outcomes[ref.script, theme].entry
            assert entry is not None  # no failure
            published = inline.read_published(entry.out, rel, self._published)
            if isinstance(published, str):
                return None, published
            found.append(published)
        if any(p != found[0] for p in found[1:]):
            return None, (
                f"figure script {rel} publishes different values in the {' and '.join(self.themes)}"
                " themes; a value in a sentence must not depend on the colour scheme"
            )
        return inline.value_text(found[0], ref, rel)

    def picture(self, ref: FigureRef) -> dict[str, tuple[Path, str]] | str:
        """Theme -> (file, sha256) of the picture ``ref`` shows, or why it shows none."""
        output, error = self._resolve(ref)
        if error or output is None:
            return error or "no output"
        if not output.lower().endswith(IMAGE_OUTPUTS):
            return f"'{output}' from {self.engine.script_rel(ref.script)} is not a picture"
        found: dict[str, tuple[Path, str]] = {}
        for theme in self.themes:
            entry = self.outcomes[ref.script, theme].entry
            assert entry is not None  # no failure
            facts = self._facts(ref.script, theme, output)
            if facts is None:
                return f"'{output}' from {self.engine.script_rel(ref.script)} left the cache"
            found[theme] = (entry.out / output, facts.sha256)
        return found

    def _resolve(self, ref: FigureRef) -> tuple[str | None, str | None]:
        """The output ``ref`` shows, or the error to show instead (the script's own first)."""
        # All that the answer depends on: whether alt text is given picks the example.
        key = (ref.script, ref.output, not ref.alt.strip())
        found = self._resolved.get(key)
        if found is None:
            failure = self._failure(ref.script)
            found = self._resolved[key] = (None, failure) if failure else self._output_of(ref)
        return found

    def _themes_with(self, script: str, name: str) -> list[str]:
        """The themes whose run of ``script`` wrote ``name``."""
        return [
            theme
            for theme in self.themes
            if (entry := self.outcomes[script, theme].entry) is not None and name in entry.outputs
        ]

    def _narrow(self, script: str, output: str) -> str | None:
        """The narrow-screen layout of picture ``output``, if every theme's run wrote one."""
        return self._in_every_theme(script, narrow_name(output))

    def _dense(self, script: str, output: str) -> str | None:
        """Picture ``output`` with twice the pixels, if every theme's run wrote one."""
        return self._in_every_theme(script, dense_name(output))

    def _in_every_theme(self, script: str, name: str) -> str | None:
        """``name`` if every theme's run of ``script`` wrote it, else None."""
        return name if len(self._themes_with(script, name)) == len(self.themes) else None

    def _layouts(self, script: str, output: str) -> list[str]:
        """The files published beside picture ``output``: its narrow and its 2x versions."""
        return [n for n in (self._narrow(script, output), self._dense(script, output)) if n]
