"""The profile (charter.yml): its pydantic model, YAML loading with line numbers, JSON Schema."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Annotated, Any, Literal

import pydantic
from pydantic import Field, StrictBool, StrictStr

from charter_kit.errors import Problem, ProfileError
from charter_kit.i18n import _, show_date
from charter_kit.model.vocabulary import (DATE_MAX, DATE_MIN, EMAIL_RE, ID_RE, MAX_NAME, MAX_TEXT, NAME_RE, URL_RE, Jurisdiction,
                                          Region, Status, date_in_range)
from charter_kit.compose.validation import validation_problems
from charter_kit.compose.yamlfile import LineMap, load_yaml, read_bounded

SCHEMA_URL = "https://charter-kit.example/schema/charter.schema.json"
MATERIAL_COLORS = (
    "red", "pink", "purple", "deep-purple", "indigo", "blue", "light-blue", "cyan", "teal",
    "green", "light-green", "lime", "yellow", "amber", "orange", "deep-orange", "brown", "grey",
    "blue-grey", "black", "white",
)
LOGO_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}
MAX_LOGO_BYTES = 2_000_000
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def _email(value: str) -> str:
    if not EMAIL_RE.match(value.strip()):
        raise ValueError(_("'{value}' is not an e-mail address (expected nom@exemple.fr)").format(value=value))
    return value.strip()


def _url(value: str) -> str:
    if not URL_RE.match(value.strip()):
        raise ValueError(_("'{value}' is not a web address (expected https://…)").format(value=value))
    return value.strip()


def _color(value: str) -> str:
    if value in MATERIAL_COLORS or _HEX.match(value):
        return value
    raise ValueError(_("'{value}' is not a colour: use #rrggbb or one of {colors}").format(
        value=value, colors=", ".join(MATERIAL_COLORS)))


def _in_range(value: dt.date) -> dt.date:
    if not date_in_range(value.isoformat()):
        raise ValueError(_("expected a date between {first} and {last}").format(first=show_date(DATE_MIN),
                                                                                 last=show_date(DATE_MAX)))
    return value


def _day_as_written(value: Any) -> Any:
    # HR writes 15/01/2027 as often as 2027-01-15: read both.
    if isinstance(value, str) and re.fullmatch(r"\s*\d{1,2}/\d{1,2}/\d{4}\s*", value):
        day, month, year = value.strip().split("/")
        return f"{year}-{int(month):02d}-{int(day):02d}"
    return value


Email = Annotated[StrictStr, pydantic.AfterValidator(_email)]
Url = Annotated[StrictStr, pydantic.AfterValidator(_url)]
Text = Annotated[StrictStr, Field(min_length=1, max_length=MAX_NAME)]


class _Model(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid", use_attribute_docstrings=True)


class CharterSettings(_Model):
    """What the charter is."""

    title: Text = "Charte d'utilisation des réseaux sociaux"
    """Title shown on the site, the PDF cover and in every header."""
    short_title: Annotated[StrictStr, Field(min_length=1, max_length=40)] | None = None
    """Title in a phone's header (default: derived, "Charte réseaux sociaux") and in citations."""
    language: Literal["fr"] = "fr"
    """Language of the charter text (modules are written in French)."""
    jurisdiction: Jurisdiction = "fr"
    """Country whose law applies: fr, ch, be, lu or qc."""
    status: Status = "annexe-reglement-interieur"
    """Legal status: annexe-reglement-interieur, note-de-service or guide (no sanctions on its own)."""
    effective_date: Annotated[dt.date, pydantic.BeforeValidator(_day_as_written),
                              pydantic.AfterValidator(_in_range)] | None = None
    """Date from which the draft applies (a release sets its own)."""
    region: Region | None = None
    """Belgium only: language region of the place of work (bruxelles, wallonie, flandre, germanophone); it decides the language that prevails."""


def _unique_ids(items: list[Any], what: str) -> list[Any]:
    seen = set()
    for item in items:
        if item.id in seen:
            raise ValueError(what.format(id=item.id))
        seen.add(item.id)
    return items


Id = Annotated[StrictStr, Field(pattern=ID_RE.pattern)]


class Establishment(_Model):
    """An establishment that adopts the charter through its own procedure (its own règlement intérieur)."""

    id: Id
    """Short id used on the command line ("saclay")."""
    name: Text
    """Its name in documents ("Établissement de Saclay")."""


class Entity(_Model):
    """An employer company of the group that adopts the charter for its own staff."""

    id: Id
    """Short id used on the command line ("horizon-sa")."""
    name: Text
    """Its registered name ("Horizon SA")."""
    establishments: list[Establishment] = []
    """Its establishments, when each adopts the charter separately."""

    @pydantic.field_validator("establishments")
    @classmethod
    def _distinct(cls, value: list[Establishment]) -> list[Establishment]:
        return _unique_ids(value, _("establishment id '{id}' is given twice"))


