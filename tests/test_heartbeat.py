"""The "still running" line: one per script and beat, naming the themes running then."""

from __future__ import annotations

import time

import pytest

from figblog.engine import THEMES
from figblog.engine.heartbeat import Heartbeat, still_running


@pytest.fixture
def said() -> list[str]:
    return []


@pytest.fixture
def heartbeat(said: list[str]) -> Heartbeat:
    return Heartbeat(said.append, THEMES)


def test_the_line_names_the_script_its_themes_and_the_seconds():
    assert (
        still_running("figures/x.py", ["light"], 30.0)
        == "figures/x.py [light] still running (30 s)"
    )
    assert (
        still_running("figures/x.py", ["light", "dark"], 90.0)
        == "figures/x.py [light, dark] still running (90 s)"
    )


def test_a_themes_run_that_starts_while_the_other_goes_on_shares_its_clock(heartbeat):
    heartbeat.start("figures/x.py", "light")
    first = heartbeat.clock("figures/x.py")
    time.sleep(0.01)
    heartbeat.start("figures/x.py", "dark")
    assert heartbeat.clock("figures/x.py") == first  # its beats fall when the light run's do
    heartbeat.end("figures/x.py", "light")
    heartbeat.end("figures/x.py", "dark")
    time.sleep(0.01)
    heartbeat.start("figures/x.py", "dark")  # nothing of the script ran in between: a new clock
    assert heartbeat.clock("figures/x.py") > first


def test_each_beat_is_said_once_for_the_themes_running_then(heartbeat, said):
    # Started dark first: the line still names the themes in the engine's order.
    heartbeat.start("figures/x.py", "dark")
    heartbeat.start("figures/x.py", "light")
    heartbeat.start("figures/y.py", "light")
    heartbeat.beat("figures/x.py", 30.0)
    heartbeat.beat("figures/x.py", 30.0)  # the other theme's run reaching the same beat
    heartbeat.beat("figures/y.py", 30.0)  # another script has a line of its own
    heartbeat.end("figures/x.py", "light")
    heartbeat.beat("figures/x.py", 90.0)
    assert said == [
        "figures/x.py [light, dark] still running (30 s)",
        "figures/y.py [light] still running (30 s)",
        "figures/x.py [dark] still running (90 s)",
    ]
