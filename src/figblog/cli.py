"""``figblog build | list | clean``: the figure engine without MkDocs.

CI runs ``figblog build`` to fill the cache folder it keeps between runs; an
author runs ``figblog list`` to see which scripts are stale and why.
Options default to the ``figblog`` plugin's settings in mkdocs.yml.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import yaml

from figblog.engine.build import Engine

__all__ = ["main"]


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without executing its ``!!python/name:`` and ``!ENV`` tags."""


_TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def _plugin_options(config_file: Path) -> dict[str, Any]:
    if not config_file.is_file():
        return {}
    try:
        data = yaml.load(config_file.read_text(), Loader=_TolerantLoader) or {}
    except yaml.YAMLError as exc:
        raise SystemExit(f"figblog: cannot read {config_file}: {exc}") from exc
    for item in data.get("plugins") or []:
        if isinstance(item, dict) and "figblog" in item:
            return item["figblog"] or {}
    return {}


def _engine(args: argparse.Namespace) -> Engine:
    config_file = Path(args.config_file).resolve()
    root = config_file.parent
    opts = _plugin_options(config_file)
    figures = root / opts.get("figures_dir", "figures")
    if not figures.is_dir():
        raise SystemExit(f"figblog: no figures folder at {figures}")
    return Engine(
        root,
        figures,
        root / opts.get("cache_dir", ".cache/figblog"),
        jobs=getattr(args, "jobs", None) or opts.get("jobs", 0),
        timeout=opts.get("timeout", 600),
        on_output=lambda script, theme, line: print(f"  {script} [{theme}] | {line}", flush=True),
        verbose=getattr(args, "verbose", False),
    )


def _select(engine: Engine, only: list[str] | None) -> list[str]:
    scripts = engine.discover()
    if not only:
        return scripts
    wanted = []
    for name in only:
        rel = Path(name).resolve()
        key = rel.relative_to(engine.figures_dir).as_posix() if rel.is_file() else name
        if key not in scripts:
            raise SystemExit(f"figblog: {name} is not a figure script in {engine.figures_dir}")
        wanted.append(key)
    return wanted


def _cmd_build(args: argparse.Namespace) -> int:
    engine = _engine(args)
    outcomes = engine.build(_select(engine, args.only), force=args.force)
    failed = [o for o in outcomes.values() if o.status == "failed"]
    for outcome in failed:
        print(f"\n[{outcome.theme}] {outcome.error}", file=sys.stderr)
    print(engine.summary(outcomes))
    return 1 if failed else 0


def _cmd_list(args: argparse.Namespace) -> int:
    engine = _engine(args)
    for script in engine.discover():
        print(engine.script_rel(script))
        for theme in engine.themes:
            entry, reason = engine.status(script, theme)
            if entry is not None:
                outputs = ", ".join(entry.outputs)
                print(f"  {theme:5}  cached  {outputs}")
            else:
                print(f"  {theme:5}  stale   ({reason})")
    return 0


def _cmd_clean(args: argparse.Namespace) -> int:
    engine = _engine(args)
    count = engine.cache.clean()
    print(f"figblog: removed {count} cached runs from {engine.cache.root}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``figblog`` command."""
    parser = argparse.ArgumentParser(prog="figblog", description=__doc__.splitlines()[0])
    parser.add_argument("-f", "--config-file", default="mkdocs.yml", help="the site's mkdocs.yml")
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="run every stale figure script, both themes")
    build.add_argument("--jobs", type=int, help="scripts to run at once (default: CPUs)")
    build.add_argument("--force", action="store_true", help="run even scripts that are cached")
    build.add_argument(
        "-v", "--verbose", action="store_true", help="show everything the scripts print"
    )
    build.add_argument(
        "--only", action="append", metavar="SCRIPT", help="only this script (repeatable)"
    )
    build.set_defaults(func=_cmd_build)
    sub.add_parser(
        "list", help="show each script, its outputs, cached or stale and why"
    ).set_defaults(func=_cmd_list)
    sub.add_parser("clean", help="empty the figure cache").set_defaults(func=_cmd_clean)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
