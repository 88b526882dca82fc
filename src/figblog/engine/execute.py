"""Run one planned script in one theme, keep what it wrote, and say what became of it.

:meth:`Engine.build <figblog.engine.build.Engine.build>` plans the runs and hands
each stale one here: the script runs through :mod:`figblog.engine.runner` (its
lines relayed when the author asks for them), its outputs are checked and stored
in the cache under the project files it read, and one line goes to the log.
Imported on the first run only, with the runner: a warm build, which runs
nothing, loads neither.
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from figblog.engine.build import UNTRACKED, Engine, Outcome
from figblog.engine.environment import file_stamp
from figblog.engine.failure import describe_failure, nothing_written, project_writes
from figblog.engine.hashing import changed_since
from figblog.engine.outputs import NoOutputs, OutputError, finished_outputs
from figblog.engine.runner import Cancelled, RunResult, run_script
from figblog.engine.schedule import Task
from figblog.engine.showable import TEXT_OUTPUTS

__all__ = ["execute"]


def execute(engine: Engine, task: Task, report_wait: Callable[[bool], None]) -> Outcome:
    """Run ``task`` (planned by ``Engine.build``), keep what it wrote, and log how it went."""
    script, theme = task.script, task.theme
    base, reason = task.extra["base"], task.extra["reason"]
    workspace = engine.cache.new_workspace()
    rel = engine.script_rel(script)

    def relay(line: str) -> None:
        if engine.on_output and engine.verbose:
            with engine._log_lock:  # whole lines: light and dark never mix mid-line
                engine.live.wipe()
                engine.on_output(rel, theme, line)
                engine.live.restore()

    label = f"{rel} [{theme}]"
    cancel = _EditedOrCancelled(engine, script, theme) if engine.stop_edited else engine.cancel
    engine.heartbeat.start(rel, theme)
    started = os.stat(workspace / "out").st_mtime_ns  # made just now: the file clock's time
    try:
        result = run_script(
            engine.script_path(script),
            theme,
            engine.root,
            workspace,
            memo_dir=engine.cache.root / "memo",
            timeout=engine.timeout,
            on_line=relay,
            warm=engine.warm,
            on_status=report_wait,
            cancel=cancel,  # type: ignore[arg-type]  # anything with is_set()
            on_redraw=lambda state: engine.live.update(label, state),
            # Its output reaches the log only if it fails: say now and then that it goes on.
            # One clock and one line for the script's themes that run together.
            on_still_running=lambda seconds: engine.heartbeat.beat(rel, seconds),
            beats_from=lambda: engine.heartbeat.clock(rel),
        )
    except Cancelled:
        edited = getattr(cancel, "edited", None)
        if edited is None:
            return Outcome(script, theme, "failed", reason=reason, error=f"{rel}: cancelled")
        engine._say(f"{label} stopped: {edited} was saved while it ran")
        error = (
            f"figure script {rel} [{theme}] was stopped: {edited} changed while it ran. "
            "The next build runs it again"
        )
        return Outcome(script, theme, "failed", reason=reason, error=error, stopped=True)
    except OSError as exc:  # e.g. no more processes: report it as this run's failure
        result = RunResult(ok=False, seconds=0.0, error_type="OSError", error_message=str(exc))
    finally:
        engine.live.done(label)
        engine.heartbeat.end(rel, theme)
    outcome = Outcome(script, theme, "failed", seconds=result.seconds, reason=reason)
    if not (workspace / "out").is_dir():
        outcome.error = (
            f"figure script {rel} [{theme}]: its working folder vanished while it ran "
            "(was the figure cache cleaned during the build?); build again"
        )
    elif not result.ok:
        outcome.error = describe_failure(rel, result, engine.root)
    else:
        try:
            outputs = finished_outputs(workspace / "out", TEXT_OUTPUTS)
            deps = {p: engine.hasher(p) for p in _project_deps(engine, result.reads, workspace)}
            late = changed_since(engine.root, deps, started)
            if result.untracked or late:
                # Its record of reads is incomplete, or a file it read was saved while it
                # ran (it may have read the old text): store the outputs for this build,
                # under a dependency that never matches again, so the next build runs it.
                deps[UNTRACKED] = uuid.uuid4().hex
                outcome.reason = "; ".join(result.untracked)
            if late:
                engine._say(
                    f"{rel} [{theme}]: {late} changed while it ran, so its outputs may show "
                    "the file as it was; the next build runs it again"
                )
            meta: dict[str, object] = {"seconds": round(result.seconds, 3)}
            if result.cpu is not None:
                meta["cpu"] = round(result.cpu, 3)
            texts = {name: list(result.texts[name]) for name in outputs if name in result.texts}
            if texts:
                meta["texts"] = texts
            outcome.entry = engine.cache.store(
                engine._ident(script, theme),
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
            if isinstance(exc, NoOutputs):
                outcome.error += nothing_written(result, engine.root)
        except OSError as exc:  # a full disk, or the cache removed during the build
            outcome.error = (
                f"figure script {rel} [{theme}] ran, but its outputs could not be stored "
                f"in the cache ({exc.strerror or exc}); free some space or run it again"
            )
    if outcome.entry is None:
        shutil.rmtree(workspace, ignore_errors=True)  # a failed run's files are not kept
    _progress(engine, outcome)
    wrote = project_writes(result, engine.root) if outcome.status == "ran" else []
    if wrote and engine.tell_once(f"wrote:{rel}"):
        engine._say(
            f"{rel} wrote {', '.join(wrote)} in the project, outside its own "
            "folder: that is not published, and a build should not change the project's "
            "files. Save into the folder it starts in, e.g. fig.savefig('plot.png')"
        )
    if outcome.status == "ran" and result.untracked:
        engine._say(
            f"{rel} [{theme}] will run again on every build: {outcome.reason}. "
            "Declare the files it depends on with figblog.deps.declare(...) "
            "(see the README, 'What a script depends on')"
        )
    return outcome


class _EditedOrCancelled:
    """A run's cancel flag under `mkdocs serve`: the build's, or an edit of what it runs.

    Set when the build is cancelled, or when the script, or a module its last stored run
    imported (a ``.py`` file it read: not data, which a script may write itself), has
    changed since the run started (looked at twice a second, by stat). The
    server builds again after such a save, so a stuck or slow run of old code does
    not hold the preview until its timeout. ``edited`` names the file.
    """

    _EVERY = 0.5  # seconds between looks at the files
    _MOST = 200  # files looked at, at most: the script and its last run's first modules

    def __init__(self, engine: Engine, script: str, theme: str) -> None:
        self.cancel = engine.cancel
        self.root = engine.root
        paths = [engine.script_rel(script)]
        hit = engine.stamps.hit(engine._ident(script, theme))
        deps = hit.get("manifest", {}).get("deps", {}) if hit else {}
        if isinstance(deps, dict):
            paths += [p for p in deps if isinstance(p, str) and p.endswith(".py")]
        self.states = {p: self._state(p) for p in dict.fromkeys(paths[: self._MOST])}
        self.next_look = time.monotonic() + self._EVERY
        self.edited: str | None = None

    def _state(self, path: str) -> tuple[int, int] | None:
        return file_stamp(os.path.join(self.root, path))

    def is_set(self) -> bool:
        """Whether the run should stop now."""
        if self.cancel.is_set():
            return True
        now = time.monotonic()
        if now < self.next_look:
            return False
        self.next_look = now + self._EVERY
        for path, state in self.states.items():
            if self._state(path) != state:
                self.edited = path
                return True
        return False


def _project_deps(engine: Engine, reads: list[str], workspace: Path) -> list[str]:
    """The files (and listed folders) a run read: not the cache, nor its outputs.

    A project file is named relative to the root; a file outside the project (data
    beside it, say) by its absolute path.
    """
    deps = []
    skip = (str(engine.cache.root) + os.sep, str(workspace) + os.sep)
    for path in reads:
        full = os.path.abspath(path)
        if full.startswith(skip) or not os.path.exists(full):
            continue
        rel = os.path.relpath(full, engine.root)
        if rel == ".." or rel.startswith(".." + os.sep):
            deps.append(Path(full).as_posix())
            continue
        if rel.split(os.sep, 1)[0] in {".git", ".venv"}:
            continue
        deps.append(Path(rel).as_posix())
    return sorted(set(deps))


def _progress(engine: Engine, outcome: Outcome) -> None:
    """One line per run that ran (cached ones are only counted in the summary)."""
    rel = engine.script_rel(outcome.script)
    word = {"ran": "ran", "failed": "FAILED"}.get(outcome.status)
    if word is None:
        return
    why = f" ({outcome.reason})" if outcome.status == "ran" and outcome.reason else ""
    engine._say(f"{rel} [{outcome.theme}] {word} in {outcome.seconds:.2f} s{why}")
