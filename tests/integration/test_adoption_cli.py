"""The adoption procedure through the real CLI (issue 13): `charter adoption`, `adoption record`,
`adoption pack`, the refusal of an early effective date, the chained record, the published status.

The whole flow runs on a copy of the listed example: formalities recorded on the draft, the earliest
lawful date computed, a release refused then accepted, the pack written and read back.
"""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import docx
import pypdf
import pytest
import yaml

from conftest import LISTED_EXAMPLE, MINI_PROFILE, assert_user_error, run

FR_PACK = ("note-information-cse", "demande-consultation-cse", "lettre-inspection-travail",
           "bordereau-depot-greffe", "avis-affichage")
BE_PACK = ("avis-affichage-projet", "registre-observations")


def pdf_text(path: Path) -> str:
    """Every page's text, with white space removed (a digest may wrap)."""
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(path.read_bytes())).pages)
    return re.sub(r"\s+", "", text)


def docx_text(path: Path) -> str:
    """Paragraphs, table cells and the footer of a DOCX, with white space removed."""
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for row in t.rows for c in row.cells]
    parts += [p.text for s in document.sections for p in s.footer.paragraphs]
    return re.sub(r"\s+", "", "\n".join(parts))


def release_yml(profile: Path, version: str) -> dict:
    return yaml.safe_load((profile.parent / "releases" / version / "release.yml").read_text(encoding="utf-8"))


# -- the whole flow on the listed example ------------------------------------------------------------
#: The listed example's formalities (its group companies adopt together), with the CSE consultation on
#: the monitoring devices its dispositifs-controle module announces.
HORIZON_FORMALITIES = (("avis-cse", "2028-01-10", "PV de la réunion du CSE central du 10 janvier 2028"),
                       ("consultation-cse-dispositifs", "2028-01-10", "même réunion, point 2"),
                       ("information-salaries-dispositifs", "2028-01-12", "note d'information du 12 janvier"),
                       ("communication-inspection", "2028-01-17", "LRAR 1A 234 567 8901 2"),
                       ("depot-greffe", "2028-01-17", "récépissé du greffe n° 2028/014"),
                       ("publicite", "2028-01-18", "affichage et intranet"))


@pytest.fixture(scope="module")
def horizon(tmp_path_factory):
    """A copy of the listed example whose draft changes one rule, planned to apply on 1 March 2028."""
    root = Path(shutil.copytree(LISTED_EXAMPLE, tmp_path_factory.mktemp("horizon") / "horizon"))
    profile = root / "charter.yml"
    text = profile.read_text(encoding="utf-8")
    latest = release_yml(profile, "3.0.0")
    assert f"effective_date: {latest['effective_date']}" in text
    text = text.replace(f"effective_date: {latest['effective_date']}", "effective_date: 2028-03-01")
    assert "{delai_signalement_heures: 12}" in text
    profile.write_text(text.replace("{delai_signalement_heures: 12}", "{delai_signalement_heures: 6}"), encoding="utf-8")
    return profile


