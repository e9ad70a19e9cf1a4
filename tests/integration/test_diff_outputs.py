"""Diff outputs read back by real clients: Chromium for the HTML redline, pypdf for the PDF,
LibreOffice for the Word document with tracked changes (converted to ODT and to PDF)."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader

from charter_kit.model.charter import Article, Charter, Clause
from charter_kit.diff.changes import CharterDiff, ReleaseInfo
from charter_kit.diff.compare import diff
from charter_kit.reports.html import to_html
from charter_kit.reports.markdown_text import plain
from charter_kit.reports.pdf import to_pdf
from charter_kit.reports.wording import french_date
from charter_kit.reports.docx import to_docx
from charter_kit.compose.library import load_library
from charter_kit.compose.profile import load_profile
from charter_kit.compose.render import render
from charter_kit.compose.resolve import resolve
from charter_kit.compose.pipeline import load_project
from conftest import LISTED_EXAMPLE, SMALL_EXAMPLE, launch_chromium, write_tree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
AUTHOR = "Jeanne Martin, DRH"


def _library(version: str, respect: str, changelog: str) -> dict[str, str]:
    """A module library (module.yml and fr.md files) at one version of the socle module."""
    return {
        "socle/module.yml": f"""
            id: socle
            version: {version}
            title: {{fr: "Socle commun"}}
            summary: {{fr: "Les règles de base."}}
            order: 10
            contacts: [juridique]
            variables:
              exemples:
                type: list
                default: ["les feuilles de route", "les listes de clients"]
                label: {{fr: "Exemples"}}
            options:
              embargo: {{type: bool, default: false, label: {{fr: "Embargos"}}}}
            legal_basis:
              fr: ["C. trav., art. L1121-1"]
            changelog:
              - {{version: 1.0.0, date: 2026-01-05, note: {{fr: "Première version."}}}}
              {changelog}
            """,
        "socle/fr.md": f"""
            Les règles de {{{{ company.name }}}} pour tous.

            ## Respecter chacun {{#respect .regle}}
            {respect}

            **En pratique**

            - Oui : répondre poliment.
            - Non : insulter un client.

            ## En cas de doute {{#doute .regle}}
            Écrivez au service juridique de {{{{ company.name }}}}
            ({{{{ contacts.juridique.email }}}}) avant de publier.

            ## Ce qui reste confidentiel {{#exemples .regle}}
            {{% for e in var.exemples %}}- {{{{ e }}}}
            {{% endfor %}}
            {{% if opt.embargo %}}
            ## Respecter les embargos {{#embargo .regle}}
            Ne publiez rien avant la levée d'un embargo.
            {{% endif %}}

            ## Citer ses sources {{#sources .regle}}
            Citez toujours vos sources.

            ## Signer {{#signer .regle}}
            Signez vos messages de votre nom.
            """,
        "crise/module.yml": """
            id: crise
            version: 1.0.0
            title: {fr: "Situations de crise"}
            summary: {fr: "Que faire quand tout s'emballe."}
            order: 20
            requires: [socle]
            """,
        "crise/fr.md": """
            ## Ne pas répondre {#reponse .regle}
            Ne répondez pas vous-même ; voir {{ ref("socle.doute") }}.
            """,
    }


_PROFILE_A = """
    charter: {title: "Charte des réseaux sociaux", jurisdiction: fr, status: guide, effective_date: 2026-02-01}
    company: {name: "Dupont & Fils", legal_name: "Dupont & Fils SA"}
    contacts:
      juridique: {email: juridique@dupont.example}
    modules: [socle]
    """
_PROFILE_B = """
    charter: {title: "Charte des réseaux sociaux", jurisdiction: fr, status: annexe-reglement-interieur,
              effective_date: 2026-04-01}
    company: {name: "Dupont & Fils", legal_name: "Dupont & Fils SA"}
    contacts:
      juridique: {email: legal@dupont.example}
    modules:
      - id: socle
        options: {embargo: true}
        variables: {exemples: ["les plans de collection", "les listes de clients"]}
      - crise
    overrides:
      socle.sources: {remove: true}
      socle.signer: {text: "Signez vos messages de votre nom et de votre fonction."}
    """


def _render(folder: Path, library: dict[str, str], profile: str, **release) -> Charter:
    """Render a profile with a library through the real pipeline."""
    write_tree(folder, {"charter.yml": profile, **{f"lib/{k}": v for k, v in library.items()}})
    loaded = load_profile(folder / "charter.yml")
    return render(resolve(loaded, load_library(builtin=folder / "lib", root=loaded.root)), **release)


@pytest.fixture(scope="module")
def pair(tmp_path_factory) -> tuple[Charter, Charter]:
    """Release 1.0.0 and release 2.0.0 of a charter, rendered by the real pipeline."""
    root = tmp_path_factory.mktemp("diff-pair")
    a = _render(root / "a", _library("1.0.0", "Restez courtois avec vos collègues et le public.", ""), _PROFILE_A,
                version="1.0.0", date="2026-01-10", effective_date="2026-02-01")
    b = _render(root / "b", _library(
        "1.0.1", "Restez courtois avec vos collègues, vos clients et le public.",
        '- {version: 1.0.1, date: 2026-02-20, note: {fr: "Les clients sont cités."}}'), _PROFILE_B,
        version="2.0.0", date="2026-03-01", effective_date="2026-04-01")
    return a, b


@pytest.fixture(scope="module")
def d(pair) -> CharterDiff:
    """The diff of the pair, with release metadata."""
    a, b = pair
    return diff(a, b, a_meta=ReleaseInfo("1.0.0", "2026-01-10", ("Paul Durand, DRH",)),
                b_meta=ReleaseInfo("2.0.0", "2026-03-01", (AUTHOR, "Luc Petit, DG"), "Version annuelle."))


@pytest.fixture(scope="module")
def out(tmp_path_factory, d, pair) -> Path:
    """Every output written once: redline.html, redline.pdf, charte.docx."""
    folder = tmp_path_factory.mktemp("diff-outputs")
    (folder / "redline.html").write_text(to_html(d), encoding="utf-8")
    (folder / "redline.pdf").write_bytes(to_pdf(d))
    (folder / "charte.docx").write_bytes(to_docx(d, pair[1], author=AUTHOR))
    return folder


def test_the_pair_has_every_kind_of_change(d):
    kinds = {c.id: c.kinds for c in d.clauses}
    assert kinds["socle.embargo"] == ("added",) and kinds["socle.sources"] == ("removed",)
    assert "modified" in kinds["socle.respect"] and "modified" in kinds["socle.signer"]
    assert [a.status for a in d.articles if a.id == "crise"] == ["added"]
    assert not any(c.moved for c in d.clauses)  # so rejecting every Word change gives version 1.0.0 back


# -- HTML in a real browser ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def browser_page(out):
    """The HTML redline open in headless Chromium, with every request it made."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page()
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto((out / "redline.html").as_uri())
        page.wait_for_load_state("networkidle")
        yield page, requests
        browser.close()


