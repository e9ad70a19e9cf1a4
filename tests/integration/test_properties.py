"""Property-based tests: random valid profiles render and round-trip; random mutations never crash."""

from __future__ import annotations

import datetime as dt
import unicodedata

import json

import pytest

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from charter_kit.model.charter import Charter
from conftest import MINI_LIBRARY, run, write_tree

pytestmark = pytest.mark.slow

# A valid value: printable (control characters are refused where they enter) and in NFC (texts are normalized).
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x00"),
               min_size=1, max_size=40).map(lambda s: unicodedata.normalize("NFC", s)).filter(str.strip)
LIST = st.lists(TEXT, max_size=5)

PROFILES = st.fixed_dictionaries({
    "charter": st.fixed_dictionaries({
        "title": TEXT,
        "jurisdiction": st.sampled_from(["fr", "ch", "be", "lu", "qc"]),
        "status": st.sampled_from(["annexe-reglement-interieur", "note-de-service", "guide"]),
    }),
    "company": st.fixed_dictionaries({"name": TEXT, "listed": st.booleans()}),
    "contacts": st.fixed_dictionaries({"juridique": st.fixed_dictionaries(
        {"name": TEXT, "email": st.from_regex(r"[a-z]{1,8}@[a-z]{1,8}\.fr", fullmatch=True)})}),
    "modules": st.tuples(
        st.fixed_dictionaries({
            "id": st.just("alpha"),
            "variables": st.fixed_dictionaries({"reseau": TEXT}, optional={
                "exemples": LIST, "delai": st.integers(-10**6, 10**6),
                "ton": st.sampled_from(["sobre", "chaleureux"]),
                "debut": st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2099, 12, 31)).map(lambda d: d.isoformat())}),
            "options": st.fixed_dictionaries({}, optional={"embargo": st.booleans()}),
        }),
        st.sampled_from([[], ["beta"], ["gamma"]]),
    ).map(lambda t: [t[0], *t[1]]),
})


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(profile=PROFILES)
def test_random_valid_profiles_render_and_round_trip(tmp_path_factory, profile):
    root = tmp_path_factory.mktemp("p")
    lib = write_tree(root / "lib", MINI_LIBRARY)
    (root / "charter.yml").write_text(yaml.safe_dump(profile, allow_unicode=True), encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CHARTER_KIT_LIBRARY", str(lib))
        result = run("render", "-p", root / "charter.yml", "--format", "json")
        again_out = run("render", "-p", root / "charter.yml", "--format", "json").stdout
    assert result.exit_code == 0, result.output
    charter = Charter.from_json(result.stdout)
    again = Charter.from_json(charter.to_json())
    assert again == charter and again.digest == charter.digest
    assert result.stdout == again_out


def _mutate(data, path, value):
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return data


MUTATIONS = st.tuples(
    st.sampled_from([
        ("charter",), ("charter", "jurisdiction"), ("charter", "status"), ("charter", "effective_date"),
        ("company",), ("company", "name"), ("company", "listed"), ("company", "website"), ("contacts",),
        ("contacts", "juridique"), ("contacts", "juridique", "email"), ("modules",), ("modules", 0),
        ("modules", 0, "id"), ("modules", 0, "variables"), ("modules", 0, "variables", "reseau"),
        ("modules", 0, "variables", "delai"), ("modules", 0, "options", "embargo"), ("overrides",),
        ("branding",), ("pdf",), ("local_modules",), ("unknown",),
    ]),
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), TEXT, st.lists(TEXT, max_size=3),
              st.dictionaries(TEXT, TEXT, max_size=3)),
)

BASE = {
    "charter": {"jurisdiction": "fr"}, "company": {"name": "Acme"},
    "contacts": {"juridique": {"email": "j@acme.fr"}},
    "modules": [{"id": "alpha", "variables": {"reseau": "X"}, "options": {}}],
    "overrides": {},
}


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(mutations=st.lists(MUTATIONS, min_size=1, max_size=3))
def test_random_mutations_end_in_a_charter_or_a_clean_error(tmp_path_factory, mutations):
    root = tmp_path_factory.mktemp("m")
    lib = write_tree(root / "lib", MINI_LIBRARY)
    data = json.loads(json.dumps(BASE))
    for path, value in mutations:
        try:
            _mutate(data, path, value)
        except (KeyError, IndexError, TypeError):
            continue
    (root / "charter.yml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CHARTER_KIT_LIBRARY", str(lib))
        result = run("check", "-p", root / "charter.yml")
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output and "internal error" not in result.output, result.output
    if result.exit_code == 1:
        assert result.output.startswith("Error: ") and "charter.yml" in result.output, result.output
