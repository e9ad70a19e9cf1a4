"""The published site: every release rendered from its frozen charter.json, side by side.

Layout of the output folder (``public/`` by default)::

    <version>/              one site per release, with its PDF and its "Modifications" page
    latest/                 a full copy of the version employees land on
    versions.json           mike's format, read by Material's version selector
    index.html              redirects to latest/
    .charter-publish.json   marker and manifest: what each version folder was built from

The version employees land on (alias ``latest``) is the newest version in force on the
publishing date; when no version is in force yet, it is the first upcoming one, so employees
read the charter that is about to apply, under its "à venir" banner. A version whose effective
date has come but whose adoption procedure is not complete is not in force: it is shown "en
attente", with what remains to be done, and the version before it stays in force (issue 13).

``latest/`` is a copy rather than a set of redirect pages: a copy works on any static host,
without JavaScript and from a plain file server, its search index works, and Material's version
selector recognises it by its alias. It costs one more version's worth of disk.

Publishing never reads today's profile or library: each version is rendered from its release.
A version folder is reused from the previous output when what it was built from is unchanged:
its release.yml (digest, notes, PDF checksum), the previous release's, its status, the version in
force that its banner names, and the charter-kit version. Publishing a version that is not yet in
force therefore builds that version alone, so the twentieth costs about what the second did; when
a new version comes into force, the banners of the archived versions change and they are rebuilt.
The whole output is built beside the target and renamed into place only when everything succeeded.

A publish that would write the same output writes nothing (no file copied, linked or deleted);
how a kept folder is checked without reading all its bytes is in ``publish_folder``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from charter_kit import __version__
from charter_kit.model.charter import canonical
from charter_kit.commands.publish_folder import (LATEST, MARKER, copy_tree, manifest_text, read_manifest, read_state,
                                                 release_signature, reusable, spare_path, state_path, take,
                                                 tree_signature, unchanged, write_state)
from charter_kit.errors import ReleaseError
from charter_kit.i18n import _
from charter_kit.fsutil import atomic_dir, make_public, read_regular, tree_digest
from charter_kit.locales import fr
from charter_kit.model.release import (ARCHIVED, CHARTER_FILE, IN_FORCE, RELEASE_FILE, REPLACED, UPCOMING, Release)
from charter_kit.store.adoption_log import SEALED_FILE
from charter_kit.store.releases import (load_charter, load_releases, parsed_data, read_file, read_key, release_info,
                                        releases_dir, remember_parsed, with_previous)
from charter_kit.store.verify import check_integrity

FIRST_VERSION_CHANGES = ("Première version de la charte : il n'y a pas de version précédente "
                         "à laquelle la comparer.\n")


@dataclass(frozen=True)
class PublishReport:
    """What a publish did: where, which version employees land on, what was built or reused."""

    out: Path
    landing: str
    landing_status: str
    built: tuple[str, ...]
    reused: tuple[str, ...]


@dataclass(frozen=True)
class VersionPlan:
    """One version folder to produce: its release, the one before it, its banner and build key."""

    release: Release
    previous: Release | None
    status: str
    current: str | None
    key: str
    pending: tuple[str, ...] = ()


# -- pure parts -------------------------------------------------------------------------------------
def in_force(releases: Sequence[Release], on: dt.date, incomplete: Sequence[str] = ()) -> Release | None:
    """The newest release that applies on ``on``: its date has come, it was not replaced before it
    applied, and its adoption procedure is complete (``incomplete`` lists the versions whose is not)."""
    gone = replaced_versions(releases)
    applicable = [r for r in releases if r.effective() <= on and r.version not in gone
                  and r.version not in incomplete]
    return max(applicable, key=lambda r: r.semver) if applicable else None


def replaced_versions(releases: Sequence[Release]) -> set[str]:
    """The versions a newer release replaced before they applied (``model.release.replaced`` of
    each, in one pass over the releases newest first: publish stays linear in the versions)."""
    gone: set[str] = set()
    earliest: dt.date | None = None  # the earliest effective date of the newer releases seen so far
    for release in sorted(releases, key=lambda r: r.semver, reverse=True):
        if earliest is not None and earliest <= release.effective():
            gone.add(release.version)
        earliest = release.effective() if earliest is None else min(earliest, release.effective())
    return gone


def statuses(releases: Sequence[Release], on: dt.date, incomplete: Sequence[str] = ()) -> dict[str, str]:
    """Where each release stands on ``on`` (``model.release.status``); a newer version whose
    procedure is incomplete is "pending"."""
    current = in_force(releases, on, incomplete)
    gone = replaced_versions(releases)
    out = {}
    for r in releases:
        if r.version in gone:
            code = REPLACED
        elif r.effective() > on:
            code = UPCOMING
        else:
            newer = current is None or r.semver > current.semver
            code = ("pending" if r.version in incomplete and newer
                    else IN_FORCE if current is not None and r.version == current.version else ARCHIVED)
        out[r.version] = code
    return out


def landing_release(releases: Sequence[Release], on: dt.date, incomplete: Sequence[str] = ()) -> Release:
    """The version employees land on: the newest in force, else the first one not replaced."""
    current = in_force(releases, on, incomplete)
    if current is not None:
        return current
    gone = replaced_versions(releases)
    kept = [r for r in releases if r.version not in gone] or list(releases)
    return min(kept, key=lambda r: r.semver)


def versions_json(releases: Sequence[Release], on: dt.date, incomplete: Sequence[str] = ()) -> str:
    """versions.json in mike's format, newest first, ``latest`` on the landing version."""
    landing = landing_release(releases, on, incomplete)
    codes = statuses(releases, on, incomplete)
    entries = [{"version": r.version, "title": f"{r.version} ({fr.RELEASE_STATUS[codes[r.version]]})",
                "aliases": [LATEST] if r.version == landing.version else []}
               for r in sorted(releases, key=lambda r: r.semver, reverse=True)]
    return json.dumps(entries, ensure_ascii=False, indent=2) + "\n"


