"""Charter → a clean Word document (the consolidated text of a version or of the draft) for legal.

It shows what the PDF shows (cover, contents, articles with their clauses, references, contacts,
acknowledgement page) with Word's own means: styles named like Word's, real lists, a running header
and a "Page N / M" footer, optional line numbers. Each clause sits inside a bookmark
``_ck_<module>_<clause>`` from its heading to its last paragraph, so `charter review import` can
bring the edits legal makes in Word back onto the clause they touch. Same charter, same bytes.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from lxml import etree

from charter_kit.locales import fr
from charter_kit.model.charter import Article, Charter, Clause
from charter_kit.outputs import markup
from charter_kit.typeset.docx import DocInfo, Docx, Run, article_bookmark, bookmark_name, paper_for
from charter_kit.typeset.docx_styles import text_width
from charter_kit.typeset.markup import blocks, inlines


def docx_filename(charter: Charter) -> str:
    """The document's file name: ``charte-reseaux-sociaux-1.0.0.docx`` or ``…-projet.docx``."""
    return f"charte-reseaux-sociaux-{charter.display_version}.docx"


def render_docx(charter: Charter, *, line_numbers: bool = False) -> bytes:
    """The consolidated Word document of ``charter``; the same charter always gives the same bytes."""
    doc = Docx(doc_info(charter, line_numbers=line_numbers, kind="charter"))
    _cover(doc, charter)
    _contents(doc, charter)
    anchors = {c.id for c in charter.clauses()} | {f"article-{a.id}" for a in charter.articles}
    for article in charter.articles:
        _article(doc, charter, article, anchors)
    _contacts(doc, charter)
    _acknowledgement(doc, charter)
    return doc.to_bytes()


def doc_info(charter: Charter, *, line_numbers: bool, kind: str, subject: str | None = None,
             track_revisions: bool = False, custom: dict[str, str] | None = None) -> DocInfo:
    """The properties, running lines, paper and colours of a Word document about ``charter``."""
    palette = markup.palette(charter)
    name = markup.legal_name(charter)
    version = f"Version {charter.version}" if charter.version else "Projet"
    return DocInfo(
        title=charter.title, subject=subject or f"{markup.status_label(charter)}, {markup.version_label(charter)}",
        author=name, date=markup.charter_date(charter) if kind == "charter" else charter.date,
        description=f"{charter.title} de {name} ({markup.version_label(charter)}). Empreinte SHA-256 : {charter.digest}.",
        header_left=charter.title, header_right=version, footer_left=name, paper=paper_for(charter.jurisdiction),
        brand=palette.decor, accent=palette.accent, line_numbers=line_numbers, track_revisions=track_revisions,
        custom={"charter-kit.document": kind, "charter-kit.version": charter.display_version,
                "charter-kit.digest": charter.digest, **(custom or {})})


# -- cover and contents ------------------------------------------------------------------------------
def _plain(text: str, *flags: str) -> Run:
    return (text, frozenset(flags))


def _cover(doc: Docx, charter: Charter) -> None:
    name = markup.legal_name(charter)
    doc.paragraph("ckCover", [_plain(name, "b")])
    for _ in range(5):
        doc.paragraph("ckCover")
    doc.paragraph("ckKicker", [_plain(markup.status_label(charter))])
    doc.paragraph("Title", [_plain(charter.title)])
    doc.paragraph("Subtitle", [_plain(f"Version {charter.version}" if charter.version else "Projet")])
    counts = markup.count_label(len(charter.articles), "article", "articles") + ", " + (
        markup.nature_counts(charter.clauses()) if any(c.nature for c in charter.clauses())
        else markup.count_label(len(charter.clauses()), "règle", "règles"))
    facts = [("Entreprise", name), ("Version", charter.version or "Projet"),
             ("Entrée en vigueur", markup.effective_label(charter)), ("Statut", markup.status_label(charter)),
             ("Contenu", counts)]
    width = text_width(doc.info.paper)
    doc.table([], [[[_plain(k)], [_plain(v, "b")]] for k, v in facts], [2400, width - 2400])
    if charter.is_draft:
        doc.paragraph("ckNotice", [_plain("Projet : ce texte n’est pas en vigueur et peut encore changer.", "b")])
    doc.paragraph("ckCover")
    doc.paragraph("ckSmall", [_plain("Empreinte : "), _plain(charter.digest, "code")])
    doc.paragraph("ckSmall", [_plain("L’empreinte (SHA-256) identifie exactement ce texte : un document qui porte "
                                     "la même empreinte a le même contenu, mot pour mot.")])
    doc.end_cover()


