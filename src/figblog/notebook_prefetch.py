"""Execute notebook pages while the figure scripts run, instead of after them.

mkdocs-jupyter executes a notebook when MkDocs renders its page, which comes after
figblog's ``on_files`` has waited for every figure run. On a cold build of this site
one core trains the bee network for a minute while the other soon has nothing left
to run; the notebook then executed alone, seconds added to every first build.

So while the runs go, a thread does what mkdocs-jupyter's render does on a cache miss
(same conversion, same arguments, same cache key, same JSON) and leaves the result in
mkdocs-jupyter's own cache, where the page's render finds it. Only mkdocs-jupyter
0.26's layout is known here (``test_notebook_prefetch`` compares the file with the one
it writes itself); anything else, or a notebook whose conversion fails, is left to
mkdocs-jupyter. A notebook that fails here (a cell raises, times out, or the file is
not JSON) is not executed again by its page: the exception is kept in ``failed`` for
:mod:`figblog.notebook_errors` to report, and under serve it stands until the notebook
or the code changes (its cache key is in ``keys``).
"""

from __future__ import annotations

import json
import logging
import os
import pathlib
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files

from figblog.engine.atomic import write_atomic
from figblog.engine.environment import file_stamp

__all__ = ["NotebookEdited", "Prefetch"]

# The options mkdocs-jupyter's render passes on to its converter.
_PASSED = (
    "kernel_name",
    "theme",
    "allow_errors",
    "show_input",
    "no_input",
    "no_prompt",
    "remove_tag_config",
    "highlight_extra_classes",
    "include_requirejs",
    "custom_mathjax_url",
)


@dataclass(frozen=True)
class _Job:
    notebook: str  # its absolute path
    cache: pathlib.Path  # the file mkdocs-jupyter will look for
    stamp: tuple[int, int] | None  # its (mtime, size) when its cache key was made


class NotebookEdited(Exception):
    """The notebook was saved again while it was executed: that run was stopped."""


_POLL = 0.2  # seconds between looks at a running notebook's file


def _kill_kernels() -> int:
    """Kill this process's Jupyter kernels (its children running ipykernel); return how many."""
    from figblog.engine._zygote import _children_of  # the warm worker's look at /proc

    killed = 0
    for pid in _children_of(os.getpid()):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                if b"ipykernel" not in fh.read():
                    continue
            os.kill(pid, signal.SIGKILL)
            killed += 1
        except OSError:  # gone already
            continue
    return killed


# Notebooks this process executed early. Their pages then find the entry made for them,
# and mkdocs-jupyter would say "Cache hit" of a notebook just executed (and nbconvert
# "Converting notebook" from the thread, mid-way through the figures' log): figblog says
# "executed ... in N s" instead. Hidden from the log, both stay at debug level.
_EXECUTED: set[str] = set()
_THREAD = "figblog notebooks"


class _Quieter(logging.Filter):
    """mkdocs-jupyter's lines about a notebook figblog executed early, down to debug."""

    def filter(self, record: logging.LogRecord) -> bool:
        ours = threading.current_thread().name == _THREAD or (
            record.msg == "Cache hit: %s" and record.args and record.args[0] in _EXECUTED
        )
        if ours and record.levelno == logging.INFO:
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
            return logging.getLogger("mkdocs").isEnabledFor(logging.DEBUG)
        return True


_QUIETER = _Quieter()
for _name in ("mkdocs.mkdocs-jupyter", "mkdocs.plugins.mkdocs_jupyter"):
    if _QUIETER not in logging.getLogger(_name).filters:
        logging.getLogger(_name).addFilter(_QUIETER)


