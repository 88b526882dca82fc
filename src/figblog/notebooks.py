"""Three fixes to how mkdocs-jupyter runs and caches notebooks, applied by the figblog plugin.

* Its kernel talks over TCP, and ipykernel warns on every build that this is
  unencrypted. A kernel started by the build needs no network: it gets Unix
  sockets (``KernelManager.transport = "ipc"``) instead, and the warning goes.
* It writes its cache of executed notebooks in place, so a build killed during
  the write leaves a truncated JSON file that fails every later build until it
  is deleted by hand. Such a file is removed before the build reads it.
* Its cache key covers the notebook's own bytes only, so a notebook importing
  ``figblog`` would keep showing outputs of the old code. Its cache goes in a
  folder named after the hash of the watched code folders instead.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig

from figblog.engine.hashing import FileHasher, hash_text

__all__ = ["drop_damaged_cache", "key_cache_to_code", "use_ipc_kernels"]

_PATCHED = "_figblog_ipc"


def use_ipc_kernels() -> bool:
    """Make notebooks executed by mkdocs-jupyter use IPC transport; False if it is absent."""
    try:
        from mkdocs_jupyter import nbconvert2
    except ImportError:
        return False
    original = nbconvert2.get_nbconvert_app
    if getattr(original, _PATCHED, False):
        return True

    def get_nbconvert_app(*args: object, **kwargs: object) -> object:
        app = original(*args, **kwargs)
        # An absolute socket path: the kernel runs in the notebook's folder, the build in
        # the project's, and a relative one would name two different places.
        base = os.path.join(tempfile.gettempdir(), f"figblog-kernel-{os.getpid()}")
        app.config.update({"KernelManager": {"transport": "ipc", "ip": base}})
        return app

    setattr(get_nbconvert_app, _PATCHED, True)
    nbconvert2.get_nbconvert_app = get_nbconvert_app
    return True


def drop_damaged_cache(folder: Path) -> list[Path]:
    """Delete cache files in ``folder`` that are not whole JSON objects; return them."""
    dropped = []
    for path in sorted(folder.glob("**/*.json")) if folder.is_dir() else []:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            whole = isinstance(data, dict) and "content" in data
        except (OSError, ValueError):
            whole = False
        if not whole:
            path.unlink(missing_ok=True)
            dropped.append(path)
    return dropped


def key_cache_to_code(config: MkDocsConfig, root: Path, watch: Iterable[str]) -> list[Path]:
    """Key mkdocs-jupyter's cache of executed notebooks to the shared code, then heal it.

    Any change to a ``.py`` file under the ``watch`` folders (relative to ``root``)
    re-executes the notebooks: coarse, but never stale. Only when that cache is on,
    its damaged files are removed (and returned) and kernels are made to use IPC.
    """
    jupyter = config.plugins.get("mkdocs-jupyter")
    if jupyter is None or not jupyter.config.get("cache"):
        return []
    base = Path(str(jupyter.config.get("cache_dir", ".cache/mkdocs-jupyter")))
    if base.name.startswith("code-"):
        base = base.parent  # keyed by an earlier build of the same plugin instance
    hasher = FileHasher(root)
    files = sorted(
        p.relative_to(root).as_posix()
        for folder in watch
        for p in (root / folder).rglob("*.py")
        if "__pycache__" not in p.parts
    )
    digest = hash_text(*(f"{f}={hasher(f)}" for f in files))[:16]
    jupyter.config["cache_dir"] = str(base / f"code-{digest}")
    dropped = drop_damaged_cache(root / jupyter.config["cache_dir"])
    use_ipc_kernels()
    return dropped
