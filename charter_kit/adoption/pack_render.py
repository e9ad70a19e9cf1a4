"""The adoption pack's documents as files: PDF (the project's Typst engine, A4, PDF/A-3a) and DOCX (A4).

Same release, same bytes: the date of each file is the release date, never the clock.
"""

from __future__ import annotations

import io
from typing import Any

from charter_kit.adoption.pack import Document
from charter_kit.typeset.engine import compile_pdf, typst_date
from charter_kit.typeset.markup import clean, text


def to_pdf(doc: Document, author: str) -> bytes:
    """One document as PDF/A-3a bytes."""
    data: dict[str, Any] = {
        "meta": {"title": clean(doc.title), "author": clean(author), "date": typst_date(doc.date)},
        "title": text(doc.title), "subtitle": text(doc.subtitle), "footer": text(doc.footer),
        "blocks": [{"kind": b.kind, "text": text(b.text), "items": [text(i) for i in b.items],
                    "header": [text(c) for c in b.header], "rows": [[_cell(c) for c in r] for r in b.rows]}
                   for b in doc.blocks],
    }
    return compile_pdf("adoption.typ", data, date=doc.date)


def _cell(value: str) -> str:
    # A digest stays one unbroken word: the template prints 64 hexadecimal digits in a small font.
    return value if len(value) == 64 and all(c in "0123456789abcdef" for c in value) else text(value)


def to_docx(doc: Document, author: str) -> bytes:
    """One document as DOCX bytes, A4, with its footer on every page; the same document gives the same bytes."""
    import datetime as dt

    from docx import Document as Docx
    from docx.shared import Mm, Pt

    out = Docx()
    section = out.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(22)
    section.top_margin, section.bottom_margin = Mm(22), Mm(24)
    style = out.styles["Normal"]
    style.font.name, style.font.size = "Liberation Serif", Pt(11)
    out.add_heading(doc.title, level=1)
    out.add_paragraph(doc.subtitle).runs[0].italic = True
    for block in doc.blocks:
        _docx_block(out, block)
    section.footer.paragraphs[0].text = doc.footer
    section.footer.paragraphs[0].runs[0].font.size = Pt(7.5)
    props = out.core_properties
    props.title, props.author, props.last_modified_by = doc.title, author, author
    day = dt.datetime.fromisoformat(doc.date)
    props.created = props.modified = day
    props.revision = 1
    buffer = io.BytesIO()
    out.save(buffer)
    return _stable_zip(buffer.getvalue())


def _docx_block(out, block) -> None:
    from docx.shared import Pt

    if block.kind == "h":
        out.add_heading(block.text, level=2)
    elif block.kind == "p":
        out.add_paragraph(block.text)
    elif block.kind == "list":
        for item in block.items:
            out.add_paragraph(item, style="List Bullet")
    elif block.kind == "table":
        head = any(block.header)
        rows = ([block.header] if head else []) + list(block.rows)
        grid = out.add_table(rows=len(rows), cols=len(block.header))
        grid.style = "Table Grid"
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                cell = grid.cell(i, j)
                cell.text = value
                bold = (head and i == 0) or (not head and j == 0)
                for run in cell.paragraphs[0].runs:
                    run.bold = bold
                    if len(value) == 64:
                        run.font.size = Pt(7)
        out.add_paragraph()
    elif block.kind == "fields":
        for label in block.items:
            out.add_paragraph(f"{label} : " + "_" * 40)


def _stable_zip(data: bytes) -> bytes:
    """The DOCX rewritten with fixed entry dates and order, so the same document gives the same bytes."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(info.filename))
    return buffer.getvalue()
