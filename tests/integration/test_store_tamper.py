"""`charter verify` reports everything it cannot vouch for, and `publish` never serves what it did not write (issue 17).

Each case tampers with a copy of a store holding releases 1.0.0 and 1.1.0 (and the release log
beside charter.yml), then runs the real CLI: verify exits 1 naming the file or the version at fault,
or exits 0 with a note for the states a killed writer leaves. Parse bombs, deep nesting and FIFOs run
in a child process under a timeout: a hang guard, not a speed target.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from charter_kit.model.release import sha256
from conftest import assert_user_error, run

CHARTER = [sys.executable, "-m", "charter_kit"]
#: How long a verify may take before the test calls it a hang (a guard, never a speed target).
HANG = 300


def reseal(release_yml: Path, text: str) -> None:
    """Write release.yml with a correct seal, as someone who recomputes every digest would."""
    body = text[: text.index("seal: ")]
    release_yml.write_text(body + f"seal: {sha256(body.encode('utf-8'))}\n", encoding="utf-8")


def reseal_with_charter(folder: Path, blob: bytes) -> None:
    """Replace charter.json and rewrite release.yml's digests and seal to match it."""
    old = sha256((folder / "charter.json").read_bytes())
    (folder / "charter.json").write_bytes(blob)
    reseal(folder / "release.yml", (folder / "release.yml").read_text().replace(old, sha256(blob)))


def verify(profile: Path):
    """`charter verify` in a child process (a hang would stop at HANG seconds and fail)."""
    done = subprocess.run([*CHARTER, "verify", "-p", str(profile)], capture_output=True, text=True, timeout=HANG,
                          env={**os.environ, "LANG": "C.UTF-8", "LANGUAGE": "en"})
    return done.returncode, done.stdout + done.stderr


def failed(profile: Path, *fragments: str) -> str:
    """verify exits 1, cleanly, and says every fragment."""
    code, output = verify(profile)
    assert code == 1, output
    assert "Traceback" not in output and "internal error" not in output, output
    for fragment in fragments:
        assert fragment in output, f"{fragment!r} not in:\n{output}"
    return output


def passed(profile: Path, *fragments: str) -> str:
    code, output = verify(profile)
    assert code == 0, output
    for fragment in fragments:
        assert fragment in output, f"{fragment!r} not in:\n{output}"
    return output


def releases(profile: Path) -> Path:
    return profile.parent / "releases"


# -- the store as it is written ----------------------------------------------------------------------
def test_the_release_log_records_every_release_chained(store):
    log = (store.parent / "release-log.yml").read_text()
    assert "version: '1.0.0'" in log and "version: '1.1.0'" in log
    release_yml = (releases(store) / "1.1.0" / "release.yml").read_bytes()
    assert sha256(release_yml) in log
    passed(store, "1.0.0  OK", "1.1.0  OK", "2 of 2 releases verified")


# -- tampering inside a release folder ------------------------------------------------------------------
def _extra_file(folder: Path) -> None:
    (folder / "lisez-moi.txt").write_text("ajouté")


def _extra_folder(folder: Path) -> None:
    (folder / "annexes").mkdir()
    (folder / "annexes" / "a.pdf").write_bytes(b"%PDF-")


def _link_outside(folder: Path) -> None:
    os.symlink("/etc/hostname", folder / "notes.txt")


def _listed_file_as_link(folder: Path) -> None:
    """The PDF replaced by a link to an identical copy outside: the bytes still match their digest."""
    pdf = next(p for p in folder.glob("*.pdf") if "guide" not in p.name)
    copy = folder.parent.parent / "copie.pdf"
    shutil.copyfile(pdf, copy)
    pdf.unlink()
    os.symlink(copy, pdf)


def _fifo_for_charter(folder: Path) -> None:
    (folder / "charter.json").unlink()
    os.mkfifo(folder / "charter.json")


def _fifo_for_release_yml(folder: Path) -> None:
    (folder / "release.yml").unlink()
    os.mkfifo(folder / "release.yml")


