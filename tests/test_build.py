"""The engine end to end: real subprocesses, the real cache, no MkDocs."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from conftest import COUNT, PLOT, Project
from figblog.engine.build import Engine
from figblog.plotting import palette


def engine(project: Project, **kw: object) -> Engine:
    return Engine(project.root, project.root / "figures", project.root / ".cache" / "figblog", **kw)


def test_runs_once_per_theme_then_starts_no_process(project):
    project.script("a.py", PLOT)
    out = engine(project, jobs=2).build(["a.py", "a.py"])
    assert {o.status for o in out.values()} == {"ran"} and len(out) == 2
    assert sorted(project.runs()) == ["a.py:dark", "a.py:light"]
    out = engine(project).build(["a.py"])
    assert {o.status for o in out.values()} == {"cached"}
    assert len(project.runs()) == 2  # no script ran again


def test_theme_is_applied_in_the_child(project):
    project.script("a.py", PLOT)
    out = engine(project).build(["a.py"])
    corners = {
        t: Image.open(out["a.py", t].entry.out / "plot.png").convert("RGB").getpixel((0, 0))
        for t in ("light", "dark")
    }
    assert corners["light"] == (255, 255, 255)
    assert sum(corners["dark"]) < 150  # the dark scheme's background


def test_the_theme_waits_for_the_scripts_own_matplotlib_import(project):
    # A script that writes only text gets no theme, so it does not depend on the theme code ...
    project.script(
        "words.py",
        "import sys\nopen('m.md', 'w').write(str('figblog.plotting' in sys.modules))\n",
    )
    # ... and one that imports pyplot straight away still gets the theme.
    project.script(
        "direct.py",
        "from matplotlib import pyplot as plt\nimport matplotlib as mpl\n"
        "open('bg.md', 'w').write(mpl.rcParams['figure.facecolor'])\n",
    )
    out = engine(project).build(["words.py", "direct.py"])
    assert (out["words.py", "light"].entry.out / "m.md").read_text() == "False"
    assert not [d for d in out["words.py", "light"].entry.manifest["deps"] if "plotting" in d]
    for theme in ("light", "dark"):
        found = (out["direct.py", theme].entry.out / "bg.md").read_text()
        assert found == palette(theme).background


def test_editing_a_module_reruns_only_its_importers(project):
    project.write("lib/shared.py", "VALUE = 1\n")
    project.script("uses.py", PLOT + "import shared\nopen('v.txt', 'w').write(str(shared.VALUE))\n")
    project.script("plain.py", PLOT)
    engine(project).build(["uses.py", "plain.py"])
    project.counter.unlink()
    project.write("lib/shared.py", "VALUE = 2\n")
    out = engine(project).build(["uses.py", "plain.py"])
    assert sorted(project.runs()) == ["uses.py:dark", "uses.py:light"]
    assert out["plain.py", "light"].status == "cached"
    assert out["uses.py", "light"].reason == "lib/shared.py changed"
    assert (out["uses.py", "light"].entry.out / "v.txt").read_text() == "2"


def test_editing_a_data_file_reruns_only_its_readers(project):
    project.write("data/points.csv", "1,2\n")
    project.script(
        "reads.py", COUNT + "open('n.txt', 'w').write(open('../../../../data/points.csv').read())\n"
    )
    project.script(
        "reads.py",
        COUNT
        + """\
import os
root = os.environ["FIGBLOG_PROJECT_ROOT"]
open("n.txt", "w").write(open(os.path.join(root, "data", "points.csv")).read())
""",
    )
    project.script("other.py", PLOT)
    engine(project).build(["reads.py", "other.py"])
    project.counter.unlink()
    project.write("data/points.csv", "3,4\n")
    out = engine(project).build(["reads.py", "other.py"])
    assert sorted(project.runs()) == ["reads.py:dark", "reads.py:light"]
    assert (out["reads.py", "dark"].entry.out / "n.txt").read_text() == "3,4\n"


def test_a_failing_script_reports_its_line_and_traceback(project):
    project.script("bad.py", "x = 1\n\ndef f():\n    return 1 / 0\n\nf()\n")
    out = engine(project).build(["bad.py"])
    o = out["bad.py", "light"]
    assert o.status == "failed"
    # The line named is the innermost one in the script; the frames show how it got there.
    assert o.error.startswith("figure script figures/bad.py failed at line 4: ZeroDivisionError")
    assert 'bad.py", line 6, in <module>' in o.error and 'bad.py", line 4, in f' in o.error
    assert "runpy" not in o.error and "_child" not in o.error
    assert not list((project.root / ".cache" / "figblog" / "entries").glob("*/*"))  # nothing cached


def test_timeout_kills_the_script_and_its_children(project):
    pidfile = project.root / "child.pid"
    project.script(
        "slow.py",
        f"""\
