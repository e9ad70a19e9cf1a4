"""The new version of a charter as a Word document whose changes are native tracked changes.

Legal opens it in Word or LibreOffice and accepts or rejects each change: every deletion is a
``w:del`` holding ``w:delText``, every insertion a ``w:ins``, each with one neutral author
("charter-kit", or ``--author``) and the release's date; paragraphs that appear or disappear carry
an inserted or deleted paragraph mark, so accepting everything gives the new version and rejecting
everything the old one. The first page lists every changed clause (nature, form or substance,
origin) with a link to it; each changed article and clause carries a Word comment written for a
lawyer. Each clause sits inside its bookmark ``_ck_<module>_<clause>`` so edits made in Word come
back with `charter review import`. A moved clause stands at its new place, its number change
tracked (not as a Word move). Same diff, same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from lxml import etree

from charter_kit.diff.changes import DELETE, EQUAL, INSERT, ArticleChange, CharterDiff, ClauseChange, Op
from charter_kit.diff.words import word_ops
from charter_kit.locales.typography import typography_runs
from charter_kit.model.charter import Charter, Clause
from charter_kit.reports.docx_wording import article_comment, change_rows, clause_comment, cover_lines
from charter_kit.reports.markdown_text import BOLD, CODE, ITALIC, Paragraph, Segment, paragraphs, segments
from charter_kit.reports.registry import ReportOptions
from charter_kit.reports.wording import article_heading_ops, clause_heading_ops, detailed, french_date, version_label
from charter_kit.typeset.docx import (DocInfo, Docx, article_bookmark, bookmark_name, paper_for, revision_stamp,
                                      run)
from charter_kit.typeset.docx_styles import el, text_width, w

#: Who tracked changes and comments are attributed to unless ``--author`` says otherwise: nobody
#: made them by hand, and the approver of a release did not write its changes.
DEFAULT_AUTHOR = "charter-kit"
LANGUAGE = "fr-FR"
#: The redline's colours: sober, as the diff PDF's (ink and muted).
BRAND, ACCENT = "#4A4F5A", "#1A1C21"
_BULLET_RE = re.compile(r"^([ \t]*)•[ \t]+")


def write(d: CharterDiff, options: ReportOptions) -> bytes:
    """The registry's entry point: the new charter is required."""
    if options.new is None:
        raise ValueError("the docx format needs the new charter")
    return to_docx(d, options.new, author=options.author, line_numbers=options.line_numbers)


def to_docx(d: CharterDiff, b: Charter, *, author: str | None = None, line_numbers: bool = False) -> bytes:
    """The new charter ``b`` as a .docx whose differences from the old one are tracked changes.

    ``author`` names who the changes and comments are attributed to (default ``DEFAULT_AUTHOR``).
    """
    author = author or revision_author(d)
    doc = Docx(_info(d, b, line_numbers, author))
    writer = _Writer(doc, author=author, date=revision_stamp(_date(d, b)))
    _cover(doc, writer, d, b)
    articles = {a.id: a for a in d.articles}
    changes = {c.id: c for c in d.clauses}
    current = {c.id: c for c in b.clauses()}
    for place in d.layout:
        _article(writer, place.id, articles.get(place.id), b)
        for cid in place.clauses:
            _clause(writer, cid, changes.get(cid), current)
        _references(writer, articles.get(place.id), b.article(place.id))
    return doc.to_bytes()


def revision_author(d: CharterDiff) -> str:
    """Who the tracked changes are attributed to by default: charter-kit, which made them."""
    return DEFAULT_AUTHOR


def _date(d: CharterDiff, b: Charter) -> str | None:
    """When the changes were made: the new release's date, else the charter's dates; never the clock."""
    for value in (d.new.date, b.date, b.effective_date):
        if value and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return value
    return None


def revision_date(d: CharterDiff, b: Charter):
    """The revisions' date as a datetime (UTC midnight), or None for a draft without dates."""
    import datetime as dt

    value = _date(d, b)
    if value is None:
        return None
    day = dt.date.fromisoformat(value)
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)


def _company_name(b: Charter) -> str:
    """The company as the document names it: its legal name, else its name."""
    return b.company.get("legal_name") or b.company.get("name") or ""