INSIDE = {
    "an extra file": (_extra_file, ["lisez-moi.txt", "release.yml does not list"]),
    "an extra folder": (_extra_folder, ["annexes", "a folder that release.yml does not list"]),
    "a link to a file outside": (_link_outside, ["notes.txt", "symbolic link", "outside the release folder"]),
    "a listed file that is a link": (_listed_file_as_link, ["symbolic link", "copie.pdf"]),
    "charter.json is a FIFO": (_fifo_for_charter, ["charter.json", "not a regular file"]),
    "release.yml is a FIFO": (_fifo_for_release_yml, ["release.yml", "not a regular file"]),
}


@pytest.mark.parametrize("case", INSIDE)
def test_what_a_release_folder_holds_beyond_its_files_is_reported(store, case):
    tamper, fragments = INSIDE[case]
    tamper(releases(store) / "1.0.0")
    failed(store, "1.0.0", *fragments)


def test_a_release_folder_that_is_a_link_outside_the_project_is_reported(store, tmp_path):
    folder = releases(store) / "1.1.0"
    moved = shutil.move(folder, tmp_path / "ailleurs")
    os.symlink(moved, folder)
    failed(store, "1.1.0", "a symbolic link to", "never a link")


# -- tampering with the store ----------------------------------------------------------------------------
def test_a_plain_file_named_like_a_version_is_reported(store):
    (releases(store) / "1.2.0").write_text("pas une version")
    failed(store, "1.2.0", "a file, not a release folder")


def test_a_dangling_link_named_like_a_version_is_reported(store):
    os.symlink("/nulle/part", releases(store) / "1.2.0")
    failed(store, "1.2.0", "a dangling symbolic link", "not a release folder")


def test_the_newest_release_deleted_is_reported_by_the_log(store):
    shutil.rmtree(releases(store) / "1.1.0")
    failed(store, "1.1.0", "release-log.yml", "its folder is missing")


def test_the_newest_release_renamed_to_a_hidden_name_is_reported(store):
    os.rename(releases(store) / "1.1.0", releases(store) / ".1.1.0")
    failed(store, ".1.1.0", "a hidden entry", "its folder is missing")


def test_a_release_renamed_under_another_version_is_reported(store):
    os.rename(releases(store) / "1.1.0", releases(store) / "1.1.1")
    failed(store, "does not match its folder", "1.1.0", "its folder is missing")


def test_the_store_removed_fails_when_the_log_lists_releases(store):
    shutil.rmtree(releases(store))
    failed(store, "releases", "missing, but release-log.yml lists 2 release(s): 1.0.0, 1.1.0")


def test_the_store_replaced_by_a_file_fails(store):
    shutil.rmtree(releases(store))
    releases(store).write_text("rien")
    failed(store, "not a folder", "release-log.yml lists 2 release(s)")


def test_a_release_the_log_never_recorded_is_reported(store):
    """A valid log (its chain recomputed) that knows 1.1.0 only: 1.0.0 was never released by charter-kit."""
    from charter_kit.store.release_log import entry_hash, log_text, read_log

    entry = read_log(store.parent)[1]
    entry["previous"] = None
    entry["hash"] = entry_hash(entry)
    (store.parent / "release-log.yml").write_text(log_text([entry]))
    failed(store, "1.0.0", "not in release-log.yml", "added by hand")


def test_a_changed_log_entry_breaks_its_chain(store):
    log = store.parent / "release-log.yml"
    text = log.read_text()
    old = sha256((releases(store) / "1.0.0" / "release.yml").read_bytes())
    log.write_text(text.replace(old, "0" * 64, 1))
    failed(store, "release-log.yml: entry 1 (1.0.0) was changed after it was written")


@pytest.mark.parametrize("field, before, after", [
    ("notes", "notes: null", "notes: Version approuvée sans réserve."),
    ("kind", "kind: substantive", "kind: editorial"),
    ("approvals", "approvals: []", "approvals:\n- Jeanne Roy"),
])
def test_a_rewritten_release_yml_with_a_recomputed_seal_is_reported_by_the_log(store, field, before, after):
    path = releases(store) / "1.1.0" / "release.yml"
    text = path.read_text()
    assert before in text, text
    reseal(path, text.replace(before, after, 1))
    failed(store, "1.1.0", "not the release.yml recorded in release-log.yml", "rewritten after release")


