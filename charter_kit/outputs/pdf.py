"""Charter → the PDF annex (Typst): cover, contents, articles, contacts, acknowledgement.

When the charter is a disciplinary instrument whose clauses declare natures (``markup.has_guide``),
it makes two PDFs: the annex holds the rules only, numbered as on the site, with the
acknowledgement page; the guide (``render_guide``) holds the procedures and information, the
article introductions and the contacts. Each says where the other part lives. Otherwise (a guide,
or a charter released before natures) the annex holds everything, as it always did.

Same charter, same bytes: the document's dates come from the charter, the fonts from the typst
wheel, and nothing is fetched (the logo travels inside the data). The PDF is PDF/A-3a, tagged,
and carries the charter's canonical JSON as an associated file, so the annex alone is enough to
check its text against the digest printed on its cover.
"""

from __future__ import annotations

from typing import Any

from charter_kit.errors import OutputError
from charter_kit.i18n import N_, _
from charter_kit.locales import fr
from charter_kit.model.charter import Article, Charter
from charter_kit.outputs import markup
from charter_kit.typeset.engine import compile_pdf, typst_date
from charter_kit.typeset.pdf_fields import signature_field
from charter_kit.typeset.markup import blocks, clean, inlines, text

#: The acknowledgement page's signature field.
SIGNATURE_FIELD = "Signature-salarie"
#: Name of the charter's canonical JSON inside the PDF.
ATTACHMENT = "charter.json"
LOGO_HINT = N_("check the profile's logo (branding.logo): a readable PNG, JPEG or SVG image, with no image "
               "linked to an address or a file")


def render_pdf(charter: Charter) -> bytes:
    """The PDF annex of ``charter``; the same charter always gives the same bytes."""
    return _compile(charter, annex_data(charter))


def render_guide(charter: Charter) -> bytes:
    """The guide and procedures PDF of a charter that has one (``markup.has_guide``)."""
    if not markup.has_guide(charter):
        raise OutputError(_("this charter has no separate guide: its PDF annex holds every clause"),
                          hint=_("a guide and procedures PDF is made for a charter whose status is "
                                 "annexe-reglement-interieur or note-de-service and whose clauses are not all rules"))
    return _compile(charter, annex_data(charter, part="guide"))


def _compile(charter: Charter, data: dict[str, Any]) -> bytes:
    hint = _(LOGO_HINT) if markup.logo(charter) is not None else None
    pdf = compile_pdf("annex.typ", data, date=markup.charter_date(charter),
                      inputs={"charter": charter.to_json()}, hint=hint)
    if data["signature"]:  # the acknowledgement page's box becomes a field employees can sign in
        pdf = signature_field(pdf, name=SIGNATURE_FIELD, tooltip="Signature du salarié (accusé de réception)")
    return pdf


def pdf_filename(charter: Charter) -> str:
    """The annex's file name: ``charte-reseaux-sociaux-1.0.0.pdf`` or ``…-projet.pdf``."""
    return f"charte-reseaux-sociaux-{charter.display_version}.pdf"


def guide_filename(charter: Charter) -> str | None:
    """The guide's file name, ``charte-reseaux-sociaux-guide-1.0.0.pdf``; None when the annex holds everything."""
    return markup.guide_filename(charter)


def clause_anchor(clause_id: str) -> str:
    """The in-document anchor of a clause: its full id (a PDF named destination)."""
    return clause_id


def article_anchor(article: Article) -> str:
    """The in-document anchor of an article."""
    return f"article-{article.id}"


