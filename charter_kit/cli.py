"""The `charter` command line: each command parses, calls one function, prints."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import click

from charter_kit import __version__
from charter_kit.cli_params import DATE, TEXT, Group, notices, on_date, on_option, outside_store, profile_option
from charter_kit.errors import CharterError
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
        raise CharterError(f"{folder / 'charter.yml'}: a charter.yml already exists; nothing was written",
                           hint="choose another folder, or edit the existing profile")
    library = load_library()
    given = {}
    for item in contacts:
        role, sep, email = item.partition("=")
        if not sep or not role or not email:
            raise click.BadParameter(f"'{item}' is not ROLE=EMAIL", param_hint="--contact")
        given[role.strip()] = email.strip()
    name = company or (folder.resolve().name if no_input else click.prompt("Nom de l'entreprise"))
    jur = jurisdiction or ("fr" if no_input else click.prompt(
        "Droit applicable", type=click.Choice(JURISDICTIONS), default="fr"))
    is_listed = listed if listed is not None else (False if no_input else click.confirm(
        "Les actions de l'entreprise sont-elles cotées ?", default=False))
    if not no_input:
        for role in contact_roles(library, selection_for(library, is_listed)):
            if role not in given:
                given[role] = click.prompt(f"E-mail : {fr.role(role)} ({role})",
                                           default="", show_default=False).strip()
    answers = Answers(name, jur, is_listed, {k: v for k, v in given.items() if v})
    written = init_project(folder, answers, library)
    for path in written:
        click.echo(f"created {path}")
    click.echo("Next: fill what 'charter check' lists, then 'charter build'.")


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
def check(profile: Path, modules_dir: Path | None) -> None:
    """Validate the profile and the modules; exit 0 only when the charter renders."""
    from charter_kit.commands.modules import check_report
    from charter_kit.compose.library import load_library
    from charter_kit.compose.pipeline import load_project

    if modules_dir is not None:
        from charter_kit.commands.modules import check_hygiene

        lib = load_library(modules_dir)
        check_hygiene(lib, modules_dir, profile if profile.exists() else None)
        click.echo(f"{modules_dir}: {len(lib.modules)} modules load without problems; versions and changelogs "
                   "match their text")
        if not profile.exists():
            return
    project = load_project(profile)
    notices(project.notices)
    click.echo(check_report(project))
    from charter_kit.compose.schema import SCHEMA_FILE, stale_schema

    if stale_schema(project.root, project.library):
        notices([f"{SCHEMA_FILE} is out of date (the modules changed): run "
                 f"'charter schema -o {SCHEMA_FILE}' so the editor completes the profile again"])


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
        raise click.UsageError("--line-numbers applies to --format docx only")
    if output is None and fmt in ("pdf", "guide", "docx"):
        raise click.UsageError(f"--format {fmt} writes a {fmt.replace('guide', 'pdf').upper()} file: give it with -o FILE")
    project = load_project(profile)
    notices(project.notices)
    outside_store(profile, output, "-o")
    data = OUTPUTS[fmt].render(project.charter, **({"line_numbers": True} if line_numbers else {}))
    if output:
        atomic_write(output, data)
        click.echo(f"wrote {output}", err=True)
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
    click.echo(f"wrote {output}", err=True)


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
def release(version: str, profile: Path, date, effective, approvals: tuple[str, ...], structured, strict: bool,
            force: bool, notes: str | None, notes_file: Path | None, kind: str | None, allow_empty: bool) -> None:
    """Freeze the current charter as VERSION in releases/VERSION/."""
    from charter_kit.commands.release import ReleaseRequest, create_release
    from charter_kit.store.releases import writer_lock
    from charter_kit.model.release import Approval

    if notes is not None and notes_file is not None:
        raise click.UsageError("give --notes or --notes-file, not both")
    if notes_file is not None:
        try:
            notes = notes_file.read_text(encoding="utf-8-sig").strip() or None
        except UnicodeDecodeError:
            raise click.BadParameter(f"{notes_file} is not UTF-8 text", param_hint="--notes-file") from None
    given = [a.strip() for a in approvals if a.strip()]
    given += [Approval(name.strip(), role.strip() or None, day.date().isoformat()) for name, role, day in structured]
    request = ReleaseRequest(version, date.date().isoformat(), effective.date().isoformat() if effective else None,
                             tuple(given), notes, kind, allow_empty, strict=strict, force=force)
    request = replace(request, passphrase=_passphrase(profile.resolve().parent))
    with writer_lock(profile.resolve().parent):
        created = create_release(profile, request)
    rel = created.release
    how = "suggested from the changes" if created.kind_suggested else "as given"
    since = f" since {rel.previous_version}" if rel.previous_version and created.kind_suggested else ""
    click.echo(f"released {rel.version}: {rel.path}")
    click.echo(f"  effective {rel.effective_date} (from {created.effective_source}), digest {rel.digest[:12]}, "
               f"kind {rel.kind} ({how}{since})")
    click.echo(f"  files: {', '.join(['release.yml', *rel.files])}")
    if rel.forced:
        click.echo(f"  forced: {rel.forced}")
    for warning in created.warnings:
        click.echo(f"Warning: {warning}", err=True)


def _passphrase(root: Path) -> str | None:
    """The signing key's passphrase, when the project signs its releases: from the environment, else asked."""
    import os

    from charter_kit.store.keys import PASSPHRASE_ENV, has_certificate

    if not has_certificate(root):
        return None
    return os.environ.get(PASSPHRASE_ENV) or click.prompt("Passphrase of the signing key", hide_input=True)


