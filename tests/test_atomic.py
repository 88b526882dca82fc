"""figblog.engine.atomic: a file is replaced whole or not at all, and leaves no temporary behind."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest

from figblog.engine.atomic import atomic_open, write_atomic


def test_the_target_holds_the_new_bytes_with_a_plain_files_mode(tmp_path):
    target = tmp_path / "out.bin"
    target.write_bytes(b"old bytes, longer than the new ones")
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    write_atomic(target, "caf\u00e9\n")  # text is written as UTF-8, newlines untouched
    assert target.read_bytes() == b"caf\xc3\xa9\n"
    with atomic_open(target) as fh:
        fh.write(b"streamed ")
        fh.write(b"in parts")
    assert target.read_bytes() == b"streamed in parts"
    # The mode a plain open() gives (0o666 less the umask), not mkstemp's 0o600.
    control = tmp_path / "control"
    control.write_bytes(b"")
    assert target.stat().st_mode == control.stat().st_mode
    assert sorted(os.listdir(tmp_path)) == ["control", "out.bin"]


def test_missing_folders_are_made_only_when_asked(tmp_path):
    target = tmp_path / "a" / "b" / "out.txt"
    with pytest.raises(FileNotFoundError):
        write_atomic(target, "x")
    assert not (tmp_path / "a").exists()
    write_atomic(target, "x", parents=True)
    assert target.read_text() == "x"


@pytest.mark.parametrize("error", [ValueError, KeyboardInterrupt])
def test_an_error_while_writing_leaves_the_old_file_and_no_temporary(tmp_path, error):
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")
    with pytest.raises(error), atomic_open(target) as fh:
        fh.write(b"half of the new")
        fh.flush()  # the partial bytes are on disk, in the temporary file
        assert len(os.listdir(tmp_path)) == 2
        raise error
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["out.bin"]


def test_a_failed_rename_leaves_no_temporary(tmp_path):
    target = tmp_path / "taken"
    (target / "inside").mkdir(parents=True)  # a folder cannot be replaced by a file
    with pytest.raises(IsADirectoryError):
        write_atomic(target, b"new")
    assert os.listdir(tmp_path) == ["taken"]
    assert os.listdir(target) == ["inside"]


_SIZE = 1 << 18  # 256 KiB: written in several system calls, so a torn file would show
_ROUNDS = 60


def _write_many(target: str, fill: bytes, start: multiprocessing.synchronize.Event) -> None:
    start.wait()
    for _ in range(_ROUNDS):
        write_atomic(Path(target), fill * _SIZE)


def test_two_processes_writing_one_file_leave_one_whole_version(tmp_path):
    target = tmp_path / "shared.bin"
    write_atomic(target, b"0" * _SIZE)
    ctx = multiprocessing.get_context("fork")
    start = ctx.Event()
    writers = [ctx.Process(target=_write_many, args=(str(target), b, start)) for b in (b"a", b"b")]
    for p in writers:
        p.start()
    start.set()
    # Read while they write: every read must be one writer's whole version.
    seen = set()
    while any(p.is_alive() for p in writers):
        data = target.read_bytes()
        assert len(data) == _SIZE and data == data[:1] * _SIZE, "a reader saw a torn file"
        seen.add(data[:1])
    for p in writers:
        p.join()
        assert p.exitcode == 0
    final = target.read_bytes()
    assert final in (b"a" * _SIZE, b"b" * _SIZE)
    assert seen & {b"a", b"b"}  # the reads did overlap the writes
    assert os.listdir(tmp_path) == ["shared.bin"]