def annex_data(charter: Charter, part: str = "annex") -> dict[str, Any]:
    """Everything the annex template shows, as JSON-ready data (text stays text).

    ``part`` is "annex" (the rules only when the charter has a guide, else everything) or "guide"
    (the procedures, information, introductions and contacts of a charter that has one)."""
    split = markup.has_guide(charter)
    guide = split and part == "guide"
    keep = (lambda c: not markup.is_rule(c)) if guide else (markup.is_rule if split else (lambda c: True))
    articles = [a for a in charter.articles if any(keep(c) for c in a.clauses) or (guide and a.intro)]
    clauses = [c for a in articles for c in a.clauses if keep(c)]
    anchors = frozenset({clause_anchor(c.id) for c in clauses} | {article_anchor(a) for a in articles})
    palette = markup.palette(charter)
    legal_name = markup.legal_name(charter)
    version_label = markup.version_label(charter)
    status = markup.status_label(charter)
    title = f"{charter.title} – {GUIDE_TITLE.lower()}" if guide else charter.title
    counts = markup.nature_counts(clauses) if split else markup.count_label(len(clauses), "règle", "règles")
    return {
        "meta": {"title": clean(title), "author": clean(legal_name),
                 "description": clean(f"{title}, {version_label} ({GUIDE_TITLE if guide else status})"),
                 "keywords": ["charte", "réseaux sociaux", clean(charter.company["name"])]},
        "date": typst_date(markup.charter_date(charter)),
        "title": text(charter.title),
        "legal_name": text(legal_name),
        "status": text(GUIDE_TITLE if guide else status),
        "status_fact": text(f"{GUIDE_TITLE} (accompagne : {status})" if guide else status),
        "scope": [text(p) for p in _scope(charter, part)] if split else [],
        "version": text(charter.version or "Projet"),
        "version_title": text(f"Version {charter.version}" if charter.version else "Projet"),
        "version_label": text(version_label),
        "effective": text(markup.effective_label(charter)),
        "effective_date": bool(charter.effective_date),
        "draft": charter.is_draft,
        "digest": charter.digest,
        "counts": text(f"{markup.count_label(len(articles), 'article', 'articles')}, {counts}"),
        "colors": {"brand": palette.decor, "accent": palette.accent},
        "logo": _logo(charter),
        "articles": [_article(charter, a, anchors, keep, split, guide) for a in articles],
        # Contacts change without a procedure (a name, an address): with a guide, they live there.
        "contacts": [] if split and not guide else [
            {"label": text(c["label"]), "name": text(c["name"] or "—"), "email": text(c["email"]),
             "phone": text(c["phone"] or "—")} for c in markup.contact_rows(charter)],
        "signature": bool(charter.pdf.get("signature_block")) and not guide,
        "approvals": [] if guide else [
            {"name": text(a.get("name") or "—"), "role": text(a.get("role") or "—"),
             "date": text(fr.date(a["date"]) if a.get("date") else "—")} for a in charter.approvals],
    }


#: The second PDF's name, on its cover and in the annex that points to it.
GUIDE_TITLE = "Guide et procédures"


def _scope(charter: Charter, part: str) -> list[str]:
    """What this PDF holds and where the rest lives, for a charter split in two documents."""
    site = f"sur le site de la charte ({charter.site['url']})" if charter.site.get("url") else "sur le site de la charte"
    if part == "guide":
        return [f"Ce document rassemble les procédures et les informations de la charte : comment l’entreprise "
                f"s’organise, à qui s’adresser, pourquoi les règles existent. Il accompagne le document des "
                f"règles, « {markup.status_label(charter)} » ({pdf_filename(charter)}), qui réunit les "
                f"obligations dont le manquement peut être sanctionné.",
                f"Chaque clause garde le numéro qu’elle porte {site} ; les numéros qui manquent ici sont "
                f"ceux des règles."]
    return [f"Ce document ne reprend que les règles de la charte : les obligations dont le manquement peut "
            f"être sanctionné. Chaque règle garde le numéro qu’elle porte {site} ; les numéros qui manquent "
            f"ici sont ceux des procédures et des informations.",
            f"Ces procédures et informations (qui fait quoi, comment, pourquoi) et les contacts figurent dans "
            f"le document « {GUIDE_TITLE} » ({guide_filename(charter)}) et {site}."]


#: Clause Markdown already read into nodes, by (text, link targets): a preview renders the PDF after
#: every edit, and most clauses did not change. The nodes are only read (turned into JSON), never changed.
_NODES: dict[tuple[str, frozenset[str]], list[Any]] = {}


def _nodes(markdown: str, anchors: frozenset[str]) -> list[Any]:
    found = _NODES.get((markdown, anchors))
    if found is None:
        if len(_NODES) >= 4096:
            _NODES.clear()
        found = _NODES[(markdown, anchors)] = blocks(markdown, anchors)
    return found


def _article(charter: Charter, article: Article, anchors: frozenset[str], keep, split: bool,
             guide: bool) -> dict[str, Any]:
    others = [c.number for c in article.clauses if not keep(c)]
    where = "le document des règles" if guide else f"le document « {GUIDE_TITLE} »"
    return {
        "number": article.number,
        "anchor": article_anchor(article),
        "title": [text(article.title)],  # plain text, as on the site
        # The introduction explains the article: with a guide, it goes there.
        "intro": _nodes(article.intro, anchors) if article.intro and (guide or not split) else [],
        "clauses": [{"number": c.number, "anchor": clause_anchor(c.id), "title": inlines(c.title, anchors),
                     "text": _nodes(c.text, anchors)} for c in article.clauses if keep(c)],
        "elsewhere": text(f"Voir aussi, dans {where} : {fr.join(others)}.") if split and others else None,
        "basis": [text(ref) for ref in charter.legal_basis(article)],
    }


def _logo(charter: Charter) -> dict[str, Any] | None:
    """The logo's bytes (a list of numbers: JSON has no bytes), format and description."""
    logo = markup.logo(charter)
    if logo is None:
        return None
    return {"bytes": list(logo.data), "format": logo.filename.rsplit(".", 1)[1],
            "alt": clean(f"Logo de {charter.company['name']}")}
