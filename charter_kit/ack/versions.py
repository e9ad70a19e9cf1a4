"""The versions employees acknowledge, as the release store knows them.

This is the only file of the registry that reads the release store (the import below): version,
digest, dates, whether the change is substantive or editorial, and the frozen charter for the
employee page (title, company, branding, site address, what changed).

The re-acknowledgement rule: an employee who acknowledged version U must acknowledge a later
version V again only if a substantive version was released after U, up to and including V.
Otherwise (only editorial versions in between) the acknowledgement of U is carried forward to V,
and the registry records it as such.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from charter_kit.errors import AckError, CharterError
from charter_kit.i18n import _
from charter_kit.locales import fr
from charter_kit.store import releases as store, verify as store_verify  # the one import of the release store

from charter_kit.ack.db import Registry, Version, iso
from charter_kit.ack.events import append

SUBSTANTIVE, EDITORIAL = "substantive", "editorial"
KIND_LABELS = fr.RELEASE_KIND
#: The charter's status as employees' pages and certificates name it (French documents).
STATUS_LABELS = {"annexe-reglement-interieur": "annexe au règlement intérieur",
                 "note-de-service": "note de service", "guide": "guide de bonnes pratiques"}


@dataclass(frozen=True)
class VersionRecord:
    """A version as the registry holds it."""

    version: str
    seq: int
    digest: str
    date: str
    effective_date: str
    kind: str
    previous_version: str | None


def load_store(root: Path) -> list:
    """Every release of the project, oldest first, after checking their files against release.yml."""
    try:
        releases = store.load_releases(Path(root))
        store_verify.check_integrity(releases)
    except CharterError as exc:
        raise AckError(_("the release store of {folder} is unreadable or altered:\n{problems}").format(
            folder=root, problems=exc.message),
                       hint=_("run {command}; restore the releases from version control").format(
                           command="'charter verify'")) from None
    return releases


def sync(registry: Registry, root: Path) -> list[str]:
    """Register the releases the registry does not know yet; refuse a release whose digest changed."""
    releases = load_store(root)
    added = []
    with registry.errors(_("registering the versions")), registry.write() as session:
        known = {v.version: v for v in session.execute(select(Version)).scalars()}
        seq = max((v.seq for v in known.values()), default=0)
        for release in releases:
            have = known.get(release.version)
            if have is not None:
                if have.digest != release.digest:
                    raise AckError(_("version {version} of the store no longer has the recorded digest "
                                     "({digest}… instead of {recorded}…)").format(
                        version=release.version, digest=release.digest[:12], recorded=have.digest[:12]),
                                   hint=_("a published version never changes: restore {folder} from version "
                                          "control").format(folder=f"releases/{release.version}/"))
                continue
            seq += 1
            session.add(Version(version=release.version, seq=seq, digest=release.digest, date=release.date,
                                effective_date=release.effective_date, kind=release.kind,
                                previous_version=release.previous_version, registered_at=iso(registry.now())))
            append(registry, session, "version.registered", {
                "version": release.version, "digest": release.digest, "date": release.date,
                "effective_date": release.effective_date, "kind": release.kind,
                "previous_version": release.previous_version}, version=release.version)
            added.append(release.version)
    return added


def records(session) -> list[VersionRecord]:
    """Every registered version, oldest first."""
    return [VersionRecord(v.version, v.seq, v.digest, v.date, v.effective_date, v.kind, v.previous_version)
            for v in session.execute(select(Version).order_by(Version.seq)).scalars()]


def find(versions: Sequence[VersionRecord], version: str) -> VersionRecord:
    """The registered version, or an error listing the known ones."""
    for v in versions:
        if v.version == version:
            return v
    known = ", ".join(v.version for v in versions)
    hint = _("create it with {command}; the registry reads the project's releases/ folder").format(
        command="'charter release'")
    if not known:
        raise AckError(_("version {version} unknown to the registry (no version yet)").format(version=version),
                       hint=hint)
    raise AckError(_("version {version} unknown to the registry (versions: {versions})").format(
        version=version, versions=known), hint=hint)


def substantive_between(versions: Sequence[VersionRecord], acked: VersionRecord,
                        target: VersionRecord) -> list[VersionRecord]:
    """The substantive versions after ``acked`` up to and including ``target``."""
    return [v for v in versions if acked.seq < v.seq <= target.seq and v.kind == SUBSTANTIVE]


def carries_forward(versions: Sequence[VersionRecord], acked: VersionRecord, target: VersionRecord) -> bool:
    """True when an acknowledgement of ``acked`` stands for ``target`` (editorial versions only between)."""
    return acked.seq < target.seq and not substantive_between(versions, acked, target)


# -- what the employee page shows -------------------------------------------------------------------
@dataclass(frozen=True)
class ReleaseView:
    """What the employee page and the certificate say about a version."""

    version: str
    title: str
    company: str
    status: str
    status_label: str
    date: str
    effective_date: str
    digest: str
    kind: str
    site_url: str
    pdf_name: str
    brand_color: str
    logo: bytes | None
    logo_type: str
    dpo_email: str
    hr_email: str

    @property
    def read_url(self) -> str:
        """Where employees read this version on the published site ("" when no site address is set)."""
        return f"{self.site_url}/{self.version}/" if self.site_url else ""

    @property
    def pdf_url(self) -> str:
        """The released PDF on the published site."""
        return f"{self.site_url}/{self.version}/{self.pdf_name}" if self.site_url else ""


@functools.lru_cache(maxsize=64)
def release_view(root: Path, version: str) -> ReleaseView:
    """Read one release's frozen charter for display (cached: releases never change)."""
    import base64
    import re

    releases = store.load_releases(Path(root))
    release = store.find_release(releases, version)
    charter = store.load_charter(release)
    branding = charter.branding or {}
    logo = branding.get("logo") if isinstance(branding.get("logo"), dict) else None
    color = str(branding.get("primary_color") or "#3f51b5")
    contacts = charter.contacts or {}
    return ReleaseView(
        version=release.version, title=charter.title, company=str(charter.company.get("name", "")),
        status=charter.status, status_label=STATUS_LABELS.get(charter.status, charter.status),
        date=release.date, effective_date=release.effective_date, digest=release.digest, kind=release.kind,
        site_url=str((charter.site or {}).get("url") or "").rstrip("/"), pdf_name=release.pdf_name,
        brand_color=color if re.fullmatch(r"#[0-9a-fA-F]{3,8}", color) else "#3f51b5",
        logo=base64.b64decode(logo["data"]) if logo and logo.get("data") else None,
        logo_type=str(logo.get("media_type", "")) if logo else "",
        dpo_email=str((contacts.get("dpo") or {}).get("email") or ""),
        hr_email=str((contacts.get("rh") or {}).get("email") or ""))


@dataclass(frozen=True)
class ChangeItem:
    """One changed clause or article, as an employee reads it."""

    heading: str
    nature: str


@dataclass(frozen=True)
class Changes:
    """What changed between the version an employee accepted and the one asked now."""

    old: str
    new: str
    sentence: str
    items: tuple[ChangeItem, ...]


@functools.lru_cache(maxsize=64)
def changes_since(root: Path, old: str, new: str) -> Changes:
    """The employee-facing summary of the diff between two releases (no internal causes)."""
    from charter_kit.diff.compare import diff
    from charter_kit.reports.wording import (article_nature, clause_heading, clause_nature, detailed,
                                            summary_sentence)

    releases = store.load_releases(Path(root))
    a, b = store.find_release(releases, old), store.find_release(releases, new)
    d = diff(store.load_charter(a), store.load_charter(b), a_meta=store.release_info(a),
             b_meta=store.release_info(b))
    items = [ChangeItem(f"Article {c.number}. {c.title}", f"article {article_nature(c)}")
             for c in d.articles if detailed(c)]
    items += [ChangeItem(clause_heading(c), f"clause {clause_nature(c)}") for c in d.clauses if detailed(c)]
    return Changes(old, new, summary_sentence(d), tuple(items))
