"""Bad profiles: each ends in one readable message naming file, line and key; exit 1; no traceback."""

from __future__ import annotations

import pytest

from conftest import MINI_PROFILE, assert_user_error, run

BASE = MINI_PROFILE


def replace(old: str, new: str) -> str:
    assert old in BASE
    return BASE.replace(old, new)


CASES = {
    "tab indentation": (
        "company:\n\tname: Acme\n", ["charter.yml, line 2", "invalid YAML", "tabs"]),
    "unclosed quote": (
        'company: {name: "Acme}\nmodules: [alpha]\n', ["charter.yml, line", "invalid YAML"]),
    "empty profile": ("", ["charter.yml: the profile is empty", "charter init"]),
    "only a comment": ("# rien\n", ["the profile is empty"]),
    "a list": ("- socle\n- alpha\n", ["charter.yml, line 1", "must be a mapping", "not a list"]),
    "unknown top-level key": (
        BASE + "brandng: {primary_color: red}\n",
        ["charter.yml, line 8: brandng: unknown key. Did you mean 'branding'?"]),
    "unknown nested key": (
        replace("company: {name: Acme, legal_name: Acme SAS}", "company: {name: Acme, legalname: Acme SAS}"),
        ["line 2: company.legalname: unknown key. Did you mean 'legal_name'?"]),
    "unknown module": (
        BASE + "  - alpah\n", ["charter.yml, line 8: modules[1]: unknown module 'alpah'. Did you mean 'alpha'?"]),
    "accented module id": (
        BASE + "  - bêta\n", ["line 8: modules[1]: unknown module 'bêta'. Did you mean 'beta'?"]),
    "module listed twice": (
        BASE + "  - socle\n  - socle\n", ["line 9: modules[2]: module 'socle' is listed twice"]),
    "module entry without id": (
        BASE + "  - variables: {x: 1}\n", ["line 8: modules[1].id: is required but missing"]),
    "modules null": (
        BASE.split("modules:")[0] + "modules:\n", ["modules: expected a list, one '- item' per line (got nothing)"]),
    "missing required variable": (
        replace("    variables: {reseau: LinkedIn}\n", ""),
        ["line 6: modules[0].variables: module 'alpha' needs the variable 'reseau' (Réseau principal)"]),
    "unknown variable": (
        replace("{reseau: LinkedIn}", "{reseau: LinkedIn, reseaux: X}"),
        ["modules[0].variables.reseaux: module 'alpha' has no variable 'reseaux'. Did you mean 'reseau'?"]),
    "missing contact": (
        replace("  juridique: {name: Direction juridique, email: juridique@acme.example}\n",
                "  communication: {email: communication@acme.example}\n"),
        ["line 3: contacts: missing contact 'juridique' (cited by alpha)", "'rh' would stand in for it"]),
    "listed as text": (
        replace("legal_name: Acme SAS}", "legal_name: Acme SAS, listed: \"oui\"}"),
        ["line 2: company.listed: expected true or false (got 'oui')"]),
    "e-mail without @": (
        replace("email: juridique@acme.example", "email: juridique.acme.example"),
        ["line 4: contacts.juridique.email: 'juridique.acme.example' is not an e-mail address"]),
    "impossible date": (
        replace("variables: {reseau: LinkedIn}", "variables: {reseau: LinkedIn, debut: 2026-02-31}"),
        ["modules[0].variables.debut: expected a real date written YYYY-MM-DD or DD/MM/YYYY, got '2026-02-31'"]),
    "impossible effective date": (
        replace("status: annexe-reglement-interieur}", "status: annexe-reglement-interieur, effective_date: 2026-02-31}"),
        ["line 1: charter.effective_date:"]),
    "string for a list": (
        replace("variables: {reseau: LinkedIn}", "variables: {reseau: LinkedIn, exemples: plans}"),
        ["modules[0].variables.exemples: expected a list of texts"]),
    "int as text": (
        replace("variables: {reseau: LinkedIn}", "variables: {reseau: LinkedIn, delai: vingt}"),
        ["modules[0].variables.delai: expected a whole number, got 'vingt'"]),
    "bad choice": (
        replace("variables: {reseau: LinkedIn}", "variables: {reseau: LinkedIn, ton: chaleureu}"),
        ["modules[0].variables.ton: expected one of sobre, chaleureux, got 'chaleureu'. Did you mean 'chaleureux'?"]),
    "unknown jurisdiction": (
        replace("jurisdiction: fr", "jurisdiction: de"),
        ["line 1: charter.jurisdiction: 'de' is not allowed; expected one of 'fr', 'ch', 'be', 'lu' or 'qc'"]),
    "unknown status": (
        replace("status: annexe-reglement-interieur", "status: annexe-reglement"),
        ["charter.status: 'annexe-reglement' is not allowed", "Did you mean 'annexe-reglement-interieur'?"]),
    "override of unknown clause": (
        BASE + "overrides:\n  alpha.perimetres: {remove: true}\n",
        ["line 9: overrides.alpha.perimetres: module 'alpha' has no clause 'perimetres'. Did you mean 'perimetre'?"]),
    "override of unselected module": (
        BASE + "overrides:\n  beta.regle: {remove: true}\n", ["overrides.beta.regle: module not selected 'beta'"]),
    "override with nothing to do": (
        BASE + "overrides:\n  alpha.doute: {}\n", ["overrides.alpha.doute: give a new text"]),
    "local_modules pointing nowhere": (
        BASE + "local_modules: nulle-part\n", ["line 8: local_modules: 'nulle-part': folder not found"]),
    "local_modules outside the project": (
        BASE + "local_modules: ../../etc\n", ["local_modules: '../../etc' is outside the charter project's folder"]),
    "conflicting modules": (
        BASE + "  - beta\n  - gamma\n", ["module 'beta' conflicts with 'gamma'"]),
    "duplicate key": (
        BASE + "company: {name: Autre}\n", ["line 8: company: duplicate key (first given on line 2)"]),
    "bad colour": (
        BASE + "branding: {primary_color: rouge}\n", ["branding.primary_color: 'rouge' is not a colour"]),
    "logo outside the project": (
        BASE + "branding: {logo: ../../etc/passwd}\n", ["branding.logo: '../../etc/passwd' is outside"]),
    "logo missing": (
        BASE + "branding: {logo: assets/logo.svg}\n", ["branding.logo: 'assets/logo.svg': file not found"]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_bad_profile(mini, name):
    profile, fragments = CASES[name]
    path = mini(profile)
    result = run("check", "-p", path)
    assert_user_error(result, *fragments)
    assert result.output.count("Error:") == 1


def test_every_problem_is_reported_in_one_run(mini):
    text = replace("company: {name: Acme, legal_name: Acme SAS}", "company: {name: Acme, listed: maybe, sector: x}")
    text += "pdf: {variant: pdf/x}\n"
    result = run("check", "-p", mini(text))
    assert_user_error(result, "3 problems in the profile", "company.listed", "company.sector", "pdf.variant")


def test_every_semantic_problem_is_reported_in_one_run(mini):
    text = BASE.replace("    variables: {reseau: LinkedIn}\n", "").replace("juridique:", "communication:")
    text += "  - alpah\noverrides:\n  alpha.nope: {remove: true}\n"
    result = run("check", "-p", mini(text))
    assert_user_error(result, "4 problems in the profile", "needs the variable 'reseau'",
                      "missing contact 'juridique'", "unknown module 'alpah'", "no clause 'nope'")


def test_non_utf8_profile(mini):
    path = mini()
    path.write_bytes(BASE.lstrip("\n").encode("utf-8") + "  - caf\xe9\n".encode("latin-1"))
    assert_user_error(run("check", "-p", path), "charter.yml, line 8: not valid UTF-8", "save the file as UTF-8")


def test_alias_bomb_fails_fast(mini):
    bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 12):
        bomb.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}" if i > 1 else "*a"] * 10) + "]")
    path = mini("\n".join(bomb) + "\n")
    # 10**12 values if expanded: without the guard this never returns; the message proves it fired.
    result = run("check", "-p", path)
    assert_user_error(result, "too many values through YAML aliases")


