"""The Typst annex as an archive and as evidence: PDF/A-3a and PDF/UA-1, tags, fonts, the charter
attached, hostile profile values inert, pages kept as images (read back with pikepdf, pypdf and
poppler). Text, outline, contents and metadata are in test_pdf.py.
"""

from __future__ import annotations

import base64
import io
import shutil
import subprocess
import sys
from dataclasses import replace

import pikepdf
import pytest

from charter_kit.escape import md_escape
from charter_kit.model.charter import Charter
from charter_kit.outputs import markup
from charter_kit.outputs.pdf import ATTACHMENT, pdf_filename, render_pdf
from conftest import ARTIFACTS
from test_pdf import body_text, example_charter, normalize, read, sample_charter

HOSTILE = '#read("/etc/passwd") #import "@preview/x:0.1.0": * $x^2$ <lbl> @ref [a] \\ #eval("1+1") *b* _i_ `c`'


@pytest.fixture(scope="module")
def sample() -> tuple[Charter, bytes]:
    charter = sample_charter()
    return charter, render_pdf(charter)


def open_pdf(data: bytes) -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(data))


# -- archive -------------------------------------------------------------------------------------
def test_xmp_identifies_pdf_a_3a_and_pdf_ua_1(sample):
    _, data = sample
    with open_pdf(data) as pdf:
        meta = pdf.open_metadata()
        assert meta["pdfaid:part"] == "3" and meta["pdfaid:conformance"] == "A"
        assert meta["pdfuaid:part"] == "1"
        assert meta["dc:title"] == "Charte d'utilisation des réseaux sociaux"
        assert meta["dc:creator"] == ["Dupont & Fils <SAS>"]
        assert meta["xmp:CreateDate"].startswith("2026-03-01")
        intents = pdf.Root.OutputIntents
        assert len(intents) == 1 and str(intents[0].S) == "/GTS_PDFA1"


def test_tagged_structure(sample):
    _, data = sample
    with open_pdf(data) as pdf:
        assert bool(pdf.Root.MarkInfo.Marked)
        tree = pdf.Root.StructTreeRoot
        kinds: set[str] = set()

        def walk(node, depth=0):
            if depth > 60 or not isinstance(node, pikepdf.Dictionary):
                return
            if "/S" in node:
                kinds.add(str(node.S))
            kids = node.get("/K")
            for kid in (kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []):
                walk(kid, depth + 1)
        walk(tree)
        assert {"/H1", "/H2", "/P", "/L", "/LI", "/Table", "/Link"} <= kinds, kinds
        assert str(pdf.Root.Lang) == "fr"


def test_every_font_is_embedded(sample):
    _, data = sample
    with open_pdf(data) as pdf:
        fonts = {}
        for page in pdf.pages:
            for name, font in page.Resources.get("/Font", {}).items():
                for descendant in font.get("/DescendantFonts", [font]):
                    descriptor = descendant.FontDescriptor
                    fonts[str(descendant.BaseFont)] = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
        assert fonts and all(fonts.values()), fonts
        assert any("LibertinusSerif" in name for name in fonts)


def test_qpdf_finds_no_structural_problem(sample):
    _, data = sample
    with open_pdf(data) as pdf:
        assert pdf.check_pdf_syntax() == []


# -- the charter inside ---------------------------------------------------------------------------
def test_charter_json_is_attached_and_is_the_canonical_text(sample):
    charter, data = sample
    with open_pdf(data) as pdf:
        attached = pdf.attachments[ATTACHMENT]
        raw = attached.get_file().read_bytes()
        assert raw == charter.to_json().encode("utf-8")
        assert Charter.from_json(raw).digest == charter.digest
        spec = pdf.Root.AF[0]
        assert str(spec.AFRelationship) == "/Source" and str(spec.EF.F.Subtype) == "/application/json"


def test_the_digest_on_the_cover_is_the_attached_charters(sample):
    charter, data = sample
    cover = read(data).pages[0].extract_text()
    assert f"Empreinte : {charter.digest}" in cover


@pytest.mark.slow
def test_every_clause_is_a_named_destination():
    """Each clause is a named destination of the PDF that holds it (annex, or guide for a split charter)."""
    from charter_kit.outputs.pdf import render_guide
    from test_pdf import held

    charter = example_charter()
    parts = [(False, render_pdf(charter))] + ([(True, render_guide(charter))] if markup.has_guide(charter) else [])
    for guide, data in parts:
        names = set(read(data).named_destinations)
        assert {c.id for _, clauses in held(charter, guide) for c in clauses} <= names
        assert {f"article-{a.id}" for a, _ in held(charter, guide)} <= names
    assert sum(len(c) for guide, _ in parts for _, c in held(charter, guide)) == len(charter.clauses())


# -- reproducibility -------------------------------------------------------------------------------
@pytest.mark.slow
def test_same_bytes_twice_and_in_another_process(sample):
    charter, data = sample
    assert render_pdf(sample_charter()) == data
    script = ("import sys; sys.path[:0] = ['tests', 'tests/integration'];"
              "from test_pdf import sample_charter; from charter_kit.outputs.pdf import render_pdf;"
              "sys.stdout.buffer.write(render_pdf(sample_charter()))")
    env = {"PATH": "/usr/bin:/bin", "TZ": "Pacific/Kiritimati", "LC_ALL": "C", "SOURCE_DATE_EPOCH": "1"}
    other = subprocess.run([sys.executable, "-c", script],
                           capture_output=True, check=True, env=env, cwd=ARTIFACTS.parent.parent).stdout
    assert other == data


