"""A module of the library as charter-kit reads it: the schema of module.yml and the checked Module.

Pure data and checks, no I/O: compose.library reads module folders into these.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import pydantic

from charter_kit.errors import did_you_mean
from charter_kit.i18n import _, show_date
from charter_kit.model.vocabulary import (BASIS_KEYS, DATE_MAX, DATE_MIN, EMAIL_RE, EU_JURISDICTIONS, JURISDICTIONS,
                                          MAX_LIST_ITEMS, MAX_NAME, MAX_TEXT, URL_RE, Jurisdiction, date_in_range)

MISSING: Any = object()


def _number_as_text(value: Any) -> Any:
    # YAML reads "1.0" as a float; keep it as text so the semver check can explain the problem.
    return str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value


VersionText = Annotated[str, pydantic.BeforeValidator(_number_as_text)]


# -- module.yml schema ----------------------------------------------------------------------------
Text = dict[str, str]


class _Strict(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid", strict=True)


class ValueSpecModel(_Strict):
    """A typed variable or option as declared in module.yml."""

    type: Literal["string", "text", "email", "url", "date", "int", "bool", "list", "choice"]
    default: Any = None
    label: Text
    help: Text | None = None
    choices: list[str] | None = None


class ChangelogModel(_Strict):
    """One changelog entry of module.yml."""

    version: VersionText
    date: str
    note: Text


class ModuleModel(_Strict):
    """The schema of module.yml."""

    id: str
    version: VersionText
    title: Text
    summary: Text
    order: int
    requires: list[str] = []
    conflicts: list[str] = []
    jurisdictions: list[Jurisdiction] = list(JURISDICTIONS)
    contacts: list[str] = []
    variables: dict[str, ValueSpecModel] = {}
    options: dict[str, ValueSpecModel] = {}
    legal_basis: dict[Literal[BASIS_KEYS], list[str]] = {}
    changelog: list[ChangelogModel] = []


# -- pure models ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ValueSpec:
    """A typed variable or option of a module, with its default (MISSING when required)."""

    name: str
    """The variable's name in templates (var.NAME / opt.NAME)."""
    type: str
    """string, text, email, url, date, int, bool, list or choice."""
    label: dict[str, str]
    """What HR is asked, per language."""
    default: Any = MISSING
    """The value when the profile gives none; MISSING makes it required."""
    help: dict[str, str] | None = None
    """A longer explanation for HR, per language."""
    choices: tuple[str, ...] | None = None
    """The allowed values of a choice."""

    @property
    def required(self) -> bool:
        """True when the profile must give a value."""
        return self.default is MISSING

    def check(self, value: Any) -> Any:
        """Return ``value`` normalized to this type; raise ValueError saying what is expected."""
        return check_value(self.type, value, self.choices)


def check_value(kind: str, value: Any, choices: Iterable[str] | None = None) -> Any:
    """Validate and normalize one value of a typed variable (dates become ISO strings)."""
    if kind in ("string", "text"):
        if not isinstance(value, str):
            raise ValueError(_("expected text, got {got}").format(got=_show(value)))
        if len(value) > MAX_TEXT:
            raise ValueError(_("a text of at most {n} characters is expected, got {length}").format(
                n=MAX_TEXT, length=len(value)))
        return value
    if kind == "email":
        if not isinstance(value, str) or not EMAIL_RE.match(value.strip()):
            raise ValueError(_("expected an e-mail address like nom@exemple.fr, got {got}").format(got=_show(value)))
        return value.strip()
    if kind == "url":
        if not isinstance(value, str) or not URL_RE.match(value.strip()):
            raise ValueError(_("expected a web address starting with https://, got {got}").format(got=_show(value)))
        return value.strip()
    if kind == "date":
        value = _day_as_written(value)
        try:
            iso = value.isoformat() if isinstance(value, dt.date) else (
                dt.date.fromisoformat(value).isoformat() if isinstance(value, str) and len(value) == 10 else _bad_date(value))
        except ValueError:
            return _bad_date(value)
        if not date_in_range(iso):
            raise ValueError(_("expected a date between {first} and {last}, got {got}").format(
                first=show_date(DATE_MIN), last=show_date(DATE_MAX), got=show_date(iso)))
        return iso
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(_("expected a whole number, got {got}").format(got=_show(value)))
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            raise ValueError(_("expected true or false, got {got}").format(got=_show(value)))
        return value
    if kind == "list":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError(_("expected a list of texts (- item per line), got {got}").format(got=_show(value)))
        if len(value) > MAX_LIST_ITEMS or any(len(v) > MAX_NAME * 4 for v in value):
            raise ValueError(_("a list of at most {items} items of at most {n} characters is expected (got {count} "
                               "items)").format(items=MAX_LIST_ITEMS, n=MAX_NAME * 4, count=len(value)))
        return list(value)
    if kind == "choice":
        allowed = list(choices or ())
        if value not in allowed:
            raise ValueError(_("expected one of {choices}, got {got}.").format(choices=", ".join(map(str, allowed)),
                                                                             got=_show(value))
                             + did_you_mean(str(value), allowed))
        return value
    raise ValueError(_("unknown type {kind}").format(kind=repr(kind)))


