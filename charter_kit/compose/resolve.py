"""Selection: the modules a profile asks for, their dependencies, settings and contacts, checked."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from charter_kit.errors import Problem, ProfileError, closest, did_you_mean
from charter_kit.compose.module import Library, Module, ValueSpec
from charter_kit.compose.contacts import role_problems
from charter_kit.model.vocabulary import ID_RE, NAME_RE
from charter_kit.compose.profile import LoadedProfile, ModuleEntry


@dataclass(frozen=True)
class Selected:
    """A module in the charter with its resolved variables and options (JSON-ready values)."""

    module: Module
    variables: dict[str, Any]
    options: dict[str, Any]
    required_by: str | None = None


@dataclass
class Selection:
    """The checked, ordered modules of a charter, with the notices to show the user."""

    loaded: LoadedProfile
    library: Library
    modules: list[Selected]
    notices: list[str] = field(default_factory=list)

    @property
    def ids(self) -> list[str]:
        """Selected module ids in charter order."""
        return [s.module.id for s in self.modules]

    def defaults_used(self) -> dict[str, list[str]]:
        """Variables left at their default value, by module: what HR may still want to adapt."""
        out: dict[str, list[str]] = {}
        for sel in self.modules:
            entry = _entry(self.loaded, sel.module.id)
            names = [n for n in sel.module.variables if entry is None or n not in entry.variables]
            if names:
                out[sel.module.id] = names
        return out


def _entry(loaded: LoadedProfile, module_id: str) -> ModuleEntry | None:
    return next((e for e in loaded.profile.entries() if e.id == module_id), None)


def resolve(loaded: LoadedProfile, library: Library) -> Selection:
    """Check the profile against the library and return the Selection; all problems at once."""
    profile = loaded.profile
    problems: list[Problem] = []
    notices = list(library.notices)
    jurisdiction = profile.charter.jurisdiction
    chosen: dict[str, tuple[int, ModuleEntry]] = {}

    for i, entry in enumerate(profile.entries()):
        where = ("modules", i) if isinstance(profile.modules[i], str) else ("modules", i, "id")
        if entry.id in chosen:
            problems.append(loaded.problem(where, f"module '{entry.id}' is listed twice "
                                                  f"(first as item {chosen[entry.id][0] + 1})"))
            continue
        module = library.get(entry.id)
        if module is None:
            hint = closest(entry.id, library.modules)
            problems.append(loaded.problem(where, f"unknown module '{entry.id}'."
                                           + (f" Did you mean '{hint}'?" if hint else
                                              " Run 'charter modules' to list them.")))
            continue
        chosen[entry.id] = (i, entry)

    # Dependencies: add what is required, with a notice saying why.
    required_by: dict[str, str] = {}
    queue = list(chosen)
    while queue:
        mid = queue.pop(0)
        for dep in library.modules[mid].requires if mid in library.modules else ():
            if dep not in chosen and dep not in required_by:
                required_by[dep] = mid
                notices.append(f"module '{dep}' added: required by '{mid}'")
                queue.append(dep)
    selected_ids = set(chosen) | set(required_by)

    reported: set[frozenset[str]] = set()
    for mid in sorted(selected_ids):
        module = library.modules[mid]
        where = _where(chosen, mid)
        for other in module.conflicts:
            pair = frozenset((mid, other))
            if other in selected_ids and pair not in reported:
                reported.add(pair)
                problems.append(loaded.problem(where, f"module '{mid}' conflicts with '{other}': choose one of them"))
        if jurisdiction not in module.jurisdictions:
            problems.append(loaded.problem(where, f"module '{mid}' does not apply to jurisdiction "
                                                  f"'{jurisdiction}' (it covers {', '.join(module.jurisdictions)})"))

    selected: list[Selected] = []
    for mid in selected_ids:
        module = library.modules[mid]
        index, entry = chosen.get(mid, (None, ModuleEntry(id=mid)))
        base = ("modules", index) if index is not None else ("modules",)
        variables = _values(loaded, module, module.variables, entry.variables, base + ("variables",), problems, "variable")
        options = _values(loaded, module, module.options, entry.options, base + ("options",), problems, "option")
        selected.append(Selected(module, variables, options, required_by.get(mid)))
    selected.sort(key=lambda s: (s.module.order, s.module.id))

    problems += _settings(loaded)
    problems += _overrides(loaded, library, selected_ids)
    if problems:
        problems += _printed_contacts(loaded, library, selected, notices)
        raise ProfileError(sorted(problems, key=lambda p: (p.line or 0, p.key or "")),
                           hint="'charter modules show ID' lists a module's variables, options and contacts")
    if profile.company.listed and "entreprises-cotees" in library.modules and "entreprises-cotees" not in selected_ids:
        notices.append("company.listed is true but the module 'entreprises-cotees' is not selected")
    for sel in selected:
        module = sel.module
        if jurisdiction != "fr" and module.legal_basis and not module.basis_for(jurisdiction):
            # The audit's test for a module not written for this country: it cites none of its law.
            notices.append(f"module '{module.id}' cites no law of jurisdiction '{jurisdiction}' (its legal_basis has "
                           f"none): its text is general; have it reviewed under this jurisdiction's law "
                           f"before relying on it")
    return Selection(loaded, library, selected, notices)


def _where(chosen: dict[str, tuple[int, ModuleEntry]], mid: str) -> tuple:
    return ("modules", chosen[mid][0]) if mid in chosen else ("modules",)


def _values(loaded: LoadedProfile, module: Module, specs: dict[str, ValueSpec], given: dict[str, Any],
            where: tuple, problems: list[Problem], kind: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, value in given.items():
        spec = specs.get(name)
        if spec is None:
            known = ", ".join(specs) or "none"
            problems.append(loaded.problem(where + (name,), f"module '{module.id}' has no {kind} '{name}'."
                                           + (did_you_mean(name, specs) or f" Its {kind}s: {known}.")))
            continue
        try:
            values[name] = spec.check(value)
        except ValueError as exc:
            problems.append(loaded.problem(where + (name,), str(exc)))
    for name, spec in specs.items():
        if name in values or name in given:
            continue
        if spec.required:
            label = spec.label.get("fr", name)
            problems.append(loaded.problem(where, f"module '{module.id}' needs the {kind} '{name}' ({label})"))
        else:
            values[name] = spec.default
    return values


def _settings(loaded: LoadedProfile) -> list[Problem]:
    """Settings whose meaning depends on others: a Belgian region, the roles contacts declare."""
    profile = loaded.profile
    problems = []
    if profile.charter.region is not None and profile.charter.jurisdiction != "be":
        problems.append(loaded.problem(("charter", "region"), f"a region only applies to Belgium (jurisdiction: be); "
                                                              f"this charter's jurisdiction is "
                                                              f"'{profile.charter.jurisdiction}': remove region"))
    for key, contact in profile.contacts.items():
        for i, role in enumerate(contact.roles):
            if not NAME_RE.match(role):
                problems.append(loaded.problem(("contacts", key, "roles", i), f"'{role}' is not a valid contact role "
                                                                              "(lowercase letters, digits, underscores)"))
    problems += [loaded.problem(where, message) for where, message in role_problems(profile.contacts)]
    return problems


def _printed_contacts(loaded: LoadedProfile, library: Library, selected: list[Selected],
                      notices: list[str]) -> list[Problem]:
    """The missing contacts the text prints, found by rendering it with placeholders for the values that
    have problems of their own, so that a profile's problems all come in one run."""
    from charter_kit.compose.render import contact_problems  # render builds on this module

    filled = [Selected(s.module, _filled(s.module.variables, s.variables), _filled(s.module.options, s.options),
                       s.required_by) for s in selected]
    return contact_problems(Selection(loaded, library, filled, notices))