@pytest.mark.browser
@pytest.mark.slow
def test_html_redline_makes_no_request_but_itself(browser_page, out):
    _, requests = browser_page
    assert requests == [(out / "redline.html").as_uri()]


@pytest.mark.browser
def test_html_redline_strikes_deletions_in_red_and_shows_insertions_in_green(browser_page):
    page, _ = browser_page
    style = page.evaluate("""() => {
        const d = getComputedStyle(document.querySelector('section.change del'));
        const i = getComputedStyle(document.querySelector('section.change ins'));
        return [d.textDecorationLine, d.color, i.color];
    }""")
    assert style == ["line-through", "rgb(179, 38, 30)", "rgb(20, 108, 46)"]


@pytest.mark.browser
def test_html_redline_lists_every_change_with_its_cause(browser_page, d):
    page, _ = browser_page
    rows = page.locator("table.summary tbody tr")
    detailed = [c for c in d.clauses if c.kinds != ("renumbered",)]
    assert rows.count() == len(detailed)
    text = page.inner_text("body")
    for c in detailed:
        assert f"{c.number} {plain(c.title)}" in text
    assert "texte du module « socle » mis à jour dans la bibliothèque : version 1.0.0 → 1.0.1" in text
    assert "Les clients sont cités." in text
    assert "option « embargo »" in text and "contact « juridique »" in text
    assert "adaptation ajoutée dans le profil pour la clause socle.sources (clause supprimée)" in text
    assert "module « crise » ajouté" in text


