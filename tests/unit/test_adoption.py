"""The adoption procedure without the CLI: milestone tables, the earliest lawful date, units, the chain."""

from __future__ import annotations

import datetime as dt

import pytest

from charter_kit.adoption.milestones import PROCEDURES, procedure
from charter_kit.adoption.procedure import add_months, assess, units
from charter_kit.model.charter import Article, Charter, Clause
from charter_kit.model.release import Release
from charter_kit.store.adoption_log import chain_problems, entry_hash

D = dt.date.fromisoformat


def charter(jurisdiction: str = "fr", status: str = "annexe-reglement-interieur", **company) -> Charter:
    """A one-clause charter; ``company`` adds entities, establishments or industrial."""
    article = Article(id="socle", number=1, title="Socle", intro="",
                      clauses=(Clause("socle.objet", "1.1", "Objet", "Vous restez libre."),))
    return Charter(title="Charte", company={"name": "Acme", "legal_name": "Acme SAS", **company},
                   articles=(article,), jurisdiction=jurisdiction, status=status)


def entry(milestone: str, day: str, **where) -> dict:
    return {"milestone": milestone, "date": day, "ref": None, "entity": None, "establishment": None, **where}


FR_DONE = [entry("avis-cse", "2027-05-10"), entry("communication-inspection", "2027-05-20"),
           entry("depot-greffe", "2027-05-20"), entry("publicite", "2027-05-21")]


# -- the tables -------------------------------------------------------------------------------------
def test_every_procedure_has_codes_sources_and_rules():
    for key, milestones in PROCEDURES.items():
        codes = [m.code for m in milestones]
        assert len(codes) == len(set(codes)), key
        for m in milestones:
            assert m.label and m.short and m.source, (key, m.code)
            assert set(m.after) <= set(codes), (key, m.code)


def test_a_guide_has_no_procedure_and_any_date_is_lawful():
    assert procedure("fr", "guide") == ()
    adoption = assess(charter(status="guide"), [], base=D("2027-06-01"))
    assert not adoption.has_procedure and adoption.complete and adoption.earliest == D("2027-06-01")


# -- France: one month after the last filing or publicity -------------------------------------------
def test_without_formalities_the_earliest_date_counts_from_the_release_date():
    adoption = assess(charter(), [], base=D("2027-06-01"))
    assert adoption.earliest == D("2027-07-02")  # one month, and the next day by prudence
    assert not adoption.complete
    assert "au plus tôt le jour de la version" in adoption.reason


def test_the_last_filing_or_publicity_sets_the_earliest_date():
    adoption = assess(charter(), FR_DONE, base=D("2027-06-01"))
    assert adoption.earliest == D("2027-06-22") and adoption.complete
    assert "publicité" in adoption.reason and "21 mai 2027" in adoption.reason


def test_a_month_ending_on_a_shorter_month_keeps_its_last_day():
    assert add_months(D("2027-01-31"), 1) == D("2027-02-28")
    assert add_months(D("2027-12-15"), 1) == D("2028-01-15")


def test_a_filing_before_the_cse_opinion_is_a_problem():
    entries = [entry("depot-greffe", "2027-05-01"), entry("avis-cse", "2027-05-10"),
               entry("communication-inspection", "2027-05-20"), entry("publicite", "2027-05-21")]
    adoption = assess(charter(), entries, base=D("2027-06-01"))
    step = next(s for s in adoption.units[0].steps if s.milestone.code == "depot-greffe")
    assert step.problems and "avis du CSE" in step.problems[0]
    assert not adoption.complete


def test_monitoring_devices_add_their_consultations():
    with_devices = charter()
    article = Article(id="dispositifs-controle", number=2, title="Dispositifs", intro="",
                      clauses=(Clause("dispositifs-controle.registre", "2.1", "Registre", "…"),),
                      variables={"dispositifs": ["la veille des mentions publiques"]})
    with_devices = Charter(**{**with_devices.__dict__, "articles": (*with_devices.articles, article)})
    adoption = assess(with_devices, FR_DONE, base=D("2027-06-01"))
    assert adoption.devices == ("la veille des mentions publiques",)
    assert [s.milestone.code for s in adoption.units[0].pending] == [
        "consultation-cse-dispositifs", "information-salaries-dispositifs"]