import subprocess, time
p = subprocess.Popen(["sleep", "300"])
open({str(pidfile)!r}, "w").write(str(p.pid))
time.sleep(300)
""",
    )
    eng = Engine(
        project.root,
        project.root / "figures",
        project.root / ".cache",
        timeout=3,
        themes=("light",),
    )
    out = eng.build(["slow.py"])
    assert out["slow.py", "light"].error.startswith(
        "figure script figures/slow.py timed out after 3 s and was killed; it was at line 4:"
    )
    pid = int(pidfile.read_text())
    time.sleep(0.2)
    assert not _alive(pid)


def _alive(pid: int) -> bool:
    """True if ``pid`` runs; a zombie (killed, not yet reaped by init) does not count."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("x = 1\n", "the script wrote no files"),
        (
            "import os\nopen('a.png', 'w').write('x')\nos.symlink('/etc/passwd', 'leak.txt')\n",
            "the script wrote a symbolic link 'leak.txt'",
        ),
        ("import sys\nsys.exit(3)\n", "failed at line 2: SystemExit: 3"),
        (
            "open('a.png', 'wb').close()\n",
            "'a.png', which is not a readable PNG image (it is empty)",
        ),
        ("open('a.gif', 'w').write('hello')\n", "'a.gif', which is not a readable GIF image"),
        (
            "import matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.savefig('a.png', format='jpg')\n",
            "'a.png', which holds a JPEG image, not a PNG one",
        ),
        (
            "open('a.md', 'wb').write(b'caf\\xe9\\n')\n",
            "the script wrote 'a.md', which is not UTF-8 text (byte 0xe9 at position 3)",
        ),
    ],
)
def test_bad_outputs_are_refused(project, body, message):
    project.script("s.py", body)
    out = engine(project, themes=("light",)).build(["s.py"])
    assert out["s.py", "light"].status == "failed" and message in out["s.py", "light"].error


def test_a_script_that_saves_elsewhere_is_told_where_its_files_went(project):
    # The common slip: chdir to the script's own folder (to open data beside it), then save.
    project.script(
        "away.py",
        "import os\nos.chdir(os.path.dirname(os.path.abspath(__file__)))\n"
        "open('away.png', 'w').write('x')\n",
    )
    project.script("abs.py", f"open({str(project.root / 'abs.md')!r}, 'w').write('x')\n")
    out = engine(project, themes=("light",)).build(["away.py", "abs.py"])
    assert out["away.py", "light"].error.endswith(
        "the script wrote no files; save figures into the current folder, e.g. "
        "save_png(fig, 'plot.png') (from figblog.plotting) or fig.savefig('plot.png'). It changed folder (os.chdir) to figures/ and wrote "
        "figures/away.png outside the folder it starts in; only what it writes into the "
        "folder it starts in is published."
    )
    assert out["abs.py", "light"].error.endswith(
        "It wrote abs.md outside the folder it starts in; only what it writes into the "
        "folder it starts in is published."
    )


def test_a_run_that_writes_into_the_project_is_told_once_and_temp_files_are_not(project):
    project.write("data/keep.txt", "")
    project.script(
        "w.py",
        f"import tempfile\nopen({str(project.root / 'data/keep.txt')!r}, 'a').write('x')\n"
        "with tempfile.NamedTemporaryFile('w', suffix='.txt') as fh:\n    fh.write('y')\n"
        "open('t.md', 'w').write('text')\n",
    )
    project.script("ok.py", "open('/dev/null', 'w').write('x')\nopen('t.md', 'w').write('t')\n")
    said: list[str] = []
    out = engine(project, jobs=1, log=said.append).build(["w.py", "ok.py"])
    assert {o.status for o in out.values()} == {"ran"}
    told = [line for line in said if "in the project, outside its own folder" in line]
    assert len(told) == 1, said  # once for the script, not once per theme
    assert told[0].startswith("figures/w.py wrote data/keep.txt in the project"), told  # no theme
    assert not any("ok.py" in line and "outside" in line for line in said)


def test_a_missing_script_is_an_error_that_says_what_was_perhaps_meant(project):
    project.script("rainfall.py", COUNT)
    out = engine(project, themes=("light",)).build(["nope.py", "rainfal.py", "figures/rainfall.py"])
    assert out["nope.py", "light"].error == "figure script figures/nope.py does not exist"
    assert out["rainfal.py", "light"].error == (
        "figure script figures/rainfal.py does not exist; did you mean figures/rainfall.py?"
    )
    # A value reference names its script from inside the figures folder.
    assert out["figures/rainfall.py", "light"].error == (
        "figure script figures/figures/rainfall.py does not exist; a value reference names "
        "the script from inside figures/: write 'rainfall.py', not 'figures/rainfall.py'"
    )


