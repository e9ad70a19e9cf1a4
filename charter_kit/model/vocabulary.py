"""The codes charter-kit's data is made of: ids, names, e-mails, URLs, jurisdictions, statuses, natures.

Codes are data (in profiles, module files, release files and JSON); what readers see for each code
comes from ``charter_kit.locales``.
"""

from __future__ import annotations

import re
from typing import Literal, get_args

#: Module and clause ids: "confidentialite", "declarer-lien".
ID_RE = re.compile(r"^[a-z][a-z0-9-]*$")
#: Variable, option and contact-role names: "exemples_sensibles".
NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
EMAIL_RE = re.compile(r"^[^@\s<>()\[\]\\,;:\"'`]+@[^@\s<>()\[\]\\,;:\"'`]+\.[^@\s<>()\[\]\\,;:\"'`]+$")
URL_RE = re.compile(r"^https?://[^\s<>()\[\]\\\"'`{}|^]+$")

Jurisdiction = Literal["fr", "ch", "be", "lu", "qc"]
#: The laws a charter can be written for.
JURISDICTIONS: tuple[str, ...] = get_args(Jurisdiction)
#: Keys of a module's ``legal_basis``: the jurisdictions, and "eu" for European texts.
BASIS_KEYS: tuple[str, ...] = (*JURISDICTIONS, "eu")
#: Jurisdictions where European Union law applies (they print the "eu" references too).
EU_JURISDICTIONS = ("fr", "be", "lu")

Status = Literal["annexe-reglement-interieur", "note-de-service", "guide"]
#: The charter's legal status, as the profile names it.
STATUSES: tuple[str, ...] = get_args(Status)

#: Statuses that make the charter a disciplinary instrument (in every jurisdiction): its rules can be
#: sanctioned, so the PDF annex holds the rules only and a second PDF the rest.
DISCIPLINARY_STATUSES = ("annexe-reglement-interieur", "note-de-service")

Region = Literal["bruxelles", "wallonie", "flandre", "germanophone"]
#: Belgium's language regions: where the place of work is decides the language of documents for staff.
REGIONS: tuple[str, ...] = get_args(Region)

Nature = Literal["regle", "procedure", "information"]
#: What a clause is: a rule whose breach can be sanctioned, a procedure addressed to a role, or information.
NATURES: tuple[str, ...] = get_args(Nature)

#: Who a clause is addressed to ("tous" when it names nobody in particular).
AUDIENCES = ("tous", "managers", "clients", "acheteurs", "animateurs", "porte-parole", "ambassadeurs", "rh")

ReleaseStatus = Literal["upcoming", "in_force", "archived", "replaced", "pending"]
#: Where a release stands on a date; "replaced" is a release superseded before it came into force;
#: "pending" is a release whose effective date has come but whose adoption procedure is not complete.
RELEASE_STATUSES: tuple[str, ...] = get_args(ReleaseStatus)

ReleaseKind = Literal["substantive", "editorial"]
#: What a release changes for employees: the rules themselves, or only their presentation.
RELEASE_KINDS: tuple[str, ...] = get_args(ReleaseKind)

#: A link from one clause to another inside the charter's Markdown: "[article 6.2](clause:crise.signaler)".
CLAUSE_LINK_RE = re.compile(r"\[((?:\\.|[^\]\\\n])*)\]\(clause:([a-z0-9.-]+)\)")

#: Dates a charter may carry (release, effective, variables): outside, a typo (0226, 20266).
DATE_MIN, DATE_MAX = "1990-01-01", "2099-12-31"
#: Longest text a profile value may be: a title or a name, and a variable's text or list item.
MAX_NAME = 300
MAX_TEXT = 10_000
MAX_LIST_ITEMS = 200


def date_in_range(iso: str) -> bool:
    """True when an ISO date lies between DATE_MIN and DATE_MAX."""
    return DATE_MIN <= iso <= DATE_MAX
