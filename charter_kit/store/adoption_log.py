"""The adoption record on disk: the milestones of the legal procedure, beside the releases they belong to.

    adoption/draft.yml         milestones recorded for the draft (a plain list), sealed into the release
                               that freezes the draft, then removed
    releases/<v>/adoption.yml  those milestones as sealed with release <v> (a file of the release)
    adoption/<v>.yml           milestones recorded after release <v> was sealed: append only, each entry
                               chained by its hash to the one before it, the first to the release's digest

A release is never rewritten: what happens after it is appended to its own chained record, which
`charter verify` checks like the release itself. Entries hold codes and ISO dates only.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from charter_kit.compose.yamlfile import parse_yaml
from charter_kit.errors import AdoptionRecordError, Problem, ProblemsError
from charter_kit.i18n import _
from charter_kit.fsutil import atomic_write
from charter_kit.model.charter import canonical
from charter_kit.model.release import Release, sha256

ADOPTION_DIR = "adoption"
DRAFT = "draft"
#: The sealed copy of the draft's milestones inside a release folder.
SEALED_FILE = "adoption.yml"
#: The fields of a milestone entry; the draft's entries add ``text``, the chained ones ``previous`` and ``hash``.
FIELDS = ("milestone", "date", "ref", "entity", "establishment")
_DRAFT_HEADER = ("# Jalons de la procédure d'adoption du projet, écrits par `charter adoption record`.\n"
                 "# Ils seront scellés avec la version qui figera ce texte.\n")
_LOG_HEADER = ("# Jalons de la procédure d'adoption enregistrés après la version {version}, écrits par\n"
               "# `charter adoption record`. Ne pas modifier : chaque entrée est chaînée à la précédente par son\n"
               "# empreinte, et `charter verify` contrôle la chaîne.\n")


def draft_file(root: Path) -> Path:
    """The draft's milestones."""
    return Path(root) / ADOPTION_DIR / f"{DRAFT}.yml"


def log_file(root: Path, version: str) -> Path:
    """The chained milestones recorded after release ``version``."""
    return Path(root) / ADOPTION_DIR / f"{version}.yml"


# -- reading ----------------------------------------------------------------------------------------
def read_entries(path: Path, *, display: str | None = None) -> list[dict[str, Any]]:
    """The entries of an adoption file (none when it does not exist); a malformed file is an error."""
    path = Path(path)
    if not path.is_file():
        return []
    return parse_entries(path.read_bytes(), display or str(path))


