"""The words of the "still running" line a long run logs now and then.

:func:`figblog.engine.watch.wait_loop` decides when a run has lived past a heartbeat;
this module says so, in the same words for the build and for ``figblog run``.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["still_running"]


def still_running(script: str, themes: Iterable[str], seconds: float) -> str:
    """The line for ``script`` (as messages name it) running in ``themes`` for ``seconds``."""
    return f"{script} [{', '.join(themes)}] still running ({seconds:g} s)"
