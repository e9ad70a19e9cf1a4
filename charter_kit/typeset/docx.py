"""Word documents written part by part: the one DOCX engine of the consolidated charter, the redline
and any other Word output (the adoption pack may use it too).

Why not python-docx's template: it brings a 350 KB style sheet, a blank thumbnail, a bibliography
part and "Microsoft Macintosh Word" in app.xml. Here every part is written from scratch, so the
package holds only what the document uses: styles that match the PDF (typeset/docx_styles.py),
real Word lists (numbering.xml), a header and a footer with "Page N / M" fields, optional line
numbers, bookmarks, internal and external links, comments and clean properties (title, subject,
author = the company, language fr-FR, dates from the release, never the clock).

Same inputs, same bytes: parts are written in a fixed order with a fixed zip timestamp. Every
paragraph's text goes through French typography (``locales.typography``) run by run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from lxml import etree

from charter_kit.locales.typography import typography_runs
from charter_kit.typeset import docx_package as package
from charter_kit.typeset import docx_styles as styles
from charter_kit.typeset.docx_styles import W_NS, el, w

R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
LANGUAGE = package.LANGUAGE
#: Prefix of every bookmark charter-kit writes around a clause (``_ck_<module>_<clause>``).
BOOKMARK_PREFIX = "_ck_"
#: Prefix of the bookmark on an article's heading.
ARTICLE_PREFIX = "_cka_"
#: Word refuses longer bookmark names.
BOOKMARK_MAX = 40


def paper_for(jurisdiction: str) -> str:
    """The paper a company of this jurisdiction prints on: US Letter in Québec, A4 elsewhere."""
    return "letter" if jurisdiction == "qc" else "a4"


def bookmark_name(clause_id: str, prefix: str = BOOKMARK_PREFIX) -> str:
    """The bookmark around a clause: ``_ck_<module>_<clause>``, letters, digits and underscores only.

    Word allows 40 characters: a longer id keeps its start and ends with a short hash of the whole.
    """
    import hashlib

    safe = "".join(ch if ch.isascii() and ch.isalnum() else "_" for ch in clause_id.replace(".", "_"))
    name = prefix + safe
    if len(name) <= BOOKMARK_MAX:
        return name
    return name[: BOOKMARK_MAX - 7] + "_" + hashlib.sha1(clause_id.encode("utf-8")).hexdigest()[:6]


def article_bookmark(module_id: str) -> str:
    """The bookmark on an article's heading: ``_cka_<module>`` (never mistaken for a clause's)."""
    return bookmark_name(module_id, ARTICLE_PREFIX)


@dataclass(frozen=True)
class DocInfo:
    """What the document says about itself: properties, running header and footer, paper, colours."""

    title: str
    subject: str
    #: The company (legal name): the document's author.
    author: str
    #: The release date (ISO) stamping the properties; None for a draft (no date at all).
    date: str | None = None
    keywords: str = "charte, réseaux sociaux"
    category: str = "Charte"
    description: str = ""
    #: Left and right of the running header, left of the footer (its right is "Page N / M").
    header_left: str = ""
    header_right: str = ""
    footer_left: str = ""
    paper: str = "a4"
    #: Brand colour (rules) and accent colour (headings, links), "#rrggbb".
    brand: str = "#4051b5"
    accent: str = "#4051b5"
    line_numbers: bool = False
    track_revisions: bool = False
    #: Extra custom properties (name -> text) that let charter-kit recognise its own document.
    custom: dict[str, str] = field(default_factory=dict)


#: A run of text: its text and flags among "b" (bold), "i" (italic), "code", "num" (a clause number), "sup".
Run = tuple[str, frozenset[str]]


class Docx:
    """One Word document being written: append blocks to ``body``, then ``to_bytes``."""

    def __init__(self, info: DocInfo) -> None:
        """An empty document with the given properties."""
        self.info = info
        self.body: list[etree._Element] = []
        self.links: list[str] = []  # external addresses, in order of first use
        self.comments: list[etree._Element] = []
        self.lists: list[tuple[str, int]] = []  # (kind, start) of each list instance
        self._bookmarks = 0

    # -- paragraphs ---------------------------------------------------------------------------
    def paragraph(self, style: str | None = None, runs: Sequence[Run | etree._Element] = (), *,
                  numbering: tuple[int, int] | None = None, page_break_before: bool = False,
                  keep_next: bool = False, align: str | None = None) -> etree._Element:
        """Append a paragraph of ``runs`` (text runs get French typography); return its ``w:p``."""
        p = self.make_paragraph(style, runs, numbering=numbering, page_break_before=page_break_before,
                                keep_next=keep_next, align=align)
        self.body.append(p)
        return p

    def make_paragraph(self, style: str | None = None, runs: Sequence[Run | etree._Element] = (), *,
                       numbering: tuple[int, int] | None = None, page_break_before: bool = False,
                       keep_next: bool = False, align: str | None = None) -> etree._Element:
        """A paragraph element not yet placed (for table cells and comments)."""
        p = el("p")
        ppr = el("pPr")
        if style:
            ppr.append(el("pStyle", val=style))
        if keep_next:
            ppr.append(el("keepNext"))
        if page_break_before:
            ppr.append(el("pageBreakBefore"))
        if numbering is not None:
            num_id, level = numbering
            ppr.append(el("numPr", el("ilvl", val=str(level)), el("numId", val=str(num_id))))
        if align:
            ppr.append(el("jc", val=align))
        if len(ppr):
            p.append(ppr)
        for item in self.typeset(runs):
            p.append(item)
        return p

    @staticmethod
    def typeset(runs: Sequence[Run | etree._Element]) -> list[etree._Element]:
        """Text runs set the French way as one paragraph; elements (links, fields) kept as they are."""
        texts = [r[0] for r in runs if isinstance(r, tuple)]
        fixed = iter(typography_runs(texts))
        out = []
        for r in runs:
            if isinstance(r, tuple):
                text = next(fixed)
                if text:
                    out.append(run(text, r[1]))
            else:
                out.append(r)
        return out

    def page_break(self) -> None:
        """Start a new page."""
        self.body.append(el("p", el("pPr", el("suppressLineNumbers")), el("r", el("br", type="page"))))

    def end_cover(self) -> None:
        """End the cover: what follows starts a new page with the running header, footer and line numbers."""
        self.body.append(el("p", el("pPr", el("spacing", after="0"),
                                    styles.section(self.info.paper, cover=True))))

    # -- links and bookmarks --------------------------------------------------------------------
    def external_link(self, url: str, runs: Sequence[Run]) -> etree._Element:
        """A ``w:hyperlink`` to an outside address (http, https, mailto, tel)."""
        if url not in self.links:
            self.links.append(url)
        link = el("hyperlink")
        link.set(f"{{{R_NS}}}id", f"rIdLink{self.links.index(url) + 1}")
        for r in self.typeset(runs):
            _style_run(r, "Hyperlink")
            link.append(r)
        return link

    @classmethod
    def internal_link(cls, anchor: str, runs: Sequence[Run]) -> etree._Element:
        """A ``w:hyperlink`` to a bookmark of this document."""
        link = el("hyperlink", anchor=anchor, history="1")
        for r in cls.typeset(runs):
            _style_run(r, "Hyperlink")
            link.append(r)
        return link

    def bookmark(self, first: etree._Element, last: etree._Element, name: str) -> None:
        """A bookmark ``name`` from the start of paragraph ``first`` to the end of paragraph ``last``."""
        self._bookmarks += 1
        ident = str(self._bookmarks)
        start = el("bookmarkStart", id=ident, name=name)
        ppr = first.find(w("pPr"))
        if ppr is not None:
            ppr.addnext(start)
        else:
            first.insert(0, start)
        last.append(el("bookmarkEnd", id=ident))

    # -- lists and tables -----------------------------------------------------------------------
    def new_list(self, ordered: bool, start: int = 1) -> int:
        """A new list instance (numbering restarts at ``start``); its ``numId``."""
        self.lists.append(("decimal" if ordered else "bullet", start))
        return len(self.lists)

    def table(self, header: Sequence[Sequence], rows: Sequence[Sequence[Sequence]], widths: Sequence[int], *,
              style: str = "ckTable") -> etree._Element:
        """A table (``widths`` in twentieths of a point) whose header repeats on each page and
        whose rows never split across pages; each cell is a list of runs or of paragraphs."""
        tbl = el("tbl", el("tblPr", el("tblStyle", val=style), el("tblW", w=str(sum(widths)), type="dxa"),
                           el("tblLayout", type="fixed"), el("tblLook", val="0420", firstRow="1",
                                                               lastRow="0", firstColumn="0", lastColumn="0",
                                                               noHBand="1", noVBand="1")))
        tbl.append(el("tblGrid", *[el("gridCol", w=str(x)) for x in widths]))
        for i, cells in enumerate([header, *rows] if header else rows):
            trpr = el("trPr", el("cantSplit"))
            if header and i == 0:
                trpr.append(el("tblHeader"))
            tr = el("tr", trpr)
            for width, cell in zip(widths, cells):
                tc = el("tc", el("tcPr", el("tcW", w=str(width), type="dxa")))
                paras = [c for c in cell if isinstance(c, etree._Element) and c.tag == w("p")]
                if not paras:
                    paras = [self.make_paragraph("ckTableHead" if header and i == 0 else "ckTableText", cell)]
                for p in paras:
                    tc.append(p)
                tr.append(tc)
            tbl.append(tr)
        self.body.append(tbl)
        # A table is followed by a paragraph in Word; an empty small one keeps the next text apart.
        return tbl

    # -- comments -------------------------------------------------------------------------------
    def comment(self, first: etree._Element, last: etree._Element, paragraphs: Iterable[str], *,
                author: str, date: str | None) -> None:
        """A Word comment spanning ``first`` to ``last``, one paragraph per text."""
        ident = str(len(self.comments))
        attrs = {"id": ident, "author": author, "initials": _initials(author)}
        if date:
            attrs["date"] = date
        comment = el("comment", **attrs)
        for k, text in enumerate(paragraphs):
            ref = [el("r", el("rPr", el("rStyle", val="CommentReference")), el("annotationRef"))] if k == 0 else []
            p = self.make_paragraph("CommentText", [(text, frozenset())])
            for r in reversed(ref):
                p.insert(1, r)
            comment.append(p)
        self.comments.append(comment)
        start = el("commentRangeStart", id=ident)
        ppr = first.find(w("pPr"))
        if ppr is not None:
            ppr.addnext(start)
        else:
            first.insert(0, start)
        last.append(el("commentRangeEnd", id=ident))
        last.append(el("r", el("rPr", el("rStyle", val="CommentReference")), el("commentReference", id=ident)))

    # -- the package ----------------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        """The .docx: every part, in a fixed order, with fixed timestamps."""
        parts = {
            "[Content_Types].xml": package.content_types(comments=bool(self.comments)),
            "_rels/.rels": package.rels([("rId1", "officeDocument", "word/document.xml"),
                                  ("rId2", "core", "docProps/core.xml"), ("rId3", "app", "docProps/app.xml"),
                                  ("rId4", "custom", "docProps/custom.xml")]),
            "docProps/app.xml": package.app(self.info.author),
            "docProps/core.xml": package.core(self.info),
            "docProps/custom.xml": package.custom(self.info.custom),
            "word/_rels/document.xml.rels": self._document_rels(),
            "word/document.xml": self._document(),
            "word/fontTable.xml": package.xml(styles.font_table()),
            "word/footer1.xml": package.xml(self._footer()),
            "word/header1.xml": package.xml(self._header()),
            "word/numbering.xml": package.xml(styles.numbering(self.lists)),
            "word/settings.xml": package.xml(styles.settings(track_revisions=self.info.track_revisions)),
            "word/styles.xml": package.xml(styles.style_sheet(self.info.brand, self.info.accent)),
        }
        if self.comments:
            parts["word/comments.xml"] = package.xml(el("comments", *self.comments))
        return package.write_zip(parts)

    def _header(self) -> etree._Element:
        """header1.xml: the title on the left, the version on the right, as on the PDF's pages."""
        tab = el("tabs", el("tab", val="right", pos=str(styles.text_width(self.info.paper))))
        p = el("p", el("pPr", el("pStyle", val="Header"), tab))
        p.extend(self.typeset([(self.info.header_left, frozenset())]))
        p.append(el("r", el("tab")))
        p.extend(self.typeset([(self.info.header_right, frozenset())]))
        return el("hdr", p)

    def _footer(self) -> etree._Element:
        """footer1.xml: the company on the left, "Page N / M" (PAGE and NUMPAGES fields) on the right."""
        tab = el("tabs", el("tab", val="right", pos=str(styles.text_width(self.info.paper))))
        p = el("p", el("pPr", el("pStyle", val="Footer"), tab))
        p.extend(self.typeset([(self.info.footer_left, frozenset())]))
        p.append(el("r", el("tab")))
        p.append(run("Page "))
        p.extend(field_runs("PAGE", "1"))
        p.append(run(" / "))
        p.extend(field_runs("NUMPAGES", "1"))
        return el("ftr", p)

    def _document(self) -> bytes:
        info = self.info
        body = el("body", *self.body, styles.section(info.paper, line_numbers=info.line_numbers))
        _number_annotations(body, first=len(self.comments))
        document = etree.Element(w("document"), nsmap={"w": W_NS, "r": R_NS})
        document.append(body)
        return package.xml(document)

    def _document_rels(self) -> bytes:
        rels = [("rIdStyles", "styles", "styles.xml"), ("rIdNumbering", "numbering", "numbering.xml"),
                ("rIdSettings", "settings", "settings.xml"), ("rIdFonts", "fontTable", "fontTable.xml"),
                ("rIdHeader1", "header", "header1.xml"), ("rIdFooter1", "footer", "footer1.xml")]
        if self.comments:
            rels.append(("rIdComments", "comments", "comments.xml"))
        external = [(f"rIdLink{i}", "hyperlink", url) for i, url in enumerate(self.links, start=1)]
        return package.rels(rels, external)