def _info(d: CharterDiff, b: Charter, line_numbers: bool, author: str) -> DocInfo:
    name = _company_name(b)
    return DocInfo(
        title=b.title, author=name, date=_date(d, b),
        subject=f"Version {version_label(d.new)}, modifications depuis la version {version_label(d.old)}",
        description="Modifications suivies : acceptez-les ou refusez-les une à une.",
        header_left=f"{b.title} – modifications", header_right=f"{version_label(d.old)} → {version_label(d.new)}",
        footer_left=name, paper=paper_for(b.jurisdiction), brand=BRAND, accent=ACCENT, line_numbers=line_numbers,
        track_revisions=True,
        custom={"charter-kit.document": "redline", "charter-kit.version": version_label(d.new),
                "charter-kit.digest": d.new.digest, "charter-kit.base-version": version_label(d.old),
                "charter-kit.base-digest": d.old.digest, "charter-kit.author": author})


# -- the first page --------------------------------------------------------------------------------
def _cover(doc: Docx, writer: _Writer, d: CharterDiff, b: Charter) -> None:
    """Company, title and version line (tracked), the comparison, the table of changes, how to read."""
    plain = frozenset()
    doc.paragraph("ckCover", [(_company_name(b), frozenset({"b"}))])
    doc.paragraph("ckKicker", [("Modifications suivies", plain)])
    writer.write("Title", word_ops(_old_value(d, "title", b.title), b.title))
    name = _company_name(b)
    writer.write("Subtitle", word_ops(
        _front(_old_value(d, "company.legal_name", name), version_label(d.old), _old_value(d, "effective_date", b.effective_date)),
        _front(name, version_label(d.new), b.effective_date)))
    for line in cover_lines(d):
        doc.paragraph("ckCover", [(line, plain)])
    rows = change_rows(d)
    if rows:
        doc.paragraph("ckKicker", [("Tableau des modifications", plain)])
        width = text_width(doc.info.paper)
        widths = [2700, 1500, 1000, width - 5200]
        body = [[[doc.internal_link(bookmark_name(r.id), [(r.clause, plain)])], [(r.nature, plain)],
                 [(r.scope, frozenset({"b"}) if r.scope == "Fond" else plain)], [(r.origin, plain)]] for r in rows]
        doc.table([[(h, plain)] for h in ("Clause", "Nature", "Portée", "Origine")], body, widths)
    doc.paragraph("ckNotice", [(
        f"Chaque modification est suivie (onglet Révision) et peut être acceptée ou refusée : tout accepter donne "
        f"la version {version_label(d.new)}, tout refuser la version {version_label(d.old)}. Un commentaire en marge "
        "indique la nature et l’origine de chaque changement. Le lien de chaque ligne du tableau mène à la clause.",
        plain)])
    doc.end_cover()


def _old_value(d: CharterDiff, field: str, new):
    """A charter field's value in the old version: its recorded change, else the same as ``new``."""
    return next((m.old for m in d.metadata if m.field == field), new)


def _front(name: str, label: str, effective: str | None) -> str:
    """"Acme SA · version 2.0.0 · en vigueur le 1er avril 2026"."""
    return f"{name} · version {label}" + (f" · en vigueur le {french_date(effective)}" if effective else "")


# -- the charter's parts ---------------------------------------------------------------------------
def _article(writer: _Writer, aid: str, change: ArticleChange | None, b: Charter) -> None:
    """An article's heading and introduction, with tracked changes and a comment."""
    new = b.article(aid)
    if change is None:
        paras = writer.write("Heading1", [(EQUAL, f"Article {new.number}. {new.title}")])
        writer.write(None, [(EQUAL, new.intro)] if new.intro else [])
    else:
        paras = writer.write("Heading1", article_heading_ops(change))
        if detailed(change):
            writer.comment(paras, article_comment(change))
        writer.write(None, list(change.intro_ops))
    if paras:
        writer.doc.bookmark(paras[0], paras[0], article_bookmark(aid))


def _clause(writer: _Writer, cid: str, change: ClauseChange | None, current: dict[str, Clause]) -> None:
    """A clause's heading and text inside its bookmark, with tracked changes and a comment."""
    if change is None:
        clause = current[cid]
        paras = writer.write("Heading2", [(EQUAL, f"{clause.number} {clause.title}")], number=True)
        body = writer.write(None, [(EQUAL, clause.text)])
    else:
        paras = writer.write("Heading2", clause_heading_ops(change), number=True)
        if detailed(change):
            writer.comment(paras, clause_comment(change))
        body = writer.write(None, list(change.text_ops))
    if paras:
        writer.doc.bookmark(paras[0], (body or paras)[-1], bookmark_name(cid))


