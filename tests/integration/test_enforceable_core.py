"""Issue 12, engine side: clause natures, the annex of rules and the guide beside it, status labels and
region by jurisdiction, text that has none for a jurisdiction, and contacts that serve several roles.

Charters come from the shipped library through the real CLI; PDFs are read back with pypdf.
"""

from __future__ import annotations

import io
import json
import re
import unicodedata
from html import unescape
from pathlib import Path

import pypdf
import pytest

from charter_kit.compose.library import builtin_dir, load_library
from charter_kit.locales import fr
from charter_kit.model.charter import Charter
from charter_kit.model.vocabulary import DISCIPLINARY_STATUSES, JURISDICTIONS, NATURES
from charter_kit.outputs import markup, site
from charter_kit.outputs.pdf import annex_data
from charter_kit.outputs.registry import render_released
from conftest import LISTED_EXAMPLE, SMALL_EXAMPLE, assert_user_error, run, write_tree

#: Modules with rules, procedures and information, under every jurisdiction.
SPLIT_MODULES = ["socle", "confidentialite", "prestataires", "crise", "sanctions", "gouvernance"]
CONTACTS = """
contacts:
  communication: {name: Direction de la communication, email: com@acme.example}
  juridique: {name: Direction juridique, email: juridique@acme.example}
  rh: {name: Direction des ressources humaines, email: rh@acme.example}
  crise: {name: Cellule de crise, email: crise@acme.example, phone: "01 02 03 04 05"}
"""


def profile(jurisdiction: str = "fr", status: str = "annexe-reglement-interieur", modules=SPLIT_MODULES,
            contacts: str = CONTACTS, extra: str = "") -> str:
    """A profile for Acme under ``jurisdiction`` with ``status``."""
    listed = "\n".join(f"  - {m}" for m in modules)
    return (f"charter: {{jurisdiction: {jurisdiction}, status: {status}}}\n"
            f"company: {{name: Acme, legal_name: Acme SA}}\n{contacts.strip()}\nmodules:\n{listed}\n{extra}")


def make(tmp_path: Path, text: str, name: str = "proj") -> Path:
    return write_tree(tmp_path / name, {"charter.yml": text}) / "charter.yml"


def charter_of(path: Path) -> Charter:
    result = run("render", "-p", path, "--format", "json")
    assert result.exit_code == 0, result.output
    return Charter.from_json(result.output[result.output.index("{"):])


def pdf_text(path: Path) -> str:
    reader = pypdf.PdfReader(str(path))
    return norm("\n".join(page.extract_text() or "" for page in reader.pages))


def norm(text: str) -> str:
    """Text as compared: compatibility forms (ligatures), one kind of space, one kind of apostrophe."""
    text = unicodedata.normalize("NFKC", text).replace("’", "'")
    return " ".join(text.split())


def heading(clause) -> str:
    """A clause as its heading prints: number and title (Markdown escapes removed)."""
    title = _MARKDOWN.sub("", clause.title)
    return norm(f"{clause.number} {title}")


_MARKDOWN = re.compile(r"[\\*_`]")


# -- every clause has a nature ---------------------------------------------------------------------
def test_every_clause_of_the_shipped_library_and_the_examples_declares_its_nature():
    library = load_library(LISTED_EXAMPLE / "modules")
    assert len(library.modules) >= 16
    for module in library.modules.values():
        assert module.clauses, module.id
        for clause in module.clauses:
            assert clause.nature in NATURES, f"{module.id}.{clause.key} has no nature"
    natures = {c.nature for m in library.modules.values() for c in m.clauses}
    assert natures == set(NATURES)
    assert {a for m in library.modules.values() for c in m.clauses for a in c.audience} >= {"acheteurs"}
    assert builtin_dir().is_dir()


def test_a_local_module_without_nature_is_refused_with_its_file_and_line(tmp_path):
    text = profile(modules=["socle", "maison"], extra="local_modules: modules\n")
    path = write_tree(tmp_path / "p", {
        "charter.yml": text,
        "modules/maison/module.yml": 'id: maison\nversion: 1.0.0\ntitle: {fr: "Maison"}\nsummary: {fr: "x"}\norder: 90\n',
        "modules/maison/fr.md": "Intro.\n\n## Une règle {#une .regle}\nTexte.\n\n## Une autre {#autre}\nTexte.\n",
    }) / "charter.yml"
    assert_user_error(run("check", "-p", path),
                      "modules/maison/fr.md, line 6: clause 'autre' has no nature", "'{#autre .regle}'")


