"""`charter release`: render the draft, check every refusal, then freeze it in the release store.

Refusals, in the order they are checked: a malformed, existing or smaller version (with the number
to use); an approval dated after the release (and, with --strict, no approval or an incomplete one);
module hygiene (a changed text under an old version, a changelog that does not match); dates (before
the release date or the previous version's, or the effective date of a version already in force);
the adoption procedure (formalities recorded for another text, an effective date earlier than the
earliest lawful one, unless --force, which release.yml records); and nothing changed since the last
release.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from charter_kit.adoption.milestones import procedure_key
from charter_kit.adoption.procedure import Adoption, assess, text_digest
from charter_kit.compose.hygiene import changelog_problems, source_hash, text_problems
from charter_kit.compose.pipeline import project_from
from charter_kit.compose.profile import LoadedProfile, load_profile
from charter_kit.diff.compare import diff
from charter_kit.errors import ModuleError, ReleaseError
from charter_kit.i18n import N_, _, show_date
from charter_kit.locales import fr
from charter_kit.model.charter import Charter
from charter_kit.model.release import Approval, Release, parse_date
from charter_kit.model.semver import Version, is_semver
from charter_kit.outputs.registry import render_released
from charter_kit.store.adoption_log import SEALED_FILE, draft_file, entries_text, read_entries
from charter_kit.store.releases import (RELEASES_DIR, load_charter, load_releases, releases_dir,
                                        write_release)
from charter_kit.store.signatures import load_signer


@dataclass(frozen=True)
class ReleaseRequest:
    """What `charter release` asks for: the version, its dates, approvals, notes and kind."""

    version: str
    date: str
    effective_date: str | None = None
    approvals: tuple[str | Approval, ...] = ()
    notes: str | None = None
    kind: str | None = None
    allow_empty: bool = False
    strict: bool = False
    """Refuse a release without approvals, or with one that lacks its role or date."""
    force: bool = False
    """Release although the adoption procedure says the effective date is too early (recorded)."""
    passphrase: str | None = field(default=None, repr=False)
    """The passphrase of the company's key, when the project signs its releases (keys/)."""


@dataclass(frozen=True)
class Created:
    """A release just written, with what the command should tell the user about it."""

    release: Release
    kind_suggested: bool
    effective_source: str = "--effective"
    """Where the effective date came from, in words."""
    warnings: tuple[str, ...] = ()
    adoption: Adoption | None = None


