"""The release store on disk: the only writer of ``releases/``.

A release is a folder ``releases/<version>/`` holding ``charter.json`` (exactly ``Charter.to_json()``),
its output files (the PDF annex…) and ``release.yml``, whose last line seals every byte above it.
A release is written into a hidden temporary folder and renamed into place, so a reader sees a whole
release or none; it is never overwritten or edited. The store is handed bytes: it renders nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from charter_kit import __version__
from charter_kit.errors import ReleaseError
from charter_kit.i18n import _, show_date
from charter_kit.fsutil import new_dir, read_regular
from charter_kit.locales import fr
from charter_kit.model.charter import Charter
from charter_kit.model.release import (CHARTER_FILE, RELEASE_FILE, Approval, Release, one_line,
                                       parse_release_yaml, release_from_data, sha256, status)
from charter_kit.model.vocabulary import RELEASE_KINDS

if TYPE_CHECKING:
    from charter_kit.diff.compare import ReleaseInfo

RELEASES_DIR = "releases"
#: The detached signature of release.yml (store/signatures.py), beside it; release.yml cannot list it.
SIGNATURE_FILE = RELEASE_FILE + ".p7s"


# -- reading the store ------------------------------------------------------------------------------
def releases_dir(root: Path) -> Path:
    """The release store of the charter project whose folder is ``root``."""
    return Path(root) / RELEASES_DIR


def release_folders(store: Path) -> list[Path]:
    """Every finished release folder; hidden ones (a release being written) are skipped."""
    if not store.is_dir():
        return []
    return sorted((p for p in store.iterdir() if p.is_dir() and not p.name.startswith(".")),
                  key=lambda p: p.name)


def load_release(folder: Path) -> Release:
    """Read one release folder's release.yml; the folder name must be its version."""
    path = folder / RELEASE_FILE
    try:
        text = read_regular(path, 16_000_000).decode("utf-8")  # never a FIFO, a device or a link
    except FileNotFoundError:
        raise ReleaseError(_("{file}: missing; {folder} is not a release").format(file=path, folder=folder),
                           hint=_("a release folder holds charter.json, release.yml and the PDF")) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ReleaseError(_("{file}: cannot read the file ({reason})").format(file=path, reason=one_line(exc))) from None
    release = _release(text, folder)
    if release.version != folder.name:
        raise ReleaseError(_("{file}: version {version} does not match its folder '{folder}'").format(
            file=path, version=release.version, folder=folder.name))
    try:
        release.semver
    except ValueError as exc:
        raise ReleaseError(_("{file}: {problem}").format(file=path, problem=exc)) from None
    return release


#: What YAML made of each release.yml text read so far, by the text's sha256: a preview or a server
#: publishes again and again, and a new `charter publish` is handed what the last one parsed
#: (``remember_parsed``). The text is read every time and its fields are checked every time; only
#: the parsing of a text already parsed is skipped.
_PARSED: dict[str, Any] = {}
_PARSED_ENTRIES = 4096
_KEYS: dict[str, str] = {}  # release folder -> the key of the text last read there


def _release(text: str, folder: Path) -> Release:
    """The release a release.yml text describes, its parsing skipped when the same text was parsed before."""
    key = _KEYS[str(folder)] = text_key(text)
    if key in _PARSED:
        try:
            return release_from_data(_PARSED[key], folder)
        except ReleaseError:  # kept data that no longer passes: the text itself decides
            del _PARSED[key]
    data = parse_release_yaml(text, folder)
    release = release_from_data(data, folder)
    if len(_PARSED) >= _PARSED_ENTRIES:
        _PARSED.pop(next(iter(_PARSED)))
    _PARSED[key] = data
    return release