class Company(_Model):
    """Who the company is."""

    name: Text
    """Name used in the text ("Acme")."""
    legal_name: Text | None = None
    """Registered name ("Acme SA"); defaults to the name."""
    listed: StrictBool = False
    """True when the company's shares are traded on a regulated market."""
    website: Url | None = None
    """The company's public website (https://…)."""
    entities: list[Entity] = []
    """Employer companies that each adopt the charter (a group); empty for a single company."""
    establishments: list[Establishment] = []
    """Establishments of a single company that each adopt the charter (with a group, list them under each entity)."""
    industrial: StrictBool = False
    """Switzerland: an industrial company within the meaning of the Labour Act (it needs a règlement d'entreprise)."""

    @pydantic.model_validator(mode="after")
    def _scopes(self) -> Company:
        if self.entities and self.establishments:
            raise ValueError(_("give the establishments under each entity (entities: - establishments: …), not both"))
        _unique_ids(self.entities, _("entity id '{id}' is given twice"))
        _unique_ids(self.establishments, _("establishment id '{id}' is given twice"))
        return self

    def adoption_scope(self) -> dict[str, Any]:
        """Who adopts the charter, for the Charter's company, only when declared: a charter without
        these settings keeps the canonical form, hence the digest, it had before they existed."""
        scope: dict[str, Any] = {}
        if self.entities:
            scope["entities"] = [e.model_dump() for e in self.entities]
        if self.establishments:
            scope["establishments"] = [e.model_dump() for e in self.establishments]
        if self.industrial:
            scope["industrial"] = True
        return scope


class Contact(_Model):
    """A person or team employees can reach."""

    name: Text | None = None
    """Who it is ("Direction juridique")."""
    email: Email
    """E-mail address."""
    phone: Text | None = None
    """Phone number, for urgent matters."""
    roles: list[StrictStr] = []
    """Other roles this contact serves ([juridique, communication]): the text and the contacts page then name it once."""


class ModuleEntry(_Model):
    """A selected module with its settings."""

    id: StrictStr
    """Module id, as listed by `charter modules`."""
    options: dict[StrictStr, Any] = {}
    """Switches of the module (see `charter modules show ID`)."""
    variables: dict[StrictStr, Any] = {}
    """Values of the module's variables (see `charter modules show ID`)."""


class Override(_Model):
    """Replace a clause's text, or remove the clause."""

    text: Annotated[StrictStr, Field(min_length=1, max_length=MAX_TEXT)] | None = None
    """New Markdown text of the clause (its title stays); a whole clause, so as long as a module's."""
    title: Text | None = None
    """New title of the clause."""
    remove: StrictBool = False
    """True to leave the clause out of the charter."""

    @pydantic.model_validator(mode="after")
    def _one_action(self) -> Override:
        if self.remove and (self.text or self.title):
            raise ValueError(_("give either remove: true or a new text/title, not both"))
        if not self.remove and not (self.text or self.title):
            raise ValueError(_("give a new text (text: …), a new title, or remove: true"))
        return self


class Branding(_Model):
    """How the site and the PDF look."""

    logo: StrictStr | None = None
    """Logo file (SVG or PNG), relative to charter.yml."""
    primary_color: Annotated[StrictStr, pydantic.AfterValidator(_color)] = "indigo"
    """Main colour: a Material colour name or #rrggbb."""


class SiteSettings(_Model):
    """The employee site."""

    url: Url | None = None
    """Address where the site is published."""
    engine: Literal["material", "zensical"] = "material"
    """Site engine: material (Material for MkDocs) or zensical (its successor, optional extra)."""


class AckSettings(_Model):
    """The acknowledgement registry (`charter ack`) the published site links to."""

    url: Url | None = None
    """Address of the registry; each version released with it shows an "Accuser réception" link."""


class PdfSettings(_Model):
    """The PDF annex."""

    variant: Literal["pdf/a-3b", "pdf/ua-1"] = "pdf/a-3b"
    """pdf/a-3b (archiving) or pdf/ua-1 (tagged, accessible)."""
    signature_block: StrictBool = True
    """Add an acknowledgement page to sign."""


class Profile(_Model):
    """charter.yml: the company, its module selection and their settings."""

    charter: CharterSettings = CharterSettings()
    """What the charter is."""
    company: Company
    """Who the company is."""
    contacts: dict[StrictStr, Contact] = {}
    """Contacts by role (communication, juridique, rh, dpo…)."""
    modules: list[StrictStr | ModuleEntry] = Field(min_length=1)
    """Selected modules: an id, or a mapping with id, options and variables."""
    overrides: dict[StrictStr, Override] = {}
    """Clause-level changes, by full clause id (module.clause)."""
    local_modules: StrictStr | None = None
    """Folder of the company's own modules, relative to charter.yml."""
    branding: Branding = Branding()
    """Logo and colour."""
    site: SiteSettings = SiteSettings()
    """Employee site settings."""
    pdf: PdfSettings = PdfSettings()
    """PDF annex settings."""
    ack: AckSettings = AckSettings()
    """Acknowledgement registry settings."""

    @pydantic.field_validator("contacts", "overrides", mode="before")
    @classmethod
    def _empty_mapping(cls, value: Any) -> Any:
        # A section whose entries are all commented out reads as null: treat it as empty.
        return {} if value is None else value

    @pydantic.field_validator("contacts")
    @classmethod
    def _roles(cls, value: dict[str, Contact]) -> dict[str, Contact]:
        for role in value:
            if not NAME_RE.match(role):
                raise ValueError(_("'{role}' is not a valid contact role (lowercase letters, digits, underscores)")
                                 .format(role=role))
        return value

    def entries(self) -> list[ModuleEntry]:
        """The selected modules, each as a ModuleEntry."""
        return [ModuleEntry(id=m) if isinstance(m, str) else m for m in self.modules]


