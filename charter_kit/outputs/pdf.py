"""Charter → print HTML → the PDF annex (WeasyPrint): cover, contents, articles, acknowledgement.

Same charter, same bytes: the document's dates come from the charter, its identifier from the
digest, and nothing is fetched (the logo is embedded in the charter as a data: URI).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from markupsafe import Markup

from charter_kit.outputs import markup
from charter_kit.model.charter import Article, Charter, link_clauses
from charter_kit.errors import CharterError
from charter_kit.templating import get_environment

STYLESHEET = Path(__file__).resolve().parent.parent / "templates" / "pdf" / "charte.css"
VARIANTS = ("pdf/a-3b", "pdf/ua-1")


def pdf_filename(charter: Charter) -> str:
    """The annex's file name: ``charte-reseaux-sociaux-1.0.0.pdf`` or ``…-projet.pdf``."""
    return f"charte-reseaux-sociaux-{charter.display_version}.pdf"


def render_pdf(charter: Charter) -> bytes:
    """The PDF annex of ``charter``; the same charter always gives the same bytes."""
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    variant = charter.pdf.get("variant") or "pdf/a-3b"
    if variant not in VARIANTS:
        raise CharterError(f"unknown PDF variant '{variant}'", hint=f"use one of {', '.join(VARIANTS)}")
    fetcher = URLFetcher(allowed_protocols=["data"])  # the annex never reaches the network
    with _quiet("weasyprint", "fontTools"):
        document = HTML(string=pdf_html(charter), url_fetcher=fetcher)
        return document.write_pdf(
            stylesheets=[CSS(string=stylesheet(charter), url_fetcher=fetcher)],
            pdf_variant=variant,
            pdf_identifier=charter.digest[:32].encode("ascii"),
            pdf_tags=variant == "pdf/ua-1",
        )


def pdf_html(charter: Charter) -> str:
    """The print HTML of the annex (also what a bare WeasyPrint benchmark renders)."""
    template = get_environment().get_template("pdf/document.html")
    return template.render(**document_context(charter))


def stylesheet(charter: Charter) -> str:
    """The annex's CSS: brand colours (validated #rrggbb) then the static print stylesheet."""
    p = markup.palette(charter)
    colours = f":root {{ --brand: {p.decor}; --accent: {p.accent}; }}\n"
    return colours + STYLESHEET.read_text(encoding="utf-8")


def clause_anchor(clause_id: str) -> str:
    """The in-document anchor of a clause (its full id, which is unique in the charter)."""
    return clause_id


def article_anchor(article: Article) -> str:
    """The in-document anchor of an article."""
    return f"article-{article.id}"


def _clause_href(clause_id: str) -> str:
    return "#" + clause_anchor(clause_id)


def document_context(charter: Charter) -> dict[str, Any]:
    """Everything the PDF template shows, escaped or pre-rendered (Markup) as it must be."""
    logo = markup.logo(charter)
    return {
        "language": charter.language,
        "title": charter.title,
        "company": charter.company["name"],
        "legal_name": markup.legal_name(charter),
        "status": markup.status_label(charter),
        "version": charter.version or "Projet",
        "version_label": markup.version_label(charter),
        "version_title": f"Version {charter.version}" if charter.version else "Projet",
        "effective": markup.effective_label(charter),
        "effective_date": charter.effective_date,
        "date": markup.charter_date(charter),
        "draft": charter.is_draft,
        "digest": charter.digest,
        "logo": logo.data_uri if logo is not None else None,
        "articles": [_article(charter, a) for a in charter.articles],
        "clause_count": markup.count_label(len(charter.clauses()), "règle", "règles"),
        "article_count": markup.count_label(len(charter.articles), "article", "articles"),
        "contacts": markup.contact_rows(charter),
        "signature": bool(charter.pdf.get("signature_block")),
    }


def _article(charter: Charter, article: Article) -> dict[str, Any]:
    return {
        "number": article.number,
        "title": article.title,
        "anchor": article_anchor(article),
        "intro": Markup(markup.to_html(link_clauses(article.intro, _clause_href))) if article.intro else None,
        "clauses": [{"number": c.number, "anchor": clause_anchor(c.id),
                     "title": Markup(markup.inline_html(c.title)),
                     "text": Markup(markup.to_html(link_clauses(c.text, _clause_href)))}
                    for c in article.clauses],
        "basis": charter.legal_basis(article),
    }


@contextlib.contextmanager
def _quiet(*names: str) -> Iterator[None]:
    """Silence libraries' warnings (unsupported CSS, font notes) while rendering."""
    loggers = [logging.getLogger(n) for n in names]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels):
            lg.setLevel(level)
