"""The `charter adoption` command group: the procedure of a version, recording a milestone, the pack.

`charter adoption [VERSION|draft]` shows the procedure; `charter adoption record MILESTONE …` and
`charter adoption pack [VERSION]` are its subcommands. The procedure report and the pack are in
French (documents for HR and legal); the command's own lines follow the user's language.
"""

from __future__ import annotations

from pathlib import Path

import click

from charter_kit.cli_params import DATE as _DATE
from charter_kit.cli_params import Group, profile_option
from charter_kit.i18n import _, ngettext, show_date


class _DefaultShow(Group):
    """A group whose first argument, when it is not a subcommand, is the version to show."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("-h", "--help")):
            args = ["show", *args]
        return super().parse_args(ctx, args)


_profile = profile_option


def _on(f):
    return click.option("--on", "on", type=_DATE, default=None, metavar="YYYY-MM-DD",
                        help="Compute for this day instead of today (the draft's formalities cannot be earlier).")(f)


def _today(value):
    """The day the draft's procedure is computed for: --on, else today (the only place the clock is read)."""
    import datetime

    return value.date() if value is not None else datetime.date.today()


@click.group("adoption", cls=_DefaultShow)
def adoption() -> None:
    """The adoption procedure: milestones recorded and missing, earliest lawful effective date, documents."""


@adoption.command("show")
@click.argument("version", required=False)
@_profile
@_on
def show(version: str | None, profile: Path, on) -> None:
    """Show the procedure of VERSION, 'draft', or by default the latest release (the draft if it changed)."""
    from charter_kit.commands.adoption import show as show_procedure

    click.echo(show_procedure(profile, version, _today(on)), nl=False)


@adoption.command("record")
@click.argument("milestone")
@click.option("--date", "date", type=_DATE, required=True, metavar="YYYY-MM-DD", help="When it was done.")
@click.option("--ref", help="Evidence: registered-letter number, greffe receipt, minutes of the CSE meeting…")
@click.option("--entity", help="The entity it concerns (company.entities id). Default: every entity.")
@click.option("--establishment", help="The establishment it concerns. Default: every establishment.")
@click.option("--version", "version", metavar="VERSION|draft",
              help="Record it for this release or the draft. Default: as 'charter adoption' shows.")
@_profile
@_on
def record(milestone: str, date, ref: str | None, entity: str | None, establishment: str | None,
           version: str | None, profile: Path, on) -> None:
    """Record MILESTONE (e.g. avis-cse, depot-greffe, publicite) with its date and evidence."""
    from charter_kit.commands.adoption import record as record_milestone
    from charter_kit.locales import fr

    done = record_milestone(profile, milestone, date=date.date().isoformat(), ref=ref, entity=entity,
                            establishment=establishment, which=version, on=_today(on))
    if done.target.release is None:
        where = _("the draft ({file})").format(file="adoption/draft.yml")
    else:
        version = done.target.release.version
        where = _("version {version} ({file}, chained)").format(version=version, file=f"adoption/{version}.yml")
    click.echo(_("Recorded: {milestone} of {date} for {where}").format(
        milestone=milestone, date=show_date(done.entry["date"]), where=where))
    click.echo("  " + _("Concerns: {units}").format(units=fr.join(done.units)))
    click.echo("  " + _("Earliest effective date: {date}").format(date=show_date(done.adoption.earliest))
               + ("" if not done.adoption.complete else _("; procedure complete")))
    release = done.target.release
    if release is not None and done.adoption.earliest > release.effective():
        click.echo(_("Warning: version {version} announces an effective date of {date}, earlier than the procedure "
                     "now allows; it will not apply before {earliest}: release a version that replaces it with a "
                     "lawful date").format(version=release.version, date=show_date(release.effective_date),
                                           earliest=show_date(done.adoption.earliest)), err=True)


@adoption.command("pack")
@click.argument("version", required=False)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder. Default: adoption/pack-VERSION/ beside the profile.")
@_profile
@_on
def pack(version: str | None, out: Path | None, profile: Path, on) -> None:
    """Write the documents legal sends for VERSION (default: the latest release), in PDF and DOCX."""
    from charter_kit.commands.adoption_pack import write_pack

    written = write_pack(profile, version, out, _today(on))
    click.echo(ngettext("wrote {count} file to {folder}", "wrote {count} files to {folder}", len(written.files))
               .format(count=len(written.files), folder=written.folder))
    for name in written.files:
        click.echo(f"  {name}")
