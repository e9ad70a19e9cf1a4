"""What an employee declares, worded per status of the charter, and what it does not mean.

Reviewed as a labour lawyer would: the employee acknowledges receipt and the opportunity to read
the text, never approval; for an annex to the règlement intérieur or a note de service the rules
apply from their effective date whether or not the employee acknowledges, and acknowledging
changes nothing in the employment contract.
"""

from __future__ import annotations

from dataclasses import dataclass

from charter_kit.ack.fr import french_date
from charter_kit.ack.versions import ReleaseView


@dataclass(frozen=True)
class Wording:
    """The declaration (on the button's form) and the sentences that explain its reach."""

    declaration: str
    explanations: tuple[str, ...]
    button: str


def wording(view: ReleaseView) -> Wording:
    """The declaration for this version's status (annexe au règlement intérieur, note de service, guide)."""
    effective = french_date(view.effective_date)
    doc = f"la version {view.version} de la « {view.title} »"
    company = view.company or "l'entreprise"
    if view.status == "annexe-reglement-interieur":
        declaration = (f"Je reconnais avoir reçu {doc}, annexe au règlement intérieur de {company}, et avoir pu en "
                       "prendre connaissance.")
        reach = (f"Annexée au règlement intérieur, la charte s'applique à partir du {effective} ; votre accusé de "
                 "réception n'est pas une condition de son application.")
    elif view.status == "note-de-service":
        declaration = f"Je reconnais avoir reçu {doc}, note de service de {company}, et avoir pu en prendre connaissance."
        reach = (f"Cette note de service s'applique à partir du {effective} ; votre accusé de réception n'est pas une "
                 "condition de son application.")
    else:
        declaration = f"Je reconnais avoir reçu {doc}, guide de {company}, et avoir pu en prendre connaissance."
        reach = "Ce guide donne des repères et des conseils ; il ne crée pas d'obligation nouvelle."
    explanations = (
        "Votre accusé de réception atteste seulement que ce texte vous a été remis et que vous avez pu le lire. "
        "Ce n'est pas un accord sur son contenu, et il ne modifie pas votre contrat de travail.",
        reach,
        "Vous pouvez poser vos questions sur ce texte au service des ressources humaines ou aux représentants du "
        "personnel.",
    )
    return Wording(declaration, explanations, f"J'accuse réception de la version {view.version}")
