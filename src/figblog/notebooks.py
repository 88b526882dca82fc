"""Four fixes to how mkdocs-jupyter runs and caches notebooks, applied by the figblog plugin.

* Its kernel talks over TCP, and ipykernel warns on every build that this is
  unencrypted. A kernel started by the build needs no network: it gets Unix
  sockets (``KernelManager.transport = "ipc"``) instead, and the warning goes.
* A notebook cell may run as long as it likes (nbclient's default). It gets the
  figblog plugin's ``timeout`` instead, as a figure script does.
* It writes its cache of executed notebooks in place, so a build killed during
  the write leaves a truncated JSON file that fails every later build until it
  is deleted by hand. Such a file is removed before the build reads it.
* Its cache key covers the notebook's own bytes only, so a notebook importing
  ``figblog`` or reading ``data/`` would keep showing outputs of the old code or
  data, and so would one run before numpy or matplotlib was upgraded. Its cache
  goes in a folder named after the hash of every file in the watched folders
  (``src/`` and ``data/``) and of those libraries' versions instead
  (``code-<hash>``), and a build that starts a new one removes all but the few
  folders used last, which would otherwise pile up with every change.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Iterable
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import get_plugin_logger

from figblog.engine.environment import libraries
from figblog.engine.hashing import FileHasher, hash_text
from figblog.serve_watch import is_scratch

__all__ = [
    "CODE_FOLDER",
    "KEEP_CODE_FOLDERS",
    "cells_of",
    "drop_damaged_cache",
    "key_cache_to_code",
    "off_screen_plots",
    "prune_code_folders",
    "references_in",
    "remove_dead_kernel_sockets",
    "use_ipc_kernels",
]

log = get_plugin_logger(__name__)

_PATCHED = "_figblog_ipc"
KEEP_CODE_FOLDERS = 3  # older code-<hash> folders kept besides the one in use: a revert is cheap
CODE_FOLDER = re.compile(r"code-[0-9a-f]+")
_OLD_PREFIX = ".old-"  # a folder set aside, being deleted (or left by a build killed then)
# Seconds a notebook cell may run (the figblog plugin's `timeout`, set by its on_config).
# nbclient's own default is no limit: an endless loop in a cell would hold the build forever.
cell_timeout = [600]


def references_in(path: Path, page: str, prefix: str) -> list[str]:
    """Warnings for figure or value references in a notebook's Markdown cells.

    A notebook page is the notebook's own cells, rendered by nbconvert: figblog does not
    run scripts for it, so such a reference would be shown as a broken image or as raw
    ``{{ ... }}``. ``page`` names the notebook in the messages. A notebook that cannot be
    read is left to mkdocs-jupyter, which reports it.
    """
    from figblog.engine.refs import scan_page  # the engine's parser, as for Markdown pages

    found = []
    for number, kind, text in cells_of(path):
        if kind != "markdown":
            continue
        refs, values, errors = scan_page(text, f"{page}, cell {number}", prefix)
        if refs or values or errors:
            first = (refs or values or errors)[0]
            what = getattr(first, "script", "") or "a script"
            found.append(
                f"{page}, cell {number}, line {first.line}: a notebook page shows what its "
                f"own cells draw; figblog runs {prefix}/{what} only for Markdown pages. Put "
                "the figure in a .md page, or draw it in a code cell of the notebook"
            )
    return found


_OFF_SCREEN = re.compile(
    r"""(?:matplotlib\.use|switch_backend)\(\s*(?:backend\s*=\s*)?['"]agg['"]|^%matplotlib\s+agg\b""",
    re.I | re.M,
)


def off_screen_plots(path: Path, page: str) -> list[str]:
    """Warnings for code cells that switch matplotlib to Agg, in a notebook that shows no plot.

    A figure script's first lines (``matplotlib.use("Agg")``) copied into a notebook turn
    off its inline backend: ``plt.show()`` and a figure left at the end of a cell then put
    nothing on the page, and no plot is missing its alt text to warn about.
    :func:`figblog.notebook_figures.show_figure` still draws a figure; a notebook that
    calls it is left alone.
    """
    cells = [(n, text) for n, kind, text in cells_of(path) if kind == "code"]
    if any("show_figure" in text for _, text in cells):
        return []
    return [
        f"{page}, cell {number}: switching matplotlib to Agg turns off the notebook's plots "
        "(plt.show() and a figure ending a cell show nothing on the page). Leave it out, "
        "or show each figure with figblog.notebook_figures.show_figure(fig)"
        for number, text in cells
        if _OFF_SCREEN.search(text)
    ]


def cells_of(path: Path) -> list[tuple[int, str, str]]:
    """The notebook's cells as (number from 1, cell type, source); none if it cannot be read."""
    try:
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError, AttributeError):
        return []
    found = []
    for number, cell in enumerate(cells, start=1):
        if isinstance(cell, dict):
            source = cell.get("source", "")
            text = "".join(source) if isinstance(source, list) else str(source)
            found.append((number, str(cell.get("cell_type", "")), text))
    return found


