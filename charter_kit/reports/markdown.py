"""A Markdown summary of the diff: for the notice to employees, and as the site's "Modifications" page.

The notice quotes each changed clause's new wording; the page (``redline=True``) shows it inline
with the deletions struck out and the additions underlined, as legal reads it in the HTML report.
"""

from __future__ import annotations

from collections.abc import Callable

from charter_kit.diff.changes import CharterDiff, ClauseChange, changed, new_text, old_text
from charter_kit.escape import inert_markdown, md_text
from charter_kit.model.charter import link_clauses
from charter_kit.model.vocabulary import CLAUSE_LINK_RE
from charter_kit.reports.html import redline_html
from charter_kit.reports.presentation import TITLE as PRESENTATION, presentation_lines
from charter_kit.reports.registry import ReportOptions
from charter_kit.reports.wording import (DIFF_KINDS, META_LABELS, article_nature, clause_nature, describe, detailed,
                                         french_date, meta_value, renumbered_only, side_label, summary_sentence,
                                         version_label)

#: Causes that describe the company's own settings; the employees' notice leaves them out.
_INTERNAL_CAUSES = {"variable", "option", "contact", "override-added", "override-changed",
                    "override-removed", "module-replaced", "module-edited", "reference-renumbered"}
LEGEND = ('<p class="ck-legend">Dans chaque règle, <del>le texte supprimé</del> est barré et '
          '<ins>le texte ajouté</ins> souligné.</p>')


def write(d: CharterDiff, options: ReportOptions) -> str:
    """The registry's entry point (cross-references as plain text)."""
    return to_markdown(d)


def to_markdown(d: CharterDiff, *, link: Callable[[str], str] | None = None, redline: bool = False) -> str:
    """What changed, article by article, for employees: a notice, or the site's page (``redline``).

    ``link`` turns a clause id into a URL for cross-references and, on the page, for "Lire la
    règle" (plain text without it). Technical causes (profile settings) are left to the legal
    reports; changelog notes stay.
    """
    out = [f"# Modifications de la charte : {version_label(d.new)}", "",
           f"Ce document compare {side_label(d.new)} avec {side_label(d.old)}."]
    if d.new.effective_date:
        out[-1] += f" Cette version entre en vigueur le {french_date(d.new.effective_date)}."
    nature = "" if d.is_empty else f"**Nature** : {DIFF_KINDS[d.kind]}. "
    out += ["", nature + summary_sentence(d), ""]
    if d.new.notes:  # HR's notes are text: each line escaped, so no tag or link opens in a renderer
        out += [_md_quote("\n".join(md_text(line) for line in d.new.notes.split("\n"))), ""]
    if d.is_empty:
        return "\n".join(out).rstrip("\n") + "\n"
    if redline:
        out += [LEGEND, ""]
    if any(not m.stamp for m in d.metadata):
        out += ["## La charte", ""]
        out += [f"- {META_LABELS.get(m.field, m.field)} : {md_text(meta_value(m, m.old))} → "
                f"{md_text(meta_value(m, m.new))}"
                for m in d.metadata if not m.stamp]
        out.append("")
    if d.presentation:
        out += [f"## {PRESENTATION}", "", *(f"- {md_text(line)}" for line in presentation_lines(d)), ""]
    out += _md_articles(d, link, redline)
    moves = renumbered_only(d)
    if moves:
        out += ["## Numérotation", "", "Changent seulement de numéro : " + ", ".join(moves) + ".", ""]
    notes = [c for c in d.causes if c.kind not in _INTERNAL_CAUSES]
    if notes:
        out += ["## Origine des changements", ""]
        for c in notes:
            out.append(f"- {md_text(describe(c))}")
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _md_articles(d: CharterDiff, link: Callable[[str], str] | None, redline: bool) -> list[str]:
    """The Markdown sections of changed articles and clauses."""
    out = []
    articles = {a.id: a for a in d.articles if detailed(a)}
    by_article: dict[str, list[ClauseChange]] = {}
    for c in d.clauses:
        if detailed(c):
            by_article.setdefault(c.new_article or c.old_article, []).append(c)
    for place in d.layout:
        a, clauses = articles.get(place.id), by_article.get(place.id, [])
        if a is None and not clauses:
            continue
        out += [f"## Article {place.number}. {md_text(place.title)}", ""]
        if a is not None:
            out += [f"*Article {article_nature(a)}.*", ""]
            if a.status != "removed" and changed(a.intro_ops):
                out += [_block(redline_html(a.intro_ops, block=True)) if redline
                        else _md_quote(inert_markdown(_unlink(new_text(a.intro_ops), link))), ""]
            if a.status != "removed" and a.old_legal_basis != a.new_legal_basis and a.new_legal_basis:
                out += ["*Références : " + " ; ".join(md_text(r) for r in a.new_legal_basis) + "*", ""]
        for c in clauses:
            out += _redline_clause(c, link) if redline else _md_clause(c, link)
    return out


def _unlink(text: str, link: Callable[[str], str] | None) -> str:
    """Cross-references as links to ``link(id)``, or as their plain label without ``link``."""
    return link_clauses(text, link) if link else CLAUSE_LINK_RE.sub(r"\1", text)


def _md_clause(c: ClauseChange, link: Callable[[str], str] | None) -> list[str]:
    """One clause change as a Markdown list item with its new wording."""
    title = new_text(c.title_ops) if c.status != "removed" else old_text(c.title_ops)
    head = f"- **{c.number} {inert_markdown(title)}** : clause {clause_nature(c)}."
    if c.status == "removed" or not (c.status == "added" or c.modified):
        return [head, ""]
    text = inert_markdown(_unlink(new_text(c.text_ops), link))  # module Markdown: its HTML as text
    label = "Texte" if c.status == "added" else "Nouvelle rédaction"
    # Four spaces: Python-Markdown only keeps a list item's continuation with that indent.
    return [head, "", f"    {label} :", "", _md_quote(text, indent="    "), ""]


def _redline_clause(c: ClauseChange, link: Callable[[str], str] | None) -> list[str]:
    """One clause: its number and title, its nature, then its wording as an inline redline."""
    number = c.new_number or c.old_number
    title = new_text(c.title_ops) if c.status != "removed" else old_text(c.title_ops)
    lead = f"*Clause {clause_nature(c)}.*"
    if c.status != "removed" and link is not None:
        lead += f" [Lire la règle {number}]({link(c.id)})"
    out = [f"### {number} {inert_markdown(title)}", "", lead, ""]
    if c.status not in ("added", "removed") and changed(c.title_ops):
        out += [_block("<p>Titre : " + str(redline_html(c.title_ops)) + "</p>"), ""]
    if c.status in ("added", "removed") or changed(c.text_ops):
        out += [_block(redline_html(c.text_ops, block=True)), ""]
    return out


def _block(html: str) -> str:
    """Escaped HTML from the redline renderer as a raw block of the page (blank lines would end it)."""
    body = "\n".join(line for line in str(html).split("\n") if line.strip())
    return f'<div class="ck-redline">\n{body}\n</div>'


def _md_quote(text: str, indent: str = "") -> str:
    """Text as a Markdown block quote."""
    return "\n".join(f"{indent}> {line}".rstrip() for line in text.split("\n"))
