"""Verifying the release store: seals, canonical JSON, digests, every released file, the version chain.

Reads only; every problem names the file at fault.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from charter_kit.errors import ReleaseError
from charter_kit.model.charter import Charter
from charter_kit.model.release import CHARTER_FILE, RELEASE_FILE, Release, one_line, sha256
from charter_kit.model.semver import Version
from charter_kit.store.releases import load_release, module_versions, release_folders, releases_dir, with_previous

_SEAL_RE = re.compile(rb"\nseal: ([0-9a-f]{64})\n\Z")
#: A digest as printed in a PDF: 64 hexadecimal digits standing alone.
_HEX64_RE = re.compile(r"(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])")


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
    problems += _check_files(release, read_pdf)
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
    if sha256(text[: m.start() + 1]) != m.group(1).decode("ascii"):
        return [f"{path}: the file was changed after release (its seal does not match){crlf}"]
    return []


def _check_charter(release: Release, deep: bool = True) -> list[str]:
    path = release.path / CHARTER_FILE
    try:
        blob = path.read_bytes()
    except OSError as exc:
        return [f"{path}: cannot read the file ({exc.strerror})"]
    problems = []
    digest = sha256(blob)
    if digest != release.digest:
        problems.append(f"{path}: digest {digest[:12]}… does not match release.yml ({release.digest[:12]}…)")
    if digest != release.files.get(CHARTER_FILE):
        problems.append(f"{path}: sha256 does not match the one in release.yml")
    if not deep:
        return problems
    try:
        charter = Charter.from_json(blob)
    except (ValueError, UnicodeDecodeError) as exc:
        return problems + [f"{path}: not a valid charter ({one_line(exc)})"]
    if charter.to_json().encode("utf-8") != blob:
        problems.append(f"{path}: not in canonical form (it was rewritten after release)")
    stamp = (charter.version, charter.date, charter.effective_date)
    if stamp != (release.version, release.date, release.effective_date):
        problems.append(f"{path}: version and dates {stamp} do not match release.yml")
    if module_versions(charter) != release.modules:
        problems.append(f"{path}: module versions do not match release.yml")
    return problems


def _check_files(release: Release, read_pdf: bool) -> list[str]:
    problems = []
    for name, expected in release.files.items():
        if name == CHARTER_FILE:
            continue
        path = release.path / name
        try:
            data = path.read_bytes()
        except OSError as exc:
            problems.append(f"{path}: cannot read the file ({exc.strerror})")
            continue
        if sha256(data) != expected:
            problems.append(f"{path}: sha256 does not match the one in release.yml")
        if read_pdf and name == release.pdf_name:
            printed = pdf_digests(data)
            if not printed:
                problems.append(f"{path}: no digest could be read in the PDF")
            elif release.digest not in printed:
                problems.append(f"{path}: the digest printed in the PDF ({sorted(printed)[0][:12]}…) "
                                f"does not match release.yml ({release.digest[:12]}…)")
    return problems


def pdf_digests(data: bytes) -> set[str]:
    """The digests printed in a PDF (64-hex words), those of the cover page first."""
    import pypdf

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # a damaged PDF is reported by us, once
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        pages = list(reader.pages)
        for chunk in (pages[:1], pages[1:]):
            found = set(_HEX64_RE.findall("\n".join(page.extract_text() or "" for page in chunk)))
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
