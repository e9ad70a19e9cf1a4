"""The new version of a charter as a Word document whose changes are native tracked changes.

Legal opens it in Word or LibreOffice and accepts or rejects each change: every deletion is a
``w:del`` holding ``w:delText``, every insertion a ``w:ins``, each with the release's author and
date and a unique ``w:id``; paragraphs that appear or disappear carry an inserted or deleted
paragraph mark, so accepting everything gives the new version and rejecting everything the old
one. What changed and why is attached to each changed article and clause as a Word comment.
A moved clause stands at its new place, its number change tracked (not as a Word move). Same
diff, same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence

import docx as python_docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from charter_kit.diff.changes import DELETE, EQUAL, INSERT, ArticleChange, Cause, CharterDiff, ClauseChange, Op
from charter_kit.diff.words import word_ops
from charter_kit.model.charter import Article, Charter, Clause
from charter_kit.reports.markdown_text import BOLD, CODE, ITALIC, Paragraph, paragraphs, segments
from charter_kit.reports.presentation import approval_label, presentation_lines
from charter_kit.reports.registry import ReportOptions
from charter_kit.reports.wording import (article_heading_ops, article_nature, clause_heading_ops, clause_nature,
                                         describe, detailed, french_date, version_label)

DEFAULT_AUTHOR = "charter-kit"
LANGUAGE = "fr-FR"
#: Zip entries get this timestamp, so the bytes never depend on the clock.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
#: Settings children that must follow w:trackRevisions (WordprocessingML schema order).
_AFTER_TRACK_REVISIONS = (
    "w:doNotTrackMoves", "w:doNotTrackFormatting", "w:documentProtection", "w:autoFormatOverride",
    "w:styleLockTheme", "w:styleLockQFSet", "w:defaultTabStop", "w:autoHyphenation",
    "w:consecutiveHyphenLimit", "w:hyphenationZone", "w:doNotHyphenateCaps", "w:showEnvelope",
    "w:summaryLength", "w:clickAndTypeStyle", "w:defaultTableStyle", "w:evenAndOddHeaders",
    "w:bookFoldRevPrinting", "w:bookFoldPrinting", "w:bookFoldPrintingSheets",
    "w:drawingGridHorizontalSpacing", "w:drawingGridVerticalSpacing", "w:displayHorizontalDrawingGridEvery",
    "w:displayVerticalDrawingGridEvery", "w:doNotUseMarginsForDrawingGridOrigin",
    "w:drawingGridHorizontalOrigin", "w:drawingGridVerticalOrigin", "w:doNotShadeFormData",
    "w:noPunctuationKerning", "w:characterSpacingControl", "w:printTwoOnOne", "w:strictFirstAndLastChars",
    "w:noLineBreaksAfter", "w:noLineBreaksBefore", "w:savePreviewPicture", "w:doNotValidateAgainstSchema",
    "w:saveInvalidXml", "w:ignoreMixedContent", "w:alwaysShowPlaceholderText", "w:doNotDemarcateInvalidXml",
    "w:saveXmlDataOnly", "w:useXSLTWhenSaving", "w:saveThroughXslt", "w:showXMLTags",
    "w:alwaysMergeEmptyNamespace", "w:updateFields", "w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr",
    "w:compat", "w:docVars", "w:rsids", "m:mathPr", "w:attachedSchema", "w:themeFontLang",
    "w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats", "w:doNotAutoCompressPictures", "w:forceUpgrade",
    "w:captions", "w:readModeInkLockDown", "w:smartTagType", "sl:schemaLibrary", "w:shapeDefaults",
    "w:doNotEmbedSmartTags", "w:decimalSymbol", "w:listSeparator",
)


def write(d: CharterDiff, options: ReportOptions) -> bytes:
    """The registry's entry point: the new charter is required."""
    if options.new is None:
        raise ValueError("the docx format needs the new charter")
    return to_docx(d, options.new, author=options.author)


