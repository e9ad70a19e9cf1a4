"""The append-only event log: each record carries the hash of the one before it.

A record's hash covers its position, time, kind, the sha256 of its data and the previous hash,
so changing, removing or reordering any record breaks every link after it. ``verify`` walks the
chain from the first record and reports the first broken link; it also checks that every
acknowledgement row matches the record that created it.

The retention purge is the only thing that changes the log: it erases the *data* of the records
about employees who left long ago (the data's hash stays, so the chain still verifies) and
appends a record saying which positions it erased, when and why.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from charter_kit.ack.db import Acknowledgement, Employee, Event, Registry, Throttle, Token, head, iso
from charter_kit.i18n import _, language

GENESIS = "0" * 64
BATCH = 5000

#: Event kinds, in French for the documents HR reads (an employee's data export); messages name them
#: by these labels in French and by their codes in English.
KINDS = {
    "version.registered": "version enregistrée",
    "import.done": "import des salariés",
    "employee.added": "salarié ajouté",
    "employee.updated": "salarié modifié",
    "employee.left": "départ",
    "employee.returned": "retour",
    "campaign.started": "campagne ouverte",
    "links.issued": "liens personnels créés",
    "mail.sent": "courriel envoyé",
    "ack.recorded": "accusé de réception",
    "ack.carried": "accusé reporté (version de forme)",
    "admin.created": "compte RH créé",
    "export.employee": "export des données d'un salarié",
    "purge.done": "purge de conservation",
}


def canonical(data: Any) -> str:
    """The one JSON form of an event's data (sorted keys, no spaces, UTF-8 kept)."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def sha256(text: str) -> str:
    """Hex sha256 of UTF-8 text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def link_hash(position: int, at: str, kind: str, data_hash: str, prev_hash: str) -> str:
    """The hash of one record: what ``verify`` recomputes."""
    return sha256(f"charter-ack/1\n{position}\n{at}\n{kind}\n{data_hash}\n{prev_hash}")


@dataclass(frozen=True)
class NewEvent:
    """An event to append: its kind, data and what it is about."""

    kind: str
    data: dict[str, Any]
    employee_id: int | None = None
    version: str | None = None


def append(registry: Registry, session: Session, kind: str, data: dict[str, Any], *,
           employee_id: int | None = None, version: str | None = None, at: dt.datetime | None = None) -> Event:
    """Append one event in the session's transaction and return it (its id is its position)."""
    return append_many(registry, session, [NewEvent(kind, data, employee_id, version)], at=at)[0]


def append_many(registry: Registry, session: Session, items: Sequence[NewEvent], *,
                at: dt.datetime | None = None) -> list[Event]:
    """Append events in order, all with the same time, in the session's transaction."""
    if not items:
        return []
    registry.lock_chain(session)
    session.flush()
    position, prev = head(session)
    stamp = iso(at or registry.now())
    rows = []
    for item in items:
        if item.kind not in KINDS:
            raise ValueError(f"unknown event kind {item.kind}")
        position += 1
        data = canonical(item.data)
        data_hash = sha256(data)
        digest = link_hash(position, stamp, item.kind, data_hash, prev)
        rows.append(dict(id=position, at=stamp, kind=item.kind, employee_id=item.employee_id,
                         version=item.version, data=data, data_hash=data_hash, prev_hash=prev, hash=digest))
        prev = digest
    for start in range(0, len(rows), BATCH):
        session.execute(insert(Event), rows[start:start + BATCH])
    return [Event(**row) for row in rows]


# -- verification -----------------------------------------------------------------------------------
@dataclass
class Verification:
    """What ``verify`` found: the records walked, the head, erased records, the first problem."""

    count: int = 0
    head_position: int = 0
    head_hash: str = GENESIS
    erased: int = 0
    acknowledgements: int = 0
    anchors: int = 0
    problem: str | None = None

    @property
    def ok(self) -> bool:
        """True when every link, anchor and acknowledgement checked out."""
        return self.problem is None