def create_release(profile: Path, request: ReleaseRequest, progress: Callable[[str], None] | None = None) -> Created:
    """Render the profile, check every refusal, then write ``releases/<version>/`` atomically.

    ``progress`` is told the name of each step as it starts (the CLI shows it on a terminal).
    """
    step = progress or (lambda name: None)
    step(_("Checking the profile, the modules and the dates"))
    root = Path(profile).resolve().parent
    existing = load_releases(root)
    previous = existing[-1] if existing else None
    check_new_version(request.version, existing, root)
    parse_date(request.date, "--date")
    approvals, warnings = check_approvals(request.approvals, request.date, strict=request.strict)
    loaded = load_profile(Path(profile))  # read once: its effective date, then the charter
    project = project_from(loaded, version=request.version, date=request.date)
    charter = project.charter
    check_modules(project.library, charter, previous)
    entries = read_entries(draft_file(root))
    adoption = assess(charter, entries, base=dt.date.fromisoformat(request.date), text=text_digest(charter))
    effective, source = effective_date(request, loaded, adoption)
    check_dates(request.date, effective, previous, source=source)
    forced = check_adoption(adoption, effective, force=request.force)
    charter = charter.with_release(version=request.version, date=request.date, effective_date=effective,
                                   approvals=tuple(_approval_data(a) for a in approvals))
    before = load_charter(previous) if previous else None
    if before is not None and not request.allow_empty and same_text(before, charter):
        raise ReleaseError(_("nothing changed since release {version}; nothing was written").format(
            version=previous.version), hint=_("change the profile first, or pass --allow-empty to release it anyway"))
    kind = request.kind or suggest_kind(before, charter)
    signer = load_signer(root, request.passphrase, charter.company.get("legal_name") or charter.company["name"])
    step(_("Typesetting the PDF annex"))
    outputs = render_released(charter)
    if signer is not None:  # signed before the digests are taken: release.yml seals the signed PDFs
        reason = f"Publication de la version {charter.version} de la charte"
        outputs = {name: signer.sign_pdf(data, reason=reason) if name.endswith(".pdf") else data
                   for name, data in outputs.items()}
    if entries:
        outputs[SEALED_FILE] = entries_text(entries).encode("utf-8")
    step(_("Writing the release"))
    release = write_release(root, charter, outputs, kind=kind, previous=previous, approvals=approvals,
                            notes=request.notes, procedure=procedure_key(charter.jurisdiction, charter.status),
                            forced=forced, sign=signer.sign_file if signer is not None else None,
                            sources=module_sources(project.library, charter))
    if entries:
        draft_file(root).unlink()  # sealed with the release; what follows goes to adoption/<version>.yml
    sealed = assess(charter, entries, base=dt.date.fromisoformat(request.date),
                    effective=dt.date.fromisoformat(effective), text=text_digest(charter))
    if sealed.has_procedure and not sealed.complete:
        warnings += (_("the adoption procedure is not complete: 'charter adoption' lists what remains, and the "
                       "published site will say so until it is"),)
    return Created(release, request.kind is None, source, tuple(warnings), sealed)


#: The kinds of release as a person reads them (the code, in English).
_KINDS = {"substantive": N_("substantive"), "editorial": N_("editorial")}


def summary(created: Created) -> list[str]:
    """What `charter release` prints once the release is written."""
    rel = created.release
    how = _("suggested from the changes") if created.kind_suggested else _("as given")
    if rel.previous_version and created.kind_suggested:
        how = _("{how} since {version}").format(how=how, version=rel.previous_version)
    lines = [_("released {version}: {folder}").format(version=rel.version, folder=rel.path),
             "  " + _("effective {date} (from {source}), digest {digest}, kind {kind} ({how})").format(
                 date=show_date(rel.effective_date), source=created.effective_source, digest=rel.digest[:12],
                 kind=_(_KINDS.get(rel.kind, rel.kind)), how=how),
             "  " + _("files: {files}").format(files=", ".join(["release.yml", *rel.files]))]
    return lines + (["  " + _("forced: {reason}").format(reason=rel.forced)] if rel.forced else [])


# -- versions --------------------------------------------------------------------------------------
def check_new_version(version: str, existing: Sequence[Release], root: Path) -> None:
    """Refuse a malformed version, an existing one, or one not greater than the last release."""
    last = existing[-1] if existing else None
    hint = _next_hint(last)
    try:
        wanted = Version.parse(version)
    except ValueError as exc:
        raise ReleaseError(str(exc), hint=_suggestion(version, last)) from None
    if any(r.version == version for r in existing) or (releases_dir(root) / version).exists():
        raise ReleaseError(_("release {version} already exists in {folder}; a release is never overwritten, "
                             "nothing was written").format(version=version, folder=f"{RELEASES_DIR}/{version}"),
                           hint=hint)
    if last is not None and not wanted > last.semver:
        raise ReleaseError(_("version {version} is not greater than the last release {last}; nothing was written")
                           .format(version=version, last=last.version), hint=hint)


def _suggestion(version: str, last: Release | None) -> str:
    """The number to type instead of a malformed one ("v1.2.0" -> "1.2.0"; "2026.1" -> the next numbers)."""
    bare = version.strip().lstrip("vV")
    if is_semver(bare) and (last is None or Version.parse(bare) > last.semver):
        return _("write the number without the letter: {version}").format(version=bare)
    if last is None:
        return _("the first release is 1.0.0 (MAJOR.MINOR.PATCH)")
    return _next_hint(last)