# -- the annex holds the rules, the guide the rest ------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("jurisdiction", JURISDICTIONS)
@pytest.mark.parametrize("status", DISCIPLINARY_STATUSES)
def test_annex_holds_exactly_the_rules_and_the_guide_the_rest(tmp_path, status, jurisdiction):
    path = make(tmp_path, profile(jurisdiction, status))
    charter = charter_of(path)
    rules = [c for c in charter.clauses() if c.nature == "regle"]
    others = [c for c in charter.clauses() if c.nature != "regle"]
    assert rules and {c.nature for c in others} == {"procedure", "information"}
    annex, guide = tmp_path / "annex.pdf", tmp_path / "guide.pdf"
    assert run("render", "-p", path, "--format", "pdf", "-o", annex).exit_code == 0
    assert run("render", "-p", path, "--format", "guide", "-o", guide).exit_code == 0
    annex_text, guide_text = pdf_text(annex), pdf_text(guide)
    for clause in rules:
        assert heading(clause) in annex_text, clause.id
        assert heading(clause) not in guide_text, clause.id
    for clause in others:
        assert heading(clause) in guide_text, clause.id
        assert heading(clause) not in annex_text, clause.id
    # Each says where the other lives, and both carry the same digest.
    assert "charte-reseaux-sociaux-guide-projet.pdf" in annex_text.replace(" ", "")
    assert "charte-reseaux-sociaux-projet.pdf" in guide_text.replace(" ", "")
    assert charter.digest in annex_text.replace(" ", "") and charter.digest in guide_text.replace(" ", "")
    # The status as this jurisdiction's law names it: on the annex's cover and in its metadata.
    label = fr.status_label(status, jurisdiction)
    reader = pypdf.PdfReader(str(annex))
    assert norm(label) in norm(reader.pages[0].extract_text())
    assert norm(label) in norm(str(reader.metadata.get("/Subject", "")))
    # The acknowledgement page is in the annex only, and asserts receipt, not a commitment.
    assert "Accusé de réception" in annex_text and "Accusé de réception" not in guide_text
    assert "m'engage" not in annex_text and "atteste seulement la remise du document" in annex_text


def test_a_guide_keeps_one_pdf_with_everything(tmp_path):
    path = make(tmp_path, profile("fr", "guide"))
    charter = charter_of(path)
    assert not markup.has_guide(charter)
    assert_user_error(run("render", "-p", path, "--format", "guide", "-o", tmp_path / "g.pdf"),
                      "this charter has no separate guide")
    data = annex_data(charter)
    printed = {c["anchor"] for a in data["articles"] for c in a["clauses"]}
    assert printed == {c.id for c in charter.clauses()}
    assert data["scope"] == [] and data["contacts"]


def test_a_release_made_before_natures_renders_as_before():
    """The listed example's committed 2.0.0 has no natures: every clause counts as a rule, one PDF."""
    charter = Charter.from_json((LISTED_EXAMPLE / "releases/2.0.0/charter.json").read_bytes())
    assert all(c.nature is None for c in charter.clauses())
    assert not markup.has_guide(charter)
    data = annex_data(charter)
    assert sum(len(a["clauses"]) for a in data["articles"]) == len(charter.clauses())
    assert all(a["intro"] or not art.intro for a, art in zip(data["articles"], charter.articles))
    assert data["scope"] == [] and data["contacts"] and all(a["elsewhere"] is None for a in data["articles"])


