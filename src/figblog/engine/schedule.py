"""Decide which run goes next so that no core sits idle while work is queued.

Two things would otherwise waste a core:

* the light and the dark run of one script often share an expensive memoised step
  (the bee figures train one network): started together, the second just waits on
  the memo's lock. So a script's next theme is started only once its previous one
  has finished, unless nothing else is left to run;
* a run that waits on a memo lock held by another script's run still holds its slot.
  :func:`figblog.memo` reports such a wait (see :mod:`figblog.engine.streams`), and the
  scheduler lends the slot to the next run until the wait ends.

Longer runs (as measured last time) start first, so a long one does not finish alone
at the end while the other cores have nothing to do.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

__all__ = ["Scheduler", "Task", "run_all"]


@dataclass
class Task:
    """One run to make: a script in a theme, and how long it took last time (if known)."""

    script: str
    theme: str
    expected: float = 0.0
    extra: dict = field(default_factory=dict)


class Scheduler:
    """Hands out tasks to at most ``jobs`` busy runs at a time; see the module docstring."""

    def __init__(self, tasks: Iterable[Task], jobs: int) -> None:
        tasks = list(tasks)
        # Stable sort: the longest script first, its themes in the given order.
        longest: dict[str, float] = {}
        for task in tasks:
            longest[task.script] = max(longest.get(task.script, 0.0), task.expected)
        self._pending = sorted(tasks, key=lambda t: -longest[t.script])
        self._jobs = max(1, jobs)
        self._busy = 0
        self._in_flight: Counter[str] = Counter()
        self._cond = threading.Condition()

    def take(self) -> Task | None:
        """Block until a slot is free, then return the next task; None when all are taken."""
        with self._cond:
            while True:
                if not self._pending:
                    return None
                if self._busy < self._jobs:
                    task = self._pick()
                    self._busy += 1
                    self._in_flight[task.script] += 1
                    return task
                self._cond.wait()

    def _pick(self) -> Task:
        for i, task in enumerate(self._pending):
            if not self._in_flight[task.script]:
                return self._pending.pop(i)
        return self._pending.pop(0)  # only siblings of running scripts are left

    def cancel(self) -> None:
        """Start nothing more."""
        with self._cond:
            self._pending.clear()
            self._cond.notify_all()

    def waiting(self, task: Task, waits: bool) -> None:
        """``task``'s run started (``waits``) or stopped waiting on another run's result."""
        with self._cond:
            self._busy += -1 if waits else 1
            self._cond.notify_all()

    def done(self, task: Task, was_waiting: bool = False) -> None:
        """``task``'s run ended (``was_waiting``: while it was reported waiting)."""
        with self._cond:
            if not was_waiting:
                self._busy -= 1
            self._in_flight[task.script] -= 1
            self._cond.notify_all()


def run_all(
    tasks: Iterable[Task],
    jobs: int,
    work: Callable[[Task, Callable], None],
    cancel: threading.Event | None = None,
) -> None:
    """Run ``work(task, report_wait)`` for every task, each in its own thread, as scheduled.

    ``report_wait(waits: bool)`` is what the run calls when it starts or stops waiting.
    If this thread is interrupted (Ctrl-C), no further task starts, ``cancel`` is set
    for the running ones to stop, and the interruption is raised once they have.
    """
    scheduler = Scheduler(tasks, jobs)
    threads = []

    def one(task: Task) -> None:
        state = {"waiting": False, "finished": False}
        lock = threading.Lock()

        def report_wait(waits: bool) -> None:
            with lock:
                if not state["finished"] and state["waiting"] != waits:
                    state["waiting"] = waits
                    scheduler.waiting(task, waits)

        try:
            work(task, report_wait)
        finally:
            with lock:
                scheduler.done(task, was_waiting=state["waiting"])
                state["finished"] = True

    try:
        while (task := scheduler.take()) is not None:
            thread = threading.Thread(target=one, args=(task,), name=f"figblog {task.script}")
            thread.start()
            threads.append(thread)
        for thread in threads:
            thread.join()
    except BaseException:
        scheduler.cancel()
        if cancel is not None:
            cancel.set()
        for thread in threads:
            thread.join(timeout=30)
        raise
