"""Plan which scripts are stale, run them in parallel, and collect the results.

This module knows nothing of MkDocs: it takes script names and returns, for
each script and theme, a cache entry or an error that says what went wrong.
"""

from __future__ import annotations

import contextlib
import importlib.util
import math
import os
import platform
import re
import shutil
import stat
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

from figblog.engine import THEMES
from figblog.engine.cache import Cache, Entry
from figblog.engine.hashing import MISSING, FileHasher, hash_bytes, hash_text
from figblog.engine.live import LiveLine
from figblog.engine.outputs import OutputError, collect_outputs, strip_png_metadata
from figblog.engine.schedule import Task, run_all
from figblog.engine.stamps import Stamps

__all__ = ["ENGINE_VERSION", "UNTRACKED", "Engine", "EngineError", "Outcome"]

# The dependency of a run whose reads were not all recorded: no file has this name.
UNTRACKED = ":untracked:"

# Bump when the meaning of a cache entry changes (its layout, the child's contract).
ENGINE_VERSION = "1"


class EngineError(Exception):
    """The engine cannot work here at all; the message says what to do."""


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
def _environment() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for dist, module in _KEYED_DISTS.items():
        versions[dist] = _version(dist, module)
    # The code that runs scripts, read without importing it: a warm build runs none.
    here = Path(__file__).parent
    code = b"".join((here / name).read_bytes() for name in ("_child.py", "_zygote.py", "reads.py"))
    child = hash_bytes(code)[:16]
    versions["engine"] = f"{ENGINE_VERSION}-{child}"
    return versions


_SLOW = re.compile(rb"^#[ \t]*figblog:[ \t]*slow\b", re.M)


