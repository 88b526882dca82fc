"""Which audit events mean "this file was read", shared by the engine's child and figblog.memo.

Both record what code reads through ``sys.addaudithook``; they must agree on what
counts, or a memoised result and the figure that uses it would depend on different
files.
"""

from __future__ import annotations

import os
import sys

__all__ = ["path_read"]

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
