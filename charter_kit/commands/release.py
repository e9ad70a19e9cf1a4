"""`charter release`: render the draft, check every refusal, then freeze it in the release store."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from charter_kit.compose.pipeline import project_from
from charter_kit.compose.profile import load_profile
from charter_kit.diff.compare import diff
from charter_kit.errors import ReleaseError
from charter_kit.model.charter import Charter
from charter_kit.model.release import Release, parse_date
from charter_kit.model.semver import Version
from charter_kit.outputs.registry import render_released
from charter_kit.store.releases import (RELEASES_DIR, load_charter, load_releases, releases_dir,
                                        write_release)


@dataclass(frozen=True)
class ReleaseRequest:
    """What `charter release` asks for: the version, its dates, approvals, notes and kind."""

    version: str
    date: str
    effective_date: str | None = None
    approvals: tuple[str, ...] = ()
    notes: str | None = None
    kind: str | None = None
    allow_empty: bool = False


@dataclass(frozen=True)
class Created:
    """A release just written, with whether its kind was suggested from the diff."""

    release: Release
    kind_suggested: bool


def create_release(profile: Path, request: ReleaseRequest) -> Created:
    """Render the profile, check every refusal, then write ``releases/<version>/`` atomically."""
    root = Path(profile).resolve().parent
    existing = load_releases(root)
    previous = existing[-1] if existing else None
    check_new_version(request.version, existing, root)
    parse_date(request.date, "--date")
    loaded = load_profile(Path(profile))  # read once: its effective date, then the charter
    effective = _effective_date(request, loaded.profile.charter.effective_date)
    check_dates(request.date, effective, previous)
    charter = project_from(loaded, version=request.version, date=request.date,
                           effective_date=effective).charter
    before = load_charter(previous) if previous else None
    if before is not None and not request.allow_empty and same_text(before, charter):
        raise ReleaseError(f"nothing changed since release {previous.version}; nothing was written",
                           hint="change the profile first, or pass --allow-empty to release it anyway")
    kind = request.kind or suggest_kind(before, charter)
    release = write_release(root, charter, render_released(charter), kind=kind, previous=previous,
                            approvals=request.approvals, notes=request.notes)
    return Created(release, kind_suggested=request.kind is None)


def _effective_date(request: ReleaseRequest, from_profile: dt.date | None) -> str:
    if request.effective_date is not None:
        return parse_date(request.effective_date, "--effective")
    return from_profile.isoformat() if from_profile is not None else request.date


def check_new_version(version: str, existing: Sequence[Release], root: Path) -> None:
    """Refuse a malformed version, an existing one, or one not greater than the last release."""
    try:
        wanted = Version.parse(version)
    except ValueError as exc:
        raise ReleaseError(str(exc)) from None
    last = existing[-1] if existing else None
    hint = _next_hint(last)
    if any(r.version == version for r in existing) or (releases_dir(root) / version).exists():
        raise ReleaseError(f"release {version} already exists in {RELEASES_DIR}/{version}; "
                           "a release is never overwritten, nothing was written", hint=hint)
    if last is not None and not wanted > last.semver:
        raise ReleaseError(f"version {version} is not greater than the last release {last.version}; "
                           "nothing was written", hint=hint)


def _next_hint(last: Release | None) -> str | None:
    if last is None:
        return None
    patch, minor, major = last.semver.next_versions()
    return f"the next version is {patch} (editorial fix), {minor} or {major}"


def check_dates(date: str, effective: str, previous: Release | None) -> None:
    """Refuse an effective date before the release date, or dates before the previous release's."""
    if effective < date:
        raise ReleaseError(f"the effective date {effective} is before the release date {date}; "
                           "nothing was written",
                           hint="give --effective on or after --date (without it, charter.effective_date "
                                "in the profile is used, else the release date)")
    if previous is None:
        return
    if date < previous.date:
        raise ReleaseError(f"the release date {date} is before the date of release {previous.version} "
                           f"({previous.date}); nothing was written")
    if effective < previous.effective_date:
        raise ReleaseError(f"the effective date {effective} is before the effective date of release "
                           f"{previous.version} ({previous.effective_date}); nothing was written",
                           hint="a newer version cannot apply before the one it replaces")


def same_text(before: Charter, after: Charter) -> bool:
    """True when two charters differ only by their release stamp (version and dates)."""
    restamped = before.with_release(version=after.version or "", date=after.date or "",
                                    effective_date=after.effective_date)
    return restamped.digest == after.digest


def suggest_kind(before: Charter | None, after: Charter) -> str:
    """"substantive" for a first release or a change in words, "editorial" for form only."""
    if before is None:
        return "substantive"
    changes = diff(before, after)
    return "editorial" if changes.is_empty else changes.kind


def module_versions(charter: Charter) -> dict[str, str]:
    """Each module's version in a charter, in reading order."""
    return {article.id: article.module_version for article in charter.articles}
