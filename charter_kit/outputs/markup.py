"""Presentation shared by the site and the PDF: Markdown extensions, labels, logo and colours.

The site (mkdocs) and the PDF (Typst) must show a clause the same way, so both take their French
labels and brand colours from here. The site converts Markdown with ``EXTENSIONS``; the PDF parses
the same CommonMark with markdown-it-py (typeset/markup.py), and tests compare the two.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from typing import Any

import markdown

from charter_kit.model.charter import Charter
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
    return markdown.markdown(text, extensions=list(EXTENSIONS), output_format="html")


def inline_html(text: str) -> str:
    """A one-line Markdown title as inline HTML (no enclosing paragraph)."""
    html = to_html(text).strip()
    return html[3:-4] if html.startswith("<p>") and html.endswith("</p>") else html


# -- labels -----------------------------------------------------------------------------------
def status_label(charter: Charter) -> str:
    """The charter's legal status as readers see it."""
    return fr.STATUS.get(charter.status, charter.status)


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


def contact_rows(charter: Charter) -> list[dict[str, Any]]:
    """The contacts in a stable order: role label, name, e-mail, phone."""
    return [{"role": role, "label": role_label(role), "name": c.get("name"), "email": c["email"],
             "phone": c.get("phone")} for role, c in sorted(charter.contacts.items())]


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
    return Logo(base64.b64decode(entry["data"]), entry["media_type"])


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
