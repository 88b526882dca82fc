"""Run one figure script inside the engine's subprocess.

Usage: ``python -m figblog.engine._child SCRIPT REPORT_DIR``.

Before anything else it installs an audit hook that records every file opened
for reading (imports included), so the engine can key the cache on exactly
what the script read. It arranges for the theme to be applied the moment the
script imports matplotlib, runs the script as ``__main__`` in the current
(fresh, empty) folder, and writes ``reads.json`` (with the smallest text of each
picture it saved, see :mod:`figblog.engine._text_sizes`) and, on failure,
``error.json`` into REPORT_DIR. On ``SIGUSR1`` (the engine's, just before a
timeout kills the run) it dumps its threads' stacks into ``stack.txt`` there.
"""

from __future__ import annotations

import faulthandler
import json
import os
import signal
import sys

from figblog.engine import _text_sizes
from figblog.engine._on_import import after_import
from figblog.engine.reads import outside_dependency, own_folders, path_read

_READS: set[str] = set()
_ROOT = os.environ.get("FIGBLOG_PROJECT_ROOT", "")
# The virtualenv may live inside the project; what it holds is keyed by version instead.
_PREFIXES = tuple({os.path.join(p, "") for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)})
# Modules a warm worker loaded from outside the project, by id: no need to look at their
# files again in each run (a thousand paths of numpy and matplotlib). The values keep
# the modules alive, so no new module can take one of these ids.
OUTSIDE_MODULES: dict[int, object] = {}


# Events that start another program: what it reads is out of our sight.
_PROGRAMS = {"subprocess.Popen", "os.system", "os.posix_spawn", "os.exec", "os.spawn", "pty.spawn"}
# A forked process (multiprocessing's "fork" workers) records its reads in its own memory,
# lost when it ends; "spawn" and "forkserver" workers are new interpreters, started
# without any event of their own: the import of their starter is the sign.
_FORK = "os.fork"
_SPAWNERS = {
    "multiprocessing.popen_spawn_posix": "multiprocessing's spawn",
    "multiprocessing.popen_forkserver": "multiprocessing's forkserver",
}
_STARTED: list[str] = []  # programs started, for the report
_DECLARED: list[bool] = []  # figblog.deps.declare() was called


_OWN: tuple[str, ...] = ()  # the user's cache, settings and temporary folders (run start)


def _counts(full: str) -> bool:
    """Whether reading the file at the absolute path ``full`` makes it a dependency."""
    if full.startswith(_PREFIXES):
        return False
    return full.startswith(_ROOT) or outside_dependency(full, _OWN)


def _record(path: str) -> None:
    full = os.path.abspath(path)
    if _counts(full):
        _READS.add(full)


# Files it opened for writing outside its own folder (and outside the figure cache, where
# memos go): what it saved there is not published; the engine tells the author.
_WRITES: list[str] = []
_MAX_WRITES = 5
_KEEP_IN = [""]  # folders whose writes are the engine's business: set when the run starts


def _note_write(path: object) -> None:
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    if not isinstance(path, str) or not path or len(_WRITES) >= _MAX_WRITES:
        return  # a descriptor, not a path; or enough said
    full = os.path.abspath(path)
    if not full.startswith(tuple(_KEEP_IN)) and full not in _WRITES:
        _WRITES.append(full)


def _audit(event: str, args: tuple) -> None:
    if event == "import" and args[0] in _SPAWNERS and len(_STARTED) < 5:
        _STARTED.append(_SPAWNERS[args[0]])
    path = path_read(event, args)
    if path is not None:
        _record(path)
    elif event == "open":
        _note_write(args[0])
    elif event in _PROGRAMS or event == _FORK:
        if len(_STARTED) < 5:
            _STARTED.append(event)
    elif event == "figblog.declare":
        _DECLARED.append(True)
        for declared in args[0]:
            _record(declared)