def text_key(text: str) -> str:
    """The key of a release.yml text among parsed ones."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def remember_parsed(entries: Mapping[str, Any]) -> None:
    """Take parsed release.yml data kept by an earlier process (``parsed_data``), by text key."""
    for key, data in list(entries.items())[:_PARSED_ENTRIES]:
        if isinstance(key, str) and isinstance(data, dict):
            _PARSED.setdefault(key, data)


def read_key(release: Release) -> str | None:
    """The key (sha256) of the release.yml text this process last read for ``release``, if any."""
    return _KEYS.get(str(release.path)) if release.path is not None else None


def parsed_data(releases: Iterable[Release]) -> dict[str, Any]:
    """The parsed data of these releases' release.yml, by text key, for a later process."""
    keys = {read_key(r) for r in releases}
    return {k: _PARSED[k] for k in sorted(k for k in keys if k in _PARSED)}


def load_releases(root: Path) -> list[Release]:
    """Every release of the project at ``root``, oldest version first."""
    releases = [load_release(folder) for folder in release_folders(releases_dir(root))]
    return sorted(releases, key=lambda r: r.semver)


def with_previous(releases: Iterable[Release]) -> list[tuple[Release, Release | None]]:
    """Releases oldest version first, each with the release before it (None for the first)."""
    ordered = sorted(releases, key=lambda r: r.semver)
    return list(zip(ordered, [None, *ordered[:-1]]))


def find_release(releases: Sequence[Release], version: str) -> Release:
    """The release with this version, or an error listing the known ones."""
    for release in releases:
        if release.version == version:
            return release
    known = ", ".join(r.version for r in releases) or _("none yet")
    raise ReleaseError(_("no release {version} (releases: {known})").format(version=version, known=known))


def load_charter(release: Release) -> Charter:
    """The frozen Charter of a release, rebuilt from its charter.json."""
    path = release_file(release, CHARTER_FILE)
    try:
        return Charter.from_json(path.read_bytes())
    except OSError as exc:
        raise ReleaseError(_("{file}: cannot read the file ({reason})").format(file=path, reason=exc.strerror)) from None
    except ValueError as exc:
        raise ReleaseError(_("{file}: not a valid charter ({error})").format(file=path, error=exc),
                           hint=_("run 'charter verify' to check every release")) from None


def read_file(release: Release, name: str) -> bytes:
    """One file of a release exactly as released (the PDF annex: ``release.pdf_name``)."""
    return release_file(release, name).read_bytes()


def release_file(release: Release, name: str) -> Path:
    """Where a file of a release read from the store is."""
    if release.path is None:
        raise ReleaseError(_("release {version} has not been written yet").format(version=release.version))
    return release.path / name


def release_info(release: Release) -> ReleaseInfo:
    """What the diff needs to know of a release (version, date, approvals, notes)."""
    from charter_kit.diff.compare import ReleaseInfo  # the diff is loaded when a diff is made

    return ReleaseInfo(release.version, release.date, approvals=tuple(a.text for a in release.approvals),
                       notes=release.notes)


def release_table(releases: Sequence[Release], on: dt.date) -> str:
    """What `charter releases` prints: one row per version, oldest first."""
    rows = [(_("version"), _("date"), _("effective"), _("status"), _("digest"), _("kind"))]
    rows += [(r.version, show_date(r.date), show_date(r.effective_date), fr.RELEASE_STATUS[status(r, releases, on)],
              r.digest[:12], _(r.kind)) for r in releases]  # "substantive", "editorial": msgids in commands/release
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)



