"""Where the ``figblog`` command's settings come from: the plugin's entry in mkdocs.yml.

The command runs the engine without MkDocs, so it reads mkdocs.yml as plain
YAML, leaving out the tags only MkDocs can resolve, and takes the ``figblog``
plugin's options from it; anything the file does not set has the plugin's
default. A value the engine cannot use stops the command with a message that
names it, as the plugin's own checks would stop a build.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import yaml

from figblog.engine.build import Engine, EngineError
from figblog.paths import find_root

__all__ = ["TolerantLoader", "engine_for", "plugin_options", "site_of"]


class TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without executing its ``!!python/name:`` and ``!ENV`` tags."""


TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def plugin_options(config_file: Path) -> dict[str, Any]:
    """The ``figblog`` plugin's options in ``config_file``; {} when it sets none."""
    if not config_file.is_file():
        return {}
    try:
        data = yaml.load(config_file.read_text(), Loader=TolerantLoader) or {}
    except yaml.YAMLError as exc:
        raise SystemExit(f"figblog: cannot read {config_file}: {exc}") from exc
    for item in data.get("plugins") or []:
        if isinstance(item, dict) and "figblog" in item:
            return item["figblog"] or {}
    return {}


def engine_for(args: argparse.Namespace) -> Engine:
    """The engine for the command's arguments (``-f``, ``--jobs``, ``-v``) and plugin options."""
    config_file = Path(args.config_file or "mkdocs.yml").resolve()
    root = config_file.parent
    opts = plugin_options(config_file)
    figures = root / opts.get("figures_dir", "figures")
    if not figures.is_dir():
        raise SystemExit(f"figblog: no figures folder at {figures}")
    jobs = getattr(args, "jobs", None) or opts.get("jobs", 0)
    timeout = opts.get("timeout", 600)
    if not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 0:
        raise SystemExit(f"figblog: jobs must be 0 (one per CPU) or a positive number: {jobs!r}")
    if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or timeout <= 0:
        raise SystemExit(
            f"figblog: timeout in {config_file.name} must be a number of seconds, not {timeout!r}"
        )
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
        root / opts.get("cache_dir", ".cache/figblog"),
        jobs=jobs,
        timeout=timeout,
        on_output=lambda script, theme, line: print(f"  {script} [{theme}] | {line}", flush=True),
        verbose=getattr(args, "verbose", False),
    )


def site_of(script: Path, config_file: str | None) -> tuple[Path, dict[str, Any]]:
    """The project root and plugin options for a script: ``-f``, else the mkdocs.yml above it."""
    if config_file:
        path = Path(config_file).resolve()
    else:
        root = find_root(script.parent) or find_root(Path.cwd())
        if root is None:
            raise SystemExit(f"figblog: no mkdocs.yml in the folders above {script}")
        path = root / "mkdocs.yml"
    return path.parent, plugin_options(path)