class LoadedProfile:
    """A validated profile with where it came from and where each key is (for later errors)."""

    def __init__(self, profile: Profile, path: Path, lines: LineMap) -> None:
        self.profile = profile
        self.path = path
        self.lines = lines

    @property
    def root(self) -> Path:
        """The folder of charter.yml: relative paths in the profile start here."""
        return self.path.parent

    @property
    def display(self) -> str:
        """The profile's file name as shown in messages."""
        return self.path.name

    def resolve_path(self, value: str) -> Path:
        """A path from the profile, relative to the profile's folder."""
        return (self.root / value).resolve()

    def inside(self, key: tuple, value: str) -> Path:
        """A path from the profile that must stay inside the profile's folder (no ``../``)."""
        try:
            path = self.resolve_path(value)
        except (RuntimeError, OSError):  # Python reports a symbolic link loop as RuntimeError
            raise ProfileError([self.problem(key, _("'{value}': a symbolic link that loops or cannot be followed")
                                             .format(value=value))]) from None
        if not path.is_relative_to(self.root.resolve()):
            raise ProfileError([self.problem(key, _("'{value}' is outside the charter project's folder").format(value=value))],
                               hint=_("keep the file inside the folder of charter.yml"))
        return path

    def read_logo(self) -> tuple[bytes, str]:
        """The logo's bytes and media type; an error names branding.logo."""
        value = self.profile.branding.logo or ""
        key = ("branding", "logo")
        path = self.inside(key, value)
        media = LOGO_TYPES.get(path.suffix.lower())
        if media is None:
            raise ProfileError([self.problem(key, _("'{value}': the logo must be an SVG, PNG or JPEG file").format(
                value=value))])
        try:
            data = read_bounded(path)
        except FileNotFoundError:
            raise ProfileError([self.problem(key, _("'{value}': file not found").format(value=value))],
                               hint=_("the path is relative to the folder of charter.yml")) from None
        except OSError as exc:
            raise ProfileError([self.problem(key, _("'{value}': cannot read the file ({reason})").format(
                value=value, reason=exc.strerror))]) from None
        if len(data) > MAX_LOGO_BYTES:
            raise ProfileError([self.problem(key, _("'{value}' is larger than {size} MB").format(
                value=value, size=MAX_LOGO_BYTES // 1_000_000))])
        problems = []
        if media == "image/svg+xml":
            from charter_kit.typeset.svg import svg_problems  # lxml, for SVG logos only

            problems = svg_problems(data)
        if problems:  # the site serves the logo from the charter's own address: a picture only
            raise ProfileError([self.problem(key, _("'{value}' is not only a picture: {problems}").format(
                value=value, problems="; ".join(problems[:3])))],
                hint=_("export the logo again as a plain SVG (no script, link or embedded page), or use a PNG"))
        return data, media

    def problem(self, path: tuple, message: str) -> Problem:
        """A problem located at ``path`` in the profile."""
        from charter_kit.compose.yamlfile import dotted

        return Problem(self.display, self.lines.line(path), dotted(path) or None, message)


def load_profile(path: Path) -> LoadedProfile:
    """Read and validate charter.yml; every structural problem is reported in one ProfileError."""
    display = path.name
    data, lines, problems = load_yaml(path, display)
    if data is None:
        raise ProfileError([Problem(display, None, None, _("the profile is empty"))],
                           hint=_("run 'charter init' to create a commented charter.yml"))
    if not isinstance(data, dict):
        raise ProfileError([Problem(display, lines.line(()) or 1, None,
                                    _("the profile must be a mapping of keys (charter:, company:, modules:…), "
                                      "not a {kind}").format(kind=type(data).__name__))])
    try:
        profile = Profile.model_validate(data)
    except pydantic.ValidationError as exc:
        problems += validation_problems(exc, lines, display, Profile)
        raise ProfileError(_sorted(problems)) from None
    if problems:
        raise ProfileError(_sorted(problems))
    return LoadedProfile(profile, path.resolve(), lines)


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.line or 0, p.key or ""))


def json_schema() -> str:
    """The profile's JSON Schema, for editors (yaml-language-server) and the docs."""
    schema = Profile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "charter-kit profile (charter.yml)"
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


__all__ = ["Profile", "LoadedProfile", "load_profile", "json_schema"]