# -- what a killed writer leaves: accepted, with a note ------------------------------------------------
def test_a_temporary_folder_of_a_dead_writer_is_a_note(store):
    (releases(store) / ".1.2.0.999999999.abcd.tmp").mkdir()
    passed(store, "left by a `charter release` that was interrupted")


def test_a_release_written_but_not_yet_logged_is_a_note_and_the_next_release_records_it(store):
    log = store.parent / "release-log.yml"
    text = log.read_text()
    log.write_text(text[: text.index("- {version: '1.1.0'")])
    passed(store, "1.1.0 is not in release-log.yml yet")
    store.write_text(store.read_text().replace("Mastodon", "Bluesky"))
    result = run("release", "1.2.0", "-p", store, "--date", "2026-03-05")
    assert result.exit_code == 0, result.output
    assert [line.split("'")[1] for line in log.read_text().splitlines() if line.startswith("- ")] == \
        ["1.0.0", "1.1.0", "1.2.0"]
    passed(store, "3 of 3 releases verified")


def test_a_project_released_before_the_log_passes_with_a_note_and_its_next_release_starts_the_log(store):
    (store.parent / "release-log.yml").unlink()
    passed(store, "no release-log.yml yet")
    store.write_text(store.read_text().replace("Mastodon", "Bluesky"))
    assert run("release", "1.2.0", "-p", store, "--date", "2026-03-05").exit_code == 0
    log = (store.parent / "release-log.yml").read_text()
    assert [v for v in ("1.0.0", "1.1.0", "1.2.0") if f"version: '{v}'" in log] == ["1.0.0", "1.1.0", "1.2.0"]
    output = passed(store)
    assert "no release-log.yml" not in output


# -- parse bombs and deep nesting: reported per release, never a hang ------------------------------------
def test_an_alias_bomb_in_a_resealed_release_yml_is_reported(store):
    path = releases(store) / "1.0.0" / "release.yml"
    text = path.read_text()
    bomb = "".join(f"b{i}: &b{i} [" + ", ".join([f"*b{i - 1}"] * 9) + "]\n" for i in range(1, 12))
    reseal(path, text.replace("notes: null\n", "notes: null\nb0: &b0 [lol]\n" + bomb, 1))
    failed(store, "1.0.0", "anchors or aliases")


