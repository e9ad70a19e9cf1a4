"""The French sentences of every report: natures of changes, summary, headings, causes.

Reports print these words; the diff itself (``charter_kit.diff``) holds codes only.
"""

from __future__ import annotations

from typing import Any

from charter_kit.diff.changes import (ArticleChange, Cause, CharterDiff, ClauseChange, MetaChange, Op, Side,
                                      new_text, old_text)
from charter_kit.diff.words import word_ops
from charter_kit.locales import fr
from charter_kit.model.semver import Version
from charter_kit.reports.markdown_text import plain

CLAUSE_KINDS = {"added": "ajoutée", "removed": "supprimée", "modified": "modifiée",
                "moved": "déplacée", "renumbered": "renumérotée"}
ARTICLE_KINDS = {"added": "ajouté", "removed": "supprimé", "modified": "modifié",
                 "moved": "déplacé", "renumbered": "renuméroté"}
#: The diff's kind ("substantive", "editorial") as readers see it.
DIFF_KINDS = fr.RELEASE_KIND
META_LABELS = {"title": "Titre", "status": "Statut", "jurisdiction": "Droit applicable", "language": "Langue",
               "company.name": "Entreprise", "company.legal_name": "Raison sociale",
               "company.listed": "Société cotée", "company.website": "Site de l'entreprise",
               "version": "Version", "date": "Date de publication", "effective_date": "Date d'entrée en vigueur"}
#: The charter's status in running text (lower case, short: "Statut : guide → note de service").
STATUS_LABELS = {"annexe-reglement-interieur": "annexe au règlement intérieur",
                 "note-de-service": "note de service", "guide": "guide"}
#: Charter settings that causes name (``charter_kit.diff.causes.CHARTER_SETTINGS``).
CHARTER_SETTING_LABELS = {
    "effective_date": "date d'entrée en vigueur", "version": "version", "status": "statut",
    "jurisdiction": "droit applicable", "title": "titre",
}


# -- sides, natures, headings ----------------------------------------------------------------------
def french_date(value: str | None) -> str:
    """An ISO date as French readers write it, or the text as it is when it is not a date."""
    if not value:
        return ""
    try:
        return fr.date(value)
    except ValueError:
        return value


def version_label(side: Side) -> str:
    """The version number, or "projet" for the current draft."""
    return side.version or "projet"


def side_label(side: Side) -> str:
    """ "la version 1.2.0 du 1er mars 2026" or "le projet en cours"."""
    if side.version is None:
        return "le projet en cours"
    return f"la version {side.version}" + (f" du {french_date(side.date)}" if side.date else "")


def of_side(side: Side) -> str:
    """ "de la version 1.2.0 du 1er mars 2026" or "du projet en cours"."""
    label = side_label(side)
    return "du " + label[3:] if label.startswith("le ") else "de " + label


def meta_value(change: MetaChange, value: Any) -> str:
    """A charter field's value as readers expect it."""
    if value is None:
        return "—"
    if change.field == "status":
        return STATUS_LABELS.get(value, value)
    if change.field == "jurisdiction":
        return fr.JURISDICTION.get(value, value)
    if change.field in ("date", "effective_date"):
        return french_date(value)
    if isinstance(value, bool):
        return fr.yes_no(value)
    return str(value)


def clause_nature(change: ClauseChange) -> str:
    """ "modifiée (forme), renumérotée (ancien n° 2.3)" and the like."""
    parts = []
    for kind in change.kinds:
        label = CLAUSE_KINDS[kind]
        if kind == "modified":
            label += " (forme)" if change.editorial else " (fond)"
        elif kind == "renumbered":
            label += f" (ancien n° {change.old_number})"
        elif kind == "moved" and change.old_article != change.new_article:
            label += f" (depuis l'article « {change.old_article} »)"
        parts.append(label)
    return ", ".join(parts)


def article_nature(change: ArticleChange) -> str:
    """ "ajouté", "modifié, renuméroté (ancien n° 3)" and the like."""
    parts = []
    for kind in change.kinds:
        label = ARTICLE_KINDS[kind]
        if kind == "renumbered":
            label += f" (ancien n° {change.old_number})"
        parts.append(label)
    return ", ".join(parts) or "sans changement de texte"


def summary_sentence(d: CharterDiff) -> str:
    """One sentence counting the changes, in French."""
    if d.is_empty:
        return "Aucune modification."
    counts = d.counts()
    parts = [_count(counts[k], "clause", label) for k, label in CLAUSE_KINDS.items() if counts[k]]
    parts += [_count(counts[k], "article", label)
              for k, label in (("articles_added", "ajouté"), ("articles_removed", "supprimé")) if counts[k]]
    if not parts and d.presentation and not any(not m.stamp for m in d.metadata) and not d.causes:
        return "Aucune règle ne change : seule la présentation change (contacts, logo, couleur ou adresse du site)."
    if not parts:
        parts = ["aucun changement de clause"]
    from charter_kit.locales.fr import join as french_list

    sentence = french_list(parts) + "."
    if d.presentation:
        sentence += " La présentation change aussi."
    return sentence[0].upper() + sentence[1:]


def _count(n: int, noun: str, adjective: str) -> str:
    """"3 clauses ajoutées": a count with French agreement."""
    plural = "s" if n > 1 else ""
    return f"{n} {noun}{plural} {adjective}{plural}"


def detailed(change: ClauseChange | ArticleChange) -> bool:
    """True when a change is shown in full: not a mere renumbering, not causes alone."""
    return bool(change.kinds) and change.kinds != ("renumbered",)