def _next_hint(last: Release | None) -> str | None:
    if last is None:
        return None
    patch, minor, major = last.semver.next_versions()
    return _("the next version is {patch} (editorial fix), {minor} or {major}").format(
        patch=patch, minor=minor, major=major)


# -- approvals -------------------------------------------------------------------------------------
def check_approvals(given: Sequence[str | Approval], date: str, *, strict: bool) -> tuple[list[Approval], list[str]]:
    """The approvals parsed, and warnings (refusals with ``strict``) for none or for a missing role or date."""
    approvals = [a if isinstance(a, Approval) else Approval.parse(a) for a in given]
    for a in approvals:
        if a.date is not None:
            parse_date(a.date, f"--approved-by '{a.text}'")
            if a.date > date:
                raise ReleaseError(_("the approval '{approval}' is dated after the release ({date}); nothing was "
                                     "written").format(approval=a.text, date=show_date(date)),
                                   hint=_("a version is approved before it is released"))
    warnings = []
    if not approvals:
        warnings.append(_("no approval recorded: add {option} for each person who approved this version").format(
            option='--approved-by "Name, role, YYYY-MM-DD"'))
    for a in approvals:
        if not a.role and not a.date:
            warnings.append(_("the approval '{approval}' has no role and no date").format(approval=a.text))
        elif not (a.role and a.date):
            warnings.append((_("the approval '{approval}' has no role") if not a.role
                             else _("the approval '{approval}' has no date")).format(approval=a.text))
    if strict and warnings:
        raise ReleaseError(_("--strict: {problems}; nothing was written").format(problems="; ".join(warnings)))
    return approvals, warnings


def _approval_data(approval: Approval) -> dict[str, str | None]:
    return {"name": approval.name, "role": approval.role, "date": approval.date}


# -- modules ---------------------------------------------------------------------------------------
def check_modules(library, charter: Charter, previous: Release | None) -> None:
    """Refuse a release whose modules' versions or changelogs do not say what happened to their text."""
    used = [library.get(a.id) for a in charter.articles if library.get(a.id) is not None]
    problems = changelog_problems(used)
    if previous is not None:
        problems += text_problems(library, load_charter(previous), previous.version, sources=previous.sources)
    if problems:
        raise ModuleError(problems, hint=_("fix the module, then release again; nothing was written"))


def module_sources(library, charter: Charter) -> dict[str, str]:
    """sha256 of the text file of each module of ``charter`` (release.yml keeps it for module hygiene)."""
    return {a.id: source_hash(library.get(a.id), charter.language) for a in charter.articles
            if library.get(a.id) is not None}


# -- dates -----------------------------------------------------------------------------------------
def effective_date(request: ReleaseRequest, loaded: LoadedProfile, adoption: Adoption) -> tuple[str, str]:
    """The effective date and where it comes from: --effective, the profile, or the earliest lawful date."""
    if request.effective_date is not None:
        return parse_date(request.effective_date, "--effective"), "--effective"
    from_profile = loaded.profile.charter.effective_date
    if from_profile is not None:
        line = loaded.lines.line(("charter", "effective_date"))
        where = (_("charter.effective_date in {file}, line {line}") if line
                 else _("charter.effective_date in {file}")).format(file=loaded.display, line=line)
        return from_profile.isoformat(), where
    if adoption.has_procedure:
        return adoption.earliest.isoformat(), _("the earliest lawful date of the adoption procedure")
    return request.date, _("the release date (no charter.effective_date in the profile)")


