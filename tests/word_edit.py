"""Edit a .docx the way Word writes tracked changes and comments, for the review round-trip tests.

Word splits the run holding the edited words into the text before, a ``w:del`` run of ``w:delText``,
a ``w:ins`` run, and the text after, each revision with ``w:id``, ``w:author`` and ``w:date``; a new
paragraph typed at the end of another marks the earlier paragraph's break as inserted; a comment is
``w:commentRangeStart`` / ``w:commentRangeEnd`` around the text, a ``w:commentReference`` run, and a
``w:comment`` in word/comments.xml (created with its relationship and content type if missing).
"""

from __future__ import annotations

import copy
import io
import zipfile

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/package/2006/relationships"


def q(tag: str) -> str:
    return f"{{{W}}}{tag}"


class WordEdit:
    """A .docx open for editing; ``bytes()`` gives it back."""

    def __init__(self, data: bytes) -> None:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            self.parts = {name: z.read(name) for name in z.namelist()}
        self.doc = etree.fromstring(self.parts["word/document.xml"])
        self.comments = (etree.fromstring(self.parts["word/comments.xml"]) if "word/comments.xml" in self.parts
                         else etree.Element(q("comments"), nsmap={"w": W}))
        self.next_id = 9000

    def _id(self) -> str:
        self.next_id += 1
        return str(self.next_id)

    def paragraphs(self, bookmark: str) -> list[etree._Element]:
        """The paragraphs inside a bookmark, in order."""
        body = self.doc.find(q("body"))
        out, inside, ident = [], False, None
        for p in body.iter(q("p")):
            starts = [b for b in p.iter(q("bookmarkStart")) if b.get(q("name")) == bookmark]
            if starts:
                inside, ident = True, starts[0].get(q("id"))
            if inside:
                out.append(p)
            if inside and any(e.get(q("id")) == ident for e in p.iter(q("bookmarkEnd"))):
                break
        assert out, f"no bookmark {bookmark}"
        return out

    def replace(self, bookmark: str, old: str, new: str, author: str, date: str) -> None:
        """Replace words ``old`` by ``new`` inside a bookmarked clause, as a tracked change."""
        for p in self.paragraphs(bookmark):
            for t in p.iter(q("t")):
                if t.text and old in t.text and t.getparent().getparent().tag != q("ins"):
                    self._split(t, old, new, author, date)
                    return
        raise AssertionError(f"{old!r} not found in {bookmark}")

    def _split(self, t, old: str, new: str, author: str, date: str) -> None:
        run = t.getparent()
        before, after = t.text.split(old, 1)
        parent = run.getparent()
        at = parent.index(run)
        pieces = []
        if before:
            pieces.append(self._run(run, before))
        deleted = self._run(run, old, tag="delText")
        pieces.append(self._wrap("del", deleted, author, date))
        if new:
            pieces.append(self._wrap("ins", self._run(run, new), author, date))
        if after:
            pieces.append(self._run(run, after))
        parent.remove(run)
        for k, piece in enumerate(pieces):
            parent.insert(at + k, piece)

    def _run(self, model, text: str, tag: str = "t"):
        run = etree.SubElement(etree.Element("x"), q("r"))
        rpr = model.find(q("rPr"))
        if rpr is not None:
            run.append(copy.deepcopy(rpr))
        t = etree.SubElement(run, q(tag))
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        t.text = text
        return run

    def _wrap(self, tag: str, run, author: str, date: str):
        wrapper = etree.Element(q(tag))
        wrapper.set(q("id"), self._id())
        wrapper.set(q("author"), author)
        wrapper.set(q("date"), date)
        wrapper.append(run)
        return wrapper

    def add_paragraph(self, bookmark: str, text: str, author: str, date: str) -> None:
        """Type Enter at the end of the clause's last paragraph, then ``text`` (the new paragraph
        lands after the bookmark's end, as in Word)."""
        last = self.paragraphs(bookmark)[-1]
        new = etree.Element(q("p"))
        ppr = last.find(q("pPr"))
        if ppr is not None:
            keep = copy.deepcopy(ppr)
            for child in list(keep):
                if child.tag not in (q("pStyle"), q("numPr")):
                    keep.remove(child)
            new.append(keep)
        new.append(self._wrap("ins", self._run(etree.Element(q("r")), text), author, date))
        last.addnext(new)
        ppr = last.find(q("pPr"))
        if ppr is None:
            ppr = etree.Element(q("pPr"))
            last.insert(0, ppr)
        rpr = ppr.find(q("rPr"))
        if rpr is None:
            rpr = etree.SubElement(ppr, q("rPr"))
        ins = etree.SubElement(rpr, q("ins"))
        ins.set(q("id"), self._id())
        ins.set(q("author"), author)
        ins.set(q("date"), date)

    def comment(self, bookmark: str, text: str, author: str, date: str) -> None:
        """A comment on the clause's first paragraph of text."""
        p = self.paragraphs(bookmark)[min(1, len(self.paragraphs(bookmark)) - 1)]
        ident = self._id()
        start = etree.Element(q("commentRangeStart"))
        start.set(q("id"), ident)
        ppr = p.find(q("pPr"))
        (ppr.addnext(start) if ppr is not None else p.insert(0, start))
        end = etree.SubElement(p, q("commentRangeEnd"))
        end.set(q("id"), ident)
        ref_run = etree.SubElement(p, q("r"))
        ref = etree.SubElement(ref_run, q("commentReference"))
        ref.set(q("id"), ident)
        c = etree.SubElement(self.comments, q("comment"))
        for k, v in (("id", ident), ("author", author), ("date", date), ("initials", "MD")):
            c.set(q(k), v)
        cp = etree.SubElement(c, q("p"))
        t = etree.SubElement(etree.SubElement(cp, q("r")), q("t"))
        t.text = text

    def bytes(self) -> bytes:
        self.parts["word/document.xml"] = etree.tostring(self.doc, xml_declaration=True, encoding="UTF-8", standalone=True)
        if len(self.comments):
            if "word/comments.xml" not in self.parts:
                rels = etree.fromstring(self.parts["word/_rels/document.xml.rels"])
                rel = etree.SubElement(rels, f"{{{R}}}Relationship")
                rel.set("Id", "rIdWordComments")
                rel.set("Type", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments")
                rel.set("Target", "comments.xml")
                self.parts["word/_rels/document.xml.rels"] = etree.tostring(rels, xml_declaration=True, encoding="UTF-8")
                types = self.parts["[Content_Types].xml"].decode("utf-8").replace(
                    "</Types>", '<Override PartName="/word/comments.xml" ContentType="application/vnd.openxmlformats-'
                                'officedocument.wordprocessingml.comments+xml"/></Types>')
                self.parts["[Content_Types].xml"] = types.encode("utf-8")
            self.parts["word/comments.xml"] = etree.tostring(self.comments, xml_declaration=True, encoding="UTF-8",
                                                             standalone=True)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in self.parts.items():
                z.writestr(name, data)
        return out.getvalue()
