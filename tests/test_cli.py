"""`figblog build | list | clean | run` on a small project."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

from conftest import PLOT, _env
from figblog.cli import main
from figblog.engine.build import Engine


def test_build_list_and_clean(project):
    project.write("lib/shared.py", "A = 1\n")
    project.script("a.py", PLOT + "import shared\n")
    project.script("b.py", PLOT)
    project.script("_helper.py", "raise SystemExit('helpers are not figure scripts')\n")

    listing = project.cli("list").stdout
    assert "figures/a.py\n  light  stale   (never built)" in listing
    assert "_helper" not in listing

    built = project.cli("build", "--jobs", "2")
    assert built.returncode == 0, built.stderr
    assert "figblog: 4 ran, 0 cached, 0 failed" in built.stdout

    project.write("lib/shared.py", "A = 2\n")
    listing = project.cli("list").stdout
    assert "figures/a.py\n  light  stale   (lib/shared.py changed)" in listing
    assert "figures/b.py\n  light  cached  plot.png" in listing

    only = project.cli("build", "--only", "a.py")
    assert "figblog: 2 ran, 0 cached, 0 failed" in only.stdout
    forced = project.cli("build", "--force", "--only", "figures/b.py")
    assert "figblog: 2 ran, 0 cached, 0 failed" in forced.stdout

    cleaned = project.cli("clean")
    # a.py's first runs are kept beside its new ones (a revert finds them); --force replaced
    # b.py's: 2 + 2 + 2
    assert "figblog: removed 6 cached runs" in cleaned.stdout
    assert "stale   (never built)" in project.cli("list").stdout


def test_build_failure_exits_non_zero_with_the_error(project):
    project.script("bad.py", "1 / 0\n")
    done = project.cli("build")
    assert done.returncode == 1
    assert "figure script figures/bad.py failed at line 1: ZeroDivisionError" in done.stderr


def test_unknown_script_is_a_clear_error(project):
    project.script("lr_sweep.py", PLOT)
    done = project.cli("build", "--only", "nope.py")
    assert done.returncode != 0
    assert done.stderr.strip() == "figblog: nope.py is not a figure script in figures/"
    done = project.cli("build", "--only", "figures/lr_sweeep.py")
    assert done.stderr.strip() == (
        "figblog: figures/lr_sweeep.py is not a figure script in figures/; "
        "did you mean figures/lr_sweep.py?"
    )


# Eleven lines: counts its run, draws plot.png, writes its theme into theme.txt.
THEMED = (
    PLOT
    + """\
