"""The diff PDF (Typst) read back: PDF/A-3a and tagged, rows never split, a redline that reads in
black and white (deletions struck between brackets, insertions underlined, never glued)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pikepdf
import pytest
from pypdf import PdfReader

from charter_kit.diff.changes import DELETE, EQUAL, INSERT
from charter_kit.typeset.engine import compile_pdf
from charter_kit.reports.pdf import blocks, runs, to_pdf
from conftest import ARTIFACTS
from test_diff_outputs import d, pair  # noqa: F401  (fixtures: a real pair of charters and their diff)


@pytest.fixture(scope="module")
def redline(d) -> bytes:  # noqa: F811
    return to_pdf(d)


def text_of(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def test_reads_back_with_every_change(redline):
    text = text_of(redline)
    assert "Modifications de la charte" in text
    assert "Respecter les embargos" in text and "Citer ses sources" in text
    assert "legal@dupont.example" in text and "juridique@dupont.example" in text
    assert "Origine des changements" in text and "Résumé des changements" in text
    assert PdfReader(io.BytesIO(redline)).metadata.title.startswith("Modifications : Charte des réseaux sociaux")


def test_pdf_a_3a_tagged_and_dated_by_the_new_version(redline):
    with pikepdf.open(io.BytesIO(redline)) as pdf:
        meta = pdf.open_metadata()
        assert meta["pdfaid:part"] == "3" and meta["pdfaid:conformance"] == "A" and meta["pdfuaid:part"] == "1"
        assert meta["xmp:CreateDate"].startswith("2026-03-01")
        assert "/StructTreeRoot" in pdf.Root and bool(pdf.Root.MarkInfo.Marked)
        assert pdf.check_pdf_syntax() == []


def test_same_diff_same_bytes(d, redline):  # noqa: F811
    assert to_pdf(d) == redline


def test_a_replaced_number_is_never_glued_to_its_replacement():
    ops = [(EQUAL, "jusqu'à "), (DELETE, "24"), (INSERT, "4"), (EQUAL, " heures")]
    assert [(r["op"], r["text"]) for r in runs(ops)] == [("=", "jusqu'à "), ("-", "24"), ("+", "4"), ("=", " heures")]
    data = compile_pdf("diff.typ", _minimal_view(runs(ops)))
    text = " ".join(text_of(data).split())
    assert "jusqu'à [24]4 heures" in text and "244" not in text


def _minimal_view(heading_runs):
    """The smallest data diff.typ accepts: one modified clause whose heading is ``heading_runs``."""
    side = {"label": "1.0.0", "text": "la version 1.0.0", "of": "de la version 1.0.0", "effective": "",
            "digest": "0" * 12, "approvals": [], "notes": ""}
    return {"meta": {"title": "t", "author": "charter-kit", "date": {"year": 2026, "month": 1, "day": 1}},
            "title": "Charte", "old": side, "new": side, "kind": "modification de fond", "summary": "Une clause.",
            "empty": False, "metadata": [], "rows": [], "articles": [], "renumbered": [], "causes": [],
            "clauses": [{"status": "changed", "heading": heading_runs, "nature": "modifiée", "body": None,
                         "causes": []}]}


def test_deletions_are_struck_and_insertions_underlined_in_grey_too(redline):
    """In black and white: strike and underline are drawn lines, not colours (poppler's greyscale render)."""
    folder = ARTIFACTS / "diff-pdf"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    (folder / "redline.pdf").write_bytes(redline)
    subprocess.run(["pdftoppm", "-r", "80", "-gray", "-png", "-l", "3", str(folder / "redline.pdf"),
                    str(folder / "page")], check=True, timeout=120)
    assert len(list(folder.glob("page-*.png"))) >= 1
    with pikepdf.open(io.BytesIO(redline)) as pdf:
        content = b"".join(pikepdf.unparse_content_stream(pikepdf.parse_content_stream(p)) for p in pdf.pages)
    # Typst draws strike-through and underline as filled or stroked paths under or across the text.
    assert content.count(b" re") + content.count(b" l") > 10


@pytest.mark.slow
def test_summary_rows_never_split_across_pages(d):  # noqa: F811
    """A table far longer than a page: every row's cells sit on one page."""
    rows = [{"number": f"{i}.1", "title": f"Titre {i}", "nature": "modifiée (fond)",
             "causes": " ".join([f"cause-{i}"] * 60)} for i in range(40)]
    view = _minimal_view([{"op": "=", "text": "1.1 Titre", "style": 0}])
    view["rows"] = rows
    reader = PdfReader(io.BytesIO(compile_pdf("diff.typ", view)))
    assert len(reader.pages) > 3
    for i in range(40):
        pages = [n for n, p in enumerate(reader.pages) if f"cause-{i} " in p.extract_text() + " "]
        assert len(pages) == 1, (i, pages)
        assert f"Titre {i}" in reader.pages[pages[0]].extract_text()


def test_paragraph_breaks_added_or_removed_are_marked():
    ops = [(EQUAL, "Un."), (INSERT, "\n\n"), (EQUAL, "Deux.")]
    assert [p["mark"] for p in blocks(ops)] == ["+", "="]
    assert re.sub(r"\s", "", "".join(r["text"] for p in blocks(ops) for r in p["runs"])) == "Un.Deux."
