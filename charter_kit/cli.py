"""The `charter` command line: each command parses, calls one function, prints."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import click

from charter_kit import __version__
from charter_kit.cli_params import (DATE, TEXT, Group, Progress, confirm, json_errors, json_option, no_color, notices,
                                    on_date, on_option, outside_store, port_in_use, print_json, profile_option,
                                    quiet_option, ask)
from charter_kit.errors import CharterError
from charter_kit.i18n import _, ngettext
from charter_kit.locales import fr
from charter_kit.model.vocabulary import JURISDICTIONS
from charter_kit.outputs.registry import OUTPUTS
from charter_kit.reports.registry import FORMATS as REPORT_FORMATS



@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks on errors.")
@click.version_option(__version__, prog_name="charter-kit")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """charter-kit: a social-media charter from reusable modules."""
    ctx.meta["debug"] = debug


# -- init -------------------------------------------------------------------------------------------
@cli.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), default=Path("."))
@click.option("--no-input", is_flag=True, help="Ask nothing; use the options and defaults.")
@click.option("--company", type=TEXT, help="Company name.")
@click.option("--jurisdiction", type=click.Choice(JURISDICTIONS), help="Applicable law.")
@click.option("--listed/--not-listed", default=None, help="Whether the company's shares are listed.")
@click.option("--contact", "contacts", multiple=True, metavar="ROLE=EMAIL", help="A contact (repeatable).")
def init(folder: Path, no_input: bool, company: str | None, jurisdiction: str | None,
         listed: bool | None, contacts: tuple[str, ...]) -> None:
    """Create a charter project (charter.yml, README, .gitignore) in FOLDER."""
    from charter_kit.compose.library import load_library
    from charter_kit.commands.init import Answers, contact_roles, init_project, selection_for

    if (folder / "charter.yml").exists():
        raise CharterError(_("{file}: a charter.yml already exists; nothing was written").format(
            file=folder / "charter.yml"), hint=_("choose another folder, or edit the existing profile"))
    library = load_library()
    given = {}
    for item in contacts:
        role, sep, email = item.partition("=")
        if not sep or not role or not email:
            raise click.BadParameter(_("'{value}' is not ROLE=EMAIL").format(value=item), param_hint="--contact")
        given[role.strip()] = email.strip()
    name = company or (folder.resolve().name if no_input else ask(_("Company name")))
    jur = jurisdiction or ("fr" if no_input else ask(
        _("Applicable law"), type=click.Choice(JURISDICTIONS), default="fr"))
    is_listed = listed if listed is not None else (False if no_input else confirm(
        _("Are the company's shares listed?"), default=False))
    if not no_input:
        for role in contact_roles(library, selection_for(library, is_listed)):
            if role not in given:
                given[role] = ask(_("E-mail: {label} ({role})").format(label=fr.role(role), role=role),
                                  default="", show_default=False).strip()
    answers = Answers(name, jur, is_listed, {k: v for k, v in given.items() if v})
    written = init_project(folder, answers, library)
    for path in written:
        click.echo(_("created {file}").format(file=path))
    click.echo(_("Next: fill what 'charter check' lists, then 'charter build'."))


# -- modules ------------------------------------------------------------------------------------------
@cli.group(invoke_without_command=True)
@profile_option
@click.pass_context
def modules(ctx: click.Context, profile: Path) -> None:
    """List the modules of the library (with the profile's local modules, if any)."""
    ctx.obj = profile
    if ctx.invoked_subcommand is None:
        from charter_kit.commands.modules import module_table

        click.echo(module_table(_library(profile)))


@modules.command("show")
@click.argument("module_id")
@click.pass_obj
def modules_show(profile: Path, module_id: str) -> None:
    """Show one module: summary, variables, options, clauses and legal basis."""
    from charter_kit.commands.modules import module_details

    click.echo(module_details(_library(profile), module_id))


def _library(profile: Path):
    from charter_kit.compose.library import load_library
    from charter_kit.compose.profile import load_profile
    from charter_kit.compose.pipeline import load_library_for

    if profile.exists():
        return load_library_for(load_profile(profile))
    return load_library()


# -- check, render, schema -------------------------------------------------------------------------------
@cli.command()
@profile_option
@click.option("--modules", "modules_dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="Also check this folder of modules (for module authors).")
@quiet_option
@json_option
def check(profile: Path, modules_dir: Path | None, quiet: bool, as_json: bool) -> None:
    """Validate the profile and the modules; exit 0 only when the charter renders."""
    from charter_kit.commands.machine import check_data
    from charter_kit.commands.check import check_notices, folder_report
    from charter_kit.commands.modules import check_report
    from charter_kit.compose.library import load_library
    from charter_kit.compose.pipeline import load_project

    count, say = None, (lambda text: None) if quiet or as_json else click.echo
    with json_errors(as_json):
        if modules_dir is not None:
            from charter_kit.commands.modules import check_hygiene

            lib = load_library(modules_dir)
            check_hygiene(lib, modules_dir, profile if profile.exists() else None)
            count = len(lib.modules)
            say(folder_report(modules_dir, count))
            if not profile.exists():
                return print_json({"ok": True, "modules_checked": count, "problems": []}) if as_json else None
        project = load_project(profile)
    found = check_notices(project)
    if as_json:
        return print_json(check_data(project, found, modules_checked=count))
    if not quiet:
        notices(project.notices)
        click.echo(check_report(project))
        notices(found[len(project.notices):])


@cli.command("render")
@profile_option
@click.option("--format", "fmt", type=click.Choice(list(OUTPUTS)), default="md", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE.")
@click.option("--line-numbers", is_flag=True, help="Number the lines of the DOCX, page by page.")
def render_cmd(profile: Path, fmt: str, output: Path | None, line_numbers: bool) -> None:
    """Render the charter in one of its file formats (Markdown, canonical JSON, PDF, DOCX…)."""
    from charter_kit.fsutil import atomic_write
    from charter_kit.compose.pipeline import load_project

    if line_numbers and fmt != "docx":
        raise click.UsageError(_("--line-numbers applies to --format docx only"))
    if output is None and fmt in ("pdf", "guide", "docx"):
        raise click.UsageError(_("--format {format} writes a {kind} file: give it with -o FILE").format(
            format=fmt, kind=fmt.replace("guide", "pdf").upper()))
    project = load_project(profile)
    notices(project.notices)
    outside_store(profile, output, "-o")
    data = OUTPUTS[fmt].render(project.charter, **({"line_numbers": True} if line_numbers else {}))
    if output:
        atomic_write(output, data)
        click.echo(_("wrote {file}").format(file=output), err=True)
    else:
        click.echo(data.decode("utf-8"), nl=False)


@cli.command()
@profile_option
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE.")
def schema(profile: Path, output: Path | None) -> None:
    """Print the JSON Schema of charter.yml for editors, with the modules of the library in use."""
    from charter_kit.compose.library import load_library
    from charter_kit.compose.pipeline import load_library_for
    from charter_kit.compose.profile import load_profile
    from charter_kit.compose.schema import schema_text
    from charter_kit.fsutil import atomic_write

    library = load_library_for(load_profile(profile)) if profile.exists() else load_library()
    text = schema_text(library)
    if output is None:
        click.echo(text, nl=False)
        return
    outside_store(profile, output, "-o")
    atomic_write(output, text)
    click.echo(_("wrote {file}").format(file=output), err=True)


# -- release, releases, verify, publish ----------------------------------------------------------------
@cli.command()
@click.argument("version")
@profile_option
@click.option("--date", "date", type=DATE, required=True, metavar="YYYY-MM-DD", help="Release date.")
@click.option("--effective", type=DATE, metavar="YYYY-MM-DD",
              help="Date the version applies from. Default: charter.effective_date in the profile, else the "
                   "earliest lawful date of the adoption procedure.")
@click.option("--approved-by", "approvals", multiple=True, type=TEXT, metavar='"NAME, ROLE, YYYY-MM-DD"',
              help="Who approved this version, their role and the date (repeatable).")
@click.option("--approval", "structured", multiple=True, type=(TEXT, TEXT, DATE), metavar="NAME ROLE YYYY-MM-DD",
              help="The same as three separate values, for names or roles with commas (repeatable).")
@click.option("--strict", is_flag=True, help="Refuse a release without approvals, or with one lacking role or date.")
@click.option("--force", is_flag=True, help="Release although the adoption procedure says the effective date is "
                                            "too early; release.yml records it.")
@click.option("--notes", type=TEXT, help="Release notes.")
@click.option("--notes-file", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="Read the release notes from FILE (UTF-8).")
@click.option("--kind", type=click.Choice(["substantive", "editorial"]),
              help="Nature of the change. Default: suggested from the changes since the last release.")
@click.option("--allow-empty", is_flag=True, help="Release even if nothing changed since the last release.")
@quiet_option
def release(version: str, profile: Path, date, effective, approvals: tuple[str, ...], structured, strict: bool,
            force: bool, notes: str | None, notes_file: Path | None, kind: str | None, allow_empty: bool,
            quiet: bool) -> None:
    """Freeze the current charter as VERSION in releases/VERSION/."""
    from charter_kit.commands.release import ReleaseRequest, create_release, summary
    from charter_kit.store.releases import writer_lock
    from charter_kit.model.release import Approval

    if notes is not None and notes_file is not None:
        raise click.UsageError(_("give --notes or --notes-file, not both"))
    if notes_file is not None:
        try:
            notes = notes_file.read_text(encoding="utf-8-sig").strip() or None
        except UnicodeDecodeError:
            raise click.BadParameter(_("{file} is not UTF-8 text").format(file=notes_file), param_hint="--notes-file") \
                from None
    given = [a.strip() for a in approvals if a.strip()]
    given += [Approval(name.strip(), role.strip() or None, day.date().isoformat()) for name, role, day in structured]
    request = ReleaseRequest(version, date.date().isoformat(), effective.date().isoformat() if effective else None,
                             tuple(given), notes, kind, allow_empty, strict=strict, force=force)
    request = replace(request, passphrase=_passphrase(profile.resolve().parent))
    with writer_lock(profile.resolve().parent), Progress(quiet) as progress:
        created = create_release(profile, request, progress=progress.step)
    if not quiet:
        click.echo("\n".join(summary(created)))
    for warning in created.warnings:
        click.echo(_("Warning: {warning}").format(warning=warning), err=True)


def _passphrase(root: Path) -> str | None:
    """The signing key's passphrase, when the project signs its releases: from the environment, else asked."""
    import os

    from charter_kit.store.keys import PASSPHRASE_ENV, has_certificate

    if not has_certificate(root):
        return None
    return os.environ.get(PASSPHRASE_ENV) or ask(_("Passphrase of the signing key"), hide_input=True)


@cli.command("releases")
@profile_option
@on_option
@click.option("-q", "--quiet", is_flag=True, help="Print only the version numbers, one per line.")
@json_option
def releases_cmd(profile: Path, on, quiet: bool, as_json: bool) -> None:
    """List the releases with their dates, status, digest and kind."""
    from charter_kit.commands.machine import releases_data
    from charter_kit.store.releases import load_releases, release_table

    with json_errors(as_json):
        found = load_releases(profile.resolve().parent)
    if as_json:
        return print_json(releases_data(found, on_date(on)))
    shown = release_table(found, on_date(on)) if found else _("no release yet ({command} creates one)").format(
        command="charter release VERSION --date YYYY-MM-DD")
    click.echo("\n".join(r.version for r in found) if quiet else shown, nl=bool(found) or not quiet)


@cli.command()
@profile_option
@click.option("--pdf", "pdf_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Check this annex on its own, against the charter.json it carries.")
@click.option("--trust", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Also trust this certificate (a copy of the company's kept outside the project).")
@quiet_option
@json_option
def verify(profile: Path, pdf_file: Path | None, trust: Path | None, quiet: bool, as_json: bool) -> None:
    """Check every release: digests, signatures and timestamps; exit 0 only if all hold."""
    from charter_kit.commands.machine import pdf_data, verify_data
    from charter_kit.store.verify import pdf_verification_report, verification_report, verify_pdf, verify_releases

    show = print_json if as_json else (lambda data: None) if quiet else click.echo
    if pdf_file is not None:
        checked = verify_pdf(pdf_file)
        show(pdf_data(checked) if as_json else pdf_verification_report(checked))
        if checked.digest is None:
            raise CharterError(_("{file}: this PDF carries no charter to check it against").format(file=pdf_file),
                               hint=_("check it within its release folder: {command}").format(
                                   command="charter verify -p charter.yml"))
        if not checked.ok:
            raise CharterError(_("{file}: the PDF does not match the charter it carries").format(file=pdf_file),
                               hint=_("a PDF that fails was changed after it was made: use the release's own copy"))
        return
    with json_errors(as_json):
        results = verify_releases(profile.resolve().parent, trust=trust)
    show(verify_data(results) if as_json else verification_report(results))
    failed = [r.version for r in results if not r.ok]
    if failed:
        raise CharterError(ngettext("{failed} of {count} release failed verification: {versions}",
                                    "{failed} of {count} releases failed verification: {versions}",
                                    len(results)).format(failed=len(failed), count=len(results),
                                                         versions=", ".join(failed)))


@cli.command()
@profile_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder. Default: public/ beside the profile.")
@on_option
@quiet_option
def publish(profile: Path, out: Path | None, on, quiet: bool) -> None:
    """Build the published site: every release, its PDF, its changes and the version selector."""
    from charter_kit.commands.publish import publish as publish_site

    root = profile.resolve().parent
    outside_store(profile, out, "--out")
    with Progress(quiet) as progress:
        report = publish_site(root, out if out is not None else root / "public", on_date(on), progress=progress)
    count, none = len(report.built) + len(report.reused), _("none")
    if not quiet:
        click.echo(ngettext("published {count} version to {folder} (built: {built}; reused: {reused})",
                            "published {count} versions to {folder} (built: {built}; reused: {reused})", count).format(
            count=count, folder=report.out, built=", ".join(report.built) or none,
            reused=", ".join(report.reused) or none))
        click.echo(_("employees land on {version} ({status})").format(
            version=report.landing, status=fr.RELEASE_STATUS[report.landing_status]))


# -- build, serve -----------------------------------------------------------------------------------
@cli.command("build")
@profile_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder. Default: build/ next to the profile.")
@click.option("--no-site", is_flag=True, help="Do not build the site.")
@click.option("--no-pdf", is_flag=True, help="Do not build the PDF annex.")
@quiet_option
def build_cmd(profile: Path, out: Path | None, no_site: bool, no_pdf: bool, quiet: bool) -> None:
    """Build the employee site and the PDF annex."""
    from charter_kit.commands.build import build, summary

    if no_site and no_pdf:
        raise click.UsageError(_("--no-site and --no-pdf together leave nothing to build"))
    outside_store(profile, out, "--out")
    with Progress(quiet) as progress:
        result = build(profile, out, site=not no_site, pdf=not no_pdf, progress=progress.step)
    if not quiet:
        click.echo("\n".join(summary(result)))


@cli.command("serve")
@profile_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option("--no-pdf", is_flag=True, help="Preview the site only (faster rebuilds).")
def serve_cmd(profile: Path, host: str, port: int, no_pdf: bool) -> None:
    """Preview the site in a browser; it rebuilds when the profile or a module changes."""
    from charter_kit.commands.serve import serve

    with port_in_use(host, port):
        serve(profile, host=host, port=port, pdf=not no_pdf)


@cli.command("diff")
@click.argument("a", default="latest")
@click.argument("b", default="draft")
@profile_option
@click.option("--format", "fmt", type=click.Choice(REPORT_FORMATS),
              default="text", show_default=True, help="Output format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE.")
@click.option("--author", type=TEXT, help="Who the DOCX tracked changes and comments are attributed to "
                                           "(default: charter-kit).")
@click.option("--line-numbers", is_flag=True, help="Number the lines of the DOCX, page by page.")
def diff_cmd(a: str, b: str, profile: Path, fmt: str, output: Path | None, author: str | None,
             line_numbers: bool) -> None:
    """Show what changes from A to B (release versions, 'latest' or 'draft'; default: latest draft)."""
    from charter_kit.reports.registry import render_diff
    from charter_kit.fsutil import atomic_write
    from charter_kit.commands.compare import compare

    if fmt in ("docx", "pdf") and output is None:
        raise click.UsageError(_("--format {format} writes a file: give it with -o FILE").format(format=fmt))
    if line_numbers and fmt != "docx":
        raise click.UsageError(_("--line-numbers applies to --format docx only"))
    outside_store(profile, output, "-o")
    changes, new = compare(a, b, profile)
    color = fmt == "text" and output is None and sys.stdout.isatty() and not no_color()
    result = render_diff(changes, fmt, new=new, color=color, author=author, line_numbers=line_numbers)
    if output is not None:
        atomic_write(output, result)
        total = sum(changes.counts().values())
        click.echo(ngettext("wrote {file} ({kind}, {count} change)", "wrote {file} ({kind}, {count} changes)", total)
                   .format(file=output, kind=changes.kind, count=total), err=True)
    else:
        click.echo(result, nl=False)


# -- ack: the acknowledgement registry (optional extra; charter_kit.cli_ack imports only click) -----
from charter_kit.cli_ack import ack as _ack  # noqa: E402

cli.add_command(_ack)
from charter_kit.cli_adoption import adoption as _adoption  # noqa: E402

cli.add_command(_adoption)
from charter_kit.cli_legal import keys as _keys  # noqa: E402
from charter_kit.cli_legal import review as _review  # noqa: E402

cli.add_command(_keys)
cli.add_command(_review)


def main() -> None:
    """Entry point of the `charter` script."""
    cli.main(prog_name="charter")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