@pytest.mark.slow
def test_a_release_seals_both_pdfs_and_verifies(tmp_path):
    path = make(tmp_path, profile("be", "annexe-reglement-interieur"))
    result = run("release", "1.0.0", "-p", path, "--date", "2027-01-04", "--effective", "2027-03-01",
                 "--approved-by", "Claire Martin, directrice des ressources humaines")
    assert result.exit_code == 0, result.output
    folder = path.parent / "releases" / "1.0.0"
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["charte-reseaux-sociaux-1.0.0.pdf", "charte-reseaux-sociaux-guide-1.0.0.pdf",
                     "charter.json", "release.yml"]
    assert "charte-reseaux-sociaux-guide-1.0.0.pdf" in (folder / "release.yml").read_text(encoding="utf-8")
    verified = run("verify", "-p", path)
    assert verified.exit_code == 0, verified.output
    assert "1 of 1 release verified" in verified.output
    charter = Charter.from_json((folder / "charter.json").read_bytes())
    assert sorted(render_released(charter)) == names[:2]


# -- the site ----------------------------------------------------------------------------------------
def test_site_marks_each_clause_with_its_nature_and_audience(tmp_path):
    charter = charter_of(make(tmp_path, profile()))
    page = site.article_page(charter, charter.article("prestataires"))
    assert page.count('<span class="ck-nature ck-nature-procedure">Procédure</span>') == \
        len(charter.article("prestataires").clauses)
    assert "Pour : les acheteurs" in page
    socle = site.article_page(charter, charter.article("socle"))
    assert ">Règle</span>" in socle and ">Information</span>" in socle
    home = site.home_page(charter, "charte-reseaux-sociaux-projet.pdf")
    assert "Télécharger les règles (PDF)" in home and "charte-reseaux-sociaux-guide-projet.pdf" in home
    assert "« Règle », une obligation dont le manquement peut être sanctionné" in home
    # The site no longer asks employees to report colleagues' posts (O8) nor asserts a commitment.
    assert "vous vous engagez" not in home and "signaler à vos contacts" not in home


