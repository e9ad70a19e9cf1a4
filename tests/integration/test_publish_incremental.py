"""`charter publish` costs what changed (issue 11): a publish with nothing to do writes nothing, a
folder is checked without being read when the file system describes it as it was, and the version
statuses are computed in one pass. The same three-release project as test_publish.py.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import random

import pytest

from charter_kit.commands import publish as publish_module
from charter_kit.commands.publish_folder import state_path
from charter_kit.model.release import Release, replaced, status
from conftest import run
from test_publish import ON, copy, public, site  # noqa: F401 - fixtures
from test_release_cli import snapshot

pytestmark = pytest.mark.slow


def inodes(folder):
    """Every entry under ``folder`` with its inode and modification time."""
    return {str(p.relative_to(folder)): (p.lstat().st_ino, p.lstat().st_mtime_ns) for p in [folder, *folder.rglob("*")]}


def test_a_publish_with_nothing_to_do_writes_nothing(copy):  # noqa: F811
    first = run("publish", "-p", copy, "--on", ON)  # the copy's first publish records this machine's signatures
    assert first.exit_code == 0, first.output
    before = inodes(public(copy))
    result = run("publish", "-p", copy, "--on", ON)
    assert result.exit_code == 0, result.output
    assert "(built: none; reused: 1.0.0, 1.1.0, 2.0.0)" in result.output
    assert inodes(public(copy)) == before  # not one file linked, copied, renamed or deleted
    assert not [p for p in copy.parent.rglob(".*.tmp")]


def test_a_file_touched_but_unchanged_is_read_and_kept(copy):  # noqa: F811
    assert run("publish", "-p", copy, "--on", ON).exit_code == 0
    page = public(copy) / "1.1.0" / "index.html"
    os.utime(page, ns=(page.stat().st_atime_ns, page.stat().st_mtime_ns + 10**9))
    content = snapshot(public(copy))
    result = run("publish", "-p", copy, "--on", ON)
    assert "(built: none; reused: 1.0.0, 1.1.0, 2.0.0)" in result.output, result.output
    assert snapshot(public(copy)) == content
    before = inodes(public(copy))
    assert "(built: none; reused: 1.0.0, 1.1.0, 2.0.0)" in run("publish", "-p", copy, "--on", ON).output
    assert inodes(public(copy)) == before  # the new description was recorded: nothing written again


def test_an_edit_that_keeps_the_size_is_rebuilt(copy):  # noqa: F811
    assert run("publish", "-p", copy, "--on", ON).exit_code == 0
    page = public(copy) / "1.0.0" / "index.html"
    genuine = page.read_bytes()
    page.write_bytes(genuine.replace(b"<article", b"<articlf", 1))  # same size, new bytes and time
    result = run("publish", "-p", copy, "--on", ON)
    assert "built: 1.0.0;" in result.output, result.output
    assert page.read_bytes() == genuine


def test_signatures_recorded_for_another_manifest_are_ignored(copy):  # noqa: F811
    assert run("publish", "-p", copy, "--on", ON).exit_code == 0
    state = state_path(copy.parent, public(copy))
    assert state.is_file()
    state.write_text(state.read_text().replace('"marker": "', '"marker": "0', 1))
    page = public(copy) / "2.0.0" / "index.html"
    page.write_bytes(page.read_bytes().replace(b"</article>", b"<p>Ajout</p></article>"))
    result = run("publish", "-p", copy, "--on", ON)
    assert "built: 2.0.0;" in result.output, result.output
    assert b"<p>Ajout</p>" not in page.read_bytes()


def test_the_published_output_holds_no_machine_state(site, tmp_path):  # noqa: F811
    """Inodes and times stay beside the project: two publishes of the same releases are the same bytes."""
    files = site[2]
    assert set(files[".charter-publish.json"].decode().split('"')) >= {"latest", "versions", "contents"}
    assert b"st_ino" not in files[".charter-publish.json"] and b"signatures" not in files[".charter-publish.json"]


def _release(version: str, effective: dt.date) -> Release:
    return Release(version=version, date="2026-01-01", effective_date=effective.isoformat(), digest="0" * 64,
                   previous_version=None, kind="substantive")


def test_statuses_in_one_pass_match_the_release_model():
    rng = random.Random(11)
    for _ in range(300):
        n = rng.randint(1, 7)
        versions = sorted({f"{rng.randint(0, 3)}.{rng.randint(0, 3)}.{rng.randint(0, 2)}" for _ in range(n)})
        releases = [_release(v, dt.date(2026, 1, 1) + dt.timedelta(days=rng.randint(0, 60))) for v in versions]
        on = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randint(0, 70))
        assert publish_module.replaced_versions(releases) == {r.version for r in releases if replaced(r, releases)}
        for incomplete in itertools.chain([()], ([v] for v in versions[-2:])):
            codes = publish_module.statuses(releases, on, incomplete)
            for r in releases:
                model = status(r, releases, on)
                if r.version in incomplete and codes[r.version] == "pending":
                    assert model in ("in_force", "archived")
                elif not incomplete:
                    assert codes[r.version] == model


def test_a_release_file_damaged_after_a_publish_is_still_refused(copy):  # noqa: F811
    """The release files whose size, time and inode did not change are not hashed again; one that
    was written to is."""
    assert run("publish", "-p", copy, "--on", ON).exit_code == 0  # records what it checked
    path = copy.parent / "releases" / "1.1.0" / "charter.json"
    path.write_bytes(path.read_bytes().replace(b"Acme", b"Acne", 1))
    before = snapshot(public(copy))
    result = run("publish", "-p", copy, "--on", ON)
    assert result.exit_code == 1 and "the release store is damaged" in result.output, result.output
    assert f"{path}: digest" in result.output
    assert snapshot(public(copy)) == before


def test_unchanged_folders_are_moved_from_the_replaced_output_not_linked_again(copy):  # noqa: F811
    from charter_kit.commands.publish_folder import spare_path
    from test_publish import edit, release

    assert run("publish", "-p", copy, "--on", ON).exit_code == 0  # the output it replaced is kept aside
    spare = spare_path(copy.parent, public(copy))
    kept = {v: (spare / v).stat().st_ino for v in ("1.0.0", "1.1.0", "2.0.0")}
    live_files = {p.relative_to(public(copy)): p.stat().st_ino for p in public(copy).rglob("*") if p.is_file()}
    edit(copy, ("{reseau: LinkedIn}", "{reseau: Instagram}"))
    assert release(copy, "2.1.0", "--date", "2026-05-02", "--effective", "2026-07-01").exit_code == 0
    result = run("publish", "-p", copy, "--on", ON)
    assert "(built: 2.1.0; reused: 1.0.0, 1.1.0, 2.0.0)" in result.output, result.output
    assert {v: (public(copy) / v).stat().st_ino for v in kept} == kept  # the very folders, moved
    for rel, inode in live_files.items():
        if rel.parts[0] in kept:
            assert (public(copy) / rel).stat().st_ino == inode  # the same files, never copied
    assert sorted(p.name for p in spare.iterdir()) == sorted([*kept, "latest", "index.html", "versions.json",
                                                               ".charter-publish.json"])


def _counting_parses(monkeypatch) -> list[str]:
    """Forget what this process parsed (as a new process would) and count release.yml parsed from now."""
    from charter_kit.store import releases as store

    monkeypatch.setattr(store, "_PARSED", {})
    parsed: list[str] = []
    original = store.parse_release_yaml

    def counting(text, path):
        parsed.append(path.name)
        return original(text, path)

    monkeypatch.setattr(store, "parse_release_yaml", counting)
    return parsed


def test_a_new_publish_parses_no_release_yml_it_parsed_before(copy, monkeypatch):  # noqa: F811
    assert run("publish", "-p", copy, "--on", ON).exit_code == 0  # records what YAML made of each release.yml
    parsed = _counting_parses(monkeypatch)
    result = run("publish", "-p", copy, "--on", ON)
    assert "(built: none; reused: 1.0.0, 1.1.0, 2.0.0)" in result.output, result.output
    assert parsed == []
    release_yml = copy.parent / "releases" / "1.1.0" / "release.yml"
    release_yml.write_text(release_yml.read_text(encoding="utf-8").replace("kind:", "kind:  ", 1), encoding="utf-8")
    result = run("publish", "-p", copy, "--on", ON)
    assert parsed == ["1.1.0"]  # a changed text is parsed again, and checked like any other
    assert result.exit_code == 1 and "the release store is damaged" in result.output, result.output


def test_parsed_data_kept_beside_the_project_is_checked_and_replaced_when_it_fails(copy, monkeypatch):  # noqa: F811
    import json

    assert run("publish", "-p", copy, "--on", ON).exit_code == 0
    state = state_path(copy.parent, public(copy))
    data = json.loads(state.read_text(encoding="utf-8"))
    for entry in data["parsed"].values():
        entry["approvals"] = "tout le monde"  # a list in release.yml; planted here as a text
    state.write_text(json.dumps(data), encoding="utf-8")
    parsed = _counting_parses(monkeypatch)
    result = run("publish", "-p", copy, "--on", ON)
    assert "(built: none; reused: 1.0.0, 1.1.0, 2.0.0)" in result.output, result.output
    assert sorted(parsed) == ["1.0.0", "1.1.0", "2.0.0"]  # each text parsed again, since its kept data failed
    kept = json.loads(state.read_text(encoding="utf-8"))["parsed"]
    assert all(isinstance(entry["approvals"], list) for entry in kept.values())  # and the record repaired