# -- runs -------------------------------------------------------------------------------------------
def run(text: str, flags: Iterable[str] = (), *, deleted: bool = False) -> etree._Element:
    """A ``w:r`` holding ``text`` (``w:delText`` when deleted), bold, italic, code or superscript."""
    flags = set(flags)
    props = []  # in the schema's order (CT_RPr): rStyle, rFonts, b, i, … vertAlign
    if "code" in flags or "num" in flags:
        props.append(el("rStyle", val="ckCode" if "code" in flags else "ckNumber"))
    if "b" in flags:
        props.append(el("b"))
    if "i" in flags:
        props.append(el("i"))
    if "sup" in flags:
        props.append(el("vertAlign", val="superscript"))
    t = el("delText" if deleted else "t")
    t.set(XML_SPACE, "preserve")
    t.text = _xml_safe(text)
    r = el("r")
    if props:
        r.append(el("rPr", *props))
    r.append(t)
    return r


def _style_run(r: etree._Element, style: str) -> None:
    """Give a run a character style (first in its properties, as the schema orders them)."""
    rpr = r.find(w("rPr"))
    if rpr is None:
        rpr = el("rPr")
        r.insert(0, rpr)
    if rpr.find(w("rStyle")) is None:
        rpr.insert(0, el("rStyle", val=style))


