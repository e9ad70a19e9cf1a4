"""Charter → the PDF annex (Typst): cover, contents, articles, contacts, acknowledgement.

Same charter, same bytes: the document's dates come from the charter, the fonts from the typst
wheel, and nothing is fetched (the logo travels inside the data). The PDF is PDF/A-3a, tagged,
and carries the charter's canonical JSON as an associated file, so the annex alone is enough to
check its text against the digest printed on its cover.
"""

from __future__ import annotations

from typing import Any

from charter_kit.model.charter import Article, Charter
from charter_kit.outputs import markup
from charter_kit.typeset.engine import compile_pdf, typst_date
from charter_kit.typeset.markup import blocks, clean, inlines, text

#: Name of the charter's canonical JSON inside the PDF.
ATTACHMENT = "charter.json"
LOGO_HINT = ("vérifiez le logo du profil (branding.logo) : une image PNG, JPEG ou SVG lisible, "
             "sans image liée à une adresse ou à un fichier")


def render_pdf(charter: Charter) -> bytes:
    """The PDF annex of ``charter``; the same charter always gives the same bytes."""
    hint = LOGO_HINT if markup.logo(charter) is not None else None
    return compile_pdf("annex.typ", annex_data(charter), date=markup.charter_date(charter),
                       inputs={"charter": charter.to_json()}, hint=hint)


def pdf_filename(charter: Charter) -> str:
    """The annex's file name: ``charte-reseaux-sociaux-1.0.0.pdf`` or ``…-projet.pdf``."""
    return f"charte-reseaux-sociaux-{charter.display_version}.pdf"


def clause_anchor(clause_id: str) -> str:
    """The in-document anchor of a clause: its full id (a PDF named destination)."""
    return clause_id


def article_anchor(article: Article) -> str:
    """The in-document anchor of an article."""
    return f"article-{article.id}"


def annex_data(charter: Charter) -> dict[str, Any]:
    """Everything the annex template shows, as JSON-ready data (text stays text)."""
    anchors = {clause_anchor(c.id) for c in charter.clauses()} | {article_anchor(a) for a in charter.articles}
    palette = markup.palette(charter)
    legal_name = markup.legal_name(charter)
    version_label = markup.version_label(charter)
    status = markup.status_label(charter)
    return {
        "meta": {"title": clean(charter.title), "author": clean(legal_name),
                 "description": clean(f"{charter.title}, {version_label} ({status})"),
                 "keywords": ["charte", "réseaux sociaux", clean(charter.company["name"])]},
        "date": typst_date(markup.charter_date(charter)),
        "title": text(charter.title),
        "legal_name": text(legal_name),
        "status": text(status),
        "version": text(charter.version or "Projet"),
        "version_title": text(f"Version {charter.version}" if charter.version else "Projet"),
        "version_label": text(version_label),
        "effective": text(markup.effective_label(charter)),
        "effective_date": bool(charter.effective_date),
        "draft": charter.is_draft,
        "digest": charter.digest,
        "counts": text(f"{markup.count_label(len(charter.articles), 'article', 'articles')}, "
                       f"{markup.count_label(len(charter.clauses()), 'règle', 'règles')}"),
        "colors": {"brand": palette.decor, "accent": palette.accent},
        "logo": _logo(charter),
        "articles": [_article(charter, a, anchors) for a in charter.articles],
        "contacts": [{"label": text(c["label"]), "name": text(c["name"] or "—"), "email": text(c["email"]),
                      "phone": text(c["phone"] or "—")} for c in markup.contact_rows(charter)],
        "signature": bool(charter.pdf.get("signature_block")),
    }


def _article(charter: Charter, article: Article, anchors: set[str]) -> dict[str, Any]:
    return {
        "number": article.number,
        "anchor": article_anchor(article),
        "title": [text(article.title)],  # plain text, as on the site
        "intro": blocks(article.intro, anchors) if article.intro else [],
        "clauses": [{"number": c.number, "anchor": clause_anchor(c.id), "title": inlines(c.title, anchors),
                     "text": blocks(c.text, anchors)} for c in article.clauses],
        "basis": [text(ref) for ref in charter.legal_basis(article)],
    }


def _logo(charter: Charter) -> dict[str, Any] | None:
    """The logo's bytes (a list of numbers: JSON has no bytes), format and description."""
    logo = markup.logo(charter)
    if logo is None:
        return None
    return {"bytes": list(logo.data), "format": logo.filename.rsplit(".", 1)[1],
            "alt": clean(f"Logo de {charter.company['name']}")}