@pytest.mark.browser
def test_html_redline_shows_readable_text_not_markdown(browser_page):
    page, _ = browser_page
    text = page.inner_text("main")
    assert "Écrivez au service juridique de Dupont & Fils (" in text
    assert page.locator("section.removed p.del").count() == 0  # no pilcrows in a clause removed whole
    assert page.locator("section.removed p").count() >= 1
    assert "(clause:" not in text and "&amp;" not in text and "**" not in text and "\\" not in text
    assert "voir article 1.2." in text
    strong = page.locator("section.change strong", has_text="En pratique")
    assert strong.count() >= 1


# -- PDF (Typst) ------------------------------------------------------------------------------------
def test_pdf_redline_reads_back(out, d):
    reader = PdfReader(out / "redline.pdf")
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Modifications de la charte" in text
    assert "Respecter les embargos" in text and "Citer ses sources" in text
    assert "legal@dupont.example" in text and "juridique@dupont.example" in text
    assert "Origine des changements" in text
    assert reader.metadata.title.startswith("Modifications : Charte des réseaux sociaux")


def test_pdf_redline_is_reproducible(out, d):
    assert to_pdf(d) == (out / "redline.pdf").read_bytes()


# -- DOCX: structure -------------------------------------------------------------------------------
def _part(docx: bytes, name: str) -> etree._Element:
    """One XML part of a .docx, parsed."""
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        return etree.fromstring(z.read(name))


def test_docx_tracks_every_change_with_author_date_and_unique_ids(out):
    document = _part((out / "charte.docx").read_bytes(), "word/document.xml")
    marks = list(document.iter(W + "ins", W + "del"))
    assert len(marks) > 10
    assert {m.get(W + "author") for m in marks} == {AUTHOR}
    assert {m.get(W + "date") for m in marks} == {"2026-03-01T00:00:00Z"}
    comments = _part((out / "charte.docx").read_bytes(), "word/comments.xml")
    ids = [m.get(W + "id") for m in marks] + [c.get(W + "id") for c in comments.iter(W + "comment")]
    assert len(ids) == len(set(ids)) and len(comments) > 5
    for deletion in document.iter(W + "del"):
        assert deletion.find(f".//{W}t") is None
    for text in document.iter(W + "delText"):
        assert text.getparent().getparent().tag == W + "del"
    settings = _part((out / "charte.docx").read_bytes(), "word/settings.xml")
    assert settings.find(W + "trackRevisions") is not None


#: Paragraph styles of the first page around the title (facts, table of changes, notice): not the charter's text.
COVER_STYLES = {"ckCover", "ckKicker", "ckNotice", "ckTableText", "ckTableHead"}


def _resolved(docx: bytes, accept: bool) -> list[str]:
    """The document's paragraphs once every change is accepted (or rejected), as Word does it;
    the first page's facts and table of changes left out, typography read as plain spaces and quotes."""
    body = _part(docx, "word/document.xml").find(W + "body")
    drop, keep = (W + "del", W + "ins") if accept else (W + "ins", W + "del")
    texts, carry = [], ""
    for p in body.iter(W + "p"):
        style = p.find(f"{W}pPr/{W}pStyle")
        if style is not None and style.get(W + "val") in COVER_STYLES or p.find(f"{W}pPr/{W}sectPr") is not None:
            continue
        rpr = p.find(f"{W}pPr/{W}rPr")
        mark_dropped = rpr is not None and rpr.find(drop) is not None
        parts = []
        for node in p.iter(W + "t", W + "delText"):
            inside = {a.tag for a in node.iterancestors() if a.tag in (drop, keep)}
            if drop not in inside:
                parts.append(node.text or "")
        text = carry + _untypeset("".join(parts))
        if mark_dropped:
            carry = text
        elif text or p.find(f"{W}r/{W}br") is None:
            # A list item is a numbered paragraph (its mark, which survives, holds the numbering).
            texts.append(("• " if p.find(f"{W}pPr/{W}numPr") is not None else "") + text)
            carry = ""
    return texts


def _untypeset(text: str) -> str:
    """French typography (no-break spaces, apostrophes, ordinals) read back as typed."""
    return (text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2019", "'")
            .replace("ᵉʳ", "er").replace("ʳᵉ", "re").replace("ᵉ", "e"))


