"""A release: a Charter frozen under a version, with its dates, approvals, notes and files.

Pure model: the fields of ``release.yml``, their text form (written and parsed), and where a release
stands on a date. Reading and writing release folders is charter_kit.store's job.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from charter_kit import __version__
from charter_kit.errors import ReleaseError
from charter_kit.i18n import _
from charter_kit.model.semver import Version
from charter_kit.model.vocabulary import date_in_range

CHARTER_FILE = "charter.json"
RELEASE_FILE = "release.yml"
#: Release statuses (codes; readers see charter_kit.locales' RELEASE_STATUS labels).
UPCOMING, IN_FORCE, ARCHIVED, REPLACED = "upcoming", "in_force", "archived", "replaced"
_HEADER = ("# Version figée de la charte, écrite par `charter release`.\n"
           "# Ne pas modifier : `charter verify` contrôle chaque octet de ce dossier.\n")
#: What a release file may be called: a plain name inside the release folder, never a path.
_FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$")
_FIELDS = ("version", "date", "effective_date", "previous_version", "kind", "digest", "approvals",
           "notes", "modules", "charter_kit", "files")
#: Fields added later, written only when set, so a release written before them reads and writes the same.
_OPTIONAL = {"procedure": None, "forced": None, "sources": None}


@dataclass(frozen=True)
class Approval:
    """Who approved a release: a name, a role and a date (ISO); releases written before roles keep their text."""

    name: str
    """The person or body ("Jeanne Roy", "Comité social et économique")."""
    role: str | None = None
    """Their role ("DRH"); None in an approval written as one text."""
    date: str | None = None
    """The day they approved, ISO; None when not given."""

    @classmethod
    def parse(cls, text: str) -> Approval:
        """"Jeanne Roy, DRH, 2027-01-02" -> name, role, date (the date last, the role optional)."""
        parts = [p.strip() for p in str(text).split(",") if p.strip()]
        if not parts:
            raise ReleaseError(_("'{text}' names no one").format(text=text),
                               hint=_("write {example}").format(example='--approved-by "Jeanne Roy, DRH, 2027-01-02"'))
        date = parts.pop() if len(parts) > 1 and _parse_date(parts[-1]) is not None else None
        return cls(parts[0], ", ".join(parts[1:]) or None, date)

    @property
    def text(self) -> str:
        """The approval on one line, as it is typed: "Jeanne Roy, DRH, 2027-01-02"."""
        return ", ".join(p for p in (self.name, self.role, self.date) if p)

    def to_data(self) -> str | dict[str, str | None]:
        """Its form in release.yml: a mapping, or the plain text of an approval that has only a name."""
        if self.role is None and self.date is None:
            return self.name
        return {"name": self.name, "role": self.role, "date": self.date}


@dataclass(frozen=True)
class Release:
    """One frozen release, as its release.yml describes it."""

    version: str
    """Semantic version, also the folder's name ("1.2.0")."""
    date: str
    """Release date, ISO."""
    effective_date: str
    """Date from which this version applies, ISO."""
    digest: str
    """sha256 of charter.json: the identity of the text."""
    previous_version: str | None
    """The release this one follows (None for the first): the chain verify walks."""
    kind: str
    """"substantive" (employees' rules change) or "editorial" (presentation only)."""
    approvals: tuple[Approval, ...] = ()
    """Who approved it, with role and date (a text given here is kept as the approval's name)."""
    notes: str | None = None
    """HR's release notes, shown on the employees' "Modifications" page."""
    modules: dict[str, str] = field(default_factory=dict)
    """Each module's version in this release."""
    charter_kit: str = __version__
    """The charter-kit version that wrote it."""
    files: dict[str, str] = field(default_factory=dict)
    """Every file of the release but release.yml, with its sha256 (charter.json and the outputs)."""
    procedure: str | None = None
    """The adoption procedure that applies ("fr/annexe-reglement-interieur"); None before charter-kit tracked it."""
    forced: str | None = None
    """Why a refusal was overridden with --force (an effective date before the earliest lawful one), if any."""
    sources: dict[str, str] | None = None
    """sha256 of each module's text file as released: module hygiene knows a text is unchanged even when a
    newer charter-kit renders it differently; None in releases written before it was recorded."""
    path: Path | None = field(default=None, compare=False)
    """The release's folder once read from the store."""

    def __post_init__(self) -> None:
        approvals = tuple(a if isinstance(a, Approval) else Approval(str(a)) for a in self.approvals)
        object.__setattr__(self, "approvals", approvals)

    @property
    def semver(self) -> Version:
        """The version, parsed for ordering."""
        return _parsed(self.version)

    @property
    def pdf_name(self) -> str:
        """The file name of the released PDF annex (the first PDF among the release's files)."""
        return next(name for name in self.files if name.endswith(".pdf"))

    def effective(self) -> dt.date:
        """The date from which this version applies."""
        return dt.date.fromisoformat(self.effective_date)

    def to_yaml(self) -> str:
        """The text of release.yml: a commented header, the fields in a fixed order, the seal."""
        data = {name: getattr(self, name) for name in _FIELDS}
        data["approvals"] = [a.to_data() for a in self.approvals]
        data.update({name: getattr(self, name) for name, unset in _OPTIONAL.items() if getattr(self, name) != unset})
        body = _HEADER + yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
        return body + f"seal: {sha256(body.encode('utf-8'))}\n"


