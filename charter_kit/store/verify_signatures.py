"""`charter verify`'s signature checks: release.yml.p7s and the PDFs' signatures, against the project's
certificate (keys/certificate.pem, its retired predecessors, or ``--trust FILE``).

Digests prove that files match release.yml; anyone who can write the folder can recompute them. A
signature proves the company's key approved release.yml (which lists every digest) and the PDFs, and a
timestamp proves when. Once a project has a certificate, every release dated from the day it was made
must be signed: a release whose signature was removed fails like one whose signature is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from charter_kit.errors import ReleaseError
from charter_kit.i18n import _, show_date
from charter_kit.model.release import RELEASE_FILE, Release
from charter_kit.store.keys import INSTALL_HINT, Anchor, anchors, signing_config
from charter_kit.store.releases import SIGNATURE_FILE


@dataclass(frozen=True)
class TrustSetup:
    """What signatures are checked against, read once per `verify`."""

    anchors: tuple[Anchor, ...]
    tsa_roots: tuple[Path, ...]
    since: str | None
    """The first day the project could sign (its oldest certificate's start), ISO; None without one."""
    problem: str | None = None
    """Why signatures cannot be checked at all (the extra missing, a broken keys/config.yml)."""


def trust_setup(root: Path, trust: Path | None = None) -> TrustSetup:
    """The project's trust anchors, timestamp roots and signing start date."""
    try:
        found = tuple(anchors(root, trust))
        roots = signing_config(root).tsa_roots
    except ReleaseError as exc:
        return TrustSetup((), (), None, exc.message)
    except ImportError:
        return TrustSetup((), (), None, _("the signatures cannot be checked: {hint}").format(hint=_(INSTALL_HINT)))
    if not found:
        return TrustSetup((), roots, None)
    try:
        from cryptography import x509
    except ImportError:
        return TrustSetup(found, roots, None, _("the signatures cannot be checked: {hint}").format(hint=_(INSTALL_HINT)))
    starts = [x509.load_pem_x509_certificate(a.pem).not_valid_before_utc.date() for a in found]
    return TrustSetup(found, roots, min(starts).isoformat())


def check_signatures(release: Release, setup: TrustSetup, *, after_signed: bool = False) -> tuple[list[str], list[str]]:
    """(problems, notes) of a release's signatures: each note says what a valid check proves.

    ``after_signed``: an earlier release of the chain is signed, so this one must be too."""
    folder = release.path
    p7s = folder / SIGNATURE_FILE
    signed = p7s.is_file()
    if setup.problem and (signed or setup.anchors):
        return [_("{file}: {problem}").format(file=folder, problem=setup.problem)], []
    if not setup.anchors:
        if signed:
            return [_("{file}: the release is signed but the project has no certificate to check it against "
                      "(keys/certificate.pem missing)").format(file=p7s)], []
        return [], []
    from charter_kit.store.signatures import check_file, check_pdf, explain

    problems: list[str] = []
    notes: list[str] = []
    if not signed:
        if after_signed or (setup.since and release.date >= setup.since):
            why = (_("an earlier release is signed") if after_signed else
                   _("the project signs its releases since {date}").format(date=show_date(setup.since)))
            problems.append(_("{file}: not signed, although {why} (its signature {signature} is missing)").format(
                file=folder / RELEASE_FILE, why=why, signature=SIGNATURE_FILE))
        else:
            notes.append(_("not signed (released before the project's key, made on {date})").format(
                date=show_date(setup.since)))
    else:
        check = check_file((folder / RELEASE_FILE).read_bytes(), p7s.read_bytes(), RELEASE_FILE, setup.anchors,
                           setup.tsa_roots)
        problems += [_("{file}: {problem}").format(file=folder, problem=p) for p in check.problems]
        notes += explain(check)
    for name in release.files:
        if not name.endswith(".pdf") or not (folder / name).is_file():
            continue
        pdf = check_pdf((folder / name).read_bytes(), name, setup.anchors, setup.tsa_roots)
        if pdf is None:
            if signed:
                problems.append(_("{file}: not signed, although release.yml is").format(file=folder / name))
            continue
        problems += [_("{file}: {problem}").format(file=folder, problem=p) for p in pdf.problems]
        notes += explain(pdf)
    return problems, notes

