"""The core commands on good input: check, render, schema, init, modules."""

from __future__ import annotations

import json

import pytest
import yaml

from charter_kit.model.charter import Charter
from conftest import MINI_PROFILE, assert_user_error, run, write_tree


def test_check_renders_and_lists_defaults(mini):
    result = run("check", "-p", mini())
    assert result.exit_code == 0, result.output
    assert "renders: 2 articles, 4 clauses" in result.output
    assert "module 'socle' added: required by 'alpha'" in result.output
    assert "  - alpha: exemples, debut, delai, ton" in result.output  # reseau is set in the profile


def test_render_json_twice_gives_identical_bytes(mini):
    path = mini()
    first = run("render", "-p", path, "--format", "json").stdout
    second = run("render", "-p", path, "--format", "json").stdout
    assert first == second
    body = first[first.index("{"):]
    charter = Charter.from_json(body)
    assert Charter.from_json(charter.to_json()) == charter
    assert [c.number for c in charter.clauses()] == ["1.1", "1.2", "2.1", "2.2"]


def test_render_markdown_to_a_file(mini, tmp_path):
    out = tmp_path / "out" / "charte.md"
    result = run("render", "-p", mini(), "-o", out)
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert "## Article 2. Alpha" in text
    assert "Sur LinkedIn, ne publiez pas : plans et prix." in text
    assert "Voir [article 1.1](#socle-objet)." in text
    assert "Écrivez à Direction juridique \\(juridique@acme.example\\) sous 24 heures, ton sobre." in text


def test_options_and_overrides(mini):
    profile = MINI_PROFILE.replace("{reseau: LinkedIn}", "{reseau: LinkedIn, debut: 2026-04-01}\n    options: {embargo: true}")
    profile += "overrides:\n  alpha.doute: {text: \"Appelez le service juridique.\"}\n  socle.champ: {remove: true}\n"
    charter = Charter.from_json(run("render", "-p", mini(profile), "--format", "json").stdout)
    ids = [c.id for c in charter.clauses()]
    assert ids == ["socle.objet", "alpha.perimetre", "alpha.embargo", "alpha.doute"]
    assert charter.clause("alpha.embargo").text == "Respectez les embargos à partir du 1er avril 2026."
    doute = charter.clause("alpha.doute")
    assert doute.text == "Appelez le service juridique." and doute.overridden
    assert charter.overrides == {"alpha.doute": {"text": "Appelez le service juridique."}, "socle.champ": {"remove": True}}


def test_utf8_bom_is_accepted(mini):
    path = mini()
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert run("check", "-p", path).exit_code == 0


def test_profile_values_are_inert(mini):
    hostile = "<script>alert(1)</script> {{ 7*7 }} *gras* [lien](javascript:x) # titre"
    profile = MINI_PROFILE.replace("name: Acme,", f"name: {json.dumps(hostile)},")
    profile = profile.replace("{reseau: LinkedIn}", '{reseau: "- liste\\n## Titre", exemples: ["1. un", "<b>x</b>"]}')
    profile += "overrides:\n  alpha.doute: {text: \"# Titre\\n<img src=x onerror=alert(1)>\\n[x](javascript:y)\"}\n"
    charter = Charter.from_json(run("render", "-p", mini(profile), "--format", "json").stdout)
    # Metadata keeps the raw value (outputs escape it); the Markdown text must be inert.
    text = "\n".join([a.intro for a in charter.articles] + [c.title + "\n" + c.text for c in charter.clauses()])
    for raw in ("<script>", "{{ 7*7 }}", "[x](javascript", "[lien](javascript", "<b>", "<img", "\n## Titre", "\n# Titre"):
        assert raw not in text, raw
    intro = charter.articles[0].intro
    assert "&lt;script&gt;alert\\(1\\)&lt;/script&gt; \\{\\{ 7\\*7 \\}\\}" in intro
    assert "Sur \\- liste \\#\\# Titre, ne publiez pas : 1\\. un et &lt;b&gt;x&lt;/b&gt;." in charter.clause("alpha.perimetre").text


