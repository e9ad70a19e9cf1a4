"""The release store: freeze a Charter under a version, list, load and verify releases.

This module is the only writer of ``releases/``. A release is a folder ``releases/<version>/``
holding ``charter.json`` (exactly ``Charter.to_json()``), the PDF annex as released and
``release.yml``, whose last line seals every byte above it. A release is written into a hidden
temporary folder (its name starts with ".") and renamed into place, so a reader sees a whole
release or none; it is never overwritten or edited.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from charter_kit import __version__
from charter_kit.model.charter import Charter
from charter_kit.errors import ReleaseError
from charter_kit.model.semver import Version

RELEASES_DIR = "releases"
CHARTER_FILE = "charter.json"
RELEASE_FILE = "release.yml"
KINDS = ("substantive", "editorial")
UPCOMING, IN_FORCE, ARCHIVED = "à venir", "en vigueur", "archivée"
_HEADER = ("# Version figée de la charte, écrite par `charter release`.\n"
           "# Ne pas modifier : `charter verify` contrôle chaque octet de ce dossier.\n")
_SEAL_RE = re.compile(rb"\nseal: ([0-9a-f]{64})\n\Z")
_PDF_DIGEST_RE = re.compile(r"Empreinte\s*:\s*((?:[0-9a-f]\s*){64})")
_HEX64_RE = re.compile(r"(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])")
_FIELDS = ("version", "date", "effective_date", "previous_version", "kind", "digest", "approvals",
           "notes", "modules", "charter_kit", "files")


# -- the model --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Release:
    """One frozen release, as its release.yml describes it."""

    version: str
    date: str
    effective_date: str
    digest: str
    previous_version: str | None
    kind: str
    approvals: tuple[str, ...] = ()
    notes: str | None = None
    modules: dict[str, str] = field(default_factory=dict)
    charter_kit: str = __version__
    files: dict[str, str] = field(default_factory=dict)
    path: Path | None = field(default=None, compare=False)

    @property
    def semver(self) -> Version:
        """The version, parsed for ordering."""
        return Version.parse(self.version)

    @property
    def pdf_name(self) -> str:
        """The file name of the released PDF annex."""
        return next(name for name in self.files if name != CHARTER_FILE)

    def effective(self) -> dt.date:
        """The date from which this version applies."""
        return dt.date.fromisoformat(self.effective_date)

    def load_charter(self) -> Charter:
        """The frozen Charter, rebuilt from charter.json."""
        path = self._file(CHARTER_FILE)
        try:
            return Charter.from_json(path.read_bytes())
        except OSError as exc:
            raise ReleaseError(f"{path}: cannot read the file ({exc.strerror})") from None
        except ValueError as exc:
            raise ReleaseError(f"{path}: not a valid charter ({exc})",
                               hint="run 'charter verify' to check every release") from None

    def pdf_bytes(self) -> bytes:
        """The PDF annex exactly as released."""
        return self._file(self.pdf_name).read_bytes()

    def info(self):
        """What the diff needs to know of this release (version, date, approvals, notes)."""
        from charter_kit.diff.compare import ReleaseInfo

        return ReleaseInfo(self.version, self.date, approvals=self.approvals, notes=self.notes)

    def _file(self, name: str) -> Path:
        if self.path is None:
            raise ReleaseError(f"release {self.version} has not been written yet")
        return self.path / name

    def to_yaml(self) -> str:
        """The text of release.yml: a commented header, the fields in a fixed order, the seal."""
        data = {name: getattr(self, name) for name in _FIELDS}
        data["approvals"] = list(self.approvals)
        body = _HEADER + yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
        return body + f"seal: {_sha256(body.encode('utf-8'))}\n"


class _Dumper(yaml.SafeDumper):
    """Writes multi-line text (notes) as readable literal blocks."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def release_from_yaml(text: str, path: Path) -> Release:
    """Parse release.yml; any missing, unknown or mistyped field is an error naming the file."""
    display = path / RELEASE_FILE
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ReleaseError(f"{display}: invalid YAML ({_one_line(exc)})") from None
    if not isinstance(data, dict):
        raise ReleaseError(f"{display}: expected a mapping of release fields")
    data.pop("seal", None)
    unknown = sorted(set(data) - set(_FIELDS))
    missing = [name for name in _FIELDS if name not in data]
    problems = [f"unknown fields: {', '.join(map(str, unknown))}"] if unknown else []
    problems += [f"missing fields: {', '.join(missing)}"] if missing else []
    if problems:
        raise ReleaseError(f"{display}: " + "; ".join(problems))
    _check_types(data, display)
    return Release(**{**data, "approvals": tuple(data["approvals"]), "path": path})