def test_a_folder_named_like_a_script_is_not_one(project):
    # The script's hash is its only stat: a folder there must still count as no script,
    # not be hashed by the names it holds and handed to Python to run.
    project.script("dir.py/inner.py", COUNT)
    eng = engine(project, themes=("light",))
    out = eng.build(["dir.py"])
    assert out["dir.py", "light"].error.startswith("figure script figures/dir.py does not exist")
    assert eng.status("dir.py", "light") == (None, "the script does not exist")
    assert project.runs() == []


def test_scripts_run_in_parallel(project, tmp_path):
    # Each script waits for the other's flag: only a parallel run can finish both.
    for me, other in (("a", "b"), ("b", "a")):
        project.script(
            f"{me}.py",
            f"""\
import os, time
open(os.path.join({str(tmp_path)!r}, "{me}.flag"), "w").close()
deadline = time.time() + 20
while not os.path.exists(os.path.join({str(tmp_path)!r}, "{other}.flag")):
    if time.time() > deadline:
        raise SystemExit("never saw the other script running")
    time.sleep(0.05)
open("done.txt", "w").write("ok")
""",
        )
    out = engine(project, jobs=2, themes=("light",)).build(["a.py", "b.py"])
    assert {o.status for o in out.values()} == {"ran"}


def test_outputs_are_byte_identical_across_runs(project):
    project.script(
        "art.py",
        """\
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from figblog.plotting import fig_to_image, save_gif, save_png
fig, ax = plt.subplots(figsize=(2, 2))
(line,) = ax.plot([0, 1], [0, 1])
frames = []
for k in range(4):
    line.set_ydata([0, k])
    frames.append(fig_to_image(fig))
save_gif(frames, "anim.gif")
fig.savefig("plain.png")
save_png(fig, "saved.png")
""",
    )
    first = engine(project).build(["art.py"])
    blobs = {
        (t, n): (first["art.py", t].entry.out / n).read_bytes()
        for t in ("light", "dark")
        for n in ("anim.gif", "plain.png", "saved.png")
    }
    second = engine(project).build(["art.py"], force=True)
    for (t, n), data in blobs.items():
        assert (second["art.py", t].entry.out / n).read_bytes() == data
        if n.endswith(".png"):
            assert b"tEXt" not in data and b"iTXt" not in data and b"tIME" not in data


