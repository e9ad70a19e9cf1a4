"""The commands legal and HR use around a release: `charter keys` (the signing key) and
`charter review` (bringing Word edits back into the profile)."""

from __future__ import annotations

import os
from pathlib import Path

import click

from charter_kit.cli_params import TEXT, profile_option


@click.group()
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
            p12_passphrase = click.prompt("Passphrase of the PKCS#12 file", hide_input=True, default="",
                                          show_default=False)
    passphrase = os.environ.get(PASSPHRASE_ENV) or click.prompt(
        "Passphrase protecting the key (12 characters or more)", hide_input=True, confirmation_prompt=True)
    info = init_keys(root, company=company, passphrase=passphrase, p12=p12.read_bytes() if p12 else None,
                     p12_passphrase=p12_passphrase, replace=replace)
    if info.retired is not None:
        click.echo(f"retired the previous certificate: {info.retired}")
    click.echo(f"certificate: {info.certificate} (commit it: verify checks every signature against it)")
    click.echo(f"private key: {info.private_key} (encrypted; never commit it; keep a copy in a safe place)")
    click.echo(f"  subject {info.subject}")
    click.echo(f"  SHA-256 fingerprint {info.fingerprint}")
    click.echo(f"  valid until {info.not_after}")
    click.echo("Next releases are signed; give the passphrase in CHARTER_KEY_PASSPHRASE or when asked.")


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
        click.echo("no signing key: releases are sealed by digests only ('charter keys init' creates one)")
        return
    for anchor in found:
        cert = x509.load_pem_x509_certificate(anchor.pem)
        state = f"retired on {anchor.retired} ({anchor.reason})" if anchor.retired else "current"
        click.echo(f"{anchor.path}: {state}")
        click.echo(f"  subject {cert.subject.rfc4514_string()}")
        click.echo(f"  SHA-256 fingerprint {anchor.fingerprint}")
        click.echo(f"  valid {cert.not_valid_before_utc.date()} to {cert.not_valid_after_utc.date()}")
    config = signing_config(root)
    click.echo(f"timestamp authority: {config.tsa_url or 'none (keys/config.yml, tsa_url)'}")


def _company(profile: Path) -> str:
    from charter_kit.compose.profile import load_profile

    company = load_profile(profile).profile.company
    return company.legal_name or company.name


@click.group()
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
    click.echo(f"{docx}: {len(changed)} clause(s) edited, "
               f"{sum(len(p.comments) for p in found.proposals) + len(found.comments_elsewhere)} comment(s), "
               f"{len(found.problems)} problem(s)")
    for p in found.proposals:
        who = ", ".join(sorted(p.authors)) or "untracked edit"
        if p.changed:
            click.echo(f"  {p.clause.number} {p.clause.id}: {'title and text' if p.title and p.text else 'title' if p.title else 'text'}"
                       f" proposed by {who}" + (f" ({', '.join(sorted(p.dates))})" if p.dates else ""))
        for c in p.comments:
            click.echo(f"  {p.clause.number} {p.clause.id}: comment by {c.author}: {' '.join(c.text.split())}")
    for c in found.comments_elsewhere:
        click.echo(f"  comment by {c.author} outside the clauses: {' '.join(c.text.split())}")
    for problem in found.problems:
        click.echo(f"  - {problem}")
    if changed:
        click.echo("")
        click.echo(render_diff(review_diff(found), "text"), nl=False)
    if apply_:
        written = apply_review(profile, found, source_name=str(docx))
        if written:
            click.echo(f"wrote {len(written)} override(s) into {profile}: {', '.join(written)}")
            click.echo("'charter diff latest draft' shows them against the last release.")
        else:
            click.echo("nothing to write")