def test_a_draft_without_dates_has_a_fixed_date():
    draft = replace(sample_charter(), version=None, date=None, effective_date=None)
    first = render_pdf(draft)
    assert render_pdf(draft) == first
    cover = normalize(read(first).pages[0].extract_text())
    assert "date à fixer" in cover


# -- hostile profile values ------------------------------------------------------------------------
def hostile_charter() -> Charter:
    charter = sample_charter()
    first = charter.articles[0]
    clause = replace(first.clauses[0], title=md_escape(HOSTILE),
                     text=first.clauses[0].text + "\n\n" + md_escape(HOSTILE) + "\n\n<script>alert(1)</script>")
    article = replace(first, title=HOSTILE, clauses=(clause, *first.clauses[1:]), legal_basis=(HOSTILE,))
    return replace(charter, title=HOSTILE, company={**charter.company, "legal_name": HOSTILE, "name": HOSTILE},
                   articles=(article, *charter.articles[1:]),
                   contacts={"rh": {"name": HOSTILE, "email": "rh@acme.example", "phone": "#read(\"x\")"}})


def test_hostile_profile_values_print_as_text():
    charter = hostile_charter()
    reader = read(render_pdf(charter))
    text = body_text(reader)
    flat = normalize(HOSTILE)
    assert text.count(flat) >= 6  # cover (twice), article title, clause title, clause text, references, contact
    assert "<script>alert(1)</script>" in text
    assert "root:" not in text  # /etc/passwd was never read
    assert reader.metadata.title == HOSTILE and reader.metadata.author == HOSTILE


def test_a_frozen_logo_that_links_outside_is_cleaned_before_it_is_printed():
    """A profile refuses such a logo (branding.logo); one already frozen in a release is cleaned."""
    svg = (b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
           b'<image href="file:///etc/passwd" width="10" height="10"/></svg>')
    charter = sample_charter()
    charter = replace(charter, branding={**charter.branding, "logo": {
        "name": "logo.svg", "media_type": "image/svg+xml", "data": base64.b64encode(svg).decode()}})
    data = render_pdf(charter)
    assert data.startswith(b"%PDF") and b"/etc/passwd" not in data and b"root:" not in data


# -- pages as images (checked by eye, kept as artifacts) -----------------------------------------------
@pytest.mark.slow
def test_cover_contents_and_an_article_page_as_images():
    charter = example_charter()
    data = render_pdf(charter)
    folder = ARTIFACTS / "typst-pdf"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    pdf = folder / pdf_filename(charter)
    pdf.write_bytes(data)
    reader = read(data)
    article_page = next(i for i, p in enumerate(reader.pages, start=1) if "1.1" in p.extract_text() and i > 2)
    for name, page in (("cover", 1), ("contents", 2), ("article", article_page), ("acknowledgement", len(reader.pages))):
        subprocess.run(["pdftoppm", "-r", "80", "-png", "-singlefile", "-f", str(page), "-l", str(page),
                        str(pdf), str(folder / name)], check=True, timeout=120)
        image = folder / f"{name}.png"
        assert image.stat().st_size > 10_000, name  # not a blank page


# -- charter verify --pdf: the annex alone ----------------------------------------------------------
def test_verify_pdf_accepts_an_untouched_annex(tmp_path, sample):
    from conftest import run

    charter, data = sample
    pdf = tmp_path / "annexe.pdf"
    pdf.write_bytes(data)
    result = run("verify", "--pdf", pdf)
    assert result.exit_code == 0, result.output
    assert f"digest {charter.digest[:12]}" in result.output
    assert f"the {len(charter.clauses())} clauses are printed" in result.output


def test_verify_pdf_catches_a_reworded_clause_under_the_original_charter(tmp_path):
    """A PDF whose text says something else than the charter it carries fails, clause named."""
    from conftest import assert_user_error, run

    original = sample_charter()
    first = original.articles[0]
    reworded = replace(first.clauses[0], text=first.clauses[0].text.replace("comptes officiels", "comptes privés"))
    forged = replace(original, articles=(replace(first, clauses=(reworded, *first.clauses[1:])), *original.articles[1:]))
    with pikepdf.open(io.BytesIO(render_pdf(forged))) as pdf:
        pdf.attachments[ATTACHMENT] = pikepdf.AttachedFileSpec(pdf, original.to_json().encode("utf-8"),
                                                               filename=ATTACHMENT)
        target = tmp_path / "forged.pdf"
        pdf.save(target)
    result = run("verify", "--pdf", target)
    assert_user_error(result, "does not match the charter it carries", "clause 1.1 (socle.champ-application)",
                      "the digest on the cover")


@pytest.mark.slow
def test_verify_pdf_on_a_pdf_without_its_charter_points_to_the_release_folder(tmp_path):
    from conftest import LISTED_EXAMPLE, assert_user_error, run

    older = next((LISTED_EXAMPLE / "releases").glob("1.0.0/*.pdf"))  # made by WeasyPrint, kept as released
    result = run("verify", "--pdf", older)
    assert_user_error(result, "carries no charter", "charter verify -p")


@pytest.mark.slow
def test_verify_pdf_knows_the_annex_from_the_guide_of_a_split_charter(tmp_path):
    """A disciplinary charter with natures makes two PDFs; each verifies against the clauses it holds."""
    from charter_kit.outputs.pdf import render_guide
    from charter_kit.store.verify import verify_pdf

    charter = example_charter()
    assert markup.has_guide(charter)
    rules = sum(markup.is_rule(c) for c in charter.clauses())
    for name, data, count in (("annexe.pdf", render_pdf(charter), rules),
                              ("guide.pdf", render_guide(charter), len(charter.clauses()) - rules)):
        (tmp_path / name).write_bytes(data)
        result = verify_pdf(tmp_path / name)
        assert result.ok and result.clauses == count, (name, result.problems[:3])
