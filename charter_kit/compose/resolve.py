"""Selection: the modules a profile asks for, their dependencies, settings and contacts, checked."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from charter_kit.errors import Problem, ProfileError, closest, did_you_mean
from charter_kit.i18n import _
from charter_kit.compose.module import Library, Module, ValueSpec
from charter_kit.compose.contacts import FALLBACK, role_problems
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
            problems.append(loaded.problem(where, _("module '{id}' is listed twice (first as item {n})").format(
                id=entry.id, n=chosen[entry.id][0] + 1)))
            continue
        module = library.get(entry.id)
        if module is None:
            hint = closest(entry.id, library.modules)
            problems.append(loaded.problem(where, _("unknown module '{id}'.").format(id=entry.id) + " "
                                           + (_("Did you mean '{name}'?").format(name=hint) if hint else
                                              _("Run 'charter modules' to list them."))))
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
                notices.append(_("module '{id}' added: required by '{by}'").format(id=dep, by=mid))
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
                problems.append(loaded.problem(where, _("module '{id}' conflicts with '{other}': choose one of them")
                                               .format(id=mid, other=other)))
        if jurisdiction not in module.jurisdictions:
            problems.append(loaded.problem(where, _("module '{id}' does not apply to jurisdiction '{jurisdiction}' "
                                                    "(it covers {covered})").format(
                id=mid, jurisdiction=jurisdiction, covered=", ".join(module.jurisdictions))))

    selected: list[Selected] = []
    for mid in selected_ids:
        module = library.modules[mid]
        index, entry = chosen.get(mid, (None, ModuleEntry(id=mid)))
        base = ("modules", index) if index is not None else ("modules",)
        variables = _values(loaded, module, module.variables, entry.variables, base + ("variables",), problems, "variable")
        options = _values(loaded, module, module.options, entry.options, base + ("options",), problems, "option")
        selected.append(Selected(module, variables, options, required_by.get(mid)))
    selected.sort(key=lambda s: (s.module.order, s.module.id))

    problems += _settings(loaded, library)
    problems += _overrides(loaded, library, selected_ids)
    if problems:
        error = ProfileError(sorted(problems, key=lambda p: (p.line or 0, p.key or "")),
                             hint=_("'charter modules show ID' lists a module's variables, options and contacts"))
        # What the caller renders to find the contacts the text prints, so every problem comes in one run.
        error.partial = _stand_in(loaded, library, selected, notices)  # type: ignore[attr-defined]
        raise error
    if profile.company.listed and "entreprises-cotees" in library.modules and "entreprises-cotees" not in selected_ids:
        notices.append(_("company.listed is true but the module 'entreprises-cotees' is not selected"))
    for sel in selected:
        module = sel.module
        if jurisdiction != "fr" and module.legal_basis and not module.basis_for(jurisdiction):
            # The audit's test for a module not written for this country: it cites none of its law.
            notices.append(_("module '{id}' cites no law of jurisdiction '{jurisdiction}' (its legal_basis has "
                             "none): its text is general; have it reviewed under this jurisdiction's law "
                             "before relying on it").format(id=module.id, jurisdiction=jurisdiction))
    return Selection(loaded, library, selected, notices)


def _where(chosen: dict[str, tuple[int, ModuleEntry]], mid: str) -> tuple:
    return ("modules", chosen[mid][0]) if mid in chosen else ("modules",)


def _values(loaded: LoadedProfile, module: Module, specs: dict[str, ValueSpec], given: dict[str, Any],
            where: tuple, problems: list[Problem], kind: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, value in given.items():
        spec = specs.get(name)
        if spec is None:
            known = ", ".join(specs) or _("none")
            if kind == "variable":
                text = _("module '{id}' has no variable '{name}'.").format(id=module.id, name=name)
                listed = _("Its variables: {known}.").format(known=known)
            else:
                text = _("module '{id}' has no option '{name}'.").format(id=module.id, name=name)
                listed = _("Its options: {known}.").format(known=known)
            problems.append(loaded.problem(where + (name,), text + (did_you_mean(name, specs) or " " + listed)))
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
            text = (_("module '{id}' needs the variable '{name}' ({label})") if kind == "variable"
                    else _("module '{id}' needs the option '{name}' ({label})"))
            problems.append(loaded.problem(where, text.format(id=module.id, name=name, label=label)))
        else:
            values[name] = spec.default
    return values


def _settings(loaded: LoadedProfile, library: Library) -> list[Problem]:
    """Settings whose meaning depends on others: a Belgian region, the roles contacts declare."""
    profile = loaded.profile
    problems = []
    if profile.charter.region is not None and profile.charter.jurisdiction != "be":
        problems.append(loaded.problem(("charter", "region"), _(
            "a region only applies to Belgium (jurisdiction: be); this charter's jurisdiction is '{jurisdiction}': "
            "remove region").format(jurisdiction=profile.charter.jurisdiction)))
    known = set(FALLBACK) | set(FALLBACK.values()) | {r for m in library.modules.values() for r in m.contacts}
    for key, contact in profile.contacts.items():
        near = closest(key, known) if key not in known else None
        if near:
            # A role no module prints but close to one that does: a typo the fallback chain would hide.
            problems.append(loaded.problem(("contacts", key), _("unknown contact role '{role}'.").format(role=key)
                                           + did_you_mean(key, known)))
        for i, role in enumerate(contact.roles):
            if not NAME_RE.match(role):
                problems.append(loaded.problem(("contacts", key, "roles", i), _(
                    "'{role}' is not a valid contact role (lowercase letters, digits, underscores)").format(role=role)))
            elif role not in known and closest(role, known):
                problems.append(loaded.problem(("contacts", key, "roles", i), _(
                    "unknown contact role '{role}'.").format(role=role) + did_you_mean(role, known)))
    problems += [loaded.problem(where, message) for where, message in role_problems(profile.contacts)]
    return problems


def _stand_in(loaded: LoadedProfile, library: Library, selected: list[Selected], notices: list[str]) -> Selection:
    """The selection with a stand-in for each value that has problems of its own: rendering it finds
    the contacts the text prints (compose.pipeline does, since render builds on this module)."""
    filled = [Selected(s.module, _filled(s.module.variables, s.variables), _filled(s.module.options, s.options),
                       s.required_by) for s in selected]
    return Selection(loaded, library, filled, notices)


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
        mid, _sep, key = clause_id.partition(".")
        if not key or not ID_RE.match(mid) or not ID_RE.match(key):
            problems.append(loaded.problem(where, _("an override is keyed by a full clause id, module.clause "
                                                    "(e.g. transparence.declarer-lien)")))
            continue
        module = library.get(mid)
        if module is None or mid not in selected_ids:
            state = _("unknown module '{id}'.") if module is None else _("module not selected '{id}'.")
            problems.append(loaded.problem(where, state.format(id=mid) + did_you_mean(mid, selected_ids)))
            continue
        keys = [c.key for c in module.clauses]
        if key not in keys:
            problems.append(loaded.problem(where, _("module '{id}' has no clause '{key}'.").format(id=mid, key=key)
                                           + (did_you_mean(key, keys) or " " + _("Its clauses: {keys}.").format(
                                               keys=", ".join(keys)))))
    return problems
