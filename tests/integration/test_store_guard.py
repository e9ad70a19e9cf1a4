"""The release store is a guarded place: one writer at a time, and no command but release writes in it."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from charter_kit.store.releases import writer_lock
from conftest import LISTED_EXAMPLE, assert_user_error, run


@pytest.fixture
def listed(tmp_path):
    """A private copy of the listed example (three committed releases)."""
    root = tmp_path / "horizon"
    shutil.copytree(LISTED_EXAMPLE, root, ignore=shutil.ignore_patterns("build", "public"))
    return root


def _tree(root):
    return sorted((p.relative_to(root).as_posix(), p.read_bytes()) for p in (root / "releases").rglob("*") if p.is_file())


@pytest.mark.parametrize("args", [
    ("render", "--format", "json", "-o", "releases/2.0.0/charter.json"),
    ("render", "--format", "md", "-o", "releases/notes.md"),
    ("build", "--out", "releases/2.0.0"),
    ("build", "--out", "releases"),
    ("publish", "--out", "releases/public"),
    ("diff", "1.0.0", "2.0.0", "--format", "html", "-o", "releases/1.1.0/diff.html"),
])
def test_no_command_but_release_writes_into_the_store(listed, monkeypatch, args):
    monkeypatch.chdir(listed)
    before = _tree(listed)
    result = run(*args, "-p", listed / "charter.yml")
    assert_user_error(result, "inside the release store")
    assert _tree(listed) == before


def test_a_second_release_is_refused_while_one_is_written(listed):
    before = _tree(listed)
    with writer_lock(listed):
        # Another process, as a second HR person would start it.
        done = subprocess.run([sys.executable, "-m", "charter_kit", "release", "3.0.0", "-p", str(listed / "charter.yml"),
                               "--date", "2027-08-01", "--effective", "2027-10-15", "--approved-by", "Jeanne Roy, DRH"],
                              capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "another `charter release` is writing" in done.stderr and "Traceback" not in done.stderr
    assert _tree(listed) == before


def test_the_lock_dies_with_its_holder(listed):
    """A release killed while holding the store leaves it free: the kernel releases flock."""
    holder = subprocess.Popen([sys.executable, "-c",
                               "import sys, time; from pathlib import Path;"
                               "from charter_kit.store.releases import writer_lock\n"
                               f"with writer_lock(Path({str(listed)!r})):\n print('held', flush=True); time.sleep(60)"],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    holder.kill()
    holder.wait()
    with writer_lock(listed):
        pass
