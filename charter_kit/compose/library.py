"""The module library: loading module folders (module.yml + <lang>.md) and extracting clauses."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pydantic

from charter_kit.model.vocabulary import ID_RE, NAME_RE
from charter_kit.compose.clauses import key_problem, scan
from charter_kit.compose.module import (MISSING, ClauseSpec, Library, Module, ModuleModel, ValueSpec,
                                       ValueSpecModel, check_value)
from charter_kit.errors import ModuleError, Problem, did_you_mean
from charter_kit.i18n import _
from charter_kit.compose.validation import validation_problems
from charter_kit.compose.yamlfile import LineMap, load_yaml, read_text
from charter_kit.model.semver import Version


def builtin_dir() -> Path:
    """Where the shipped modules are: inside the installed package, or beside it in a checkout.

    ``CHARTER_KIT_LIBRARY`` points elsewhere (a fork of the library, or a test's own library).
    """
    if os.environ.get("CHARTER_KIT_LIBRARY"):
        return Path(os.environ["CHARTER_KIT_LIBRARY"])
    here = Path(__file__).resolve().parent.parent
    installed = here / "_modules"
    return installed if installed.is_dir() else here.parent / "modules"




# -- loading --------------------------------------------------------------------------------------
def load_library(local: Path | None = None, *, builtin: Path | None = None,
                 language: str = "fr", root: Path | None = None) -> Library:
    """Load the shipped modules, then the company's ``local`` ones (same id replaces, with a notice).

    All problems of every module are reported in one ModuleError.
    """
    problems: list[Problem] = []
    modules = _load_folder(builtin or builtin_dir(), "library", language, problems, root=None)
    notices = []
    if local is not None:
        for mod in _load_folder(local, "local", language, problems, root=root).values():
            if mod.id in modules:
                notices.append(_("local module '{id}' replaces the library module of the same id").format(id=mod.id))
            modules[mod.id] = mod
    if not problems:
        problems += _check_graph(modules)
    if problems:
        raise ModuleError(problems)
    return Library(modules, notices)


def _display(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return os.path.relpath(path, root)
        except ValueError:
            pass
    return str(path)


def _load_folder(folder: Path, origin: str, language: str, problems: list[Problem],
                 root: Path | None) -> dict[str, Module]:
    modules: dict[str, Module] = {}
    if not folder.is_dir():
        problems.append(Problem(_display(folder, root), None, None, _("module folder not found")))
        return modules
    top = folder.resolve()
    for sub in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        if not (sub / "module.yml").is_file():
            continue
        mod = _load_module(sub, origin, language, problems, top, root)
        if mod is not None:
            modules[mod.id] = mod
    return modules


def _load_module(folder: Path, origin: str, language: str, problems: list[Problem],
                 top: Path, root: Path | None) -> Module | None:
    meta_path = folder / "module.yml"
    display = _display(meta_path, root)
    for path in (meta_path, folder / f"{language}.md"):
        # A symlink must not pull a file from outside the module folder into the charter.
        if path.exists() and not path.resolve().is_relative_to(top):
            problems.append(Problem(_display(path, root), None, None,
                                    _("points outside the module folder (symbolic link); refused")))
            return None
    try:
        data, lines, found = load_yaml(meta_path, display, ModuleError)
    except ModuleError as exc:
        problems.extend(exc.problems)
        return None
    problems.extend(found)
    if not isinstance(data, dict):
        problems.append(Problem(display, 1, None, _("module.yml must be a mapping of keys (id, version, title…)")))
        return None
    try:
        model = ModuleModel.model_validate(data)
    except pydantic.ValidationError as exc:
        problems.extend(validation_problems(exc, lines, display, ModuleModel))
        return None
    bad = _check_meta(model, folder, lines, display, language)
    if bad:
        problems.extend(bad)
        return None
    text_path = folder / f"{language}.md"
    text_display = _display(text_path, root)
    if not text_path.is_file():
        problems.append(Problem(text_display, None, None, _("missing: module '{id}' has no {file}").format(
            id=model.id, file=f"{language}.md")))
        return None
    try:
        text = read_text(text_path, text_display, ModuleError)
    except ModuleError as exc:
        problems.extend(exc.problems)
        return None
    clauses, clause_problems = extract_clauses(text, text_display)
    if clause_problems:
        problems.extend(clause_problems)
        return None
    return Module(
        id=model.id, version=model.version, title=model.title, summary=model.summary,
        order=model.order, path=folder, texts={language: text}, clauses=tuple(clauses),
        requires=tuple(model.requires), conflicts=tuple(model.conflicts),
        jurisdictions=tuple(model.jurisdictions), contacts=tuple(model.contacts),
        variables=_specs(model.variables, data.get("variables") or {}),
        options=_specs(model.options, data.get("options") or {}),
        legal_basis={k: tuple(v) for k, v in model.legal_basis.items()},
        changelog=tuple(e.model_dump() for e in model.changelog), origin=origin,
    )


def _specs(models: dict[str, ValueSpecModel], raw: dict[str, Any]) -> dict[str, ValueSpec]:
    out = {}
    for name, m in models.items():
        has_default = isinstance(raw.get(name), dict) and "default" in raw[name]
        default = m.default if has_default else MISSING
        if has_default and default is not None:
            default = check_value(m.type, default, m.choices)
        out[name] = ValueSpec(name, m.type, m.label, default, m.help,
                              tuple(m.choices) if m.choices is not None else None)
    return out


def _check_meta(model: ModuleModel, folder: Path, lines: LineMap, display: str,
                language: str) -> list[Problem]:
    problems = []

    def bad(path: tuple, message: str) -> None:
        problems.append(Problem(display, lines.line(path), ".".join(map(str, path)), message))

    if not ID_RE.match(model.id):
        bad(("id",), _("'{id}' is not a valid module id (lowercase letters, digits and hyphens)").format(id=model.id))
    elif model.id != folder.name:
        bad(("id",), _("'{id}' must match its folder name '{folder}'").format(id=model.id, folder=folder.name))
    for key, value in (("version", model.version),) + tuple(
            (("changelog", i, "version"), e.version) for i, e in enumerate(model.changelog)):
        try:
            Version.parse(value)
        except ValueError as exc:
            bad(key if isinstance(key, tuple) else (key,), str(exc))
    for i, entry in enumerate(model.changelog):
        try:
            dt.date.fromisoformat(entry.date)
        except ValueError:
            bad(("changelog", i, "date"), _("expected a date written YYYY-MM-DD, got '{got}'").format(got=entry.date))
    for key in ("title", "summary"):
        if language not in getattr(model, key):
            bad((key,), _("has no '{language}' text").format(language=language))
    for kind in ("variables", "options"):
        for name, spec in getattr(model, kind).items():
            if not NAME_RE.match(name):
                bad((kind, name), _("names use lowercase letters, digits and underscores"))
            if spec.type == "choice" and not spec.choices:
                bad((kind, name, "choices"), _("a choice needs a list of choices"))
            if spec.default is not None:
                try:
                    check_value(spec.type, spec.default, spec.choices)
                except ValueError as exc:
                    bad((kind, name, "default"), str(exc))
    for i, role in enumerate(model.contacts):
        if not NAME_RE.match(role):
            bad(("contacts", i), _("'{role}' is not a valid contact role (lowercase letters, digits, underscores)")
                .format(role=role))
    return problems


def _no_nature(key: str) -> str:
    """The problem of a clause heading that declares no nature, with the three to choose from."""
    return _("clause '{key}' has no nature: add .regle (a rule whose breach can be sanctioned), "
             ".procedure (how the company organises itself) or .information (explanation, advice), "
             "e.g. '{example}'").format(key=key, example=f"{{#{key} .regle}}")


def extract_clauses(text: str, display: str) -> tuple[list[ClauseSpec], list[Problem]]:
    """Find every ``## Title {#id .nature}`` heading of a module's source (conditional ones included);
    a heading without a nature is a problem."""
    clauses: list[ClauseSpec] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for n, _line, heading, is_heading in scan(text):
        if not is_heading:
            continue
        if heading is None or not heading.title:
            problems.append(Problem(display, n, None,
                                    _("a '## ' heading needs a title and a clause id, e.g. '{example}'").format(
                                        example="## Déclarer votre lien {#declarer-lien .regle}")))
            continue
        problems += [Problem(display, n, None, p) for p in heading.problems]
        key = heading.key
        if heading.nature is None and not heading.problems:
            problems.append(Problem(display, n, None, _no_nature(key)))
        if key_problem(key):
            problems.append(Problem(display, n, None, key_problem(key)))
        elif key in seen:
            problems.append(Problem(display, n, None, _("duplicate clause id '{key}' (first on line {line})").format(
                key=key, line=seen[key])))
        else:
            seen[key] = n
            clauses.append(ClauseSpec(key, heading.title, n, heading.nature, heading.audience))
    return clauses, problems


def _check_graph(modules: dict[str, Module]) -> list[Problem]:
    """Every ``requires``/``conflicts`` names a known module, and ``requires`` has no cycle."""
    problems = []
    for mod in modules.values():
        meta = str(mod.path / "module.yml")
        for kind in ("requires", "conflicts"):
            for other in getattr(mod, kind):
                if other not in modules:
                    problems.append(Problem(meta, None, kind,
                                            _("unknown module '{id}'.").format(id=other) + did_you_mean(other, modules)))
    if problems:
        return problems
    state: dict[str, int] = {}

    def visit(mid: str, trail: list[str]) -> list[str] | None:
        state[mid] = 1
        for nxt in modules[mid].requires:
            if state.get(nxt) == 1:
                return trail + [mid, nxt]
            if nxt not in state:
                cycle = visit(nxt, trail + [mid])
                if cycle:
                    return cycle
        state[mid] = 2
        return None

    for mid in sorted(modules):
        if mid not in state:
            cycle = visit(mid, [])
            if cycle:
                start = cycle.index(cycle[-1])
                loop = " → ".join(cycle[start:])
                meta = str(modules[cycle[-2]].path / "module.yml")
                problems.append(Problem(meta, None, "requires", _("dependency cycle: {loop}").format(loop=loop)))
                break
    return problems
