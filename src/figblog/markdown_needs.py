"""The Markdown extensions that the plugin's own Markdown needs, added where a site lacks them.

The plugin swaps each reference for Markdown: images with ``{ width=... }``
attributes, a collapsible ``???`` box holding the script's source and a download
link, and a ``!!!`` box for a figure that could not be made. A site whose
``markdown_extensions`` miss the extensions that read that syntax would show it as
raw text (``{ width="300" ... }`` after every figure), so the plugin adds them.
"""

from __future__ import annotations

from markdown.extensions import Extension

__all__ = ["NEEDED", "add_missing"]

# Name -> what of the plugin's output it reads. MkDocs always loads fenced_code, which
# cannot read the source block's title="..."; superfences takes its place, as on any
# Material site.
NEEDED = {
    "attr_list": "figure sizes, loading and the source's download link",
    "admonition": "the box of a figure that could not be made",
    "pymdownx.details": "the collapsible box with a figure's script",
    "pymdownx.superfences": "the script's code block and its title",
}


def _name(extension: str | Extension) -> str:
    name = extension if isinstance(extension, str) else type(extension).__module__
    return name.removeprefix("markdown.extensions.")


def add_missing(extensions: list[str | Extension]) -> list[str]:
    """Append the needed extensions ``extensions`` lacks; return their names."""
    present = {_name(e) for e in extensions}
    added = [name for name in NEEDED if name not in present]
    extensions.extend(added)
    return added