def redirect_page(target: str) -> str:
    """A page that sends the browser to ``target`` (a relative URL), with a link as fallback."""
    from charter_kit.outputs.site_safe import CSP
    from charter_kit.templating import get_environment

    return get_environment().get_template("redirect.html").render(target=target, csp=CSP)


def build_key(release: Release, previous: Release | None, release_status: str, current: str | None,
              pending: Sequence[str] = ()) -> str:
    """What a version folder depends on, hashed: equal keys mean byte-identical folders.

    The banner of an archived or upcoming version links to ``latest/`` without naming the version
    in force, so a new version in force rebuilds only itself and the version it archives.
    """
    key = {"release": fingerprint(release), "previous": fingerprint(previous) if previous else None,
           "status": release_status, "in_force": current is not None, "charter_kit": __version__}
    if pending:
        key["pending"] = list(pending)  # its banner lists what remains
    return _sha256(canonical(key))


def fingerprint(release: Release) -> str:
    """sha256 of the release's release.yml as stored (its seal is checked before publishing), or of
    the text it would have; reading the bytes costs far less than writing the YAML again."""
    known = read_key(release)  # the same sha256, taken when the store was read
    if known is not None:
        return known
    if release.path is not None:
        try:
            return hashlib.sha256(read_regular(release.path / RELEASE_FILE)).hexdigest()
        except OSError:
            pass
    return _sha256(release.to_yaml())


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def plan(releases: Sequence[Release], on: dt.date,
         incomplete: dict[str, tuple[str, ...]] | None = None) -> list[VersionPlan]:
    """The version folders to produce, oldest first; ``incomplete`` maps a version whose adoption
    procedure is not complete to what remains."""
    incomplete = incomplete or {}
    current = in_force(releases, on, list(incomplete))
    current_version = current.version if current is not None else None
    codes = statuses(releases, on, list(incomplete))
    plans = []
    for release, previous in with_previous(releases):
        code = codes[release.version]
        pending = incomplete.get(release.version, ()) if code == "pending" else ()
        plans.append(VersionPlan(release, previous, code, current_version,
                                 build_key(release, previous, code, current_version, pending), pending))
    return plans


def incomplete_procedures(root: Path, releases: Sequence[Release], on: dt.date) -> dict[str, tuple[str, ...]]:
    """The releases whose adoption procedure is not complete on ``on``, with what remains: a missing
    formality, or the legal delay after the last one (releases made before charter-kit tracked the
    procedure are taken as they are)."""
    from charter_kit.adoption.report import pending_summary
    from charter_kit.commands.adoption import release_adoption

    out = {}
    for release in releases:
        adoption = release_adoption(root, release)
        if adoption is None:
            continue
        pending = pending_summary(adoption)
        if on < adoption.earliest:
            pending.append(f"le délai qui suit la dernière formalité (applicable au plus tôt le {fr.date(adoption.earliest)})")
        if pending:
            out[release.version] = tuple(pending)
    return out


