"""Where the ``figblog`` command's settings come from: the plugin's entry in mkdocs.yml.

The command runs the engine without MkDocs, so it reads mkdocs.yml as plain
YAML, leaving out the tags only MkDocs can resolve, and takes the ``figblog``
plugin's options from it; anything the file does not set has the plugin's
default. A value the engine cannot use stops the command with a message that
names it, as the plugin's own checks would stop a build.
"""

from __future__ import annotations

import argparse
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from figblog.engine.build import Engine, EngineError
from figblog.paths import find_root

__all__ = [
    "TolerantLoader",
    "check_options",
    "docs_folder",
    "engine_for",
    "notebook_cache",
    "plugin_entries",
    "plugin_options",
    "site_of",
]

# The plugin's defaults for the options the command uses (mkdocs_config.FiguresConfig).
_DEFAULTS: dict[str, Any] = {
    "figures_dir": "figures",
    "cache_dir": ".cache/figblog",
    "jobs": 0,
    "timeout": 600,
    "max_output_mb": 5,
    "min_text_px": 5,
}


class TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without executing its ``!!python/name:`` and ``!ENV`` tags."""


TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def _settings(config_file: Path) -> dict[str, Any]:
    if not config_file.is_file():
        return {}
    try:
        data = yaml.load(config_file.read_text(), Loader=TolerantLoader) or {}
    except yaml.YAMLError as exc:
        raise SystemExit(f"figblog: cannot read {config_file}: {exc}") from exc
    return data if isinstance(data, dict) else {}


def docs_folder(config_file: Path) -> Path:
    """The site's ``docs_dir`` (``docs`` unless mkdocs.yml says otherwise)."""
    docs = _settings(config_file).get("docs_dir")
    return config_file.parent / (docs if isinstance(docs, str) and docs else "docs")


def plugin_entries(settings: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """Each plugin mkdocs.yml's ``settings`` list, as (its name, its options or None)."""
    for item in settings.get("plugins") or []:
        if isinstance(item, str):
            yield item, None
        elif isinstance(item, dict):
            yield from item.items()


def plugin_options(config_file: Path) -> dict[str, Any]:
    """The ``figblog`` plugin's options in ``config_file``; {} when it sets none."""
    for name, options in plugin_entries(_settings(config_file)):
        if name == "figblog":
            return options or {}
    return {}


def notebook_cache(config_file: Path) -> Path | None:
    """mkdocs-jupyter's cache folder for ``config_file``'s site; None when it keeps none."""
    for name, options in plugin_entries(_settings(config_file)):
        if name != "mkdocs-jupyter":
            continue
        options = options if isinstance(options, dict) else {}
        if options.get("cache", True) is False:
            return None
        folder = options.get("cache_dir", ".cache/mkdocs-jupyter")  # its defaults
        return config_file.parent / folder if isinstance(folder, str) else None
    return None


def named_config(config_file: str) -> Path:
    """The config file ``-f`` names, resolved; SystemExit when there is no such file.

    Without one, the defaults would be used as if the site set none: a mistyped name
    would build another project's way without a word.
    """
    path = Path(config_file).resolve()
    if not path.is_file():
        what = "is a folder, not a config file" if path.is_dir() else "does not exist"
        raise SystemExit(f"figblog: {config_file} {what} (-f names the site's mkdocs.yml)")
    return path


def engine_for(args: argparse.Namespace) -> Engine:
    """The engine for the command's arguments (``-f``, ``--jobs``, ``-v``) and plugin options."""
    config_file = (
        named_config(args.config_file) if args.config_file else Path("mkdocs.yml").resolve()
    )
    root = config_file.parent
    opts = check_options(plugin_options(config_file), config_file)
    figures = root / opts["figures_dir"]
    if not figures.is_dir():
        raise SystemExit(f"figblog: no figures folder at {figures}")
    jobs = getattr(args, "jobs", None)
    jobs = opts["jobs"] if jobs is None else jobs  # 0: one per CPU, as in the plugin
    timeout = opts["timeout"]
    try:
        return _make_engine(args, root, figures, opts, jobs, timeout)
    except EngineError as exc:
        raise SystemExit(str(exc)) from exc


def _make_engine(
    args: argparse.Namespace,
    root: Path,
    figures: Path,
    opts: dict[str, Any],
    jobs: int,
    timeout: float,
) -> Engine:
    return Engine(
        root,
        figures,
        root / opts["cache_dir"],
        jobs=jobs,
        timeout=timeout,
        on_output=lambda script, theme, line: print(f"  {script} [{theme}] | {line}", flush=True),
        verbose=getattr(args, "verbose", False),
    )


def site_of(script: Path, config_file: str | None) -> tuple[Path, dict[str, Any]]:
    """The project root and plugin options for a script: ``-f``, else the mkdocs.yml above it."""
    if config_file:
        path = named_config(config_file)
    else:
        root = find_root(script.parent) or find_root(Path.cwd())
        if root is None:
            raise SystemExit(f"figblog: no mkdocs.yml in the folders above {script}")
        path = root / "mkdocs.yml"
    return path.parent, check_options(plugin_options(path), path)


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def check_options(opts: dict[str, Any], config_file: Path) -> dict[str, Any]:
    """``opts`` with the plugin's defaults filled in; SystemExit naming a value it cannot use.

    The same checks as the plugin's (``mkdocs_config.check_options``) for the options the
    command uses, so ``figblog build`` and ``figblog run`` refuse what ``mkdocs build``
    refuses, before any script runs. NaN and infinity are refused: neither is a number
    of seconds or megabytes.
    """
    if not isinstance(opts, dict):
        raise SystemExit(f"figblog: the figblog options in {config_file} must be a mapping")
    merged = {**_DEFAULTS, **opts}

    def refuse(name: str, should: str) -> SystemExit:
        return SystemExit(
            f"figblog: {_where(config_file, name)}: '{name}' must be {should}, not {merged[name]!r}"
        )

    for name in ("figures_dir", "cache_dir"):
        if not isinstance(merged[name], str) or not merged[name]:
            raise refuse(name, "a folder path")
    jobs = merged["jobs"]
    if not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 0:
        raise refuse("jobs", "0 (one per CPU) or a positive whole number")
    if not (_is_number(merged["timeout"]) and merged["timeout"] > 0):
        raise refuse("timeout", "a positive number of seconds")
    for name, zero in (("max_output_mb", "no limit"), ("min_text_px", "no check")):
        if not (_is_number(merged[name]) and merged[name] >= 0):
            raise refuse(name, f"0 ({zero}) or a positive number")
    return merged


def _where(config_file: Path, name: str) -> str:
    """``mkdocs.yml:12``: the file and the line that sets ``name``.

    The file is shown relative to the current folder when inside it; without a line
    that sets ``name`` (the plugin's default is at fault), the file alone.
    """
    try:
        shown = config_file.relative_to(Path.cwd()).as_posix()
    except ValueError:
        shown = str(config_file)
    try:
        lines = config_file.read_text().splitlines()
    except OSError:
        return shown
    pattern = re.compile(rf"\s*{re.escape(name)}\s*:")
    for number, line in enumerate(lines, 1):
        if pattern.match(line):
            return f"{shown}:{number}"
    return shown