def _references(writer: _Writer, change: ArticleChange | None, new) -> None:
    """An article's legal references, with tracked changes."""
    old_basis = change.old_legal_basis if change else new.legal_basis
    new_basis = change.new_legal_basis if change else new.legal_basis
    old = "Références : " + " ; ".join(old_basis) if old_basis else ""
    new_refs = "Références : " + " ; ".join(new_basis) if new_basis else ""
    if old or new_refs:
        writer.write("ckReferences", word_ops(old, new_refs))


# -- tracked changes -------------------------------------------------------------------------------
class _Writer:
    """Writes paragraphs with tracked changes by one author at one date."""

    def __init__(self, doc: Docx, author: str, date: str | None) -> None:
        """Remember the document, who made the changes and when."""
        self.doc = doc
        self.author = author
        self.date = date
        self.bullets: int | None = None  # one bullet list serves every bulleted paragraph

    def write(self, style: str | None, ops: Sequence[Op], *, number: bool = False) -> list[etree._Element]:
        """Append the readable text of ``ops`` as paragraphs; return their ``w:p`` elements.

        ``number``: the paragraph is a clause heading whose first word (its number) is set apart."""
        paras = paragraphs(segments(ops))
        if not paras:
            return []
        last = _block_mark(ops)
        out = []
        for i, para in enumerate(paras):
            mark = last if i == len(paras) - 1 else para.mark
            if not para.segments and mark == EQUAL:
                continue
            out.append(self._paragraph(style, para, mark, number=number and i == 0))
        return out

    def _paragraph(self, style: str | None, para: Paragraph, mark: str, *, number: bool) -> etree._Element:
        """One w:p with its runs, tracked ones wrapped in w:ins or w:del."""
        segs, level = _bullet(para, mark)
        numbering = None
        if level is not None:
            if self.bullets is None:
                self.bullets = self.doc.new_list(False)
            numbering, style = (self.bullets, min(level, 8)), "ListParagraph"
        p = self.doc.paragraph(style, numbering=numbering)
        if mark != EQUAL:
            # The paragraph mark itself was inserted or deleted: accepting joins or splits paragraphs.
            ppr = p.find(w("pPr"))
            if ppr is None:
                ppr = el("pPr")
                p.insert(0, ppr)
            ppr.append(el("rPr", self._revision(mark)))
        fixed = typography_runs([s.text for s in segs])
        for k, (seg, text) in enumerate(zip(segs, fixed)):
            flags = _flags(seg.style) | ({"num"} if number and k == 0 and seg.op == EQUAL else set())
            r = run(text, flags, deleted=seg.op == DELETE)
            p.append(r if seg.op == EQUAL else self._revision(seg.op, r))
        return p

    def _revision(self, op: str, *children: etree._Element) -> etree._Element:
        """A w:ins or w:del element by this writer's author at its date (ids are given at the end)."""
        attrs = {"id": "0", "author": self.author}
        if self.date is not None:
            attrs["date"] = self.date
        return el("ins" if op == INSERT else "del", *children, **attrs)

    def comment(self, paras: list[etree._Element], sentences: Sequence[str]) -> None:
        """Attach sentences for a lawyer as one Word comment spanning ``paras``."""
        if paras:
            self.doc.comment(paras[0], paras[-1], sentences, author=self.author, date=self.date)


def _bullet(para: Paragraph, mark: str) -> tuple[list[Segment], int | None]:
    """A paragraph's segments without its typed bullet, and its list level; None when it is no list
    item or when the bullet itself changed (then it stays typed, so the change stays visible)."""
    segs = list(para.segments)
    if not segs:
        return segs, None
    m = _BULLET_RE.match(segs[0].text)
    if m is None:
        return segs, None
    ops = {s.op for s in segs}
    if segs[0].op != EQUAL and not (len(ops) == 1 and mark in (EQUAL, segs[0].op)):
        return segs, None
    rest = segs[0].text[m.end():]
    head = [Segment(segs[0].op, rest, segs[0].style)] if rest else []
    return head + segs[1:], len(m.group(1).expandtabs(4)) // 2


def _flags(style: int) -> set[str]:
    return {flag for bit, flag in ((BOLD, "b"), (ITALIC, "i"), (CODE, "code")) if style & bit}


def _block_mark(ops: Sequence[Op]) -> str:
    """How the paragraph ending a block changed: a block only in one version comes or goes whole."""
    old = any(op != INSERT and text for op, text in ops)
    new = any(op != DELETE and text for op, text in ops)
    if old and not new:
        return DELETE
    if new and not old:
        return INSERT
    return EQUAL
