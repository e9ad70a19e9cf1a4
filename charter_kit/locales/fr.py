"""French: the words and formats charter-kit prints for French readers (the only language so far)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")


def date(value: dt.date | str) -> str:
    """A date as French readers write it: "1er mars 2026"."""
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    first = "1er" if day.day == 1 else str(day.day)
    return f"{first} {MONTHS[day.month - 1]} {day.year}"


def join(items: Iterable[Any]) -> str:
    """Join items the French way: "a, b et c"."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " et " + items[-1]


def yes_no(value: bool) -> str:
    """"oui" or "non"."""
    return "oui" if value else "non"


#: The charter's legal status (profile codes), as a title on the cover and the site.
STATUS = {
    "annexe-reglement-interieur": "Annexe au règlement intérieur",
    "note-de-service": "Note de service",
    "guide": "Guide de bonnes pratiques",
}

#: Where a release stands on a given date (codes from charter_kit.model.release).
RELEASE_STATUS = {
    "upcoming": "à venir",
    "in_force": "en vigueur",
    "archived": "archivée",
    "replaced": "remplacée avant son entrée en vigueur",
}

#: Contact roles as readers see them (contacts page, PDF, prompts).
ROLE = {
    "communication": "Communication", "juridique": "Juridique", "rh": "Ressources humaines",
    "dpo": "Protection des données (DPO)", "securite": "Sécurité informatique",
    "conformite": "Conformité et déontologie", "investisseurs": "Relations investisseurs",
    "crise": "Cellule de crise", "referent_harcelement": "Référent harcèlement",
}

#: Jurisdictions (profile codes) and "eu" for European references.
JURISDICTION = {"fr": "France", "ch": "Suisse", "be": "Belgique", "lu": "Luxembourg", "qc": "Québec",
                "eu": "Union européenne"}

#: Release kinds (codes of charter_kit.model.release).
RELEASE_KIND = {"substantive": "modification substantielle", "editorial": "modification de forme"}


def role(code: str) -> str:
    """A contact role as readers see it; unknown roles (a company's own) read as their code."""
    return ROLE.get(code, code.replace("_", " ").capitalize())
