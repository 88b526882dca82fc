"""Plan which scripts are stale, run them in parallel, and collect the results.

This module knows nothing of MkDocs: it takes script names and returns, for
each script and theme, a cache entry or an error that says what went wrong.
Running one stale script and storing what it wrote is :mod:`execute`'s part;
what besides the script a run's key covers is :mod:`environment`'s.
"""

from __future__ import annotations

import math
import os
import re
import stat
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from figblog.engine import THEMES, cache_upkeep
from figblog.engine.cache import Cache, Entry
from figblog.engine.environment import ENGINE_VERSION, environment
from figblog.engine.hashing import MISSING, FileHasher, hash_text
from figblog.engine.heartbeat import Heartbeat
from figblog.engine.hints import broken_link, near_names
from figblog.engine.live import LiveLine
from figblog.engine.stamps import Stamps

if TYPE_CHECKING:
    from figblog.engine.schedule import Task

__all__ = [
    "ENGINE_VERSION",
    "UNTRACKED",
    "Engine",
    "EngineError",
    "Outcome",
    "Pruned",
    "root_relative",
]

# The dependency of a run whose reads were not all recorded: no file has this name.
UNTRACKED = ":untracked:"


class EngineError(Exception):
    """The engine cannot work here at all; the message says what to do."""


class Pruned(NamedTuple):
    """What :meth:`Engine.prune` removed."""

    scripts: int  # scripts forgotten (in every theme): deleted ones
    runs: int  # stored runs no lookup can reach
    memos: int  # memoised results (figblog.memo) past what is kept


@dataclass
class Outcome:
    """What became of one script in one theme during a build."""

    script: str  # relative to the figures folder
    theme: str
    status: str  # "cached", "ran" or "failed"
    seconds: float = 0.0
    entry: Entry | None = None
    reason: str = ""  # why it ran (or why it is stale)
    error: str = ""  # one paragraph: what failed, where, and the last frames
    stopped: bool = False  # failed because a file it runs was saved meanwhile (serve)


def root_relative(path: str, root_prefix: str) -> str:
    """``path`` relative to the root whose path ends ``root_prefix`` (with its separator).

    What ``os.path.relpath`` gives, without its cost (it makes both paths absolute on
    every call) for a path that lies plainly under the root: no ``.``, ``..`` or hidden
    folder after the prefix, so nothing there needs resolving.
    """
    if path.startswith(root_prefix):
        rest = path[len(root_prefix) :]
        if "/." not in "/" + rest:
            return os.path.normpath(rest)
    return os.path.relpath(path, root_prefix)


_SLOW = re.compile(rb"^#[ \t]*figblog:[ \t]*slow\b", re.M)


def _says_slow(path: Path) -> bool:
    """Whether the script has a ``# figblog: slow`` line (looked for in its first 8 kB)."""
    try:
        with open(path, "rb") as f:
            return _SLOW.search(f.read(8192)) is not None
    except OSError:
        return False


def _print(message: str) -> None:
    # Flushed: in a CI log (a pipe) a line left in the buffer says nothing until the end.
    print(message, flush=True)