@pytest.mark.slow
def test_the_whole_flow_on_the_listed_example(horizon, tmp_path):
    profile = horizon
    # 1. The draft's procedure: nothing recorded, the earliest date counts from today (--on).
    shown = run("adoption", "draft", "-p", profile, "--on", "2028-01-05")
    assert shown.exit_code == 0, shown.output
    assert "Procédure d'adoption : France, annexe au règlement intérieur" in shown.output
    for unit in ("Horizon SA", "Horizon Services SAS", "Horizon Digital SAS"):
        assert f"\n{unit}\n" in shown.output
    assert "[manque]  Avis du comité social et économique" in shown.output
    assert "Information et consultation du CSE sur les dispositifs de contrôle" in shown.output
    assert "Date d'entrée en vigueur la plus proche : 6 février 2028" in shown.output
    # 2. Released without its formalities, the planned date is too early: refused, with the date that works.
    approvals = ("--approved-by", "Claire Martin, directrice des ressources humaines, 2028-01-25")
    refused = run("release", "3.1.0", "-p", profile, "--date", "2028-02-01", *approvals)
    assert_user_error(refused, "the effective date 2028-03-01 is before the earliest lawful date 2028-03-02",
                      "dépôt au greffe", "use --effective 2028-03-02 or later")
    assert not (profile.parent / "releases" / "3.1.0").exists()
    # 3. The formalities done on this text are recorded, with their evidence, for every company.
    for milestone, day, ref in HORIZON_FORMALITIES:
        done = run("adoption", "record", milestone, "--date", day, "--ref", ref, "-p", profile)
        assert done.exit_code == 0, done.output
    shown = run("adoption", "draft", "-p", profile, "--on", "2028-01-20").output
    assert "Date d'entrée en vigueur la plus proche : 19 février 2028" in shown
    assert "[fait]    Dépôt au greffe" in shown and "récépissé du greffe n° 2028/014" in shown
    assert "Entrée en vigueur prévue : 1er mars 2028 ; elle respecte ce délai." in shown
    assert "Procédure complète avant l'entrée en vigueur." in shown
    # 4. Now the release is accepted; the milestones are sealed with it.
    done = run("release", "3.1.0", "-p", profile, "--date", "2028-02-01", *approvals)
    assert done.exit_code == 0, done.output
    assert "effective 2028-03-01 (from charter.effective_date in charter.yml, line 8)" in done.output
    meta = release_yml(profile, "3.1.0")
    assert meta["procedure"] == "fr/annexe-reglement-interieur" and "adoption.yml" in meta["files"]
    assert not (profile.parent / "adoption" / "draft.yml").exists()
    assert "Aucune modification." in run("diff", "latest", "draft", "-p", profile).output
    # 5. After the release, a milestone goes to the chained record; verify checks it.
    done = run("adoption", "record", "communication-inspection", "--date", "2028-01-17",
               "--ref", "accusé de réception de l'inspection, 20 janvier 2028", "-p", profile)
    assert "adoption/3.1.0.yml" in done.output, done.output
    shown = run("adoption", "-p", profile).output
    assert "Texte : version 3.1.0 du 1er février 2028" in shown and "accusé de réception de l'inspection" in shown
    assert run("verify", "-p", profile).exit_code == 0
    # 6. The pack: every document for every company, in PDF and DOCX, with the version and the digest.
    written = run("adoption", "pack", "-p", profile, "--out", tmp_path / "pack")
    assert written.exit_code == 0, written.output
    entities = ("horizon-sa", "horizon-services", "horizon-digital")
    assert sorted(p.name for p in (tmp_path / "pack").iterdir()) == sorted(
        f"{entity}-{code}.{ext}" for entity in entities for code in FR_PACK for ext in ("pdf", "docx"))
    for entity in entities:
        for code in FR_PACK:
            for text in (pdf_text(tmp_path / "pack" / f"{entity}-{code}.pdf"),
                         docx_text(tmp_path / "pack" / f"{entity}-{code}.docx")):
                assert meta["digest"] in text and "version3.1.0" in text, (entity, code)
    letter = pdf_text(tmp_path / "pack" / "horizon-services-lettre-inspection-travail.pdf")
    assert "HorizonServicesSAS" in letter and "le10janvier2028" in letter
    request = pdf_text(tmp_path / "pack" / "horizon-sa-demande-consultation-cse.pdf")
    assert "C.trav.,art.L2312-38" in request and "veilledesmentionspubliques" in request.lower()
    assert pypdf.PdfReader(tmp_path / "pack" / "horizon-sa-avis-affichage.pdf").pages[0].mediabox.width == \
        pytest.approx(595.28, abs=1)
    # 7. Published on a day after its effective date: complete, so it is the version in force.
    published = run("publish", "-p", profile, "--out", tmp_path / "public", "--on", "2028-03-05")
    assert "employees land on 3.1.0 (en vigueur)" in published.output, published.output


def test_verify_names_a_chained_record_changed_or_cut_after_the_fact(mini):
    profile = mini()
    assert run("release", "1.0.0", "-p", profile, "--date", "2027-01-04").exit_code == 0
    for milestone in ("avis-cse", "publicite"):
        assert run("adoption", "record", milestone, "--date", "2027-01-06", "--version", "1.0.0",
                   "-p", profile).exit_code == 0
    assert run("verify", "-p", profile).exit_code == 0
    log = profile.parent / "adoption" / "1.0.0.yml"
    original = log.read_text(encoding="utf-8")
    log.write_text(original.replace("date: '2027-01-06'", "date: '2027-01-05'", 1), encoding="utf-8")
    assert_user_error(run("verify", "-p", profile), "1 of 1 release failed verification: 1.0.0",
                      "adoption/1.0.0.yml: entry 1 (avis-cse) was changed after it was recorded")
    # The record is append-only: removing its first entry breaks the chain.
    first = original[original.index("- milestone: avis-cse"):original.index("- milestone: publicite")]
    log.write_text(original.replace(first, ""), encoding="utf-8")
    assert_user_error(run("verify", "-p", profile), "adoption/1.0.0.yml: entry 1 (publicite) is not chained to the "
                                                    "release's digest")