def to_docx(d: CharterDiff, b: Charter, *, author: str | None = None) -> bytes:
    """The new charter ``b`` as a .docx whose differences from the old one are tracked changes.

    ``author`` names who the changes are attributed to (default: ``revision_author``).
    """
    writer = _Writer(author=author or revision_author(d), date=revision_date(d, b))
    document = python_docx.Document()
    _prepare(document, d, b, writer)
    body = document.element.body
    for p in list(body.iterchildren(qn("w:p"))):  # the template's empty paragraph
        body.remove(p)
    title = writer.write(document, "Title", _title_ops(d, b))
    front = writer.write(document, "Subtitle", _front_ops(d, b))
    # Approvals and presentation (contacts, logo, colour) are not text of the charter: comments (issue 13).
    if d.new.approvals:
        writer.comment(document, front, "Approuvée par : " + " ; ".join(approval_label(a) for a in d.new.approvals)
                       + ".", ())
    if d.presentation:
        writer.comment(document, title, "Présentation : " + " ; ".join(presentation_lines(d)) + ".", ())
    articles = {a.id: a for a in d.articles}
    changes = {c.id: c for c in d.clauses}
    current = {c.id: c for c in b.clauses()}
    for place in d.layout:
        _article(document, writer, place.id, articles.get(place.id), b)
        for cid in place.clauses:
            _clause(document, writer, cid, changes.get(cid), current)
        _references(document, writer, articles.get(place.id), b.article(place.id))
    _number_revisions(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return fixed_zip(buffer.getvalue())


def revision_author(d: CharterDiff) -> str:
    """Who the tracked changes are attributed to: the new release's first approver, or charter-kit."""
    # "Jeanne Roy, DRH, 2027-01-02" -> "Jeanne Roy, DRH": the date is already each revision's.
    return re.sub(r",\s*\d{4}-\d{2}-\d{2}$", "", d.new.approvals[0]) if d.new.approvals else DEFAULT_AUTHOR


def revision_date(d: CharterDiff, b: Charter) -> dt.datetime | None:
    """When the tracked changes were made: the new release's date, else the charter's dates; never the clock."""
    for value in (d.new.date, b.date, b.effective_date):
        if value:
            try:
                day = dt.date.fromisoformat(value)
            except ValueError:
                continue
            return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)
    return None


# -- document setup --------------------------------------------------------------------------------
def _prepare(document, d: CharterDiff, b: Charter, writer: _Writer) -> None:
    """Turn on change tracking, set the language to French and fix the core properties."""
    settings = document.settings.element
    if settings.find(qn("w:trackRevisions")) is None:
        settings.insert_element_before(OxmlElement("w:trackRevisions"), *_AFTER_TRACK_REVISIONS)
    for lang in document.styles.element.iter(qn("w:lang")):
        lang.set(qn("w:val"), LANGUAGE)
    for lang in settings.iter(qn("w:themeFontLang")):
        lang.set(qn("w:val"), LANGUAGE)
    props = document.core_properties
    props.title = b.title
    props.subject = f"Version {version_label(d.new)}, modifications depuis la version {version_label(d.old)}"
    props.author = _company_name(b)
    props.last_modified_by = writer.author
    props.comments = "Modifications suivies : acceptez-les ou refusez-les une à une."
    props.keywords = "charte, réseaux sociaux"
    props.category = "Charte"
    props.revision = 1
    props.language = LANGUAGE
    if writer.date is not None:
        props.created = props.modified = writer.date.replace(tzinfo=None)


def fixed_zip(data: bytes) -> bytes:
    """Rewrite a .docx zip with fixed timestamps and attributes, so its bytes depend only on its content."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


# -- the charter's parts ---------------------------------------------------------------------------
def _title_ops(d: CharterDiff, b: Charter) -> list[Op]:
    """The charter title, old to new."""
    return word_ops(_old_value(d, "title", b.title), b.title)


def _front_ops(d: CharterDiff, b: Charter) -> list[Op]:
    """The line under the title (company, version, effective date), old to new."""
    name = _company_name(b)
    old_name = _old_value(d, "company.legal_name", name)
    old_effective = _old_value(d, "effective_date", b.effective_date)
    return word_ops(_front(old_name, version_label(d.old), old_effective),
                    _front(name, version_label(d.new), b.effective_date))


def _old_value(d: CharterDiff, field: str, new):
    """A charter field's value in the old version: its recorded change, else the same as ``new``."""
    return next((m.old for m in d.metadata if m.field == field), new)


def _company_name(b: Charter) -> str:
    """The company as the document names it: its legal name, else its name."""
    return b.company.get("legal_name") or b.company.get("name") or ""


def _front(name: str, label: str, effective: str | None) -> str:
    """"Acme SA · version 2.0.0 · en vigueur le 1er avril 2026"."""
    return f"{name} · version {label}" + (f" · en vigueur le {french_date(effective)}" if effective else "")


def _article(document, writer: _Writer, aid: str, change: ArticleChange | None, b: Charter) -> None:
    """An article's heading and introduction, with tracked changes and a comment."""
    new = b.article(aid)
    if change is None:
        writer.write(document, "Heading 1", [(EQUAL, f"Article {new.number}. {new.title}")])
        writer.write(document, None, [(EQUAL, new.intro)] if new.intro else [])
        return
    paras = writer.write(document, "Heading 1", article_heading_ops(change))
    if detailed(change):
        writer.comment(document, paras, f"Article {article_nature(change)}.", change.causes)
    writer.write(document, None, list(change.intro_ops))


def _clause(document, writer: _Writer, cid: str, change: ClauseChange | None, current: dict[str, Clause]) -> None:
    """A clause's heading and text, with tracked changes and a comment."""
    if change is None:
        clause = current[cid]
        writer.write(document, "Heading 2", [(EQUAL, f"{clause.number} {clause.title}")])
        writer.write(document, None, [(EQUAL, clause.text)])
        return
    paras = writer.write(document, "Heading 2", clause_heading_ops(change))
    if detailed(change):
        writer.comment(document, paras, f"Clause {clause_nature(change)}.", change.causes)
    writer.write(document, None, list(change.text_ops))