def _bad_date(value: Any):
    raise ValueError(_("expected a real date written YYYY-MM-DD or DD/MM/YYYY, got {got}").format(got=_show(value)))


def _day_as_written(value: Any) -> Any:
    # HR writes 15/01/2027 as often as 2027-01-15: read both.
    import re

    found = re.fullmatch(r"\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*", value) if isinstance(value, str) else None
    return f"{found[3]}-{int(found[2]):02d}-{int(found[1]):02d}" if found else value


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


@dataclass(frozen=True)
class ClauseSpec:
    """A clause as found in a module's source: its id, heading text and line."""

    key: str
    title: str
    line: int
    nature: str | None = None
    audience: tuple[str, ...] = ()


@dataclass(frozen=True)
class Module:
    """One module of the library, validated, with its source text per language."""

    id: str
    """The module id, also its folder name ("confidentialite")."""
    version: str
    """Semantic version of the module text; bumped on every change."""
    title: dict[str, str]
    """Title per language: the article title in the charter."""
    summary: dict[str, str]
    """One sentence per language, for HR choosing modules."""
    order: int
    """Position in the charter (smaller first)."""
    path: Path
    """The module folder."""
    texts: dict[str, str]
    """The Markdown source per language."""
    clauses: tuple[ClauseSpec, ...]
    """Every clause heading of the source, conditional ones included."""
    requires: tuple[str, ...] = ()
    """Modules selected with this one, with a notice."""
    conflicts: tuple[str, ...] = ()
    """Modules that cannot be selected with this one."""
    jurisdictions: tuple[str, ...] = JURISDICTIONS
    """Laws the module is written for."""
    contacts: tuple[str, ...] = ()
    """Contact roles the text prints; the profile must define them."""
    variables: dict[str, ValueSpec] = field(default_factory=dict)
    """Typed values the company fills in."""
    options: dict[str, ValueSpec] = field(default_factory=dict)
    """Switches for conditional clauses."""
    legal_basis: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """References per jurisdiction code (and "eu")."""
    changelog: tuple[dict[str, Any], ...] = ()
    """Versions with date and note per language, newest last."""
    origin: str = "library"
    """"library" (shipped) or "local" (the company's own)."""

    def source_file(self, language: str) -> Path:
        """The Markdown file of this module for ``language``."""
        return self.path / f"{language}.md"

    def clause_ids(self) -> list[str]:
        """The full ids of every clause the source can produce."""
        return [f"{self.id}.{c.key}" for c in self.clauses]

    def basis_for(self, jurisdiction: str) -> tuple[str, ...]:
        """References shown for a charter under ``jurisdiction`` (EU law for EU members)."""
        refs = list(self.legal_basis.get(jurisdiction, ()))
        if jurisdiction in EU_JURISDICTIONS:
            refs += self.legal_basis.get("eu", ())
        return tuple(refs)


@dataclass
class Library:
    """Modules by id, plus the notices produced while loading them (local replacements)."""

    modules: dict[str, Module]
    notices: list[str] = field(default_factory=list)

    def get(self, module_id: str) -> Module | None:
        """The module with this id, or None."""
        return self.modules.get(module_id)

    def ids(self) -> list[str]:
        """Every module id, in charter order."""
        return [m.id for m in self.ordered()]

    def ordered(self) -> list[Module]:
        """Every module, by ``order`` then id."""
        return sorted(self.modules.values(), key=lambda m: (m.order, m.id))
