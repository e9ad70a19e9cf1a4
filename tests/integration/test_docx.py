"""Legal-grade Word documents (issue 14): the consolidated DOCX of a charter and the redline, read
back part by part and opened by LibreOffice (to PDF and to ODT), with screenshots kept in
tests/artifacts/docx/ (cover with the table of changes, a page of redlines, header and footer)."""

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

from conftest import ARTIFACTS, SMALL_EXAMPLE

from charter_kit.compose.pipeline import load_project
from charter_kit.diff.changes import ReleaseInfo
from charter_kit.diff.compare import diff
from charter_kit.outputs.docx import render_docx
from charter_kit.reports.docx import to_docx
from charter_kit.typeset.docx import bookmark_name

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"


@pytest.fixture(scope="module")
def charter():
    return load_project(SMALL_EXAMPLE / "charter.yml").charter.with_release(
        version="1.0.0", date="2026-11-02", effective_date="2027-03-01")


@pytest.fixture(scope="module")
def changed(charter):
    """Version 1.1.0: the first clause reworded, a list item changed, the third clause removed."""
    first, rest = charter.articles[0], charter.articles[1:]
    c0, c1, c2 = first.clauses[:3]
    c0 = replace(c0, text=c0.text.replace("comptes officiels", "comptes professionnels", 1))
    articles = (replace(first, clauses=(c0, c1, *first.clauses[3:])), *rest)
    renumbered = tuple(replace(a, clauses=tuple(replace(c, number=f"{a.number}.{m}") for m, c in enumerate(a.clauses, 1)))
                       for a in articles)
    return replace(charter, articles=renumbered, version="1.1.0", date="2026-12-01")


@pytest.fixture(scope="module")
def consolidated(charter) -> bytes:
    return render_docx(charter)


@pytest.fixture(scope="module")
def redline(charter, changed) -> bytes:
    d = diff(charter, changed, a_meta=ReleaseInfo("1.0.0", "2026-11-02"), b_meta=ReleaseInfo("1.1.0", "2026-12-01"))
    return to_docx(d, changed, line_numbers=True)


def _part(data: bytes, name: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return etree.fromstring(z.read(name))


def _names(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.namelist()


# -- parts -----------------------------------------------------------------------------------------
def test_no_template_leftovers_and_clean_properties(consolidated, charter):
    names = _names(consolidated)
    assert not any(n.startswith(("customXml", "docProps/thumbnail")) or "bibliography" in n for n in names)
    with zipfile.ZipFile(io.BytesIO(consolidated)) as z:
        app = z.read("docProps/app.xml").decode()
        core = z.read("docProps/core.xml").decode()
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert "Microsoft" not in app and "<Application>charter-kit</Application>" in app
    assert f"<dc:creator>{charter.company['legal_name']}</dc:creator>" in core
    assert "<dc:language>fr-FR</dc:language>" in core and "<dc:title>Charte d" in core
    assert '<dcterms:created xsi:type="dcterms:W3CDTF">2027-03-01T00:00:00Z</dcterms:created>' in core
    assert render_docx(charter) == consolidated  # same charter, same bytes


def test_paper_follows_the_jurisdiction(consolidated, charter):
    size = _part(consolidated, "word/document.xml").find(f".//{W}body/{W}sectPr/{W}pgSz")
    assert (size.get(W + "w"), size.get(W + "h")) == ("11906", "16838")  # A4
    letter = render_docx(replace(charter, jurisdiction="qc"))
    size = _part(letter, "word/document.xml").find(f".//{W}body/{W}sectPr/{W}pgSz")
    assert (size.get(W + "w"), size.get(W + "h")) == ("12240", "15840")  # US Letter


def test_header_footer_and_page_fields(consolidated, charter):
    header = "".join(_part(consolidated, "word/header1.xml").itertext())
    footer = _part(consolidated, "word/footer1.xml")
    assert charter.title.replace("'", "’") in header and "Version 1.0.0" in header
    fields = [t.text.strip() for t in footer.iter(W + "instrText")]
    assert fields == ["PAGE", "NUMPAGES"] and "Page" in "".join(footer.itertext())
    sections = list(_part(consolidated, "word/document.xml").iter(W + "sectPr"))
    assert len(sections) == 2 and sections[0].find(W + "headerReference") is None  # the cover has none


def test_every_clause_is_bookmarked_and_links_reach_bookmarks(consolidated, charter):
    doc = _part(consolidated, "word/document.xml")
    marks = {b.get(W + "name") for b in doc.iter(W + "bookmarkStart")}
    assert {bookmark_name(c.id) for c in charter.clauses()} <= marks
    anchors = {h.get(W + "anchor") for h in doc.iter(W + "hyperlink") if h.get(W + "anchor")}
    assert anchors and anchors <= marks
    assert all(len(m) <= 40 for m in marks)


def test_lists_are_word_lists_not_typed_bullets(consolidated):
    doc = _part(consolidated, "word/document.xml")
    numbered = [p for p in doc.iter(W + "p") if p.find(f"{W}pPr/{W}numPr") is not None]
    assert len(numbered) > 5
    assert not any("".join(p.itertext()).lstrip().startswith("•") for p in doc.iter(W + "p"))
    levels = _part(consolidated, "word/numbering.xml").findall(f".//{W}lvl")
    assert levels and levels[0].find(W + "lvlText").get(W + "val") == "•"


def test_acknowledgement_page_and_contacts_as_in_the_pdf(consolidated):
    text = "\n".join("".join(p.itertext()) for p in _part(consolidated, "word/document.xml").iter(W + "p"))
    assert "Accusé de réception" in text and "Je soussigné(e) reconnais avoir reçu" in text
    assert "Contacts" in text and "Nom et prénom" in text


def test_line_numbers_on_request(charter, consolidated):
    assert _part(consolidated, "word/document.xml").find(f".//{W}lnNumType") is None
    numbered = _part(render_docx(charter, line_numbers=True), "word/document.xml")
    assert numbered.find(f".//{W}lnNumType").get(W + "restart") == "newPage"


def test_redline_cover_lists_the_changes_with_links(redline, changed):
    doc = _part(redline, "word/document.xml")
    rows = doc.findall(f".//{W}tbl/{W}tr")
    text = ["".join(r.itertext()) for r in rows]
    assert text[0].startswith("Clause") and any("Supprimée" in t for t in text) and any("Fond" in t for t in text)
    marks = {b.get(W + "name") for b in doc.iter(W + "bookmarkStart")}
    links = [h.get(W + "anchor") for r in rows for h in r.iter(W + "hyperlink")]
    assert links and set(links) <= marks
    comments = ["".join(c.itertext()) for c in _part(redline, "word/comments.xml").iter(W + "comment")]
    assert any(c.startswith("Le texte de cette clause change sur le fond") for c in comments)
    assert any(c.startswith("Cette clause est supprimée") for c in comments)
    assert all(c.rstrip().endswith(".") for c in comments)  # sentences


# -- LibreOffice -----------------------------------------------------------------------------------
def _soffice(source: Path, fmt: str, folder: Path) -> Path:
    profile = (folder / "lo-profile").as_uri()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", fmt,
                    "--outdir", str(folder), str(source)], check=True, capture_output=True, timeout=180)
    result = folder / f"{source.stem}.{fmt.split(':')[0]}"
    assert result.is_file()
    return result


