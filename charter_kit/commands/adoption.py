"""`charter adoption`: where the adoption procedure of a version (or of the draft) stands, recording a
milestone, and the documents legal sends (`charter adoption pack`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from charter_kit.adoption.milestones import procedure
from charter_kit.adoption.procedure import Adoption, assess, text_digest, units
from charter_kit.adoption.report import adoption_report
from charter_kit.errors import AdoptionError, did_you_mean
from charter_kit.i18n import _
from charter_kit.locales import fr
from charter_kit.model.charter import Charter
from charter_kit.model.release import Release, parse_date
from charter_kit.store.adoption_log import append_entry, draft_file, read_entries, release_entries, write_draft
from charter_kit.store.releases import find_release, load_charter, load_releases
from charter_kit.store.verify import check_integrity

DRAFT = "draft"


@dataclass(frozen=True)
class Target:
    """The text whose procedure is read or recorded: a release, or the draft."""

    charter: Charter
    release: Release | None
    entries: list[dict[str, Any]]
    base: dt.date
    """The first day a formality on this text can have happened unless recorded earlier."""

    @property
    def label(self) -> str:
        """"la version 2.1.0" or "le projet"."""
        return f"la version {self.release.version}" if self.release else "le projet"

    def adoption(self) -> Adoption:
        """Where its procedure stands."""
        effective = dt.date.fromisoformat(self.charter.effective_date) if self.charter.effective_date else None
        return assess(self.charter, self.entries, base=self.base, effective=effective,
                      text=text_digest(self.charter), draft=self.release is None)


def target(profile: Path, which: str | None, on: dt.date) -> Target:
    """The release named ``which``, the draft, or by default: the latest release when the draft has the
    same text (it was just released), else the draft."""
    root = Path(profile).resolve().parent
    releases = load_releases(root)
    check_integrity(releases)
    if which not in (None, DRAFT):
        return release_target(root, find_release(releases, which))
    from charter_kit.compose.pipeline import load_project

    draft = load_project(profile).charter
    if which is None and releases:
        latest = releases[-1]
        if text_digest(load_charter(latest)) == text_digest(draft):
            return release_target(root, latest)
    return Target(draft, None, read_entries(draft_file(root)), on)


def release_target(root: Path, release: Release) -> Target:
    """A release's procedure: the milestones sealed with it and those recorded after it."""
    return Target(load_charter(release), release, release_entries(root, release), dt.date.fromisoformat(release.date))


def release_adoption(root: Path, release: Release) -> Adoption | None:
    """Where the procedure of a release stands, or None for a release made before charter-kit tracked it."""
    if release.procedure is None:
        return None
    return release_target(root, release).adoption()


def show(profile: Path, which: str | None, on: dt.date) -> str:
    """The report `charter adoption` prints."""
    chosen = target(profile, which, on)
    charter = chosen.charter
    subject = (f"version {chosen.release.version} du {fr.date(chosen.release.date)}" if chosen.release
               else "projet en cours (pas encore de version)")
    effective = dt.date.fromisoformat(charter.effective_date) if charter.effective_date else None
    return adoption_report(chosen.adoption(), subject=subject, effective=effective, on=on)


@dataclass(frozen=True)
class Recorded:
    """A milestone just recorded, for whom, and where the procedure now stands."""

    entry: dict[str, Any]
    target: Target
    adoption: Adoption
    units: tuple[str, ...]


def record(profile: Path, milestone: str, *, date: str, ref: str | None, entity: str | None,
           establishment: str | None, which: str | None, on: dt.date) -> Recorded:
    """Record one milestone for the draft (adoption/draft.yml) or after a release (its chained record)."""
    chosen = target(profile, which, on)
    charter = chosen.charter
    codes = [m.code for m in procedure(charter.jurisdiction, charter.status)]
    if not codes:
        raise AdoptionError(_("the status '{status}' needs no adoption procedure: there is nothing to record").format(
            status=charter.status))
    if milestone not in codes:
        raise AdoptionError(_("'{milestone}' is not a milestone of this procedure.").format(milestone=milestone)
                            + did_you_mean(milestone, codes),
                            hint=_("milestones: {codes}").format(codes=", ".join(codes)))
    parse_date(date, "--date")
    scope = _scope(charter, entity, establishment)
    entry = {"milestone": milestone, "date": date, "ref": ref or None, "entity": entity, "establishment": establishment}
    root = Path(profile).resolve().parent
    if chosen.release is None:
        entry["text"] = text_digest(charter)
        write_draft(root, [*chosen.entries, entry])
    else:
        entry = append_entry(root, chosen.release, entry)
    updated = Target(charter, chosen.release, [*chosen.entries, entry], chosen.base)
    return Recorded(entry, updated, updated.adoption(), scope)


def _scope(charter: Charter, entity: str | None, establishment: str | None) -> tuple[str, ...]:
    """The units a record applies to; an unknown entity or establishment is an error listing the known ones."""
    known = units(charter)
    if entity is not None and entity not in {u.entity for u in known}:
        ids = sorted({u.entity for u in known if u.entity})
        raise AdoptionError(_("no entity '{id}' in this charter.").format(id=entity) + did_you_mean(entity, ids),
                            hint=_("entities: {ids}").format(ids=", ".join(ids)) if ids
                            else _("the profile declares no company.entities"))
    chosen = [u for u in known if entity in (None, u.entity)]
    if establishment is not None and establishment not in {u.establishment for u in chosen}:
        ids = sorted({u.establishment for u in chosen if u.establishment})
        raise AdoptionError(_("no establishment '{id}' here.").format(id=establishment) + did_you_mean(establishment, ids),
                            hint=_("establishments: {ids}").format(ids=", ".join(ids)) if ids
                            else _("no establishment is declared"))
    return tuple(u.label for u in chosen if establishment in (None, u.establishment))