@pytest.mark.parametrize("depth", [65, 100_000])
def test_a_deeply_nested_charter_json_is_reported(store, depth):
    folder = releases(store) / "1.0.0"
    blob = json.loads((folder / "charter.json").read_bytes())
    blob["pdf"]["extra"] = "NEST"
    nested = json.dumps(blob, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    nested = nested.replace('"NEST"', "[" * depth + "]" * depth)
    reseal_with_charter(folder, nested.encode("utf-8"))
    failed(store, "1.0.0", "charter.json", "nested more than 64 levels deep")


def test_a_deeply_nested_release_yml_is_reported(store):
    path = releases(store) / "1.0.0" / "release.yml"
    text = path.read_text()
    reseal(path, text.replace("notes: null", "notes: " + "[" * 5000 + "]" * 5000, 1))
    failed(store, "1.0.0", "nested more than 8 levels deep")


# -- with keys: a rewritten release fails its signature, log and all -------------------------------------
@pytest.mark.slow
def test_with_keys_a_release_and_its_log_rewritten_together_fail_the_signatures(mini, monkeypatch):
    from charter_kit.store.release_log import entry_hash, log_text, read_log

    monkeypatch.setenv("CHARTER_KEY_PASSPHRASE", "une phrase secrète assez longue")
    profile = mini()
    assert run("keys", "init", "-p", profile).exit_code == 0
    result = run("release", "1.0.0", "-p", profile, "--date", "2026-12-01", "--force")
    assert result.exit_code == 0, result.output
    root = profile.parent
    assert (root / "release-log.yml.p7s").is_file()
    passed(profile, "1.0.0  OK")
    path = root / "releases" / "1.0.0" / "release.yml"
    reseal(path, path.read_text().replace("approvals: []", "approvals:\n- Direction générale", 1))
    entries = read_log(root)  # the log rewritten to match, its chain recomputed
    entries[0]["release"] = sha256(path.read_bytes())
    entries[0]["hash"] = entry_hash(entries[0])
    (root / "release-log.yml").write_text(log_text(entries))
    output = failed(profile, "1.0.0")
    assert "release-log.yml.p7s" in output and "release.yml" in output


# -- publish never reuses what it did not write ------------------------------------------------------------
def public(profile: Path) -> Path:
    return profile.parent / "public"


def test_a_hand_edited_page_is_rebuilt_at_the_next_publish(store):
    assert run("publish", "-p", store, "--on", "2026-03-01").exit_code == 0
    page = public(store) / "1.0.0" / "contacts" / "index.html"
    genuine = page.read_bytes()
    page.write_bytes(genuine.replace(b"</article>", b"<p>Ajout frauduleux</p></article>"))
    result = run("publish", "-p", store, "--on", "2026-03-01")
    assert result.exit_code == 0, result.output
    assert "built: 1.0.0" in result.output
    assert page.read_bytes() == genuine


def test_a_planted_link_is_replaced_at_the_next_publish(store):
    assert run("publish", "-p", store, "--on", "2026-03-01").exit_code == 0
    planted = public(store) / "1.1.0" / "secret.txt"
    os.symlink("/etc/hostname", planted)
    result = run("publish", "-p", store, "--on", "2026-03-01")
    assert result.exit_code == 0, result.output
    assert "built: 1.1.0" in result.output or "built: 1.0.0, 1.1.0" in result.output
    assert not os.path.lexists(planted)
    assert not [p for p in public(store).rglob("*") if p.is_symlink()]


def test_an_unchanged_publish_still_reuses_its_folders(store):
    assert run("publish", "-p", store, "--on", "2026-03-01").exit_code == 0
    result = run("publish", "-p", store, "--on", "2026-03-01")
    assert "(built: none; reused: 1.0.0, 1.1.0)" in result.output, result.output


def test_a_deeply_nested_marker_costs_a_rebuild_not_a_crash(store):
    assert run("publish", "-p", store, "--on", "2026-03-01").exit_code == 0
    (public(store) / ".charter-publish.json").write_text("[" * 100_000 + "]" * 100_000)
    result = run("publish", "-p", store, "--on", "2026-03-01")
    assert result.exit_code == 0, result.output
    assert "reused: none" in result.output


def test_published_files_are_world_readable_whatever_the_umask(store):
    done = subprocess.run([*CHARTER, "publish", "-p", str(store), "--on", "2026-03-01"], capture_output=True,
                          text=True, timeout=HANG, preexec_fn=lambda: os.umask(0o077))
    assert done.returncode == 0, done.stdout + done.stderr
    modes = {p: stat.S_IMODE(p.stat().st_mode) for p in [public(store), *public(store).rglob("*")]}
    assert {m for p, m in modes.items() if p.is_dir()} == {0o755}
    assert {m for p, m in modes.items() if p.is_file()} == {0o644}
    assert len(modes) > 50


# -- the PDF cache -----------------------------------------------------------------------------------------
@pytest.mark.slow
def test_a_replaced_cache_file_never_becomes_the_next_annex(project):
    from charter_kit import __version__
    from charter_kit.compose.pipeline import load_project

    profile = project()
    assert run("build", "-p", profile, "--no-site").exit_code == 0
    out = profile.parent / "build"
    pdf = next(p for p in out.glob("*.pdf") if "guide" not in p.name)
    genuine = pdf.read_bytes()
    cache = out / ".cache" / "pdf" / f"{load_project(profile).charter.digest}-{__version__}.pdf"
    assert cache.read_bytes() == genuine
    forged = genuine.replace(b"%PDF-", b"%PDF-", 1) + b"\n% autre contenu\n"
    cache.write_bytes(forged)
    result = run("build", "-p", profile, "--no-site")
    assert result.exit_code == 0, result.output
    assert "from cache" not in result.output
    assert pdf.read_bytes() == genuine and cache.read_bytes() == genuine
    cache.unlink()
    os.symlink(out / pdf.name, cache)  # a link is never followed either
    result = run("build", "-p", profile, "--no-site")
    assert "from cache" not in result.output and pdf.read_bytes() == genuine
