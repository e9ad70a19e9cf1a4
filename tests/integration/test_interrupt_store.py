"""Writers killed at the windows issue 17 added: the release log and its signature, the PDF cache's
digest, and a publish that replaces a tampered version folder (tests/faults.py, as in
test_interruptions.py, which covers the site, the PDF, publish's swap and the release folder).

At each pause point the command is killed with SIGKILL; then `charter verify` passes (a note may
say what the next run finishes), what a reader finds is whole, and the next run succeeds and leaves
the store verified with every version in the release log.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import run
from faults import CHARTER, pause_at

pytestmark = pytest.mark.slow

RELEASE = ["release", "1.2.0", "--date", "2026-03-05"]
PASSPHRASE = "une phrase secrète assez longue"


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def logged(root: Path) -> list[str]:
    """The versions release-log.yml lists, in order."""
    return [line.split("'")[1] for line in (root / "release-log.yml").read_text().splitlines() if line.startswith("- ")]


def verify_ok(profile: Path) -> str:
    done = subprocess.run([*CHARTER, "verify", "-p", str(profile)], capture_output=True, text=True, timeout=600,
                          env={**os.environ, "LANGUAGE": "en"})
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


#: pause point -> (release folder written?, entries the log holds after the kill)
RELEASE_POINTS = {
    "release:before-rename": (False, ["1.0.0", "1.1.0"]),
    "release:after-rename": (True, ["1.0.0", "1.1.0"]),
    "atomic-write:before-rename@release-log.yml": (True, ["1.0.0", "1.1.0"]),
    "atomic-write:after-rename@release-log.yml": (True, ["1.0.0", "1.1.0", "1.2.0"]),
}


@pytest.mark.parametrize("point", RELEASE_POINTS)
def test_a_release_killed_around_its_log_entry_verifies_and_the_next_release_completes_the_log(store, tmp_path, point):
    written, entries = RELEASE_POINTS[point]
    root = store.parent
    store.write_text(store.read_text().replace("Mastodon", "Bluesky"))
    paused = pause_at([RELEASE[0], "-p", store, *RELEASE[1:]], point, tmp_path, marker=store)
    paused.kill()
    assert (root / "releases" / "1.2.0").is_dir() == written
    assert logged(root) == entries
    output = verify_ok(store)
    if written and "1.2.0" not in entries:
        assert "1.2.0 is not in release-log.yml yet" in output  # what the next release finishes
    store.write_text(store.read_text().replace("Bluesky", "Threads"))
    version = "1.2.0" if not written else "1.3.0"
    result = run("release", version, "-p", store, "--date", "2026-03-06")
    assert result.exit_code == 0, result.output
    assert logged(root) == ["1.0.0", "1.1.0", "1.2.0", *(["1.3.0"] if written else [])]
    assert "not in release-log.yml" not in verify_ok(store)


@pytest.fixture
def keyed(mini, monkeypatch):
    """A mini project with a company key, release 1.0.0 signed (and its log)."""
    monkeypatch.setenv("CHARTER_KEY_PASSPHRASE", PASSPHRASE)
    profile = mini()
    assert run("keys", "init", "-p", profile).exit_code == 0
    assert run("release", "1.0.0", "-p", profile, "--date", "2026-12-01", "--force").exit_code == 0
    return profile


@pytest.mark.parametrize("point", ["atomic-write:before-rename@release-log.yml.p7s",
                                   "atomic-write:after-rename@release-log.yml"])
def test_a_signed_release_killed_before_it_signs_its_log_verifies_with_a_note(keyed, tmp_path, point):
    root = keyed.parent
    keyed.write_text(keyed.read_text().replace("LinkedIn", "Mastodon"))
    args = ["release", "1.1.0", "-p", keyed, "--date", "2026-12-02", "--force"]
    paused = pause_at(args, point, tmp_path, marker=keyed)
    paused.kill()
    assert logged(root) == ["1.0.0", "1.1.0"]
    assert "signs release-log.yml as it was before its last entry (1.1.0)" in verify_ok(keyed)
    keyed.write_text(keyed.read_text().replace("Mastodon", "Threads"))
    result = run("release", "1.2.0", "-p", keyed, "--date", "2026-12-03", "--force")
    assert result.exit_code == 0, result.output
    output = verify_ok(keyed)
    assert "before its last entry" not in output and "3 of 3 releases verified" in output


#: The PDF cache: (point, what the next build finds in the cache).
CACHE_POINTS = ["atomic-write:before-rename@pdf.sha256", "atomic-write:after-rename@pdf.sha256"]


@pytest.mark.parametrize("point", CACHE_POINTS)
def test_a_build_killed_around_the_cache_digest_never_publishes_a_mismatched_cache(project, tmp_path, point):
    profile = project()
    assert run("build", "-p", profile, "--no-site").exit_code == 0
    out = profile.parent / "build"
    pdf = next(p for p in out.glob("*.pdf") if "guide" not in p.name)
    profile.write_text(profile.read_text().replace("Acme SAS", "Acme Groupe SAS"))
    paused = pause_at(["build", "-p", profile, "--no-site"], point, tmp_path, marker=profile)
    paused.kill()
    reference = tmp_path / "reference"
    assert run("build", "-p", profile, "--no-site", "--out", reference).exit_code == 0
    expected = next(p for p in reference.glob("*.pdf") if "guide" not in p.name).read_bytes()
    result = run("build", "-p", profile, "--no-site")
    assert result.exit_code == 0, result.output
    assert pdf.read_bytes() == expected
    if point.startswith("atomic-write:before-rename"):
        assert "from cache" not in result.output  # the PDF was written, its digest was not: rendered again


@pytest.mark.parametrize("point", ["publish:before-rename", "publish:after-rename"])
def test_a_publish_replacing_a_tampered_folder_killed_at_its_swap_never_serves_a_mix(store, tmp_path, point):
    assert run("publish", "-p", store, "--on", "2026-03-01").exit_code == 0
    public = store.parent / "public"
    genuine = files(public)
    page = public / "1.0.0" / "contacts" / "index.html"
    page.write_bytes(page.read_bytes().replace(b"</article>", b"<p>Ajout</p></article>"))
    tampered = files(public)
    paused = pause_at(["publish", "-p", store, "--on", "2026-03-01"], point, tmp_path, marker=store)
    paused.kill()
    assert files(public) == (tampered if point.endswith("before-rename") else genuine)
    result = run("publish", "-p", store, "--on", "2026-03-01")
    assert result.exit_code == 0, result.output
    assert files(public) == genuine
    assert not [p for p in store.parent.iterdir() if p.name.startswith(".public.")]


def test_the_release_log_is_never_half_written(store, tmp_path):
    """Killed with the log's temporary file written but not renamed: the old log is whole, the
    temporary one is swept by the next writer."""
    root = store.parent
    before = (root / "release-log.yml").read_bytes()
    store.write_text(store.read_text().replace("Mastodon", "Bluesky"))
    paused = pause_at([RELEASE[0], "-p", store, *RELEASE[1:]], "atomic-write:before-rename@release-log.yml",
                      tmp_path, marker=store)
    paused.kill()
    assert (root / "release-log.yml").read_bytes() == before
    leftovers = [p.name for p in root.glob(".release-log.yml.*.tmp")]
    assert len(leftovers) == 1, leftovers
    store.write_text(store.read_text().replace("Bluesky", "Threads"))
    assert run("release", "1.3.0", "-p", store, "--date", "2026-03-06").exit_code == 0
    assert not list(root.glob(".release-log.yml.*.tmp"))
    assert logged(root) == ["1.0.0", "1.1.0", "1.2.0", "1.3.0"]
