"""The hash-chained log: verify finds the first broken link; the retention purge is logged."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import delete, func, insert, select, text, update

from ack_support import write_csv
from charter_kit.ack.campaigns import LINK, acknowledge, start_campaign
from charter_kit.ack.db import Acknowledgement, Employee, Event, Token, head, iso
from charter_kit.ack.events import GENESIS, link_hash, purge, sha256, verify
from charter_kit.ack.importing import import_employees


@pytest.fixture
def acked(registry, employees):
    """A campaign for 2.0.0 with three acknowledgements."""
    start_campaign(registry, "2.0.0", actor="rh")
    return [acknowledge(registry, employees[m], 1, LINK) for m in ("H001", "H002", "H003")]


def sql(registry, statement):
    with registry.write() as session:
        session.execute(statement)


def test_an_untouched_log_verifies(registry, acked):
    result = verify(registry)
    assert result.ok and result.problem is None
    assert result.acknowledgements == 3
    with registry.read() as session:
        assert (result.head_position, result.head_hash) == head(session)
        first = session.get(Event, 1)
    assert first.prev_hash == GENESIS
    assert first.hash == link_hash(1, first.at, first.kind, sha256(first.data), GENESIS)


def test_changed_content_is_the_first_broken_link(registry, acked):
    target = acked[1].event_id
    with registry.read() as session:
        data = json.loads(session.get(Event, target).data)
    data["at"] = "2027-08-01T00:00:00.000000Z"  # backdating an acknowledgement
    sql(registry, update(Event).where(Event.id == target).values(data=json.dumps(data)))
    result = verify(registry)
    assert not result.ok
    assert result.problem.startswith(f"event no. {target} (")
    assert "ack.recorded): the content was changed afterwards" in result.problem
    assert result.count == target - 1


def test_rehashed_record_breaks_the_next_link(registry, acked):
    """Recomputing the changed record's own hashes only moves the break to the record after it."""
    target = acked[0].event_id
    with registry.read() as session:
        ev = session.get(Event, target)
    data = ev.data.replace('"method":"link"', '"method":"sso"')
    new_hash = link_hash(ev.id, ev.at, ev.kind, sha256(data), ev.prev_hash)
    sql(registry, update(Event).where(Event.id == target).values(data=data, data_hash=sha256(data), hash=new_hash))
    result = verify(registry)
    assert result.problem.startswith(f"event no. {target + 1} ")
    assert "broken link" in result.problem


def test_removed_record_is_a_gap(registry, acked):
    with registry.read() as session:
        saved = {c.name: getattr(session.get(Event, 3), c.name) for c in Event.__table__.columns}
    sql(registry, delete(Event).where(Event.id == 3))
    assert "event no. 3 is missing: the log goes from no. 2 to no. 4" in verify(registry).problem
    sql(registry, insert(Event).values(**saved))
    assert verify(registry).ok


def test_truncated_log_detected_by_an_anchor(registry, acked):
    """Removing the newest records leaves a valid shorter chain: only a noted anchor shows it."""
    with registry.read() as session:
        anchor = head(session)
    with registry.write() as session:
        session.execute(delete(Acknowledgement).where(Acknowledgement.event_id == anchor[0]))
        session.execute(delete(Event).where(Event.id == anchor[0]))
    assert verify(registry).ok
    result = verify(registry, anchors=[anchor])
    assert f"mark no. {anchor[0]}: the registry ends at event no. {anchor[0] - 1}" in result.problem


def test_rewritten_chain_detected_by_an_anchor(registry, acked):
    """Someone rewrites every hash after a change: the chain is consistent again, the anchor is not."""
    with registry.read() as session:
        anchor = head(session)
        events = session.execute(select(Event).order_by(Event.id)).scalars().all()
    prev = GENESIS
    with registry.write() as session:
        for ev in events:
            data = ev.data.replace("Bruno Martin", "Bruno Martinez")
            digest = link_hash(ev.id, ev.at, ev.kind, sha256(data), prev)
            session.execute(update(Event).where(Event.id == ev.id).values(data=data, data_hash=sha256(data),
                                                                            prev_hash=prev, hash=digest))
            prev = digest
    assert verify(registry).ok
    result = verify(registry, anchors=[anchor])
    assert f"mark no. {anchor[0]}: the digest noted" in result.problem


def test_acknowledgement_rows_must_match_their_records(registry, acked, employees):
    sql(registry, update(Acknowledgement).where(Acknowledgement.id == acked[2].ack_id)
        .values(at="2027-01-01T00:00:00.000000Z"))
    result = verify(registry)
    assert f"acknowledgement no. {acked[2].ack_id} (employee H003, version 2.0.0)" in result.problem
    assert "(at changed afterwards)" in result.problem


def test_acknowledgement_inserted_directly_is_detected(registry, acked, employees):
    """A forged row must point at some event (foreign key): it cannot be an acknowledgement's."""
    sql(registry, insert(Acknowledgement).values(
        employee_id=employees["H005"], version="2.0.0", campaign_id=1, method=LINK,
        at=iso(dt.datetime(2027, 9, 2, tzinfo=dt.timezone.utc)), event_id=1))
    problem = verify(registry).problem
    assert "(employee H005, version 2.0.0): event no. 1 is not an acknowledgement" in problem


def test_erased_content_without_a_purge_is_detected(registry, acked):
    sql(registry, update(Event).where(Event.id == acked[0].event_id).values(data=None))
    assert "content erased without a logged retention purge" in verify(registry).problem


def test_purge_erases_leavers_and_is_logged(registry, employees, clock, tmp_path):
    start_campaign(registry, "2.0.0", actor="rh")
    for m in ("H001", "H004"):
        acknowledge(registry, employees[m], 1, LINK)
    text = "Matricule;Nom;Courriel\nH001;Ana Durand;ana.durand@horizon.example\n"
    import_employees(registry, write_csv(tmp_path / "left.csv", text), actor="rh")  # four leave now
    clock.advance(days=365 * 5 + 2)
    cutoff = clock.now - dt.timedelta(days=365 * 5)
    plan = purge(registry, cutoff, actor="rh", reason="test", dry_run=True)
    assert (plan.employees, plan.acknowledgements, plan.position) == (4, 1, None)
    done = purge(registry, cutoff, actor="rh", reason="conservation de 5 ans après le départ")
    assert done.employees == 4 and done.matricules == ("H002", "H003", "H004", "H005")
    with registry.read() as session:
        assert session.scalar(select(func.count()).select_from(Employee)) == 1
        assert session.scalar(select(func.count()).select_from(Acknowledgement)) == 1
        assert session.scalar(select(func.count()).select_from(Token)) == 0
        erased = session.execute(select(Event.data).where(Event.employee_id == employees["H004"])).scalars().all()
        log = json.loads(session.get(Event, done.position).data)
        dump = " ".join(d or "" for d in session.execute(select(Event.data)).scalars())
    assert erased and all(d is None for d in erased)
    assert "David" not in dump and "Roux" not in dump and "H004" not in dump  # no personal data left
    assert log["employees"] == 4 and log["erased"] and log["reason"].startswith("conservation")
    result = verify(registry)
    assert result.ok and result.erased == done.events_erased > 0


def test_positions_are_contiguous_from_one(registry, acked):
    """The position is the primary key and appends are serialised: 1, 2, 3… without gaps."""
    with registry.read() as session:
        positions = session.execute(select(Event.id).order_by(Event.id)).scalars().all()
        count = session.scalar(text("SELECT count(*) FROM events"))
    assert positions == list(range(1, count + 1))
