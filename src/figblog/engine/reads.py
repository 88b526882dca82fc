"""Which audit events mean "this file was read", shared by the engine's child and figblog.memo.

Both record what code reads through ``sys.addaudithook``; they must agree on what
counts, or a memoised result and the figure that uses it would depend on different
files.
"""

from __future__ import annotations

import os
import sys

__all__ = ["outside_dependency", "own_folders", "path_read"]

# The import system lists sys.path folders to find modules, and importlib.metadata lists
# them to find installed packages' metadata (a script's folder is on sys.path): those
# listings are not reads. Counting them made every script that asked a package's version
# depend on the listing of figures/, so adding any script re-ran it.
_IMPORTS = (
    "<frozen importlib",
    os.path.join(os.path.dirname(os.__file__), "importlib", "metadata", ""),
)


def _opens_old_content(mode: object, flags: object) -> bool:
    """Whether an open() with this mode (or os.open with these flags) can read old content."""
    if isinstance(mode, str):
        return "r" in mode or ("a" in mode and "+" in mode)
    if isinstance(flags, int):
        return flags & os.O_ACCMODE != os.O_WRONLY and not flags & os.O_TRUNC
    return True


def path_read(event: str, args: tuple) -> str | None:
    """The path an audit event reads (a file opened to read, a database, a listed folder).

    None for any other event. Call it from the audit hook itself: it looks at the
    frame that raised the event, two above this one.
    """
    if event == "open":
        path = args[0] if _opens_old_content(args[1], args[2]) else None
    elif event == "sqlite3.connect":
        path = args[0]
    elif event in ("os.listdir", "os.scandir"):
        caller = sys._getframe(2)
        path = None if caller.f_code.co_filename.startswith(_IMPORTS) else args[0]
    else:
        return None
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    if not isinstance(path, str) or path in ("", ":memory:") or path.startswith("file:"):
        return None
    return path


# Outside the project, what is read from these is the system's or a library's own (fonts,
# settings, caches), covered by the versions in the key; any other file read out there
# (data beside the project, a folder in the home directory) is a dependency.
_SYSTEM = tuple(
    os.path.join(p, "")
    for p in ("/usr", "/etc", "/proc", "/sys", "/dev", "/run", "/var", "/lib", "/lib64", "/opt")
)


def own_folders() -> tuple[str, ...]:
    """The user's cache, settings and temporary folders, and figblog's own package.

    figblog's package counts as a library wherever it is installed: a project that
    holds it (this repository) lists its files as project files before this is asked.
    Each ends in a separator.
    """
    import tempfile

    home = os.path.expanduser("~")
    found = [tempfile.gettempdir(), os.path.dirname(os.path.dirname(os.path.abspath(__file__)))]
    found += [os.path.join(home, d) for d in (".cache", ".config", ".local", ".matplotlib")]
    for name in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "MPLCONFIGDIR"):
        if os.environ.get(name):
            found.append(os.environ[name])
    return tuple(os.path.join(os.path.abspath(p), "") for p in found)


def outside_dependency(full: str, own: tuple[str, ...]) -> bool:
    """Whether a file outside the project, at the absolute path ``full``, is a dependency.

    ``own`` is :func:`own_folders`; the interpreter's own folders are the caller's to skip.
    """
    return not full.startswith(_SYSTEM + own)