import os
open("theme.txt", "w").write(os.environ["FIGBLOG_THEME"])
"""
)


def _run(project, *args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "figblog.cli", "run", *args],
        cwd=cwd or project.root,
        capture_output=True,
        text=True,
        timeout=300,
        env=_env(project),
    )


def test_run_writes_each_themes_outputs_as_the_build_would(project):
    project.script("themed.py", THEMED)
    for theme in ("light", "dark"):
        done = _run(project, "figures/themed.py", "--theme", theme)
        assert done.returncode == 0, done.stderr
        out = project.root / "figblog-run" / "themed" / theme
        assert (out / "theme.txt").read_text() == theme
        assert f"figblog: figures/themed.py [{theme}] ran in " in done.stdout
        assert f"wrote into figblog-run/themed/{theme}/" in done.stdout
        png = (out / "plot.png").stat().st_size
        assert re.search(rf"plot\.png\s+{png / 1000:.1f} kB", done.stdout), done.stdout
        assert re.search(r"theme\.txt\s+(4|5) B", done.stdout), done.stdout
    assert (project.root / "figblog-run" / "themed" / "light" / "theme.txt").read_text() == "light"
    assert project.runs() == ["themed.py:light", "themed.py:dark"]
    # The cache is untouched: the build still has everything to do.
    assert not (project.root / ".cache" / "figblog").exists()
    assert "stale   (never built)" in project.cli("list").stdout

    # Byte for byte what the build caches (PNG text chunks stripped alike).
    engine = Engine(project.root, project.root / "figures", project.root / ".cache" / "figblog")
    outcomes = engine.build(["themed.py"])
    for theme in ("light", "dark"):
        cached = outcomes["themed.py", theme].entry.out / "plot.png"
        ran = project.root / "figblog-run" / "themed" / theme / "plot.png"
        assert cached.read_bytes() == ran.read_bytes()


def test_run_from_another_folder_with_an_out_folder_finds_the_site(project, tmp_path):
    project.write("data/n.txt", "5\n")
    project.script(
        "uses_data.py",
        "from figblog.paths import data_file\n"
        "n = int(open(data_file('n.txt')).read())\n"
        "print('read', n)\n"
        "open('n.md', 'w').write(str(n * 2))\n",
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("mine")
    done = _run(
        project, str(project.root / "figures" / "uses_data.py"), "--out", "o", cwd=elsewhere
    )
    assert done.returncode == 0, done.stderr
    assert (elsewhere / "o" / "n.md").read_text() == "10"
    assert "  | read 5" in done.stdout  # the script's own output is shown as it runs
    assert "wrote into o/" in done.stdout


def test_run_of_a_failing_script_gives_the_builds_message_and_status_1(project):
    project.script("boom.py", THEMED + "raise RuntimeError('BOOM')\n")
    done = _run(project, "figures/boom.py")
    assert done.returncode == 1
    first = done.stderr.splitlines()[0]
    assert first == "[light] figure script figures/boom.py failed at line 12: RuntimeError: BOOM"
    assert 'boom.py", line 12' in done.stderr  # the frames follow
    built = project.cli("build", "--only", "boom.py")
    # Word for word what the build reports, which fails alike in both themes and says so once.
    assert "[light, dark] " + done.stderr.strip().removeprefix("[light] ") in built.stderr
    assert not (project.root / "figblog-run" / "boom" / "light").exists()


def test_a_failed_run_leaves_no_file_of_an_earlier_run_to_mistake_for_its_own(project):
    project.script("flaky.py", THEMED)
    assert _run(project, "figures/flaky.py").returncode == 0
    out = project.root / "figblog-run" / "flaky" / "light"
    assert (out / "plot.png").is_file()
    project.script("flaky.py", THEMED + "1 / 0\n")
    assert _run(project, "figures/flaky.py").returncode == 1
    assert not out.exists()


WIDE = """\
import matplotlib.pyplot as plt
fig, ax = plt.subplots(figsize=(14, 3))
ax.set_title("tiny", fontsize=4)
fig.savefig("wide.png", dpi=100)
if NARROW:
    fig.set_size_inches(3, 3)
    fig.savefig("wide.narrow.png", dpi=100)