# -- publishing -------------------------------------------------------------------------------------
def publish(root: Path, out: Path, on: dt.date, progress=None) -> PublishReport:
    """Build the multi-version site of the project at ``root`` into ``out``, all or nothing.

    ``progress`` (optional) has ``step(name)`` and ``count(done, total, name)``: the CLI shows the
    versions built so far as a bar on a terminal.
    """
    out = Path(out)
    state_file, spare = state_path(root, out), spare_path(root, out)
    state, recorded_for = read_state(state_file)
    remember_parsed(state.parsed)  # each release.yml read as text, parsed again only if it changed
    releases = load_releases(root)
    if not releases:
        raise ReleaseError(_("{folder}: no release to publish").format(folder=releases_dir(root)),
                           hint=_("freeze one first: {command}").format(command="charter release 1.0.0 --date YYYY-MM-DD"))
    parsed = parsed_data(releases)
    checked = {r.version: release_signature(r.path, [RELEASE_FILE, *r.files]) for r in releases}
    check_integrity(releases, unchanged=lambda r: checked[r.version] is not None
                    and checked[r.version] == state.releases.get(r.version))
    previous = read_manifest(out, state, recorded_for)
    incomplete = incomplete_procedures(root, releases, on)
    plans = plan(releases, on, incomplete)
    landing = landing_release(releases, on, list(incomplete))
    landing_status = statuses(releases, on, list(incomplete))[landing.version]
    top = {"versions.json": versions_json(releases, on, list(incomplete)), "index.html": redirect_page(f"{LATEST}/")}
    keys = {p.release.version: p.key for p in plans}
    found = {version: tree_signature(out / version) for version in keys}
    kept = {version: reusable(previous, version, key, out / version, found[version]) for version, key in keys.items()}
    if all(kept.values()) and unchanged(out, previous, keys, landing.version, top, found):
        if checked != state.releases or parsed != state.parsed:  # what was read again need not be next time
            write_state(state_file, previous.text.decode("utf-8"), previous.signatures, checked, parsed)
        return PublishReport(out, landing.version, landing_status, (), tuple(keys))  # nothing to write
    built, reused, moved = [], [], set()
    with atomic_dir(out, point="publish", keep=spare) as tmp:
        os.chmod(tmp, 0o755)  # a published site is served to everyone, whatever the user's umask
        for done, item in enumerate(plans):
            version = item.release.version
            if progress is not None:
                progress.count(done, len(plans), _("Publishing the versions"))
            if kept[version]:
                # The replaced output's copy of an unchanged folder is moved, not linked file by file.
                if take(spare / version, tmp / version, found[version]):
                    moved.add(version)
                else:
                    copy_tree(out / version, tmp / version)
                reused.append(version)
            else:
                build_version(item, tmp / version)
                built.append(version)
        if progress is not None:
            progress.count(len(plans), len(plans), _("Publishing the versions"))
        copy_tree(tmp / landing.version, tmp / LATEST)
        for name, text in top.items():
            (tmp / name).write_text(text, encoding="utf-8")
        # 0755/0644 whatever the umask (a web server must read every file); a moved folder already is.
        for name in [*(v for v in keys if v not in moved), LATEST]:
            make_public(tmp / name)
        # A kept folder holds the same bytes (moved, hard links or copies): its content digest carries over.
        contents = {v: previous.contents[v] if v in reused else tree_digest(tmp / v) for v in keys}
        marker = manifest_text(keys, contents, landing.version)
        (tmp / MARKER).write_text(marker, encoding="utf-8")
        for name in [*top, MARKER]:
            os.chmod(tmp / name, 0o644)
        signatures = {name: found[name] if name in moved else tree_signature(tmp / name) for name in [*keys, LATEST]}
    # The folders keep their inodes and times through the rename: what was recorded stays true.
    write_state(state_file, marker, signatures, checked, parsed)
    return PublishReport(out, landing.version, landing_status, tuple(built), tuple(reused))


def build_version(item: VersionPlan, target: Path) -> None:
    """Render one release's site from its frozen charter, with its banner, PDF and changes."""
    from charter_kit.outputs.site import VersionContext, build_site

    charter = load_charter(item.release)
    context = VersionContext(status=item.status, current=None,
                             current_url=f"../{LATEST}/" if item.current else None,
                             changes_markdown=changes_markdown(item.release, item.previous, charter),
                             pending=item.pending)
    build_site(charter, target, pdf_name=item.release.pdf_name, version=context)
    for name in item.release.files:  # every released output (the PDF annex…), as released
        if name not in (CHARTER_FILE, SEALED_FILE):  # the adoption record is evidence, not for employees
            (target / name).write_bytes(read_file(item.release, name))


def changes_markdown(release: Release, previous: Release | None, charter) -> str:
    """The "Modifications" page: what changed since the previous release, and why."""
    if previous is None:
        return FIRST_VERSION_CHANGES
    from charter_kit.diff.compare import diff
    from charter_kit.reports.markdown import to_markdown
    from charter_kit.outputs.site import ARTICLES, clause_link

    changes = diff(load_charter(previous), charter, a_meta=release_info(previous), b_meta=release_info(release))
    return to_markdown(changes, link=lambda clause_id: f"{ARTICLES}/{clause_link(clause_id)}", redline=True)