def test_missing_profile(tmp_path):
    assert_user_error(run("check", "-p", tmp_path / "charter.yml"), "charter.yml: file not found")


def test_profile_is_a_folder(tmp_path):
    (tmp_path / "charter.yml").mkdir()
    assert_user_error(run("check", "-p", tmp_path / "charter.yml"), "is a directory", code=2)


def test_unknown_command_is_a_usage_error():
    result = run("chek")
    assert result.exit_code == 2 and "No such command" in result.output


def test_debug_shows_the_traceback(mini):
    path = mini(BASE + "  - alpah\n")
    result = run("--debug", "check", "-p", path)
    assert result.exit_code == 1
    assert "unknown module 'alpah'" in result.output


def test_a_capitalised_unknown_key_is_named(mini):
    assert_user_error(run("check", "-p", mini(BASE + "Branding: {}\n")),
                      "charter.yml, line 8: Branding: unknown key. Did you mean 'branding'?")


def test_a_module_entry_of_the_wrong_type_is_one_problem(mini):
    result = run("check", "-p", mini(BASE + "  - 5\n"))
    assert_user_error(result, "line 8: modules[1]: expected a text or a mapping of keys (got 5)")
    assert "problems" not in result.output


def test_four_mistakes_take_two_runs_structure_then_meaning(mini):
    """An unknown key, an unknown module, a missing contact and a missing logo: two runs of check."""
    text = BASE.replace("juridique:", "communication:").replace("company: {", "company: {sector: x, ", 1)
    text += "  - alpah\nbranding: {logo: assets/absent.svg}\nlocal_modules: nulle-part\n"
    path = mini(text)
    first = run("check", "-p", path)
    assert_user_error(first, "company.sector: unknown key")
    path.write_text(path.read_text(encoding="utf-8").replace("sector: x, ", ""), encoding="utf-8")
    second = run("check", "-p", path)
    assert_user_error(second, "4 problems in the profile", "unknown module 'alpah'", "missing contact 'juridique'",
                      "branding.logo: 'assets/absent.svg': file not found",
                      "local_modules: 'nulle-part': folder not found")
