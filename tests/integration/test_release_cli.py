"""`charter release`, `charter releases` and `charter verify` through the real command line.

One project with a small test library gets three releases (module-scoped); tests that change
anything work on a copy of it.
"""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pypdf
import pytest
import yaml

from charter_kit.model.charter import Charter
from conftest import MINI_LIBRARY, MINI_PROFILE, assert_user_error, run, write_tree

#: 1.1.0 changes an option, a contact and adds a clause override.
PROFILE_1_1 = MINI_PROFILE.replace("{reseau: LinkedIn}", "{reseau: LinkedIn}\n    options: {embargo: true}").replace(
    "juridique@acme.example", "droit@acme.example") + (
    "overrides:\n  alpha.doute:\n    text: \"Demandez à la direction juridique avant de publier.\"\n")
#: 1.1.1 only changes punctuation and typography: an editorial release.
PROFILE_1_1_1 = PROFILE_1_1.replace("avant de publier.\"", "avant de publier !\"").replace(
    "Demandez à la", "Demandez  à la")


def release(profile: Path, version: str, *args: str):
    """Run `charter release` for ``version`` with the given options."""
    return run("release", version, "-p", profile, *args)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden ones included) with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()} \
        if folder.exists() else {}


def make_project(root: Path) -> Path:
    """A project folder with its own library; returns charter.yml (CHARTER_KIT_LIBRARY is set by the caller)."""
    write_tree(root / "library", MINI_LIBRARY)
    write_tree(root / "proj", {"charter.yml": MINI_PROFILE})
    return root / "proj" / "charter.yml"


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    """A project with releases 1.0.0, 1.1.0 and 1.1.1, made with the real CLI."""
    root = tmp_path_factory.mktemp("history")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CHARTER_KIT_LIBRARY", str(root / "library"))
        profile = make_project(root)
        # The formalities of the French procedure were done on this text before the release (issue 13).
        for milestone, day in (("avis-cse", "2025-12-15"), ("communication-inspection", "2025-12-20"),
                               ("depot-greffe", "2025-12-20"), ("publicite", "2025-12-20")):
            assert run("adoption", "record", milestone, "--date", day, "-p", profile).exit_code == 0
        outputs = [release(profile, "1.0.0", "--date", "2026-01-05", "--effective", "2026-02-01",
                           "--approved-by", "Claire Martin, DRH", "--approved-by", "CSE, avis du 4 janvier 2026",
                           "--notes", "Première version de la charte.")]
        profile.write_text(PROFILE_1_1, encoding="utf-8")
        notes = write_tree(root, {"notes.md": "Embargos.\n\nNouveau contact juridique.\n"}) / "notes.md"
        outputs.append(release(profile, "1.1.0", "--date", "2026-03-01", "--notes-file", notes))
        profile.write_text(PROFILE_1_1_1, encoding="utf-8")
        outputs.append(release(profile, "1.1.1", "--date", "2026-03-10", "--effective", "2026-04-15"))
        yield root, profile, outputs


@pytest.fixture
def copy(history, tmp_path, monkeypatch):
    """A private copy of the history project (charter.yml path), with its library in use."""
    root = Path(shutil.copytree(history[0], tmp_path / "copy"))
    monkeypatch.setenv("CHARTER_KIT_LIBRARY", str(root / "library"))
    return root / "proj" / "charter.yml"


def folder(profile: Path, version: str) -> Path:
    """The release folder of ``version``."""
    return profile.parent / "releases" / version


def release_yml(profile: Path, version: str) -> dict:
    """release.yml of ``version``, parsed."""
    return yaml.safe_load((folder(profile, version) / "release.yml").read_text(encoding="utf-8"))


# -- release ----------------------------------------------------------------------------------------
def test_each_release_succeeds_and_says_what_it_wrote(history):
    _, profile, outputs = history
    for result in outputs:
        assert result.exit_code == 0, result.output
    assert f"released 1.0.0: {folder(profile, '1.0.0')}" in outputs[0].output
    assert "kind substantive (suggested from the changes)" in outputs[0].output
    assert "kind substantive (suggested from the changes since 1.0.0)" in outputs[1].output
    assert "kind editorial (suggested from the changes since 1.1.0)" in outputs[2].output
    assert sorted(p.name for p in (profile.parent / "releases").iterdir()) == ["1.0.0", "1.1.0", "1.1.1"]


