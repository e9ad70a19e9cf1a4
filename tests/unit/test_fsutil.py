"""Atomic outputs: readable permissions, nothing left behind on failure."""

from __future__ import annotations

import os
import subprocess
import stat

import pytest

from charter_kit.fsutil import atomic_dir, atomic_write, pause_point, sweep


def test_written_files_and_folders_are_readable_by_others(tmp_path):
    old = os.umask(0o022)
    try:
        atomic_write(tmp_path / "a.txt", "x")
        with atomic_dir(tmp_path / "site") as tmp:
            (tmp / "index.html").write_text("ok")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.txt").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "site").stat().st_mode) == 0o755


def test_a_failure_keeps_the_previous_output(tmp_path):
    atomic_write(tmp_path / "site" / "index.html", "old")
    with pytest.raises(RuntimeError):
        with atomic_dir(tmp_path / "site") as tmp:
            (tmp / "index.html").write_text("new")
            raise RuntimeError("interrupted")
    assert (tmp_path / "site" / "index.html").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_leftovers_of_a_killed_writer_are_swept_by_the_next_run(tmp_path):
    import subprocess

    dead = subprocess.Popen(["true"])
    dead.wait()
    stale_dir = tmp_path / f".site.{dead.pid}.abc.tmp"
    stale_dir.mkdir()
    stale_file = tmp_path / f".a.txt.{dead.pid}.xyz.tmp"
    stale_file.write_text("half")
    mine = tmp_path / f".site.{os.getpid()}.live.tmp"  # a running writer's folder is left alone
    mine.mkdir()
    with atomic_dir(tmp_path / "site") as tmp:
        (tmp / "index.html").write_text("ok")
    atomic_write(tmp_path / "a.txt", "whole")
    assert not stale_dir.exists() and not stale_file.exists() and mine.exists()


def _dead_pid() -> int:
    import subprocess

    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def test_a_folder_moved_aside_by_a_writer_killed_between_its_renames_is_put_back(tmp_path):
    dead = _dead_pid()
    old = tmp_path / f".site.{dead}.old.tmp"
    (old / "index.html").parent.mkdir(parents=True)
    (old / "index.html").write_text("old")
    new = tmp_path / f".site.{dead}.k2j4.tmp"  # the new folder, complete but never renamed
    new.mkdir()
    (new / "index.html").write_text("new")
    sweep(tmp_path / "site")
    assert (tmp_path / "site" / "index.html").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_the_two_rename_fallback_replaces_a_folder_whole(tmp_path, monkeypatch):
    import charter_kit.fsutil as fsutil

    monkeypatch.setattr(fsutil, "_exchange", lambda a, b: False)
    with atomic_dir(tmp_path / "site") as tmp:
        (tmp / "index.html").write_text("old")
    with atomic_dir(tmp_path / "site") as tmp:
        (tmp / "index.html").write_text("new")
    assert (tmp_path / "site" / "index.html").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_pause_points_do_nothing_unless_named(tmp_path, monkeypatch):
    report = tmp_path / "pause.log"
    monkeypatch.delenv("CHARTER_KIT_PAUSE", raising=False)
    monkeypatch.setenv("CHARTER_KIT_PAUSE_FILE", str(report))
    pause_point("atomic-write:before-rename", tmp_path / "a.txt")
    monkeypatch.setenv("CHARTER_KIT_PAUSE", "release:before-rename, atomic-write:before-rename@b.txt")
    atomic_write(tmp_path / "a.txt", "x")  # another file than the one named: no pause
    assert not report.exists()


def test_a_pause_point_reports_itself_and_waits_for_go(tmp_path, monkeypatch):
    import threading

    report = tmp_path / "pause.log"
    monkeypatch.setenv("CHARTER_KIT_PAUSE", "release:before-rename,atomic-write:before-rename@b.txt")
    monkeypatch.setenv("CHARTER_KIT_PAUSE_FILE", str(report))
    writer = threading.Thread(target=atomic_write, args=(tmp_path / "b.txt", "whole"), daemon=True)
    writer.start()
    while not (report.exists() and report.read_text().endswith("\n")):
        assert writer.is_alive()
        writer.join(0.02)
    assert report.read_text() == f"atomic-write:before-rename\t{os.getpid()}\t{tmp_path / 'b.txt'}\n"
    assert writer.is_alive() and not (tmp_path / "b.txt").exists()  # stopped just before the rename
    (tmp_path / "pause.log.go").touch()
    writer.join(600)  # a hang guard
    assert not writer.is_alive() and (tmp_path / "b.txt").read_text() == "whole"


def test_new_dir_never_replaces_and_sweeps_what_a_killed_writer_left(tmp_path):
    from charter_kit.fsutil import new_dir

    target = tmp_path / "releases" / "1.2.0"
    target.parent.mkdir()
    dead = subprocess.Popen(["true"])
    dead.wait()
    leftover = target.parent / f".1.2.0.{dead.pid}.abcd.tmp"  # what a release killed mid-write leaves
    leftover.mkdir()
    with new_dir(target) as tmp:
        (tmp / "charter.json").write_text("{}")
    assert not leftover.exists() and (target / "charter.json").read_text() == "{}"
    with pytest.raises(FileExistsError):
        with new_dir(target) as tmp:
            (tmp / "charter.json").write_text("autre")
    assert (target / "charter.json").read_text() == "{}"
    assert [p.name for p in target.parent.iterdir()] == ["1.2.0"]