# -- the published status of a version whose procedure is incomplete ---------------------------------
@pytest.mark.slow
def test_a_version_whose_procedure_is_incomplete_is_shown_pending(mini, tmp_path):
    profile = mini()
    for milestone in ("avis-cse", "communication-inspection", "depot-greffe", "publicite"):
        assert run("adoption", "record", milestone, "--date", "2026-12-10", "-p", profile).exit_code == 0
    assert run("release", "1.0.0", "-p", profile, "--date", "2027-01-04", "--effective", "2027-02-01").exit_code == 0
    profile.write_text(profile.read_text().replace("{reseau: LinkedIn}", "{reseau: Mastodon}"))
    assert run("release", "1.1.0", "-p", profile, "--date", "2027-03-01").exit_code == 0  # effective 2027-04-02
    published = run("publish", "-p", profile, "--out", tmp_path / "public", "--on", "2027-05-01")
    assert published.exit_code == 0, published.output
    assert "employees land on 1.0.0 (en vigueur)" in published.output
    titles = {v["version"]: v["title"] for v in json.loads((tmp_path / "public" / "versions.json").read_text())}
    assert titles == {"1.1.0": "1.1.0 (en attente des formalités d'adoption)", "1.0.0": "1.0.0 (en vigueur)"}
    page = (tmp_path / "public" / "1.1.0" / "index.html").read_text(encoding="utf-8").replace("\u00a0", " ")
    assert "ck-banner--en-attente" in page
    assert ("Version en attente : sa procédure d’adoption n’est pas terminée, ce texte ne s’applique pas encore. "
            "Reste à accomplir : avis du CSE, communication à l’inspecteur du travail, dépôt au greffe du conseil "
            "de prud’hommes et publicité auprès du personnel.") in page.replace("&#39;", "’").replace("'", "’")
    assert not (tmp_path / "public" / "1.1.0" / "adoption.yml").exists()  # evidence, not for employees
    # The formalities done after the release are recorded: once the month has run, 1.1.0 is in force.
    for milestone in ("avis-cse", "communication-inspection", "depot-greffe", "publicite"):
        assert run("adoption", "record", milestone, "--date", "2027-03-05", "-p", profile).exit_code == 0
    # A formality done too late makes the announced date unlawful: recording it says so, and the site waits.
    late = run("adoption", "record", "publicite", "--date", "2027-03-20", "-p", profile)
    assert "version 1.1.0 announces an effective date of 2027-04-02" in late.output, late.output
    assert "it will not apply before 2027-04-21" in late.output
    assert "employees land on 1.0.0" in run("publish", "-p", profile, "--out", tmp_path / "public",
                                            "--on", "2027-04-15").output
    assert run("adoption", "record", "publicite", "--date", "2027-03-05", "-p", profile).exit_code == 0
    published = run("publish", "-p", profile, "--out", tmp_path / "public", "--on", "2027-05-01")
    assert "employees land on 1.1.0 (en vigueur)" in published.output, published.output


# -- Belgium -----------------------------------------------------------------------------------------
BE_PROFILE = MINI_PROFILE.replace("jurisdiction: fr", "jurisdiction: be")


@pytest.mark.slow
def test_the_belgian_pack_and_its_fifteen_days(mini, tmp_path):
    profile = mini(BE_PROFILE)
    assert run("adoption", "record", "affichage-projet", "--date", "2027-01-04", "-p", profile).exit_code == 0
    done = run("release", "1.0.0", "-p", profile, "--date", "2027-01-04")
    assert "effective 2027-01-19 (from the earliest lawful date" in done.output, done.output
    shown = run("adoption", "-p", profile).output
    assert "[manque]  Registre d'observations" in shown and "Copie au Contrôle des lois sociales dans les huit jours" \
        in shown and "au plus tard le 27 janvier 2027" in shown
    assert run("adoption", "pack", "-p", profile, "--out", tmp_path / "pack").exit_code == 0
    digest = release_yml(profile, "1.0.0")["digest"]
    assert sorted(p.name for p in (tmp_path / "pack").iterdir()) == sorted(
        f"{code}.{ext}" for code in BE_PACK for ext in ("pdf", "docx"))
    for code in BE_PACK:
        for text in (pdf_text(tmp_path / "pack" / f"{code}.pdf"), docx_text(tmp_path / "pack" / f"{code}.docx")):
            assert digest in text and "version1.0.0" in text, code
    notice = pdf_text(tmp_path / "pack" / "avis-affichage-projet.pdf")
    assert "àpartirdu4janvier2027" in notice and "quinzièmejour" in notice
    register = docx.Document(str(tmp_path / "pack" / "registre-observations.docx"))
    assert [c.text for c in register.tables[0].rows[0].cells] == ["Date", "Nom ou délégation", "Observation", "Signature"]
    assert len(register.tables[0].rows) == 13


