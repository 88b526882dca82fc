"""Scheduling: a script's second theme waits for its first, a run waiting on a memo lends its slot."""

from __future__ import annotations

import json
import textwrap

from conftest import COUNT, Project
from figblog.engine.build import Engine
from figblog.engine.schedule import Scheduler, Task
from figblog.engine.streams import STATUS_GO, STATUS_WAIT, OutputReader


def test_second_theme_of_a_script_waits_while_other_work_is_queued():
    tasks = [Task(s, t) for s in ("a", "b") for t in ("light", "dark")]
    sched = Scheduler(tasks, jobs=2)
    first, second = sched.take(), sched.take()
    assert {(first.script, first.theme), (second.script, second.theme)} == {
        ("a", "light"),
        ("b", "light"),
    }
    sched.done(first)
    third = sched.take()
    assert (third.script, third.theme) == (first.script, "dark")


def test_a_sibling_runs_when_nothing_else_is_left():
    sched = Scheduler([Task("a", "light"), Task("a", "dark")], jobs=2)
    assert sched.take().theme == "light"
    assert sched.take().theme == "dark"  # nothing else to do: run it alongside
    assert sched.take() is None


def test_the_longest_script_starts_first():
    tasks = [Task("short", "light", 1.0), Task("long", "light", 90.0), Task("mid", "light", 5.0)]
    sched = Scheduler(tasks, jobs=1)
    order = []
    while (task := sched.take()) is not None:
        order.append(task.script)
        sched.done(task)
    assert order == ["long", "mid", "short"]


def test_a_waiting_run_lends_its_slot():
    sched = Scheduler([Task(s, "light") for s in "abc"], jobs=1)
    a = sched.take()
    sched.waiting(a, True)
    b = sched.take()  # would block forever if a still held the only slot
    assert b.script == "b"
    sched.waiting(a, False)
    sched.done(b)
    sched.done(a)
    assert sched.take().script == "c"


def test_status_markers_are_taken_out_of_the_output():
    seen, lines = [], []
    reader = OutputReader(on_line=lines.append, on_status=seen.append)
    reader.feed("before" + STATUS_WAIT[:5])
    reader.feed(STATUS_WAIT[5:] + "\nafter" + STATUS_GO + "\n")
    reader.close()
    assert seen == [True, False]
    assert lines == ["before", "after"]


def test_progress_redraws_are_thinned_to_one_line_per_tenth():
    lines = []
    reader = OutputReader(on_line=lines.append)
    for i in range(0, 101):
        reader.feed(f"\rtraining: {i:3d}%|{'#' * (i // 10)}|")
    reader.feed("\n")
    reader.close()
    assert len(lines) <= 12
    assert lines[-1].startswith("training: 100%")


def test_a_flood_keeps_the_last_lines_and_counts_the_rest():
    reader = OutputReader(tail_lines=50)
    reader.feed("".join(f"line {i}\n" for i in range(200_000)))
    reader.feed("x" * 5_000_000)  # a line that never ends is cut, not kept whole
    reader.close()
    assert reader.lines == 200_001
    assert list(reader.tail)[-2] == "line 199999"
    assert len(reader.tail[-1]) < 5000 and reader.tail[-1].endswith("[...]")


def _stamping(name: str, body: str) -> str:
    """A script that logs when it starts and ends, and what it did in between."""
    return (
        textwrap.dedent(
            f"""\
        import json, os, time
        def _stamp(event):
            with open(os.environ["FIGBLOG_TEST_COUNTER"] + ".times", "a") as fh:
                fh.write(json.dumps([{name!r}, os.environ["FIGBLOG_THEME"], event,
                                     time.monotonic()]) + "\\n")
        _stamp("start")
        """
        )
        + textwrap.dedent(body)
        + '\n_stamp("end")\nopen("out.md", "w").write("done")\n'
    )


def test_runs_waiting_on_one_memo_do_not_hold_the_cores(project: Project):
    project.write(
        "lib/slow.py",
        """\
        import time
        from figblog.memo import memo

        @memo
        def train(n):
            time.sleep(n)
            return n
        """,
    )
    uses_memo = "import slow\nslow.train(2.0)\n"
    project.script("a_train.py", _stamping("a", uses_memo))
    project.script("b_train.py", _stamping("b", uses_memo))
    for name in ("c", "d"):
        project.script(f"{name}_quick.py", _stamping(name, ""))
    engine = Engine(project.root, project.root / "figures", project.root / ".cache/figblog", jobs=2)
    out = engine.build(["a_train.py", "b_train.py", "c_quick.py", "d_quick.py"])
    assert {o.status for o in out.values()} == {"ran"}, [o.error for o in out.values()]
    events = [json.loads(line) for line in open(str(project.counter) + ".times")]
    when = {(s, t, e): at for s, t, e, at in events}
    trainer = min(("a", "b"), key=lambda s: when[s, "light", "start"])
    trained = when[trainer, "light", "end"]
    # Both cores were taken by the two training scripts, one of them only waiting for the
    # other's result: the quick scripts still ran before the training was over.
    assert when["c", "light", "start"] < trained
    assert when["d", "light", "start"] < trained
    # While other scripts were queued, a script's dark run waited for its light run.
    for s in "cd":
        assert when[s, "dark", "start"] >= when[s, "light", "end"]


def test_a_script_marked_slow_starts_first_until_it_has_been_timed(project: Project):
    done = "open('out.md', 'w').write('done')\n"
    sleeps = "import time\ntime.sleep(0.5)\n"
    project.script("a_long.py", COUNT + sleeps + done)
    project.script(
        "b_quick.py", COUNT + '"""Says # figblog: slow, not at the start of a line."""\n' + done
    )
    project.script("c_marked.py", "# figblog: slow\n" + COUNT + done)
    engine = Engine(project.root, project.root / "figures", project.root / ".cache/figblog", jobs=1)
    scripts = ["a_long.py", "b_quick.py", "c_marked.py"]

    def order() -> list[str]:
        return [run.split(":")[0] for run in project.runs()[::2]]  # the light runs

    engine.build(scripts)
    # Nothing timed yet: the marked script first, the rest in the order the pages name them.
    assert order() == ["c_marked.py", "a_long.py", "b_quick.py"]
    project.counter.unlink()
    for name in scripts:  # every script stale again, each with a time from the last build
        path = project.root / "figures" / name
        path.write_text(path.read_text() + "# edited\n")
    engine.build(scripts)
    assert order()[0] == "a_long.py"  # measured times decide, the mark no longer does
