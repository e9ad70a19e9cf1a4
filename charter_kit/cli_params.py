"""What every `charter` command shares: the error-handling group, option types and common options."""

from __future__ import annotations

import contextlib
import os
import re
import sys
import traceback
from pathlib import Path

import click

from charter_kit.errors import CharterError, OutputError
from charter_kit.i18n import _, show_date
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

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.ClickException as exc:  # an option's value is echoed: never a control sequence
            exc.message = printable(exc.message)
            raise

    def invoke(self, ctx: click.Context):
        # Whatever a command prints (module summaries, ids, file names, texts read from a release)
        # reaches the terminal without a control sequence that could rewrite the screen.
        with printable_streams():
            try:
                return self._invoke(ctx)
            except click.ClickException as exc:
                exc.message = printable(exc.message)
                raise

    def _invoke(self, ctx: click.Context):
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
            reason = exc.strerror or str(exc)
            message = _("{file}: {reason}").format(file=exc.filename, reason=reason) if exc.filename else reason
            raise OutputError(message, hint=_("nothing was replaced: earlier outputs and releases are as they were")) \
                from None
        except Exception as exc:
            if ctx.meta.get("debug"):
                raise
            raise CharterError(_("internal error: {kind}: {error}").format(kind=type(exc).__name__, error=exc),
                               hint=_("run again with --debug to see the traceback, and report it")) from None


# -- what reaches the terminal ---------------------------------------------------------------------
#: The colours the terminal report uses (reports/text.py): kept; any other escape sequence is shown.
_OUR_COLOURS = re.compile(r"\x1b\[(?:0|1|9|3[12])m")
#: C0 and C1 controls (tab and line feed excepted), DEL, bidirectional overrides, lone surrogates.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def printable(text: str, *, colours: bool = False, carriage_return: bool = False) -> str:
    """``text`` safe for a terminal: every control character (escape sequences that move the cursor,
    set the title, write the clipboard or hide text; a carriage return that overwrites the line; a
    bidirectional override) shown as a visible escape such as ``\\x1b``. ``colours`` keeps the few
    colour codes charter-kit itself writes; ``carriage_return`` keeps ``\\r`` (the progress line)."""
    if not isinstance(text, str):
        return text

    def visible(m: re.Match[str]) -> str:
        ch = m.group()
        if carriage_return and ch == "\r":
            return ch
        return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"

    if not colours:
        return _CONTROL.sub(visible, text)
    parts = _OUR_COLOURS.split(text)
    codes = _OUR_COLOURS.findall(text)
    return "".join(_CONTROL.sub(visible, part) + (codes[i] if i < len(codes) else "") for i, part in enumerate(parts))


class _PrintableStream:
    """A text stream that passes what is written through ``printable``."""

    def __init__(self, stream, *, carriage_return: bool) -> None:
        self._stream = stream
        self._carriage_return = carriage_return

    def write(self, text):
        if isinstance(text, str):
            text = printable(text, colours=True, carriage_return=self._carriage_return)
        return self._stream.write(text)

    def __getattr__(self, name):
        return getattr(self._stream, name)


@contextlib.contextmanager
def printable_streams():
    """stdout and stderr through ``printable`` while a command runs (the progress line keeps its ``\\r``)."""
    if isinstance(sys.stdout, _PrintableStream):
        yield
        return
    saved = sys.stdout, sys.stderr
    sys.stdout = _PrintableStream(sys.stdout, carriage_return=False)
    sys.stderr = _PrintableStream(sys.stderr, carriage_return=True)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


class _Text(click.ParamType):
    """Text given on the command line: valid UTF-8, no control character, in NFC form."""

    name = "text"

    def convert(self, value, param, ctx):
        import re
        import unicodedata

        if not isinstance(value, str):
            return value
        if re.search(r"[\ud800-\udfff]", value):  # how Python keeps the bytes of invalid UTF-8
            self.fail(_("not valid UTF-8 text (check the terminal's encoding)"), param, ctx)
        bad = re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", value)
        if bad:
            self.fail(_("a control character ({code}) cannot be printed: remove it").format(
                code=f"U+{ord(bad.group()):04X}"), param, ctx)
        return unicodedata.normalize("NFC", value)


TEXT = _Text()


def outside_store(profile: Path, path: Path | None, option: str) -> None:
    """Only `charter release` writes into releases/: refuse any other output there."""
    from charter_kit.store.releases import refuse_inside_store

    if path is not None:
        refuse_inside_store(profile.resolve().parent, path, option)


def _profile_path(ctx: click.Context, param: click.Parameter, value: Path) -> Path:
    # `-p ma-charte` means the profile of that charter project.
    if value.is_dir():
        if (value / "charter.yml").is_file() or value.name != "charter.yml":
            return value / "charter.yml"
        raise click.BadParameter(_("{path} is a directory, not a profile").format(path=value), ctx, param)
    return value


def profile_option(f):
    """The -p/--profile option every command takes: charter.yml, or the folder that holds it."""
    return click.option("-p", "--profile", "profile", type=click.Path(path_type=Path), callback=_profile_path,
                        default=Path("charter.yml"), show_default=False, help=PROFILE_HELP)(f)