def _references(document, writer: _Writer, change: ArticleChange | None, new: Article | None) -> None:
    """An article's legal references, with tracked changes."""
    old_basis = change.old_legal_basis if change else new.legal_basis
    new_basis = change.new_legal_basis if change else new.legal_basis
    old = "Références : " + " ; ".join(old_basis) if old_basis else ""
    new_refs = "Références : " + " ; ".join(new_basis) if new_basis else ""
    if old or new_refs:
        writer.write(document, "Quote", word_ops(old, new_refs))


def _number_revisions(document) -> None:
    """Give revision marks ids after the comments' ids, so no two annotations share an id."""
    first = len(document.comments)
    marks = document.element.body.iter(qn("w:ins"), qn("w:del"))
    for n, mark in enumerate(marks, start=first):
        mark.set(qn("w:id"), str(n))


# -- tracked changes in raw OXML -------------------------------------------------------------------
class _Writer:
    """Writes paragraphs with tracked changes by one author at one date."""

    def __init__(self, author: str, date: dt.datetime | None) -> None:
        """Remember who made the changes and when."""
        self.author = author
        self.date = date

    def write(self, document, style: str | None, ops: Sequence[Op]) -> list:
        """Append the readable text of ``ops`` as paragraphs; return their ``w:p`` elements."""
        paras = paragraphs(segments(ops))
        if not paras:
            return []
        last = _block_mark(ops)
        out = []
        for i, para in enumerate(paras):
            mark = last if i == len(paras) - 1 else para.mark
            if not para.segments and mark == EQUAL:
                continue
            out.append(self._paragraph(document, style, para, mark))
        return out

    def _paragraph(self, document, style: str | None, para: Paragraph, mark: str):
        """One w:p with its runs, tracked ones wrapped in w:ins or w:del."""
        p = document.add_paragraph(style=style)._p
        if mark != EQUAL:
            # The paragraph mark itself was inserted or deleted: accepting joins or splits paragraphs.
            p.get_or_add_pPr().append(_element("w:rPr", self._revision(mark)))
        for seg in para.segments:
            run = _run(seg.text, seg.style, deleted=seg.op == DELETE)
            p.append(run if seg.op == EQUAL else self._revision(seg.op, run))
        return p

    def _revision(self, op: str, *children):
        """A w:ins or w:del element by this writer's author at its date."""
        tag = "w:ins" if op == INSERT else "w:del"
        attrs = {qn("w:id"): "0", qn("w:author"): self.author}  # numbered once the document is complete
        if self.date is not None:
            attrs[qn("w:date")] = self.date.strftime("%Y-%m-%dT%H:%M:%SZ")
        return _element(tag, *children, attrs=attrs)

    def comment(self, document, paras: list, nature: str, causes: Sequence[Cause]) -> None:
        """Attach what changed and why as one Word comment spanning ``paras``."""
        if not paras:
            return
        text = "\n".join([nature, *(f"Origine : {describe(c)}" for c in causes)])
        comment = document.comments.add_comment(text=text, author=self.author, initials=None)
        # python-docx stamps comments with the clock; the release date keeps the bytes reproducible.
        comment._comment_elm.date = self.date
        cid = str(comment.comment_id)
        first, last = paras[0], paras[-1]
        ppr = first.find(qn("w:pPr"))
        start = OxmlElement("w:commentRangeStart", attrs={qn("w:id"): cid})
        if ppr is not None:
            ppr.addnext(start)
        else:
            first.insert(0, start)
        last.append(OxmlElement("w:commentRangeEnd", attrs={qn("w:id"): cid}))
        last.append(_element("w:r", OxmlElement("w:commentReference", attrs={qn("w:id"): cid})))


def _block_mark(ops: Sequence[Op]) -> str:
    """How the paragraph ending a block changed: a block only in one version comes or goes whole."""
    old = any(op != INSERT and text for op, text in ops)
    new = any(op != DELETE and text for op, text in ops)
    if old and not new:
        return DELETE
    if new and not old:
        return INSERT
    return EQUAL


def _run(text: str, style: int, *, deleted: bool):
    """A w:r holding text (w:t) or deleted text (w:delText), bold, italic or code."""
    props = []  # in the schema's order (CT_RPr): rFonts, b, i
    if style & CODE:
        props.append(OxmlElement("w:rFonts", attrs={qn("w:ascii"): "Courier New", qn("w:hAnsi"): "Courier New"}))
    if style & BOLD:
        props.append(OxmlElement("w:b"))
    if style & ITALIC:
        props.append(OxmlElement("w:i"))
    t = OxmlElement("w:delText" if deleted else "w:t")
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    t.text = text
    children = ([_element("w:rPr", *props)] if props else []) + [t]
    return _element("w:r", *children)


def _element(tag: str, *children, attrs: dict[str, str] | None = None):
    """An OXML element with attributes and children."""
    elm = OxmlElement(tag, attrs=attrs or {})
    for child in children:
        elm.append(child)
    return elm
