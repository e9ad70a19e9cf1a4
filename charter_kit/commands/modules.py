"""Text reports about modules and profiles: the module table, one module's details, check's summary."""

from __future__ import annotations

from charter_kit.errors import CharterError, did_you_mean
from charter_kit.i18n import _
from charter_kit.compose.module import Library, Module, ValueSpec


def module_table(library: Library) -> str:
    """A table of every module: id, title, version, requires."""
    rows = [(_("id"), _("title"), _("version"), _("requires"))]
    rows += [(m.id + (" " + _("(local)") if m.origin == "local" else ""), m.title.get("fr", ""), m.version,
              ", ".join(m.requires) or "-") for m in library.ordered()]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = ["  ".join(r[i].ljust(widths[i]) for i in range(3)) + "  " + r[3] for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths) + "  " + "-" * 8)
    return "\n".join(line.rstrip() for line in lines)


def _default(spec: ValueSpec) -> str:
    if spec.required:
        return _("required")
    value = spec.default
    if isinstance(value, bool):
        return _("default: {value}").format(value="true" if value else "false")
    if isinstance(value, list):
        return _("default: {value}").format(value="[" + ", ".join(value) + "]")
    return _("default: {value}").format(value=value)


def _spec_lines(specs: dict[str, ValueSpec]) -> list[str]:
    out = []
    for spec in specs.values():
        kind = spec.type + (f" ({' | '.join(spec.choices)})" if spec.choices else "")
        out.append(f"  {spec.name}: {kind}, {_default(spec)}")
        out.append(f"      {spec.label.get('fr', '')}")
        if spec.help and spec.help.get("fr"):
            out.append(f"      {spec.help['fr']}")
    return out or ["  " + _("(none)")]


def module_details(library: Library, module_id: str) -> str:
    """Everything HR needs to know about one module."""
    module: Module | None = library.get(module_id)
    if module is None:
        raise CharterError(_("unknown module '{id}'.").format(id=module_id) + did_you_mean(module_id, library.modules),
                           hint=_("'charter modules' lists them"))
    lines = [f"{module.id} {module.version}: {module.title.get('fr', '')}", "", module.summary.get("fr", ""), ""]
    lines += [_("requires: {ids}").format(ids=", ".join(module.requires) or "-"),
              _("conflicts: {ids}").format(ids=", ".join(module.conflicts) or "-"),
              _("contacts: {roles}").format(roles=", ".join(module.contacts) or "-"),
              _("jurisdictions: {codes}").format(codes=", ".join(module.jurisdictions)), "", _("variables:")]
    lines += _spec_lines(module.variables) + ["", _("options:")] + _spec_lines(module.options)
    lines += ["", _("clauses:")] + [f"  {module.id}.{c.key}: {c.title}" for c in module.clauses]
    lines += ["", _("legal basis:")]
    for jur, refs in module.legal_basis.items():
        lines += [f"  {jur}: " + "; ".join(refs)]
    return "\n".join(lines).rstrip() + "\n"


def check_report(project) -> str:
    """What `charter check` prints when the charter renders."""
    charter = project.charter
    clauses = len(charter.clauses())
    lines = [_("OK: {file}: '{title}' renders: {articles} articles, {clauses} clauses, digest {digest}").format(
        file=project.loaded.display, title=charter.title, articles=len(charter.articles), clauses=clauses,
        digest=charter.digest[:12])]
    defaults = project.selection.defaults_used()
    if defaults:
        lines += ["", _("Variables at their default value (see 'charter modules show ID'; adapt them if they do not fit):")]
        lines += [f"  - {module}: {', '.join(names)}" for module, names in defaults.items()]
    return "\n".join(lines)


def check_hygiene(library: Library, folder, profile=None) -> None:
    """Refuse modules of ``folder`` whose version or changelog does not say what happened to their text.

    With a profile that has releases, a module of the folder whose text changed since the last release
    under the same version is an error too (issue 13).
    """
    from pathlib import Path

    from charter_kit.compose.hygiene import changelog_problems, text_problems
    from charter_kit.errors import ModuleError
    from charter_kit.store.releases import load_charter, load_releases

    top = Path(folder).resolve()
    mine = [m for m in library.ordered() if m.path.resolve().is_relative_to(top)]
    problems = changelog_problems(mine)
    releases = load_releases(Path(profile).resolve().parent) if profile is not None else []
    if releases:
        folder_only = Library({m.id: m for m in mine})
        problems += text_problems(folder_only, load_charter(releases[-1]), releases[-1].version, any_origin=True,
                                  sources=releases[-1].sources)
    if problems:
        raise ModuleError(problems, hint=_("bump 'version' in module.yml and add one changelog entry per version"))
