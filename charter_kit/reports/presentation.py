"""The words of the "Présentation" section (contacts, logo, colour, site address) and of approvals.

Every report prints the same lines, so a release that changes only its presentation never reads
"Aucune modification" (issue 13).
"""

from __future__ import annotations

import re

from charter_kit.diff.changes import CharterDiff, PresentationChange
from charter_kit.locales import fr
from charter_kit.reports.wording import show_value

#: The section's title in every report.
TITLE = "Présentation"
_LABELS = {"logo": "Logo", "primary_color": "Couleur principale", "site_url": "Adresse du site"}
_ISO_END = re.compile(r"(\d{4}-\d{2}-\d{2})$")


def presentation_line(change: PresentationChange) -> str:
    """One presentation change as a French sentence."""
    if change.field == "contact":
        return f"Contact « {fr.role(change.subject)} » : {show_value(change.old)} → {show_value(change.new)}"
    label = _LABELS.get(change.field, change.field)
    if change.field == "logo":
        if change.old is None:
            return f"{label} ajouté ({change.new})"
        if change.new is None:
            return f"{label} retiré ({change.old})"
        return f"{label} remplacé : {change.old} → {change.new}"
    return f"{label} : {show_value(change.old)} → {show_value(change.new)}"


def presentation_lines(d: CharterDiff) -> list[str]:
    """Every presentation change of a diff, in order."""
    return [presentation_line(c) for c in d.presentation]


def approval_label(text: str) -> str:
    """An approval as readers see it: "Jeanne Roy, DRH, 2027-01-02" -> "Jeanne Roy, DRH, 2 janvier 2027"."""
    m = _ISO_END.search(text)
    if not m:
        return text
    try:
        return text[: m.start()] + fr.date(m.group(1))
    except ValueError:
        return text
