"""Atomic outputs: readable permissions, nothing left behind on failure."""

from __future__ import annotations

import os
import stat

import pytest

from charter_kit.fsutil import atomic_dir, atomic_write


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