class Prefetch:
    """The notebooks of a build that mkdocs-jupyter would execute, executed in a thread."""

    def __init__(self, config: MkDocsConfig, files: Files, log: Callable[[str], None]) -> None:
        self._log = log
        self._thread: threading.Thread | None = None
        self.done: list[str] = []  # notebooks whose cache entry this made
        self.seconds: dict[str, float] = {}  # notebook -> how long executing it took
        self.failed: dict[str, BaseException] = {}  # notebook -> how executing it failed
        self.keys: dict[str, str] = {}  # notebook -> its cache entry's path, its key
        self._running: _Job | None = None  # the job the thread is executing
        self._edited: set[str] = set()  # notebooks whose run was stopped for a new save
        jupyter = config.plugins.get("mkdocs-jupyter")
        options: Any = getattr(jupyter, "config", None)
        self._jobs: list[_Job] = []
        if options is None or not options.get("execute") or not options.get("cache"):
            return  # nothing is executed, or nothing kept for the page to find
        try:
            from mkdocs_jupyter import plugin as mj

            key, where = mj._compute_cache_key, mj._get_cache_path
            self._toc, self._convert = mj._get_nb_toc_tokens, mj.convert.nb2html
        except (ImportError, AttributeError):  # another version: leave it to the plugin
            return
        self._options = options
        self._key, self._where = key, where
        ignore = options.get("execute_ignore") or []
        for f in files:
            if not f.abs_src_path or not f.abs_src_path.endswith(".ipynb"):
                continue
            if not jupyter.should_include(f):
                continue
            executed = not any(pathlib.PurePath(f.abs_src_path).match(p) for p in ignore)
            job = self._job(f.abs_src_path, executed)
            if job is not None:  # one not executed has none: converting it is quick
                self._jobs.append(job)

    def _job(self, notebook: str, executed: bool = True) -> _Job | None:
        """Note the notebook's cache entry; a job when it has none and no failure stands."""
        try:
            stamp = file_stamp(notebook)  # before its key: a save between them shows later
            cache = self._where(
                self._options["cache_dir"], self._key(notebook, self._options, executed)
            )
        except OSError:
            return None  # gone meanwhile: the page's own read says so
        self.keys[notebook] = str(cache)
        if not executed:
            return None
        from figblog import notebook_errors  # only a site with notebooks needs it

        if cache.exists() or notebook_errors.remembered(str(cache)) is not None:
            return None
        return _Job(notebook, cache, stamp)

    def again(self) -> list[str]:
        """Start executing the new version of each notebook a save stopped; return them.

        For the first build under `mkdocs serve`, which no watcher follows yet (and, with
        ``--no-livereload``, none ever will): as it runs a saved figure script again.
        """
        edited = sorted(n for n, e in self.failed.items() if isinstance(e, NotebookEdited))
        self._jobs = []
        for notebook in edited:
            del self.failed[notebook]
            self._edited.discard(notebook)
            job = self._job(notebook)
            if job is not None:
                self._jobs.append(job)
        self.start()
        return edited

    def start(self) -> None:
        """Start executing the notebooks that have no cache entry yet."""
        if self._jobs:
            self._thread = threading.Thread(target=self._run, name=_THREAD)
            self._thread.daemon = True  # Ctrl-C during a build must not wait for a kernel
            self._thread.start()

    def join(self, stop_edited: bool = False) -> None:
        """Wait for the thread, so that no page renders a notebook it is still executing.

        ``stop_edited`` (under `mkdocs serve`): a notebook saved again while it runs is
        stopped (its kernel killed), as a figure script is: the build that the save brings
        executes the new version, instead of waiting for the old one, up to its timeout.
        """
        thread = self._thread
        while thread is not None and thread.is_alive():
            thread.join(_POLL if stop_edited else None)
            job = self._running
            if stop_edited and job is not None:
                # Until the run ends: a kernel still starting at the first look is killed next.
                if job.notebook in self._edited or file_stamp(job.notebook) != job.stamp:
                    self._edited.add(job.notebook)
                    _kill_kernels()
        self._thread = None

    def _run(self) -> None:
        options = self._options
        for job in self._jobs:
            self._running = job
            started = time.monotonic()
            try:
                body = self._convert(job.notebook, execute=True, **{k: options[k] for k in _PASSED})
                toc_tokens, title = self._toc(job.notebook, options["toc_depth"])
                entry = json.dumps({"content": body, "toc_tokens": toc_tokens, "title": title})
                write_atomic(job.cache, entry, parents=True)
            except Exception as exc:  # noqa: BLE001 - the page's render says why, or tries again
                from figblog.notebook_errors import is_notebook_failure

                if job.notebook in self._edited:
                    self.failed[job.notebook] = NotebookEdited(
                        "it was saved again while it ran, so that run was stopped; "
                        "the build the save starts executes the new version"
                    )
                elif is_notebook_failure(exc):
                    self.failed[job.notebook] = exc
                else:
                    self._log(f"executing {job.notebook} early failed ({type(exc).__name__})")
                continue
            finally:
                self._running = None
            self.done.append(job.notebook)
            self.seconds[job.notebook] = time.monotonic() - started
            _EXECUTED.add(job.notebook)