def _expected(charter: Charter, label: str) -> list[str]:
    """A charter's paragraphs as the Word document shows them."""
    name = charter.company["legal_name"]
    out = [charter.title, f"{name} · version {label}"
           + (f" · en vigueur le {french_date(charter.effective_date)}" if charter.effective_date else "")]
    for a in charter.articles:
        out.append(f"Article {a.number}. {plain(a.title)}")
        out += [p for p in re.split(r"\n+", plain(a.intro)) if p]
        for c in a.clauses:
            out.append(f"{c.number} {plain(c.title)}")
            out += [p.lstrip() for p in re.split(r"\n+", plain(c.text)) if p]
        if a.legal_basis:
            out.append("Références : " + " ; ".join(a.legal_basis))
    return [_untypeset(line) for line in out]


def test_docx_accepting_every_change_gives_the_new_version(out, pair):
    assert _resolved((out / "charte.docx").read_bytes(), accept=True) == _expected(pair[1], "2.0.0")


def test_docx_rejecting_every_change_gives_the_old_version(out, pair):
    assert _resolved((out / "charte.docx").read_bytes(), accept=False) == _expected(pair[0], "1.0.0")


def test_docx_comments_give_the_causes(out):
    comments = _part((out / "charte.docx").read_bytes(), "word/comments.xml")
    texts = [_untypeset("".join(c.itertext())) for c in comments.iter(W + "comment")]
    assert any("option « embargo »" in t for t in texts)
    assert any("contact « juridique »" in t for t in texts)
    assert {c.get(W + "author") for c in comments.iter(W + "comment")} == {AUTHOR}
    assert {c.get(W + "date") for c in comments.iter(W + "comment")} == {"2026-03-01T00:00:00Z"}


def test_docx_bytes_are_reproducible(out, d, pair):
    data = (out / "charte.docx").read_bytes()
    assert to_docx(d, pair[1], author=AUTHOR) == data
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    assert "<dcterms:created xsi:type=\"dcterms:W3CDTF\">2026-03-01T00:00:00Z</dcterms:created>" in core
    assert "<dc:title>Charte des réseaux sociaux</dc:title>" in core


def test_docx_is_attributed_to_charter_kit_unless_told(pair, d):
    a, b = pair
    data = to_docx(d, b)
    marks = list(_part(data, "word/document.xml").iter(W + "ins", W + "del"))
    assert {m.get(W + "author") for m in marks} == {"charter-kit"}  # the approver made none of them
    comments = _part(data, "word/comments.xml").iter(W + "comment")
    assert {c.get(W + "author") for c in comments} == {"charter-kit"}


def test_docx_without_release_metadata_uses_charter_kit_and_the_charter_date(pair):
    a, b = pair
    data = to_docx(diff(a, b), b)
    marks = list(_part(data, "word/document.xml").iter(W + "ins", W + "del"))
    assert {m.get(W + "author") for m in marks} == {"charter-kit"}
    assert {m.get(W + "date") for m in marks} == {"2026-03-01T00:00:00Z"}


# -- DOCX: opened by LibreOffice -------------------------------------------------------------------
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
DC = "{http://purl.org/dc/elements/1.1/}"


def _soffice(source: Path, fmt: str, folder: Path) -> Path:
    """Convert a file with headless LibreOffice; return the result's path."""
    # A private profile folder: other LibreOffice runs on the machine must not share ours.
    profile = (folder / "lo-profile").as_uri()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--norestore",
                    "--convert-to", fmt, "--outdir", str(folder), str(source)],
                   check=True, capture_output=True, timeout=180)
    result = folder / f"{source.stem}.{fmt}"
    assert result.is_file(), f"LibreOffice wrote no {fmt}"
    return result


@pytest.fixture(scope="module")
def odt(out) -> etree._Element:
    """content.xml of the DOCX converted to ODT by LibreOffice."""
    with zipfile.ZipFile(_soffice(out / "charte.docx", "odt", out)) as z:
        return etree.fromstring(z.read("content.xml"))