class Engine:
    """Runs the figure scripts of one project through the cache."""

    def __init__(
        self,
        root: Path,
        figures_dir: Path,
        cache_dir: Path,
        jobs: int = 0,
        timeout: float = 600.0,
        themes: Iterable[str] = THEMES,
        log: Callable[[str], None] = _print,
        on_output: Callable[[str, str, str], None] | None = None,
        verbose: bool = False,
        warm: bool = True,
    ) -> None:
        self.root = root.resolve()
        self.figures_dir = figures_dir.resolve()
        # One book per project: its names are relative to the root (see engine/stamps.py).
        book = f"{hash_text(str(self.root))[:16]}.json"
        self.stamps = Stamps(cache_dir.resolve() / "stamps" / book)
        try:
            self.cache = Cache(cache_dir.resolve(), self.stamps, log=lambda m: self._say(m))
        except OSError as exc:
            inside = Path(os.path.abspath(cache_dir)).is_relative_to(os.path.abspath(self.root))
            shown = os.path.relpath(cache_dir, self.root) if inside else str(cache_dir)
            raise EngineError(
                f"figblog: cannot use '{shown}' as the figure cache ({exc.strerror or exc}); "
                "it must be a folder you can write to: remove what is there, or set 'cache_dir'"
            ) from exc
        self.jobs = jobs or os.cpu_count() or 1
        self.timeout = timeout
        self.themes = tuple(themes)
        self.log = log
        self.on_output = on_output
        self.verbose = verbose  # relay every line a script prints, not only a failure's
        self.warm = warm  # fork runs from a warm worker rather than start interpreters
        self.cancel = threading.Event()  # set on Ctrl-C: running scripts are killed
        # Under `mkdocs serve`: stop a run whose script, or a file its last run read, is
        # saved while it goes on (a fix of a stuck script), instead of waiting it out.
        self.stop_edited = False
        self.hasher = FileHasher(self.root, self.stamps)
        self._rels: dict[str, str] = {}
        self._root_prefix = os.path.join(self.root, "")
        self._log_lock = threading.Lock()
        # Running scripts' progress bars, drawn in place when the log is a terminal.
        self.live = LiveLine()
        # Long runs' "still running" lines, one per script for its themes together.
        self.heartbeat = Heartbeat(self._say, self.themes)
        self._told: set[str] = set()

    # -- planning ----------------------------------------------------------------

    def script_path(self, script: str) -> Path:
        """The file of ``script`` (a path relative to the figures folder)."""
        return self.figures_dir / script

    def script_rel(self, script: str) -> str:
        """The script's path relative to the project root, as messages show it."""
        rel = self._rels.get(script)
        if rel is None:
            full = os.path.join(self.figures_dir, script)
            rel = self._rels[script] = root_relative(full, self._root_prefix)
        return rel

    @staticmethod
    def _base(script_hash: str, theme: str, env: Mapping[str, str] | None = None) -> dict:
        """What a run's key covers besides the files it read (``env``: the environment)."""
        return {"script": script_hash, "theme": theme, **(env or environment())}

    def _ident(self, script: str, theme: str) -> str:
        return f"{self.script_rel(script)}|{theme}"

    def status(self, script: str, theme: str) -> tuple[Entry | None, str]:
        """The cached entry for ``script`` in ``theme`` if it is fresh, and why not."""
        text = self._script_hash(script)
        if text is None:
            return None, "the script does not exist"
        return self.cache.lookup(self._ident(script, theme), self._base(text, theme), self.hasher)

    def _missing(self, script: str) -> str:
        """Why ``script`` cannot run: it does not exist; and what was perhaps meant."""
        message = f"figure script {self.script_rel(script)} does not exist"
        folder, _, inside = script.partition("/")
        if folder == self.figures_dir.name and (self.figures_dir / inside).is_file():
            return (
                f"{message}; a value reference names the script from inside {folder}/: "
                f"write '{inside}', not '{script}'"
            )
        return message + near_names(script, [self.script_rel(s) for s in self.discover()])

    def discover(self) -> list[str]:
        """Every figure script in the figures folder (names starting with _ are helpers)."""
        rels = (p.relative_to(self.figures_dir) for p in self.figures_dir.rglob("*.py"))
        return sorted(
            r.as_posix() for r in rels if not any(part.startswith(("_", ".")) for part in r.parts)
        )

    # -- building ----------------------------------------------------------------

    def build(
        self,
        scripts: Iterable[str],
        force: bool = False,
        known: Mapping[tuple[str, str], Outcome] | None = None,
    ) -> dict[tuple[str, str], Outcome]:
        """Bring every (script, theme) up to date; return what became of each.

        ``known``: outcomes of runs made moments ago on the same files (a failure the
        serve fast path met), taken as they are instead of running again.
        """
        outcomes: dict[tuple[str, str], Outcome] = {}
        known = known or {}
        misses: list[tuple[str, str, float, dict[str, Any]]] = []  # what becomes a Task
        env = environment()  # once per build: it stats the child's code
        for script in dict.fromkeys(scripts):
            refused = self._refuse(script)
            text = None if refused else self._script_hash(script)
            for theme in self.themes:
                if text is None:
                    outcomes[script, theme] = Outcome(
                        script, theme, "failed", error=refused or self._missing(script)
                    )
                    continue
                if (script, theme) in known:
                    outcomes[script, theme] = known[script, theme]
                    continue
                base = self._base(text, theme, env)
                entry, reason = (
                    (None, "--force")
                    if force
                    else self.cache.lookup(self._ident(script, theme), base, self.hasher)
                )
                if entry is not None:
                    outcomes[script, theme] = Outcome(script, theme, "cached", entry=entry)
                else:
                    expected = self._last_seconds(script, theme)
                    misses.append((script, theme, expected, {"base": base, "reason": reason}))

        def work(task: Task, report_wait: Callable[[bool], None]) -> None:
            outcomes[task.script, task.theme] = self._run(task, report_wait)

        if misses:
            # Imported for the first run: a warm build, which runs nothing, does without.
            from figblog.engine.schedule import Task, run_all

            run_all([Task(*miss) for miss in misses], self.jobs, work, self.cancel)
            self.prune({script for script, _ in outcomes})
        self.stamps.save()
        return outcomes

    def prune(self, built: Iterable[str] = ()) -> Pruned:
        """Drop what no current script can reach (deleted scripts, old runs), and old memos.

        ``built``: scripts just built besides those in the figures folder. Returns
        what went; nothing when the cache cannot be written. The memo store
        (``cache_dir/memo``) keeps every result the present files can use and the
        last few older versions of each function (see :func:`cache_upkeep.prune_memo`).
        """
        live = {self._ident(s, t) for s in {*self.discover(), *built} for t in self.themes}
        try:
            scripts, runs = self.cache.prune(live)
        except OSError:  # a full disk or a read-only cache: pruning can wait
            return Pruned(0, 0, 0)
        memos = self._prune_memo()
        self.stamps.forget(
            live,
            lambda name: os.path.exists(os.path.join(self.root, name)),
            os.path.join(self.cache.root, "entries"),
        )
        self.stamps.save()
        return Pruned(scripts, runs, memos)

    def _prune_memo(self) -> int:
        """Bound the memo store; how many results went (0 with no store, or one not writable)."""
        root = self.cache.root / "memo"
        if not os.path.isdir(os.path.join(root, "index")):
            return 0
        versions = environment()

        def usable(manifest: Mapping[str, Any]) -> bool:
            # Made under these versions (those the key has) from files as they are now.
            try:
                base, deps = manifest["base"], manifest["deps"]
                if any(base[k] != versions[k] for k in base if k in versions):
                    return False
                return all(self.hasher(p) == h for p, h in deps.items())
            except (KeyError, TypeError, AttributeError):
                return False

        try:
            return cache_upkeep.prune_memo(root, usable)
        except OSError:
            return 0

    def summary(self, outcomes: dict[tuple[str, str], Outcome]) -> str:
        """One line: how many figure runs were cached, ran and failed, and scripts missing.

        A script that does not exist never ran: it is counted once, as missing, not as a
        failed run per theme.
        """
        missing = {
            o.script
            for o in outcomes.values()
            if o.status == "failed" and not o.seconds and not self.script_path(o.script).exists()
        }
        count = Counter(
            "stopped" if o.stopped else o.status
            for o in outcomes.values()
            if o.script not in missing
        )
        ran = sum(o.seconds for o in outcomes.values() if o.status != "cached")
        took = f" in {ran:.1f} s of runs" if ran else ""
        gone = f", {len(missing)} script{'s' * (len(missing) != 1)} missing" if missing else ""
        # A run stopped for a save is not a failure of the script: counted apart.
        stopped = f", {count['stopped']} stopped for a save" if count["stopped"] else ""
        return (
            f"figblog: {count['ran']} ran, {count['cached']} cached, {count['failed']} failed"
            f"{stopped}{gone}{took}"
        )

    def _refuse(self, script: str) -> str:
        """Why ``script`` may not run (a link that leads out of the project), or ""."""
        path = os.path.join(self.figures_dir, script)
        try:
            # A plain file right in the (resolved) figures folder has no link on its way.
            plain = "/" not in script and stat.S_ISREG(os.lstat(path).st_mode)
            real = path if plain else os.path.realpath(path, strict=True)
        except FileNotFoundError:
            broken = broken_link(Path(path), self.root)
            # A link to nothing is said as such; no such script is reported as missing.
            return f"figure script {self.script_rel(script)} {broken}" if broken else ""
        except OSError:  # a loop of links, or a link to nowhere
            return f"figure script {self.script_rel(script)} is a link that leads nowhere"
        if not (real + os.sep).startswith(str(self.root) + os.sep):
            return (
                f"figure script {self.script_rel(script)} is, or lies in a folder that is, a "
                "link to somewhere outside the project; only files inside it are run"
            )
        return ""

    def _script_hash(self, script: str) -> str | None:
        # One stat, the hasher's, which also refuses a folder named like a script.
        digest = self.hasher(self.script_rel(script), file_only=True)
        return None if digest == MISSING else digest

    def _last_seconds(self, script: str, theme: str) -> float:
        """How long this script's last stored run took, for scheduling; 0 if unknown.

        A script never measured with a line that starts ``# figblog: slow`` counts
        as longer than any measured one: on an empty cache (a fresh clone) it starts
        first instead of behind every short script of the posts before it.
        """
        seconds = self.cache.last_seconds(self._ident(script, theme))
        if seconds == 0.0 and _says_slow(self.script_path(script)):
            return math.inf
        return seconds

    def _run(self, task: Task, report_wait: Callable[[bool], None]) -> Outcome:
        # Imported on the first run: a warm build, which runs nothing, skips the workers.
        from figblog.engine.execute import execute

        return execute(self, task, report_wait)

    def tell_once(self, what: str) -> bool:
        """True the first time ``what`` is asked about in this build (a note per script)."""
        with self._log_lock:
            first = what not in self._told
            self._told.add(what)
        return first

    def _say(self, message: str) -> None:
        """Log ``message`` whole, with the live progress line out of its way."""
        with self._log_lock:
            self.live.wipe()
            self.log(message)
            self.live.restore()
