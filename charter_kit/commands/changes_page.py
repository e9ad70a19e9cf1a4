"""The employees' "Modifications" page of a published version: what changed, shown as a redline.

Unlike the Markdown summary for a notice (reports.markdown), each added, modified or removed
clause shows its wording with the deletions struck out and the additions underlined, inline,
as legal reads it in the HTML report; a link leads to the clause in this version.
"""

from __future__ import annotations

from collections.abc import Callable

from charter_kit.diff.changes import CharterDiff, ClauseChange, changed
from charter_kit.escape import inert_markdown, md_escape
from charter_kit.reports.html import redline_html
from charter_kit.reports.wording import (DIFF_KINDS, META_LABELS, article_nature, clause_nature, describe, detailed,
                                         french_date, meta_value, renumbered_only, side_label, summary_sentence,
                                         version_label)

#: Causes about the company's own settings: the legal reports explain them, employees need not.
_INTERNAL_CAUSES = {"variable", "option", "contact", "override-added", "override-changed",
                    "override-removed", "module-replaced", "module-edited", "reference-renumbered"}
LEGEND = ('<p class="ck-legend">Dans chaque règle, <del>le texte supprimé</del> est barré et '
          '<ins>le texte ajouté</ins> souligné.</p>')


def changes_markdown(d: CharterDiff, link: Callable[[str], str]) -> str:
    """The page's Markdown; ``link(clause_id)`` is the clause's address from the page."""
    out = [f"# Modifications de la charte : {md_escape(version_label(d.new))}", "",
           f"Ce document compare {side_label(d.new)} avec {side_label(d.old)}."]
    if d.new.effective_date:
        out[-1] += f" Cette version entre en vigueur le {french_date(d.new.effective_date)}."
    nature = "" if d.is_empty else f"**Nature** : {DIFF_KINDS[d.kind]}. "
    out += ["", nature + summary_sentence(d), ""]
    if d.new.notes:
        out += ["\n".join(f"> {md_escape(line)}".rstrip() for line in d.new.notes.split("\n")), ""]
    if d.is_empty:
        return "\n".join(out).rstrip("\n") + "\n"
    out += [LEGEND, ""]
    if any(not m.stamp for m in d.metadata):
        out += ["## La charte", ""]
        out += [f"- {META_LABELS.get(m.field, m.field)} : {md_escape(meta_value(m, m.old))} → "
                f"{md_escape(meta_value(m, m.new))}" for m in d.metadata if not m.stamp]
        out.append("")
    out += _articles(d, link)
    moves = renumbered_only(d)
    if moves:
        out += ["## Numérotation", "", "Changent seulement de numéro : " + ", ".join(moves) + ".", ""]
    notes = [c for c in d.causes if c.kind not in _INTERNAL_CAUSES]
    if notes:
        out += ["## Origine des changements", "", *[f"- {md_escape(describe(c))}" for c in notes], ""]
    return "\n".join(out).rstrip("\n") + "\n"


def _articles(d: CharterDiff, link: Callable[[str], str]) -> list[str]:
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
        out += [f"## Article {place.number}. {md_escape(place.title)}", ""]
        if a is not None:
            out += [f"*Article {article_nature(a)}.*", ""]
            if a.status != "removed" and changed(a.intro_ops):
                out += [_block(redline_html(a.intro_ops, block=True)), ""]
            if a.status != "removed" and a.old_legal_basis != a.new_legal_basis and a.new_legal_basis:
                out += ["*Références : " + " ; ".join(md_escape(r) for r in a.new_legal_basis) + "*", ""]
        for c in clauses:
            out += _clause(c, link)
    return out


def _clause(c: ClauseChange, link: Callable[[str], str]) -> list[str]:
    """One clause: its number and title, its nature, then its wording as a redline."""
    number = c.new_number or c.old_number
    out = [f"### {number} {inert_markdown(_title(c))}", ""]  # a module's title: its HTML prints as text
    lead = f"*Clause {clause_nature(c)}.*"
    if c.status != "removed":
        lead += f" [Lire la règle {number}]({link(c.id)})"
    out += [lead, ""]
    if c.status not in ("added", "removed") and changed(c.title_ops):
        out += [_block("<p>Titre : " + str(redline_html(c.title_ops)) + "</p>"), ""]
    if c.status in ("added", "removed") or changed(c.text_ops):
        out += [_block(redline_html(c.text_ops, block=True)), ""]
    return out


def _title(c: ClauseChange) -> str:
    from charter_kit.diff.changes import new_text, old_text

    return new_text(c.title_ops) if c.status != "removed" else old_text(c.title_ops)


def _block(html: str) -> str:
    """Escaped HTML from the redline renderer as a raw block of the page (blank lines would end it)."""
    body = "\n".join(line for line in str(html).split("\n") if line.strip())
    return f'<div class="ck-redline">\n{body}\n</div>'