def test_release_yml_records_everything_about_the_release(history):
    _, profile, _ = history
    first, second = release_yml(profile, "1.0.0"), release_yml(profile, "1.1.0")
    charter = Charter.from_json((folder(profile, "1.0.0") / "charter.json").read_bytes())
    assert first["version"] == "1.0.0" and first["date"] == "2026-01-05" and first["effective_date"] == "2026-02-01"
    assert first["digest"] == charter.digest and first["previous_version"] is None
    assert first["approvals"] == [{"name": "Claire Martin", "role": "DRH", "date": None},
                                  {"name": "CSE", "role": "avis du 4 janvier 2026", "date": None}]
    assert first["notes"] == "Première version de la charte."
    assert first["modules"] == {"socle": "1.0.0", "alpha": "1.2.0"}
    assert first["charter_kit"] == "0.1.0" and first["kind"] == "substantive"
    pdf_name = next(name for name in first["files"] if name.endswith(".pdf"))
    assert set(first["files"]) == {"charter.json", pdf_name, "adoption.yml"}  # the formalities, sealed
    assert first["procedure"] == "fr/annexe-reglement-interieur"
    assert second["previous_version"] == "1.0.0"
    assert second["notes"] == "Embargos.\n\nNouveau contact juridique."
    # No --effective and none in the profile: the earliest lawful date (release date + one month + one day).
    assert second["effective_date"] == "2026-04-02"


def test_charter_json_is_the_canonical_stamped_charter(history):
    _, profile, _ = history
    blob = (folder(profile, "1.1.0") / "charter.json").read_bytes()
    charter = Charter.from_json(blob)
    assert blob == charter.to_json().encode("utf-8")
    assert (charter.version, charter.date, charter.effective_date) == ("1.1.0", "2026-03-01", "2026-04-02")
    assert charter.clause("alpha.embargo") is not None
    assert "droit@acme.example" in charter.clause("alpha.perimetre").text


def test_the_released_pdf_prints_the_digest_on_its_cover(history):
    _, profile, _ = history
    meta = release_yml(profile, "1.1.1")
    pdf_name = next(name for name in meta["files"] if name.endswith(".pdf"))
    reader = pypdf.PdfReader(io.BytesIO((folder(profile, "1.1.1") / pdf_name).read_bytes()))
    cover = re.sub(r"\s+", "", reader.pages[0].extract_text())
    assert meta["digest"] in cover


def test_the_same_release_made_again_is_byte_identical(history, copy):
    shutil.rmtree(folder(copy, "1.1.1"))
    assert release(copy, "1.1.1", "--date", "2026-03-10", "--effective", "2026-04-15").exit_code == 0
    assert snapshot(folder(copy, "1.1.1")) == snapshot(folder(history[1], "1.1.1"))


def test_kind_can_be_forced(copy):
    copy.write_text(PROFILE_1_1_1.replace("!", "?"), encoding="utf-8")
    result = release(copy, "1.2.0", "--date", "2026-04-01", "--kind", "substantive")
    assert result.exit_code == 0, result.output
    assert "kind substantive (as given)" in result.output
    assert release_yml(copy, "1.2.0")["kind"] == "substantive"


def test_allow_empty_releases_an_unchanged_charter(copy):
    result = release(copy, "1.1.2", "--date", "2026-05-01", "--allow-empty")
    assert result.exit_code == 0, result.output
    assert release_yml(copy, "1.1.2")["kind"] == "editorial"


def test_the_profiles_effective_date_is_the_default(copy):
    copy.write_text(PROFILE_1_1_1.replace("charter: {", "charter: {effective_date: 2026-06-15, ")
                    .replace("!", "."), encoding="utf-8")
    assert release(copy, "1.2.0", "--date", "2026-05-01").exit_code == 0
    assert release_yml(copy, "1.2.0")["effective_date"] == "2026-06-15"


# -- refusals: each with a clear message, and nothing written ---------------------------------------
REFUSALS = {
    "existing version": (
        None, ["1.1.0", "--date", "2026-05-01"],
        ["release 1.1.0 already exists in releases/1.1.0", "never overwritten",
         "Hint: the next version is 1.1.2 (editorial fix), 1.2.0 or 2.0.0"]),
    "version not greater": (
        None, ["1.0.5", "--date", "2026-05-01"],
        ["version 1.0.5 is not greater than the last release 1.1.1", "1.1.2 (editorial fix), 1.2.0 or 2.0.0"]),
    "not a semantic version": (None, ["2.0", "--date", "2026-05-01"], ["'2.0' is not a semantic version"]),
    "effective before release date": (
        PROFILE_1_1_1.replace("!", "."), ["1.2.0", "--date", "2026-05-01", "--effective", "2026-04-30"],
        ["the effective date 2026-04-30 is before the release date 2026-05-01"]),
    "release date before the previous one": (
        PROFILE_1_1_1.replace("!", "."), ["1.2.0", "--date", "2026-03-09"],
        ["the release date 2026-03-09 is before the date of release 1.1.1 (2026-03-10)"]),
    "no change": (
        None, ["1.2.0", "--date", "2026-05-01"],
        ["nothing changed since release 1.1.1; nothing was written", "--allow-empty"]),
    "profile that does not check": (
        PROFILE_1_1_1.replace("    options: {embargo: true}\n", "    options: {embargo: true}\n  - alpah\n"),
        ["1.2.0", "--date", "2026-05-01"],
        ["charter.yml, line", "unknown module 'alpah'. Did you mean 'alpha'?"]),
    "override of a clause that does not exist": (
        PROFILE_1_1_1.replace("alpha.doute:", "alpha.nope:"), ["1.2.0", "--date", "2026-05-01"],
        ["overrides.alpha.nope: module 'alpha' has no clause 'nope'"]),
}