# Modules a warm worker loaded but keeps out of sys.modules until a run needs them.
_HIDDEN: dict[str, object] = {}


def hide(modules: dict[str, object]) -> None:
    """Take ``modules`` out of sys.modules (and their parents), to be restored on first use."""
    for name in modules:
        sys.modules.pop(name, None)
        parent, _, child = name.rpartition(".")
        if parent in sys.modules and getattr(sys.modules[parent], child, None) is modules[name]:
            delattr(sys.modules[parent], child)
    _HIDDEN.update(modules)


def _restore() -> None:
    """Put the hidden modules back, exactly as an import of them would have left things."""
    for name, module in sorted(_HIDDEN.items()):
        sys.modules[name] = module
        parent, _, child = name.rpartition(".")
        if parent in sys.modules:
            setattr(sys.modules[parent], child, module)
    _HIDDEN.clear()


def _apply_theme() -> None:
    _restore()
    from figblog.plotting import apply_theme

    apply_theme()
    _text_sizes.watch()


def _theme_on_first_import() -> None:
    """Apply the theme when the script first imports matplotlib, wherever it is loaded from.

    Importing matplotlib takes ~0.3 s; a script that never draws (one that writes only
    Markdown) should not pay for it, so the theme waits for the script's own import.
    In a fresh interpreter matplotlib is not loaded yet, so a meta path finder sees the
    import. In a warm worker it was preloaded, so no finder runs: wrap ``__import__``
    until the first import statement that names matplotlib, which gives the same order
    of events (the theme lands right after ``import matplotlib``, before the script's
    next line) and the same files read.
    """
    if "matplotlib" not in sys.modules:
        after_import("matplotlib", lambda module: _apply_theme())
        return
    import builtins

    original = builtins.__import__

    def watching_import(
        name: str,
        globals: object = None,
        locals: object = None,
        fromlist: object = (),
        level: int = 0,
    ) -> object:
        draws = level == 0 and (name == "matplotlib" or name.startswith("matplotlib."))
        # The theme package imports matplotlib: importing it (kept aside, preloaded) counts.
        themes = _HIDDEN and (
            name.startswith("figblog.plotting")
            or (name == "figblog" and fromlist and "plotting" in fromlist)  # type: ignore[operator]
        )
        if themes:
            _restore()
        module = original(name, globals, locals, fromlist, level)
        if (draws or themes) and builtins.__import__ is watching_import:
            builtins.__import__ = original
            _apply_theme()
        return module

    builtins.__import__ = watching_import


def _source_of(path: str) -> str:
    """Map a cached bytecode file back to the source it was compiled from."""
    if path.endswith(".pyc") and "__pycache__" in path:
        import importlib.util

        try:
            return importlib.util.source_from_cache(path)
        except ValueError:
            return path
    return path


# figblog's helpers that raise on purpose, by their files (this one is figblog/engine/_child.py).
_HELPERS = {
    os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), name)
    for name in ("paths.py", "values.py")
}


def _report_error(report: str, script: str, exc: BaseException) -> None:
    import traceback

    frames = traceback.extract_tb(exc.__traceback__)
    script_line = None
    for fr in frames:
        if os.path.abspath(fr.filename) == script:
            script_line = fr.lineno
    # Drop the frames of this runner and of runpy: the author wrote none of them.
    user = [fr for fr in frames if "runpy" not in fr.filename and fr.filename != __file__]
    # And those of a helper that raised on purpose (data_file, publish): its message says
    # what is wrong; the line to look at is the script's call, not the helper's raise.
    while len(user) > 1 and os.path.abspath(user[-1].filename) in _HELPERS:
        user.pop()
    root = os.path.join(_ROOT, "") if _ROOT else None
    for fr in user:  # paths as the author sees them in the project, not this machine's
        if root and fr.filename.startswith(root):
            fr.filename = fr.filename[len(root) :]
    text = "".join(traceback.format_list(user[-6:]))
    text += "".join(traceback.format_exception_only(type(exc), exc))
    filename = getattr(exc, "filename", None)  # what an OSError was about, if it says
    data = {
        "type": type(exc).__name__,
        "message": str(exc),
        "script_line": script_line,
        "traceback": text,
        "filename": filename if isinstance(filename, str) else None,  # not bytes: JSON
    }
    _write_report(report, "error.json", data)


