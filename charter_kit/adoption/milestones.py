"""The milestones of the adoption procedure, per jurisdiction and status, as data.

Each milestone has a code (typed on the command line), a French label, the legal source it comes
from and the rule that ties its date to the effective date. Every source below was checked against
a public text (see docs/guide-juridique/procedure-adoption.md for how); a point that could not be
checked is not modelled. A status without a procedure (``guide``) has no milestone.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Rule kinds. BEFORE: done on or before the effective date. DELAY: the effective date comes at least
#: ``months``/``days`` after it. AFTER: a formality due after the effective date (it does not delay it).
BEFORE, DELAY, AFTER = "before", "delay", "after"
#: When a milestone is required: always; when the charter announces monitoring devices; for an
#: industrial company (Switzerland); when observations were recorded (Belgium); never (recorded if it happens).
ALWAYS, DEVICES, INDUSTRIAL, OBSERVATIONS, OPTIONAL = "always", "devices", "industrial", "observations", "optional"


@dataclass(frozen=True)
class Rule:
    """How a milestone's date bears on the effective date."""

    kind: str
    """BEFORE, DELAY or AFTER."""
    months: int = 0
    """Whole months the effective date must wait after the milestone (DELAY)."""
    days: int = 0
    """Days the effective date must wait (DELAY), or the deadline after it (AFTER)."""
    margin: int = 0
    """Days added by prudence to a delay expressed in months (the date must come after the month)."""


@dataclass(frozen=True)
class Milestone:
    """One step of an adoption procedure."""

    code: str
    """What users type: ``charter adoption record depot-greffe``."""
    short: str
    """A few words naming it in a sentence ("dépôt au greffe")."""
    label: str
    """The step in French, as legal reads it."""
    source: str
    """The legal source of the step (and of its delay)."""
    rule: Rule
    """How its date bears on the effective date."""
    when: str = ALWAYS
    """When it is required (ALWAYS, DEVICES, INDUSTRIAL, OBSERVATIONS or OPTIONAL)."""
    after: tuple[str, ...] = ()
    """Milestones that must be dated on or before this one."""
    gap_days: int = 0
    """Days that must separate it from the milestones in ``after``."""


_BEFORE = Rule(BEFORE)
#: "Cette date doit être postérieure d'un mois à l'accomplissement des formalités de dépôt et de publicité."
_ONE_MONTH = Rule(DELAY, months=1, margin=1)

_FR_RI = "C. trav., art. L1321-4"
FRANCE = (
    Milestone("avis-cse", "avis du CSE", "Avis du comité social et économique sur le texte",
              f"{_FR_RI}, al. 1", _BEFORE),
    Milestone("communication-inspection", "communication à l'inspecteur du travail",
              "Communication du texte, accompagné de l'avis du CSE, à l'inspecteur du travail, en deux exemplaires, "
              "en même temps que la publicité",
              f"{_FR_RI}, al. 3 ; C. trav., art. R1321-4", _BEFORE, after=("avis-cse",)),
    Milestone("depot-greffe", "dépôt au greffe du conseil de prud'hommes", "Dépôt au greffe du conseil de prud'hommes du ressort de l'entreprise ou de l'établissement",
              f"{_FR_RI}, al. 2 ; C. trav., art. R1321-2 et R1321-3", _ONE_MONTH, after=("avis-cse",)),
    Milestone("publicite", "publicité auprès du personnel",
              "Publicité : texte porté, par tout moyen, à la connaissance des personnes ayant accès aux lieux de "
              "travail et aux locaux d'embauche",
              "C. trav., art. R1321-1 ; délai d'un mois : art. L1321-4, al. 2, et R1321-3 ; "
              "Cass. soc., 23 juin 2021, n° 19-15.737", _ONE_MONTH, after=("avis-cse",)),
    Milestone("consultation-cse-dispositifs", "consultation du CSE sur les dispositifs de contrôle",
              "Information et consultation du CSE sur les dispositifs de contrôle que la charte annonce, "
              "avant la décision de les mettre en œuvre",
              "C. trav., art. L2312-38, al. 3", _BEFORE, when=DEVICES),
    Milestone("information-salaries-dispositifs", "information des salariés sur les dispositifs",
              "Information préalable des salariés sur ces dispositifs, avant toute collecte",
              "C. trav., art. L1222-4", _BEFORE, when=DEVICES),
)