def _contents(doc: Docx, charter: Charter) -> None:
    doc.paragraph("Heading1", [_plain("Sommaire")])
    for article in charter.articles:
        link = doc.internal_link(article_bookmark(article.id),
                                 [_plain(f"Article {article.number}. ", "b"), _plain(article.title)])
        doc.paragraph("ckCover", [link])
    if charter.contacts:
        doc.paragraph("ckCover", [doc.internal_link("_ck_contacts", [_plain("Contacts", "b")])])


# -- articles and clauses ----------------------------------------------------------------------------
def _article(doc: Docx, charter: Charter, article: Article, anchors: Collection[str]) -> None:
    heading = doc.paragraph("Heading1", [_plain(f"Article {article.number}. {article.title}")],
                            page_break_before=True)
    doc.bookmark(heading, heading, article_bookmark(article.id))
    if article.intro:
        write_blocks(doc, blocks(article.intro, anchors))
    for clause in article.clauses:
        clause_paragraphs(doc, clause, anchors)
    basis = charter.legal_basis(article)
    if basis:
        doc.paragraph("ckReferences", [_plain("Références juridiques : ", "b"), _plain(" ; ".join(basis))])


def clause_paragraphs(doc: Docx, clause: Clause, anchors: Collection[str]) -> list[etree._Element]:
    """A clause's heading and text, inside its bookmark; the paragraphs written."""
    runs: list[Any] = [_plain(clause.number, "num"), _plain(" ")]
    runs += inline_runs(doc, inlines(clause.title, anchors), frozenset())
    heading = doc.paragraph("Heading2", runs)
    start = len(doc.body)
    write_blocks(doc, blocks(clause.text, anchors))
    paras = [heading] + [e for e in doc.body[start:] if e.tag.endswith("}p")]
    doc.bookmark(heading, paras[-1], bookmark_name(clause.id))
    return paras