def renumbered_only(d: CharterDiff) -> list[str]:
    """ "article 2 → 3", "2.3 → 2.4": every article or clause whose number alone changed."""
    articles = [f"article {a.old_number} → {a.new_number}" for a in d.articles if a.kinds == ("renumbered",)]
    return articles + [f"{c.old_number} → {c.new_number}" for c in d.clauses if c.kinds == ("renumbered",)]


def clause_heading(change: ClauseChange) -> str:
    """ "2.4 Titre" as readers see it (the old number and title for a removed clause)."""
    return f"{change.number} {plain(change.title)}"


def clause_heading_ops(change: ClauseChange) -> list[Op]:
    """The edit script of a clause's heading, "2.3 Titre" to "2.4 Titre" (empty on a side without it)."""
    return word_ops(_heading(change.old_number, old_text(change.title_ops)),
                    _heading(change.new_number, new_text(change.title_ops)))


def _heading(number: str | None, title: str) -> str:
    """"2.3 Titre", or nothing when the clause is absent from that version."""
    return f"{number} {title}" if number is not None else ""


def article_heading_ops(change: ArticleChange) -> list[Op]:
    """The edit script of an article's heading, "Article 2. Titre" to "Article 3. Titre"."""
    return word_ops(_article_heading(change.old_number, old_text(change.title_ops)),
                    _article_heading(change.new_number, new_text(change.title_ops)))


def _article_heading(number: int | None, title: str) -> str:
    """"Article 2. Titre", or nothing when the article is absent from that version."""
    return f"Article {number}. {title}" if number is not None else ""


# -- causes ----------------------------------------------------------------------------------------
def describe(cause: Cause) -> str:
    """The cause as one French sentence, for every report."""
    try:
        return _DESCRIPTIONS[cause.kind](cause, f"module « {cause.module} »")
    except KeyError:
        raise ValueError(f"unknown cause kind {cause.kind!r}") from None


def _describe_update(cause: Cause, mod: str) -> str:
    """A module text changed in the library, with its changelog notes."""
    verb = "mis à jour" if _version_lt(cause.old, cause.new) else "ramené"
    notes = " ; ".join(f"{e.version} : {e.note}" for e in cause.notes if e.note)
    return (f"texte du {mod} {verb} dans la bibliothèque : version {cause.old} → {cause.new}"
            + (f" ({notes})" if notes else ""))


def _describe_replacement(cause: Cause, mod: str) -> str:
    """A library module replaced by a company module, or back."""
    where = {"library": "de la bibliothèque", "local": "propre à l'entreprise"}
    before, after = where.get(cause.old, cause.old), where.get(cause.new, cause.new)
    return f"{mod} : le module {before} est remplacé par le module {after}"


def _describe_setting(cause: Cause, mod: str) -> str:
    """A variable or option changed in the profile."""
    return (f"{cause.kind} « {cause.subject} » du {mod} changée dans le profil : "
            f"{show_value(cause.old)} → {show_value(cause.new)}")


def _describe_override_removed(cause: Cause, mod: str) -> str:
    """An override taken out of the profile."""
    restored = _override_what(cause.old) == "clause supprimée"
    back = "clause rétablie" if restored else "texte de la bibliothèque rétabli"
    return f"adaptation retirée du profil pour la clause {cause.subject} ({back})"


_DESCRIPTIONS = {
    "module-added": lambda c, mod: f"{mod} ajouté à la charte (version {c.new})",
    "module-removed": lambda c, mod: f"{mod} retiré de la charte (il était en version {c.old})",
    "module-updated": _describe_update,
    "module-replaced": _describe_replacement,
    "module-edited": lambda c, mod: f"texte du {mod} modifié sans changement de version ({c.new})",
    "variable": _describe_setting,
    "option": _describe_setting,
    "contact": lambda c, mod: (f"contact « {c.subject} » changé dans le profil : "
                               f"{show_value(c.old)} → {show_value(c.new)}"),
    "override-added": lambda c, mod: (f"adaptation ajoutée dans le profil pour la clause {c.subject} "
                                      f"({_override_what(c.new)})"),
    "override-changed": lambda c, mod: (f"adaptation modifiée dans le profil pour la clause {c.subject} "
                                        f"({_override_what(c.new)})"),
    "override-removed": _describe_override_removed,
    "charter": lambda c, mod: (f"réglage de la charte modifié ({CHARTER_SETTING_LABELS.get(c.subject, c.subject)}) : "
                               f"{show_value(c.old)} → {show_value(c.new)}"),
    "reference-renumbered": lambda c, mod: (f"renvoi vers la clause {c.subject} renuméroté : "
                                            f"article {c.old} → article {c.new}"),
}


def _override_what(override: Any) -> str:
    """What an override does, in French."""
    if not isinstance(override, dict):
        return "—"
    if override.get("remove"):
        return "clause supprimée"
    parts = [name for key, name in (("title", "titre"), ("text", "texte")) if override.get(key)]
    return " et ".join(parts) + " remplacé" + ("s" if len(parts) > 1 else "") if parts else "—"


def show_value(value: Any) -> str:
    """A profile value as French readers expect it."""
    if value is None:
        return "(aucune)"
    if isinstance(value, bool):
        return fr.yes_no(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(f"« {v} »" for v in value) + "]"
    if isinstance(value, dict):
        return _show_contact(value)
    if value == "":
        return "(vide)"
    return f"« {value} »"


def _show_contact(contact: dict[str, Any]) -> str:
    """A contact as "Name (email, phone)"."""
    details = ", ".join(str(contact[k]) for k in ("email", "phone") if contact.get(k))
    name = contact.get("name")
    if name and details:
        return f"{name} ({details})"
    return str(name or details or "(vide)")


def _version_lt(old: str, new: str) -> bool:
    """True when version ``old`` precedes ``new`` (or when either is not semver)."""
    try:
        return Version.parse(old) < Version.parse(new)
    except ValueError:
        return True