_BE_LAW = "Loi du 8 avril 1965 instituant les règlements de travail"
BELGIUM = (
    Milestone("affichage-projet", "affichage du projet",
              "Affichage du projet de modification du règlement de travail (copie remise à tout travailleur qui la "
              "demande) ; sans observation, il entre en vigueur le quinzième jour qui suit l'affichage",
              f"{_BE_LAW}, art. 11 et 12", Rule(DELAY, days=15)),
    Milestone("registre-observations", "registre d'observations (quinze jours)",
              "Registre d'observations tenu à la disposition des travailleurs pendant quinze jours, puis adressé "
              "avec le projet au Contrôle des lois sociales",
              f"{_BE_LAW}, art. 11 et 12", _BEFORE, after=("affichage-projet",), gap_days=15),
    Milestone("observations", "observations",
              "Observations consignées au registre ou adressées au Contrôle des lois sociales (à enregistrer "
              "seulement s'il y en a)",
              f"{_BE_LAW}, art. 11 et 12", _BEFORE, when=OPTIONAL, after=("affichage-projet",)),
    Milestone("conciliation", "conciliation",
              "Conciliation menée par le Contrôle des lois sociales sur les observations, et son résultat porté à la "
              "connaissance des travailleurs",
              f"{_BE_LAW}, art. 11 et 12", _BEFORE, when=OBSERVATIONS, after=("observations",)),
    Milestone("copie-travailleurs", "copie remise à chaque travailleur", "Copie du règlement de travail modifié remise à chaque travailleur",
              f"{_BE_LAW}, art. 15", Rule(AFTER)),
    Milestone("copie-cls", "copie au Contrôle des lois sociales", "Copie au Contrôle des lois sociales dans les huit jours de l'entrée en vigueur",
              f"{_BE_LAW}, art. 15", Rule(AFTER, days=8)),
)

SWITZERLAND = (
    Milestone("communication-directives", "communication des directives",
              "Directives communiquées à chaque travailleur de façon qu'il en ait effectivement connaissance "
              "(remise contre accusé de réception)",
              "CO, art. 321d ; ATF 100 II 352", _BEFORE),
    Milestone("affichage-projet-reglement", "affichage du projet de règlement d'entreprise",
              "Entreprise industrielle : projet de règlement d'entreprise affiché ou remis aux travailleurs pour "
              "qu'ils soient entendus (ou texte convenu par écrit avec une délégation élue)",
              "LTr, art. 37, al. 4 ; OLT 1, art. 67 et 68", _BEFORE, when=INDUSTRIAL),
    Milestone("publication-reglement", "publication du règlement d'entreprise",
              "Entreprise industrielle : règlement d'entreprise publié dans l'entreprise, un mois au moins après "
              "l'affichage du projet",
              "LTr, art. 37 à 39 ; OLT 1, art. 67 et 68", _BEFORE, when=INDUSTRIAL,
              after=("affichage-projet-reglement",), gap_days=30),
)

QUEBEC = (
    Milestone("redaction-francais", "rédaction en français", "Politique rédigée en français, comme les communications écrites de "
              "l'employeur à son personnel", "Charte de la langue française (RLRQ, c. C-11), art. 41", _BEFORE),
    Milestone("verification-convention", "vérification de la convention collective",
              "Politique vérifiée au regard de la convention collective applicable (référence « sans objet » "
              "sans convention)", "Convention collective applicable, le cas échéant", _BEFORE),
    Milestone("communication-salaries", "communication aux salariés",
              "Politique portée à la connaissance des salariés avant que l'employeur ne s'en prévale",
              "Lumber & Sawmill Workers' Union, Local 2537 v. KVP Co. (1965), 16 L.A.C. 73", _BEFORE),
)

