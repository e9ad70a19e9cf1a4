"""Reading a Word document back: its paragraphs with their tracked changes, bookmarks and comments.

Word (and LibreOffice saving as .docx) writes an insertion as ``w:ins`` around runs, a deletion as
``w:del`` around runs whose text is ``w:delText``, a moved passage as ``w:moveFrom`` / ``w:moveTo``,
an inserted or deleted paragraph break in the paragraph mark's properties (``w:pPr/w:rPr/w:ins``),
and a comment as ``w:commentRangeStart`` / ``w:commentRangeEnd`` around the text it concerns, its
words in ``word/comments.xml``. This module reads all of that as plain data, in reading order,
with the bookmarks each paragraph lies in (charter-kit writes one per clause), so a caller can see
each revision's author, date and clause. It interprets nothing.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

from lxml import etree

from charter_kit.errors import CharterError
from charter_kit.typeset.docx_styles import w

EQUAL, INSERT, DELETE = "equal", "insert", "delete"
_REVISIONS = {w("ins"): INSERT, w("moveTo"): INSERT, w("del"): DELETE, w("moveFrom"): DELETE}
#: Parts a .docx may hold that are not safe to parse blindly: refuse a file larger than this.
MAX_PART = 50 * 1024 * 1024


@dataclass(frozen=True)
class Piece:
    """A run of text and how it changed: its operation, author and date (None when not tracked)."""

    op: str
    text: str
    author: str | None = None
    date: str | None = None


@dataclass
class Para:
    """One paragraph in reading order."""

    index: int
    style: str | None
    numbered: bool
    pieces: list[Piece] = field(default_factory=list)
    #: The paragraph mark's own change (a paragraph added or removed), with its author.
    mark: Piece = field(default_factory=lambda: Piece(EQUAL, ""))
    #: The names of the bookmarks this paragraph lies in (even partly).
    bookmarks: tuple[str, ...] = ()
    in_table: bool = False

    def text(self, accept: bool, *, only: set[str] | None = None) -> str:
        """The paragraph's text with tracked changes accepted (or rejected).

        ``only``: the authors whose changes are accepted or rejected; the others' are accepted."""
        out = []
        for piece in self.pieces:
            if piece.op == EQUAL:
                out.append(piece.text)
                continue
            mine = only is None or piece.author in only
            keep = (piece.op == INSERT) == (accept or not mine)
            if keep:
                out.append(piece.text)
        return "".join(out)

    def authors(self) -> set[str]:
        """Everyone who tracked a change in this paragraph (its text or its mark)."""
        found = {p.author for p in self.pieces if p.op != EQUAL and p.author}
        if self.mark.op != EQUAL and self.mark.author:
            found.add(self.mark.author)
        return found


@dataclass(frozen=True)
class Comment:
    """A Word comment: who, when, what, and the paragraphs it spans."""

    id: str
    author: str
    date: str | None
    text: str
    first: int
    last: int


@dataclass(frozen=True)
class WordDocument:
    """What a .docx holds for charter-kit: paragraphs, comments and its custom properties."""

    paragraphs: list[Para]
    comments: list[Comment]
    properties: dict[str, str]


