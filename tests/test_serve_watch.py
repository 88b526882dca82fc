"""MkDocs' poller on a real LiveReloadServer: a file in a state already handled wakes nothing."""

from __future__ import annotations

import time
from pathlib import Path

from mkdocs.livereload import LiveReloadServer

from figblog.engine.sitepatch import outside_snapshots, snapshot, state_of
from figblog.serve_watch import drop_seen_events


def _server(folder: Path) -> LiveReloadServer:
    server = LiveReloadServer(
        builder=lambda: None, host="127.0.0.1", port=0, root=str(folder), polling_interval=0.1
    )
    server.watch(str(folder))
    return server


def _woken(server: LiveReloadServer) -> bool:
    with server._rebuild_cond:
        woken = server._want_rebuild
        server._want_rebuild = False
    return woken


def test_the_poller_stays_quiet_about_files_as_the_builder_saw_them(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    handled = folder / "handled.md"
    handled.write_text("old\n")
    server = _server(folder)
    seen = {}  # what "the builder" has handled: path -> (mtime, size)
    assert drop_seen_events(server, lambda p: outside_snapshots(p) or seen.get(p) == state_of(p))
    server.observer.start()
    try:
        time.sleep(0.3)  # the poller's first snapshot
        handled.write_text("new text\n")
        seen.update(snapshot([folder]))  # the builder got there first
        (folder / "__pycache__").mkdir()
        (folder / "__pycache__" / "m.cpython-311.pyc").write_bytes(b"x")
        time.sleep(0.5)
        assert not _woken(server)

        handled.write_text("newer text, not handled yet\n")  # a later save still wakes it
        time.sleep(0.5)
        assert _woken(server)

        (folder / "other.md").write_text("x\n")  # so does a new file nobody handled
        time.sleep(0.5)
        assert _woken(server)

        seen.update(snapshot([folder]))
        (folder / "other.md").unlink()  # and a deletion
        time.sleep(0.5)
        assert _woken(server)
    finally:
        server.observer.stop()
        server.observer.join()


def test_nothing_is_changed_on_a_server_without_mkdocs_fields(tmp_path):
    class Bare:
        observer = None

    assert drop_seen_events(Bare(), lambda p: True) is False
