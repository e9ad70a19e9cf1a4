"""What `charter verify` checks beyond each release's own files: the store as a whole.

Digests and seals prove that the files a release.yml lists are the released ones; they say nothing
about what else lies in the folder, what was removed, or what a link points to. This module reports
everything verify cannot vouch for:

- in a release folder: a file or folder release.yml does not list, a symbolic link (and where it
  points), anything that is not a regular file; a release folder that is itself a link;
- in the store: a file, a link or a dangling link named like a version, a hidden entry (a release
  renamed to ``.1.2.0``), a writer's temporary folder left by a killed release (a note);
- against the release log (store/release_log.py), kept outside the store: a version it lists whose
  folder is gone, a release.yml that differs from the one recorded when it was released, a folder
  it never recorded, a store that is missing or is a file while the log lists releases, and the
  log's own chain and signature.

Reads only, never follows a link, never opens a FIFO or a device.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from charter_kit.errors import ReleaseError
from charter_kit.fsutil import read_regular, running, temporary_owner
from charter_kit.i18n import _
from charter_kit.model.release import RELEASE_FILE, Release, seal_holds, sha256
from charter_kit.model.semver import Version
from charter_kit.store.release_log import LOG_FILE, LOG_SIGNATURE, chain_problems, log_file, log_text, read_log
from charter_kit.store.releases import SIGNATURE_FILE, releases_dir

#: Hidden files tools put in any folder; harmless in the store.
HARMLESS = {".gitkeep", ".gitignore", ".gitattributes", ".DS_Store"}


@dataclass
class StoreReport:
    """Problems by version (a release folder, or a version the log lists), problems of the store
    itself, and notes (what was accepted, and why)."""

    by_version: dict[str, list[str]] = field(default_factory=dict)
    store: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, version: str, problem: str) -> None:
        """Record a problem of one version."""
        self.by_version.setdefault(version, []).append(problem)


def check_store(root: Path, loaded: list[Release], setup=None) -> StoreReport:
    """Everything about the store of the project at ``root`` that the release files cannot prove.

    ``loaded`` are the releases whose release.yml could be read; ``setup`` is verify's trust setup
    (store/verify_signatures.py), to check the log's signature."""
    report = StoreReport()
    store = releases_dir(root)
    if store.is_symlink():
        report.notes.append(_("{store} is a symbolic link to {target}: verify checks what it points to").format(
            store=store, target=os.readlink(store)))
    if os.path.lexists(store) and not store.is_dir():
        report.store.append(_("{store}: not a folder; the release store is the folder releases/").format(store=store))
    elif store.is_dir():
        _store_entries(store, report)
    for release in loaded:
        for problem in folder_problems(release.path, release):
            report.add(release.version, problem)
    _against_log(root, store, loaded, report, setup)
    return report


def _kind(path: Path) -> str:
    """What a path is, in words, without following a link."""
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode):
        target = os.readlink(path)
        exists = os.path.exists(path)
        return (_("a symbolic link to {target}").format(target=target) if exists
                else _("a dangling symbolic link (to {target})").format(target=target))
    if stat.S_ISDIR(info.st_mode):
        return _("a folder")
    if stat.S_ISREG(info.st_mode):
        return _("a file")
    return _("neither a file nor a folder (a pipe or a device)")


def _version_like(name: str) -> bool:
    try:
        Version.parse(name)
    except ValueError:
        return False
    return True


def _store_entries(store: Path, report: StoreReport) -> None:
    for entry in sorted(store.iterdir(), key=lambda p: p.name):
        name = entry.name
        if name.startswith("."):
            if name in HARMLESS:
                continue
            owner = temporary_owner(name)
            if owner is not None and running(owner):
                continue  # a release being written right now
            if owner is not None:
                report.notes.append(_("{entry}: left by a `charter release` that was interrupted; the next release "
                                      "removes it").format(entry=entry))
                continue
            hidden = name.lstrip(".")
            problem = _("{entry}: a hidden entry in the release store ({kind}); a release is never hidden "
                        "(was one renamed?)").format(entry=entry, kind=_kind(entry))
            report.add(hidden, problem) if _version_like(hidden) else report.store.append(problem)
            continue
        if entry.is_dir() and not entry.is_symlink():
            continue  # a release folder: checked with its release
        problem = _("{entry}: {kind}, not a release folder").format(entry=entry, kind=_kind(entry))
        report.add(name, problem) if _version_like(name) else report.store.append(problem)


