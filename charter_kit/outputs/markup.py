"""Presentation shared by the site and the PDF: Markdown extensions, labels, logo and colours.

The site (mkdocs) and the PDF (Typst) must show a clause the same way, so both take their French
labels and brand colours from here. The site converts Markdown with ``EXTENSIONS``; the PDF parses
the same CommonMark with markdown-it-py (typeset/markup.py), and tests compare the two.
"""

from __future__ import annotations

import base64
import re
import threading
from dataclasses import dataclass
from typing import Any

import markdown

from charter_kit.model.charter import Charter, Clause
from charter_kit.model.vocabulary import DISCIPLINARY_STATUSES
from charter_kit.locales import fr

#: Extensions that give clause Markdown its meaning; the site adds ``toc`` for its permalinks.
EXTENSIONS = ("attr_list", "tables", "sane_lists")

LOGO_SUFFIXES = {"image/svg+xml": ".svg", "image/png": ".png", "image/jpeg": ".jpg"}

#: Material for MkDocs' primary colours, so the PDF wears the same colour as the site.
MATERIAL_HEX = {
    "red": "#ef5552", "pink": "#e92063", "purple": "#ab47bd", "deep-purple": "#7e56c2",
    "indigo": "#4051b5", "blue": "#2094f3", "light-blue": "#02a6f2", "cyan": "#00bdd6",
    "teal": "#009485", "green": "#4cae4f", "light-green": "#8bc34b", "lime": "#cbdc38",
    "yellow": "#ffec3d", "amber": "#ffc105", "orange": "#ffa724", "deep-orange": "#ff6e42",
    "brown": "#795649", "grey": "#757575", "blue-grey": "#546d78", "black": "#16181d",
    "white": "#ffffff",
}
_HEX = re.compile(r"^#[0-9a-f]{6}$")
_INK = "#1a1c21"
#: WCAG AA contrast for body-size text.
MIN_CONTRAST = 4.5


# -- Markdown ---------------------------------------------------------------------------------
def to_html(text: str) -> str:
    """Clause or introduction Markdown (already escaped by the engine) as an HTML fragment."""
    converter = getattr(_CONVERTERS, "markdown", None)
    if converter is None:  # setting up the extensions costs more than converting a clause: once per thread
        converter = _CONVERTERS.markdown = markdown.Markdown(extensions=list(EXTENSIONS), output_format="html")
    return converter.reset().convert(text)


_CONVERTERS = threading.local()


def inline_html(text: str) -> str:
    """A one-line Markdown title as inline HTML (no enclosing paragraph)."""
    html = to_html(text).strip()
    return html[3:-4] if html.startswith("<p>") and html.endswith("</p>") else html


# -- labels -----------------------------------------------------------------------------------
def status_label(charter: Charter) -> str:
    """The charter's legal status as the law of its jurisdiction names it (cover, site, metadata)."""
    return fr.status_label(charter.status, charter.jurisdiction)


def nature_label(clause: Clause) -> str | None:
    """"Règle", "Procédure" or "Information"; None for a clause released before natures."""
    return fr.NATURE.get(clause.nature) if clause.nature else None


def audience_label(clause: Clause) -> str | None:
    """"Pour : les acheteurs" for a clause addressed to some readers; None when it is for everyone."""
    names = [fr.AUDIENCE.get(a, a) for a in clause.audience if a != "tous"]
    return f"Pour : {fr.join(names)}" if names else None


def nature_counts(clauses: list[Clause]) -> str:
    """"3 règles, 2 procédures et 1 information"; "3 règles" for clauses released before natures."""
    counts = {}
    for c in clauses:
        nature = c.nature or "regle"
        counts[nature] = counts.get(nature, 0) + 1
    return fr.join(count_label(counts[n], *NATURE_NOUNS[n]) for n in NATURE_NOUNS if n in counts)


#: Each nature's noun, singular and plural, for counts.
NATURE_NOUNS = {"regle": ("règle", "règles"), "procedure": ("procédure", "procédures"),
                "information": ("information", "informations")}


# -- the enforceable core -----------------------------------------------------------------------
def is_rule(clause: Clause) -> bool:
    """True for a rule whose breach can be sanctioned; a clause released before natures counts as one."""
    return clause.nature in (None, "regle")


def has_guide(charter: Charter) -> bool:
    """True when the charter splits in two documents: a disciplinary status (annexe au règlement
    intérieur, note de service and their equivalents) whose clauses declare natures and are not all
    rules. The annex then holds the rules only, and the guide the procedures and information."""
    clauses = charter.clauses()
    return (charter.status in DISCIPLINARY_STATUSES and any(c.nature for c in clauses)
            and not all(is_rule(c) for c in clauses))


def role_label(role: str) -> str:
    """A contact role as readers see it ("Protection des données (DPO)")."""
    return fr.role(role)


def effective_label(charter: Charter) -> str:
    """"1er mars 2026", or a sentence saying the date is not fixed yet."""
    return fr.date(charter.effective_date) if charter.effective_date else "date à fixer"


