"""Turn figure references into Markdown: light and dark images, inserted text, error boxes.

The output is Markdown for Material for MkDocs (attr_list, ``#only-light`` /
``#only-dark`` images, pymdownx.details for the collapsed source). Nothing
here imports MkDocs: the adapter hands over page paths and gets text back.

Here each reference is checked and replaced. What it shows and where its files are
published come from :mod:`resolved` (names from :mod:`addresses`, hashes and pixel
sizes from the cache entries' manifests), the Markdown snippets from :mod:`markup`:
nothing here opens a picture.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Iterable, Sequence

from figblog.engine import inline, narrow_name
from figblog.engine.markup import (
    Failure,
    block_end,
    caption_follows,
    error_boxes,
    image_markdown,
    offset,
    relative,
    source_block,
)
from figblog.engine.refs import FigureRef, RefError, ValueRef, scan, scan_values
from figblog.engine.resolved import Resolver
from figblog.engine.showable import (
    TEXT_OUTPUTS,
    is_image,
    on_phone,
    size_warning,
    small_text_warning,
)

__all__ = ["Renderer"]

# About one phone screen of prose: a figure that starts within it is probably seen at once.
FIRST_SCREEN_CHARS = 1500


class Renderer(Resolver):
    """Checks each reference of a page and writes it out as Markdown."""

    def check(self, refs: list[FigureRef], values: Iterable[ValueRef] = ()) -> list[str]:
        """Every problem with these references, each naming the page and line, in that order.

        A script that failed gets one message naming its places, first to last.
        """
        found: list[tuple[tuple[str, int], str]] = []  # ((page, line), message)

        def report(ref: FigureRef | ValueRef, message: str, where: str = "") -> None:
            found.append(((ref.page, ref.line), f"{where or ref.where}: {message}"))

        by_script: dict[str, list[FigureRef | ValueRef]] = defaultdict(list)
        for ref in sorted([*refs, *values], key=lambda r: (r.page, r.line)):
            by_script[ref.script].append(ref)
        for script, script_refs in by_script.items():
            failure = self._failure(script)
            if failure:
                report(script_refs[0], failure, _places(script_refs))
                continue
            for ref in script_refs:
                if isinstance(ref, ValueRef):
                    _, error = self.value(ref)
                    if error:
                        report(ref, error)
                    continue
                output, error = self._resolve(ref)
                if error or output is None:
                    report(ref, error or "no output")
                    continue
                big = self._too_big(script, output)
                if big:
                    report(ref, big)
                odd = self._uneven_narrow(script, output)
                if odd:
                    report(ref, odd)
                small = self._small_text(script, output, ref.min_text_px)
                if small:
                    report(ref, small)
                if output.endswith(TEXT_OUTPUTS):
                    nested = self._references_inside(script, output)
                    if nested:
                        report(ref, nested)
                if not ref.alt.strip() and not output.endswith(TEXT_OUTPUTS):
                    report(
                        ref,
                        f"the figure from {self.engine.script_rel(script)} has no alt text; "
                        "describe it for readers who cannot see it: ![What it shows](...)",
                    )
            shown = {self._resolve(r)[0] for r in script_refs if isinstance(r, FigureRef)}
            unused = self._unused_too_big(script, shown)
            if unused:
                report(script_refs[0], unused)
        return [message for _, message in sorted(found, key=lambda item: item[0])]

    def _unused_too_big(self, script: str, shown: set[str | None]) -> str:
        """A warning when the script writes an output no page shows over the size limit.

        Nothing publishes it, but the cache keeps a copy with every version of the script
        it keeps, for each theme: a scratch file or a result left in the working folder.
        """
        if not self.max_bytes:
            return ""
        shown |= {v for o in shown if o is not None for v in self._layouts(script, o)}
        sizes: dict[str, int] = {}
        for theme in self.themes:
            entry = self.outcomes[script, theme].entry
            for name in entry.outputs if entry is not None else ():
                facts = None if name in shown else self._facts(script, theme, name)
                if facts is not None and facts.size > self.max_bytes:
                    sizes[name] = max(sizes.get(name, 0), facts.size)
        if not sizes:
            return ""
        name = max(sizes, key=lambda n: sizes[n])
        more = f" (and {len(sizes) - 1} more)" if len(sizes) > 1 else ""
        return (
            f"{self.engine.script_rel(script)} writes '{name}'{more}, {sizes[name] / 1e6:.1f} "
            f"MB, over the {self.max_bytes / 1e6:g} MB limit, and no page shows it: the figure "
            "cache keeps a copy with each version of the script; write it outside the working "
            "folder (figblog.memo keeps a result worth keeping), or raise 'max_output_mb'"
        )

    def _references_inside(self, script: str, output: str) -> str:
        """A warning when the text ``output`` holds a value or figure reference, else "".

        The text goes into the page as it is, after the page's own references were
        filled in: one inside it would reach the reader as written (or, for a figure, as a
        broken image), and the strict build would not notice.
        """
        text = self._text(script, output)
        if not isinstance(text, str):
            return ""  # rendering says so, with a box
        prefix = self.engine.figures_dir.name
        values, _ = scan_values(text, output)
        figures, _ = scan(text, output, prefix, forms=False)
        found = [*values, *figures]
        if not found:
            return ""
        first = min(found, key=lambda r: (r.line, r.start))
        line = text.split("\n")[first.line - 1]
        return (
            f"the text {output} that {self.engine.script_rel(script)} writes holds a reference, "
            f"'{line[first.start : first.end]}' (its line {first.line}), which is not filled "
            "in: references work in the page itself; have the script write the value, or put "
            "the reference in the page"
        )

    def _uneven_narrow(self, script: str, output: str) -> str:
        """A warning when only some themes wrote ``output``'s narrow layout, else ""."""
        name = narrow_name(output)
        wrote = self._themes_with(script, name)
        if not wrote or len(wrote) == len(self.themes):
            return ""
        return (
            f"figure script {self.engine.script_rel(script)} writes '{name}' in the "
            f"{' and '.join(wrote)} theme{'s' * (len(wrote) > 1)} only, so no theme uses it: "
            f"phones get '{output}'; write it in every theme"
        )

    def _small_text(self, script: str, output: str, own: float | None = None) -> str:
        """A warning when picture ``output``'s smallest text is too small on a phone, else "".

        What a 360 px wide phone shows: the narrow layout if there is one, scaled down to
        the text column when it is wider. Each theme's run is measured; the worst counts.
        ``own`` is the reference's own limit (``min_text_px=N``), in place of the plugin's.
        """
        limit = self.min_text_px if own is None else own
        if not limit:
            return ""
        shown = self._narrow(script, output) or output
        worst: tuple[float, str] | None = None
        for theme in self.themes:
            entry = self.outcomes[script, theme].entry
            text = (entry.manifest.get("texts") or {}).get(shown) if entry else None
            facts = self._facts(script, theme, shown) if text else None
            if not text or facts is None or not facts.pixels:
                continue
            size = on_phone(float(text[0]), facts.pixels[0])
            if worst is None or size < worst[0]:
                worst = (size, str(text[1]))
        if worst is None or worst[0] >= limit:
            return ""
        whose = "the plugin's 'min_text_px'" if own is None else "its reference's min_text_px"
        rel = self.engine.script_rel(script)
        return small_text_warning(output, rel, shown, worst, limit, whose)

    def _too_big(self, script: str, output: str) -> str:
        """A warning when a theme's ``output`` is larger than the size limit, else "".

        Its narrow and 2x files count too: some readers download one of them instead.
        """
        if not self.max_bytes:
            return ""
        for name in (output, *self._layouts(script, output)):
            sizes = [self._facts(script, theme, name) for theme in self.themes]
            largest = max((f.size for f in sizes if f is not None), default=0)
            said = size_warning(name, self.engine.script_rel(script), largest, self.max_bytes)
            if said:
                return said
        return ""

    def render(
        self,
        markdown: str,
        page: str,
        page_uri: str,
        line_offset: int = 0,
        known: list[FigureRef] | None = None,
        known_errors: Sequence[RefError] = (),
    ) -> str:
        """Return ``markdown`` with each reference replaced; ``page_uri`` is its src path.

        Values go in first, so that a figure's alt text may hold them too. ``known``: the
        figure references of ``markdown`` itself, already scanned (used when no value
        changed it), and ``known_errors`` the badly formed ones. Each badly formed
        reference gets a failure box under its paragraph; its text is left as it stands.
        """
        prefix = self.engine.figures_dir.name
        original = markdown
        markdown, failed, malformed = inline.substitute(markdown, page, self.value)
        if known is not None and markdown is original:
            refs, bad = known, known_errors
        else:
            refs, bad = scan(markdown, page, prefix)
        if not refs and not failed and not malformed and not bad:
            return markdown
        lines = markdown.split("\n")
        # Insert after line index: ((line, start) of the reference, box), put in that order.
        blocks: dict[int, list[tuple[tuple[int, int], str]]] = defaultdict(list)
        failures: list[tuple[int, tuple[int, int], Failure]] = []  # (line index, place, ...)

        def fail(ref: FigureRef | ValueRef, title: str, error: str) -> None:
            where = f"{page}:{ref.line + line_offset}"
            # A script that does not exist did not fail: later boxes say "same error".
            failed_run = (
                self._failure(ref.script) is not None
                and self.engine.script_path(ref.script).is_file()
            )
            failure = Failure(ref.script, title, where, error, failed_run)
            failures.append((block_end(lines, ref.line - 1), (ref.line, ref.start), failure))

        for vref, error in failed:
            fail(vref, f"Value not computed: {prefix}/{vref.script}:{vref.name}", error)
        # Warnings already (on_files); on the page too, where an author under serve looks.
        for problem, title in [
            *((m, "Value reference not understood") for m in malformed),
            *((b, "Figure reference not understood") for b in bad),
        ]:
            where = f"{page}:{problem.line + line_offset}"
            failure = Failure("", title, where, problem.message, False)
            place = (problem.line, problem.span[0] if problem.span else -1)
            failures.append((block_end(lines, problem.line - 1), place, failure))
        base = posixpath.dirname(page_uri)
        resolved = [(ref, *self._resolve(ref)) for ref in refs]  # (ref, output, error)
        # A figure in the first screen is often the largest thing a reader sees first: load it
        # eagerly (lazy loading would hold back the page's largest paint). Figures further down
        # load on scroll; loading them at once would take bandwidth from the first screen.
        images = [ref for ref, output, error in resolved if is_image(output, error)]
        first = min(images, key=lambda r: (r.line, r.start)) if images else None
        if first is not None and offset(lines, first) > FIRST_SCREEN_CHARS:
            first = None
        # A badly formed image would show broken (and MkDocs would warn of its address): it
        # goes, its box says why. Cut in the same last-to-first pass as the references.
        edits: list[tuple[int, int, RefError | tuple[FigureRef, str | None, str | None]]]
        edits = [(r[0].line, r[0].start, r) for r in resolved]
        edits += [(b.line, b.span[0], b) for b in bad if b.span is not None]
        for number, _, edit in sorted(edits, key=lambda e: (e[0], -e[1])):
            i = number - 1
            if isinstance(edit, RefError):
                start, end = edit.span or (0, 0)
                cut = "*(figure not made)*" if caption_follows(lines, i) else ""
                lines[i] = lines[i][:start] + cut + lines[i][end:]
                continue
            ref, output, error = edit
            if error or output is None:
                # A caption under it would otherwise caption the paragraph above.
                captioned = caption_follows(lines, i)
                replacement = "*(figure not made)*" if captioned else ""
                fail(ref, f"Figure not made: {prefix}/{ref.script}", error or "no output")
            elif output.endswith(TEXT_OUTPUTS):
                text = self._text(ref.script, output)
                replacement = text.rstrip("\n") if isinstance(text, str) else ""
                if not isinstance(text, str):
                    # Checked when it was stored: gone or changed since (a cleaned cache).
                    reason = getattr(text, "strerror", None) or str(text)
                    fail(
                        ref,
                        f"Figure not made: {prefix}/{ref.script}",
                        f"cannot read {output} from the figure cache ({reason}); was the "
                        "cache cleaned during the build? Build again",
                    )
            else:
                replacement = "".join(
                    self._image(ref, t, output, base, eager=ref is first) for t in self.themes
                )
                if ref.show_source:
                    box = self._source_block(ref, base, prefix)
                    blocks[block_end(lines, i)].append(((ref.line, ref.start), box))
            line = lines[i]
            lines[i] = line[: ref.start] + replacement + line[ref.end :]
        # A failure's first box in page order shows it in full; later ones link up to it.
        failures.sort(key=lambda item: item[:2])
        boxes = error_boxes([failure for *_, failure in failures], page_uri) if failures else []
        for (index, place, _), box in zip(failures, boxes, strict=True):
            blocks[index].append((place, box))
        for index in sorted(blocks, reverse=True):
            # In reading order: the references were replaced last to first on each line.
            ordered = [box for _, box in sorted(blocks[index], key=lambda item: item[0])]
            lines[index + 1 : index + 1] = ["", *"\n\n".join(ordered).split("\n"), ""]
        return "\n".join(lines)

    def _image(self, ref: FigureRef, theme: str, output: str, base: str, eager: bool) -> str:
        url = relative(self._variant_uri(ref.script, theme, output), base)
        facts = self._facts(ref.script, theme, output)
        narrow = self._narrow(ref.script, output)
        if narrow is not None:
            narrow_facts = self._facts(ref.script, theme, narrow)
            # Its file name: it sits beside the picture, whatever the page's address becomes.
            narrow_file = posixpath.basename(self._variant_uri(ref.script, theme, narrow))
            small = (narrow_file, narrow_facts.pixels if narrow_facts else None)
        else:
            small = None
        dense = self._dense(ref.script, output)
        if dense is not None:  # its file name: it sits beside the picture, as the narrow one
            dense = posixpath.basename(self._variant_uri(ref.script, theme, dense))
        pixels = facts.pixels if facts else None
        return image_markdown(ref, theme, url, pixels, eager, small, dense)

    def _source_block(self, ref: FigureRef, base: str, prefix: str) -> str:
        script = self.engine.script_path(ref.script)
        url = relative(self._script_uri(ref.script), base)
        return source_block(script, url, f"{prefix}/{ref.script}", self.source_html)


_SHOWN_PLACES = 6  # a script's places named before "and N more": its message comes first


def _places(refs: list[FigureRef | ValueRef]) -> str:
    """``docs/a.md:3, 7, 9, docs/b.md:2``: the places of ``refs``, a few, page by page."""
    lines: dict[str, list[int]] = {}
    for ref in refs:
        if ref.line not in lines.setdefault(ref.page, []):
            lines[ref.page].append(ref.line)
    total = sum(len(numbers) for numbers in lines.values())
    parts, shown = [], 0
    for page, numbers in lines.items():
        numbers = numbers[: _SHOWN_PLACES - shown]
        if not numbers:
            break
        parts.append(f"{page}:{', '.join(map(str, numbers))}")
        shown += len(numbers)
    more = f" and {total - shown} more" if total > shown else ""
    return ", ".join(parts) + more