@pytest.mark.slow
def test_built_site_shows_the_badges_and_offers_both_pdfs(tmp_path):
    path = make(tmp_path, profile("ch", "note-de-service"))
    result = run("build", "-p", path, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "guide: " in result.output
    out = tmp_path / "out"
    assert (out / "charte-reseaux-sociaux-guide-projet.pdf").is_file()
    assert (out / "site" / "charte-reseaux-sociaux-guide-projet.pdf").is_file()
    html = (out / "site/articles/prestataires/index.html").read_text(encoding="utf-8")
    assert re.search(r'<span class="ck-nature ck-nature-procedure">Procédure</span>', html)
    assert "Pour : les acheteurs" in norm(unescape(html))  # French typography: a no-break space before ":"
    home = norm(unescape((out / "site/index.html").read_text(encoding="utf-8")))
    assert "<dd>Directives de l'employeur (CO 321d)</dd>" in home


# -- status labels, region, jurisdiction text -----------------------------------------------------------
@pytest.mark.parametrize("jurisdiction, status, label", [
    ("fr", "annexe-reglement-interieur", "Annexe au règlement intérieur"),
    ("ch", "note-de-service", "Directives de l'employeur (CO 321d)"),
    ("be", "annexe-reglement-interieur", "Annexe au règlement de travail"),
    ("lu", "annexe-reglement-interieur", "Annexe au règlement intérieur"),
    ("qc", "note-de-service", "Politique de l'employeur"),
])
def test_status_label_by_jurisdiction_on_the_site_and_in_the_pdf_data(tmp_path, jurisdiction, status, label):
    charter = charter_of(make(tmp_path, profile(jurisdiction, status)))
    assert markup.status_label(charter) == label
    assert label in site.pages(charter)["index.md"].replace("&#39;", "'")
    data = annex_data(charter)
    assert data["status"] == label.replace(" :", "\u00a0:") or label in data["status"]
    assert label in data["meta"]["description"]


def test_region_prints_the_language_that_prevails_and_only_in_belgium(tmp_path):
    path = make(tmp_path, profile("be", extra="", modules=["socle", "gouvernance"]).replace(
        "status: annexe-reglement-interieur}", "status: annexe-reglement-interieur, region: flandre}"))
    text = run("render", "-p", path).output
    assert "La charte doit donc être établie en néerlandais, et seule cette version fait foi" in text
    path = make(tmp_path, profile("fr", modules=["socle"]).replace(
        "status: annexe-reglement-interieur}", "status: annexe-reglement-interieur, region: wallonie}"), "fr")
    assert_user_error(run("check", "-p", path), "line 1: charter.region: a region only applies to Belgium")


@pytest.mark.slow
def test_check_names_a_module_that_has_no_text_for_the_jurisdiction(tmp_path):
    meta = 'id: maison\nversion: 1.0.0\ntitle: {fr: "Maison"}\nsummary: {fr: "x"}\norder: 90\n'
    text = ('## Se faire assister {#assistance .information}\n{% if charter.jurisdiction == "ch" %}Selon le CO.'
            '{% else %}Selon l\'article L1332-2 du Code du travail, consultez le CSE.{% endif %}\n')
    files = {"modules/maison/module.yml": meta, "modules/maison/fr.md": text}
    path = write_tree(tmp_path / "lu", {"charter.yml": profile("lu", modules=["socle", "maison"],
                                                                extra="local_modules: modules\n"), **files})
    assert_user_error(run("check", "-p", path / "charter.yml"),
                      "modules[1]: module 'maison' has no text for Luxembourg ('lu'): it would print French law",
                      "L1332-2")
    path = write_tree(tmp_path / "ch", {"charter.yml": profile("ch", modules=["socle", "maison"],
                                                                extra="local_modules: modules\n"), **files})
    assert run("check", "-p", path / "charter.yml").exit_code == 0
    # A module whose jurisdictions exclude the charter's is refused by name.
    files["modules/maison/module.yml"] = meta + "jurisdictions: [fr, ch]\n"
    path = write_tree(tmp_path / "qc", {"charter.yml": profile("qc", modules=["socle", "maison"],
                                                                extra="local_modules: modules\n"), **files})
    assert_user_error(run("check", "-p", path / "charter.yml"), "module 'maison' does not apply to jurisdiction 'qc'")


def test_check_says_which_modules_cite_no_law_of_the_jurisdiction(tmp_path):
    result = run("check", "-p", make(tmp_path, profile("lu", modules=["socle", "porte-parole", "gouvernance"])))
    assert result.exit_code == 0, result.output
    assert "module 'gouvernance' cites no law of jurisdiction 'lu'" in result.output
    assert "module 'socle' cites no law" not in result.output


# -- contacts: several roles, fallback, asked only when printed -----------------------------------------
ONE_CONTACT = "contacts:\n  rh: {name: Service des ressources humaines, email: rh@boulangerie.example}\n"
ALL_CONTACT_MODULES = ["socle", "transparence", "confidentialite", "propriete-intellectuelle", "respect",
                       "donnees-personnelles", "usage-personnel", "comptes-officiels", "porte-parole", "crise",
                       "prestataires", "sanctions", "gouvernance"]


@pytest.mark.slow
def test_one_contact_profile_reads_without_repeats_or_contradictions(tmp_path):
    path = make(tmp_path, profile("fr", "note-de-service", modules=ALL_CONTACT_MODULES, contacts=ONE_CONTACT))
    result = run("render", "-p", path)
    assert result.exit_code == 0, result.output
    text = norm(result.output.replace("\\", ""))
    assert text.count("rh@boulangerie.example") >= 15
    # No other department is named next to the one address ("le service juridique : Service des RH").
    for role, phrases in fr.ROLE_PHRASE.items():
        if role == "rh":
            continue
        for phrase in phrases:
            assert f"{phrase} (rh@" not in text and f"{phrase} : Service des ressources humaines" not in text, phrase
    assert not re.search(r"(service juridique|service communication|cellule de crise|protection des données|"
                         r"sécurité informatique|relations investisseurs|conformité)\W{1,3}(Service des|rh@)", text)
    # The address is said once wherever the text used to list two roles side by side.
    for paragraph in result.output.replace("\\", "").split("\n\n"):
        assert paragraph.count("rh@boulangerie.example") <= 1, paragraph
    charter = charter_of(path)
    assert charter.contacts["rh"]["roles"][0] == "rh" and "juridique" in charter.contacts["rh"]["roles"]
    rows = markup.contact_rows(charter)
    assert len(rows) == 1 and rows[0]["email"] == "rh@boulangerie.example"
    assert "Juridique" in rows[0]["label"] and "Communication" in rows[0]["label"]
    page = site.contacts_page(charter)
    assert page.count("rh@boulangerie.example") == 2  # one row: the mailto link and its text


def test_small_example_names_its_manager_once_for_two_roles():
    path = SMALL_EXAMPLE / "charter.yml"
    result = run("render", "-p", path)
    assert result.exit_code == 0, result.output
    text = result.output.replace("\\", "")
    assert "prévenez tout de suite Claire Martin, gérante (claire.martin@atelier-lumen.example)" in text
    assert "service juridique" not in text
    charter = charter_of(path)
    rows = {r["email"]: r["label"] for r in markup.contact_rows(charter)}
    assert rows["claire.martin@atelier-lumen.example"] == "Communication et Juridique"
    assert len(rows) == 3


@pytest.mark.slow
def test_check_asks_only_for_the_contacts_a_kept_clause_prints(tmp_path):
    meta = ('id: maison\nversion: 1.0.0\ntitle: {fr: "Maison"}\nsummary: {fr: "x"}\norder: 90\n'
            'contacts: [investisseurs]\noptions:\n  bourse: {type: bool, default: false, label: {fr: "Cotée"}}\n')
    text = ('## Règle {#regle .regle}\nTexte.\n\n{% if opt.bourse %}\n## Bourse {#bourse .regle}\n'
            'Écrivez {{ contacts.investisseurs.au }}.\n{% endif %}\n## Autre {#autre .procedure}\n'
            'Écrivez {{ contacts.securite.au }}.\n')
    contacts = "contacts:\n  juridique: {email: juridique@acme.example}\n"
    files = {"modules/maison/module.yml": meta, "modules/maison/fr.md": text}

    def check(modules_entry: str, extra: str = "") -> object:
        body = profile(modules=["maison"], contacts=contacts, extra="local_modules: modules\n" + extra)
        body = body.replace("  - maison", modules_entry)
        return run("check", "-p", write_tree(tmp_path / str(len(list(tmp_path.iterdir()))),
                                              {"charter.yml": body, **files}) / "charter.yml")

    # securite is printed and nobody serves it (securite → rh: neither is given).
    assert_user_error(check("  - maison"), "missing contact 'securite' (cited by maison)",
                      "a contact 'rh' would stand in for it")
    # Removing the clause that prints it removes the need; investisseurs, behind an option, is not asked.
    result = check("  - maison", "overrides:\n  maison.autre: {remove: true}\n")
    assert result.exit_code == 0, result.output
    # With the option on, investisseurs is printed: investisseurs → communication → rh, none given.
    assert_user_error(check("  - {id: maison, options: {bourse: true}}", "overrides:\n  maison.autre: {remove: true}\n"),
                      "missing contact 'investisseurs' (cited by maison)")
    # A contact that declares the role serves it; a role declared twice is refused.
    contacts = "contacts:\n  juridique: {email: juridique@acme.example, roles: [securite, investisseurs]}\n"
    result = check("  - {id: maison, options: {bourse: true}}")
    assert result.exit_code == 0, result.output
    contacts = ("contacts:\n  juridique: {email: juridique@acme.example, roles: [securite]}\n"
                "  securite: {email: securite@acme.example}\n")
    assert_user_error(check("  - maison"), "line 4: contacts.juridique.roles[0]: role 'securite' has its own entry")


def test_missing_contacts_come_with_the_profile_s_other_problems(tmp_path):
    """A profile with a wrong variable and a missing contact: both in one run."""
    body = profile(modules=["socle", "crise"], contacts="contacts:\n  crise: {email: c@acme.example}\n")
    body = body.replace("  - crise", "  - {id: crise, variables: {delai_niveau_2_heures: deux}}")
    result = run("check", "-p", make(tmp_path, body))
    assert_user_error(result, "delai_niveau_2_heures: expected a whole number", "missing contact 'rh'")


def test_json_of_a_charter_without_shared_contacts_keeps_its_form(tmp_path):
    """Contacts serving only their own role add nothing to the canonical form (older digests hold)."""
    charter = charter_of(make(tmp_path, profile()))
    assert all("roles" not in c for c in charter.contacts.values())
    assert json.loads(charter.to_json())["contacts"]["rh"] == {
        "email": "rh@acme.example", "name": "Direction des ressources humaines", "phone": None}
