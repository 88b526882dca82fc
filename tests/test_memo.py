"""The on-disk memo: computes once, and again only when its code, callees or arguments change."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from conftest import Project, _env
from figblog.engine.build import Engine

WORK = """\
import os
from figblog.memo import memo
import helper

@memo
def work(n):
    with open(os.environ["FIGBLOG_TEST_COUNTER"], "a") as fh:
        fh.write("computed\\n")
    return helper.scale(n)
"""


@pytest.fixture
def memo_project(project: Project) -> Project:
    project.write("lib/work.py", WORK)
    project.write("lib/helper.py", "def scale(n):\n    return n * 10\n")
    return project


def call(project: Project, arg: int = 3, memo: str = ".cache/memo") -> str:
    env = _env(project)
    env["FIGBLOG_PROJECT_ROOT"] = str(project.root)
    env["FIGBLOG_MEMO_DIR"] = str(project.root / memo)
    code = f"import work; print(work.work({arg}))"
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_second_call_reads_the_stored_result(memo_project):
    assert call(memo_project) == "30" and call(memo_project) == "30"
    assert memo_project.runs() == ["computed"]


def test_a_change_to_code_the_call_ran_invalidates(memo_project):
    call(memo_project)
    memo_project.write("lib/helper.py", "def scale(n):\n    return n * 100\n")
    assert call(memo_project) == "300"
    assert memo_project.runs() == ["computed", "computed"]


def test_a_change_to_the_function_or_its_arguments_invalidates(memo_project):
    call(memo_project)
    assert call(memo_project, 4) == "40"
    memo_project.write("lib/work.py", WORK.replace("helper.scale(n)", "helper.scale(n) + 1"))
    assert call(memo_project, 4) == "41"
    assert len(memo_project.runs()) == 3


def test_an_unrelated_change_does_not_invalidate(memo_project):
    call(memo_project)
    memo_project.write("lib/unrelated.py", "X = 1\n")
    call(memo_project)
    assert memo_project.runs() == ["computed"]


def test_an_unreadable_result_is_computed_again(memo_project):
    call(memo_project)
    for value in (memo_project.root / ".cache" / "memo" / "entries").glob("*/*/out/value.pkl"):
        value.write_bytes(b"not a pickle")
    assert call(memo_project) == "30"
    assert memo_project.runs() == ["computed", "computed"]


def test_concurrent_callers_compute_once(memo_project):
    memo_project.write(
        "lib/helper.py", "import time\ndef scale(n):\n    time.sleep(1)\n    return n * 10\n"
    )
    env = _env(memo_project)
    env["FIGBLOG_PROJECT_ROOT"] = str(memo_project.root)
    env["FIGBLOG_MEMO_DIR"] = str(memo_project.root / ".cache" / "memo")
    cmd = [sys.executable, "-c", "import work; print(work.work(3))"]
    procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, text=True) for _ in range(3)]
    assert [p.communicate(timeout=60)[0].strip() for p in procs] == ["30"] * 3
    assert memo_project.runs() == ["computed"]


def test_figures_that_hit_the_memo_still_depend_on_its_code(memo_project):
    memo_project.script("fig.py", "import work\nopen('v.txt', 'w').write(str(work.work(2)))\n")
    engine = Engine(
        memo_project.root,
        memo_project.root / "figures",
        memo_project.root / ".cache" / "figblog",
        jobs=1,
    )
    out = engine.build(["fig.py"])
    assert memo_project.runs() == ["computed"]  # light computed, dark read the memo
    for theme in ("light", "dark"):
        assert "lib/helper.py" in out["fig.py", theme].entry.manifest["deps"]
    memo_project.write("lib/helper.py", "def scale(n):\n    return n * 7\n")
    out = Engine(
        memo_project.root, memo_project.root / "figures", memo_project.root / ".cache" / "figblog"
    ).build(["fig.py"])
    assert {o.status for o in out.values()} == {"ran"}
    assert (out["fig.py", "dark"].entry.out / "v.txt").read_text() == "14"


def _values(project: Project):
    return list((project.root / ".cache" / "memo" / "entries").glob("*/*/out/value.pkl"))


@pytest.mark.parametrize(
    "damage",
    [b"not a pickle", b"\x80\x09junk", b"\x80\x04\x95\x05\x00\x00\x00\x00\x00\x00\x00X\xff\xfe"],
    ids=["garbage", "unsupported-protocol", "bad-utf8"],
)
def test_a_damaged_result_is_computed_once_and_replaced(memo_project, damage):
    call(memo_project)
    for value in _values(memo_project):
        value.write_bytes(damage)
    assert call(memo_project) == "30"
    assert call(memo_project) == "30"  # healed: read, not computed a third time
    assert memo_project.runs() == ["computed", "computed"]


def test_an_unpicklable_result_is_returned_and_leaves_no_workspace(memo_project):
    memo_project.write(
        "lib/work.py",
        "from figblog.memo import memo\n\n@memo\ndef work(n):\n    return lambda: n\n",
    )
    env = _env(memo_project)
    env["FIGBLOG_PROJECT_ROOT"] = str(memo_project.root)
    env["FIGBLOG_MEMO_DIR"] = str(memo_project.root / ".cache" / "memo")
    done = subprocess.run(
        [sys.executable, "-c", "import work; print(work.work(3)())"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "3"
    assert "cannot be pickled" in done.stderr and "work()" in done.stderr
    assert not list((memo_project.root / ".cache" / "memo" / "tmp").iterdir())


def test_a_folder_the_call_listed_is_an_input(memo_project):
    memo_project.write(
        "lib/work.py",
        "import glob, os\nfrom figblog.memo import memo\n\n@memo\ndef work(n):\n"
        "    with open(os.environ['FIGBLOG_TEST_COUNTER'], 'a') as fh:\n"
        "        fh.write('computed\\n')\n"
        "    root = os.environ['FIGBLOG_PROJECT_ROOT']\n"
        "    return len(glob.glob(os.path.join(root, 'data', '*.txt'))) * n\n",
    )
    memo_project.write("data/a.txt", "a")
    assert call(memo_project) == "3"
    assert call(memo_project) == "3"
    memo_project.write("data/b.txt", "b")
    assert call(memo_project) == "6"
    assert memo_project.runs() == ["computed", "computed"]


def test_a_file_outside_the_project_is_an_input_as_it_is_for_figures(
    memo_project, tmp_path, monkeypatch
):
    (tmp_path / "tmp").mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))  # the pytest folder is no temp folder
    shared = tmp_path / "shared.txt"
    shared.write_text("2")
    memo_project.write(
        "lib/work.py",
        "import os\nfrom figblog.memo import memo\n\n@memo\ndef work(n):\n"
        "    with open(os.environ['FIGBLOG_TEST_COUNTER'], 'a') as fh:\n"
        "        fh.write('computed\\n')\n"
        f"    return int(open({str(shared)!r}).read()) * n\n",
    )
    assert call(memo_project) == "6" and call(memo_project) == "6"
    shared.write_text("5")
    assert call(memo_project) == "15"
    assert memo_project.runs() == ["computed", "computed"]


def test_a_bytes_path_is_an_input(memo_project):
    memo_project.write(
        "lib/work.py",
        "import os\nfrom figblog.memo import memo\n\n@memo\ndef work(n):\n"
        "    with open(os.environ['FIGBLOG_TEST_COUNTER'], 'a') as fh:\n"
        "        fh.write('computed\\n')\n"
        "    path = os.path.join(os.environ['FIGBLOG_PROJECT_ROOT'], 'data', 'n.txt')\n"
        "    return int(open(os.fsencode(path)).read()) * n\n",
    )
    memo_project.write("data/n.txt", "2")
    assert call(memo_project) == "6"
    memo_project.write("data/n.txt", "5")
    assert call(memo_project) == "15"


# -- bounding the store: a build that ran scripts, or `figblog clean --unused`, prunes it --

BUILD_MEMO = ".cache/figblog/memo"  # where a build's runs keep their memos


def _scale(project: Project, factor: int) -> None:
    project.write("lib/helper.py", f"def scale(n):\n    return n * {factor}\n")


def _memo_entries(project: Project) -> list:
    return list((project.root / BUILD_MEMO / "entries").glob("*/*"))


def _engine(project: Project) -> Engine:
    return Engine(project.root, project.root / "figures", project.root / ".cache/figblog", jobs=1)


def _computes(project: Project, factor: int, arg: int = 3) -> bool:
    """Whether calling the memoised function with helper.py at ``factor`` computes."""
    _scale(project, factor)
    before = len(project.runs())
    assert call(project, arg, BUILD_MEMO) == str(arg * factor)
    return len(project.runs()) > before


def test_a_prune_keeps_every_usable_result_and_the_two_older_versions_used_last(memo_project):
    for factor in (10, 20, 30, 40, 50):  # five versions of the code, each called twice
        assert _computes(memo_project, factor, 1) and _computes(memo_project, factor, 2)
    assert len(_memo_entries(memo_project)) == 10
    pruned = _engine(memo_project).prune()
    assert pruned.memos == 4  # versions 10 and 20, for both arguments
    assert len(_memo_entries(memo_project)) == 6
    # The present version's results, for any argument, and a revert to either of the
    # two versions before it, cost nothing; an older revert computes again.
    assert not any(_computes(memo_project, 50, arg) for arg in (1, 2))
    assert not any(_computes(memo_project, factor, 1) for factor in (40, 30))
    assert _computes(memo_project, 20, 1)


def test_a_hit_counts_as_a_use_so_the_version_reverted_to_is_kept(memo_project):
    for factor in (10, 20, 30):
        assert _computes(memo_project, factor)
    time.sleep(0.01)
    assert not _computes(memo_project, 10)  # a revert to the first version: a hit
    for factor in (40, 50):
        assert _computes(memo_project, factor)
    assert _engine(memo_project).prune().memos == 2  # 20 and 30 went, not 10
    assert not _computes(memo_project, 10)
    assert not _computes(memo_project, 40)
    assert _computes(memo_project, 30)


def test_older_versions_unused_for_a_month_go_and_so_does_a_function_that_is_gone(
    memo_project,
):
    assert _computes(memo_project, 10) and _computes(memo_project, 20)
    month_ago = time.time() - 31 * 24 * 3600
    for entry in _memo_entries(memo_project):
        if _value(entry) == 30:  # the older version (helper.py at factor 10), unused since
            os.utime(entry, (month_ago, month_ago))
    assert _engine(memo_project).prune().memos == 1
    assert [_value(e) for e in _memo_entries(memo_project)] == [60]
    # The function is renamed: nothing of it is usable, and a month later nothing is left.
    memo_project.write("lib/work.py", WORK.replace("def work", "def other"))
    assert _engine(memo_project).prune().memos == 0  # kept for a revert
    for path in [*_memo_entries(memo_project), *(memo_project.root / BUILD_MEMO).glob("index/*")]:
        os.utime(path, (month_ago, month_ago))
    assert _engine(memo_project).prune().memos == 1
    assert not _memo_entries(memo_project)
    assert not list((memo_project.root / BUILD_MEMO / "index").glob("*.json"))


def _value(entry) -> object:
    import pickle

    return pickle.loads((entry / "out" / "value.pkl").read_bytes())


def test_a_build_that_ran_scripts_prunes_memos_and_a_warm_one_does_not(memo_project):
    memo_project.script("fig.py", "import work\nopen('v.txt', 'w').write(str(work.work(3)))\n")
    for factor in (1, 2, 3, 4):  # four older versions, called outside any build
        assert _computes(memo_project, factor)
    _scale(memo_project, 5)
    out = _engine(memo_project).build(["fig.py"])
    assert {o.status for o in out.values()} == {"ran"}
    assert sorted(_value(e) for e in _memo_entries(memo_project)) == [9, 12, 15]
    for factor in (6, 7):
        assert _computes(memo_project, factor)
    _scale(memo_project, 5)  # the figure's inputs as they were: a warm build
    out = _engine(memo_project).build(["fig.py"])
    assert {o.status for o in out.values()} == {"cached"}
    assert len(_memo_entries(memo_project)) == 5  # a build that runs nothing prunes nothing
    done = memo_project.cli("clean", "--unused")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        "figblog: forgot 0 removed scripts; removed 0 unreachable runs, 2 old memoised results "
        "and 0 notebook cache folders of older code"
    )
    assert sorted(_value(e) for e in _memo_entries(memo_project)) == [15, 18, 21]


def test_a_prune_removes_the_lock_files_no_call_holds(memo_project):
    from figblog.memo import _lock

    for arg in (1, 2, 3):
        call(memo_project, arg, BUILD_MEMO)
    locks = memo_project.root / BUILD_MEMO / "locks"
    assert len(list(locks.glob("*.lock"))) == 3
    with _lock(locks, "held"):
        _engine(memo_project).prune()
        assert [p.name for p in locks.glob("*.lock")] == ["held.lock"]
    _engine(memo_project).prune()
    assert not list(locks.glob("*.lock"))


def test_a_call_waiting_on_a_lock_file_that_was_removed_locks_the_new_one(tmp_path):
    import threading

    from figblog.memo import _lock

    inside: list[str] = []
    first_in, first_go, third_in, third_go = (threading.Event() for _ in range(4))

    def hold(name: str, entered: threading.Event, go: threading.Event) -> None:
        with _lock(tmp_path, "k"):
            inside.append(name)
            entered.set()
            go.wait(10)
        inside.remove(name)

    def wait() -> None:
        with _lock(tmp_path, "k"):
            inside.append("second")

    first = threading.Thread(target=hold, args=("first", first_in, first_go))
    first.start()
    assert first_in.wait(10)
    second = threading.Thread(target=wait)
    second.start()  # opens k.lock and waits on it
    time.sleep(0.2)
    (tmp_path / "k.lock").unlink()  # as a prune does between the first call and the second
    third = threading.Thread(target=hold, args=("third", third_in, third_go))
    third.start()  # makes a new k.lock and holds it
    assert third_in.wait(10)
    first_go.set()
    first.join(10)
    time.sleep(0.3)
    assert inside == ["third"]  # the second call got the removed file, and did not go in
    third_go.set()
    third.join(10)
    second.join(10)
    assert inside == ["second"]


def test_a_file_saved_while_the_call_runs_keeps_its_result_out_of_the_memo(memo_project):
    """Its hash, taken at the end, would key a result made from the old text."""
    memo_project.write("lib/level.txt", "1")
    memo_project.write(
        "lib/work.py",
        WORK.replace(
            "    return helper.scale(n)",
            "    path = os.path.join(os.path.dirname(__file__), 'level.txt')\n"
            "    seen = int(open(path).read())\n"
            "    if seen == 1:\n"
            "        open(path, 'w').write('2')  # saved while the call goes on\n"
            "    return helper.scale(n) + seen",
        ),
    )
    assert call(memo_project) == "31"
    assert call(memo_project) == "32"  # computed again, from the new text
    assert call(memo_project) == "32"
    assert memo_project.runs() == ["computed", "computed"]
