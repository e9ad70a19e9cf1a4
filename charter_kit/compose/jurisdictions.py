"""Whether each module has text of its own for the charter's jurisdiction.

A module lists the jurisdictions it applies to (``jurisdictions:``; a charter under another one is
refused by name). Two gaps remain, both named by `charter check` rather than left for a reader
to find in the text:

- French law printed in another country's charter: a branch written for France and reached by
  default (``{% else %}`` after the other countries). Markers that only French law uses (article
  numbers like L1321-1, the CSE, the CNIL, the prud'hommes, French statute numbers) found in the
  rendered text of a non-French charter make the charter refuse to render, naming the module.
- A module that cites no law of the charter's country (no ``legal_basis`` entry for it, nor
  European law where it applies) while it cites other countries' law: its text is general, and
  ``check`` says so, so that it is reviewed before a company relies on it (the second legal
  review found this for Luxembourg).
"""

from __future__ import annotations

import re

#: Words and numbers only French law uses; "Code du travail" is not one (Luxembourg and Québec have one).
FRENCH_LAW = re.compile(
    r"\b[LRD]\d{4}-\d+(?:-\d+)?\b"            # Code du travail article numbers: L1321-1, R1321-2, D8222-5
    r"|\bCass\. soc\."                         # chambre sociale de la Cour de cassation
    r"|\bCNIL\b"
    r"|\bprud.hommes\b"
    r"|comité social et économique|\bCSE\b"
    r"|\bURSSAF\b"
    r"|\bC\. consom\.|Code de la consommation"
    r"|\b(?:loi|décret|ordonnance) n° ?\d{2,4}-\d+"  # French statute numbers: loi n° 2023-451
)


def french_law(text: str) -> list[str]:
    """The French-only legal markers found in ``text``, each once, in order of appearance."""
    found: list[str] = []
    for m in FRENCH_LAW.finditer(text):
        if m.group(0) not in found:
            found.append(m.group(0))
    return found