def _says_slow(path: Path) -> bool:
    """Whether the script has a ``# figblog: slow`` line (looked for in its first 8 kB)."""
    try:
        with open(path, "rb") as f:
            return _SLOW.search(f.read(8192)) is not None
    except OSError:
        return False


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
        log: Callable[[str], None] = print,
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
            self.cache = Cache(cache_dir.resolve(), self.stamps)
        except OSError as exc:
            shown = os.path.relpath(cache_dir, self.root)
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
        self.hasher = FileHasher(self.root, self.stamps)
        self._rels: dict[str, str] = {}
        # The figures folder as a prefix of script paths relative to the root ("figures/"),
        # or None when it lies outside the root (then os.path.relpath answers).
        inside = self.figures_dir.is_relative_to(self.root) and self.figures_dir != self.root
        self._figures_rel = (
            self.figures_dir.relative_to(self.root).as_posix() + "/" if inside else None
        )
        self._log_lock = threading.Lock()
        # Running scripts' progress bars, drawn in place when the log is a terminal.
        self.live = LiveLine()

    # -- planning ----------------------------------------------------------------

    def script_path(self, script: str) -> Path:
        """The file of ``script`` (a path relative to the figures folder)."""
        return self.figures_dir / script

    def script_rel(self, script: str) -> str:
        """The script's path relative to the project root, as messages show it."""
        rel = self._rels.get(script)
        if rel is None:
            if self._figures_rel is not None and ".." not in script.split("/"):
                rel = os.path.normpath(self._figures_rel + script)
            else:
                rel = os.path.relpath(self.script_path(script), self.root)
            self._rels[script] = rel
        return rel

    @staticmethod
    def _base(script_hash: str, theme: str) -> dict[str, str]:
        """What a run's key covers besides the files it read."""
        return {"script": script_hash, "theme": theme, **_environment()}

    def _ident(self, script: str, theme: str) -> str:
        return f"{self.script_rel(script)}|{theme}"

    def status(self, script: str, theme: str) -> tuple[Entry | None, str]:
        """The cached entry for ``script`` in ``theme`` if it is fresh, and why not."""
        text = self._script_hash(script)
        if text is None:
            return None, "the script does not exist"
        return self.cache.lookup(self._ident(script, theme), self._base(text, theme), self.hasher)

    def discover(self) -> list[str]:
        """Every figure script in the figures folder (names starting with _ are helpers)."""
        rels = (p.relative_to(self.figures_dir) for p in self.figures_dir.rglob("*.py"))
        return sorted(
            r.as_posix() for r in rels if not any(part.startswith(("_", ".")) for part in r.parts)
        )

    # -- building ----------------------------------------------------------------

    def build(self, scripts: Iterable[str], force: bool = False) -> dict[tuple[str, str], Outcome]:
        """Bring every (script, theme) up to date; return what became of each."""
        outcomes: dict[tuple[str, str], Outcome] = {}
        todo: list[Task] = []
        for script in dict.fromkeys(scripts):
            refused = self._refuse(script)
            text = None if refused else self._script_hash(script)
            for theme in self.themes:
                if text is None:
                    missing = f"figure script {self.script_rel(script)} does not exist"
                    outcomes[script, theme] = Outcome(
                        script, theme, "failed", error=refused or missing
                    )
                    continue
                base = self._base(text, theme)
                entry, reason = (
                    (None, "--force")
                    if force
                    else self.cache.lookup(self._ident(script, theme), base, self.hasher)
                )
                if entry is not None:
                    outcomes[script, theme] = Outcome(script, theme, "cached", entry=entry)
                else:
                    expected = self._last_seconds(script, theme)
                    todo.append(Task(script, theme, expected, {"base": base, "reason": reason}))

        def work(task: Task, report_wait: Callable[[bool], None]) -> None:
            outcomes[task.script, task.theme] = self._run(task, report_wait)

        if todo:
            run_all(todo, self.jobs, work, self.cancel)
            self.prune({script for script, _ in outcomes})
        self.stamps.save()
        return outcomes

    def prune(self, built: Iterable[str] = ()) -> tuple[int, int]:
        """Drop what no current script can reach (deleted scripts, old runs).

        ``built``: scripts just built besides those in the figures folder. Returns
        (scripts forgotten, runs removed); (0, 0) when the cache cannot be written.
        """
        live = {self._ident(s, t) for s in {*self.discover(), *built} for t in self.themes}
        try:
            removed = self.cache.prune(live)
        except OSError:  # a full disk or a read-only cache: pruning can wait
            return 0, 0
        self.stamps.forget(live, lambda name: os.path.exists(os.path.join(self.root, name)))
        self.stamps.save()
        return removed

    def summary(self, outcomes: dict[tuple[str, str], Outcome]) -> str:
        """One line: how many figure runs were cached, ran and failed."""
        count = Counter(o.status for o in outcomes.values())
        ran = sum(o.seconds for o in outcomes.values() if o.status != "cached")
        took = f" in {ran:.1f} s of runs" if ran else ""
        return (
            f"figblog: {count['ran']} ran, {count['cached']} cached, {count['failed']} failed{took}"
        )

    def _refuse(self, script: str) -> str:
        """Why ``script`` may not run (a link that leads out of the project), or ""."""
        path = os.path.join(self.figures_dir, script)
        try:
            # A plain file right in the (resolved) figures folder has no link on its way.
            plain = "/" not in script and stat.S_ISREG(os.lstat(path).st_mode)
            real = path if plain else os.path.realpath(path, strict=True)
        except FileNotFoundError:
            return ""  # no such script: reported as missing
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
        from figblog.engine.runner import Cancelled, RunResult, describe_failure, run_script

        script, theme = task.script, task.theme
        base, reason = task.extra["base"], task.extra["reason"]
        workspace = self.cache.new_workspace()
        rel = self.script_rel(script)

        def relay(line: str) -> None:
            if self.on_output and self.verbose:
                with self._log_lock:  # whole lines: light and dark never mix mid-line
                    self.live.wipe()
                    self.on_output(rel, theme, line)
                    self.live.restore()

        label = f"{rel} [{theme}]"
        try:
            result = run_script(
                self.script_path(script),
                theme,
                self.root,
                workspace,
                memo_dir=self.cache.root / "memo",
                timeout=self.timeout,
                on_line=relay,
                warm=self.warm,
                on_status=report_wait,
                cancel=self.cancel,
                on_redraw=lambda state: self.live.update(label, state),
            )
        except Cancelled:
            return Outcome(script, theme, "failed", reason=reason, error=f"{rel}: cancelled")
        except OSError as exc:  # e.g. no more processes: report it as this run's failure
            result = RunResult(ok=False, seconds=0.0, error_type="OSError", error_message=str(exc))
        finally:
            self.live.done(label)
        outcome = Outcome(script, theme, "failed", seconds=result.seconds, reason=reason)
        if not (workspace / "out").is_dir():
            outcome.error = (
                f"figure script {rel} [{theme}]: its working folder vanished while it ran "
                "(was the figure cache cleaned during the build?); build again"
            )
        elif not result.ok:
            outcome.error = describe_failure(rel, result, self.root)
        else:
            try:
                outputs = collect_outputs(workspace / "out")
                if not outputs:
                    raise OutputError(
                        "the script wrote no files; save figures into the current folder, "
                        "e.g. fig.savefig('plot.png')"
                    )
                for name in outputs:
                    if name.lower().endswith(".png"):
                        strip_png_metadata(workspace / "out" / name)
                deps = {p: self.hasher(p) for p in self._project_deps(result.reads, workspace)}
                if result.untracked:
                    # Its record of reads is incomplete: store the outputs for this build,
                    # under a dependency that never matches again, so the next build runs it.
                    deps[UNTRACKED] = uuid.uuid4().hex
                    outcome.reason = "; ".join(result.untracked)
                meta: dict[str, float] = {"seconds": round(result.seconds, 3)}
                if result.cpu is not None:
                    meta["cpu"] = round(result.cpu, 3)
                outcome.entry = self.cache.store(
                    self._ident(script, theme),
                    base,
                    deps,
                    workspace,
                    outputs,
                    meta,
                    replace=reason == "--force",
                )
                outcome.status = "ran"
            except OutputError as exc:
                outcome.error = f"figure script {rel} [{theme}]: {exc}"
            except OSError as exc:  # a full disk, or the cache removed during the build
                outcome.error = (
                    f"figure script {rel} [{theme}] ran, but its outputs could not be stored "
                    f"in the cache ({exc.strerror or exc}); free some space or run it again"
                )
        if outcome.entry is None:
            shutil.rmtree(workspace, ignore_errors=True)  # a failed run's files are not kept
        self._progress(outcome)
        if outcome.status == "ran" and result.untracked:
            self._say(
                f"{rel} [{theme}] will run again on every build: {outcome.reason}. "
                "Declare the files it depends on with figblog.deps.declare(...) "
                "(see the README, 'What a script depends on')"
            )
        return outcome

    def _project_deps(self, reads: list[str], workspace: Path) -> list[str]:
        """The project files (and listed folders) a run read: not the cache, nor its outputs."""
        deps = []
        skip = (str(self.cache.root) + os.sep, str(workspace) + os.sep)
        for path in reads:
            full = os.path.abspath(path)
            if full.startswith(skip) or not os.path.exists(full):
                continue
            rel = os.path.relpath(full, self.root)
            if rel.startswith(".." + os.sep) or rel.split(os.sep, 1)[0] in {".git", ".venv"}:
                continue
            deps.append(Path(rel).as_posix())
        return sorted(set(deps))

    def _progress(self, outcome: Outcome) -> None:
        """One line per run that ran (cached ones are only counted in the summary)."""
        rel = self.script_rel(outcome.script)
        word = {"ran": "ran", "failed": "FAILED"}.get(outcome.status)
        if word is None:
            return
        why = f" ({outcome.reason})" if outcome.status == "ran" and outcome.reason else ""
        self._say(f"{rel} [{outcome.theme}] {word} in {outcome.seconds:.2f} s{why}")

    def _say(self, message: str) -> None:
        """Log ``message`` whole, with the live progress line out of its way."""
        with self._log_lock:
            self.live.wipe()
            self.log(message)
            self.live.restore()