def version_label(charter: Charter) -> str:
    """"version 1.2.0", or "projet" for a draft."""
    return f"version {charter.version}" if charter.version else "projet"


def legal_name(charter: Charter) -> str:
    """Who issues the charter: the company's legal name, else its name."""
    return charter.company.get("legal_name") or charter.company["name"]


def count_label(n: int, one: str, many: str) -> str:
    """A count with its noun in the right number: "1 règle", "3 règles"."""
    return f"{n} {one if n == 1 else many}"


def guide_filename(charter: Charter) -> str | None:
    """The guide and procedures PDF's file name, ``charte-reseaux-sociaux-guide-1.0.0.pdf``; None
    when the charter has no separate guide (its PDF annex then holds every clause)."""
    return f"charte-reseaux-sociaux-guide-{charter.display_version}.pdf" if has_guide(charter) else None


def contact_rows(charter: Charter) -> list[dict[str, Any]]:
    """The contacts in a stable order, one row per person or team: the roles it serves, name, e-mail, phone.

    A contact serving several roles (``roles`` in the charter), or two roles given the same name,
    address and phone, make one row listing the roles, so a small company's one address shows once."""
    rows: dict[tuple, dict[str, Any]] = {}
    for key, c in sorted(charter.contacts.items()):
        who = (c.get("name"), c["email"], c.get("phone"))
        row = rows.setdefault(who, {"role": key, "roles": [], "name": who[0], "email": who[1], "phone": who[2]})
        row["roles"] += [r for r in c.get("roles") or [key] if r not in row["roles"]]
    for row in rows.values():
        # A contact keyed by a name of the company's own ("gerante") is labelled by the roles it serves.
        known = [r for r in row["roles"] if r in fr.ROLE]
        row["label"] = fr.join(role_label(r) for r in (known if known else row["roles"]))
    return list(rows.values())


def charter_date(charter: Charter) -> str | None:
    """The one date outputs stamp themselves with: effective date, else release date."""
    return charter.effective_date or charter.date


# -- logo -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Logo:
    """The charter's embedded logo: bytes, media type and a safe file name."""

    data: bytes
    media_type: str

    @property
    def filename(self) -> str:
        """A fixed file name: the profile's name never reaches the file system."""
        return "logo" + LOGO_SUFFIXES[self.media_type]

    @property
    def data_uri(self) -> str:
        """The logo as a data: URI, for documents that must not fetch anything."""
        return f"data:{self.media_type};base64,{base64.b64encode(self.data).decode('ascii')}"


def logo(charter: Charter) -> Logo | None:
    """The logo from ``charter.branding``, or None when there is none."""
    entry = charter.branding.get("logo")
    if not entry or entry.get("media_type") not in LOGO_SUFFIXES:
        return None
    data = base64.b64decode(entry["data"])
    if entry["media_type"] == "image/svg+xml":
        from charter_kit.typeset.svg import clean_svg  # lxml, for SVG logos only

        data = clean_svg(data)  # a release frozen before logos were checked: its picture, never a script
    return Logo(data, entry["media_type"])


# -- colours ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Palette:
    """Brand colours checked for contrast: a header and its text, links and headings on white."""

    primary: str
    header: str
    on_header: str
    accent: str

    @property
    def decor(self) -> str:
        """Colour of rules and borders: the brand itself unless it vanishes on white."""
        return self.primary if contrast(self.primary, "#ffffff") >= 1.5 else self.accent


def palette(charter: Charter) -> Palette:
    """The brand palette of a charter, adjusted so every pairing reaches WCAG AA contrast."""
    value = str(charter.branding.get("primary_color") or "indigo").lower()
    primary = MATERIAL_HEX.get(value, value if _HEX.match(value) else MATERIAL_HEX["indigo"])
    header, on_header = _header_colors(primary)
    return Palette(primary=primary, header=header, on_header=on_header, accent=_darken_until(primary, "#ffffff"))


def _header_colors(primary: str) -> tuple[str, str]:
    # White text on the brand colour when it reads well; dark text on very light brands;
    # otherwise the brand colour is darkened just enough for white text.
    if contrast(primary, "#ffffff") >= MIN_CONTRAST:
        return primary, "#ffffff"
    if contrast(primary, _INK) >= 7:
        return primary, _INK
    return _darken_until(primary, "#ffffff"), "#ffffff"


def _darken_until(color: str, background: str) -> str:
    current = color
    for step in range(0, 101, 2):
        current = _mix(color, "#000000", step / 100)
        if contrast(current, background) >= MIN_CONTRAST:
            break
    return current


def _rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def _mix(color: str, other: str, amount: float) -> str:
    a, b = _rgb(color), _rgb(other)
    return "#" + "".join(f"{round(x + (y - x) * amount):02x}" for x, y in zip(a, b))


def _luminance(color: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in _rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours (1 to 21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