@cli.command("releases")
@profile_option
@on_option
def releases_cmd(profile: Path, on) -> None:
    """List the releases with their dates, status, digest and kind."""
    from charter_kit.store.releases import load_releases, release_table

    found = load_releases(profile.resolve().parent)
    if not found:
        click.echo("no release yet (charter release VERSION --date YYYY-MM-DD creates one)")
        return
    click.echo(release_table(found, on_date(on)))


@cli.command()
@profile_option
@click.option("--pdf", "pdf_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Check this annex on its own, against the charter.json it carries.")
@click.option("--trust", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Also trust this certificate (a copy of the company's kept outside the project).")
def verify(profile: Path, pdf_file: Path | None, trust: Path | None) -> None:
    """Check every release: digests, signatures and timestamps; exit 0 only if all hold."""
    from charter_kit.store.verify import pdf_verification_report, verification_report, verify_pdf, verify_releases

    if pdf_file is not None:
        checked = verify_pdf(pdf_file)
        click.echo(pdf_verification_report(checked))
        if checked.digest is None:
            raise CharterError(f"{pdf_file}: this PDF carries no charter to check it against",
                               hint="check it within its release folder: charter verify -p charter.yml")
        if not checked.ok:
            raise CharterError(f"{pdf_file}: the PDF does not match the charter it carries",
                               hint="a PDF that fails was changed after it was made: use the release's own copy")
        return
    results = verify_releases(profile.resolve().parent, trust=trust)
    click.echo(verification_report(results))
    failed = [r.version for r in results if not r.ok]
    if failed:
        raise CharterError(f"{len(failed)} of {len(results)} releases failed verification: {', '.join(failed)}")


@cli.command()
@profile_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder. Default: public/ beside the profile.")
@on_option
def publish(profile: Path, out: Path | None, on) -> None:
    """Build the published site: every release, its PDF, its changes and the version selector."""
    from charter_kit.commands.publish import publish as publish_site

    root = profile.resolve().parent
    outside_store(profile, out, "--out")
    report = publish_site(root, out if out is not None else root / "public", on_date(on))
    count = len(report.built) + len(report.reused)
    click.echo(f"published {count} version{'s' if count > 1 else ''} to {report.out} "
               f"(built: {', '.join(report.built) or 'none'}; reused: {', '.join(report.reused) or 'none'})")
    click.echo(f"employees land on {report.landing} ({fr.RELEASE_STATUS[report.landing_status]})")


# -- build, serve -----------------------------------------------------------------------------------
@cli.command("build")
@profile_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder. Default: build/ next to the profile.")
@click.option("--no-site", is_flag=True, help="Do not build the site.")
@click.option("--no-pdf", is_flag=True, help="Do not build the PDF annex.")
def build_cmd(profile: Path, out: Path | None, no_site: bool, no_pdf: bool) -> None:
    """Build the employee site and the PDF annex."""
    from charter_kit.commands.build import build

    if no_site and no_pdf:
        raise click.UsageError("--no-site and --no-pdf together leave nothing to build")
    outside_store(profile, out, "--out")
    result = build(profile, out, site=not no_site, pdf=not no_pdf)
    if result.site_index:
        click.echo(f"site: {result.site_index}")
    if result.pdf:
        click.echo(f"pdf: {result.pdf}" + (" (unchanged, from cache)" if result.pdf_from_cache else ""))
    if result.guide:
        click.echo(f"guide: {result.guide}")


@cli.command("serve")
@profile_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option("--no-pdf", is_flag=True, help="Preview the site only (faster rebuilds).")
def serve_cmd(profile: Path, host: str, port: int, no_pdf: bool) -> None:
    """Preview the site in a browser; it rebuilds when the profile or a module changes."""
    from charter_kit.commands.serve import serve

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
        raise click.UsageError(f"--format {fmt} writes a file: give it with -o FILE")
    if line_numbers and fmt != "docx":
        raise click.UsageError("--line-numbers applies to --format docx only")
    outside_store(profile, output, "-o")
    changes, new = compare(a, b, profile)
    color = fmt == "text" and output is None and sys.stdout.isatty()
    result = render_diff(changes, fmt, new=new, color=color, author=author, line_numbers=line_numbers)
    if output is not None:
        atomic_write(output, result)
        click.echo(f"wrote {output} ({changes.kind}, {sum(changes.counts().values())} changes)", err=True)
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