def remove_dead_kernel_sockets(folder: str | None = None) -> list[str]:
    """Remove the kernels' sockets (``figblog-kernel-<pid>-<n>``) of processes now gone.

    A kernel removes its sockets when it shuts down; one whose build was interrupted
    (Ctrl-C during a notebook, a closed terminal) leaves them in the temporary folder.
    """
    folder = folder or tempfile.gettempdir()
    removed = []
    for path in glob.glob(os.path.join(folder, "figblog-kernel-*-*")):
        pid = os.path.basename(path).split("-")[2]
        if not pid.isdigit() or int(pid) == os.getpid() or _alive(int(pid)):
            continue
        with contextlib.suppress(OSError):
            os.unlink(path)
            removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # another user's process: not ours to judge
    return True


def use_ipc_kernels() -> bool:
    """Make notebooks executed by mkdocs-jupyter use IPC transport; False if it is absent."""
    try:
        from mkdocs_jupyter import nbconvert2
    except ImportError:
        return False
    original = nbconvert2.get_nbconvert_app
    if getattr(original, _PATCHED, False):
        return True
    remove_dead_kernel_sockets()  # once per process: what a killed build left in /tmp

    def get_nbconvert_app(*args: object, **kwargs: object) -> object:
        app = original(*args, **kwargs)
        # An absolute socket path: the kernel runs in the notebook's folder, the build in
        # the project's, and a relative one would name two different places.
        base = os.path.join(tempfile.gettempdir(), f"figblog-kernel-{os.getpid()}")
        app.config.update({"KernelManager": {"transport": "ipc", "ip": base}})
        executing = app.config.get("ExecutePreprocessor")
        if isinstance(executing, dict):  # as mkdocs-jupyter 0.26 gives it
            executing["timeout"] = cell_timeout[0]
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
    """Key mkdocs-jupyter's cache of executed notebooks to the shared code and data, then heal it.

    Any change to a file under the ``watch`` folders (relative to ``root``; not caches,
    editors' scratch files or the package's install record), or of the Python, numpy,
    matplotlib or Pillow version, re-executes the notebooks: coarse, but never stale for
    what lives there. Only when that cache is on,
    its damaged files are removed (and returned) and kernels are made to use IPC.
    The folder in use gets the time of this build; when it is new, the older
    ``code-*`` folders but the few used last are removed (see :func:`prune_code_folders`).
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
        for p in (root / folder).rglob("*")
        if not _unkeyed(p.relative_to(root).parts) and p.is_file()
    )
    digest = hash_text(
        *(f"{f}={hasher(f)}" for f in files),
        *(f"{k}={v}" for k, v in sorted(libraries().items())),
    )[:16]
    jupyter.config["cache_dir"] = str(base / f"code-{digest}")
    folder = root / jupyter.config["cache_dir"]
    try:
        os.utime(folder)  # its last use: a later prune keeps the folders used last
    except FileNotFoundError:  # new code: the older folders are pruned once, now
        prune_code_folders(folder)
        with contextlib.suppress(OSError):  # made here, so the next build only sets its time
            folder.mkdir(parents=True, exist_ok=True)
    except OSError:  # a read-only cache: it is only a little less likely to be kept
        pass
    dropped = drop_damaged_cache(folder)
    use_ipc_kernels()
    return dropped


def _unkeyed(parts: tuple[str, ...]) -> bool:
    """Whether a file under a watched folder is left out of the notebooks' key."""
    return any(
        p == "__pycache__" or p.endswith(".egg-info") or p.startswith(".") for p in parts
    ) or is_scratch(parts[-1])


def prune_code_folders(current: Path, keep: int = KEEP_CODE_FOLDERS) -> list[Path]:
    """Remove the ``code-*`` folders beside ``current`` but the ``keep`` used last; return them.

    ``current`` (the folder this build uses) is never removed, whether it exists yet
    or not; the others are ranked by modification time, which each build that uses
    a folder sets. Each goes by one rename out of the way, so a build reading it
    meanwhile finds it whole or gone (mkdocs-jupyter then executes the notebook
    again), and is then deleted. A folder another build removed first, or one that
    cannot be removed (a read-only cache), is skipped; that is logged at debug level.
    """
    base = current.parent
    try:
        names = os.listdir(base)
    except OSError:
        return []  # no cache yet, or one we cannot read: nothing to prune
    older = []
    for name in names:
        path = base / name
        try:
            if name.startswith(_OLD_PREFIX):  # what a killed build left on its way out
                shutil.rmtree(path, ignore_errors=True)
            elif CODE_FOLDER.fullmatch(name) and name != current.name and path.is_dir():
                older.append((path.stat().st_mtime, name))
        except OSError:
            continue  # gone meanwhile
    removed = []
    for _, name in sorted(older, reverse=True)[keep:]:
        trash = base / f"{_OLD_PREFIX}{name}-{uuid.uuid4().hex[:8]}"
        try:
            os.rename(base / name, trash)
        except OSError as exc:
            log.debug(f"could not remove the notebook cache folder {base / name}: {exc}")
            continue
        shutil.rmtree(trash, ignore_errors=True)
        removed.append(base / name)
    if removed:
        log.debug(f"removed {len(removed)} notebook cache folders of older code from {base}")
    return removed