def _check_types(data: dict[str, Any], display: Path) -> None:
    def bad(name: str, expected: str) -> ReleaseError:
        return ReleaseError(f"{display}: {name}: expected {expected}, got {data[name]!r}")

    for name in ("version", "date", "effective_date", "kind", "digest", "charter_kit"):
        if not isinstance(data[name], str):
            raise bad(name, "text")
    for name in ("date", "effective_date"):
        if _parse_date(data[name]) is None:
            raise bad(name, "a date YYYY-MM-DD")
    for name in ("previous_version", "notes"):
        if data[name] is not None and not isinstance(data[name], str):
            raise bad(name, "text or null")
    if not isinstance(data["approvals"], list) or not all(isinstance(a, str) for a in data["approvals"]):
        raise bad("approvals", "a list of texts")
    for name in ("modules", "files"):
        value = data[name]
        if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                  for k, v in value.items()):
            raise bad(name, "a mapping of texts")
    if CHARTER_FILE not in data["files"] or len(data["files"]) != 2:
        raise bad("files", f"{CHARTER_FILE} and the PDF with their sha256")


# -- dates and statuses (pure) ----------------------------------------------------------------------
def parse_date(text: str, what: str) -> str:
    """Check an ISO date given by the user and return it; a ReleaseError names ``what``."""
    if _parse_date(text) is None:
        raise ReleaseError(f"{what}: '{text}' is not a date (expected YYYY-MM-DD, e.g. 2026-03-01)")
    return str(text)