"""


def test_run_warns_of_text_too_small_for_phones_as_the_build_would(project):
    project.script("wide.py", WIDE.replace("NARROW", "False"))
    done = _run(project, "figures/wide.py")
    assert done.returncode == 0, done.stderr
    assert (
        "figblog: warning: the figure wide.png from figures/wide.py shows its smallest text "
        "('tiny') at 1.3 px on a 360 px wide phone, under the 5 px the plugin's 'min_text_px'"
    ) in done.stderr
    assert "draw a narrow layout 'wide.narrow.png'" in done.stderr
    project.script("wide.py", WIDE.replace("NARROW", "True"))  # phones get 300 px: 5.6 px
    done = _run(project, "figures/wide.py")
    assert done.returncode == 0 and "warning" not in done.stderr, done.stderr


def test_run_shows_paths_relative_to_the_project_as_the_build_does(project):
    project.script(
        "warns.py",
        "import warnings\n"
        "warnings.warn('careful')\n"
        "from figblog.paths import data_file\n"
        "data_file('runs.csv')\n",
    )
    project.write("data/other.csv", "1\n")
    done = _run(project, "figures/warns.py")
    assert done.returncode == 1
    assert "  | figures/warns.py:2: UserWarning: careful" in done.stdout
    assert "no file data/runs.csv in the project;" in done.stderr
    assert "    figures/warns.py:2: UserWarning: careful" in done.stderr  # its output, again
    assert str(project.root) not in done.stdout + done.stderr


def test_a_long_run_says_it_still_runs_on_a_line_of_its_own(
    project, short_heartbeat, monkeypatch, capsys
):
    monkeypatch.chdir(project.root)  # run in this process: the short heartbeat holds here
    # A line the script leaves open while it sleeps: the heartbeat must not land inside it.
    project.script(
        "nap.py",
        "import time\nprint('step one', end='', flush=True)\ntime.sleep(1.2)\n"
        "print(' done')\nopen('n.md', 'w').write('ok')\n",
    )
    assert main(["run", "figures/nap.py", "--out", "out"]) == 0
    lines = capsys.readouterr().out.splitlines()
    beats = [line for line in lines if "still running" in line]
    expected = [f"figures/nap.py [light] still running ({0.3 + 0.6 * i:g} s)" for i in range(6)]
    assert len(beats) >= 2 and beats == expected[: len(beats)], lines
    assert "  | step one done" in lines, lines
    assert lines.index(beats[-1]) < lines.index("  | step one done"), lines


def test_run_rejects_what_is_not_a_script_and_a_script_that_writes_nothing(project):
    done = _run(project, "figures/missing.py")
    assert (
        done.returncode != 0 and done.stderr.strip() == "figblog: figures/missing.py does not exist"
    )
    project.script("lr_sweep.py", PLOT)
    done = _run(project, "figures/lr_sweeep.py")
    assert done.stderr.strip() == (
        "figblog: figures/lr_sweeep.py does not exist; did you mean figures/lr_sweep.py?"
    )
    done = _run(project, "lr_sweep.py")  # from the project's root, without the folder
    assert done.stderr.strip() == (
        "figblog: lr_sweep.py does not exist; did you mean figures/lr_sweep.py?"
    )
    done = _run(project, "mkdocs.yml")
    assert done.returncode != 0 and "figblog: mkdocs.yml is not a Python file" in done.stderr
    project.script("quiet.py", "x = 1\n")
    done = _run(project, "figures/quiet.py", "--theme", "dark")
    assert done.returncode == 1
    assert "figure script figures/quiet.py [dark]: the script wrote no files" in done.stderr
    project.script("moved.py", "import os\nos.chdir('/')\n")
    done = _run(project, "figures/moved.py", "--theme", "light")
    assert done.returncode == 1
    assert "It changed folder (os.chdir) to //; only what it writes into the" not in done.stderr
    assert "It changed folder (os.chdir) to /; only what it writes into the folder" in done.stderr


def test_bad_input_gets_one_line_not_a_traceback(project):
    project.script("a.py", "open('x.md', 'w').write('x')\n")
    for args in (["build", "--only", "mkdocs.yml"], ["build", "--jobs", "-1"]):
        done = project.cli(*args)
        assert done.returncode != 0
        assert "Traceback" not in done.stderr, done.stderr
    project.write("mkdocs.yml", "site_name: t\nplugins:\n  - figblog:\n      timeout: '10'\n")
    done = project.cli("build")
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "timeout" in done.stderr and "'10'" in done.stderr
    project.write("mkdocs.yml", "site_name: t\nplugins:\n  - figblog\n")
    shutil.rmtree(project.root / ".cache", ignore_errors=True)
    (project.root / ".cache").mkdir()
    (project.root / ".cache" / "figblog").write_text("a file where the cache should be")
    for done in (project.cli("build"), project.mkdocs()):
        assert done.returncode != 0
        assert "Traceback" not in done.stderr, done.stderr
        assert "cannot use '.cache/figblog' as the figure cache" in done.stderr


def test_list_into_a_closed_pipe_ends_quietly(project):
    for i in range(40):
        project.script(f"s{i}.py", "open('x.md', 'w').write('x')\n")
    done = subprocess.run(
        f"{sys.executable} -m figblog.cli list | head -1",
        shell=True,
        cwd=project.root,
        capture_output=True,
        text=True,
        env=_env(project),
    )
    assert done.stdout.strip() == "figures/s0.py"
    assert done.stderr == ""


def test_clean_during_a_build_gives_a_message_not_a_traceback(project):
    project.script(
        "slow.py",
        "import os, time\nopen(os.environ['FIGBLOG_TEST_COUNTER'], 'a').write('run\\n')\n"
        "time.sleep(3)\nopen('x.md', 'w').write('x')\n",
    )
    build = project.start_build()
    project.wait_for_runs(2)
    cleaned = project.cli("clean")
    assert cleaned.returncode == 0, cleaned.stderr
    stdout, stderr = build.communicate(timeout=60)
    assert "Traceback" not in stdout + stderr, stdout + stderr
    assert build.returncode == 1
    assert "its working folder vanished while it ran" in stderr
    again = project.cli("build")  # and the cache works again afterwards
    assert again.returncode == 0, again.stderr


def test_run_and_build_refuse_bad_options_before_any_script_runs(project):
    project.script("themed.py", THEMED)
    for setting, said in (
        ('timeout: "abc"', "'timeout' must be a positive number of seconds, not 'abc'"),
        ("timeout: -5", "'timeout' must be a positive number of seconds, not -5"),
        ("timeout: .nan", "'timeout' must be a positive number of seconds, not nan"),
        ("timeout: .inf", "'timeout' must be a positive number of seconds, not inf"),
        ('max_output_mb: "x"', "'max_output_mb' must be 0 (no limit) or a positive number"),
        ("min_text_px: .nan", "'min_text_px' must be 0 (no check) or a positive number"),
    ):
        project.write("mkdocs.yml", f"site_name: t\nplugins:\n  - figblog:\n      {setting}\n")
        for done in (_run(project, "figures/themed.py"), project.cli("build")):
            assert done.returncode != 0, setting
            assert "Traceback" not in done.stderr, done.stderr
            assert done.stderr.strip().startswith("figblog: mkdocs.yml:4: "), done.stderr
            assert said in done.stderr, done.stderr
    assert project.runs() == []  # refused before running, not after


def test_run_into_an_unusable_out_is_one_line_and_leaves_nothing_half_written(project, tmp_path):
    project.script(
        "two.py",
        "from PIL import Image\nopen('a.md', 'w').write('a')\nImage.new('L', (2, 2)).save('ok.png')\n",
    )
    a_file = tmp_path / "a-file"
    a_file.write_text("mine")
    for out in (a_file, a_file / "below"):
        done = _run(project, "figures/two.py", "--out", str(out))
        assert done.returncode != 0 and "Traceback" not in done.stderr, done.stderr
        assert done.stderr.strip() == (
            f"figblog: cannot write into {out}/: {a_file} is a file, not a folder"
        )
    assert a_file.read_text() == "mine" and project.runs() == []

    taken = tmp_path / "taken"
    (taken / "ok.png").mkdir(parents=True)
    done = _run(project, "figures/two.py", "--out", str(taken))
    assert done.returncode != 0 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.strip() == f"figblog: cannot write {taken}/ok.png: a folder has that name"
    assert sorted(p.name for p in taken.iterdir()) == ["ok.png"]  # a.md was not copied alone
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "proj", "taken"]

    done = _run(project, "figures/two.py", "--out", str(tmp_path / "new" / "deep"))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "new" / "deep" / "a.md").read_text() == "a"
    assert sorted(p.name for p in (tmp_path / "new").iterdir()) == ["deep"]  # no stage left


def test_run_refuses_a_picture_that_is_not_one_as_the_build_does(project):
    project.script("fake.py", "open('a.png', 'w').write('hello')\n")
    done = _run(project, "figures/fake.py")
    assert done.returncode == 1
    assert "'a.png', which is not a readable PNG image" in done.stderr
    assert "Traceback" not in done.stderr


def test_build_failure_names_the_pages_that_show_the_script(project):
    project.script("bad.py", "1 / 0\n")
    project.script("good.py", PLOT)
    project.write(
        "docs/post.md",
        "---\ntitle: A post\n---\n\n# Post\n\n![Broken](figures/bad.py)\n\n"
        "It is {{ bad.py:x }} and ![Fine](figures/good.py)\n",
    )
    project.write("docs/other.md", "```\n![Not a reference](figures/bad.py)\n```\n")
    done = project.cli("build")
    assert done.returncode == 1
    assert "failed at line 1: ZeroDivisionError" in done.stderr
    assert "\n  shown on docs/post.md:7, docs/post.md:9\n" in done.stderr + "\n"
    assert "other.md" not in done.stderr
    assert done.stderr.count("shown on") == 1  # once for both themes; good.py did not fail


def test_a_config_file_that_is_not_there_is_named_and_jobs_0_means_one_per_cpu(project):
    project.script("a.py", "open('x.md', 'w').write('x')\n")
    for args, said in (
        (["-f", "nope.yml", "list"], "figblog: nope.yml does not exist"),
        (["-f", "docs", "build"], "figblog: docs is a folder, not a config file"),
        (["-f", "nope.yml", "run", "figures/a.py"], "figblog: nope.yml does not exist"),
    ):
        (project.root / "docs").mkdir(exist_ok=True)
        done = project.cli(*args)
        assert done.returncode != 0 and said in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
    done = project.cli("build", "--jobs", "0")
    assert done.returncode == 0, done.stderr