def write_blocks(doc: Docx, nodes: Sequence[dict[str, Any]], *, level: int = 0, quote: bool = False) -> None:
    """Append the block nodes of typeset/markup.py as Word paragraphs, lists and tables."""
    for node in nodes:
        kind = node["t"]
        if kind == "par":
            doc.paragraph("Quote" if quote else None, inline_runs(doc, node["c"], frozenset()))
        elif kind == "heading":
            style = "Heading3" if node["level"] <= 3 else "Heading4"
            doc.paragraph(style, inline_runs(doc, node["c"], frozenset()))
        elif kind == "list":
            _list(doc, node, level)
        elif kind == "quote":
            write_blocks(doc, node["c"], level=level, quote=True)
        elif kind == "table":
            width = text_width(doc.info.paper)
            columns = max(len(node["head"]), 1)
            widths = [width // columns] * columns
            doc.table([inline_runs(doc, cell, frozenset()) for cell in node["head"]],
                      [[inline_runs(doc, cell, frozenset()) for cell in row] for row in node["rows"]], widths)
        elif kind == "code":
            for line in node["text"].split("\n"):
                doc.paragraph("ckCodeBlock", [(line, frozenset())])
        elif kind == "rule":
            doc.paragraph(None, [_plain("* * *")], align="center")


def _list(doc: Docx, node: dict[str, Any], level: int) -> None:
    num_id = doc.new_list(node["ordered"], node.get("start", 1))
    for item in node["items"]:
        first = True
        for child in item:
            if child["t"] == "par" and first:
                doc.paragraph("ListParagraph", inline_runs(doc, child["c"], frozenset()), numbering=(num_id, level))
                first = False
            elif child["t"] == "list":
                _list(doc, child, level + 1)
            else:
                write_blocks(doc, [child], level=level + 1)
                first = False


def inline_runs(doc: Docx, nodes: Sequence[Any], flags: frozenset[str]) -> list[Any]:
    """Inline nodes as runs (with flags) and link elements."""
    out: list[Any] = []
    for node in nodes:
        if isinstance(node, str):
            out.append((node, flags))
        elif node["t"] in ("strong", "emph"):
            out += inline_runs(doc, node["c"], flags | {"b" if node["t"] == "strong" else "i"})
        elif node["t"] == "code":
            out.append((node["text"], flags | {"code"}))
        elif node["t"] == "br":
            out.append((" ", flags))
        elif node["t"] == "link":
            out.append(doc.external_link(node["url"], [r for r in inline_runs(doc, node["c"], flags)
                                                       if isinstance(r, tuple)]))
        elif node["t"] == "ref":
            target = node["to"]
            anchor = article_bookmark(target[8:]) if target.startswith("article-") else bookmark_name(target)
            out.append(doc.internal_link(anchor, [r for r in inline_runs(doc, node["c"], flags) if isinstance(r, tuple)]))
        else:
            out += inline_runs(doc, node.get("c", []), flags)
    return out


# -- contacts and acknowledgement --------------------------------------------------------------------
def _contacts(doc: Docx, charter: Charter) -> None:
    rows = markup.contact_rows(charter)
    if not rows:
        return
    heading = doc.paragraph("Heading1", [_plain("Contacts")], page_break_before=True)
    doc.bookmark(heading, heading, "_ck_contacts")
    doc.paragraph(None, [_plain("Une question sur la charte ou un doute avant de publier : adressez-vous à "
                                "l’interlocuteur correspondant.")])
    width = text_width(doc.info.paper)
    widths = [2600, 2400, width - 2600 - 2400 - 1700, 1700]
    doc.table([[_plain(h)] for h in ("Sujet", "Interlocuteur", "Adresse", "Téléphone")],
              [[[_plain(c["label"], "b")], [_plain(c["name"] or "—")], [_plain(c["email"])], [_plain(c["phone"] or "—")]]
               for c in rows], widths)


def _acknowledgement(doc: Docx, charter: Charter) -> None:
    if not charter.pdf.get("signature_block"):
        return
    name = markup.legal_name(charter)
    heading = doc.paragraph("Heading1", [_plain("Accusé de réception")], page_break_before=True)
    doc.bookmark(heading, heading, "_ck_accuse_de_reception")
    effective = f", applicable à compter du {markup.effective_label(charter)}" if charter.effective_date else ""
    doc.paragraph(None, [_plain("Je soussigné(e) reconnais avoir reçu un exemplaire de la "), _plain(charter.title, "i"),
                         _plain(f" de {name}, {markup.version_label(charter)}{effective}, et en avoir pris connaissance.")])
    doc.paragraph(None, [_plain("Cet accusé de réception atteste seulement la remise du document : il ne vaut ni "
                                "accord sur son contenu, ni renonciation à un droit.")])
    doc.paragraph("ckSmall", [_plain("Empreinte : "), _plain(charter.digest, "code")])
    width = text_width(doc.info.paper)
    rows = [[[_plain(label)], [doc.make_paragraph("ckTableText")]]
            for label in ("Nom et prénom", "Service ou fonction", "Date")]
    rows.append([[_plain("Signature")], [doc.make_paragraph("ckTableText") for _ in range(5)]])
    doc.table([], rows, [2550, width - 2550])
    doc.paragraph("ckSmall", [_plain("À établir en deux exemplaires : l’un pour le salarié, l’autre pour "
                                     f"l’entreprise. Date du document : {fr.date(charter.date) if charter.date else 'projet'}.")])
