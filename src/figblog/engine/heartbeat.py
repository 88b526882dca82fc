"""The "still running" line a long run logs now and then: its words, and once per script.

:func:`figblog.engine.watch.wait_loop` decides when a run has lived past a heartbeat;
this module says so, in the same words for the build and for ``figblog run``.

A build runs a script's light and dark themes as two runs, at times side by side
(see :mod:`figblog.engine.schedule`); said once per run, the log would get two
near-identical lines per interval. So in a build the runs of one script that overlap
share one clock (:meth:`Heartbeat.clock`), started when the first of them has its
child going: their heartbeats fall at the same moments, the first run to reach one
says it for the script, naming every theme running then, and the others stay quiet.
A script none of whose runs is going starts a new clock with its next run.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

__all__ = ["Heartbeat", "still_running"]


def still_running(script: str, themes: Iterable[str], seconds: float) -> str:
    """The line for ``script`` (as messages name it) running in ``themes`` for ``seconds``."""
    return f"{script} [{', '.join(themes)}] still running ({seconds:g} s)"


@dataclass
class _Clock:
    """One script's heartbeat clock while any of its runs goes on."""

    themes: list[str] = field(default_factory=list)  # those running now
    since: float | None = None  # time.monotonic() when the first run's child was going
    said: float = -1.0  # the last heartbeat logged, in seconds since ``since``


class Heartbeat:
    """One "still running" line per script and heartbeat, however many themes run."""

    def __init__(self, say: Callable[[str], None], themes: Iterable[str]) -> None:
        self._say = say
        self._order = tuple(themes)  # the order a line names them in
        self._clocks: dict[str, _Clock] = {}
        self._lock = threading.Lock()  # runs start, end and beat in their own threads

    def start(self, script: str, theme: str) -> None:
        """A run of ``script`` in ``theme`` starts: lines name it until :meth:`end`."""
        with self._lock:
            self._clocks.setdefault(script, _Clock()).themes.append(theme)

    def clock(self, script: str) -> float:
        """When the heartbeats of ``script``'s runs count from (a ``time.monotonic()`` value).

        A run asks once its child is going (a warm worker booting is not the script's
        time): the first to ask starts the clock, and a run of another theme that
        starts while it goes on shares it, so its heartbeats fall at the same moments.
        """
        now = time.monotonic()
        with self._lock:
            clock = self._clocks.get(script)
            if clock is None:  # not started here: a clock of its own
                return now
            if clock.since is None:
                clock.since = now
            return clock.since

    def end(self, script: str, theme: str) -> None:
        """The run of ``script`` in ``theme`` ended (or never got going)."""
        with self._lock:
            clock = self._clocks.get(script)
            if clock is None or theme not in clock.themes:
                return
            clock.themes.remove(theme)
            if not clock.themes:
                del self._clocks[script]

    def beat(self, script: str, seconds: float) -> None:
        """A run of ``script`` lived past the heartbeat ``seconds``: log it, unless said."""
        with self._lock:
            clock = self._clocks.get(script)
            if clock is None or seconds <= clock.said:
                return  # another theme's run said this one for the script
            clock.said = seconds
            themes = sorted(clock.themes, key=self._rank)
        self._say(still_running(script, themes, seconds))

    def _rank(self, theme: str) -> int:
        return self._order.index(theme) if theme in self._order else len(self._order)