@pytest.fixture(scope="module")
def office(tmp_path_factory, consolidated, redline) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("office")
    (folder / "charte.docx").write_bytes(consolidated)
    (folder / "redline.docx").write_bytes(redline)
    return {name: _soffice(folder / f"{stem}.docx", fmt, folder)
            for name, stem, fmt in (("charte.pdf", "charte", "pdf"), ("redline.pdf", "redline", "pdf"),
                                    ("charte.odt", "charte", "odt"), ("redline.odt", "redline", "odt"))}


def _pages_text(pdf: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(pdf).pages]


@pytest.mark.office
@pytest.mark.slow
def test_libreoffice_prints_header_footer_and_page_numbers(office, charter):
    pages = _pages_text(office["charte.pdf"])
    total = len(pages)
    assert total > 5
    assert re.search(rf"Page\s*2\s*/\s*{total}", pages[1]) and re.search(rf"Page\s*{total}\s*/\s*{total}", pages[-1])
    assert "Page" not in pages[0]  # the cover has no footer
    assert "Accusé de réception" in pages[-1]


@pytest.mark.office
@pytest.mark.slow
def test_libreoffice_reads_bookmarks_lists_changes_and_comments(office, charter):
    with zipfile.ZipFile(office["charte.odt"]) as z:
        content = etree.fromstring(z.read("content.xml"))
    names = {b.get(TEXT + "name") for b in content.iter(TEXT + "bookmark-start", TEXT + "bookmark")}
    assert {bookmark_name(c.id) for c in charter.clauses()} <= names
    assert len(list(content.iter(TEXT + "list"))) > 3
    with zipfile.ZipFile(office["redline.odt"]) as z:
        red = etree.fromstring(z.read("content.xml"))
    regions = list(red.iter(TEXT + "changed-region"))
    assert any(r.find(TEXT + "deletion") is not None for r in regions)
    assert any(r.find(TEXT + "insertion") is not None for r in regions)
    assert {c.text for c in red.iter("{http://purl.org/dc/elements/1.1/}creator")} >= {"charter-kit"}
    assert any("supprimée" in "".join(a.itertext()) for a in red.iter(OFFICE + "annotation"))


@pytest.mark.office
@pytest.mark.slow
def test_screenshots_of_the_word_documents(office):
    """Kept for a person to look at: the redline's cover and a page of redlines, the charter's pages."""
    out = ARTIFACTS / "docx"
    out.mkdir(parents=True, exist_ok=True)
    for pdf, first, last, stem in ((office["redline.pdf"], 1, 2, "redline"), (office["charte.pdf"], 1, 4, "charte")):
        subprocess.run(["pdftoppm", "-r", "80", "-png", "-f", str(first), "-l", str(last), str(pdf), str(out / stem)],
                       check=True, timeout=120)
    shots = sorted(out.glob("*.png"))
    assert len(shots) >= 6 and all(p.stat().st_size > 10_000 for p in shots)
