"""What a run's key covers besides the script and the files it read: the environment.

That is the versions of Python, numpy, matplotlib and Pillow, and the engine's:
:data:`ENGINE_VERSION` and a hash of the code that runs scripts in the child
(``_child.py``, ``_zygote.py``, ``reads.py``, ``_text_sizes.py``, ``_on_import.py``).
A change to any of them makes every cached run stale.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import platform
from functools import cache
from importlib import metadata
from pathlib import Path

from figblog.engine.hashing import hash_bytes

__all__ = ["CHILD_FILES", "ENGINE_VERSION", "environment", "file_stamp", "libraries"]

# Bump when the meaning of a cache entry changes (its layout, the child's contract).
ENGINE_VERSION = "1"


# Distributions whose version is part of every run's key, and the module each installs.
_KEYED_DISTS = {"numpy": "numpy", "matplotlib": "matplotlib", "pillow": "PIL"}


def _version(dist: str, module: str) -> str:
    """The installed version of ``dist``, read from the dist-info beside its module.

    ``importlib.metadata.version`` searches every folder on sys.path (about 4 ms
    a name, paid by every build); the folder that holds the module holds its
    dist-info too, unless the install is unusual, when the slow search answers.
    """
    spec = importlib.util.find_spec(module)
    if spec is not None and spec.origin:
        folder = os.path.dirname(os.path.dirname(spec.origin))
        prefix = f"{dist.lower()}-"
        with contextlib.suppress(OSError):
            for name in os.listdir(folder):
                if name.lower().startswith(prefix) and name.endswith(".dist-info"):
                    return name[len(prefix) : -len(".dist-info")]
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "absent"


# The code that runs scripts in the child: part of every key, and of a warm worker.
_HERE = Path(__file__).parent
CHILD_FILES = tuple(
    str(_HERE / name)
    for name in ("_child.py", "_zygote.py", "reads.py", "_text_sizes.py", "_on_import.py")
)


@cache
def libraries() -> dict[str, str]:
    """Python's version and each keyed library's, looked up once per process."""
    versions = {"python": platform.python_version()}
    for dist, module in _KEYED_DISTS.items():
        versions[dist] = _version(dist, module)
    return versions


@cache
def _child_code(stamps: tuple[tuple[int, int] | None, ...]) -> str:
    """The hash of the child's code, read without importing it: a warm build runs none."""
    del stamps  # the cache key: the files' stat, so an edit is seen within one process
    return hash_bytes(b"".join(Path(name).read_bytes() for name in CHILD_FILES))[:16]


def environment() -> dict[str, str]:
    """Python's version, each keyed library's, and the engine's (with its child's code).

    The libraries are looked up once per process; the child's code is hashed again
    whenever one of its files changes, so that `mkdocs serve` sees an edit of it.
    """
    child = _child_code(tuple(file_stamp(name) for name in CHILD_FILES))
    return {**libraries(), "engine": f"{ENGINE_VERSION}-{child}"}


def file_stamp(path: str) -> tuple[int, int] | None:
    """A file's modification time (ns) and size; None when it cannot be read."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size