def _write_report(report: str, name: str, data: object) -> None:
    """Write a report for the engine; if its folder is gone (the cache was cleaned), say so."""
    try:
        with open(os.path.join(report, name), "w") as fh:
            json.dump(data, fh)
    except OSError as exc:
        print(f"figblog: cannot report to the engine ({exc})", file=sys.stderr)


def _dump_stack_on_request(report: str) -> None:
    """Let the engine see where the script is (SIGUSR1) before it kills it for its timeout.

    faulthandler writes from its C signal handler, so even a script stuck in C code
    answers. The file stays open until the process ends; faulthandler keeps it.
    """
    try:
        dump = open(os.path.join(report, "stack.txt"), "w")  # noqa: SIM115
    except OSError:
        return
    faulthandler.register(signal.SIGUSR1, file=dump, all_threads=True)


def run(script: str, report: str) -> int:
    """Run ``script`` as ``__main__`` in the current folder; write the reports; return the status.

    Shared by the fresh interpreter (:func:`main`) and the warm worker, which calls it in a
    forked child whose folder, environment and standard streams are already set.
    """
    global _ROOT
    _ROOT = os.environ.get("FIGBLOG_PROJECT_ROOT", _ROOT)
    script = os.path.abspath(script)
    folder = _text_sizes.FOLDER = os.getcwd()
    # Its own folder, and the cache the report folder lies in (memos live there too).
    cache = os.path.dirname(os.path.dirname(os.path.abspath(report)))
    _KEEP_IN[:] = [os.path.join(folder, ""), os.path.join(cache, ""), os.devnull]
    global _OWN
    _OWN = own_folders()
    _dump_stack_on_request(report)
    sys.addaudithook(_audit)
    status = 0
    try:
        import runpy

        sys.path.insert(0, os.path.dirname(script))
        sys.argv = [script]
        _theme_on_first_import()
        runpy.run_path(script, run_name="__main__")
    except SystemExit as exc:
        if exc.code not in (None, 0):
            _report_error(report, script, exc)
            status = 1
    except BaseException as exc:  # noqa: BLE001 - everything a script raises is reported
        _report_error(report, script, exc)
        status = 1
    reads = set(_READS)
    for module in list(sys.modules.values()):
        if id(module) in OUTSIDE_MODULES:
            continue
        path = getattr(module, "__file__", None)
        if isinstance(path, str):
            full = os.path.abspath(path)
            if _counts(full):
                reads.add(full)
    reads = sorted({_source_of(p) for p in reads})
    untracked = []
    if _STARTED and not _DECLARED:
        what = "process" if _STARTED[0] == _FORK or _STARTED[0] in _SPAWNERS.values() else "program"
        untracked.append(f"it started another {what} ({_STARTED[0]})")
    texts = {name: list(size) for name, size in sorted(_text_sizes.SMALLEST.items())}
    try:
        left = os.getcwd() != folder  # it changed folder (os.chdir): say where it went
        cwd = os.getcwd() if left else None
    except OSError:  # its folder was removed under it
        cwd = None
    data = {"reads": reads, "untracked": untracked, "texts": texts, "writes": _WRITES, "cwd": cwd}
    _write_report(report, "reads.json", data)
    sys.stdout.flush()
    sys.stderr.flush()
    return status


def main() -> int:
    """Run the script named on the command line; return the exit status."""
    return run(sys.argv[1], sys.argv[2])


if __name__ == "__main__":
    sys.exit(main())