# -- writing a release ----------------------------------------------------------------------------
def write_release(root: Path, charter: Charter, outputs: dict[str, bytes], *, kind: str,
                  previous: Release | None, approvals: Sequence[Approval | str] = (), notes: str | None = None,
                  procedure: str | None = None, forced: str | None = None,
                  sign: Callable[[bytes], bytes] | None = None, sources: dict[str, str] | None = None) -> Release:
    """Write charter.json, the outputs ({file name: bytes}) and release.yml into ``releases/<version>/``.

    ``procedure`` names the adoption procedure that applies; ``forced`` says why a refusal was overridden;
    ``sign`` makes the detached signature of release.yml, written beside it as ``release.yml.p7s``;
    ``sources`` is the sha256 of each module's text file (module hygiene reads it at the next release).
    """
    if kind not in RELEASE_KINDS:
        raise ReleaseError(_("kind '{kind}' is not one of {kinds}").format(kind=kind, kinds=", ".join(RELEASE_KINDS)))
    blob = charter.to_json().encode("utf-8")
    digest = sha256(blob)
    release = Release(
        version=charter.version, date=charter.date, effective_date=charter.effective_date or charter.date,
        digest=digest, previous_version=previous.version if previous else None, kind=kind,
        approvals=tuple(approvals), notes=notes, modules=module_versions(charter), charter_kit=__version__,
        files={CHARTER_FILE: digest, **{name: sha256(data) for name, data in outputs.items()}},
        procedure=procedure, forced=forced, sources=sources or None,
    )
    target = releases_dir(root) / release.version
    text = release.to_yaml().encode("utf-8")
    signature = {SIGNATURE_FILE: sign(text)} if sign is not None else {}
    _write_folder(target, {CHARTER_FILE: blob, **outputs, RELEASE_FILE: text, **signature})
    written = load_release(target)
    # The log outside the store says which versions exist: verify sees a release removed or rewritten.
    from charter_kit.store.release_log import append_release

    append_release(root, written, lambda: load_releases(root), sign=sign)
    return written


def module_versions(charter: Charter) -> dict[str, str]:
    """Each module's version in a charter, in reading order."""
    return {article.id: article.module_version for article in charter.articles}


def _write_folder(target: Path, files: dict[str, bytes]) -> None:
    """Write ``files`` into a hidden sibling folder, then rename it to ``target`` (never replacing)."""
    try:
        with new_dir(target, point="release") as tmp:
            for name, data in files.items():
                with open(tmp / name, "wb") as fh:
                    fh.write(data)
                    fh.flush()
                    os.fsync(fh.fileno())
    except FileExistsError:
        raise ReleaseError(_("{folder}: appeared while writing; a release is never overwritten").format(
            folder=target)) from None
    except OSError as exc:
        raise ReleaseError(_("{file}: cannot write the release ({reason})").format(
            file=exc.filename or target, reason=exc.strerror)) from None


# -- one writer at a time -------------------------------------------------------------------------
#: Beside charter.yml, not in releases/, so the store holds only releases (and nobody commits it).
LOCK_FILE = ".charter-release.lock"


@contextlib.contextmanager
def writer_lock(root: Path) -> Iterator[None]:
    """Hold the release store for one writer: a second `charter release` is refused, not interleaved.

    Without it two releases written at once would both name the same previous version and break
    the chain for good. The lock is the kernel's (flock): it dies with its holder, so a killed
    release never leaves the store locked.
    """
    import fcntl

    store = releases_dir(root)
    try:
        fd = os.open(Path(root) / LOCK_FILE, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
    except OSError as exc:
        raise ReleaseError(_("{folder}: cannot open the release store ({reason})").format(
            folder=store, reason=exc.strerror)) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ReleaseError(_("{folder}: another `charter release` is writing in this project; nothing was "
                                 "written").format(folder=store),
                               hint=_("wait until it ends, then run the command again")) from None
        yield
    finally:
        os.close(fd)


def refuse_inside_store(root: Path, path: Path, option: str) -> None:
    """Refuse an output path inside ``releases/``: only `charter release` writes there."""
    store = releases_dir(root).resolve()
    try:
        target = Path(path).resolve()
    except (OSError, RuntimeError):
        return
    if target == store or target.is_relative_to(store):
        raise ReleaseError(_("{option} {path}: inside the release store {store}; a release is never written over")
                           .format(option=option, path=path, store=store),
                           hint=_("choose a folder outside releases/"))
