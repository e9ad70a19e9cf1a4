"""Every PDF charter-kit writes is PDF/A-3a and declares PDF/UA-1 (issue 14): the annex and the guide
(with the charter attached and the employee's signature field), the diff, the acknowledgement
certificate. Checked with pikepdf and `qpdf --check` (tests/pdfa.py names the clause of each check)."""

from __future__ import annotations

import io
from dataclasses import replace

import pikepdf
import pytest

import pdfa
from conftest import SMALL_EXAMPLE, run

from charter_kit.compose.pipeline import load_project
from charter_kit.diff.compare import diff
from charter_kit.outputs.pdf import SIGNATURE_FIELD, render_guide, render_pdf
from charter_kit.reports.pdf import to_pdf

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def charter():
    return load_project(SMALL_EXAMPLE / "charter.yml").charter.with_release(
        version="1.0.0", date="2026-11-02", effective_date="2027-03-01")


@pytest.fixture(scope="module")
def annex(charter) -> bytes:
    return render_pdf(charter)


def test_the_annex_passes_every_check(annex):
    assert pdfa.problems(annex) == []
    assert pdfa.transparency_groups(annex) == 0 or pdfa.problems(annex) == []  # allowed with the output intent


def test_the_guide_passes_every_check(charter):
    assert pdfa.problems(render_guide(charter)) == []


def test_the_diff_passes_every_check(charter):
    first = charter.articles[0]
    reworded = replace(first.clauses[0], text="Désormais, " + first.clauses[0].text)
    changed = replace(charter, articles=(replace(first, clauses=(reworded, *first.clauses[1:])), *charter.articles[1:]),
                      version="1.1.0")
    assert pdfa.problems(to_pdf(diff(charter, changed))) == []


def test_the_acknowledgement_certificate_passes_every_check():
    from charter_kit.ack.proof import Certificate, certificate_pdf

    cert = Certificate(company="Atelier Lumen SARL", title="Charte d'utilisation des réseaux sociaux",
                       status_label="Note de service", matricule="A-001", name="Jeanne Roy", entity="Atelier",
                       establishment="Lyon", version="1.0.0", digest="ab" * 32, effective_date="2027-03-01",
                       kind="substantive", method="link", method_label="lien personnel", at="2027-03-02T09:00:00Z",
                       at_utc="2 mars 2027 à 09:00 UTC", at_local="2 mars 2027 à 10:00", event_position=3,
                       event_hash="cd" * 32, head_position=3, head_hash="cd" * 32)
    assert pdfa.problems(certificate_pdf(cert)) == []


def test_the_annex_carries_the_charter_for_verify(annex, tmp_path):
    path = tmp_path / "annexe.pdf"
    path.write_bytes(annex)
    result = run("verify", "--pdf", path)
    assert result.exit_code == 0, result.output
    assert "charter.json attached" in result.output


def test_the_acknowledgement_page_has_an_empty_signature_field(annex):
    with pikepdf.open(io.BytesIO(annex)) as pdf:
        [field] = [f for f in pdf.Root.AcroForm.Fields if str(f.T) == SIGNATURE_FIELD]
        assert field.FT == "/Sig" and "/V" not in field  # empty: the employee signs it
        widget = field
        assert widget.P.objgen == pdf.pages[-1].obj.objgen  # on the acknowledgement page
        x1, y1, x2, y2 = (float(v) for v in widget.Rect)
        assert x2 - x1 > 200 and 80 < y2 - y1 < 100  # the 32 mm box drawn by the template
        assert "Signature du salarié" in str(field.TU)
        forms = [e for e in _elements(pdf.Root.StructTreeRoot) if e.get("/S") == "/Form"]
        assert any(k.get("/Obj") is not None and k.Obj.objgen == widget.objgen
                   for e in forms for k in (e.K if isinstance(e.K, pikepdf.Array) else [e.K])
                   if isinstance(k, pikepdf.Dictionary))
        links = [a for p in pdf.pages for a in p.obj.get("/Annots", []) if a.get("/Subtype") == "/Link"]
        assert not any("charter-kit.invalid" in str(a.get("/A", {}).get("/URI", "")) for a in links)


def test_the_annex_stays_reproducible_with_its_field(charter, annex):
    assert render_pdf(charter) == annex


def _elements(node):
    stack, seen = [node], set()
    while stack:
        n = stack.pop()
        if not isinstance(n, pikepdf.Dictionary) or (n.objgen != (0, 0) and n.objgen in seen):
            continue
        seen.add(n.objgen)
        yield n
        kids = n.get("/K")
        stack += list(kids) if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []


def test_screenshots_of_the_pdfs(charter, annex, tmp_path):
    """Kept for a person to look at (tests/artifacts/pdfa): the annex's cover and its acknowledgement
    page, whose signature box is now a field."""
    import subprocess

    from conftest import ARTIFACTS

    out = ARTIFACTS / "pdfa"
    out.mkdir(parents=True, exist_ok=True)
    (tmp_path / "annexe.pdf").write_bytes(annex)
    pages = len(pikepdf.open(io.BytesIO(annex)).pages)
    for first, stem in ((1, "annexe-couverture"), (pages, "annexe-accuse-de-reception")):
        subprocess.run(["pdftoppm", "-r", "70", "-png", "-singlefile", "-f", str(first), "-l", str(first),
                        str(tmp_path / "annexe.pdf"), str(out / stem)], check=True, capture_output=True, timeout=60)
    assert (out / "annexe-accuse-de-reception.png").stat().st_size > 10_000
