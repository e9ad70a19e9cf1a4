"""`charter ack …`: the acknowledgement registry from the command line, in the user's language.

This module imports only click at load time: the core works without the ``ack`` extra, and each
command says how to install it when it is missing.
"""

from __future__ import annotations

import getpass
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from charter_kit.cli_params import DATE as _DATE
from charter_kit.cli_params import Group
from charter_kit.errors import AckError
from charter_kit.i18n import _, ngettext, show_date


@dataclass
class _Ctx:
    """What every subcommand needs: the project folder and the database URL given."""

    profile: Path
    db: str | None
    _opened: tuple | None = None

    @property
    def root(self) -> Path:
        """The charter project's folder (the profile's)."""
        return self.profile.resolve().parent

    def open(self, *, sync: bool = False):
        """(settings, registry) with the extra checked, the tables upgraded, versions registered."""
        if self._opened is None:
            from charter_kit.ack import EXTRA_HINT, missing_packages

            missing = missing_packages()
            if missing:
                raise AckError(_("the acknowledgement registry needs optional packages that are missing ({packages})")
                               .format(packages=", ".join(missing)),
                               hint=_("install them: {command}").format(command=EXTRA_HINT))
            if not self.profile.exists() and not (self.root / "releases").is_dir():
                raise AckError(_("{file}: profile not found; the registry lives in the folder of a charter project")
                               .format(file=self.profile),
                               hint=_("run the command in that folder or give -p path/charter.yml"))
            from charter_kit.ack.config import load_config
            from charter_kit.ack.db import Registry, database_url

            config = load_config(self.root)
            registry = Registry(database_url(self.root, self.db or config.database))
            self._opened = (config, registry)
        config, registry = self._opened
        if sync:
            from charter_kit.ack.versions import sync as sync_versions

            for version in sync_versions(registry, config.root):
                click.echo(_("version {version} registered in the registry").format(version=version), err=True)
        return config, registry


def _actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "inconnu"  # recorded in the registry's log (French by design), not shown as a message


@click.group("ack", cls=Group)
@click.option("-p", "--profile", type=click.Path(dir_okay=False, path_type=Path), default=Path("charter.yml"),
              help="The project's profile (charter.yml); the registry is in its acks/ folder.")
@click.option("--db", metavar="URL", help="The registry's database (sqlite:///… or postgresql://…). "
                                          "Default: acks/config.yml, $CHARTER_ACK_DATABASE_URL, acks/registry.db.")
@click.pass_context
def ack(ctx: click.Context, profile: Path, db: str | None) -> None:
    """Acknowledgement registry: who received which version of the charter."""
    ctx.obj = _Ctx(profile, db)


@ack.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check and count without writing anything.")
@click.option("--no-leavers", is_flag=True, help="Do not mark as leavers the employees missing from the file "
                                                 "(a partial file: one company, one site).")
@click.pass_obj
def import_cmd(obj: _Ctx, file: Path, dry_run: bool, no_leavers: bool) -> None:
    """Import the employees from a CSV or XLSX file (a new import updates them and records leavers)."""
    from charter_kit.ack.importing import import_employees

    _config, registry = obj.open()
    report = import_employees(registry, file, actor=_actor(), leavers=not no_leavers, dry_run=dry_run)
    click.echo(report.summary())


@ack.command("campaign")
@click.argument("version")
@click.option("--population", "populations", multiple=True, metavar="NAME",
              help="Limit the campaign to one population (repeatable). Default: every active employee.")
