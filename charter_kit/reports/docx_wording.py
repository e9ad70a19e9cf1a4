"""The French sentences of the Word redline: its first page, its table of changes and its comments.

Comments are written for a lawyer reading the margin: whole sentences saying what happened to the
clause, whether its meaning may change, and where the change comes from.
"""

from __future__ import annotations

from dataclasses import dataclass

from charter_kit.diff.changes import ArticleChange, Cause, CharterDiff, ClauseChange
from charter_kit.locales import fr
from charter_kit.reports.markdown_text import plain
from charter_kit.reports.presentation import approval_label, presentation_lines
from charter_kit.reports.wording import (ARTICLE_KINDS, CLAUSE_KINDS, DIFF_KINDS, describe, detailed, of_side,
                                         renumbered_only, side_label, summary_sentence)


@dataclass(frozen=True)
class ChangeRow:
    """One row of the table of changes."""

    #: The clause's full id (its bookmark is made from it).
    id: str
    #: "2.4 Titre".
    clause: str
    #: "modifiée, renumérotée (ancien n° 2.3)".
    nature: str
    #: "Fond" (the rule may change) or "Forme" (wording, punctuation, place).
    scope: str
    #: Where the change comes from, in French.
    origin: str


def cover_lines(d: CharterDiff) -> list[str]:
    """The sentences under the title: what is compared, the kind of version, the count of changes."""
    lines = [f"Comparaison {of_side(d.old)} (empreinte {d.old.digest[:12]}…) avec {side_label(d.new)} "
             f"(empreinte {d.new.digest[:12]}…).",
             f"Nature de la nouvelle version : {DIFF_KINDS[d.kind]}. {summary_sentence(d)}"]
    if d.new.approvals:
        lines.append(f"Approbations de la nouvelle version : {fr.join(approval_label(a) for a in d.new.approvals)}.")
    if d.presentation:  # contacts, logo, colour: never "no change" (issue 13)
        lines.append(f"Présentation : {' ; '.join(presentation_lines(d))}.")
    renumbered = renumbered_only(d)
    if renumbered:
        lines.append(f"Numéros changés sans autre modification : {', '.join(renumbered)}.")
    return lines


def change_rows(d: CharterDiff) -> list[ChangeRow]:
    """Every clause shown in full, in reading order, as a row of the table of changes."""
    return [ChangeRow(c.id, f"{c.number} {plain(c.title)}", _kinds(c), scope(c),
                      _sentence(" ; ".join(describe(x) for x in c.causes)) if c.causes else "—")
            for c in d.clauses if detailed(c)]


def scope(c: ClauseChange) -> str:
    """"Fond" when what the clause asks may change (words changed, clause added or removed), else "Forme"."""
    if c.status in ("added", "removed") or (c.modified and not c.editorial):
        return "Fond"
    return "Forme"


def _kinds(c: ClauseChange) -> str:
    parts = []
    for kind in c.kinds:
        label = CLAUSE_KINDS[kind]
        if kind == "renumbered":
            label += f" (ancien n° {c.old_number})"
        elif kind == "moved" and c.old_article != c.new_article:
            label += f" (depuis l’article « {c.old_article} »)"
        parts.append(label)
    return _sentence(", ".join(parts), period=False)


def clause_comment(c: ClauseChange) -> list[str]:
    """The comment on a changed clause: what happened, whether its meaning may change, why."""
    out = []
    if c.status == "added":
        out.append("Cette clause est nouvelle : elle ne figurait pas dans la version précédente.")
    elif c.status == "removed":
        out.append("Cette clause est supprimée : elle ne figure plus dans la nouvelle version.")
    elif c.modified:
        out.append("Le texte de cette clause change dans sa forme seulement (ponctuation, typographie, mise en "
                   "forme) : son sens reste le même." if c.editorial else
                   "Le texte de cette clause change sur le fond : des mots changent, relisez-la en entier.")
    if c.status == "changed" and c.moved:
        out.append(f"Elle a été déplacée depuis l’article « {c.old_article} »." if c.old_article != c.new_article
                   else "Elle a changé de place dans son article.")
    if c.status == "changed" and c.renumbered:
        out.append(f"Elle portait le numéro {c.old_number}.")
    if c.new_overridden and c.status != "removed":
        out.append("Son texte est propre à l’entreprise (une adaptation du profil), et non celui de la bibliothèque.")
    out += _causes(c.causes)
    return out


def article_comment(a: ArticleChange) -> list[str]:
    """The comment on a changed article (module): added, removed, retitled, moved, and why."""
    if a.status == "added":
        out = ["Cet article est nouveau : son thème n’était pas traité dans la version précédente."]
    elif a.status == "removed":
        out = ["Cet article est supprimé avec toutes ses clauses."]
    else:
        labels = [ARTICLE_KINDS[k] + (f" (ancien n° {a.old_number})" if k == "renumbered" else "") for k in a.kinds]
        out = [f"Cet article est {fr.join(labels)}."]
    return out + _causes(a.causes)


def _causes(causes: tuple[Cause, ...]) -> list[str]:
    if not causes:
        return []
    if len(causes) == 1:
        return [f"Ce changement vient de là : {describe(causes[0])}."]
    return ["Ce changement a plusieurs origines possibles : " + " ; ".join(describe(c) for c in causes) + "."]


def _sentence(text: str, *, period: bool = True) -> str:
    """Capitalised, and ending with a period unless it already ends a sentence."""
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if not period or text.endswith(".") else text + "."