LUXEMBOURG = (
    Milestone("validation-conseil-local", "validation par un conseil local",
              "Procédure d'adoption établie et validée par un conseil luxembourgeois (charter-kit ne la décrit pas)",
              "Exigence de charter-kit : la procédure luxembourgeoise n'est pas modélisée", _BEFORE),
    Milestone("information-delegation", "information de la délégation du personnel",
              "Information préalable de la délégation du personnel (à défaut, de l'Inspection du travail et des "
              "mines) sur les dispositifs de surveillance que la charte annonce",
              "C. trav. (Luxembourg), art. L.261-1, par. 2", _BEFORE, when=DEVICES),
    Milestone("information-salaries", "information des salariés",
              "Information préalable des salariés concernés sur ces dispositifs",
              "C. trav. (Luxembourg), art. L.261-1, par. 2 ; RGPD, art. 13", _BEFORE, when=DEVICES),
)

_DISCIPLINARY = ("annexe-reglement-interieur", "note-de-service")
#: The procedure of each (jurisdiction, status); a missing pair (every ``guide``) has none.
PROCEDURES: dict[tuple[str, str], tuple[Milestone, ...]] = {
    **{("fr", status): FRANCE for status in _DISCIPLINARY},
    **{("be", status): BELGIUM for status in _DISCIPLINARY},
    **{("ch", status): SWITZERLAND for status in _DISCIPLINARY},
    **{("qc", status): QUEBEC for status in _DISCIPLINARY},
    **{("lu", status): LUXEMBOURG for status in _DISCIPLINARY},
}

#: What legal should know beside the table, per jurisdiction (French).
NOTES: dict[str, tuple[str, ...]] = {
    "fr": ("Une note de service qui pose des règles générales et permanentes de discipline suit la même procédure, "
           "même sans règlement intérieur (C. trav., art. L1321-5).",
           "Le délai d'un mois court de la dernière des formalités de dépôt et de publicité (C. trav., art. R1321-3) ; "
           "charter-kit retient par prudence le lendemain du jour où ce mois s'achève."),
    "be": ("Procédure des entreprises sans conseil d'entreprise. Avec un conseil d'entreprise, c'est lui qui adopte "
           "la modification : cette variante n'est pas modélisée.",
           "Lorsque des observations ont été formulées, la date d'entrée en vigueur dépend de l'issue de la "
           "conciliation : charter-kit exige qu'elle soit enregistrée et ne calcule pas d'autre délai."),
    "ch": ("Une entreprise industrielle se déclare avec company.industrial: true dans charter.yml.",),
    "qc": ("Aucun dépôt n'est requis ; la politique doit aussi être raisonnable, claire et appliquée de façon "
           "constante.",),
    "lu": ("La procédure qui rend une charte disciplinaire opposable au Luxembourg n'est pas décrite par charter-kit : "
           "faites-la établir par un conseil local.",),
}
#: Said of a guide that announces monitoring devices: the devices have their own rules, whatever the status.
GUIDE_DEVICES_NOTE = ("Le statut « guide » ne demande pas de procédure, mais les dispositifs de contrôle que la charte "
                      "annonce restent soumis aux règles d'information et de consultation qui leur sont propres.")


def procedure(jurisdiction: str, status: str) -> tuple[Milestone, ...]:
    """The milestones of the procedure that applies, in order (empty when none applies)."""
    return PROCEDURES.get((jurisdiction, status), ())


def procedure_key(jurisdiction: str, status: str) -> str:
    """How release.yml names the procedure: ``fr/annexe-reglement-interieur``."""
    return f"{jurisdiction}/{status}"