def notices(items) -> None:
    """Print notices on stderr, so stdout stays the command's output."""
    for item in items:
        click.echo(_("Note: {notice}").format(notice=item), err=True)


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
            self.fail(_("'{text}' is not a date: write it 15/01/2027 or 2027-01-15").format(text=text), param, ctx)
        if not date_in_range(day.date().isoformat()):
            self.fail(_("'{text}' is outside the dates a charter may carry ({first} to {last})").format(
                text=text, first=show_date(DATE_MIN), last=show_date(DATE_MAX)), param, ctx)
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


# -- progress, quiet and JSON output ----------------------------------------------------------------
def no_color() -> bool:
    """NO_COLOR is set (https://no-color.org): no ANSI code at all in what we print."""
    return bool(os.environ.get("NO_COLOR"))


class Progress:
    """Step names, and a bar where the work is countable, on stderr while a command works.

    Shown only on a terminal (a pipe, a log file or --quiet gets nothing) and written with carriage
    returns and spaces only, never ANSI codes, so NO_COLOR and dumb terminals read it as well.
    Commands take its ``step`` and ``count`` methods as plain callbacks; they never import this layer.
    """

    def __init__(self, quiet: bool = False, stream=None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        isatty = getattr(self.stream, "isatty", None)
        self.shown = not quiet and bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"
        self._width = 0
        self._name = ""

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        self.clear()

    def step(self, name: str) -> None:
        """Show that the command now does ``name`` (already in the user's language)."""
        self._name = name
        self._show(f"{name}…")

    def count(self, done: int, total: int, name: str | None = None) -> None:
        """Show ``done`` of ``total`` units of the current step as a bar."""
        if total <= 0:
            return
        width = 24
        filled = min(width, width * done // total)
        bar = "#" * filled + "-" * (width - filled)
        self._show(f"{name or self._name} [{bar}] {done}/{total}")

    def clear(self) -> None:
        """Erase the progress line, so the command's own lines start clean."""
        if self.shown and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0

    def _show(self, text: str) -> None:
        if not self.shown:
            return
        try:
            columns = os.get_terminal_size(self.stream.fileno()).columns or 80  # 0: a terminal without a size
        except (OSError, ValueError, AttributeError):
            columns = 80
        text = text[: max(columns - 1, 10)]
        self.stream.write("\r" + text + " " * max(self._width - len(text), 0))
        self.stream.flush()
        self._width = len(text)


def quiet_option(f):
    """--quiet / -q: print only what is wrong; the exit status says the rest."""
    return click.option("-q", "--quiet", is_flag=True, help="Print only problems; no progress, no report.")(f)


def json_option(f):
    """--json: one JSON document on stdout, with stable keys and codes (for CI annotations)."""
    return click.option("--json", "as_json", is_flag=True,
                        help="Print one JSON document (stable keys, codes rather than labels) for scripts and CI.")(f)


def error_json(exc: CharterError) -> list[dict]:
    """An error's problems for --json (file, line, key, message, as CI annotations read them)."""
    from charter_kit.commands.machine import problem_data

    if getattr(exc, "problems", None):
        return [problem_data(p) for p in exc.problems]
    return [{"severity": "error", "file": None, "line": None, "key": None, "message": getattr(exc, "text", exc.message)}]


def error_code(exc: CharterError) -> str:
    """A stable code for an error's class: ProfileError -> "profile", ModuleError -> "module"."""
    name = type(exc).__name__
    return name[: -len("Error")].lower() if name.endswith("Error") and name != "CharterError" else "error"


def print_json(data) -> None:
    """Print ``data`` as one JSON document (UTF-8, keys sorted, same data same bytes)."""
    import json

    click.echo(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True))


@contextlib.contextmanager
def json_errors(as_json: bool):
    """With --json, an error is also one JSON document on stdout (ok: false, a code, its problems)."""
    try:
        yield
    except CharterError as exc:
        if as_json:
            print_json({"ok": False, "error": error_code(exc), "problems": error_json(exc), "hint": exc.hint})
        raise


# -- prompts ------------------------------------------------------------------------------------------
class _YesNo(click.ParamType):
    """A yes/no answer in French or English: o, oui, y, yes, n, non, no (any case)."""

    name = "yes/no"

    def convert(self, value, param, ctx):
        if isinstance(value, bool):
            return value
        answer = str(value).strip().lower()
        if answer in ("o", "oui", "y", "yes"):
            return True
        if answer in ("n", "non", "no"):
            return False
        self.fail(_("answer yes or no (o, oui, y, yes or n, non, no)"), param, ctx)


YES_NO = _YesNo()


def ask(text: str, **options):
    """click.prompt with the colon as the user's language writes it ("Nom : " in French)."""
    return click.prompt(text, prompt_suffix=_(": "), **options)


def confirm(text: str, default: bool = False) -> bool:
    """Ask a yes/no question in the user's language; French and English answers are both understood."""
    choices = _("y/N") if not default else _("Y/n")
    return ask(f"{text} [{choices}]", type=YES_NO, default=default, show_default=False)


@contextlib.contextmanager
def port_in_use(host: str, port: int):
    """A server whose port is taken says so and suggests --port (not the generic "nothing was replaced")."""
    import errno

    try:
        yield
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE:
            raise
        raise CharterError(_("port {port} on {host} is already in use (another preview, or another program)").format(
            port=port, host=host), hint=_("stop the other program, or choose another port: {command}").format(
                command=f"charter serve --port {port + 1 if port < 65535 else 8000}")) from None
