"""The Zensical adapter's settings: their defaults, their checks, and where they are read.

Zensical hands the Markdown extension the settings listed under it in
zensical.yml, and tells it the project through its own config; the step that
runs first (``python -m figblog.adapters.zensical``) has no Zensical to ask, so
it reads zensical.yml itself. Both turn the settings into the engine's
:class:`~figblog.adapters.published.Options` here, with the MkDocs plugin's
defaults, so a value means the same whichever step reads it and a bad one is
refused with the same message.

:class:`FigblogError`, the adapter's one exception, is defined here too: the
rest of the adapter raises it as well, and imports this module, not the reverse.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import yaml

from figblog.adapters.published import Options
from figblog.engine.showable import PHONE_WIDTH

__all__ = ["DEFAULTS", "NAME", "FigblogError", "options_from", "read_settings", "root_and_docs"]

NAME = "figblog.adapters.zensical"
DEFAULTS = Options(Path("."))


class FigblogError(Exception):
    """Figures that could not be made or placed; the message lists each with page and line."""


def root_and_docs() -> tuple[Path, str]:
    """The project root and docs folder of the running Zensical build (else the cwd's)."""
    try:
        from zensical.config import get_config

        config = get_config()
        root = Path(config["root_dir"]).resolve()
        return root, str(Path(config["docs_dir"]).resolve().relative_to(root))
    except (ImportError, KeyError, TypeError, ValueError):
        return Path.cwd().resolve(), "docs"


def options_from(root: Path, docs: str, settings: dict[str, Any]) -> Options:
    """Options from the extension's settings; a bad value raises FigblogError saying which."""
    checks = {
        "figures_dir": str,
        "cache_dir": str,
        "publish_dir": str,
        "jobs": int,
        "timeout": (int, float),
        "max_output_mb": (int, float),
        "min_text_px": (int, float),
        "narrow_width": (int, float),
    }
    values: dict[str, Any] = {}
    for key, kind in checks.items():
        value = settings.get(key, getattr(DEFAULTS, key))
        bad = not isinstance(value, kind) or isinstance(value, bool)
        # "not 0 <= value < inf": YAML's .nan and .inf are floats, and NaN fails no "< 0".
        bad = bad or (
            value == ""
            if kind is str
            else not 0 <= value < math.inf or key == "timeout" and not value
        )
        if bad:
            raise FigblogError(f"figblog: option '{key}' of {NAME} cannot be {value!r}")
        values[key] = value
    if values["narrow_width"] < PHONE_WIDTH:
        raise FigblogError(
            f"figblog: 'narrow_width' of {NAME} must be at least {PHONE_WIDTH} (CSS px, a "
            f"phone's width: the narrow layouts are for phones), not {values['narrow_width']!r}"
        )
    parts = Path(values["publish_dir"]).parts
    if Path(values["publish_dir"]).is_absolute() or ".." in parts or not parts:
        raise FigblogError(
            f"figblog: 'publish_dir' of {NAME} must be a folder inside the docs folder, "
            f"like 'generated', not {values['publish_dir']!r}"
        )
    return Options(root, docs, **values)


def read_settings(config_file: Path) -> tuple[dict[str, Any], str]:
    """The settings of this extension in ``config_file`` (zensical.yml), and the docs folder."""

    class _Tolerant(yaml.SafeLoader):
        """Reads the config without running its ``!!python/name:`` and ``!ENV`` tags."""

    _Tolerant.add_multi_constructor("", lambda loader, suffix, node: None)
    try:
        data = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_Tolerant) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise FigblogError(f"figblog: cannot read {config_file}: {exc}") from exc
    for item in data.get("markdown_extensions") or []:
        if isinstance(item, dict) and NAME in item:
            return item[NAME] or {}, str(data.get("docs_dir", "docs"))
        if item == NAME:
            return {}, str(data.get("docs_dir", "docs"))
    raise FigblogError(
        f"figblog: {config_file.name} does not list {NAME} under markdown_extensions; "
        "add it there so that Zensical puts the figures on the pages"
    )