def check_dates(date: str, effective: str, previous: Release | None, *, source: str = "--effective") -> None:
    """Refuse an effective date before the release date, dates before the previous release's, or the
    effective date of a version already in force (two versions may share one only when the new one
    replaces the other before it comes into force)."""
    in_profile = source.startswith("charter.effective_date")  # its translations keep the key first
    if previous is not None and in_profile and effective <= previous.effective_date \
            and not (effective == previous.effective_date and date < previous.effective_date):
        raise ReleaseError(_("{source}, still holds {effective}, the effective date of release {version} "
                             "(or an earlier one); nothing was written").format(
                                 source=source, effective=show_date(effective), version=previous.version),
                           hint=_("set the new version's intended date there, or pass --effective"))
    if effective < date:
        raise ReleaseError(_("the effective date {effective} is before the release date {date} "
                             "(effective date from {source}); nothing was written").format(
                                 effective=show_date(effective), date=show_date(date), source=source),
                           hint=_("give --effective on or after --date, or set charter.effective_date in the profile"))
    if previous is None:
        return
    if date < previous.date:
        raise ReleaseError(_("the release date {date} is before the date of release {version} ({previous}); "
                             "nothing was written").format(date=show_date(date), version=previous.version,
                                                           previous=show_date(previous.date)))
    if effective < previous.effective_date:
        raise ReleaseError(_("the effective date {effective} is before the effective date of release {version} "
                             "({previous}; effective date from {source}); nothing was written").format(
                                 effective=show_date(effective), version=previous.version,
                                 previous=show_date(previous.effective_date), source=source),
                           hint=_("a newer version cannot apply before the one it replaces"))
    if effective == previous.effective_date and date >= previous.effective_date:
        stale = " " + _("still holds the previous version's date") if in_profile else ""
        raise ReleaseError(_("the effective date {effective} is the one of release {version}, which applies since "
                             "that day (effective date from {source}{stale}); two versions cannot apply from the same "
                             "day; nothing was written").format(effective=show_date(effective),
                                                                version=previous.version, source=source, stale=stale),
                           hint=_("set the new version's intended date in charter.effective_date, or pass --effective"))


# -- adoption --------------------------------------------------------------------------------------
def check_adoption(adoption: Adoption, effective: str, *, force: bool) -> str | None:
    """Refuse formalities recorded for another text, or an effective date before the earliest lawful one.

    With ``force``, return what was overridden (recorded in release.yml) instead of refusing.
    """
    reasons = _adoption_reasons(adoption, effective, _, show_date)
    if not reasons:
        return None
    if force:
        # release.yml records the reasons in the code's words and ISO dates: same inputs, same bytes,
        # whatever the language of the person who released.
        return "; ".join(_adoption_reasons(adoption, effective, str, str)) + " (--force)"
    raise ReleaseError(_("{reasons}; nothing was written").format(reasons="; ".join(reasons)),
                       hint=_("use --effective {date} or later, record the formalities already done ('charter "
                              "adoption record'), or pass --force to release anyway (release.yml records it)").format(
                                  date=show_date(adoption.earliest)))


_STALE = N_("milestones recorded for another text of the draft: {names}")
_EARLY = N_("the effective date {effective} is before the earliest lawful date {earliest} ({long}), set by {reason}")


def _adoption_reasons(adoption: Adoption, effective: str, say, day_text) -> list[str]:
    """Why the adoption procedure refuses this release; ``say`` translates, ``day_text`` shows a date."""
    reasons = []
    if adoption.stale:
        names = ", ".join(f"{e['milestone']} ({e['date']})" for e in adoption.stale)
        reasons.append(say(_STALE).format(names=names))
    day = dt.date.fromisoformat(effective)
    if adoption.has_procedure and day < adoption.earliest:
        reasons.append(say(_EARLY).format(effective=day_text(effective), earliest=day_text(adoption.earliest),
                                          long=fr.date(adoption.earliest), reason=adoption.reason))
    return reasons


# -- comparing with the previous release -----------------------------------------------------------
def same_text(before: Charter, after: Charter) -> bool:
    """True when two charters differ only by their release stamp (version, dates and approvals)."""
    restamped = before.with_release(version=after.version or "", date=after.date or "",
                                    effective_date=after.effective_date, approvals=after.approvals)
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
