"""What a page can show of a script's outputs, and what to say when a reference asks for more.

A figure reference shows one output: a picture, or Markdown text put into the page.
It names the output after ``#``, or the script writes only one; an output larger
than the site's limit is shown, with a warning, since every reader downloads it.
A picture may come with a layout for narrow screens (``descent.narrow.gif`` beside
``descent.gif``), which phones get instead; it does not count as another output.
"""

from __future__ import annotations

from collections.abc import Sequence

from figblog.engine import dense_name, narrow_name
from figblog.engine.refs import FigureRef
from figblog.values import VALUES_FILE

__all__ = [
    "IMAGE_OUTPUTS",
    "PHONE_WIDTH",
    "TEXT_OUTPUTS",
    "is_companion",
    "is_image",
    "on_phone",
    "pick_output",
    "run_failure",
    "size_warning",
    "small_text_warning",
]

# What a page can show as text put into the page.
TEXT_OUTPUTS = (".md",)
# What a page can show as a picture.
IMAGE_OUTPUTS = (".png", ".gif", ".jpg", ".jpeg", ".webp", ".svg")
# A phone 360 CSS px wide (a common small one) gives Material's text column 328 px.
PHONE_WIDTH, PHONE_COLUMN = 360, 328


def is_companion(name: str, names: Sequence[str]) -> bool:
    """Whether ``name`` is the narrow layout or the 2x file of another picture in ``names``."""
    return name.lower().endswith(IMAGE_OUTPUTS) and any(
        name in (narrow_name(other), dense_name(other)) for other in names
    )


def is_image(output: str | None, error: str | None) -> bool:
    """Whether a resolved reference (its output, or its error) shows a picture."""
    return not error and output is not None and not output.endswith(TEXT_OUTPUTS)


def pick_output(
    ref: FigureRef, names: list[str], rel: str, folder: str, uneven: Sequence[str] = ()
) -> tuple[str | None, str | None]:
    """The output ``ref`` names among ``names`` (or the single one), or an error message.

    ``names``: what the script wrote in every theme; ``uneven``: what it wrote in some
    themes only; ``rel``: the script as messages show it; ``folder``: the name of the
    figures folder, for the example reference.
    """
    if (not names and ref.output is None) or ref.output in uneven:
        # Each colour scheme's run must write the same names, or one scheme has no figure.
        return None, (
            f"figure script {rel} does not write the same files in every colour scheme "
            f"({', '.join(uneven)} only in some); each theme's run must write the same names"
        )
    # What a page may name; a narrow layout or a 2x file goes with its picture (but may be
    # named too).
    shown = [name for name in names if name != VALUES_FILE and not is_companion(name, names)]
    if ref.output is None:
        if len(shown) == 1:
            return shown[0], None
        if not shown:
            return None, _values_only(rel, ref.script)
        # The example names a picture when the reference has alt text (an image), else text.
        pictures = [name for name in shown if name.lower().endswith(IMAGE_OUTPUTS)]
        texts = [name for name in shown if name.lower().endswith(TEXT_OUTPUTS)]
        example = (pictures if ref.alt.strip() else texts) or shown
        return None, (
            f"figure script {rel} writes {len(shown)} files ({', '.join(shown)}); name the "
            f"one to show after '#', e.g. {folder}/{ref.script}#{example[0]}"
        )
    if ref.output == VALUES_FILE:
        return None, _values_only(rel, ref.script)
    if ref.output not in names:
        return None, (
            f"figure script {rel} did not write '{ref.output}'; it wrote: "
            + (", ".join(shown) or "nothing a page can show")
        )
    if not ref.output.lower().endswith(IMAGE_OUTPUTS + TEXT_OUTPUTS):
        kinds = ", ".join(IMAGE_OUTPUTS + TEXT_OUTPUTS)
        return None, (
            f"'{ref.output}' from {rel} cannot be shown on a page: a reference names a "
            f"picture or Markdown text ({kinds})"
        )
    return ref.output, None


def _values_only(rel: str, script: str) -> str:
    return (
        f"{VALUES_FILE} from {rel} holds the values it publishes, which go into sentences "
        f"({{{{ {script}:<name> }}}}), not figures"
    )


def size_warning(output: str, rel: str, largest: int, max_bytes: int) -> str:
    """A warning when ``largest`` (bytes, over the themes) is over ``max_bytes``, else ""."""
    if largest <= max_bytes:
        return ""
    return (
        f"'{output}' from {rel} is {largest / 1e6:.1f} MB, over "
        f"the {max_bytes / 1e6:g} MB limit: every reader downloads it; make it smaller "
        "or raise the plugin's 'max_output_mb'"
    )


def on_phone(pixels: float, width: int) -> float:
    """CSS px on a phone of text ``pixels`` high in a picture ``width`` pixels wide."""
    return pixels * min(width, PHONE_COLUMN) / width


def small_text_warning(
    output: str, rel: str, shown: str, smallest: tuple[float, str], limit: float, whose: str
) -> str:
    """The warning for picture ``output`` of script ``rel``, whose text is too small on a phone.

    ``shown`` is what a phone gets (``output`` or its narrow layout), ``smallest`` the
    size of its smallest text there and that text, ``whose`` says whose limit ``limit`` is.
    """
    advice = (
        f"make its text larger or its figure narrower in '{shown}'"
        if shown != output
        else f"draw a narrow layout '{narrow_name(output)}' for phones (see the README) "
        "or make its text larger"
    )
    return (
        f"the figure {output} from {rel} shows its smallest text ('{_one_line(smallest[1])}') "
        f"at {smallest[0]:.1f} px on a {PHONE_WIDTH} px wide phone, under the {limit:g} px "
        f"{whose} asks for: {advice}, or, if text that small is meant, write a lower limit "
        "on the reference: { min_text_px=N }"
    )


def _one_line(text: str) -> str:
    line = " ".join(text.replace("\\mathdefault", "").split())  # matplotlib's tick maths
    return line if len(line) <= 30 else line[:29] + "…"


_THEMES_TAG = " [\0]"  # where a failure's first line names its theme(s)


def run_failure(errors: dict[str, str]) -> str | None:
    """What to say instead of a script's figure, given each theme's error ("" if it ran).

    None when no theme failed. When the themes fared differently each error names its
    theme (otherwise only an INFO line, ``[dark] FAILED``, would tell), unless it does
    already (``figure script x.py [dark]: ...``).
    """
    by_error: dict[str, list[str]] = {}
    for theme, error in errors.items():
        if error:
            # "figure script x.py [light]: ..." and "... [dark]: ..." alike are one failure.
            first, newline, rest = error.partition("\n")
            tagged = first.replace(f" [{theme}]", _THEMES_TAG, 1)
            by_error.setdefault(tagged + newline + rest, []).append(theme)
    if not by_error:
        return None
    by_error = {
        error.replace(_THEMES_TAG, f" [{', '.join(themes)}]", 1): themes
        for error, themes in by_error.items()
    }
    if len(by_error) == 1 and all(errors.values()):
        return next(iter(by_error))  # every theme failed alike: the theme does not matter
    only = " only" if len(by_error) == 1 else ""
    said = []
    for error, themes in by_error.items():
        if len(themes) > 1 or f" [{themes[0]}]" not in error.split("\n", 1)[0]:
            error = f"in the {' and '.join(themes)} theme{'s' * (len(themes) > 1)}{only}: {error}"
        said.append(error)
    return "\n".join(said)
