"""Verifying the release store: seals, canonical JSON, digests, every released file, the version chain.

Reads only; every problem names the file at fault.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from charter_kit.errors import ReleaseError
from charter_kit.i18n import _, ngettext
from charter_kit.model.charter import Charter
from charter_kit.model.release import CHARTER_FILE, RELEASE_FILE, Release, one_line, sha256
from charter_kit.model.semver import Version
from charter_kit.store.adoption_log import verify_logs
from charter_kit.fsutil import read_regular
from charter_kit.store.releases import (RELEASES_DIR, SIGNATURE_FILE, load_release, module_versions, release_folders,
                                        releases_dir, with_previous)

_SEAL_RE = re.compile(rb"\nseal: ([0-9a-f]{64})\n\Z")
#: A digest as printed in a PDF: 64 hexadecimal digits standing alone.
_HEX64_RE = re.compile(r"(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])")


@dataclass(frozen=True)
class Verification:
    """The outcome of checking one release folder: its digest and every problem found."""

    version: str
    digest: str | None
    problems: tuple[str, ...]
    notes: tuple[str, ...] = ()
    """What the checks that held prove (signatures, timestamps), in words."""

    @property
    def ok(self) -> bool:
        """True when every check held."""
        return not self.problems


def verify_releases(root: Path, *, read_pdf: bool = True, trust: Path | None = None) -> list[Verification]:
    """Check every release of the project: seal, canonical JSON, digests, PDF, version chain, signatures.

    ``read_pdf`` also reads the digest printed in each PDF (slower: it extracts the PDF's text);
    ``trust`` is a certificate to trust besides the project's own (a copy kept outside the project).
    """
    from charter_kit.store.verify_signatures import check_signatures, trust_setup

    setup = trust_setup(root, trust)
    results: list[Verification] = []
    loaded: list[Release] = []
    for folder in release_folders(releases_dir(root)):
        try:
            loaded.append(load_release(folder))
        except ReleaseError as exc:
            results.append(Verification(folder.name, None, (exc.message,)))
    signed = False
    for release, previous in with_previous(loaded):
        problems = check_release(release, previous.version if previous else None, read_pdf=read_pdf)
        signature_problems, notes = check_signatures(release, setup, after_signed=signed)
        signed = signed or (release.path / SIGNATURE_FILE).is_file()
        results.append(Verification(release.version, release.digest, tuple(problems + signature_problems),
                                    tuple(notes)))
    logs = verify_logs(root, loaded)  # the adoption milestones appended after each release, chained to it
    results = [replace(r, problems=r.problems + tuple(logs.pop(r.version, ()))) for r in results]
    results += [Verification(version, None, tuple(problems)) for version, problems in logs.items()]
    return sorted(_with_store(root, loaded, setup, results), key=_verification_order)


def _with_store(root: Path, loaded: list[Release], setup, results: list[Verification]) -> list[Verification]:
    """``results`` with what the store as a whole shows (store/verify_store.py): extra or hidden
    entries, links, and versions the release log knows of; the store's own problems under 'releases/'."""
    from charter_kit.store.verify_store import check_store

    store = check_store(root, loaded, setup)
    results = [replace(r, problems=r.problems + tuple(store.by_version.pop(r.version, ()))) for r in results]
    results += [Verification(version, None, tuple(problems)) for version, problems in store.by_version.items()]
    if store.store:
        results.append(Verification(f"{RELEASES_DIR}/", None, tuple(store.store), tuple(store.notes)))
    elif store.notes and results:
        newest = max(results, key=_verification_order)
        results = [replace(r, notes=r.notes + tuple(store.notes)) if r is newest else r for r in results]
    return results


def _verification_order(v: Verification) -> tuple:
    try:
        return (0, Version.parse(v.version), v.version)
    except ValueError:
        return (1, Version(0, 0, 0), v.version)


def verification_report(results: Sequence[Verification]) -> str:
    """What `charter verify` prints: one line per release, its problems, then a summary."""
    if not results:
        return _("no release to verify")
    lines = []
    for result in results:
        digest = result.digest[:12] if result.digest else "-"
        lines.append(f"{result.version}  {_('OK') if result.ok else _('FAILED')}  {digest}")
        lines += [f"  - {problem}" for problem in result.problems]
        lines += [f"  · {note}" for note in result.notes]
    good = sum(r.ok for r in results)
    lines.append(ngettext("{good} of {count} release verified", "{good} of {count} releases verified",
                          len(results)).format(good=good, count=len(results)))
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
        problems.append(_("{file}: {problem}").format(file=folder / RELEASE_FILE,
                                                      problem=_chain_problem(release.previous_version, expected_previous)))
    problems += _check_charter(release, deep)
    problems += _check_files(release, read_pdf)
    return problems


def _chain_problem(named: str | None, expected: str | None) -> str:
    if named is None:
        return _("names no previous version, but release {expected} comes before it").format(expected=expected)
    if expected is None:
        return _("names {named} as previous version, but there is no release before it (was it removed?)").format(
            named=named)
    return _("names {named} as previous version, but the release before it is {expected}").format(
        named=named, expected=expected)


def _check_seal(path: Path) -> list[str]:
    try:
        text = read_regular(path)
    except OSError as exc:
        return [_("{file}: cannot read the file ({reason})").format(file=path, reason=exc.strerror)]
    # Git's core.autocrlf rewrites line endings on checkout: say so, it is the likely culprit.
    crlf = " " + _("(its line endings are now CRLF: check git's core.autocrlf)") if b"\r\n" in text else ""
    m = _SEAL_RE.search(text)
    if not m:
        return [_("{file}: the seal line is missing or damaged").format(file=path) + crlf]
    if sha256(text[: m.start() + 1]) != m.group(1).decode("ascii"):
        return [_("{file}: the file was changed after release (its seal does not match)").format(file=path) + crlf]
    return []


def _check_charter(release: Release, deep: bool = True) -> list[str]:
    path = release.path / CHARTER_FILE
    try:
        blob = read_regular(path)  # never through a link, never from a FIFO
    except OSError as exc:
        return [_("{file}: cannot read the file ({reason})").format(file=path, reason=exc.strerror)]
    problems = []
    digest = sha256(blob)
    if digest != release.digest:
        problems.append(_("{file}: digest {digest}… does not match release.yml ({expected}…)").format(
            file=path, digest=digest[:12], expected=release.digest[:12]))
    if digest != release.files.get(CHARTER_FILE):
        problems.append(_("{file}: sha256 does not match the one in release.yml").format(file=path))
    if not deep:
        return problems
    try:
        charter = Charter.from_json(blob)
    except (ValueError, UnicodeDecodeError) as exc:
        return problems + [_("{file}: not a valid charter ({error})").format(file=path, error=one_line(exc))]
    if charter.to_json().encode("utf-8") != blob:
        problems.append(_("{file}: not in canonical form (it was rewritten after release)").format(file=path))
    stamp = (charter.version, charter.date, charter.effective_date)
    if stamp != (release.version, release.date, release.effective_date):
        problems.append(_("{file}: version and dates {stamp} do not match release.yml").format(file=path, stamp=stamp))
    if module_versions(charter) != release.modules:
        problems.append(_("{file}: module versions do not match release.yml").format(file=path))
    return problems


def _check_files(release: Release, read_pdf: bool) -> list[str]:
    problems = []
    for name, expected in release.files.items():
        if name == CHARTER_FILE:
            continue
        path = release.path / name
        try:
            data = read_regular(path)
        except OSError as exc:
            problems.append(_("{file}: cannot read the file ({reason})").format(file=path, reason=exc.strerror))
            continue
        if sha256(data) != expected:
            problems.append(_("{file}: sha256 does not match the one in release.yml").format(file=path))
        if read_pdf and name == release.pdf_name:
            printed = pdf_digests(data)
            if not printed:
                problems.append(_("{file}: no digest could be read in the PDF").format(file=path))
            elif release.digest not in printed:
                problems.append(_("{file}: the digest printed in the PDF ({digest}…) does not match release.yml "
                                  "({expected}…)").format(file=path, digest=sorted(printed)[0][:12],
                                                          expected=release.digest[:12]))
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


def check_integrity(releases: Iterable[Release], *, unchanged: Callable[[Release], bool] | None = None) -> None:
    """Refuse to use releases whose files do not match their release.yml (no PDF text reading).

    ``unchanged(release)`` says the release's files are, to the file system, the very ones checked
    last time (publish keeps their sizes, times and inodes): its chain is checked, its bytes are
    not read again."""
    problems = []
    for release, previous in with_previous(releases):
        expected = previous.version if previous else None
        if unchanged is not None and release.previous_version == expected and unchanged(release):
            continue
        problems += check_release(release, expected, read_pdf=False, deep=False)
    if problems:
        raise ReleaseError(_("the release store is damaged:") + "\n" + "\n".join(f"  - {p}" for p in problems),
                           hint=_("run 'charter verify' for details; restore the release from version control"))


# -- one PDF on its own -----------------------------------------------------------------------------
#: The charter's canonical JSON, attached to every annex since Typst makes it.
PDF_ATTACHMENT = "charter.json"


@dataclass(frozen=True)
class PdfVerification:
    """The outcome of checking one annex on its own: what it carries and every problem found."""

    path: Path
    digest: str | None
    version: str | None
    clauses: int
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """True when every check held."""
        return not self.problems


def verify_pdf(path: Path) -> PdfVerification:
    """Check an annex without its release folder: the attached charter.json is canonical, its
    digest is the one printed on the cover, and every clause's text is printed in the PDF."""
    import pypdf

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = pypdf.PdfReader(io.BytesIO(path.read_bytes()))
        attached = reader.attachments.get(PDF_ATTACHMENT) or []
        pages = [page.extract_text() or "" for page in reader.pages]
    except Exception as exc:  # pypdf raises many kinds of errors on a damaged file
        return PdfVerification(path, None, None, 0, (_("{file}: not a readable PDF ({error})").format(
            file=path, error=one_line(exc)),))
    if not attached:
        return PdfVerification(path, None, None, 0, (
            _("{file}: no {attachment} attached (an annex made before the switch to Typst, or not by "
              "charter-kit): check it within its release folder with 'charter verify'").format(
                file=path, attachment=PDF_ATTACHMENT),))
    blob = attached[0]
    digest = sha256(blob)
    try:
        charter = Charter.from_json(blob)
    except (ValueError, UnicodeDecodeError) as exc:
        return PdfVerification(path, digest, None, 0, (_("{file}: the attached {attachment} is not a charter "
                                                         "({error})").format(file=path, attachment=PDF_ATTACHMENT,
                                                                              error=one_line(exc)),))
    problems = []
    if charter.to_json().encode("utf-8") != blob:
        problems.append(_("{file}: the attached {attachment} is not in canonical form (it was rewritten)").format(
            file=path, attachment=PDF_ATTACHMENT))
    printed = set(_HEX64_RE.findall(pages[0] if pages else ""))
    if digest not in printed:
        shown = f"{sorted(printed)[0][:12]}…" if printed else _("none")
        problems.append(_("{file}: the digest on the cover ({shown}) is not the attached charter's ({digest}…)").format(
            file=path, shown=shown, digest=digest[:12]))
    text = _body_text(pages)
    expected = _printed_clauses(charter, str(reader.metadata.title or "") if reader.metadata else "")
    missing = [c for c in expected if not all(b in text for b in _clause_blocks(c))]
    problems += [_("{file}: clause {number} ({id}) is not printed as the attached charter says").format(
        file=path, number=c.number, id=c.id) for c in missing]
    return PdfVerification(path, digest, charter.version, len(expected), tuple(problems))


def _printed_clauses(charter: Charter, title: str) -> list:
    """The clauses a PDF of ``charter`` prints: all of them, or, for a charter split in two
    documents, the rules (the annex) or the others (the guide, whose title says so)."""
    from charter_kit.outputs import markup
    from charter_kit.outputs.pdf import GUIDE_TITLE

    if not markup.has_guide(charter):
        return charter.clauses()
    guide = title.endswith(GUIDE_TITLE.lower())
    return [c for c in charter.clauses() if markup.is_rule(c) != guide]


def pdf_verification_report(result: PdfVerification) -> str:
    """What `charter verify --pdf` prints."""
    lines = [str(result.path)]
    if result.digest:
        which = _("version {version}").format(version=result.version) if result.version else _("draft")
        lines.append("  " + _("{attachment} attached: digest {digest}…, {which}").format(
            attachment=PDF_ATTACHMENT, digest=result.digest[:12], which=which))
    if result.ok:
        lines += ["  " + _("digest printed on the cover: the attached charter's"),
                  "  " + _("text: the {count} clauses are printed as the attached charter says").format(
                      count=result.clauses), _("OK")]
    else:
        lines += [f"  - {problem}" for problem in result.problems] + [_("FAILED")]
    return "\n".join(lines)


def _squash(text: str) -> str:
    """Whitespace of any kind as one space; invisible break points and soft hyphens removed; no space
    after a hyphen, a slash or a dot, where a line may break inside a word or an address."""
    text = re.sub(r"[\u200b\u00ad]", "", text)
    return re.sub(r"([-/.])\s", r"\1", " ".join(text.split()))


def _body_text(pages: list[str]) -> str:
    """The PDF's running text: the running header (each page's repeated first line) and the
    "Page N / M" footer removed, so a paragraph across a page break reads in one piece."""
    split = [page.split("\n") for page in pages]
    firsts = [lines[0] for lines in split[1:] if lines]
    header = max(set(firsts), key=firsts.count) if firsts else None
    kept = []
    for lines in split:
        kept += [line for i, line in enumerate(lines) if not (i == 0 and line == header)
                 and not re.search(r"Page \d+ / \d+$", line) and not re.fullmatch(r"\s*(•|–|\d+\.)\s*", line)]
    return _squash(" ".join(kept))


def _clause_blocks(clause) -> list[str]:
    """The texts a reader sees for a clause: its title, then each paragraph, item and cell."""
    from charter_kit.typeset.markup import blocks, inlines, plain

    out = [plain(inlines(clause.title))]
    stack = list(blocks(clause.text))
    while stack:
        node = stack.pop(0)
        if node["t"] == "list":
            stack = [n for item in node["items"] for n in item] + stack
        elif node["t"] == "quote":
            stack = node["c"] + stack
        elif node["t"] == "table":
            out += [plain(cell) for row in [node["head"], *node["rows"]] for cell in row]
        else:
            out.append(plain([node]))
    return [_squash(b) for b in out if b.strip()]