def _parse_date(text: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if isinstance(text, str) and len(text) == 10 else None
    except ValueError:
        return None


def in_force(releases: Sequence[Release], on: dt.date) -> Release | None:
    """The newest release whose effective date has come on ``on``, or None."""
    applicable = [r for r in releases if r.effective() <= on]
    return max(applicable, key=lambda r: r.semver) if applicable else None


def status(release: Release, releases: Sequence[Release], on: dt.date) -> str:
    """"à venir", "en vigueur" or "archivée" on the date ``on``."""
    if release.effective() > on:
        return UPCOMING
    current = in_force(releases, on)
    return IN_FORCE if current is not None and current.version == release.version else ARCHIVED


def release_table(releases: Sequence[Release], on: dt.date) -> str:
    """What `charter releases` prints: one row per version, oldest first."""
    rows = [("version", "date", "effective", "status", "digest", "kind")]
    rows += [(r.version, r.date, r.effective_date, status(r, releases, on), r.digest[:12], r.kind)
             for r in releases]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


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
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReleaseError(f"{path}: missing; {folder} is not a release",
                           hint="a release folder holds charter.json, release.yml and the PDF") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ReleaseError(f"{path}: cannot read the file ({_one_line(exc)})") from None
    release = release_from_yaml(text, folder)
    if release.version != folder.name:
        raise ReleaseError(f"{path}: version {release.version} does not match its folder '{folder.name}'")
    try:
        release.semver
    except ValueError as exc:
        raise ReleaseError(f"{path}: {exc}") from None
    return release


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
    known = ", ".join(r.version for r in releases) or "none yet"
    raise ReleaseError(f"no release {version} (releases: {known})")


# -- creating a release -----------------------------------------------------------------------------
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
    from charter_kit.compose.profile import load_profile
    from charter_kit.compose.pipeline import project_from

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
    before = previous.load_charter() if previous else None
    if before is not None and not request.allow_empty and same_text(before, charter):
        raise ReleaseError(f"nothing changed since release {previous.version}; nothing was written",
                           hint="change the profile first, or pass --allow-empty to release it anyway")
    kind = request.kind or suggest_kind(before, charter)
    release = write_release(root, charter, request, kind=kind, previous=previous)
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
    from charter_kit.diff.compare import diff

    changes = diff(before, after)
    return "editorial" if changes.is_empty else changes.kind


def module_versions(charter: Charter) -> dict[str, str]:
    """Each module's version in a charter, in reading order."""
    return {article.id: article.module_version for article in charter.articles}


def write_release(root: Path, charter: Charter, request: ReleaseRequest, *, kind: str,
                  previous: Release | None) -> Release:
    """Write charter.json, the PDF and release.yml into ``releases/<version>/``, all or nothing."""
    from charter_kit.outputs.pdf import pdf_filename, render_pdf

    if kind not in KINDS:
        raise ReleaseError(f"kind '{kind}' is not one of {', '.join(KINDS)}")
    blob = charter.to_json().encode("utf-8")
    digest = _sha256(blob)
    pdf = render_pdf(charter)
    pdf_name = pdf_filename(charter)
    release = Release(
        version=request.version, date=request.date, effective_date=charter.effective_date or request.date,
        digest=digest, previous_version=previous.version if previous else None, kind=kind,
        approvals=tuple(request.approvals), notes=request.notes, modules=module_versions(charter),
        charter_kit=__version__, files={CHARTER_FILE: digest, pdf_name: _sha256(pdf)},
    )
    target = releases_dir(root) / request.version
    _write_folder(target, {CHARTER_FILE: blob, pdf_name: pdf, RELEASE_FILE: release.to_yaml().encode("utf-8")})
    return load_release(target)


def _write_folder(target: Path, files: dict[str, bytes]) -> None:
    """Write ``files`` into a hidden sibling folder, then rename it to ``target`` (never replacing)."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    except OSError as exc:
        raise ReleaseError(f"{target.parent}: cannot write the release ({exc.strerror})") from None
    try:
        for name, data in files.items():
            with open(tmp / name, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        os.chmod(tmp, 0o755)  # mkdtemp makes it private; a release is meant to be shared
        if target.exists():
            raise ReleaseError(f"{target}: appeared while writing; a release is never overwritten")
        os.rename(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


# -- verifying --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Verification:
    """The outcome of checking one release folder: its digest and every problem found."""

    version: str
    digest: str | None
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """True when every check held."""
        return not self.problems


def verify_releases(root: Path, *, read_pdf: bool = True) -> list[Verification]:
    """Check every release of the project: seal, canonical JSON, digests, PDF, version chain.

    ``read_pdf`` also reads the digest printed in each PDF (slower: it extracts the PDF's text).
    """
    results: list[Verification] = []
    loaded: list[Release] = []
    for folder in release_folders(releases_dir(root)):
        try:
            loaded.append(load_release(folder))
        except ReleaseError as exc:
            results.append(Verification(folder.name, None, (exc.message,)))
    for release, previous in with_previous(loaded):
        problems = check_release(release, previous.version if previous else None, read_pdf=read_pdf)
        results.append(Verification(release.version, release.digest, tuple(problems)))
    return sorted(results, key=_verification_order)


def _verification_order(v: Verification) -> tuple:
    try:
        return (0, Version.parse(v.version), v.version)
    except ValueError:
        return (1, Version(0, 0, 0), v.version)


def verification_report(results: Sequence[Verification]) -> str:
    """What `charter verify` prints: one line per release, its problems, then a summary."""
    if not results:
        return "no release to verify"
    lines = []
    for result in results:
        digest = result.digest[:12] if result.digest else "-"
        lines.append(f"{result.version}  {'OK' if result.ok else 'FAILED'}  {digest}")
        lines += [f"  - {problem}" for problem in result.problems]
    good = sum(r.ok for r in results)
    lines.append(f"{good} of {len(results)} release{'s' if len(results) > 1 else ''} verified")
    return "\n".join(lines)


def check_release(release: Release, expected_previous: str | None, *, read_pdf: bool = True,
                  deep: bool = True) -> list[str]:
    """Every problem of one release folder, each naming the file at fault.

    ``deep`` also parses charter.json (canonical form, stamp, module versions); without it only
    the seal and the sha256 of each file are checked, which already proves the bytes are the
    released ones.
    """
    folder = release.path
    problems = _check_seal(folder / RELEASE_FILE)
    if release.previous_version != expected_previous:
        problems.append(f"{folder / RELEASE_FILE}: {_chain_problem(release.previous_version, expected_previous)}")
    problems += _check_charter(release, deep)
    problems += _check_pdf(release, read_pdf)
    return problems


def _chain_problem(named: str | None, expected: str | None) -> str:
    if named is None:
        return f"names no previous version, but release {expected} comes before it"
    if expected is None:
        return f"names {named} as previous version, but there is no release before it (was it removed?)"
    return f"names {named} as previous version, but the release before it is {expected}"


def _check_seal(path: Path) -> list[str]:
    text = path.read_bytes()
    # Git's core.autocrlf rewrites line endings on checkout: say so, it is the likely culprit.
    crlf = " (its line endings are now CRLF: check git's core.autocrlf)" if b"\r\n" in text else ""
    m = _SEAL_RE.search(text)
    if not m:
        return [f"{path}: the seal line is missing or damaged{crlf}"]
    if _sha256(text[: m.start() + 1]) != m.group(1).decode("ascii"):
        return [f"{path}: the file was changed after release (its seal does not match){crlf}"]
    return []


def _check_charter(release: Release, deep: bool = True) -> list[str]:
    path = release.path / CHARTER_FILE
    try:
        blob = path.read_bytes()
    except OSError as exc:
        return [f"{path}: cannot read the file ({exc.strerror})"]
    problems = []
    digest = _sha256(blob)
    if digest != release.digest:
        problems.append(f"{path}: digest {digest[:12]}… does not match release.yml ({release.digest[:12]}…)")
    if digest != release.files.get(CHARTER_FILE):
        problems.append(f"{path}: sha256 does not match the one in release.yml")
    if not deep:
        return problems
    try:
        charter = Charter.from_json(blob)
    except (ValueError, UnicodeDecodeError) as exc:
        return problems + [f"{path}: not a valid charter ({_one_line(exc)})"]
    if charter.to_json().encode("utf-8") != blob:
        problems.append(f"{path}: not in canonical form (it was rewritten after release)")
    stamp = (charter.version, charter.date, charter.effective_date)
    if stamp != (release.version, release.date, release.effective_date):
        problems.append(f"{path}: version and dates {stamp} do not match release.yml")
    if module_versions(charter) != release.modules:
        problems.append(f"{path}: module versions do not match release.yml")
    return problems


def _check_pdf(release: Release, read_pdf: bool) -> list[str]:
    name = release.pdf_name
    path = release.path / name
    try:
        data = path.read_bytes()
    except OSError as exc:
        return [f"{path}: cannot read the file ({exc.strerror})"]
    problems = []
    if _sha256(data) != release.files[name]:
        problems.append(f"{path}: sha256 does not match the one in release.yml")
    if read_pdf:
        printed = pdf_digests(data)
        if not printed:
            problems.append(f"{path}: no digest (Empreinte) could be read in the PDF")
        elif release.digest not in printed:
            problems.append(f"{path}: the digest printed in the PDF ({sorted(printed)[0][:12]}…) "
                            f"does not match release.yml ({release.digest[:12]}…)")
    return problems


def pdf_digests(data: bytes) -> set[str]:
    """The digests printed in a PDF (after "Empreinte :", else any 64-hex word), cover first."""
    import io
    import logging

    import pypdf

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # a damaged PDF is reported by us, once
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        pages = list(reader.pages)
        for chunk in (pages[:1], pages[1:]):
            text = "\n".join(page.extract_text() or "" for page in chunk)
            found = {re.sub(r"\s+", "", m) for m in _PDF_DIGEST_RE.findall(text)}
            found = found or set(_HEX64_RE.findall(text))
            if found:
                return found
    except Exception:  # pypdf raises many kinds of errors on a damaged file: all mean "unreadable"
        return set()
    return set()


def check_integrity(releases: Iterable[Release]) -> None:
    """Refuse to use releases whose files do not match their release.yml (no PDF text reading)."""
    problems = []
    for release, previous in with_previous(releases):
        problems += check_release(release, previous.version if previous else None, read_pdf=False, deep=False)
    if problems:
        raise ReleaseError("the release store is damaged:\n" + "\n".join(f"  - {p}" for p in problems),
                           hint="run 'charter verify' for details; restore the release from version control")


# -- helpers ----------------------------------------------------------------------------------------
def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())

