"""The module library: loading module folders (module.yml + <lang>.md) and extracting clauses."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import pydantic

from charter_kit.model.vocabulary import (BASIS_KEYS, EMAIL_RE, EU_JURISDICTIONS, ID_RE, JURISDICTIONS, NAME_RE,
                                          URL_RE, Jurisdiction)
from charter_kit.compose.clauses import key_problem, scan
from charter_kit.errors import ModuleError, Problem, did_you_mean
from charter_kit.compose.yamlfile import LineMap, load_yaml, read_text, validation_problems
from charter_kit.model.semver import Version

MISSING: Any = object()


def builtin_dir() -> Path:
    """Where the shipped modules are: inside the installed package, or beside it in a checkout.

    ``CHARTER_KIT_LIBRARY`` points elsewhere (a fork of the library, or a test's own library).
    """
    if os.environ.get("CHARTER_KIT_LIBRARY"):
        return Path(os.environ["CHARTER_KIT_LIBRARY"])
    here = Path(__file__).resolve().parent.parent
    installed = here / "_modules"
    return installed if installed.is_dir() else here.parent / "modules"




def _number_as_text(value: Any) -> Any:
    # YAML reads "1.0" as a float; keep it as text so the semver check can explain the problem.
    return str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value


VersionText = Annotated[str, pydantic.BeforeValidator(_number_as_text)]


# -- module.yml schema ----------------------------------------------------------------------------
Text = dict[str, str]


class _Strict(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid", strict=True)


class ValueSpecModel(_Strict):
    """A typed variable or option as declared in module.yml."""

    type: Literal["string", "text", "email", "url", "date", "int", "bool", "list", "choice"]
    default: Any = None
    label: Text
    help: Text | None = None
    choices: list[str] | None = None


class ChangelogModel(_Strict):
    """One changelog entry of module.yml."""

    version: VersionText
    date: str
    note: Text


class ModuleModel(_Strict):
    """The schema of module.yml."""

    id: str
    version: VersionText
    title: Text
    summary: Text
    order: int
    requires: list[str] = []
    conflicts: list[str] = []
    jurisdictions: list[Jurisdiction] = list(JURISDICTIONS)
    contacts: list[str] = []
    variables: dict[str, ValueSpecModel] = {}
    options: dict[str, ValueSpecModel] = {}
    legal_basis: dict[Literal[BASIS_KEYS], list[str]] = {}
    changelog: list[ChangelogModel] = []


# -- pure models ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ValueSpec:
    """A typed variable or option of a module, with its default (MISSING when required)."""

    name: str
    type: str
    label: dict[str, str]
    default: Any = MISSING
    help: dict[str, str] | None = None
    choices: tuple[str, ...] | None = None

    @property
    def required(self) -> bool:
        """True when the profile must give a value."""
        return self.default is MISSING

    def check(self, value: Any) -> Any:
        """Return ``value`` normalized to this type; raise ValueError saying what is expected."""
        return check_value(self.type, value, self.choices)


def check_value(kind: str, value: Any, choices: Iterable[str] | None = None) -> Any:
    """Validate and normalize one value of a typed variable (dates become ISO strings)."""
    if kind in ("string", "text"):
        if not isinstance(value, str):
            raise ValueError(f"expected text, got {_show(value)}")
        return value
    if kind == "email":
        if not isinstance(value, str) or not EMAIL_RE.match(value.strip()):
            raise ValueError(f"expected an e-mail address like nom@exemple.fr, got {_show(value)}")
        return value.strip()
    if kind == "url":
        if not isinstance(value, str) or not URL_RE.match(value.strip()):
            raise ValueError(f"expected a web address starting with https://, got {_show(value)}")
        return value.strip()
    if kind == "date":
        if isinstance(value, dt.date):
            return value.isoformat()
        try:
            return dt.date.fromisoformat(str(value)).isoformat() if isinstance(value, str) and len(value) == 10 else _bad_date(value)
        except ValueError:
            return _bad_date(value)
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"expected a whole number, got {_show(value)}")
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            raise ValueError(f"expected true or false, got {_show(value)}")
        return value
    if kind == "list":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError(f"expected a list of texts (- item per line), got {_show(value)}")
        return list(value)
    if kind == "choice":
        allowed = list(choices or ())
        if value not in allowed:
            raise ValueError(f"expected one of {', '.join(map(str, allowed))}, got {_show(value)}."
                             + did_you_mean(str(value), allowed))
        return value
    raise ValueError(f"unknown type {kind!r}")


def _bad_date(value: Any):
    raise ValueError(f"expected a real date written YYYY-MM-DD, got {_show(value)}")


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


@dataclass(frozen=True)
class ClauseSpec:
    """A clause as found in a module's source: its id, heading text and line."""

    key: str
    title: str
    line: int
    nature: str | None = None
    audience: tuple[str, ...] = ()


@dataclass(frozen=True)
class Module:
    """One module of the library, validated, with its source text per language."""

    id: str
    version: str
    title: dict[str, str]
    summary: dict[str, str]
    order: int
    path: Path
    texts: dict[str, str]
    clauses: tuple[ClauseSpec, ...]
    requires: tuple[str, ...] = ()
    conflicts: tuple[str, ...] = ()
    jurisdictions: tuple[str, ...] = JURISDICTIONS
    contacts: tuple[str, ...] = ()
    variables: dict[str, ValueSpec] = field(default_factory=dict)
    options: dict[str, ValueSpec] = field(default_factory=dict)
    legal_basis: dict[str, tuple[str, ...]] = field(default_factory=dict)
    changelog: tuple[dict[str, Any], ...] = ()
    origin: str = "library"

    def source_file(self, language: str) -> Path:
        """The Markdown file of this module for ``language``."""
        return self.path / f"{language}.md"

    def clause_ids(self) -> list[str]:
        """The full ids of every clause the source can produce."""
        return [f"{self.id}.{c.key}" for c in self.clauses]

    def basis_for(self, jurisdiction: str) -> tuple[str, ...]:
        """References shown for a charter under ``jurisdiction`` (EU law for EU members)."""
        refs = list(self.legal_basis.get(jurisdiction, ()))
        if jurisdiction in EU_JURISDICTIONS:
            refs += self.legal_basis.get("eu", ())
        return tuple(refs)


@dataclass
class Library:
    """Modules by id, plus the notices produced while loading them (local replacements)."""

    modules: dict[str, Module]
    notices: list[str] = field(default_factory=list)

    def get(self, module_id: str) -> Module | None:
        """The module with this id, or None."""
        return self.modules.get(module_id)

    def ids(self) -> list[str]:
        """Every module id, in charter order."""
        return [m.id for m in self.ordered()]

    def ordered(self) -> list[Module]:
        """Every module, by ``order`` then id."""
        return sorted(self.modules.values(), key=lambda m: (m.order, m.id))


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
                notices.append(f"local module '{mod.id}' replaces the library module of the same id")
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
        problems.append(Problem(_display(folder, root), None, None, "module folder not found"))
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
                                    "points outside the module folder (symbolic link); refused"))
            return None
    try:
        data, lines, found = load_yaml(meta_path, display, ModuleError)
    except ModuleError as exc:
        problems.extend(exc.problems)
        return None
    problems.extend(found)
    if not isinstance(data, dict):
        problems.append(Problem(display, 1, None, "module.yml must be a mapping of keys (id, version, title…)"))
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
        problems.append(Problem(text_display, None, None, f"missing: module '{model.id}' has no {language}.md"))
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
        bad(("id",), f"'{model.id}' is not a valid module id (lowercase letters, digits and hyphens)")
    elif model.id != folder.name:
        bad(("id",), f"'{model.id}' must match its folder name '{folder.name}'")
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
            bad(("changelog", i, "date"), f"expected a date written YYYY-MM-DD, got '{entry.date}'")
    for key in ("title", "summary"):
        if language not in getattr(model, key):
            bad((key,), f"has no '{language}' text")
    for kind in ("variables", "options"):
        for name, spec in getattr(model, kind).items():
            if not NAME_RE.match(name):
                bad((kind, name), "names use lowercase letters, digits and underscores")
            if spec.type == "choice" and not spec.choices:
                bad((kind, name, "choices"), "a choice needs a list of choices")
            if spec.default is not None:
                try:
                    check_value(spec.type, spec.default, spec.choices)
                except ValueError as exc:
                    bad((kind, name, "default"), str(exc))
    for i, role in enumerate(model.contacts):
        if not NAME_RE.match(role):
            bad(("contacts", i), f"'{role}' is not a valid contact role (lowercase letters, digits, underscores)")
    return problems


def extract_clauses(text: str, display: str) -> tuple[list[ClauseSpec], list[Problem]]:
    """Find every ``## Title {#id}`` heading of a module's source (conditional ones included)."""
    clauses: list[ClauseSpec] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for n, _line, heading, is_heading in scan(text):
        if not is_heading:
            continue
        if heading is None or not heading.title:
            problems.append(Problem(display, n, None,
                                    "a '## ' heading needs a title and a clause id, e.g. "
                                    "'## Déclarer votre lien {#declarer-lien .regle}'"))
            continue
        problems += [Problem(display, n, None, p) for p in heading.problems]
        key = heading.key
        if key_problem(key):
            problems.append(Problem(display, n, None, key_problem(key)))
        elif key in seen:
            problems.append(Problem(display, n, None, f"duplicate clause id '{key}' (first on line {seen[key]})"))
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
                                            f"unknown module '{other}'." + did_you_mean(other, modules)))
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
                problems.append(Problem(meta, None, "requires", f"dependency cycle: {loop}"))
                break
    return problems