def verify(registry: Registry, *, anchors: Sequence[tuple[int, str]] = ()) -> Verification:
    """Walk the chain from position 1; stop at the first broken link and say which it is.

    ``anchors`` are (position, hash) pairs noted earlier (printed by a verify or a certificate):
    each must still be in the chain with the same hash, which shows the log was not rewritten
    from scratch since they were noted.
    """
    result = Verification()
    wanted = dict(anchors)
    with registry.read() as session:
        erased_ok = _purged_positions(session)
        expected, prev = 1, GENESIS
        last_id = 0
        while True:
            rows = session.execute(select(Event).where(Event.id > last_id).order_by(Event.id).limit(BATCH)).scalars().all()
            if not rows:
                break
            for ev in rows:
                problem = _check_event(ev, expected, prev, erased_ok)
                if problem:
                    result.problem = problem
                    return result
                if ev.id in wanted:
                    if wanted[ev.id] != ev.hash:
                        result.problem = _("mark no. {position}: the digest noted ({noted}…) is no longer the "
                                           "registry's ({found}…): the log was rewritten since").format(
                            position=ev.id, noted=wanted[ev.id][:16], found=ev.hash[:16])
                        return result
                    result.anchors += 1
                result.erased += ev.data is None
                result.count += 1
                result.head_position, result.head_hash = ev.id, ev.hash
                expected, prev = ev.id + 1, ev.hash
            last_id = rows[-1].id
        missing = sorted(p for p in wanted if p > result.head_position)
        if missing:
            result.problem = _("mark no. {position}: the registry ends at event no. {last}; events were removed "
                               "since this mark was noted").format(position=missing[0], last=result.head_position)
            return result
        result.problem = _check_acknowledgements(session, result)
    return result


def kind_name(kind: str) -> str:
    """An event kind as a message names it: its French label in French, its code otherwise."""
    return KINDS.get(kind, kind) if language() == "fr" else kind


def _check_event(ev: Event, expected: int, prev: str, erased_ok: set[int]) -> str | None:
    if ev.id != expected:
        return _("event no. {position} is missing: the log goes from no. {before} to no. {after} "
                 "(record deleted)").format(position=expected, before=expected - 1, after=ev.id)
    problem = None
    if ev.prev_hash != prev:
        problem = _("does not point to the previous event (broken link, record replaced or moved)")
    elif ev.data is None:
        if ev.id not in erased_ok:
            problem = _("content erased without a logged retention purge")
    elif sha256(ev.data) != ev.data_hash:
        problem = _("the content was changed afterwards (its digest no longer matches)")
    if problem is None and link_hash(ev.id, ev.at, ev.kind, ev.data_hash, ev.prev_hash) != ev.hash:
        problem = _("the date, kind or digest of the record was changed afterwards")
    if problem is None:
        return None
    return _("event no. {position} ({at}, {kind}): {problem}").format(
        position=ev.id, at=ev.at, kind=kind_name(ev.kind), problem=problem)


def _purged_positions(session: Session) -> set[int]:
    """Positions a logged purge erased (read from the purge records themselves)."""
    positions: set[int] = set()
    for (data,) in session.execute(select(Event.data).where(Event.kind == "purge.done")):
        if data is None:
            continue
        for start, end in json.loads(data).get("erased", []):
            positions.update(range(start, end + 1))
    return positions


def _check_acknowledgements(session: Session, result: Verification) -> str | None:
    """Every acknowledgement row must say what the record that created it says."""
    last_id = 0
    while True:
        rows = session.execute(
            select(Acknowledgement, Employee.matricule, Event)
            .join(Employee, Employee.id == Acknowledgement.employee_id)
            .outerjoin(Event, Event.id == Acknowledgement.event_id)
            .where(Acknowledgement.id > last_id).order_by(Acknowledgement.id).limit(BATCH)).all()
        if not rows:
            return None
        for ack, matricule, ev in rows:
            result.acknowledgements += 1
            where = _("acknowledgement no. {number} (employee {matricule}, version {version})").format(
                number=ack.id, matricule=matricule, version=ack.version)
            if ev is None:
                return _("{acknowledgement}: no event of the log created it (added straight into the database)").format(
                    acknowledgement=where)
            if ev.kind not in ("ack.recorded", "ack.carried") or ev.data is None:
                return _("{acknowledgement}: event no. {position} is not an acknowledgement").format(
                    acknowledgement=where, position=ev.id)
            data = json.loads(ev.data)
            claims = {"matricule": matricule, "version": ack.version, "method": ack.method, "at": ack.at}
            wrong = [k for k, v in claims.items() if data.get(k) != v]
            if wrong or ev.employee_id != ack.employee_id:
                return _("{acknowledgement}: does not match event no. {position} of the log ({fields} changed "
                         "afterwards)").format(acknowledgement=where, position=ev.id,
                                               fields=", ".join(wrong) or _("the employee"))
        last_id = rows[-1][0].id


