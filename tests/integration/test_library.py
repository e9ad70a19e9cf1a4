"""The shipped module library: every module loads, renders everywhere it applies, and is coherent."""

from __future__ import annotations

import itertools
import re

import pytest
from jinja2 import nodes

from charter_kit.model.charter import Charter
from charter_kit.compose.library import load_library
from charter_kit.templating import get_environment
from conftest import MINIMAL_PROFILE, run

LIBRARY = load_library()
IDS = LIBRARY.ids()
PLACEHOLDERS = re.compile(r"\[Entreprise\]|\[Société\]|XXX|TODO|Lorem|\{\{|\{%|\x00")
EXPECTED = {
    "socle", "transparence", "confidentialite", "propriete-intellectuelle", "comptes-officiels",
    "porte-parole", "crise", "entreprises-cotees", "respect", "donnees-personnelles", "prestataires",
    "ambassadeurs", "usage-personnel", "sanctions", "gouvernance",
    "ia-generative", "pages-officielles", "teletravail", "dispositifs-controle", "temps-de-travail",
    "depart", "tiers",
}


def profile_for(modules: list[str], jurisdiction: str = "fr", status: str = "annexe-reglement-interieur",
                settings: dict[str, str] | None = None) -> str:
    """A profile selecting ``modules`` with every contact role the library uses."""
    text = MINIMAL_PROFILE.split("modules:")[0].replace("jurisdiction: fr", f"jurisdiction: {jurisdiction}")
    text = text.replace("status: annexe-reglement-interieur", f"status: {status}")
    text = text.replace("legal_name: Acme SAS}", "legal_name: Acme SAS, listed: true, website: https://acme.example}")
    lines = ["modules:"]
    for mid in modules:
        lines.append(f"  - id: {mid}")
        if settings and mid in settings:
            lines.append(settings[mid])
    return text + "\n".join(lines) + "\n"


def render(project, profile: str) -> Charter:
    result = run("render", "-p", project(profile), "--format", "json")
    assert result.exit_code == 0, result.output
    return Charter.from_json(result.stdout)


def used_names(source: str) -> set[tuple[str, str]]:
    """(var|opt, name) pairs a module's template reads."""
    ast = get_environment().parse(source)
    found = set()
    for node in ast.find_all((nodes.Getattr, nodes.Getitem)):
        if isinstance(node.node, nodes.Name) and node.node.name in ("var", "opt"):
            name = node.attr if isinstance(node, nodes.Getattr) else getattr(node.arg, "value", None)
            found.add((node.node.name, name))
    return found


def test_the_fifteen_modules_are_listed():
    assert set(IDS) == EXPECTED
    table = run("modules").stdout
    for mid in EXPECTED:
        assert f"\n{mid} " in table


@pytest.mark.parametrize("mid", sorted(EXPECTED))
def test_module_metadata_is_complete(mid):
    module = LIBRARY.get(mid)
    assert 4 <= len(module.clauses) <= 12, f"{mid}: {len(module.clauses)} clauses"
    assert module.legal_basis.get("fr"), "legal basis for fr"
    assert module.changelog and module.changelog[0]["version"] == module.version
    assert mid == "socle" or "socle" in module.requires
    for spec in list(module.variables.values()) + list(module.options.values()):
        assert spec.label.get("fr"), f"{mid}.{spec.name} has no French label"
    declared = {("var", n) for n in module.variables} | {("opt", n) for n in module.options}
    used = used_names(module.texts["fr"])
    assert used == declared, f"declared but unused: {declared - used}; used but undeclared: {used - declared}"
    for role in module.contacts:
        assert role in MINIMAL_PROFILE, f"{mid} cites an unknown contact role {role}"


def test_listed_module_requires_its_companions():
    assert set(LIBRARY.get("entreprises-cotees").requires) >= {"confidentialite", "porte-parole", "crise",
                                                               "comptes-officiels"}


def _option_settings(mid: str, value: bool) -> str:
    module = LIBRARY.get(mid)
    opts = {n: value for n, s in module.options.items() if s.type == "bool"}
    if not opts:
        return ""
    inner = ", ".join(f"{n}: {'true' if v else 'false'}" for n, v in opts.items())
    return f"    options: {{{inner}}}"


@pytest.mark.slow
@pytest.mark.parametrize("jurisdiction", ["fr", "ch", "be", "lu", "qc"])
@pytest.mark.parametrize("options_on", [False, True])
def test_all_modules_render_everywhere(project, jurisdiction, options_on):
    usable = [m for m in IDS if jurisdiction in LIBRARY.get(m).jurisdictions]
    settings = {m: _option_settings(m, options_on) for m in usable}
    charter = render(project, profile_for(usable, jurisdiction, settings=settings))
    assert [a.id for a in charter.articles] == usable
    for article in charter.articles:
        # Every module cites French law; elsewhere only what the research brief supports.
        assert article.legal_basis or jurisdiction != "fr", f"{article.id} has no legal basis under fr"
        for text in [article.intro] + [c.title + "\n" + c.text for c in article.clauses]:
            assert not PLACEHOLDERS.search(text), (article.id, PLACEHOLDERS.search(text).group(0), text[:200])
            assert "None" not in text.split(), (article.id, text[:200])
        for clause in article.clauses:
            assert clause.text.strip(), f"{clause.id} is empty"


@pytest.mark.parametrize("status", ["annexe-reglement-interieur", "note-de-service", "guide"])
def test_sanctions_follow_the_status(project, status):
    charter = render(project, profile_for(["sanctions"], status=status))
    text = " ".join(c.text for c in charter.article("sanctions").clauses)
    if status == "guide":
        assert "règlement intérieur" in text or "guide" in text
    assert charter.status == status


@pytest.mark.parametrize("mid", sorted(EXPECTED))
def test_each_module_alone_with_its_requirements(project, mid):
    charter = render(project, profile_for([mid]))
    assert charter.article(mid) is not None


def test_cross_references_resolve_to_article_numbers(project):
    charter = render(project, profile_for(IDS))
    numbers = {c.number for c in charter.clauses()}
    refs = re.findall(r"\[article (\d+\.\d+)\]\(clause:([a-z0-9.-]+)\)", "\n".join(c.text for c in charter.clauses()))
    assert refs, "the library uses cross-references"
    for number, target in refs:
        assert number in numbers and charter.clause(target).number == number


@pytest.mark.slow
def test_choices_each_render(project):
    for mid in IDS:
        module = LIBRARY.get(mid)
        for spec in itertools.chain(module.variables.values(), module.options.values()):
            if spec.type != "choice":
                continue
            for choice in spec.choices:
                kind = "variables" if spec.name in module.variables else "options"
                charter = render(project, profile_for([mid], settings={mid: f"    {kind}: {{{spec.name}: {choice}}}"}))
                assert charter.article(mid)


@pytest.mark.parametrize("has_ri", [True, False])
def test_a_small_company_without_reglement_interieur(project, has_ri):
    settings = {"sanctions": f"    options: {{reglement_interieur: {'true' if has_ri else 'false'}}}"}
    charter = render(project, profile_for(["sanctions"], status="note-de-service", settings=settings))
    statut = charter.clause("sanctions.statut").text
    scale = charter.clause("sanctions.echelle-sanctions").text
    # A note de service stays subject to the règlement intérieur's formalities even without one (L1321-5).
    assert "greffe" in statut and "inspection du travail" in statut
    assert ("prévoit le règlement intérieur" in scale) is has_ri
    assert has_ri or "Même en l'absence de règlement intérieur" in statut
    assert "aucun dépôt" not in statut
