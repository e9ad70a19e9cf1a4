"""Word edits come back (issue 14): a DOCX made by charter-kit, edited the way Word writes tracked
changes and comments (and once more through LibreOffice), is read by `charter review import`, which
maps each edit onto its clause, shows it as a diff against the draft and, with --apply, writes it into
charter.yml as an override with a note of who proposed it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import SMALL_EXAMPLE, assert_user_error, run
from word_edit import WordEdit

from charter_kit.compose.pipeline import load_project
from charter_kit.typeset.docx import bookmark_name

pytestmark = pytest.mark.slow  # each test renders and reads a whole charter
WHEN = "2026-12-03T10:00:00Z"
LAWYER = "Me Durand"


@pytest.fixture
def lumen(tmp_path) -> Path:
    """A copy of the small example (charter.yml), its library the shipped one."""
    shutil.copytree(SMALL_EXAMPLE, tmp_path / "lumen")
    return tmp_path / "lumen" / "charter.yml"


def _docx(profile: Path, name: str = "charte.docx") -> Path:
    out = profile.parent / name
    result = run("render", "--format", "docx", "-o", out, "-p", profile)
    assert result.exit_code == 0, result.output
    return out


def _edited(profile: Path) -> tuple[Path, list]:
    """The consolidated DOCX with a word replaced and a paragraph added in clause 1.1, a comment on 1.4."""
    clauses = load_project(profile).charter.clauses()
    first, fourth = clauses[0], clauses[3]
    edit = WordEdit(_docx(profile).read_bytes())
    edit.replace(bookmark_name(first.id), "comptes officiels", "comptes officiels et partenaires", LAWYER, WHEN)
    edit.add_paragraph(bookmark_name(first.id), "Le service juridique tranche les cas douteux.", LAWYER, WHEN)
    edit.comment(bookmark_name(fourth.id), "Cette clause me paraît trop large.", LAWYER, WHEN)
    out = profile.parent / "edited.docx"
    out.write_bytes(edit.bytes())
    return out, clauses


def test_import_shows_each_edit_on_its_clause(lumen):
    edited, clauses = _edited(lumen)
    before = lumen.read_text()
    result = run("review", "import", edited, "-p", lumen)
    assert result.exit_code == 0, result.output
    assert f"1.1 {clauses[0].id}: text proposed by {LAWYER} (2026-12-03)" in result.output
    assert f"1.4 {clauses[3].id}: comment by {LAWYER}: Cette clause me paraît trop large." in result.output
    assert "{+et partenaires +}" in result.output and "{+Le service juridique tranche les cas douteux.+}" in result.output
    assert "adaptation ajoutée dans le profil pour la clause" in result.output  # what --apply would write
    assert "0 problems" in result.output
    assert lumen.read_text() == before  # without --apply nothing is written


def test_apply_writes_overrides_with_who_proposed_them(lumen):
    release = run("release", "1.0.0", "-p", lumen, "--date", "2026-11-02", "--force")
    assert release.exit_code == 0, release.output
    edited, clauses = _edited(lumen)
    before = lumen.read_text()
    result = run("review", "import", edited, "-p", lumen, "--apply")
    assert result.exit_code == 0, result.output
    assert f"wrote 1 override into {lumen}: {clauses[0].id}" in result.output
    text = lumen.read_text()
    assert f"# Proposé par {LAWYER} le 2026-12-03 dans edited.docx" in text
    assert text.startswith(before)  # the profile's own lines, comments and order are untouched
    override = yaml.safe_load(text)["overrides"][clauses[0].id]["text"]
    assert "comptes officiels et partenaires" in override and override.endswith("Le service juridique tranche les cas douteux.")
    assert "**En pratique**" in override  # the Markdown around the edit is kept
    draft = load_project(lumen).charter.clause(clauses[0].id)
    assert draft.overridden and "et partenaires" in draft.text
    diff = run("diff", "latest", "draft", "-p", lumen)
    assert "{+et partenaires +}" in diff.output and "Le service juridique tranche les cas douteux." in diff.output
    # A second import of the same document changes nothing more: its clause now differs from the draft.
    again = run("review", "import", edited, "-p", lumen)
    assert "changed in the draft since the document was made" in again.output


def test_changes_outside_clauses_and_broken_structure_are_reported(lumen):
    clauses = load_project(lumen).charter.clauses()
    edit = WordEdit(_docx(lumen).read_bytes())
    edit.replace("_cka_socle", "Objet", "Objectif", LAWYER, WHEN)  # an article heading: no clause
    heading = edit.paragraphs(bookmark_name(clauses[1].id))[0]
    for t in heading.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"):
        if t.text and t.text.strip():
            edit._split(t, t.text, "", LAWYER, WHEN)  # the clause's title deleted whole
            break
    edit.replace(bookmark_name(clauses[2].id), clauses[2].number, "9.9", LAWYER, WHEN)
    (lumen.parent / "broken.docx").write_bytes(edit.bytes())
    result = run("review", "import", lumen.parent / "broken.docx", "-p", lumen, "--apply")
    assert result.exit_code == 0, result.output
    assert "outside the clauses (no clause)" in result.output and "Objectif" in result.output
    assert f"clause {clauses[2].number} ({clauses[2].id}): its number was edited" in result.output
    assert f"clause {clauses[1].number} ({clauses[1].id})" in result.output
    assert "nothing to write" in result.output
    assert "overrides" not in yaml.safe_load(lumen.read_text())


def test_a_document_not_made_by_charter_kit_is_refused(lumen, tmp_path):
    import docx

    other = tmp_path / "other.docx"
    docx.Document().save(other)
    assert_user_error(run("review", "import", other, "-p", lumen), "not a document made by charter-kit")
    (tmp_path / "fake.docx").write_text("not a zip")
    assert_user_error(run("review", "import", tmp_path / "fake.docx", "-p", lumen), "not a Word document")


def test_redline_edits_come_back_too(lumen):
    assert run("release", "1.0.0", "-p", lumen, "--date", "2026-11-02", "--force").exit_code == 0
    lumen.write_text(lumen.read_text().replace("les prix pratiqués pour les architectes", "les tarifs des architectes"))
    redline = lumen.parent / "redline.docx"
    made = run("diff", "latest", "draft", "-p", lumen, "--format", "docx", "-o", redline)
    assert made.exit_code == 0, made.output
    clause = load_project(lumen).charter.clauses()[0]
    edit = WordEdit(redline.read_bytes())
    edit.replace(bookmark_name(clause.id), "comptes officiels", "comptes professionnels", LAWYER, WHEN)
    (lumen.parent / "redline-edited.docx").write_bytes(edit.bytes())
    result = run("review", "import", lumen.parent / "redline-edited.docx", "-p", lumen, "--apply")
    assert result.exit_code == 0, result.output
    assert f"{clause.id}: text proposed by {LAWYER}" in result.output and "0 problems" in result.output
    assert "comptes professionnels" in load_project(lumen).charter.clause(clause.id).text


def _soffice(source: Path, fmt: str, folder: Path) -> Path:
    profile = (folder / "lo-profile").as_uri()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", fmt,
                    "--outdir", str(folder), str(source)], check=True, capture_output=True, timeout=180)
    return folder / f"{source.stem}.{fmt}"


@pytest.mark.office
def test_edits_survive_a_trip_through_libreoffice(lumen, tmp_path):
    """The edited DOCX opened and saved by LibreOffice (as ODT, then as DOCX again) still comes back."""
    edited, clauses = _edited(lumen)
    odt = _soffice(edited, "odt", tmp_path)
    (tmp_path / "again").mkdir()
    resaved = _soffice(odt, "docx", tmp_path / "again")
    result = run("review", "import", resaved, "-p", lumen, "--apply")
    assert result.exit_code == 0, result.output
    assert f"1.1 {clauses[0].id}: text proposed by {LAWYER}" in result.output
    assert "Cette clause me paraît trop large." in result.output
    override = yaml.safe_load(lumen.read_text())["overrides"][clauses[0].id]["text"]
    assert "comptes officiels et partenaires" in override
