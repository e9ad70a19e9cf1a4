"""What `charter adoption` prints: the milestones of each unit, recorded or missing, and the earliest
lawful effective date, in French for HR and legal."""

from __future__ import annotations

import datetime as dt
from typing import Any

from charter_kit.adoption.procedure import Adoption, Step, UnitState
from charter_kit.locales import fr


def adoption_report(adoption: Adoption, *, subject: str, effective: dt.date | None, on: dt.date) -> str:
    """The whole report: procedure, units and their steps, earliest date, what remains, notes."""
    jurisdiction, status = adoption.key.split("/", 1)
    lines = [f"Procédure d'adoption : {fr.JURISDICTION.get(jurisdiction, jurisdiction)}, "
             f"{fr.STATUS.get(status, status).lower()}", f"Texte : {subject}"]
    if not adoption.has_procedure:
        lines += ["", "Ce statut ne demande aucune procédure d'adoption : la charte s'applique à la date prévue."]
        return "\n".join(lines + _notes(adoption)) + "\n"
    if adoption.devices:
        lines.append(f"Dispositifs de contrôle annoncés par la charte : {len(adoption.devices)}")
    for state in adoption.units:
        lines += ["", state.unit.label if len(adoption.units) > 1 or state.unit.entity else "Entreprise : "
                  + state.unit.label]
        lines += [line for step in state.steps if step.required or step.entry for line in _step(step, on)]
    lines += ["", f"Date d'entrée en vigueur la plus proche : {fr.date(adoption.earliest)}, "
              f"fixée par {adoption.reason}."]
    if effective is not None:
        verdict = ("respecte ce délai" if effective >= adoption.earliest
                   else f"est trop tôt : choisissez le {fr.date(adoption.earliest)} ou une date postérieure")
        lines.append(f"Entrée en vigueur prévue : {fr.date(effective)} ; elle {verdict}.")
    lines += _status(adoption)
    if adoption.stale:
        lines += ["", "Jalons enregistrés pour un texte antérieur du projet (ils ne comptent pas pour celui-ci) :"]
        lines += [f"  - {e['milestone']} du {fr.date(e['date'])}" for e in adoption.stale]
    return "\n".join(lines + _notes(adoption)) + "\n"


def _step(step: Step, on: dt.date) -> list[str]:
    """One milestone as two or three lines: state and label, source, problems."""
    if step.entry is not None:
        ref = f" — {step.entry['ref']}" if step.entry.get("ref") else ""
        head = f"  [fait]    {step.milestone.label} — {fr.date(step.entry['date'])}{ref}"
    elif step.follow_up:
        due = f", au plus tard le {fr.date(step.deadline)}" if step.deadline else ""
        late = " (en retard)" if step.deadline and on > step.deadline else ""
        head = f"  [ensuite] {step.milestone.label}{due}{late}"
    else:
        head = f"  [manque]  {step.milestone.label}"
    out = [head, f"            {step.milestone.code} · {step.milestone.source}"]
    out += [f"            ! {problem}" for problem in step.problems]
    return out


def _status(adoption: Adoption) -> list[str]:
    """Whether the procedure is complete, and what remains for each unit."""
    if adoption.complete:
        follow = [s for u in adoption.units for s in u.follow_ups]
        extra = " Restent, après l'entrée en vigueur : " + fr.join(_names(follow)) + "." if follow else ""
        return [f"Procédure complète avant l'entrée en vigueur.{extra}"]
    out = ["Procédure incomplète. Reste à accomplir :"]
    for state in adoption.units:
        out.append(f"  - {state.unit.label} : {fr.join(_names(state.pending))}" if len(adoption.units) > 1
                   else f"  - {fr.join(_names(state.pending))}")
    return out


def pending_summary(adoption: Adoption) -> list[str]:
    """What remains before the effective date, one short line per missing milestone (for banners)."""
    names: dict[str, None] = {}
    for state in adoption.units:
        for step in state.pending:
            names.setdefault(_name(step), None)
    return list(names)


def _names(steps: list[Step]) -> list[str]:
    return list(dict.fromkeys(_name(s) for s in steps))


def _name(step: Step) -> str:
    return step.milestone.short


def _notes(adoption: Adoption) -> list[str]:
    return ["", *(f"Note : {note}" for note in adoption.notes)] if adoption.notes else []


def unit_names(states: tuple[UnitState, ...]) -> list[str]:
    """The units, as readers see them."""
    return [s.unit.label for s in states]


def describe_entry(entry: dict[str, Any]) -> str:
    """A recorded milestone on one line: code, date, evidence, unit."""
    where = "/".join(p for p in (entry.get("entity"), entry.get("establishment")) if p) or "toutes les unités"
    ref = f", pièce : {entry['ref']}" if entry.get("ref") else ""
    return f"{entry['milestone']} du {fr.date(entry['date'])}{ref} ({where})"
