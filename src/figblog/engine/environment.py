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

__all__ = ["ENGINE_VERSION", "environment"]

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


@cache
def environment() -> dict[str, str]:
    """Python's version, each keyed library's, and the engine's (with its child's code)."""
    versions = {"python": platform.python_version()}
    for dist, module in _KEYED_DISTS.items():
        versions[dist] = _version(dist, module)
    # The code that runs scripts, read without importing it: a warm build runs none.
    here = Path(__file__).parent
    names = ("_child.py", "_zygote.py", "reads.py", "_text_sizes.py", "_on_import.py")
    code = b"".join((here / name).read_bytes() for name in names)
    child = hash_bytes(code)[:16]
    versions["engine"] = f"{ENGINE_VERSION}-{child}"
    return versions
