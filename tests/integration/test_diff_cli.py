"""`charter diff` on the real CLI: versions, `latest`, `draft`, every format, and its refusals."""

from __future__ import annotations

import json
import zipfile

import pytest

from conftest import MINI_PROFILE, assert_user_error, run


@pytest.fixture
def released(mini):
    """A mini project with release 1.0.0, then a draft that changes one variable."""
    path = mini()
    result = run("release", "1.0.0", "-p", path, "--date", "2027-01-04", "--approved-by", "Jeanne Roy, DRH")
    assert result.exit_code == 0, result.output
    path.write_text(path.read_text().replace("{reseau: LinkedIn}", "{reseau: Instagram}"))
    return path


def test_default_compares_latest_release_with_the_draft(released):
    result = run("diff", "-p", released)
    assert result.exit_code == 0, result.output
    assert "Comparaison de la version 1.0.0" in result.stdout
    assert "LinkedIn" in result.stdout and "Instagram" in result.stdout
    assert "variable « reseau » du module « alpha »" in result.stdout


def test_json_and_markdown(released):
    data = json.loads(run("diff", "1.0.0", "draft", "-p", released, "--format", "json").stdout)
    assert data["kind"] == "substantive"
    changed = [c for c in data["clauses"] if c["id"] == "alpha.perimetre"]
    assert changed and changed[0]["status"] in ("changed", "modified")
    md = run("diff", "latest", "draft", "-p", released, "--format", "markdown").stdout
    assert "Instagram" in md


def test_docx_and_pdf_are_written_to_files(released, tmp_path):
    docx = tmp_path / "out" / "redline.docx"
    assert run("diff", "-p", released, "--format", "docx", "-o", docx).exit_code == 0
    xml = zipfile.ZipFile(docx).read("word/document.xml").decode()
    assert "<w:ins " in xml and "<w:del " in xml and 'w:author="charter-kit"' in xml  # a draft has no approver yet
    signed = tmp_path / "signed.docx"
    assert run("diff", "-p", released, "--format", "docx", "-o", signed, "--author", "Maître Roy").exit_code == 0
    assert 'w:author="Maître Roy"' in zipfile.ZipFile(signed).read("word/document.xml").decode()
    pdf = tmp_path / "redline.pdf"
    assert run("diff", "-p", released, "--format", "pdf", "-o", pdf).exit_code == 0
    assert pdf.read_bytes().startswith(b"%PDF")


def test_a_release_compared_with_itself_is_empty(released):
    result = run("diff", "1.0.0", "1.0.0", "-p", released)
    assert result.exit_code == 0 and "Aucune modification." in result.stdout


def test_unknown_version(released):
    assert_user_error(run("diff", "9.9.9", "-p", released), "no release 9.9.9 (releases: 1.0.0)")


def test_latest_without_releases(mini):
    assert_user_error(run("diff", "-p", mini()), "there is no release yet", "charter diff draft draft")


def test_binary_format_needs_an_output_file(mini):
    assert_user_error(run("diff", "draft", "draft", "-p", mini(), "--format", "docx"),
                      "--format docx writes a file", code=2)


def test_unknown_format_is_a_usage_error(mini):
    assert_user_error(run("diff", "draft", "draft", "-p", mini(), "--format", "odt"), "Invalid value", code=2)


def test_module_text_cannot_print_the_effective_date(mini):
    """Issue 13: a release stamp is shown by the outputs, never printed in a clause."""
    library_text = "## Entrée en vigueur {#debut .regle}\nLa charte s'applique à partir du {{ charter.effective_date }}.\n"
    meta = ("id: maison\nversion: 1.0.0\ntitle: {fr: Maison}\nsummary: {fr: x}\norder: 90\n")
    path = mini(MINI_PROFILE + "  - maison\nlocal_modules: modules\n",
                {"modules/maison/module.yml": meta, "modules/maison/fr.md": library_text})
    assert_user_error(run("check", "-p", path), "maison/fr.md, line 2",
                      "charter.effective_date is not available in module text")


def test_a_local_module_edited_without_a_version_change_is_named_so(mini):
    """Issue 13: the cause is the module's edit, not a charter setting (its version changes with every release)."""
    meta = ("id: maison\nversion: 1.0.0\ntitle: {fr: Maison}\nsummary: {fr: x}\norder: 90\n"
            "changelog:\n  - {version: 1.0.0, date: 2026-11-22, note: {fr: Première version.}}\n")
    path = mini(MINI_PROFILE + "  - maison\nlocal_modules: modules\n",
                {"modules/maison/module.yml": meta, "modules/maison/fr.md": "## Règle {#debut .regle}\nPubliez avec soin.\n"})
    assert run("release", "1.0.0", "-p", path, "--date", "2027-01-04").exit_code == 0
    (path.parent / "modules/maison/fr.md").write_text("## Règle {#debut .regle}\nPubliez avec grand soin.\n")
    out = run("diff", "-p", path).stdout
    assert "texte du module « maison » modifié sans changement de version" in out
    assert "réglage de la charte" not in out