def test_a_later_record_of_a_milestone_corrects_the_earlier_one():
    adoption = assess(charter(), [*FR_DONE, entry("publicite", "2027-06-10")], base=D("2027-06-01"))
    assert adoption.earliest == D("2027-07-11")


def test_draft_records_for_another_text_do_not_count():
    adoption = assess(charter(), [{**e, "text": "a" * 64} for e in FR_DONE], base=D("2027-06-01"), text="b" * 64)
    assert len(adoption.stale) == 4 and not adoption.complete


# -- Belgium: fifteen days after the display; conciliation when there were observations -------------
def test_belgium_counts_fifteen_days_from_the_display():
    entries = [entry("affichage-projet", "2027-05-03"), entry("registre-observations", "2027-05-18")]
    adoption = assess(charter("be"), entries, base=D("2027-04-20"))
    assert adoption.earliest == D("2027-05-18") and adoption.complete
    follow = [s.milestone.code for s in adoption.units[0].follow_ups]
    assert follow == ["copie-travailleurs", "copie-cls"]


def test_belgian_observations_require_a_conciliation():
    entries = [entry("affichage-projet", "2027-05-03"), entry("registre-observations", "2027-05-18"),
               entry("observations", "2027-05-10")]
    adoption = assess(charter("be"), entries, base=D("2027-04-20"))
    assert [s.milestone.code for s in adoption.units[0].pending] == ["conciliation"]


def test_a_register_closed_before_fifteen_days_is_a_problem():
    entries = [entry("affichage-projet", "2027-05-03"), entry("registre-observations", "2027-05-10")]
    step = next(s for s in assess(charter("be"), entries, base=D("2027-04-20")).units[0].steps
                if s.milestone.code == "registre-observations")
    assert step.problems and "plus 15 jours" in step.problems[0]


def test_switzerland_asks_more_of_an_industrial_company():
    plain = assess(charter("ch"), [], base=D("2027-06-01"))
    industrial = assess(charter("ch", industrial=True), [], base=D("2027-06-01"))
    assert len(industrial.units[0].pending) == len(plain.units[0].pending) + 2


# -- who adopts -------------------------------------------------------------------------------------
def test_each_establishment_of_each_entity_adopts_separately():
    c = charter(entities=[{"id": "acme-sa", "name": "Acme SA", "establishments": [
        {"id": "paris", "name": "Paris"}, {"id": "lyon", "name": "Lyon"}]}, {"id": "acme-services", "name": "Acme Services"}])
    assert [(u.entity, u.establishment) for u in units(c)] == [
        ("acme-sa", "paris"), ("acme-sa", "lyon"), ("acme-services", None)]
    entries = [*FR_DONE, entry("publicite", "2027-06-20", entity="acme-sa", establishment="lyon")]
    adoption = assess(c, entries, base=D("2027-06-01"))
    earliest = {u.unit.establishment or u.unit.entity: u.earliest for u in adoption.units}
    assert earliest == {"paris": D("2027-06-22"), "lyon": D("2027-07-21"), "acme-services": D("2027-06-22")}
    assert adoption.earliest == D("2027-07-21")  # the charter applies once every unit may apply it


# -- the chained record -----------------------------------------------------------------------------
def test_the_chain_names_a_changed_or_removed_entry():
    release = Release(version="1.0.0", date="2027-06-01", effective_date="2027-07-02", digest="d" * 64,
                      previous_version=None, kind="substantive")
    first = {**entry("avis-cse", "2027-06-05"), "previous": "d" * 64}
    first["hash"] = entry_hash(first)
    second = {**entry("publicite", "2027-06-06"), "previous": first["hash"]}
    second["hash"] = entry_hash(second)
    assert chain_problems([first, second], release, "adoption/1.0.0.yml") == []
    changed = {**first, "date": "2027-06-04"}
    assert "entry 1 (avis-cse) was changed" in chain_problems([changed, second], release, "x")[0]
    assert "entry 1 (publicite) is not chained" in chain_problems([second], release, "x")[0]


@pytest.mark.parametrize("jurisdiction", ["fr", "be", "ch", "qc", "lu"])
def test_every_jurisdiction_has_a_procedure_for_disciplinary_statuses(jurisdiction):
    assert procedure(jurisdiction, "annexe-reglement-interieur")
    assert procedure(jurisdiction, "note-de-service") == procedure(jurisdiction, "annexe-reglement-interieur")
