"""Where an adoption procedure stands: milestones recorded or missing, per entity and establishment,
and the earliest lawful effective date they allow.

Pure: it is handed the charter, the recorded milestones and the dates, and reads no file. A milestone
that is not recorded yet cannot have happened before ``base`` (the release date, or today for the
draft), so the earliest date counts its delay from there: recording a formality done earlier on the
same text is what brings the earliest date forward.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from charter_kit.adoption.milestones import (AFTER, ALWAYS, DELAY, DEVICES, INDUSTRIAL, NOTES, OBSERVATIONS,
                                             GUIDE_DEVICES_NOTE, Milestone, procedure, procedure_key)
from charter_kit.locales import fr
from charter_kit.model.charter import Charter

#: The module whose ``dispositifs`` variable lists the monitoring devices the charter announces.
DEVICES_MODULE, DEVICES_VARIABLE = "dispositifs-controle", "dispositifs"


@dataclass(frozen=True)
class Unit:
    """Who adopts the charter through one procedure: the company, an entity, or one of their establishments."""

    entity: str | None
    establishment: str | None
    label: str

    def matches(self, entry: dict[str, Any]) -> bool:
        """True when a recorded milestone applies to this unit (an entry naming no entity applies to all)."""
        return (entry.get("entity") in (None, self.entity)
                and entry.get("establishment") in (None, self.establishment))


@dataclass(frozen=True)
class Step:
    """One milestone for one unit: whether it is required, its record, and what is wrong with it."""

    milestone: Milestone
    required: bool
    entry: dict[str, Any] | None
    problems: tuple[str, ...] = ()
    deadline: dt.date | None = None
    """For a formality due after the effective date, the day it is due."""

    @property
    def date(self) -> dt.date | None:
        """The recorded date, if any."""
        return dt.date.fromisoformat(self.entry["date"]) if self.entry else None

    @property
    def follow_up(self) -> bool:
        """True for a formality due after the effective date (it does not delay it)."""
        return self.milestone.rule.kind == AFTER


@dataclass(frozen=True)
class UnitState:
    """The procedure of one unit."""

    unit: Unit
    steps: tuple[Step, ...]
    earliest: dt.date
    reason: str

    @property
    def pending(self) -> list[Step]:
        """Required steps before the effective date that are missing or wrong."""
        return [s for s in self.steps if s.required and not s.follow_up and (s.entry is None or s.problems)]

    @property
    def follow_ups(self) -> list[Step]:
        """Formalities due after the effective date that are not recorded yet."""
        return [s for s in self.steps if s.required and s.follow_up and s.entry is None]


@dataclass(frozen=True)
class Adoption:
    """The whole procedure of one text: every unit, the earliest lawful effective date, notes."""

    key: str
    milestones: tuple[Milestone, ...]
    units: tuple[UnitState, ...]
    earliest: dt.date
    reason: str
    devices: tuple[str, ...]
    notes: tuple[str, ...]
    stale: tuple[dict[str, Any], ...] = ()
    """Draft milestones recorded for an earlier text: they do not count for this one."""

    @property
    def complete(self) -> bool:
        """True when every required step before the effective date is recorded, for every unit."""
        return all(not u.pending for u in self.units)

    @property
    def has_procedure(self) -> bool:
        """False for a status that needs none (a guide)."""
        return bool(self.milestones)


# -- dates ------------------------------------------------------------------------------------------
def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the month's last day when it has fewer days."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def after_delay(day: dt.date, milestone: Milestone) -> dt.date:
    """The earliest effective date a milestone done on ``day`` allows."""
    rule = milestone.rule
    return add_months(day, rule.months) + dt.timedelta(days=rule.days + rule.margin)


# -- who adopts -------------------------------------------------------------------------------------
def units(charter: Charter) -> list[Unit]:
    """Every unit that adopts the charter: each establishment of each entity, else each entity, else the company."""
    company = charter.company
    name = company.get("legal_name") or company["name"]
    if company.get("entities"):
        out = []
        for entity in company["entities"]:
            places = entity.get("establishments") or []
            out += [Unit(entity["id"], p["id"], f"{entity['name']}, {p['name']}") for p in places] or \
                   [Unit(entity["id"], None, entity["name"])]
        return out
    places = company.get("establishments") or []
    return [Unit(None, p["id"], f"{name}, {p['name']}") for p in places] or [Unit(None, None, name)]


def devices(charter: Charter) -> tuple[str, ...]:
    """The monitoring devices the charter announces (the ``dispositifs-controle`` module's list)."""
    article = charter.article(DEVICES_MODULE)
    value = article.variables.get(DEVICES_VARIABLE) if article is not None else None
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def text_digest(charter: Charter) -> str:
    """What a formality bears on: the text, whatever its version number and dates."""
    return charter.with_release(version="", date="", effective_date=None).digest


# -- assessing ----------------------------------------------------------------------------------------
def assess(charter: Charter, entries: Sequence[dict[str, Any]], *, base: dt.date,
           effective: dt.date | None = None, text: str | None = None, draft: bool = False) -> Adoption:
    """Where the procedure of ``charter`` stands, given its recorded ``entries``.

    ``base`` is the first day a formality on this text can have happened unless recorded earlier (the
    release date, or today for the draft); ``effective`` dates the formalities due after entry into force;
    ``text`` (the draft's ``text_digest``) sets aside draft entries recorded for another text;
    ``draft`` says ``base`` is today rather than a release date (for the explanations).
    """
    milestones = procedure(charter.jurisdiction, charter.status)
    stale = tuple(e for e in entries if text is not None and e.get("text") not in (None, text))
    current = [e for e in entries if e not in stale]
    announced = devices(charter)
    context = {DEVICES: bool(announced), INDUSTRIAL: bool(charter.company.get("industrial"))}
    states = tuple(_unit_state(u, milestones, current, context, base, effective, draft) for u in units(charter))
    latest = max(states, key=lambda s: s.earliest)
    notes = NOTES.get(charter.jurisdiction, ()) if milestones else ((GUIDE_DEVICES_NOTE,) if announced else ())
    return Adoption(procedure_key(charter.jurisdiction, charter.status), milestones, states, latest.earliest,
                    latest.reason, announced, notes, stale)


def _unit_state(unit: Unit, milestones: Sequence[Milestone], entries: Sequence[dict[str, Any]],
                context: dict[str, bool], base: dt.date, effective: dt.date | None, draft: bool) -> UnitState:
    mine = [e for e in entries if unit.matches(e)]
    latest = {e["milestone"]: e for e in mine}  # a later record of a milestone corrects an earlier one
    context = {**context, OBSERVATIONS: "observations" in latest}
    steps = []
    for m in milestones:
        required = m.when == ALWAYS or context.get(m.when, False)
        entry = latest.get(m.code)
        due = m.rule.kind == AFTER and m.rule.days and effective is not None
        steps.append(Step(m, required, entry, deadline=effective + dt.timedelta(days=m.rule.days) if due else None))
    steps = [replace(s, problems=tuple(_order_problems(s, steps))) for s in steps]
    earliest, reason = base, "la date du jour" if draft else "la date de la version"
    for s in steps:
        if not s.required or s.follow_up:
            continue
        day = s.date or base
        candidate = after_delay(day, s.milestone) if s.milestone.rule.kind == DELAY else day
        if candidate > earliest:
            earliest, reason = candidate, _reason(s, draft)
    return UnitState(unit, tuple(steps), earliest, reason)


def _order_problems(step: Step, steps: Sequence[Step]) -> list[str]:
    """A milestone dated before one that must precede it, or too soon after it."""
    if step.entry is None:
        return []
    by_code = {s.milestone.code: s for s in steps}
    out = []
    for code in step.milestone.after:
        before = by_code.get(code)
        if before is None or before.entry is None:
            if step.required and before is not None and before.required:
                out.append(f"enregistré alors que « {before.milestone.short} » ne l'est pas")
            continue
        gap = dt.timedelta(days=step.milestone.gap_days)
        if step.date < before.date + gap:
            wait = f" plus {step.milestone.gap_days} jours" if step.milestone.gap_days else ""
            out.append(f"daté du {fr.date(step.date)}, avant « {before.milestone.short} » "
                       f"({fr.date(before.date)}{wait})")
    return out


def _reason(step: Step, draft: bool) -> str:
    """Why a step sets the earliest date, in French."""
    soonest = "au plus tôt aujourd'hui" if draft else "au plus tôt le jour de la version"
    when = f"enregistré le {fr.date(step.entry['date'])}" if step.entry else f"non enregistré : {soonest}"
    if step.milestone.rule.kind != DELAY:
        return f"« {step.milestone.short} » ({when})"
    return f"le délai qui suit « {step.milestone.short} » ({when})"
