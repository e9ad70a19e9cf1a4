"""The commands legal and HR use around a release: `charter keys` (the signing key) and
`charter review` (bringing Word edits back into the profile)."""

from __future__ import annotations

import os
from pathlib import Path

import click

from charter_kit.cli_params import TEXT, Group, ask, profile_option
from charter_kit.i18n import _, ngettext, show_date


@click.group(cls=Group)
def keys() -> None:
    """The company's signing key: releases are signed with it, `verify` checks against its certificate."""


@keys.command("init")
@profile_option
@click.option("--import", "p12", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Import the company's existing key and certificate from a PKCS#12 file (.p12, .pfx).")
@click.option("--company", type=TEXT, help="The name in the certificate. Default: the profile's legal name.")
@click.option("--replace", type=click.Choice(["renewed", "compromised"]),
              help="Retire the current key first: 'compromised' when it leaked, 'renewed' otherwise.")
def keys_init(profile: Path, p12: Path | None, company: str | None, replace: str | None) -> None:
    """Create the company's key and self-signed certificate in keys/ (or import a PKCS#12)."""
    from charter_kit.store.keys import P12_PASSPHRASE_ENV, PASSPHRASE_ENV, init_keys

    root = profile.resolve().parent
    if company is None:
        company = _company(profile)
    p12_passphrase = None
    if p12 is not None:
        p12_passphrase = os.environ.get(P12_PASSPHRASE_ENV)
        if p12_passphrase is None:
            p12_passphrase = ask(_("Passphrase of the PKCS#12 file"), hide_input=True, default="",
                                 show_default=False)
    passphrase = os.environ.get(PASSPHRASE_ENV) or ask(
        _("Passphrase protecting the key (12 characters or more)"), hide_input=True, confirmation_prompt=True)
    info = init_keys(root, company=company, passphrase=passphrase, p12=p12.read_bytes() if p12 else None,
                     p12_passphrase=p12_passphrase, replace=replace)
    if info.retired is not None:
        click.echo(_("retired the previous certificate: {file}").format(file=info.retired))
    click.echo(_("certificate: {file} (commit it: verify checks every signature against it)").format(
        file=info.certificate))
    click.echo(_("private key: {file} (encrypted; never commit it; keep a copy in a safe place)").format(
        file=info.private_key))
    click.echo("  " + _("subject {subject}").format(subject=info.subject))
    click.echo("  " + _("SHA-256 fingerprint {fingerprint}").format(fingerprint=info.fingerprint))
    click.echo("  " + _("valid until {date}").format(date=show_date(info.not_after)))
    click.echo(_("Next releases are signed; give the passphrase in {variable} or when asked.").format(
        variable=PASSPHRASE_ENV))


@keys.command("show")
@profile_option
def keys_show(profile: Path) -> None:
    """Show the certificate releases are checked against, retired ones and the timestamp authority."""
    from charter_kit.store.keys import anchors, require_crypto, signing_config

    require_crypto()
    from cryptography import x509

    root = profile.resolve().parent
    found = anchors(root)
    if not found:
        click.echo(_("no signing key: releases are sealed by digests only ({command} creates one)").format(
            command="'charter keys init'"))
        return
    for anchor in found:
        cert = x509.load_pem_x509_certificate(anchor.pem)
        state = (_("retired on {date} ({reason})").format(date=show_date(anchor.retired), reason=anchor.reason)
                 if anchor.retired else _("current"))
        click.echo(_("{file}: {state}").format(file=anchor.path, state=state))
        click.echo("  " + _("subject {subject}").format(subject=cert.subject.rfc4514_string()))
        click.echo("  " + _("SHA-256 fingerprint {fingerprint}").format(fingerprint=anchor.fingerprint))
        click.echo("  " + _("valid {first} to {last}").format(first=show_date(cert.not_valid_before_utc.date()),
                                                             last=show_date(cert.not_valid_after_utc.date())))
    config = signing_config(root)
    click.echo(_("timestamp authority: {url}").format(url=config.tsa_url or _("none (keys/config.yml, tsa_url)")))


def _company(profile: Path) -> str:
    from charter_kit.compose.profile import load_profile

    company = load_profile(profile).profile.company
    return company.legal_name or company.name


@click.group(cls=Group)
def review() -> None:
    """Bring legal's edits back from Word: tracked changes and comments become overrides."""


@review.command("import")
@click.argument("docx", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@profile_option
@click.option("--apply", "apply_", is_flag=True, help="Write the edits into charter.yml as overrides (text:, title:).")
def review_import(docx: Path, profile: Path, apply_: bool) -> None:
    """Show the tracked changes and comments of DOCX (made by charter-kit) as a diff against the draft."""
    from charter_kit.commands.review import apply_review, import_review, review_diff
    from charter_kit.reports.registry import render_diff

    found = import_review(profile, docx)
    changed = [p for p in found.proposals if p.changed]
    comments = sum(len(p.comments) for p in found.proposals) + len(found.comments_elsewhere)
    click.echo(_("{file}: {clauses}, {comments}, {problems}").format(
        file=docx, clauses=ngettext("{n} clause edited", "{n} clauses edited", len(changed)).format(n=len(changed)),
        comments=ngettext("{n} comment", "{n} comments", comments).format(n=comments),
        problems=ngettext("{n} problem", "{n} problems", len(found.problems)).format(n=len(found.problems))))
    for p in found.proposals:
        who = ", ".join(sorted(p.authors)) or _("untracked edit")
        if p.changed:
            what = _("title and text") if p.title and p.text else _("title") if p.title else _("text")
            click.echo("  " + _("{number} {id}: {what} proposed by {who}").format(
                number=p.clause.number, id=p.clause.id, what=what, who=who)
                       + (f" ({', '.join(sorted(p.dates))})" if p.dates else ""))
        for c in p.comments:
            click.echo("  " + _("{number} {id}: comment by {author}: {text}").format(
                number=p.clause.number, id=p.clause.id, author=c.author, text=" ".join(c.text.split())))
    for c in found.comments_elsewhere:
        click.echo("  " + _("comment by {author} outside the clauses: {text}").format(
            author=c.author, text=" ".join(c.text.split())))
    for problem in found.problems:
        click.echo(f"  - {problem}")
    if changed:
        click.echo("")
        click.echo(render_diff(review_diff(found), "text"), nl=False)
    if apply_:
        written = apply_review(profile, found, source_name=str(docx))
        if written:
            click.echo(ngettext("wrote {n} override into {file}: {ids}", "wrote {n} overrides into {file}: {ids}",
                                len(written)).format(n=len(written), file=profile, ids=", ".join(written)))
            click.echo(_("{command} shows them against the last release.").format(
                command="'charter diff latest draft'"))
        else:
            click.echo(_("nothing to write"))