def parse_entries(data: bytes, display: str) -> list[dict[str, Any]]:
    """The entries of an adoption file's bytes; each problem names the file, the line and the key."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise AdoptionRecordError([Problem(display, None, None, _("not UTF-8 text"))]) from None
    doc, lines, problems = parse_yaml(text, display, AdoptionRecordError)
    if problems:
        raise AdoptionRecordError(problems)
    if doc is None:
        return []
    entries = doc.get("milestones") if isinstance(doc, dict) else None
    if not isinstance(entries, list):
        raise AdoptionRecordError([Problem(display, lines.line(()) or 1, None,
                                           _("expected a mapping with a list 'milestones:'"))])
    bad = [Problem(display, lines.line(("milestones", i)), f"milestones.{i}",
                   _("expected milestone, date, ref, entity and establishment"))
           for i, e in enumerate(entries) if not _entry_ok(e)]
    if bad:
        raise AdoptionRecordError(bad)
    return [dict(e) for e in entries]


def _entry_ok(entry: Any) -> bool:
    return (isinstance(entry, dict) and all(k in entry for k in ("milestone", "date"))
            and set(entry) <= {*FIELDS, "text", "previous", "hash"}
            and all(v is None or isinstance(v, str) for v in entry.values()))


def sealed_entries(release: Release) -> list[dict[str, Any]]:
    """The milestones sealed with a release (none when it was released without any)."""
    if release.path is None or SEALED_FILE not in release.files:
        return []
    path = release.path / SEALED_FILE
    return parse_entries(path.read_bytes(), str(path))


def release_entries(root: Path, release: Release) -> list[dict[str, Any]]:
    """Every milestone of a release: those sealed with it, then those appended after it, in order."""
    return sealed_entries(release) + read_entries(log_file(root, release.version))


# -- writing ----------------------------------------------------------------------------------------
class _Dumper(yaml.SafeDumper):
    """Quotes digests, dates and anything numeric-looking, so they always read back as text."""


_QUOTED = re.compile(r"[0-9a-f]{16,}|[\d.eE+_:-]+")
_Dumper.add_representer(str, lambda dumper, value: dumper.represent_scalar(
    "tag:yaml.org,2002:str", value, style="'" if _QUOTED.fullmatch(value) else None))


def entries_text(entries: list[dict[str, Any]], header: str = _DRAFT_HEADER) -> str:
    """An adoption file's text: a commented header, then the entries in a fixed key order."""
    ordered = [{k: e.get(k) for k in (*FIELDS, "text", "previous", "hash") if k in e} for e in entries]
    body = yaml.dump({"milestones": ordered}, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
    return header + body


def write_draft(root: Path, entries: list[dict[str, Any]]) -> Path:
    """Write the draft's milestones (atomically)."""
    path = draft_file(root)
    atomic_write(path, entries_text(entries))
    return path


def append_entry(root: Path, release: Release, entry: dict[str, Any]) -> dict[str, Any]:
    """Append one milestone to the chained record of ``release``; return it with its chain fields."""
    path = log_file(root, release.version)
    entries = read_entries(path)
    problems = chain_problems(entries, release, str(path))
    if problems:
        raise AdoptionRecordError([Problem(str(path), None, None, p) for p in problems],
                                  hint=_("restore the file from version control; nothing was written"))
    chained = {k: entry.get(k) for k in FIELDS}
    chained["previous"] = entries[-1]["hash"] if entries else release.digest
    chained["hash"] = entry_hash(chained)
    atomic_write(path, entries_text([*entries, chained], _LOG_HEADER.format(version=release.version)))
    return chained


def entry_hash(entry: dict[str, Any]) -> str:
    """The hash that seals one chained entry: sha256 of its canonical form without the hash itself."""
    return sha256(canonical({k: v for k, v in entry.items() if k != "hash"}).encode("utf-8"))


# -- verifying --------------------------------------------------------------------------------------
def chain_problems(entries: list[dict[str, Any]], release: Release, display: str) -> list[str]:
    """Every break in a chained record: an entry changed, removed, reordered or chained to another release."""
    problems = []
    previous = release.digest
    for i, entry in enumerate(entries, start=1):
        if entry.get("previous") != previous:
            where = _("the release's digest") if i == 1 else _("entry {n}").format(n=i - 1)
            problems.append(_("{file}: entry {n} ({milestone}) is not chained to {where} (an entry was removed, "
                              "reordered or belongs to another release)").format(
                file=display, n=i, milestone=entry.get("milestone"), where=where))
        if entry.get("hash") != entry_hash(entry):
            problems.append(_("{file}: entry {n} ({milestone}) was changed after it was recorded").format(
                file=display, n=i, milestone=entry.get("milestone")))
        previous = entry.get("hash")
    return problems


def verify_logs(root: Path, releases: list[Release]) -> dict[str, list[str]]:
    """Problems of every chained record, by version; a record whose release does not exist is one too."""
    folder = Path(root) / ADOPTION_DIR
    known = {r.version: r for r in releases}
    out: dict[str, list[str]] = {}
    if not folder.is_dir():
        return out
    for path in sorted(folder.glob("*.yml")):
        version = path.stem
        if version == DRAFT:
            continue
        display = f"{ADOPTION_DIR}/{path.name}"
        if version not in known:
            out[version] = [_("{file}: there is no release {version} for this adoption record").format(
                file=display, version=version)]
            continue
        try:
            out[version] = chain_problems(read_entries(path), known[version], display)
        except ProblemsError as exc:
            out[version] = [str(p) for p in exc.problems]
    return {v: p for v, p in out.items() if p}
