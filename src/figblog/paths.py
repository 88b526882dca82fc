"""Open the project's own files from a figure script, wherever the script runs.

The engine runs every script in a fresh, empty folder (whatever it leaves there
is published), so a relative path such as ``open("data/runs.csv")`` works when
an author tries the script from the project's root and fails in the build.
These helpers resolve against the project root instead::

    from figblog.paths import data_file

    rows = np.loadtxt(data_file("runs.csv"), delimiter=",")  # <root>/data/runs.csv

The root is ``FIGBLOG_PROJECT_ROOT`` when set (the engine sets it for every
run); otherwise the nearest folder holding ``mkdocs.yml`` above the calling
script, then above the current folder. Only the path is resolved here: the
script opens the file itself, so the engine records it as an input and a change
to it runs the script again.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["DATA_DIR", "data_file", "find_root", "project_file", "project_root"]

DATA_DIR = "data"
"""The folder under the project root that holds the scripts' input data."""

_MARKER = "mkdocs.yml"
_SHOWN = 8  # files of the folder listed when one is missing


def find_root(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` that holds ``mkdocs.yml``, if any."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / _MARKER).is_file():
            return folder
    return None


def project_root() -> Path:
    """The project's root folder; raises ``FileNotFoundError`` saying where it looked."""
    return _locate()[0]


def project_file(*parts: str | os.PathLike[str]) -> Path:
    """The path of an existing file or folder, given relative to the project root.

    Raises ``FileNotFoundError`` naming the missing file, the full path tried
    and how the root was found; ``ValueError`` for an absolute path.
    """
    rel = Path(*parts)
    if not parts or rel.is_absolute():
        raise ValueError(
            f"project_file() takes a path relative to the project root, not {str(rel)!r}"
        )
    root, how = _locate()
    path = root / rel
    if not path.exists():
        raise FileNotFoundError(_missing(rel, path, root, how))
    return path


def data_file(*parts: str | os.PathLike[str]) -> Path:
    """The path of an existing file (or folder) under the project's ``data/`` folder."""
    return project_file(DATA_DIR, *parts)


def _locate() -> tuple[Path, str]:
    """The root and a phrase saying how it was found ("" when it was given)."""
    env = os.environ.get("FIGBLOG_PROJECT_ROOT")
    if env:
        # Given by the engine (or by the author, who knows): the path tried says enough, and
        # the engine shows it relative to the project.
        return Path(env).resolve(), ""
    starts = [p for p in (_caller_folder(), Path.cwd()) if p is not None]
    for start in starts:
        root = find_root(start)
        if root is not None:
            return root, f"the nearest folder with {_MARKER} at or above {start}"
    looked = " or ".join(str(s) for s in dict.fromkeys(starts))
    raise FileNotFoundError(
        f"cannot find the project root: no {_MARKER} in {looked} or any folder above; "
        "run the script from inside the project or set FIGBLOG_PROJECT_ROOT"
    )


def _caller_folder() -> Path | None:
    """The folder of the first file on the stack outside this module (the script)."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename == __file__:
        frame = frame.f_back
    if frame is None:
        return None
    name = frame.f_code.co_filename
    if name.startswith("<"):  # a notebook cell or the interactive prompt: no file
        return None
    return Path(name).resolve().parent


def _missing(rel: Path, path: Path, root: Path, how: str) -> str:
    # The full path, once: the engine shows it relative to the project (data/x.csv).
    message = f"no file {path} in the project"
    if how:
        message += f" (the project folder is {how})"
    folder = path.parent
    shown = Path(os.path.relpath(folder, root)).as_posix()
    shown = "the project root" if shown == "." else f"{shown}/"
    if rel.parts[:2] == (DATA_DIR, DATA_DIR):
        message += f"; data_file() already looks in {DATA_DIR}/, so leave that out of the name"
    if not folder.is_dir():
        return f"{message}; {shown} does not exist"
    try:
        names = sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))
    except OSError:
        return message
    if not names:
        return f"{message}; {shown} is empty"
    more = f", ... ({len(names) - _SHOWN} more)" if len(names) > _SHOWN else ""
    return f"{message}; {shown} holds: {', '.join(names[:_SHOWN])}{more}"
