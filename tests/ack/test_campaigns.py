"""Campaigns and the re-acknowledgement rule across substantive and editorial versions."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from ack_support import add_release, write_csv
from charter_kit.ack.campaigns import (CARRIED, LINK, SSO, NotConcerned, acknowledge, employee_state,
                                       start_campaign)
from charter_kit.ack.db import Acknowledgement, Event
from charter_kit.ack.importing import import_employees
from charter_kit.ack.status import campaign_status, pending, status_text
from charter_kit.ack.versions import records, sync
from charter_kit.errors import AckError


def status_of(registry, version):
    from charter_kit.ack.campaigns import get_campaign

    with registry.read() as session:
        return campaign_status(session, get_campaign(session, version))


def test_counts_by_entity_and_establishment(registry, employees):
    start_campaign(registry, "2.0.0", actor="rh")
    acknowledge(registry, employees["H001"], 1, LINK)
    acknowledge(registry, employees["H004"], 1, SSO)
    st = status_of(registry, "2.0.0")
    t = st.totals
    assert (t.total, t.acknowledged, t.carried, t.later, t.pending) == (5, 2, 0, 0, 3)
    groups = {(g.entity, g.establishment): (g.total, g.done) for g in st.groups}
    assert groups == {("Horizon Digital SAS", "Paris"): (1, 0), ("Horizon SA", "Lyon"): (1, 0),
                      ("Horizon SA", "Paris"): (1, 1), ("Horizon Services SAS", "Lille"): (2, 1)}
    entities = {g.entity: round(g.percent) for g in st.by_entity()}
    assert entities == {"Horizon Digital SAS": 0, "Horizon SA": 50, "Horizon Services SAS": 50}
    assert st.progress == (("2027-09-01", 2),)


def test_acknowledging_twice_is_harmless(registry, employees):
    start_campaign(registry, "2.0.0", actor="rh")
    first = acknowledge(registry, employees["H002"], 1, LINK, ip="192.0.2.7")
    again = acknowledge(registry, employees["H002"], 1, LINK)
    assert first.created and not again.created
    assert (again.ack_id, again.event_id, again.at) == (first.ack_id, first.event_id, first.at)
    with registry.read() as session:
        assert session.scalar(select(Acknowledgement.id).where(Acknowledgement.employee_id == employees["H002"])) \
            == first.ack_id
        data = json.loads(session.get(Event, first.event_id).data)
    assert data["ip"] == "192.0.2.7" and data["method"] == "link" and data["digest"] == first.digest


def test_substantive_version_requires_a_new_acknowledgement(registry, employees, horizon, monkeypatch):
    start_campaign(registry, "2.0.0", actor="rh")
    for m in ("H001", "H002", "H003"):
        acknowledge(registry, employees[m], 1, LINK)
    add_release(horizon, "2.1.0", "substantive", date="2027-10-01", effective="2027-11-01", words=True)
    assert sync(registry, horizon) == ["2.1.0"]
    started = start_campaign(registry, "2.1.0", actor="rh")
    assert (started.concerned, started.carried, started.reack_required) == (5, 0, 3)
    with registry.read() as session:
        from charter_kit.ack.campaigns import get_campaign

        rows = {r.matricule: r.previous for r in pending(session, get_campaign(session, "2.1.0"))}
        text = status_text(campaign_status(session, get_campaign(session, "2.1.0")), records(session),
                           pending(session, get_campaign(session, "2.1.0")))
        monkeypatch.setenv("LANGUAGE", "fr_FR.UTF-8")  # what HR reads in French
        french = status_text(campaign_status(session, get_campaign(session, "2.1.0")), records(session),
                             pending(session, get_campaign(session, "2.1.0")))
    assert rows == {"H001": "2.0.0", "H002": "2.0.0", "H003": "2.0.0", "H004": None, "H005": None}
    assert "to renew: accepted 2.0.0, substantive version since: 2.1.0" in text
    assert "first acknowledgement" in text
    assert "including 3 who must acknowledge again" in text
    assert "à renouveler : a accepté 2.0.0, version substantielle depuis : 2.1.0" in french
    assert "premier accusé de réception" in french
    assert "dont 3 doivent accuser réception à nouveau" in french


def test_editorial_versions_carry_acknowledgements_forward(registry, employees, horizon):
    start_campaign(registry, "2.0.0", actor="rh")
    acknowledge(registry, employees["H001"], 1, LINK)
    acknowledge(registry, employees["H002"], 1, LINK)
    add_release(horizon, "2.0.1", "editorial", date="2027-10-01", effective="2027-10-01", words=False)
    add_release(horizon, "2.0.2", "editorial", date="2027-10-02", effective="2027-10-02", words=False)
    sync(registry, horizon)
    started = start_campaign(registry, "2.0.2", actor="rh")
    assert (started.carried, started.reack_required) == (2, 0)
    st = status_of(registry, "2.0.2")
    assert (st.totals.carried, st.totals.acknowledged, st.totals.pending) == (2, 0, 3)
    with registry.read() as session:
        carried = session.execute(select(Acknowledgement).where(Acknowledgement.version == "2.0.2")
                                  .order_by(Acknowledgement.id)).scalars().all()
        source = session.get(Acknowledgement, carried[0].carried_from_id)
        event = json.loads(session.get(Event, carried[0].event_id).data)
        state = employee_state(session, employees["H001"], started.campaign_id)
    assert [a.method for a in carried] == [CARRIED, CARRIED]
    assert source.version == "2.0.0" and source.method == LINK  # the record says where it comes from
    assert event["from_version"] == "2.0.0" and event["editorial_versions"] == ["2.0.1", "2.0.2"]
    assert state.receipt.method == CARRIED and state.receipt.carried_from == "2.0.0"


def test_carry_stops_at_a_substantive_version_in_between(registry, employees, horizon):
    start_campaign(registry, "2.0.0", actor="rh")
    acknowledge(registry, employees["H001"], 1, LINK)
    add_release(horizon, "2.1.0", "substantive", date="2027-10-01", effective="2027-10-01", words=True)
    add_release(horizon, "2.1.1", "editorial", date="2027-10-02", effective="2027-10-02", words=False)
    sync(registry, horizon)
    assert start_campaign(registry, "2.1.1", actor="rh").carried == 0
    assert start_campaign(registry, "2.1.0", actor="rh").reack_required == 1
    # Acknowledging 2.1.0 later carries forward to the open 2.1.1 campaign at once.
    receipt = acknowledge(registry, employees["H001"], 3, LINK)
    assert receipt.version == "2.1.0"
    st = status_of(registry, "2.1.1")
    assert (st.totals.carried, st.totals.pending) == (1, 4)


def test_a_newer_acknowledgement_closes_older_campaigns(registry, employees):
    start_campaign(registry, "1.1.0", actor="rh")
    started = start_campaign(registry, "2.0.0", actor="rh")
    acknowledge(registry, employees["H003"], started.campaign_id, LINK)
    st = status_of(registry, "1.1.0")
    assert (st.totals.later, st.totals.pending) == (1, 4)
    with registry.read() as session:
        state = employee_state(session, employees["H003"], 1)
    assert state.later == "2.0.0" and state.receipt is None


def test_populations_limit_a_campaign(registry, employees):
    started = start_campaign(registry, "2.0.0", populations=["managers"], actor="rh")
    assert started.concerned == 2
    with pytest.raises(NotConcerned):
        acknowledge(registry, employees["H002"], started.campaign_id, LINK)
    with pytest.raises(AckError, match="already exists for other populations"):
        start_campaign(registry, "2.0.0", populations=["autres"], actor="rh")


def test_a_leaver_cannot_acknowledge_and_leaves_the_counts(registry, employees, tmp_path):
    start_campaign(registry, "2.0.0", actor="rh")
    text = ("Matricule;Nom;Courriel\nH001;Ana Durand;ana.durand@horizon.example\n"
            "H002;Bruno Martin;bruno.martin@horizon.example\n")
    import_employees(registry, write_csv(tmp_path / "v2.csv", text), actor="rh")
    with pytest.raises(NotConcerned):
        acknowledge(registry, employees["H004"], 1, LINK)
    assert status_of(registry, "2.0.0").totals.total == 2


def test_unknown_version_and_changed_release(registry, horizon):
    with pytest.raises(AckError, match=r"version 9\.9\.9 unknown to the registry \(versions: 1\.0\.0, 1\.1\.0, 2\.0\.0\)"):
        start_campaign(registry, "9.9.9", actor="rh")
    # A release rewritten in the store (same version, other text) is refused, never re-registered.
    import shutil

    shutil.rmtree(horizon / "releases" / "2.0.0")
    add_release(horizon, "2.0.0", "substantive", date="2027-06-01", effective="2027-09-01", words=True)
    with pytest.raises(AckError, match="version 2.0.0 of the store no longer has the recorded digest"):
        sync(registry, horizon)


def test_damaged_store_is_refused(registry, horizon):
    (horizon / "releases" / "1.1.0" / "charter.json").write_text("{}")
    with pytest.raises(AckError, match="the release store of .* is unreadable or altered"):
        sync(registry, horizon)


def test_carrying_forward_many_acknowledgements_reads_them_in_chunks(registry, employees, horizon, monkeypatch):
    """A group carries 100,000 acknowledgements at once: their originals are read a chunk at a time
    (PostgreSQL refuses a query of more than 65,535 parameters); two per chunk here."""
    import charter_kit.ack.campaigns as campaigns

    monkeypatch.setattr(campaigns, "IN_CHUNK", 2)
    start_campaign(registry, "2.0.0", actor="rh")
    for m in employees:
        acknowledge(registry, employees[m], 1, LINK)
    add_release(horizon, "2.0.1", "editorial", date="2027-10-01", effective="2027-10-01", words=False)
    add_release(horizon, "2.0.2", "editorial", date="2027-10-02", effective="2027-10-02", words=False)
    sync(registry, horizon)
    assert start_campaign(registry, "2.0.1", actor="rh").carried == 5
    assert start_campaign(registry, "2.0.2", actor="rh").carried == 5  # carried from carried ones: originals read
    with registry.read() as session:
        sources = session.execute(select(Acknowledgement.carried_from_id).where(Acknowledgement.version == "2.0.2")
                                  ).scalars().all()
        originals = session.execute(select(Acknowledgement.version).where(Acknowledgement.id.in_(sources))
                                    ).scalars().all()
    assert sorted(originals) == ["2.0.0"] * 5  # each points at the acknowledgement actually given


def test_the_campaign_list_counts_like_each_campaign(registry, employees, horizon):
    """The list's two grouped queries give each campaign the totals its own page gives."""
    from charter_kit.ack.campaigns import get_campaign
    from charter_kit.ack.status import overview

    start_campaign(registry, "1.1.0", actor="rh")
    c2 = start_campaign(registry, "2.0.0", populations=["managers"], actor="rh")
    acknowledge(registry, employees["H001"], 1, LINK)
    acknowledge(registry, employees["H004"], c2.campaign_id, LINK)  # later version for campaign 1.1.0
    add_release(horizon, "2.0.1", "editorial", date="2027-10-01", effective="2027-10-01", words=False)
    sync(registry, horizon)
    start_campaign(registry, "2.0.1", actor="rh")  # H004 carried
    with registry.read() as session:
        summaries = {s.version: (s.total, s.done, s.pending) for s in overview(session)}
        detailed = {}
        for version in summaries:
            t = campaign_status(session, get_campaign(session, version)).totals
            detailed[version] = (t.total, t.done, t.pending)
    assert summaries == detailed
    assert summaries == {"1.1.0": (5, 2, 3), "2.0.0": (2, 1, 1), "2.0.1": (5, 1, 4)}