@click.pass_obj
def campaign_cmd(obj: _Ctx, version: str, populations: tuple[str, ...]) -> None:
    """Open the acknowledgement campaign of a version."""
    from charter_kit.ack.campaigns import start_campaign

    _config, registry = obj.open(sync=True)
    started = start_campaign(registry, version, populations=populations, actor=_actor())
    kind = _("substantive change") if started.kind == "substantive" else _("editorial change")
    opened = (ngettext("campaign {version} ({kind}) opened: {count} employee concerned",
                       "campaign {version} ({kind}) opened: {count} employees concerned", started.concerned)
              if started.created else
              ngettext("campaign {version} ({kind}) already open: {count} employee concerned",
                       "campaign {version} ({kind}) already open: {count} employees concerned", started.concerned))
    click.echo(opened.format(version=started.version, kind=kind, count=started.concerned))
    if started.carried:
        click.echo("  " + ngettext("{count} acknowledgement carried over from an earlier version (only editorial "
                                   "changes since)", "{count} acknowledgements carried over from an earlier version "
                                   "(only editorial changes since)", started.carried).format(count=started.carried))
    if started.reack_required:
        click.echo("  " + ngettext("{count} employee must acknowledge again (a substantive version since their last "
                                   "acknowledgement)", "{count} employees must acknowledge again (a substantive "
                                   "version since their last acknowledgement)",
                                   started.reack_required).format(count=started.reack_required))
    example = _("links.csv")  # an example file name, in the user's words
    click.echo(_("Next: {send} or {links}.").format(send=f"'charter ack send {version}'",
                                                    links=f"'charter ack links {version} --csv {example}'"))


@ack.command("links")
@click.argument("version")
@click.option("--csv", "target", required=True, metavar="FILE",
              help="Write the personal links to this CSV file ('-': standard output).")
@click.pass_obj
def links_cmd(obj: _Ctx, version: str, target: str) -> None:
    """Make one personal link per pending employee, for a mail merge."""
    from charter_kit.ack.invitations import write_links

    config, registry = obj.open(sync=True)
    count, text = write_links(registry, config, version, None if target == "-" else Path(target))
    if target == "-":
        click.echo(text, nl=False)
    else:
        click.echo(ngettext("{count} personal link written to {file} (valid {days} days)",
                            "{count} personal links written to {file} (valid {days} days)", count).format(
            count=count, file=target, days=config.token_days))
    click.echo(_("These links open each employee's page: send the file through a safe channel, then delete it."),
               err=True)


@ack.command("send")
@click.argument("version")
@click.option("--reminder", is_flag=True, help="Word the e-mail as a reminder.")
@click.option("--limit", type=click.IntRange(1), help="Send only to the first N pending employees.")
@click.pass_obj
def send_cmd(obj: _Ctx, version: str, reminder: bool, limit: int | None) -> None:
    """E-mail a personal link to each pending employee."""
    from charter_kit.ack.invitations import send

    config, registry = obj.open(sync=True)
    result = send(registry, config, version, reminder=reminder, limit=limit)
    sent = len(result.report.sent)
    click.echo(ngettext("{count} e-mail sent through {server}", "{count} e-mails sent through {server}", sent).format(
        count=sent, server=f"{config.smtp.host}:{config.smtp.port}"))
    if result.without_email:
        click.echo("  " + ngettext("{count} pending employee has no e-mail address: use {command} for them",
                                   "{count} pending employees have no e-mail address: use {command} for them",
                                   result.without_email).format(count=result.without_email,
                                                                command=f"'charter ack links {version} --csv'"))
    for inv, reason in result.report.failed:
        click.echo("  " + _("failed for {employee}: {reason}").format(employee=f"{inv.matricule} <{inv.email}>",
                                                                      reason=reason), err=True)
    if result.report.failed:
        failed = len(result.report.failed)
        raise AckError(ngettext("{count} e-mail not sent (listed above)", "{count} e-mails not sent (listed above)",
                                failed).format(count=failed),
                       hint=_("correct the addresses and run it again: only employees still pending get an e-mail"))


@ack.command("status")
@click.argument("version", required=False)
@click.option("--pending/--no-pending", default=True, show_default=True, help="List the pending employees.")
@click.pass_obj
def status_cmd(obj: _Ctx, version: str | None, pending: bool) -> None:
    """Where a campaign stands (default: the latest)."""
    from charter_kit.ack.campaigns import get_campaign, latest_campaign
    from charter_kit.ack.status import campaign_status, pending as pending_rows, status_text
    from charter_kit.ack.versions import records

    _config, registry = obj.open(sync=True)
    with registry.errors(_("reading the registry")), registry.read() as session:
        campaign = get_campaign(session, version) if version else latest_campaign(session)
        if campaign is None:
            raise AckError(_("no campaign is open"), hint=_("open one with {command}").format(
                command="'charter ack campaign VERSION'"))
        st = campaign_status(session, campaign)
        rows = pending_rows(session, campaign) if pending else []
        click.echo(status_text(st, records(session), rows))