def test_kill_minus_9_mid_build_leaves_a_usable_cache(project):
    project.script("slow.py", PLOT + "import time\ntime.sleep(1.5)\n")
    project.script("quick.py", PLOT)
    cmd = [sys.executable, "-m", "figblog.cli", "build", "--jobs", "1"]
    proc = subprocess.Popen(
        cmd,
        cwd=project.root,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    deadline = time.time() + 60
    while len(project.runs()) < 2 and time.time() < deadline:
        time.sleep(0.05)  # kill while the build is in the middle of its runs
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done = project.cli("build")
    assert done.returncode == 0, done.stdout + done.stderr
    out = engine(project).build(["slow.py", "quick.py"])
    assert {o.status for o in out.values()} == {"cached"}
    for o in out.values():
        Image.open(o.entry.out / "plot.png").verify()


def test_two_builds_at_once_do_not_corrupt_the_cache(project):
    for name in ("a.py", "b.py", "c.py"):
        project.script(name, PLOT)
    cmd = [sys.executable, "-m", "figblog.cli", "build"]
    procs = [
        subprocess.Popen(cmd, cwd=project.root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        for _ in range(2)
    ]
    for p in procs:
        assert p.wait(timeout=120) == 0, p.stdout.read().decode()
    out = engine(project).build(["a.py", "b.py", "c.py"])
    assert {o.status for o in out.values()} == {"cached"}
    for o in out.values():
        Image.open(o.entry.out / "plot.png").verify()


def test_a_cache_entry_that_vanishes_before_its_text_is_read_is_an_error_box(project):
    # `rm -rf .cache/figblog` while a build runs: the page says so, no traceback.
    from figblog.engine.render import Renderer

    project.script("t.py", "open('a.md', 'w').write('hello')\n")
    e = engine(project)
    outcomes = e.build(["t.py"])
    assert outcomes["t.py", "light"].status == "ran"
    shutil.rmtree(project.root / ".cache" / "figblog")
    page = Renderer(e, outcomes, "assets/figures").render(
        "# P\n\nSays ![](figures/t.py#a.md).\n", "docs/p.md", "p.md"
    )
    assert "hello" not in page
    assert "cannot read a.md from the figure cache (No such file or directory)" in page
    assert "Build again" in page


def test_render_takes_the_references_it_is_given_unless_a_value_changed_the_text(project):
    # The plugin hands over the references it found when it scanned the page: no second scan.
    from figblog.engine.refs import scan
    from figblog.engine.render import Renderer

    project.script("t.py", "open('a.md', 'w').write('hello')\n")
    e = engine(project)
    outcomes = e.build(["t.py"])
    renderer = Renderer(e, outcomes, "assets/figures")
    text = "# P\n\nSays ![](figures/t.py#a.md).\n"
    refs, _ = scan(text, "docs/p.md")
    assert "hello" in renderer.render(text, "docs/p.md", "p.md", known=refs)
    assert renderer.render(text, "docs/p.md", "p.md", known=[]) == text  # trusted as given
    valued = text + "\n{{ t.py:n }}\n"  # a value changes the text: scanned again
    assert "hello" in renderer.render(valued, "docs/p.md", "p.md", known=[])


def test_a_cache_folder_outside_the_project_is_named_as_written(project):
    from figblog.engine.build import EngineError

    with pytest.raises(EngineError, match=r"cannot use '/dev/null/x' as the figure cache"):
        Engine(project.root, project.root / "figures", Path("/dev/null/x"))


def _output_stamps(project: Project) -> set[str]:
    """The entries whose stored outputs the stamps book remembers."""
    import json

    (book,) = (project.root / ".cache" / "figblog" / "stamps").glob("*.json")
    files = json.loads(book.read_text())["files"]
    return {Path(name).parent.parent.name for name in files if "/entries/" in name}


def _age_cache(project: Project) -> None:
    past = time.time() - 60  # as files are between two builds: stamps are kept for them
    for path in (project.root / ".cache" / "figblog" / "entries").rglob("*"):
        os.utime(path, (past, past))


def test_the_stamps_book_keeps_only_the_outputs_of_the_runs_in_use(project):
    project.script("a.py", PLOT)
    versions = []
    for n in (1, 2, 3):  # three versions, each built cold and then warm
        project.script("a.py", PLOT + f"# version {n}\n")
        assert {o.status for o in engine(project).build(["a.py"]).values()} == {"ran"}
        _age_cache(project)
        warm = engine(project).build(["a.py"])
        assert {o.status for o in warm.values()} == {"cached"}
        versions.append({o.entry.path.name for o in warm.values()})
        # Only the runs in use are remembered, not those kept for a revert.
        assert _output_stamps(project) == versions[-1]
    project.script("a.py", PLOT + "# version 1\n")  # a revert finds the old runs
    reverted = engine(project).build(["a.py"])
    assert {o.status for o in reverted.values()} == {"cached"}
    assert {o.entry.path.name for o in reverted.values()} == versions[0]


def test_a_run_that_wrote_nothing_shows_what_it_printed(project):
    project.script("quiet.py", "print('no data yet: skipping the plot')\nraise SystemExit(0)\n")
    out = engine(project, themes=("light",)).build(["quiet.py"])
    error = out["quiet.py", "light"].error
    assert "the script wrote no files" in error
    assert error.endswith("its output:\n    no data yet: skipping the plot"), error


def test_a_data_file_saved_while_its_reader_runs_makes_the_next_build_run_it_again(project):
    """Hashed when the run ends, the new text would key outputs made from the old one."""
    project.write("data/level.txt", "v1")
    project.script(
        "reader.py",
        COUNT
        + "from figblog.paths import data_file\n"
        + "path = data_file('level.txt')\n"
        + "seen = path.read_text()\n"
        + "if seen == 'v1':\n"
        + "    path.write_text('v2')  # the author saves while the run goes on\n"
        + "open('level.md', 'w').write(seen)\n",
    )
    messages: list[str] = []
    first = engine(project, log=messages.append).build(["reader.py"])
    assert "v1" in {(o.entry.out / "level.md").read_text() for o in first.values()}
    assert any("data/level.txt changed while it ran" in m for m in messages), messages
    second = engine(project).build(["reader.py"])
    stale = [key for key, o in first.items() if (o.entry.out / "level.md").read_text() == "v1"]
    for key in stale:  # each run that saw the old text runs again, and sees the new one
        assert second[key].status == "ran"
    assert {(o.entry.out / "level.md").read_text() for o in second.values()} == {"v2"}
    third = engine(project).build(["reader.py"])
    assert {o.status for o in third.values()} == {"cached"}


def test_a_failure_message_holds_no_control_bytes_from_what_the_script_printed(project):
    project.script(
        "noisy.py",
        "import sys\nsys.stdout.write('a\\x00b \\x1b[31mred\\x1b[0m\\n')\nraise ValueError('no')\n",
    )
    out = engine(project).build(["noisy.py"])
    error = out["noisy.py", "light"].error
    assert "ValueError: no" in error and "a\ufffdb red" in error, error
    assert not any(ord(c) < 32 and c not in "\n\t" for c in error), repr(error)