# -- retention purge --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Purge:
    """What a purge removed."""

    cutoff: str
    employees: int
    acknowledgements: int
    tokens: int
    events_erased: int
    position: int | None = None
    matricules: tuple[str, ...] = field(default=(), compare=False)


def purge_candidates(session: Session, cutoff: dt.datetime) -> list[Employee]:
    """Employees who left before ``cutoff``."""
    return list(session.execute(select(Employee).where(Employee.active.is_(False), Employee.left_at.is_not(None),
                                                       Employee.left_at < iso(cutoff))).scalars())


def purge(registry: Registry, cutoff: dt.datetime, *, actor: str, reason: str, dry_run: bool = False) -> Purge:
    """Erase what the registry holds about employees who left before ``cutoff``; log the purge."""
    with (registry.read() if dry_run else registry.write()) as session:
        if not dry_run:
            registry.lock_chain(session)
        leavers = purge_candidates(session, cutoff)
        ids = [e.id for e in leavers]
        counts = {"acknowledgements": 0, "tokens": 0, "events": 0}
        positions: list[int] = []
        for chunk in _chunks(ids, 500):
            counts["acknowledgements"] += session.scalar(
                select(func.count()).select_from(Acknowledgement).where(Acknowledgement.employee_id.in_(chunk))) or 0
            counts["tokens"] += session.scalar(
                select(func.count()).select_from(Token).where(Token.employee_id.in_(chunk))) or 0
            positions += session.execute(select(Event.id).where(Event.employee_id.in_(chunk),
                                                                Event.data.is_not(None))).scalars().all()
        result = Purge(iso(cutoff), len(ids), counts["acknowledgements"], counts["tokens"], len(positions),
                       matricules=tuple(sorted(e.matricule for e in leavers)))
        if dry_run:
            return result
        for chunk in _chunks(ids, 500):
            session.execute(delete(Token).where(Token.employee_id.in_(chunk)))
            # Carried acknowledgements point at the ones they came from: delete those first.
            session.execute(delete(Acknowledgement).where(Acknowledgement.employee_id.in_(chunk),
                                                          Acknowledgement.carried_from_id.is_not(None)))
            session.execute(delete(Acknowledgement).where(Acknowledgement.employee_id.in_(chunk)))
            session.execute(update(Event).where(Event.employee_id.in_(chunk)).values(data=None))
            session.execute(delete(Employee).where(Employee.id.in_(chunk)))
        stale = registry.now().timestamp() - 86400
        session.execute(delete(Throttle).where(Throttle.at < stale))
        ev = append(registry, session, "purge.done", {
            "cutoff": iso(cutoff), "reason": reason, "actor": actor, "employees": len(ids),
            "acknowledgements": counts["acknowledgements"], "tokens": counts["tokens"],
            "erased": _ranges(sorted(positions))})
        return Purge(result.cutoff, result.employees, result.acknowledgements, result.tokens,
                     result.events_erased, ev.id, result.matricules)


def _chunks(items: Sequence[int], size: int) -> Iterable[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _ranges(positions: Sequence[int]) -> list[list[int]]:
    """[1, 2, 3, 7] -> [[1, 3], [7, 7]]: the purge record stays small."""
    out: list[list[int]] = []
    for p in positions:
        if out and p == out[-1][1] + 1:
            out[-1][1] = p
        else:
            out.append([p, p])
    return out
