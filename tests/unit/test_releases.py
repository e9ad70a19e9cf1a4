"""The release store without the CLI: release.yml, statuses, refusals, writing and verifying."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from charter_kit.model.charter import Article, Charter, Clause
from charter_kit.errors import ReleaseError
from charter_kit.commands.release import check_dates, check_new_version, same_text, suggest_kind
from charter_kit.model.release import CHARTER_FILE, RELEASE_FILE, Release, in_force, release_from_yaml, status
from charter_kit.outputs.pdf import pdf_filename, render_pdf
from charter_kit.store.releases import (load_charter, load_release, load_releases, read_file, release_folders,
                                        release_table, releases_dir, write_release)
from charter_kit.store.verify import pdf_digests, verify_releases

D = dt.date.fromisoformat


def make_charter(extra: str = "", *, version: str | None = None, date: str | None = None,
                 effective: str | None = None, second_title: str = "Champ") -> Charter:
    """A two-article charter built in Python; ``extra`` is appended to clause 1.1."""
    socle = Article(id="socle", number=1, title="Socle", intro="Cette charte s'applique chez Acme.",
                    clauses=(Clause("socle.objet", "1.1", "Objet", "Vous restez libre de vous exprimer." + extra),
                             Clause("socle.champ", "1.2", second_title, "Elle couvre les comptes liés à Acme.")),
                    module_version="1.0.0")
    alpha = Article(id="alpha", number=2, title="Alpha", intro="",
                    clauses=(Clause("alpha.doute", "2.1", "En cas de doute", "Demandez avant de publier."),),
                    module_version="1.2.0")
    return Charter(title="Charte réseaux sociaux", company={"name": "Acme", "legal_name": "Acme SAS",
                                                           "listed": False, "website": None},
                   articles=(socle, alpha), version=version, date=date, effective_date=effective)


def release(version: str, effective: str, **kw) -> Release:
    """A Release record (not written) with the given version and effective date."""
    return Release(version=version, date=kw.pop("date", effective), effective_date=effective,
                   digest="a" * 64, previous_version=kw.pop("previous", None), kind="substantive", **kw)


# -- release.yml ------------------------------------------------------------------------------------
SAMPLE = Release(version="1.1.0", date="2026-03-01", effective_date="2026-04-01", digest="b" * 64,
                 previous_version="1.0.0", kind="editorial", approvals=("Claire Martin, DRH", "CSE, avis du 2 mars"),
                 notes="Deux corrections.\nUne précision sur les embargos.", modules={"socle": "1.0.0", "alpha": "1.2.0"},
                 charter_kit="0.1.0", files={CHARTER_FILE: "c" * 64, "charte-acme-1.1.0.pdf": "d" * 64})


def test_release_yml_round_trips_with_a_seal_as_last_line(tmp_path):
    text = SAMPLE.to_yaml()
    back = release_from_yaml(text, tmp_path / "1.1.0")
    assert back == SAMPLE
    assert back.pdf_name == "charte-acme-1.1.0.pdf"
    lines = text.splitlines()
    assert lines[0].startswith("# Version figée")
    assert lines[-1].startswith("seal: ") and len(lines[-1]) == len("seal: ") + 64
    assert "date: '2026-03-01'" in text  # quoted: it stays text, never a YAML date
    assert "notes: |-\n  Deux corrections.\n  Une précision" in text
    assert text.index("version:") < text.index("digest:") < text.index("files:")


@pytest.mark.parametrize("edit, fragment", [
    (lambda t: t.replace("kind: editorial", "kind: editorial\ncolour: red"), "unknown fields: colour"),
    (lambda t: t.replace("charter_kit: 0.1.0\n", ""), "missing fields: charter_kit"),
    (lambda t: t.replace("date: '2026-03-01'", "date: 2026-03-01x"), "date: expected a date YYYY-MM-DD"),
    (lambda t: t.replace("kind: editorial", "kind: [editorial"), "invalid YAML"),
    (lambda t: "- a list\n", "expected a mapping of release fields"),
    (lambda t: t.replace("  socle: 1.0.0", "  socle: [1]"), "modules: expected a mapping of texts"),
])
def test_a_malformed_release_yml_is_an_error_naming_the_file(tmp_path, edit, fragment):
    with pytest.raises(ReleaseError) as err:
        release_from_yaml(edit(SAMPLE.to_yaml()), tmp_path / "1.1.0")
    assert str(tmp_path / "1.1.0" / RELEASE_FILE) in err.value.message
    assert fragment in err.value.message


# -- statuses ---------------------------------------------------------------------------------------
HISTORY = [release("1.0.0", "2026-01-01"), release("1.1.0", "2026-03-01"), release("2.0.0", "2026-06-01")]


@pytest.mark.parametrize("on, expected", [
    ("2025-12-31", ["upcoming", "upcoming", "upcoming"]),
    ("2026-01-01", ["in_force", "upcoming", "upcoming"]),
    ("2026-02-28", ["in_force", "upcoming", "upcoming"]),
    ("2026-03-01", ["archived", "in_force", "upcoming"]),
    ("2026-12-31", ["archived", "archived", "in_force"]),
])
def test_statuses_follow_the_effective_dates(on, expected):
    assert [status(r, HISTORY, D(on)) for r in HISTORY] == expected
    current = in_force(HISTORY, D(on))
    assert (current.version if current else None) == next(
        (r.version for r, s in zip(HISTORY, expected) if s == "in_force"), None)


def test_the_release_table_lists_versions_with_status_digest_prefix_and_kind():
    table = release_table(HISTORY, D("2026-03-15")).splitlines()
    assert table[0].split() == ["version", "date", "effective", "status", "digest", "kind"]
    assert set(table[1]) <= {"-", " "}
    assert table[2].split() == ["1.0.0", "2026-01-01", "2026-01-01", "archivée", "a" * 12, "substantive"]
    assert table[3].split()[3:5] == ["en", "vigueur"]
    assert table[4].split()[3:5] == ["à", "venir"]
    assert len({line.index("2026") for line in table[2:]}) == 1  # columns are aligned


# -- refusals (pure checks) -------------------------------------------------------------------------
@pytest.mark.parametrize("version, fragment", [
    ("1.0", "'1.0' is not a semantic version"),
    ("v2.0.0", "is not a semantic version"),
    ("1.1.0", "release 1.1.0 already exists"),
    ("1.0.5", "version 1.0.5 is not greater than the last release 2.0.0"),
    ("2.0.0+build.7", "is not greater than the last release 2.0.0"),
    ("2.0.0-rc.1", "is not greater than the last release 2.0.0"),
])
def test_a_version_must_be_new_and_greater(tmp_path, version, fragment):
    with pytest.raises(ReleaseError) as err:
        check_new_version(version, HISTORY, tmp_path)
    assert fragment in str(err.value)
    if "semantic" not in fragment:
        assert "the next version is 2.0.1 (editorial fix), 2.1.0 or 3.0.0" in str(err.value)


def test_a_greater_version_is_accepted_including_a_first_one(tmp_path):
    check_new_version("2.0.1", HISTORY, tmp_path)
    check_new_version("3.0.0-rc.1", HISTORY, tmp_path)
    check_new_version("0.1.0", [], tmp_path)


@pytest.mark.parametrize("date, effective, fragment", [
    ("2026-07-01", "2026-06-30", "the effective date 2026-06-30 is before the release date 2026-07-01"),
    ("2026-05-01", "2026-07-01", "the release date 2026-05-01 is before the date of release 2.0.0"),
    ("2026-07-01", "2026-07-01", None),
])
def test_dates_must_not_go_backwards(date, effective, fragment):
    previous = release("2.0.0", "2026-06-01")
    if fragment is None:
        check_dates(date, effective, previous)
        return
    with pytest.raises(ReleaseError, match=fragment):
        check_dates(date, effective, previous)


def test_an_effective_date_before_the_previous_versions_is_refused():
    previous = release("2.0.0", "2026-09-01", date="2026-06-01")
    with pytest.raises(ReleaseError, match="before the effective date of release 2.0.0"):
        check_dates("2026-07-01", "2026-08-01", previous)


def test_same_text_ignores_only_the_release_stamp():
    a = make_charter(version="1.0.0", date="2026-01-01", effective="2026-01-01")
    b = make_charter(version="1.1.0", date="2026-03-01", effective="2026-04-01")
    assert same_text(a, b)
    assert not same_text(a, make_charter(" Toujours.", version="1.1.0", date="2026-03-01", effective="2026-04-01"))
    assert not same_text(a, make_charter(version="1.1.0", date="2026-03-01", effective="2026-04-01",
                                         second_title="Champ d'application"))


def test_the_kind_is_suggested_from_the_diff():
    base = make_charter()
    assert suggest_kind(None, base) == "substantive"
    assert suggest_kind(base, make_charter(" Y compris en dehors du travail.")) == "substantive"
    assert suggest_kind(base, make_charter(".")) == "editorial"  # punctuation only
    assert suggest_kind(base, base) == "editorial"


# -- writing and verifying --------------------------------------------------------------------------
def _write(root: Path, charter: Charter, **kw) -> Release:
    """Release ``charter`` (already stamped) with its real PDF annex."""
    return write_release(root, charter, {pdf_filename(charter): render_pdf(charter)}, **kw)


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    """A project folder with two releases written by write_release (real PDFs)."""
    root = tmp_path_factory.mktemp("store")
    first = make_charter(version="1.0.0", date="2026-01-05", effective="2026-02-01")
    r1 = _write(root, first, approvals=("Claire Martin, DRH",), kind="substantive", previous=None)
    second = make_charter(" Y compris le soir.", version="1.1.0", date="2026-03-01", effective="2026-03-01")
    _write(root, second, notes="Une précision.", kind="substantive", previous=r1)
    return root


@pytest.fixture
def copy(store, tmp_path) -> Path:
    """A private copy of the store, to damage."""
    return Path(shutil.copytree(store, tmp_path / "proj"))


def test_a_written_release_holds_canonical_json_the_pdf_and_a_sealed_release_yml(store):
    folder = releases_dir(store) / "1.0.0"
    rel = load_release(folder)
    charter = load_charter(rel)
    assert (folder / CHARTER_FILE).read_bytes() == charter.to_json().encode("utf-8")
    assert rel.digest == charter.digest
    assert (rel.version, rel.date, rel.effective_date) == ("1.0.0", "2026-01-05", "2026-02-01")
    assert rel.modules == {"socle": "1.0.0", "alpha": "1.2.0"}
    assert [a.text for a in rel.approvals] == ["Claire Martin, DRH"] and rel.previous_version is None
    assert sorted(p.name for p in folder.iterdir()) == sorted([CHARTER_FILE, RELEASE_FILE, rel.pdf_name])
    assert pdf_digests(read_file(rel, rel.pdf_name)) == {rel.digest}
    assert [r.version for r in load_releases(store)] == ["1.0.0", "1.1.0"]
    assert load_releases(store)[1].previous_version == "1.0.0"


def test_verify_passes_on_an_untouched_store(store):
    results = verify_releases(store)
    assert [(r.version, r.ok) for r in results] == [("1.0.0", True), ("1.1.0", True)], results


def _flip(path: Path, needle: bytes, replacement: bytes) -> None:
    data = path.read_bytes()
    assert needle in data and len(needle) == len(replacement)
    path.write_bytes(data.replace(needle, replacement, 1))


def _problems(root: Path) -> dict[str, tuple[str, ...]]:
    return {r.version: r.problems for r in verify_releases(root)}


def test_verify_catches_one_changed_byte_in_charter_json(copy):
    _flip(releases_dir(copy) / "1.1.0" / CHARTER_FILE, b"le soir", b"le Soir")
    problems = _problems(copy)
    assert problems["1.0.0"] == ()
    assert any("1.1.0/charter.json: digest" in p and "does not match release.yml" in p for p in problems["1.1.0"])


def test_verify_catches_a_charter_json_that_is_no_longer_canonical(copy):
    path = releases_dir(copy) / "1.0.0" / CHARTER_FILE
    path.write_bytes(path.read_bytes() + b"\n")
    assert any("not in canonical form" in p for p in _problems(copy)["1.0.0"])


def test_verify_catches_one_changed_byte_in_release_yml(copy):
    _flip(releases_dir(copy) / "1.0.0" / RELEASE_FILE, b"Claire", b"Claira")
    assert _problems(copy)["1.0.0"] == (
        f"{releases_dir(copy) / '1.0.0' / RELEASE_FILE}: the file was changed after release (its seal does not match)",)


def test_verify_names_crlf_line_endings_as_the_likely_cause(copy):
    path = releases_dir(copy) / "1.0.0" / RELEASE_FILE
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    problems = _problems(copy)["1.0.0"]
    assert len(problems) == 1 and "line endings are now CRLF" in problems[0], problems


def test_verify_catches_one_changed_byte_in_the_pdf(copy):
    rel = load_release(releases_dir(copy) / "1.1.0")
    path = rel.path / rel.pdf_name
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    assert any(f"{rel.pdf_name}: sha256 does not match" in p for p in _problems(copy)["1.1.0"])


def test_verify_catches_a_pdf_that_prints_another_digest(copy, store):
    # A PDF swapped in from another release, with release.yml resealed: only the printed digest tells.
    new, old = (load_release(releases_dir(copy) / v) for v in ("1.1.0", "1.0.0"))
    (new.path / new.pdf_name).write_bytes(read_file(old, old.pdf_name))
    forged = Release(**{**new.__dict__, "files": {**new.files, new.pdf_name: old.files[old.pdf_name]}})
    (new.path / RELEASE_FILE).write_text(forged.to_yaml(), encoding="utf-8")
    problems = _problems(copy)["1.1.0"]
    assert len(problems) == 2 and "the digest printed in the PDF" in problems[0], problems
    assert "not the release.yml recorded in release-log.yml" in problems[1]  # the release log tells too (issue 17)


def test_verify_catches_a_removed_release_in_the_chain(copy):
    shutil.rmtree(releases_dir(copy) / "1.0.0")
    assert _problems(copy)["1.1.0"] == (
        f"{releases_dir(copy) / '1.1.0' / RELEASE_FILE}: names 1.0.0 as previous version, "
        "but there is no release before it (was it removed?)",)


def test_verify_reports_a_folder_that_is_not_a_release(copy):
    (releases_dir(copy) / "notes").mkdir()
    assert "missing" in _problems(copy)["notes"][0]


def test_a_hidden_folder_is_a_release_being_written_and_is_never_listed(copy):
    half = releases_dir(copy) / ".1.2.0.abcd.tmp"
    half.mkdir()
    (half / CHARTER_FILE).write_text("{", encoding="utf-8")
    assert [p.name for p in release_folders(releases_dir(copy))] == ["1.0.0", "1.1.0"]
    assert all(r.ok for r in verify_releases(copy))


def test_a_failed_write_leaves_no_release_and_no_temporary_folder(copy, monkeypatch):
    before = sorted(p.name for p in releases_dir(copy).iterdir())
    previous = load_releases(copy)[-1]

    def broken_rename(src, dst):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "rename", broken_rename)
    charter = make_charter(" Encore.", version="1.2.0", date="2026-04-01", effective="2026-04-01")
    with pytest.raises(ReleaseError, match="No space left on device"):
        _write(copy, charter, kind="editorial", previous=previous)
    assert sorted(p.name for p in releases_dir(copy).iterdir()) == before


def test_pdf_digests_of_a_damaged_pdf_is_empty():
    assert pdf_digests(b"%PDF-1.7\nnot really a pdf") == set()