class _Dumper(yaml.SafeDumper):
    """Writes multi-line text (notes) as readable literal blocks."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def release_from_yaml(text: str, path: Path) -> Release:
    """Parse release.yml; any missing, unknown or mistyped field is an error naming the file."""
    return release_from_data(parse_release_yaml(text, path), path)


def parse_release_yaml(text: str, path: Path) -> Any:
    """What YAML makes of release.yml (plain data, no anchors, bounded depth), before any check of its fields."""
    display = path / RELEASE_FILE
    try:
        return _load(text, display, _FAST)
    except yaml.YAMLError:
        try:  # the pure-Python parser words the error, as it always did
            return _load(text, display, yaml.SafeLoader)
        except yaml.YAMLError as exc:
            raise ReleaseError(_("{file}: invalid YAML ({error})").format(file=display, error=one_line(exc))) from None


def release_from_data(data: Any, path: Path) -> Release:
    """The release that parsed release.yml data describes; any missing, unknown or mistyped field is
    an error naming the file. ``data`` is left as it is (it may be kept and read again)."""
    display = path / RELEASE_FILE
    if not isinstance(data, dict):
        raise ReleaseError(_("{file}: expected a mapping of release fields").format(file=display))
    data = {k: v for k, v in data.items() if k != "seal"}
    unknown = sorted(set(data) - set(_FIELDS) - set(_OPTIONAL))
    missing = [name for name in _FIELDS if name not in data]
    problems = [_("unknown fields: {fields}").format(fields=", ".join(map(str, unknown)))] if unknown else []
    problems += [_("missing fields: {fields}").format(fields=", ".join(missing))] if missing else []
    if problems:
        raise ReleaseError(_("{file}: {problem}").format(file=display, problem="; ".join(problems)))
    _check_types(data, display)
    approvals = tuple(Approval(a) if isinstance(a, str) else Approval(a["name"], a.get("role"), a.get("date"))
                      for a in data["approvals"])
    return Release(**{**data, "approvals": approvals, "path": path})


@functools.lru_cache(maxsize=4096)
def _parsed(version: str) -> Version:
    """A version number parsed once per process: publishing sorts the releases many times."""
    return Version.parse(version)


#: Deepest nesting release.yml has (approvals hold mappings in a list): a deeper file was not written by us.
_MAX_DEPTH = 8


#: libyaml's parser when PyYAML has it: publish reads every release.yml, ten times faster so. Its
#: event parser keeps its own stack (no recursion), and nothing is composed before _plain_yaml passed.
_FAST = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load(text: str, display: Path, loader: type) -> Any:
    _plain_yaml(text, display, loader)
    return yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader (SafeLoader or CSafeLoader)


def _plain_yaml(text: str, display: Path, loader: type = yaml.SafeLoader) -> None:
    """Refuse what charter-kit never writes in release.yml before building anything from it: anchors
    and aliases (an alias bomb expands to billions of values) and deep nesting (parsers recurse).
    One pass over the parser's events: time and memory grow with the file, never more."""
    depth = 0
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise ReleaseError(_("{file}: uses YAML anchors or aliases (&, *), which charter-kit never writes; "
                                 "the file was not written by `charter release`").format(file=display))
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > _MAX_DEPTH:
                raise ReleaseError(_("{file}: nested more than {depth} levels deep; the file was not written by "
                                     "`charter release`").format(file=display, depth=_MAX_DEPTH))
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