@pytest.mark.parametrize("name", REFUSALS)
def test_each_refusal_has_a_clear_message_and_writes_nothing(copy, name):
    profile_text, args, fragments = REFUSALS[name]
    if profile_text is not None:
        copy.write_text(profile_text, encoding="utf-8")
    before = snapshot(copy.parent)
    result = release(copy, *args)
    assert_user_error(result, *fragments)
    assert snapshot(copy.parent) == before


@pytest.mark.parametrize("args, fragment", [
    (["1.2.0", "--date", "2026-13-01"], "Invalid value for '--date'"),
    (["1.2.0"], "Missing option '--date'"),
    (["1.2.0", "--date", "2026-05-01", "--notes", "x", "--notes-file", "charter.yml"], "not both"),
    (["1.2.0", "--date", "2026-05-01", "--kind", "major"], "Invalid value for '--kind'"),
    (["1.2.0", "--date", "2026-05-01", "--notes-file", "latin1.txt"], "latin1.txt is not UTF-8 text"),
])
def test_usage_mistakes_exit_2_and_write_nothing(copy, args, fragment):
    copy.write_text(PROFILE_1_1_1.replace("!", "."), encoding="utf-8")
    (copy.parent / "latin1.txt").write_bytes("Précision".encode("latin-1"))
    before = snapshot(copy.parent)
    paths = {"charter.yml": copy, "latin1.txt": copy.parent / "latin1.txt"}
    result = run("release", *args[:1], "-p", copy, *[paths.get(a, a) for a in args[1:]])
    assert_user_error(result, fragment, code=2)
    assert snapshot(copy.parent) == before


# -- releases ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("on, statuses", [
    ("2026-01-20", ["à venir", "à venir", "à venir"]),
    ("2026-04-05", ["archivée", "en vigueur", "à venir"]),
    ("2026-04-20", ["archivée", "archivée", "en vigueur"]),
])
def test_releases_lists_versions_with_their_status_on_a_date(history, on, statuses):
    _, profile, _ = history
    result = run("releases", "-p", profile, "--on", on)
    assert result.exit_code == 0, result.output
    rows = result.output.splitlines()[2:]
    assert [row.split()[0] for row in rows] == ["1.0.0", "1.1.0", "1.1.1"]
    for row, expected, version in zip(rows, statuses, ["1.0.0", "1.1.0", "1.1.1"]):
        assert f"  {expected}  " in row
        assert release_yml(profile, version)["digest"][:12] in row
    assert rows[2].endswith("editorial")


def test_releases_without_any_release_says_so(tmp_path):
    write_tree(tmp_path, {"charter.yml": MINI_PROFILE})
    result = run("releases", "-p", tmp_path / "charter.yml")
    assert result.exit_code == 0 and "no release yet" in result.output


# -- verify -----------------------------------------------------------------------------------------
def test_verify_passes_on_the_untouched_releases(history):
    result = run("verify", "-p", history[1])
    assert result.exit_code == 0, result.output
    assert [line.split()[:2] for line in result.output.splitlines()[:3]] == [
        ["1.0.0", "OK"], ["1.1.0", "OK"], ["1.1.1", "OK"]]
    assert "3 of 3 releases verified" in result.output


def _change_one_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    text = bytes(data)
    # Change a byte inside the content, not the trailing newline, so the file stays plausible.
    anchor = next((a for a in (b"Acme", b"Embargos") if a in text), None)  # release.yml: inside its notes
    i = text.index(anchor) + 1 if anchor else len(data) // 2
    data[i] = ord("X") if data[i] != ord("X") else ord("Y")
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("target", ["charter.json", "release.yml", "pdf"])
def test_verify_fails_naming_the_file_after_a_one_byte_change(copy, target):
    meta = release_yml(copy, "1.1.0")
    name = next(n for n in meta["files"] if n.endswith(".pdf")) if target == "pdf" else target
    path = folder(copy, "1.1.0") / name
    _change_one_byte(path)
    result = run("verify", "-p", copy)
    assert_user_error(result, "1 of 3 releases failed verification: 1.1.0", str(path))
    assert "1.0.0  OK" in result.output and "1.1.1  OK" in result.output and "1.1.0  FAILED" in result.output