def _filled(specs: dict[str, ValueSpec], values: dict[str, Any]) -> dict[str, Any]:
    """``values`` completed with a stand-in of the right type for each value that is missing or wrong."""
    stand_ins = {"int": 1, "bool": False, "list": [], "date": "2000-01-01"}
    out = dict(values)
    for name, spec in specs.items():
        if name not in out:
            out[name] = spec.default if not spec.required else (
                spec.choices[0] if spec.choices else stand_ins.get(spec.type, "…"))
    return out


def _overrides(loaded: LoadedProfile, library: Library, selected_ids: set[str]) -> list[Problem]:
    problems = []
    for clause_id in loaded.profile.overrides:
        where = ("overrides", clause_id)
        mid, _, key = clause_id.partition(".")
        if not key or not ID_RE.match(mid) or not ID_RE.match(key):
            problems.append(loaded.problem(where, "an override is keyed by a full clause id, module.clause "
                                                  "(e.g. transparence.declarer-lien)"))
            continue
        module = library.get(mid)
        if module is None or mid not in selected_ids:
            state = "unknown module" if module is None else "module not selected"
            problems.append(loaded.problem(where, f"{state} '{mid}'." + did_you_mean(mid, selected_ids)))
            continue
        keys = [c.key for c in module.clauses]
        if key not in keys:
            problems.append(loaded.problem(where, f"module '{mid}' has no clause '{key}'."
                                           + (did_you_mean(key, keys) or f" Its clauses: {', '.join(keys)}.")))
    return problems