def read_docx(data: bytes, name: str = "document") -> WordDocument:
    """Read a .docx; a file that is not one is a clear error naming it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            parts = {info.filename: info for info in z.infolist()}
            if "word/document.xml" not in parts:
                raise CharterError(f"{name}: not a Word document (no word/document.xml)",
                                   hint="give the .docx saved by Word or LibreOffice")
            if any(info.file_size > MAX_PART for info in parts.values()):
                raise CharterError(f"{name}: a part of the document is larger than {MAX_PART // 2**20} MB")
            document = _parse(z.read("word/document.xml"), name)
            comments = _parse(z.read("word/comments.xml"), name) if "word/comments.xml" in parts else None
            custom = _parse(z.read("docProps/custom.xml"), name) if "docProps/custom.xml" in parts else None
    except zipfile.BadZipFile:
        raise CharterError(f"{name}: not a Word document (not a zip file)",
                           hint="save it as .docx (Word document), not .doc or .odt") from None
    paragraphs, spans = _paragraphs(document)
    return WordDocument(paragraphs, _comments(comments, spans), _properties(custom))


def _parse(data: bytes, name: str) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise CharterError(f"{name}: damaged Word document ({exc})") from None


def _paragraphs(document: etree._Element) -> tuple[list[Para], dict[str, list[int]]]:
    """Every paragraph of the body in order, and where each comment starts and ends (paragraph indexes)."""
    body = document.find(w("body"))
    if body is None:
        return [], {}
    open_marks: dict[str, str] = {}  # bookmark id -> name
    spans: dict[str, list[int]] = {}
    out: list[Para] = []
    for p in body.iter(w("p")):
        para = Para(len(out), _style(p), p.find(f"{w('pPr')}/{w('numPr')}") is not None,
                    in_table=any(a.tag == w("tc") for a in p.iterancestors()))
        inside = set(open_marks.values())
        mark = p.find(f"{w('pPr')}/{w('rPr')}")
        if mark is not None:
            for tag, op in _REVISIONS.items():
                change = mark.find(tag)
                if change is not None:
                    para.mark = Piece(op, "", change.get(w("author")), change.get(w("date")))
        for node in p.iter():
            if node.tag == w("bookmarkStart"):
                open_marks[node.get(w("id"))] = node.get(w("name")) or ""
                inside.add(node.get(w("name")) or "")
            elif node.tag == w("bookmarkEnd"):
                open_marks.pop(node.get(w("id")), None)
            elif node.tag == w("commentRangeStart"):
                spans.setdefault(node.get(w("id")), [para.index, para.index])[0] = para.index
            elif node.tag == w("commentRangeEnd"):
                spans.setdefault(node.get(w("id")), [para.index, para.index])[1] = para.index
            elif node.tag in (w("t"), w("delText"), w("tab"), w("br")):
                _text(node, para)
        para.bookmarks = tuple(sorted(n for n in inside if n))
        out.append(para)
    return out, spans


def _text(node: etree._Element, para: Para) -> None:
    """Add one text node to the paragraph, with the revision around it (if any)."""
    op, author, date = EQUAL, None, None
    for ancestor in node.iterancestors():
        if ancestor.tag in _REVISIONS:
            op, author, date = _REVISIONS[ancestor.tag], ancestor.get(w("author")), ancestor.get(w("date"))
            break
        if ancestor.tag == w("p"):
            break
    if node.tag == w("tab") and node.getparent().tag != w("r"):
        return  # a tab stop definition in the paragraph's properties, not a tab character
    if node.tag in (w("t"), w("delText")):
        text = node.text or ""
    else:
        text = "\t" if node.tag == w("tab") else " "
    if para.pieces and (last := para.pieces[-1]).op == op and last.author == author and last.date == date:
        para.pieces[-1] = Piece(op, last.text + text, author, date)
    else:
        para.pieces.append(Piece(op, text, author, date))


def _style(p: etree._Element) -> str | None:
    style = p.find(f"{w('pPr')}/{w('pStyle')}")
    return style.get(w("val")) if style is not None else None


def _comments(root: etree._Element | None, spans: dict[str, list[int]]) -> list[Comment]:
    if root is None:
        return []
    out = []
    for c in root.iter(w("comment")):
        ident = c.get(w("id"))
        text = "\n".join("".join(t.text or "" for t in p.iter(w("t"))) for p in c.iter(w("p"))).strip()
        first, last = spans.get(ident, [-1, -1])
        out.append(Comment(ident, c.get(w("author")) or "", c.get(w("date")), text, first, last))
    return out


def _properties(root: etree._Element | None) -> dict[str, str]:
    """The document's custom properties (name -> text)."""
    if root is None:
        return {}
    out = {}
    for prop in root:
        name = prop.get("name")
        if name:
            out[name] = "".join(prop.itertext())
    return out