def _check_types(data: dict[str, Any], display: Path) -> None:
    def bad(name: str, expected: str) -> ReleaseError:
        return ReleaseError(_("{file}: {key}: expected {expected}, got {got}").format(
            file=display, key=name, expected=expected, got=repr(data[name])))

    for name in ("version", "date", "effective_date", "kind", "digest", "charter_kit"):
        if not isinstance(data[name], str):
            raise bad(name, _("text"))
    for name in ("date", "effective_date"):
        if _parse_date(data[name]) is None or not date_in_range(data[name]):
            raise bad(name, _("a date YYYY-MM-DD"))
    for name in ("previous_version", "notes", *[n for n in _OPTIONAL if n in data and n != "sources"]):
        if data[name] is not None and not isinstance(data[name], str):
            raise bad(name, _("text or null"))
    if not isinstance(data["approvals"], list) or not all(_approval_ok(a) for a in data["approvals"]):
        raise bad("approvals", _("a list of texts or of {fields}").format(fields="{name, role, date}"))
    for name in ("modules", "files", *(["sources"] if data.get("sources") is not None else [])):
        value = data[name]
        if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                  for k, v in value.items()):
            raise bad(name, _("a mapping of texts"))
    outside = [name for name in data["files"] if not _FILE_NAME.match(name) or name == RELEASE_FILE]
    if outside:
        raise ReleaseError(_("{file}: files: '{name}' is not a file name of this release folder").format(
            file=display, name=outside[0]))
    if CHARTER_FILE not in data["files"] or not any(name.endswith(".pdf") for name in data["files"]):
        raise bad("files", _("{file}, the PDF annex and any other output, with their sha256").format(file=CHARTER_FILE))


def _approval_ok(value: Any) -> bool:
    """An approval in release.yml: a text, or a mapping with a name, a role and an ISO date (or nulls)."""
    if isinstance(value, str):
        return True
    return (isinstance(value, dict) and set(value) <= {"name", "role", "date"} and isinstance(value.get("name"), str)
            and all(value.get(k) is None or isinstance(value.get(k), str) for k in ("role", "date"))
            and (value.get("date") is None or _parse_date(value["date"]) is not None))


# -- dates and statuses (pure) ----------------------------------------------------------------------
def parse_date(text: str, what: str) -> str:
    """Check an ISO date given by the user and return it; a ReleaseError names ``what``."""
    if _parse_date(text) is None:
        raise ReleaseError(_("{what}: '{text}' is not a date (expected YYYY-MM-DD, e.g. 2026-03-01)").format(
            what=what, text=text))
    return str(text)


def _parse_date(text: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if isinstance(text, str) and len(text) == 10 else None
    except ValueError:
        return None


def in_force(releases: Sequence[Release], on: dt.date) -> Release | None:
    """The newest release whose effective date has come on ``on``, or None."""
    applicable = [r for r in releases if r.effective() <= on and not replaced(r, releases)]
    return max(applicable, key=lambda r: r.semver) if applicable else None


def replaced(release: Release, releases: Sequence[Release]) -> bool:
    """True when a newer release applies from the same date or earlier: this one never comes into force."""
    return any(r.semver > release.semver and r.effective() <= release.effective() for r in releases)


def status(release: Release, releases: Sequence[Release], on: dt.date) -> str:
    """Where ``release`` stands on the date ``on``: a code of vocabulary.RELEASE_STATUSES."""
    if replaced(release, releases):
        return REPLACED
    if release.effective() > on:
        return UPCOMING
    current = in_force(releases, on)
    return IN_FORCE if current is not None and current.version == release.version else ARCHIVED


def seal_holds(blob: bytes) -> bool:
    """True when release.yml's last line seals every byte above it (see Release.to_yaml)."""
    m = re.search(rb"\nseal: ([0-9a-f]{64})\n\Z", blob)
    return bool(m) and sha256(blob[: m.start() + 1]) == m.group(1).decode("ascii")


def sha256(data: bytes) -> str:
    """The sha256 of ``data``, in hex: the digest every release file is sealed with."""
    return hashlib.sha256(data).hexdigest()


def one_line(exc: BaseException) -> str:
    """An exception's message on one line."""
    return " ".join(str(exc).split())
