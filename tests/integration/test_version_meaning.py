"""Versions that mean what they say (issue 13), through the real CLI.

Substance is judged on what the employee is asked to do: a comma, a contact or a logo makes an
editorial release; the diff right after a release is empty; presentation changes show in every
diff format; the effective date has one source of truth; approvals carry a role and a date.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pypdf
import pytest
import yaml

from conftest import MINI_PROFILE, assert_user_error, run

#: The French formalities, recorded on the draft before each release so any effective date works.
FORMALITIES = ("avis-cse", "communication-inspection", "depot-greffe", "publicite")


def adopt(profile: Path, day: str = "2026-11-20") -> None:
    for milestone in FORMALITIES:
        assert run("adoption", "record", milestone, "--date", day, "-p", profile).exit_code == 0


def plain(text: str) -> str:
    """Text with French typography's no-break spaces as plain spaces."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def release(profile: Path, version: str, *args: str):
    return run("release", version, "-p", profile, *args)


def release_yml(profile: Path, version: str) -> dict:
    return yaml.safe_load((profile.parent / "releases" / version / "release.yml").read_text(encoding="utf-8"))


@pytest.fixture
def first(mini):
    """A mini project with release 1.0.0, its formalities done; returns charter.yml."""
    path = mini()
    adopt(path)
    result = release(path, "1.0.0", "--date", "2027-01-04", "--effective", "2027-02-01",
                     "--approved-by", "Jeanne Roy, DRH, 2027-01-02")
    assert result.exit_code == 0, result.output
    return path


# -- substance: what the employee is asked to do ----------------------------------------------------
def test_the_diff_right_after_a_release_is_empty(first):
    result = run("diff", "latest", "draft", "-p", first)
    assert result.exit_code == 0, result.output
    assert "Aucune modification." in result.output
    assert json.loads(run("diff", "latest", "draft", "-p", first, "--format", "json").output)["empty"] is True


def test_a_comma_fix_is_an_editorial_release(first):
    library = first.parent.parent / "library" / "alpha"
    (library / "fr.md").write_text((library / "fr.md").read_text().replace(
        "Demandez avant de publier.", "Demandez, avant de publier."))
    meta = (library / "module.yml").read_text().replace("id: alpha\nversion: 1.2.0", "id: alpha\nversion: 1.2.1").replace(
        "changelog:\n", "changelog:\n  - {version: 1.2.1, date: 2026-11-29, note: {fr: \"Virgule.\"}}\n")
    (library / "module.yml").write_text(meta)
    adopt(first, "2027-01-10")
    result = release(first, "1.0.1", "--date", "2027-03-01", "--effective", "2027-03-15")
    assert result.exit_code == 0, result.output
    assert "kind editorial (suggested from the changes since 1.0.0)" in result.output
    assert release_yml(first, "1.0.1")["kind"] == "editorial"


def test_a_contact_change_is_an_editorial_release_shown_in_every_diff_format(first, tmp_path):
    first.write_text(first.read_text().replace("juridique@acme.example", "droit@acme.example"))
    report = run("diff", "-p", first).output
    assert "Nature : modification de forme." in report
    assert "Présentation" in report and "Contact « Juridique » : Direction juridique (juridique@acme.example) → " \
                                      "Direction juridique (droit@acme.example)" in report
    assert "(modifiée (forme))" in report  # the clause that prints the contact
    markdown = run("diff", "-p", first, "--format", "markdown").output
    assert "## Présentation" in markdown and "droit@acme.example" in markdown
    html = run("diff", "-p", first, "--format", "html").output
    assert "<h2>Présentation</h2>" in html
    data = json.loads(run("diff", "-p", first, "--format", "json").output)
    assert data["kind"] == "editorial" and data["presentation"][0]["field"] == "contact"
    assert "droit@acme.example" in data["presentation"][0]["description"]
    for fmt in ("pdf", "docx"):
        out = tmp_path / f"diff.{fmt}"
        assert run("diff", "-p", first, "--format", fmt, "-o", out).exit_code == 0
    pdf_text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO((tmp_path / "diff.pdf").read_bytes())).pages)
    assert "Présentation" in pdf_text and "droit@acme.example" in pdf_text
    document = plain(zipfile.ZipFile(tmp_path / "diff.docx").read("word/document.xml").decode())
    assert "Présentation : Contact « Juridique »" in document
    adopt(first, "2027-01-10")
    result = release(first, "1.0.1", "--date", "2027-03-01", "--effective", "2027-03-15")
    assert "kind editorial" in result.output, result.output


def test_a_logo_only_release_is_editorial_and_never_no_change(first):
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
    (first.parent / "logo.svg").write_text(svg)
    first.write_text(first.read_text() + "branding: {logo: logo.svg}\n")
    report = run("diff", "-p", first).output
    assert "Aucune modification" not in report
    assert "Logo ajouté (logo.svg)" in report and "seule la présentation change" in report
    adopt(first, "2027-01-10")
    result = release(first, "1.0.1", "--date", "2027-03-01", "--effective", "2027-03-15")
    assert result.exit_code == 0 and "kind editorial" in result.output, result.output


def test_a_changed_rule_is_substantive(first):
    first.write_text(first.read_text().replace("{reseau: LinkedIn}", "{reseau: Mastodon}"))
    report = run("diff", "-p", first).output
    assert "Nature : modification substantielle." in report and "(modifiée (fond))" in report


# -- release numbers ---------------------------------------------------------------------------------
@pytest.mark.parametrize("version, hint", [
    ("2026.1", "the first release is 1.0.0"), ("v1.0.0", "write the number without the letter: 1.0.0")])