def field_runs(instruction: str, shown: str) -> list[etree._Element]:
    """A complex field (PAGE, NUMPAGES…) as Word writes it, showing ``shown`` until updated."""
    instr = el("instrText")
    instr.set(XML_SPACE, "preserve")
    instr.text = f" {instruction} "
    return [el("r", el("fldChar", fldCharType="begin")), el("r", instr), el("r", el("fldChar", fldCharType="separate")),
            run(shown), el("r", el("fldChar", fldCharType="end"))]


def _number_annotations(body: etree._Element, first: int) -> None:
    """Give revisions and bookmarks ids after the comments' ones, so no two annotations share an id."""
    n = first
    bookmarks: dict[str, str] = {}
    for node in body.iter(w("ins"), w("del"), w("bookmarkStart"), w("bookmarkEnd")):
        if node.tag == w("bookmarkEnd"):
            node.set(w("id"), bookmarks.get(node.get(w("id")), "0"))
            continue
        if node.tag == w("bookmarkStart"):
            bookmarks[node.get(w("id"))] = str(n)
        node.set(w("id"), str(n))
        n += 1


def _initials(author: str) -> str:
    return "".join(part[0] for part in author.replace("-", " ").split() if part[:1].isalnum())[:4].upper() or "CK"


def _xml_safe(text: str) -> str:
    """Text without the characters XML 1.0 cannot hold (a control character in a profile value)."""
    return "".join(ch for ch in text if ch in "\t\n\r" or (" " <= ch and ch not in "\ufffe\uffff"
                                                           and not 0xD800 <= ord(ch) <= 0xDFFF))


def revision_stamp(date: str | None) -> str | None:
    """A release date (ISO) as the ``w:date`` of revisions and comments; None without one."""
    if not date:
        return None
    day = dt.date.fromisoformat(date)
    return f"{day.isoformat()}T00:00:00Z"