# -- entities, establishments, refusals ------------------------------------------------------------
GROUP_PROFILE = MINI_PROFILE.replace("company: {name: Acme, legal_name: Acme SAS}", """company:
  name: Acme
  legal_name: Acme SAS
  entities:
    - id: acme-sas
      name: Acme SAS
      establishments: [{id: paris, name: Paris}, {id: lyon, name: Lyon}]
    - {id: acme-services, name: Acme Services SARL}""")


def test_each_entity_and_establishment_has_its_procedure(mini, tmp_path):
    profile = mini(GROUP_PROFILE)
    for milestone in ("avis-cse", "communication-inspection", "depot-greffe", "publicite"):
        assert run("adoption", "record", milestone, "--date", "2026-12-01", "-p", profile).exit_code == 0
    late = run("adoption", "record", "publicite", "--date", "2026-12-20", "--entity", "acme-sas",
               "--establishment", "lyon", "-p", profile)
    assert "Concerns: Acme SAS, Lyon" in late.output, late.output
    shown = run("adoption", "draft", "-p", profile, "--on", "2026-12-21").output
    for unit in ("Acme SAS, Paris", "Acme SAS, Lyon", "Acme Services SARL"):
        assert f"\n{unit}\n" in shown
    assert "Date d'entrée en vigueur la plus proche : 21 janvier 2027" in shown
    assert_user_error(run("adoption", "record", "avis-cse", "--date", "2026-12-01", "--entity", "acme-sa",
                          "-p", profile), "no entity 'acme-sa' in this charter. Did you mean 'acme-sas'?")
    assert_user_error(run("adoption", "record", "depot-greffes", "--date", "2026-12-01", "-p", profile),
                      "'depot-greffes' is not a milestone of this procedure. Did you mean 'depot-greffe'?")


@pytest.mark.slow
def test_the_pack_is_written_per_unit(mini, tmp_path):
    profile = mini(GROUP_PROFILE)
    assert run("release", "1.0.0", "-p", profile, "--date", "2027-01-04").exit_code == 0
    assert run("adoption", "pack", "-p", profile, "--out", tmp_path / "pack").exit_code == 0
    names = {p.name for p in (tmp_path / "pack").iterdir()}
    assert "acme-sas-lyon-lettre-inspection-travail.pdf" in names and "acme-services-avis-affichage.docx" in names
    assert len(names) == 3 * len(FR_PACK) * 2


def test_a_guide_needs_no_procedure_and_has_no_pack(mini):
    profile = mini(MINI_PROFILE.replace("annexe-reglement-interieur", "guide"))
    assert "Ce statut ne demande aucune procédure d'adoption" in run("adoption", "-p", profile).output
    assert_user_error(run("adoption", "record", "avis-cse", "--date", "2027-01-01", "-p", profile),
                      "needs no adoption procedure")
    done = run("release", "1.0.0", "-p", profile, "--date", "2027-01-04")
    assert "effective 2027-01-04 (from the release date" in done.output, done.output
    assert_user_error(run("adoption", "pack", "-p", profile), "charter-kit has no document to prepare")


def test_formalities_recorded_for_another_text_are_refused_unless_forced(mini):
    profile = mini()
    for milestone in ("avis-cse", "communication-inspection", "depot-greffe", "publicite"):
        assert run("adoption", "record", milestone, "--date", "2026-12-01", "-p", profile).exit_code == 0
    profile.write_text(profile.read_text().replace("{reseau: LinkedIn}", "{reseau: Mastodon}"))
    assert "Jalons enregistrés pour un texte antérieur" in run("adoption", "draft", "-p", profile, "--on",
                                                                "2026-12-02").output
    assert_user_error(run("release", "1.0.0", "-p", profile, "--date", "2027-01-04", "--effective", "2027-01-10"),
                      "milestones recorded for another text of the draft: avis-cse (2026-12-01)",
                      "is before the earliest lawful date 2027-02-05")
    forced = run("release", "1.0.0", "-p", profile, "--date", "2027-01-04", "--effective", "2027-01-10", "--force")
    assert forced.exit_code == 0 and "forced: milestones recorded for another text" in forced.output
    assert "(--force)" in release_yml(profile, "1.0.0")["forced"]