def folder_problems(folder: Path, release: Release | None) -> list[str]:
    """What a release folder holds that its release.yml does not vouch for."""
    if folder.is_symlink():
        return [_("{folder}: {kind}; a release is a folder, never a link (its files could change with "
                  "what it points to)").format(folder=folder, kind=_kind(folder))]
    expected = {RELEASE_FILE, SIGNATURE_FILE, *(release.files if release else ())}
    problems = []
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        kind = _kind(entry)
        if entry.is_symlink():
            where = os.path.realpath(entry)
            outside = not Path(where).is_relative_to(os.path.realpath(folder))
            problems.append(_("{entry}: {kind}{outside}; a release holds its own files, never links").format(
                entry=entry, kind=kind, outside=_(", outside the release folder") if outside else ""))
        elif not entry.is_file() and not entry.is_dir():
            problems.append(_("{entry}: {kind}").format(entry=entry, kind=kind))
        elif entry.name not in expected or entry.is_dir():
            problems.append(_("{entry}: {kind} that release.yml does not list (added after the release?)").format(
                entry=entry, kind=kind))
    return problems


def _against_log(root: Path, store: Path, loaded: list[Release], report: StoreReport, setup) -> None:
    try:
        entries = read_log(root)
    except ReleaseError as exc:
        report.store.append(exc.message)
        return
    if entries is None:
        if loaded:
            report.notes.append(_("no {log} yet (releases made before charter-kit kept one): a release removed or "
                                  "hidden cannot be detected; the next `charter release` starts it").format(log=LOG_FILE))
        return
    report.store += chain_problems(entries)
    if entries and not store.is_dir():
        report.store.append(_("{store}: missing, but {log} lists {n} release(s): {versions}").format(
            store=store, log=LOG_FILE, n=len(entries), versions=", ".join(e["version"] for e in entries)))
    by_version = {r.version: r for r in loaded}
    for entry in entries:
        version = entry["version"]
        release = by_version.get(version)
        if release is None:
            if not os.path.lexists(store / version):
                report.add(version, _("{folder}: release {version} is in {log}, but its folder is missing "
                                      "(deleted, renamed or hidden)").format(folder=store / version, version=version,
                                                                            log=LOG_FILE))
            continue
        try:
            blob = read_regular(release.path / RELEASE_FILE)
        except OSError:
            continue  # reported with the release
        # A broken seal already says release.yml changed; the log tells what a recomputed seal hides.
        if sha256(blob) != entry["release"] and seal_holds(blob):
            report.add(version, _("{file}: not the release.yml recorded in {log} when {version} was released: it "
                                  "was rewritten after release (approvals, notes, kind…)").format(
                file=release.path / RELEASE_FILE, log=LOG_FILE, version=version))
    logged = [e["version"] for e in entries]
    for release in sorted(loaded, key=lambda r: r.semver):
        if release.version in logged:
            continue
        newest = release is max(loaded, key=lambda r: r.semver)
        if newest and logged and release.previous_version == logged[-1]:
            report.notes.append(_("{version} is not in {log} yet (a release interrupted before its last step); "
                                  "the next `charter release` records it").format(version=release.version, log=LOG_FILE))
        else:
            report.add(release.version, _("{folder}: not in {log}: no `charter release` recorded this version "
                                          "(added by hand?)").format(folder=release.path, log=LOG_FILE))
    _log_signature(root, loaded, report, setup, entries)


def _log_signature(root: Path, loaded: list[Release], report: StoreReport, setup, entries: list) -> None:
    """The log's detached signature, checked like release.yml's, when the project signs its releases."""
    p7s = log_file(root).with_name(LOG_SIGNATURE)
    signed = {r.version for r in loaded if (r.path / SIGNATURE_FILE).is_file()}
    if not p7s.exists():
        if signed and entries and signed == {entries[-1]["version"]}:
            report.notes.append(_("{log} is not signed yet: the first signed release ({version}) was interrupted "
                                  "before it signed the log; the next release signs it").format(
                log=LOG_FILE, version=entries[-1]["version"]))
        elif signed:
            report.store.append(_("{log}: not signed, although the releases are ({sig} is missing)").format(
                log=LOG_FILE, sig=LOG_SIGNATURE))
        return
    if setup is None or not setup.anchors:
        if setup is not None and setup.problem:
            report.store.append(f"{LOG_SIGNATURE}: {setup.problem}")
        return
    from charter_kit.store.signatures import check_file

    signature = read_regular(p7s)
    check = check_file(read_regular(log_file(root)), signature, LOG_FILE, setup.anchors, setup.tsa_roots)
    if check.problems and entries:
        # The log is written, then signed: a release killed between the two leaves a signature of the
        # log as it was before its last entry, whose release is signed on its own. The next release signs it.
        before = check_file(log_text(entries[:-1]).encode("utf-8"), signature, LOG_FILE, setup.anchors,
                            setup.tsa_roots)
        if not before.problems:
            report.notes.append(_("{sig} signs {log} as it was before its last entry ({version}): a release "
                                  "interrupted before it signed the log; the next release signs it").format(
                sig=LOG_SIGNATURE, log=LOG_FILE, version=entries[-1]["version"]))
            return
    report.store += [f"{LOG_SIGNATURE}: {p}" for p in check.problems]