@ack.command("proof")
@click.argument("matricule")
@click.argument("version", required=False)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="PDF file to write. Default: attestation-MATRICULE-VERSION.pdf.")
@click.pass_obj
def proof_cmd(obj: _Ctx, matricule: str, version: str | None, output: Path | None) -> None:
    """Write the PDF certificate of an acknowledgement (default: the latest version acknowledged)."""
    from charter_kit.ack.proof import certificate, write_certificate

    config, registry = obj.open()
    cert = certificate(registry, config, matricule, version)
    target = write_certificate(cert, output or Path(cert.filename()))
    click.echo(_("certificate written: {file}").format(file=target))
    click.echo("  " + _("{name}, version {version}, {at}; event no. {position}").format(
        name=cert.name, version=cert.version, at=cert.at_utc, position=cert.event_position))


@ack.command("export")
@click.option("--employee", "matricule", metavar="MATRICULE", help="One employee's data (right of access, JSON).")
@click.option("--campaign", "version", metavar="VERSION", help="Where a campaign stands, employee by employee.")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True,
              help="Format of a campaign's export.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write.")
@click.pass_obj
def export_cmd(obj: _Ctx, matricule: str | None, version: str | None, fmt: str, output: Path | None) -> None:
    """Export one employee's data (--employee) or where a campaign stands (--campaign)."""
    import json

    from charter_kit.fsutil import atomic_write

    if (matricule is None) == (version is None):
        raise click.UsageError(_("give {one} or {other} (one of the two)").format(one="--employee MATRICULE",
                                                                                  other="--campaign VERSION"))
    config, registry = obj.open()
    if matricule is not None:
        from charter_kit.ack.exports import employee_export

        text = json.dumps(employee_export(registry, config, matricule, actor=_actor()), ensure_ascii=False, indent=2) + "\n"
        if output is None:
            click.echo(text, nl=False)
        else:
            atomic_write(output, text)
            click.echo(_("data of {matricule} written to {file}").format(matricule=matricule, file=output), err=True)
        return
    from charter_kit.ack.exports import campaign_csv, campaign_xlsx

    if fmt == "xlsx" and output is None:
        raise click.UsageError(_("--format xlsx writes a file: give it with -o FILE"))
    with registry.errors(_("the export")):
        data = campaign_xlsx(registry, version) if fmt == "xlsx" else "".join(campaign_csv(registry, version))
    if output is None:
        click.echo(data, nl=False)
    else:
        atomic_write(output, data)
        click.echo(_("campaign {version} exported to {file}").format(version=version, file=output), err=True)


def _anchor(_ctx, _param, values: tuple[str, ...]) -> list[tuple[int, str]]:
    out = []
    for value in values:
        position, sep, digest = value.partition(":")
        if not sep or not position.isdigit() or len(digest) != 64:
            raise click.BadParameter(_("'{value}' is not POSITION:DIGEST (64 hexadecimal characters)").format(
                value=value))
        out.append((int(position), digest.lower()))
    return out


@ack.command("verify")
@click.option("--anchor", "anchors", multiple=True, callback=_anchor, metavar="POSITION:DIGEST",
              help="A mark noted earlier (certificate, previous check) that must be in the chain.")
@click.pass_obj
def verify_cmd(obj: _Ctx, anchors: list[tuple[int, str]]) -> None:
    """Check the whole chain of the log; report the first broken link."""
    from charter_kit.ack.events import verify

    _config, registry = obj.open()
    with registry.errors(_("the check")):
        result = verify(registry, anchors=anchors)
    if not result.ok:
        raise AckError(_("registry altered: {problem}").format(problem=result.problem),
                       hint=ngettext("{count} event checked before this link; restore the database from a backup and "
                                     "compare", "{count} events checked before this link; restore the database from "
                                     "a backup and compare", result.count).format(count=result.count))
    parts = [ngettext("{count} event", "{count} events", result.count).format(count=result.count),
             ngettext("{count} acknowledgement matching the log", "{count} acknowledgements matching the log",
                      result.acknowledgements).format(count=result.acknowledgements)]
    if result.erased:
        parts.append(ngettext("{count} content erased by a purge", "{count} contents erased by a purge",
                              result.erased).format(count=result.erased))
    if anchors:
        parts.append(ngettext("{count} mark found", "{count} marks found", result.anchors).format(count=result.anchors))
    click.echo(_("registry intact: {parts}").format(parts=", ".join(parts)))
    click.echo(_("head of the chain: {head}").format(head=f"{result.head_position}:{result.head_hash}"))
    click.echo(_("Note this head outside the registry (minutes, e-mail): --anchor will check it later."))


