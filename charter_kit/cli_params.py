"""What every `charter` command shares: the error-handling group, option types and common options."""

from __future__ import annotations

import traceback
from pathlib import Path

import click

from charter_kit.errors import CharterError, OutputError
from charter_kit.i18n import _
from charter_kit.model.vocabulary import DATE_MAX, DATE_MIN, date_in_range

PROFILE_HELP = "The profile (charter.yml), or its folder. Default: ./charter.yml."


class HelpFormatter(click.HelpFormatter):
    """Click's help, with our help texts in the user's language (they are msgids of the catalog)."""

    def write_text(self, text: str) -> None:
        super().write_text(_(text))

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(term, _help_row(text)) for term, text in rows], col_max, col_spacing)


def _help_row(text: str) -> str:
    # Click appends "  [default: …]" or "  [required]" (already translated) to an option's help.
    head, sep, extra = text.partition("  [")
    return _(head) + sep + extra if head else text


class Context(click.Context):
    """A context whose help speaks the user's language."""

    formatter_class = HelpFormatter


class Command(click.Command):
    """A command whose short help (in the list of commands) is translated before it is shortened."""

    context_class = Context

    def get_short_help_str(self, limit: int = 45) -> str:
        return _short_help(self, limit)


def _short_help(command: click.Command, limit: int) -> str:
    import inspect

    from click.core import _make_default_short_help

    if command.short_help:
        return _(inspect.cleandoc(command.short_help)).strip()
    if command.help:
        return _make_default_short_help(_(inspect.cleandoc(command.help).partition("\f")[0]), limit).strip()
    return ""


class Group(click.Group):
    """Turns unexpected exceptions into one readable error, unless --debug asks for tracebacks."""

    context_class = Context
    command_class = Command
    group_class = type  # subgroups are Groups too: translated help, readable errors

    def get_short_help_str(self, limit: int = 45) -> str:
        return _short_help(self, limit)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.Abort):
            raise
        except click.ClickException:
            if ctx.meta.get("debug"):
                traceback.print_exc()
            raise
        except KeyboardInterrupt:
            raise click.Abort() from None
        except OSError as exc:
            # The disk, permissions or a missing file: the user's environment, not a bug.
            if ctx.meta.get("debug"):
                raise
            where = f"{exc.filename}: " if exc.filename else ""
            raise OutputError(f"{where}{exc.strerror or exc}",
                              hint="nothing was replaced: earlier outputs and releases are as they were") from None
        except Exception as exc:
            if ctx.meta.get("debug"):
                raise
            raise CharterError(f"internal error: {type(exc).__name__}: {exc}",
                               hint="run again with --debug to see the traceback, and report it") from None


class _Text(click.ParamType):
    """Text given on the command line: valid UTF-8, no control character, in NFC form."""

    name = "text"

    def convert(self, value, param, ctx):
        import re
        import unicodedata

        if not isinstance(value, str):
            return value
        if re.search(r"[\ud800-\udfff]", value):  # how Python keeps the bytes of invalid UTF-8
            self.fail("not valid UTF-8 text (check the terminal's encoding)", param, ctx)
        bad = re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", value)
        if bad:
            self.fail(f"a control character (U+{ord(bad.group()):04X}) cannot be printed: remove it", param, ctx)
        return unicodedata.normalize("NFC", value)


TEXT = _Text()


def outside_store(profile: Path, path: Path | None, option: str) -> None:
    """Only `charter release` writes into releases/: refuse any other output there."""
    from charter_kit.store.releases import refuse_inside_store

    if path is not None:
        refuse_inside_store(profile.resolve().parent, path, option)


def _profile_path(ctx: click.Context, param: click.Parameter, value: Path) -> Path:
    # `-p ma-charte` means the profile of that charter project.
    return value / "charter.yml" if value.is_dir() else value


def profile_option(f):
    """The -p/--profile option every command takes: charter.yml, or the folder that holds it."""
    return click.option("-p", "--profile", "profile", type=click.Path(path_type=Path), callback=_profile_path,
                        default=Path("charter.yml"), show_default=False, help=PROFILE_HELP)(f)


def notices(items) -> None:
    """Print notices on stderr, so stdout stays the command's output."""
    for item in items:
        click.echo(f"Note: {item}", err=True)


class _Date(click.ParamType):
    """A date as HR writes it: 2027-01-15 or 15/01/2027, within the dates a charter may carry."""

    name = "date"

    def convert(self, value, param, ctx):
        import datetime as dt

        if isinstance(value, dt.datetime):
            return value
        text = str(value).strip()
        for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                day = dt.datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        else:
            self.fail(f"'{text}' is not a date: write it 2027-01-15 or 15/01/2027", param, ctx)
        if not date_in_range(day.date().isoformat()):
            self.fail(f"'{text}' is outside the dates a charter may carry ({DATE_MIN} to {DATE_MAX})", param, ctx)
        return day


DATE = _Date()


def on_option(f):
    """The --on DATE option: statuses are computed for that day (default: today)."""
    return click.option("--on", "on", type=DATE, default=None, metavar="YYYY-MM-DD",
                        help="Compute statuses for this day instead of today.")(f)


def on_date(value):
    """The day statuses are computed for: --on, else today (the only place the clock is read)."""
    import datetime

    return value.date() if value is not None else datetime.date.today()