@pytest.mark.office
@pytest.mark.slow
def test_libreoffice_reads_the_tracked_changes_and_their_author(odt):
    regions = list(odt.iter(TEXT + "changed-region"))
    insertions = [r for r in regions if r.find(TEXT + "insertion") is not None]
    deletions = [r for r in regions if r.find(TEXT + "deletion") is not None]
    assert len(insertions) >= 5 and len(deletions) >= 5
    assert {c.text for c in odt.iter(DC + "creator") if c.getparent().tag == OFFICE + "change-info"} == {AUTHOR}
    assert {c.text[:10] for r in regions for c in r.iter(DC + "date")} == {"2026-03-01"}
    deleted_text = " ".join("".join(r.itertext()) for r in deletions)
    for word in ("feuilles", "route", "Citer ses sources", "juridique", "1.0.0"):
        assert word in deleted_text


@pytest.mark.office
def test_libreoffice_keeps_the_new_text_in_the_body(odt):
    body = odt.find(f"{OFFICE}body/{OFFICE}text")
    paragraphs = ["".join(p.itertext()) for p in body.iter(TEXT + "p", TEXT + "h")]
    text = "\n".join(paragraphs)
    assert "Respecter les embargos" in text and "les plans de collection" in text
    assert "Signez vos messages de votre nom et de votre fonction." in text
    annotations = [_untypeset("".join(a.itertext())) for a in body.iter(OFFICE + "annotation")]
    assert any("option « embargo »" in a for a in annotations)


@pytest.mark.office
def test_libreoffice_prints_the_redline_to_pdf(out):
    reader = PdfReader(_soffice(out / "charte.docx", "pdf", out))
    text = "\n".join(page.extract_text() for page in reader.pages)
    # Changes are shown: both the deleted and the inserted words are printed.
    assert "feuilles" in text and "plans" in text
    assert "Citer ses sources" in text and "Respecter les embargos" in text


def test_docx_of_a_draft_without_dates_has_no_revision_dates(pair):
    a, b = pair
    draft = replace(b, version=None, date=None, effective_date=None)
    d = diff(a, draft)
    data = to_docx(d, draft)
    marks = list(_part(data, "word/document.xml").iter(W + "ins", W + "del"))
    assert marks and all(m.get(W + "date") is None for m in marks)
    assert _resolved(data, accept=True)[1] == "Dupont & Fils SA · version projet"
    assert to_docx(d, draft) == data
    assert "Comparaison de la version 1.0.0 du 10 janvier 2026 (empreinte" in to_html(d)
    assert "Comparaison du projet en cours (empreinte" in to_html(diff(draft, b))


# -- the bundled examples --------------------------------------------------------------------------
def _variant(charter: Charter) -> Charter:
    """The charter with its first clause reworded, a clause of article 2 removed and a clause added at the end."""
    articles = list(charter.articles)
    first = articles[0].clauses[0]
    reworded = replace(first, text="Désormais, " + first.text[:1].lower() + first.text[1:])
    articles[0] = replace(articles[0], clauses=(reworded, *articles[0].clauses[1:]))
    articles[1] = replace(articles[1], clauses=articles[1].clauses[:1] + articles[1].clauses[2:])
    extra = Clause(id=f"{articles[-1].id}.ajout", number="", title="Une règle ajoutée",
                   text="Une règle **nouvelle**, voir [article 1.1](clause:" + first.id + ").")
    articles[-1] = replace(articles[-1], clauses=(*articles[-1].clauses, extra))
    return replace(charter, articles=tuple(_numbered(articles)))


def _numbered(articles: list[Article]) -> list[Article]:
    """Articles and clauses numbered again in order."""
    return [replace(a, number=n, clauses=tuple(replace(c, number=f"{n}.{m}") for m, c in enumerate(a.clauses, 1)))
            for n, a in enumerate(articles, 1)]


@pytest.mark.slow
@pytest.mark.parametrize("example", [LISTED_EXAMPLE, SMALL_EXAMPLE], ids=lambda p: p.name)
def test_bundled_examples_round_trip_through_word(example):
    a = load_project(example / "charter.yml").charter
    b = _variant(a)
    assert diff(a, a).is_empty
    d = diff(a, b)
    assert d.counts()["added"] == 1 and d.counts()["removed"] == 1 and d.counts()["modified"] == 1
    data = to_docx(d, b)
    assert _resolved(data, accept=True) == _expected(b, "projet")
    assert _resolved(data, accept=False) == _expected(a, "projet")
    text = "\n".join(_expected(b, "projet"))
    assert not re.search(r"\*\*|\]\(|&amp;|&lt;|\\[^\w\s]", text), "Markdown left in the readable text"
