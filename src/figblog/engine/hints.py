"""A hint for the failure most newcomers meet first: a project file opened by a relative path.

Every run starts in a new, empty folder, so ``open("data/runs.csv")`` or
``np.loadtxt("data/runs.csv")`` fails in the build although the file is right
there when the script is tried from the project root. When a run fails with
``FileNotFoundError`` for a relative path that does name a file relative to the
project root or to the script's folder, the error gets one line saying so, and
what to write instead.
"""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path

from figblog.paths import DATA_DIR

__all__ = ["broken_link", "missing_file_hint", "near_names"]

# Where the missing name sits in the messages of open() ('data/x.csv', repr-quoted) and of
# numpy's loaders (data/x.csv not found.), which raise it without setting exc.filename.
_QUOTED = re.compile(r"""'([^']+)'|"([^"]+)\"""")
_NUMPY = re.compile(r"^(.+) not found\.$")


def missing_file_hint(error: dict[str, object], script: Path, root: Path, cwd: Path) -> str:
    """One line of advice for a run that could not find a project file, or "".

    ``error`` is the child's report of the exception (``error.json``): its type, its
    message and, when it had one, its own ``filename``, else the name is read from the
    message. ``cwd`` is the run's working folder: a path made absolute from it
    (``Path("data/x.csv").resolve()``) counts as relative.
    """
    kind, message = str(error.get("type", "")), str(error.get("message", ""))
    if kind != "FileNotFoundError" and not message.startswith("[Errno 2]"):
        return ""
    filename = error.get("filename")
    for name in _names(message, filename if isinstance(filename, str) else None):
        hint = _hint_for(name, script, root, cwd)
        if hint:
            return hint
    return ""


def _names(message: str, filename: str | None) -> list[str]:
    """The paths the error may be about, the exception's own first."""
    names = [filename] if filename else []
    names += [a or b for a, b in _QUOTED.findall(message)]
    found = _NUMPY.match(message)
    if found:
        names.append(found.group(1))
    return list(dict.fromkeys(names))


def _hint_for(name: str, script: Path, root: Path, cwd: Path) -> str:
    here = os.path.join(str(cwd), "")
    if name.startswith(here):  # made absolute from the empty folder it ran in
        name = name[len(here) :]
    if os.path.isabs(name):
        return ""
    root_prefix = os.path.join(str(root), "")
    for base in (root, script.parent):
        target = os.path.normpath(os.path.join(base, name))
        if target.startswith(root_prefix) and os.path.exists(target):
            return _advice(name, Path(target).relative_to(root), base == root)
    return ""


def _advice(name: str, rel: Path, from_root: bool) -> str:
    """The line for ``name``, found as ``rel`` from the project root or the script's folder."""
    if rel.parts[0] == DATA_DIR and len(rel.parts) > 1:
        use = f'figblog.paths.data_file("{Path(*rel.parts[1:]).as_posix()}")'
    elif from_root:
        use = f'figblog.paths.project_file("{rel.as_posix()}")'
    else:
        use = f'Path(__file__).parent / "{Path(name).as_posix()}"'
    where = "the project root" if from_root else "the script's folder"
    return (
        f"hint: scripts run in an empty folder, not {where}, where '{name}' is; "
        f"use {use} (README, 'Data files')"
    )


def near_names(name: str, paths: list[str]) -> str:
    """``; did you mean ...?`` naming the paths whose file name is close to ``name``'s, or "".

    Case does not count (``T_OK.py`` finds ``t_ok.py``), and ``name`` itself is never
    suggested.
    """
    by_name: dict[str, list[str]] = {}
    for path in paths:
        if path != name:
            by_name.setdefault(Path(path).name.casefold(), []).append(path)
    close = difflib.get_close_matches(Path(name).name.casefold(), list(by_name), n=3)
    found = [path for match in close for path in by_name[match]]
    return f"; did you mean {' or '.join(found)}?" if found else ""


def broken_link(path: Path, root: Path) -> str:
    """``is a broken symbolic link ...`` when ``path`` is a link to nothing, else "".

    An absolute target inside ``root`` is shown relative to it, as messages show paths.
    """
    if not path.is_symlink() or path.exists():
        return ""
    try:
        target = os.readlink(path)
    except OSError:
        return "is a broken symbolic link"
    inside = os.path.join(str(root), "")
    shown = target[len(inside) :] if target.startswith(inside) else target
    return f"is a broken symbolic link: it points to '{shown}', which does not exist"
