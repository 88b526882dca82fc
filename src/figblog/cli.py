"""``figblog build | list | clean | run``: the figure engine without MkDocs.

CI runs ``figblog build`` to fill the cache folder it keeps between runs; an
author runs ``figblog list`` to see which scripts are stale and why, and
``figblog run figures/x.py`` to try one script exactly as the build runs it.
Options default to the ``figblog`` plugin's settings in mkdocs.yml.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path

from figblog.cli_settings import docs_folder, engine_for, named_config, notebook_cache, site_of
from figblog.engine import THEMES, narrow_name
from figblog.engine.build import Engine
from figblog.engine.facts import file_facts
from figblog.engine.failure import describe_failure, nothing_written
from figblog.engine.heartbeat import still_running
from figblog.engine.hints import broken_link, near_names
from figblog.engine.outputs import NoOutputs, OutputError, finished_outputs
from figblog.engine.runner import run_script
from figblog.engine.showable import (
    IMAGE_OUTPUTS,
    TEXT_OUTPUTS,
    is_companion,
    on_phone,
    size_warning,
    small_text_warning,
)

__all__ = ["main"]


def _select(engine: Engine, only: list[str] | None) -> list[str]:
    scripts = engine.discover()
    if not only:
        return scripts
    wanted = []
    for name in only:
        given = Path(name)
        rel = given.parent.resolve() / given.name  # a link to nothing is still its name
        inside = (rel.is_file() or rel.is_symlink()) and rel.is_relative_to(engine.figures_dir)
        key = rel.relative_to(engine.figures_dir).as_posix() if inside else name
        if key not in scripts:
            folder = _display(engine.figures_dir, engine.root)
            shown = [engine.script_rel(s) for s in scripts]
            raise SystemExit(
                f"figblog: {name} is not a figure script in {folder}/{near_names(name, shown)}"
            )
        wanted.append(key)
    return wanted


def _cmd_build(args: argparse.Namespace) -> int:
    engine = engine_for(args)
    outcomes = engine.build(_select(engine, args.only), force=args.force)
    failed = [o for o in outcomes.values() if o.status == "failed"]
    themes: dict[tuple[str, str | None], list[str]] = {}  # the same failure in each theme
    for outcome in failed:
        themes.setdefault((outcome.script, outcome.error), []).append(outcome.theme)
    shown = _pages_showing(engine, args.config_file, {script for script, _ in themes})
    for (script, error), which in themes.items():
        which.sort(key=engine.themes.index)
        where = shown.get(script)
        on = f"\n  shown on {', '.join(where)}" if where else ""
        print(f"\n[{', '.join(which)}] {error}{on}", file=sys.stderr)
    print(engine.summary(outcomes))
    return 1 if failed else 0


def _pages_showing(engine: Engine, config_file: str | None, scripts: set[str]) -> dict:
    """For each of ``scripts``: the ``page:line`` places that show its figures or values."""
    if not scripts:
        return {}
    from mkdocs.utils.meta import get_data  # only when a run failed

    from figblog.engine.refs import scan_page

    docs = docs_folder(Path(config_file or "mkdocs.yml").resolve())
    prefix = _display(engine.figures_dir, engine.root)
    places: dict[str, list[str]] = {}
    for path in sorted(docs.rglob("*.md")) if docs.is_dir() else []:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue  # the build of the site says what is wrong with it
        body = get_data(text)[0]
        front = text.count("\n") - body.count("\n")  # lines of front matter
        refs, values, _ = scan_page(body, _display(path, engine.root), prefix)
        for ref in [*refs, *values]:
            if ref.script in scripts:
                where = f"{ref.page}:{ref.line + front}"
                if where not in places.setdefault(ref.script, []):
                    places[ref.script].append(where)
    return places


def _cmd_list(args: argparse.Namespace) -> int:
    engine = engine_for(args)
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
    engine = engine_for(args)
    if args.unused:
        pruned = engine.prune()
        notebooks = _prune_notebook_folders(args)
        print(
            f"figblog: forgot {_count(pruned.scripts, 'removed script')}; removed "
            f"{_count(pruned.runs, 'unreachable run')}, "
            f"{_count(pruned.memos, 'old memoised result')} and "
            f"{_count(len(notebooks), 'notebook cache folder')} of older code"
        )
        return 0
    count = engine.cache.clean()
    print(f"figblog: removed {count} cached runs from {engine.cache.root}")
    return 0


def _prune_notebook_folders(args: argparse.Namespace) -> list[Path]:
    """The executed notebooks kept for older code (builds keep a few): all but the latest."""
    config_file = named_config(args.config_file) if args.config_file else Path("mkdocs.yml")
    base = notebook_cache(config_file.resolve())
    if base is None:
        return []
    from figblog.notebooks import CODE_FOLDER, prune_code_folders

    try:
        folders = [p for p in base.iterdir() if CODE_FOLDER.fullmatch(p.name) and p.is_dir()]
    except OSError:
        return []  # no notebook was ever executed
    if not folders:
        return []
    latest = max(folders, key=lambda p: p.stat().st_mtime)  # each build sets its folder's
    return prune_code_folders(latest, keep=0)


def _in_figures(script: Path, config_file: str | None) -> str | None:
    """``script`` as a path from here into the figures folder, when it is there."""
    try:
        root, opts = site_of(Path.cwd() / "x.py", config_file)
    except SystemExit:
        return None  # no site here: nothing to suggest
    found = root / opts["figures_dir"] / script
    if not found.is_file():
        return None
    return os.path.relpath(found)


def _cmd_run(args: argparse.Namespace) -> int:
    script = Path(args.script).resolve()
    if not script.exists():
        broken = broken_link(Path(args.script), Path.cwd())
        if broken:
            raise SystemExit(f"figblog: {args.script} {broken}")
        folder = Path(args.script).parent
        around = sorted(folder.glob("*.py")) if folder.is_dir() else []
        near = near_names(args.script, [(folder / p.name).as_posix() for p in around])
        meant = _in_figures(Path(args.script), args.config_file)
        if meant is not None:  # run from the project's root with the bare name
            near = f"; did you mean {meant}?"
        raise SystemExit(f"figblog: {args.script} does not exist{near}")
    if script.suffix != ".py" or not script.is_file():
        raise SystemExit(f"figblog: {args.script} is not a Python file")
    root, opts = site_of(script, args.config_file)
    rel = _display(script, root)
    theme = args.theme
    inside = os.path.join(root, "")  # shown relative to the project, as the build shows them
    lock = threading.Lock()

    def say(line: str) -> None:
        # The script's lines come from the thread reading its output, the heartbeat from
        # this one: each is printed whole, never inside the other.
        with lock:
            print(line, flush=True)

    out = Path(args.out) if args.out else Path("figblog-run") / script.stem / theme
    _check_out(out)
    if not args.out and out.exists():
        shutil.rmtree(out)  # our own folder: no file of an earlier run stays in it, failed or not
    with tempfile.TemporaryDirectory(prefix="figblog-run-") as tmp:
        workspace = Path(tmp)
        (workspace / "out").mkdir()
        result = run_script(
            script,
            theme,
            root,
            workspace,
            # The build's memo folder, so a memoised training is not done again.
            memo_dir=root / opts["cache_dir"] / "memo",
            timeout=opts["timeout"],
            on_line=lambda line: say(f"  | {line.replace(inside, '')}"),
            # As in a build: a long run is not a hung one.
            on_still_running=lambda seconds: say(still_running(rel, [theme], seconds)),
        )
        if not result.ok:
            print(f"[{theme}] {describe_failure(rel, result, root)}", file=sys.stderr)
            return 1
        try:  # checked and cleaned as the build publishes them
            names = finished_outputs(workspace / "out", TEXT_OUTPUTS)
        except OutputError as exc:
            more = nothing_written(result, root) if isinstance(exc, NoOutputs) else ""
            print(f"figure script {rel} [{theme}]: {exc}{more}", file=sys.stderr)
            return 1
        _publish(workspace / "out", names, out)
    print(f"figblog: {rel} [{theme}] ran in {result.seconds:.2f} s; wrote into {out}/")
    width = max(len(name) for name in names)
    for name in names:
        print(f"  {name:{width}}  {_size((out / name).stat().st_size):>9}")
    for warning in _warnings(rel, out, names, result.texts, opts):
        print(f"figblog: warning: {warning}", file=sys.stderr)
    return 0


def _check_out(out: Path, names: Sequence[str] = ()) -> None:
    """SystemExit, naming the path, when ``out`` cannot take a run's files.

    That is a file named ``out`` or one above it; with ``names``, also a folder, or a
    file above one, where one of those files would go.
    """
    for above in (out, *out.parents):
        if above.exists() and not above.is_dir():
            raise SystemExit(f"figblog: cannot write into {out}/: {above} is a file, not a folder")
    for name in names:
        target = out / name
        for above in target.parents:
            if above == out:
                break
            if above.exists() and not above.is_dir():
                raise SystemExit(f"figblog: cannot write {target}: {above} is a file")
        if target.is_dir():
            raise SystemExit(f"figblog: cannot write {target}: a folder has that name")


def _publish(made: Path, names: list[str], out: Path) -> None:
    """Copy the run's files ``names`` from ``made`` into ``out``, never leaving half of them.

    They are copied into a folder beside ``out`` first; a new ``out`` is that folder
    renamed, and into an existing one each file is moved, after every name was checked
    to have a place there.
    """
    _check_out(out, names)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    except OSError as exc:
        raise SystemExit(f"figblog: cannot write into {out}/: {exc.strerror or exc}") from exc
    files = stage / "files"  # made by mkdir, not mkdtemp: a folder's usual permissions
    try:
        for name in names:
            (files / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(made / name, files / name)
        if not out.exists():
            files.rename(out)
            return
        for name in names:
            (out / name).parent.mkdir(parents=True, exist_ok=True)
            os.replace(files / name, out / name)
    except OSError as exc:
        raise SystemExit(f"figblog: cannot write into {out}/: {exc.strerror or exc}") from exc
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _warnings(
    rel: str, out: Path, names: list[str], texts: dict[str, tuple[float, str]], opts: dict
) -> list[str]:
    """What a build would warn of, were a page to show these pictures: size and small text."""
    found = []
    max_bytes = int(opts["max_output_mb"] * 1e6)
    limit = opts["min_text_px"]
    for name in (n for n in names if n.lower().endswith(IMAGE_OUTPUTS)):
        found.append(size_warning(name, rel, (out / name).stat().st_size, max_bytes))
        shown = narrow_name(name) if narrow_name(name) in names else name
        if is_companion(name, names) or not limit or shown not in texts:
            continue  # a narrow layout is judged as its picture's
        pixels = file_facts(out / shown).pixels
        if pixels is None:
            continue
        size = on_phone(texts[shown][0], pixels[0])
        if size < limit:
            whose = "the plugin's 'min_text_px'"
            found.append(
                small_text_warning(name, rel, shown, (size, texts[shown][1]), limit, whose)
            )
    return [warning for warning in found if warning]


def _display(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` when it is inside it, as the build names scripts."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _count(number: int, thing: str) -> str:
    """``number`` and ``thing``, plural unless one: '1 run', '2 runs'."""
    return f"{number} {thing}{'' if number == 1 else 's'}"


def _size(count: int) -> str:
    if count < 1000:
        return f"{count} B"
    if count < 1_000_000:
        return f"{count / 1000:.1f} kB"
    return f"{count / 1_000_000:.1f} MB"


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number (0: one per CPU)")
    return value


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``figblog`` command."""
    parser = argparse.ArgumentParser(prog="figblog", description=__doc__.splitlines()[0])
    parser.add_argument(
        "-f",
        "--config-file",
        help="the site's mkdocs.yml (default: ./mkdocs.yml; for run, the one above the script)",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="run every stale figure script, both themes")
    build.add_argument(
        "--jobs", type=_jobs, help="scripts to run at once (default: the plugin's, 0: CPUs)"
    )
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
    clean = sub.add_parser("clean", help="empty the figure cache")
    clean.add_argument(
        "--unused",
        action="store_true",
        help="only drop runs no current script can use and old memoised results "
        "(builds that run scripts do this too)",
    )
    clean.set_defaults(func=_cmd_clean)
    run = sub.add_parser(
        "run",
        help="run one script as the build does, outside the cache, and show what it wrote",
    )
    run.add_argument("script", help="the figure script, e.g. figures/x.py")
    run.add_argument("--theme", choices=THEMES, default="light", help="colour scheme")
    run.add_argument(
        "--out",
        metavar="DIR",
        help="folder for the files (default: ./figblog-run/<script name>/<theme>/, emptied first)",
    )
    run.set_defaults(func=_cmd_run)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("figblog: interrupted; running scripts were stopped", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `figblog list | head`: the reader has what it wanted
        sys.stderr.close()  # nothing more to say, and no second error at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