@pytest.mark.slow
def test_a_five_megabyte_profile_is_refused_by_the_key_at_fault(mini):
    # A 70 000-item list is no charter: it is refused by name, quickly and without a hang.
    padding = "\n".join(f"  - « valeur numéro {i} avec un peu de texte pour remplir la ligne »" for i in range(70000))
    profile = MINI_PROFILE.replace("{reseau: LinkedIn}", "\n      reseau: LinkedIn\n      exemples:\n" + padding.replace("  - ", "        - "))
    path = mini(profile)
    assert path.stat().st_size > 5_000_000
    result = run("check", "-p", path)
    assert_user_error(result, "modules[0].variables.exemples", "at most 200 items")


@pytest.mark.parametrize("value, fragment", [
    ("company: {name: " + "A" * 301 + ", legal_name: Acme SAS}", "company.name"),
    ("charter: {jurisdiction: fr, status: guide, effective_date: 0226-03-01}", "charter.effective_date"),
    ("charter: {jurisdiction: fr, status: guide, effective_date: 2206-03-01}", "charter.effective_date"),
])
def test_values_past_their_bounds_are_refused_by_key(mini, value, fragment):
    first = value.split(":", 1)[0]
    profile = "\n".join(value if line.startswith(first + ":") else line for line in MINI_PROFILE.splitlines())
    result = run("check", "-p", mini(profile))
    assert_user_error(result, fragment)


def test_schema_is_json_schema_of_the_profile():
    result = run("schema")
    schema = json.loads(result.output)
    assert schema["additionalProperties"] is False
    assert {"charter", "company", "modules", "overrides", "contacts"} <= set(schema["properties"])
    assert "company" in schema["required"]


def test_init_without_input_then_check_lists_contacts(tmp_path, monkeypatch):
    result = run("init", tmp_path / "charte", "--no-input", "--company", "Lumen SARL")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "charte" / "charter.yml").read_text()
    assert text.startswith("# yaml-language-server: $schema=./charter.schema.json\n")
    assert json.loads((tmp_path / "charte" / "charter.schema.json").read_text())["title"]
    assert "build/" in (tmp_path / "charte" / ".gitignore").read_text()
    assert "releases/** -text" in (tmp_path / "charte" / ".gitattributes").read_text()
    assert yaml.safe_load(text)["company"]["name"] == "Lumen SARL"
    check = run("check", "-p", tmp_path / "charte" / "charter.yml")
    assert_user_error(check, "missing contact")


def test_init_with_prompts_gives_a_profile_that_checks(tmp_path):
    from charter_kit.compose.library import load_library
    from charter_kit.commands.init import contact_roles, selection_for

    lib = load_library()
    roles = contact_roles(lib, selection_for(lib, True))
    answers = "Groupe Test\nfr\ny\n" + "".join(f"{r}@test.example\n" for r in roles)
    result = run("init", tmp_path, input=answers)
    assert result.exit_code == 0, result.output
    check = run("check", "-p", tmp_path / "charter.yml")
    assert check.exit_code == 0, check.output
    assert "entreprises-cotees" in (tmp_path / "charter.yml").read_text()


def test_init_refuses_to_overwrite(tmp_path):
    write_tree(tmp_path, {"charter.yml": "company: {name: X}\n"})
    assert_user_error(run("init", tmp_path, "--no-input"), "a charter.yml already exists")
    assert (tmp_path / "charter.yml").read_text() == "company: {name: X}\n"


def test_modules_table_and_show(mini):
    table = run("modules", "-p", mini()).output
    assert table.splitlines()[0].split() == ["id", "title", "version", "requires"]
    row = next(line.split() for line in table.splitlines() if line.startswith("alpha"))
    assert row == ["alpha", "Alpha", "1.2.0", "socle"]
    show = run("modules", "show", "alpha").output
    for fragment in ("alpha 1.2.0: Alpha", "reseau: string, required", "exemples: list, default: [plans, prix]",
                     "ton: choice (sobre | chaleureux), default: sobre", "embargo: bool, default: false",
                     "alpha.perimetre: Ce qui reste interne", "fr: C. com., art. L151-1"):
        assert fragment in show, fragment
    assert_user_error(run("modules", "show", "alfa"), "unknown module 'alfa'. Did you mean 'alpha'?")


def test_python_dash_m(mini):
    import subprocess
    import sys

    path = mini()
    out = subprocess.run([sys.executable, "-m", "charter_kit", "check", "-p", str(path)],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "renders" in out.stdout
