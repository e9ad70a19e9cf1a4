"""The Charter model: numbering, canonical JSON, digest, round trip."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from charter_kit.model.charter import Article, Charter, Clause, canonical
from charter_kit.outputs.markdown import to_markdown


def make(texts: list[list[str]] | None = None, **meta) -> Charter:
    texts = texts or [["Première règle.", "Deuxième règle."], ["Troisième règle."]]
    articles = tuple(
        Article(id=f"m{n}", number=n, title=f"Module {n}", intro="Intro.",
                clauses=tuple(Clause(f"m{n}.c{m}", f"{n}.{m}", f"Clause {m}", t) for m, t in enumerate(ts, 1)),
                legal_basis=("C. trav., art. L1121-1",), variables={"liste": ["a", "b"], "n": 3, "ok": True})
        for n, ts in enumerate(texts, 1))
    return Charter(title="Charte", company={"name": "Acme", "legal_name": "Acme SA", "listed": False,
                                            "website": None}, articles=articles, **meta)


def test_round_trip_and_digest():
    c = make(version="1.0.0", date="2027-01-02", effective_date="2027-02-01")
    again = Charter.from_json(c.to_json())
    assert again == c and again.digest == c.digest
    assert len(c.digest) == 64


def test_canonical_form_is_sorted_compact_utf8():
    assert canonical({"b": "é", "a": [1, True, None]}) == '{"a":[1,true,null],"b":"é"}'
    with pytest.raises(TypeError):
        canonical({"x": 1.5})


def test_numbering_is_checked():
    with pytest.raises(ValueError, match="numbered"):
        Charter(title="x", company={}, articles=(Article("a", 2, "A", "", ()),))
    with pytest.raises(ValueError, match="clause a.b numbered 1.2"):
        Charter(title="x", company={}, articles=(Article("a", 1, "A", "", (Clause("a.b", "1.2", "B", "t"),)),))


def test_digest_changes_with_any_word():
    a = make()
    b = make([["Première règle.", "Deuxième règles."], ["Troisième règle."]])
    assert a.digest != b.digest
    assert a.clause("m1.c1").digest == b.clause("m1.c1").digest
    assert a.clause("m1.c2").digest != b.clause("m1.c2").digest


def test_from_json_refuses_malformed_input():
    for bad in ('[]', '{"schema": 99}', '{"schema": 1, "title": "x"}', '{"schema": 1, "articles": [], "title": "x", "company": {}, "evil": 1}'):
        with pytest.raises(ValueError):
            Charter.from_json(bad)


def test_markdown_links_cross_references():
    c = make([["Voir [article 2.1](clause:m2.c1)."], ["Texte."]])
    md = to_markdown(c)
    assert "Voir [article 2.1](#m2-c1)." in md
    assert "### 2.1 Clause 1 {#m2-c1}" in md


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.text(min_size=1, max_size=80), min_size=1, max_size=4), min_size=1, max_size=4),
       st.one_of(st.none(), st.sampled_from(["1.0.0", "2.3.4-rc.1"])))
def test_round_trip_property(texts, version):
    c = make(texts, version=version)
    again = Charter.from_json(c.to_json())
    assert again == c
    assert again.to_json() == c.to_json()