def test_a_malformed_first_number_is_refused_with_the_valid_one(mini, version, hint):
    assert_user_error(release(mini(), version, "--date", "2027-01-04"), "is not a semantic version", hint)


@pytest.mark.parametrize("version, hint", [
    ("2027.1", "the next version is 1.0.1 (editorial fix), 1.1.0 or 2.0.0"),
    ("v1.1.0", "write the number without the letter: 1.1.0")])
def test_a_malformed_next_number_is_refused_with_the_next_ones(first, version, hint):
    assert_user_error(release(first, version, "--date", "2027-03-01"), hint)


# -- one source of truth for dates -------------------------------------------------------------------
def test_release_says_where_the_effective_date_comes_from(mini):
    path = mini(MINI_PROFILE.replace("charter: {", "charter: {effective_date: 2027-03-01, "))
    adopt(path)
    result = release(path, "1.0.0", "--date", "2027-01-04")
    assert "effective 2027-03-01 (from charter.effective_date in charter.yml, line 1)" in result.output
    path.write_text(MINI_PROFILE)  # the profile's date removed: --effective is the source
    result = release(path, "1.1.0", "--date", "2027-05-03", "--effective", "2027-06-20", "--allow-empty")
    assert "effective 2027-06-20 (from --effective)" in result.output, result.output


def test_without_any_date_the_earliest_lawful_one_is_used(mini):
    path = mini()
    result = release(path, "1.0.0", "--date", "2027-01-04")
    assert "effective 2027-02-05 (from the earliest lawful date of the adoption procedure)" in result.output


def test_a_stale_profile_date_of_a_version_in_force_is_refused(first):
    first.write_text(first.read_text().replace("charter: {", "charter: {effective_date: 2027-02-01, ")
                     .replace("{reseau: LinkedIn}", "{reseau: Mastodon}"))
    adopt(first, "2027-01-10")
    result = release(first, "1.1.0", "--date", "2027-03-01")
    assert_user_error(result, "charter.effective_date in charter.yml, line 1, still holds 2027-02-01, the "
                              "effective date of release 1.0.0", "set the new version's intended date there")


def test_a_version_replaced_before_it_applies_is_shown_so(first):
    first.write_text(first.read_text().replace("{reseau: LinkedIn}", "{reseau: Mastodon}"))
    adopt(first, "2026-12-20")
    result = release(first, "1.0.1", "--date", "2027-01-20", "--effective", "2027-02-01")
    assert result.exit_code == 0, result.output
    table = run("releases", "-p", first, "--on", "2027-03-01").output
    row = next(line for line in table.splitlines() if line.startswith("1.0.0"))
    assert "remplacée avant son entrée en vigueur" in row and "archivée" not in row


# -- approvals ---------------------------------------------------------------------------------------
def test_approvals_carry_name_role_and_date_and_the_pdf_prints_them(first):
    meta = release_yml(first, "1.0.0")
    assert meta["approvals"] == [{"name": "Jeanne Roy", "role": "DRH", "date": "2027-01-02"}]
    pdf = next(p for p in (first.parent / "releases" / "1.0.0").glob("*.pdf"))
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(pdf).pages)
    assert "Approbation de cette version" in text and "Jeanne Roy DRH 2 janvier 2027" in text


def test_structured_approval_options(mini):
    path = mini()
    adopt(path)
    result = release(path, "1.0.0", "--date", "2027-01-04", "--effective", "2027-02-01",
                     "--approval", "Roy, Jeanne", "Directrice des ressources humaines, groupe", "2027-01-03")
    assert result.exit_code == 0, result.output
    assert release_yml(path, "1.0.0")["approvals"] == [
        {"name": "Roy, Jeanne", "role": "Directrice des ressources humaines, groupe", "date": "2027-01-03"}]


def test_no_approval_warns_and_strict_refuses(mini):
    path = mini()
    adopt(path)
    assert_user_error(release(path, "1.0.0", "--date", "2027-01-04", "--effective", "2027-02-01", "--strict"),
                      "--strict: no approval recorded")
    assert_user_error(release(path, "1.0.0", "--date", "2027-01-04", "--effective", "2027-02-01", "--strict",
                              "--approved-by", "Jeanne Roy, DRH"), "the approval 'Jeanne Roy, DRH' has no date")
    assert not (path.parent / "releases").exists()
    result = release(path, "1.0.0", "--date", "2027-01-04", "--effective", "2027-02-01")
    assert result.exit_code == 0 and "Warning: no approval recorded" in result.output


def test_an_approval_after_the_release_is_refused(mini):
    path = mini()
    assert_user_error(release(path, "1.0.0", "--date", "2027-01-04", "--approved-by", "Jeanne Roy, DRH, 2027-01-05"),
                      "is dated after the release (2027-01-04)")


def test_the_html_and_docx_reports_show_the_approvals(first, tmp_path):
    first.write_text(first.read_text().replace("{reseau: LinkedIn}", "{reseau: Mastodon}"))
    adopt(first, "2027-01-10")
    assert release(first, "1.1.0", "--date", "2027-03-01", "--effective", "2027-04-15",
                   "--approved-by", "Paul Leroy, directeur juridique, 2027-02-26").exit_code == 0
    html = run("diff", "1.0.0", "1.1.0", "-p", first, "--format", "html").output
    assert "Approuvée par : Paul Leroy, directeur juridique, 26 février 2027" in html
    out = tmp_path / "d.docx"
    assert run("diff", "1.0.0", "1.1.0", "-p", first, "--format", "docx", "-o", out).exit_code == 0
    document = plain(zipfile.ZipFile(out).read("word/document.xml").decode())
    assert "Approbations de la nouvelle version : Paul Leroy, directeur juridique, 26 février 2027." in document