@ack.command("purge")
@click.option("--before", type=_DATE, metavar="YYYY-MM-DD",
              help="Purge the employees who left before this date. Default: the retention_years period (5 years).")
@click.option("--dry-run", is_flag=True, help="Count without erasing anything.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_obj
def purge_cmd(obj: _Ctx, before, dry_run: bool, yes: bool) -> None:
    """Erase the data of employees who left longer ago than the retention period (a purge kept in the log)."""
    import datetime as dt

    from charter_kit.ack.events import purge

    config, registry = obj.open()
    if before is not None:
        cutoff = before.replace(tzinfo=dt.timezone.utc)
        reason = f"départ avant le {cutoff.date().isoformat()} (date donnée)"
    else:
        now = registry.now()
        cutoff = now.replace(year=now.year - config.retention_years) if not (now.month == 2 and now.day == 29) \
            else now.replace(year=now.year - config.retention_years, day=28)
        reason = f"conservation de {config.retention_years} ans après le départ"
    plan = purge(registry, cutoff, actor=_actor(), reason=reason, dry_run=True)
    click.echo(ngettext("{count} employee who left before {date}: {acks}, {links}, {events} whose content will be "
                        "erased", "{count} employees who left before {date}: {acks}, {links}, {events} whose content "
                        "will be erased", plan.employees).format(
        count=plan.employees, date=show_date(cutoff.date()),
        acks=ngettext("{count} acknowledgement", "{count} acknowledgements", plan.acknowledgements).format(
            count=plan.acknowledgements),
        links=ngettext("{count} link", "{count} links", plan.tokens).format(count=plan.tokens),
        events=ngettext("{count} event", "{count} events", plan.events_erased).format(count=plan.events_erased)))
    if dry_run:
        return
    if not yes and not click.confirm(_("Erase these data for good?"), default=False):
        raise AckError(_("purge cancelled; nothing was erased"))
    done = purge(registry, cutoff, actor=_actor(), reason=reason)
    click.echo(ngettext("purge done and logged (event no. {position}): {count} employee erased",
                        "purge done and logged (event no. {position}): {count} employees erased", done.employees)
               .format(position=done.position, count=done.employees))


@ack.command("admin")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.pass_obj
def admin_cmd(obj: _Ctx, username: str, password_stdin: bool) -> None:
    """Create an HR account for the dashboard (password hashed with argon2)."""
    from charter_kit.ack.admins import create_admin

    _config, registry = obj.open()
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt(_("Password"), hide_input=True, confirmation_prompt=_("Confirm the password"))
    create_admin(registry, username, password, actor=_actor())
    click.echo(_("HR account '{name}' created; sign in at /admin").format(name=username))


@ack.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True, help="Port to listen on.")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Worker processes (several: PostgreSQL recommended).")
@click.pass_obj
def serve_cmd(obj: _Ctx, host: str, port: int, workers: int) -> None:
    """Serve the employees' page and the HR dashboard (uvicorn)."""
    import uvicorn

    from charter_kit.ack.config import PROJECT_ENV
    from charter_kit.ack.db import URL_ENV, database_url

    config, registry = obj.open(sync=True)
    os.environ[PROJECT_ENV] = str(config.root)
    os.environ[URL_ENV] = database_url(config.root, obj.db or config.database)
    registry.close()
    click.echo(ngettext("registry served on {url} ({count} process); Ctrl+C to stop",
                        "registry served on {url} ({count} processes); Ctrl+C to stop", workers).format(
        url=f"http://{host}:{port}", count=workers), err=True)
    uvicorn.run("charter_kit.ack.web.app:app_from_env", factory=True, host=host, port=port, workers=workers,
                proxy_headers=False, server_header=False, log_level="warning")
