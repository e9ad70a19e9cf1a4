"""Bad modules (company modules in local_modules): file, line and key in one message, exit 1."""

from __future__ import annotations

import pytest

from conftest import LOCAL_MODULE_META, MINI_PROFILE, assert_user_error, run

PROFILE = MINI_PROFILE + "  - maison\nlocal_modules: modules\n"

GOOD_META = LOCAL_MODULE_META
GOOD_TEXT = "Intro.\n\n## Règle {#regle .regle}\nTexte.\n"

CASES = {
    "unknown metadata key": (
        GOOD_META + "requirs: [socle]\n", GOOD_TEXT,
        ["modules/maison/module.yml, line 7: requirs: unknown key. Did you mean 'requires'?"]),
    "mistyped metadata": (
        GOOD_META.replace("order: 90", "order: quatre-vingt-dix"), GOOD_TEXT,
        ["module.yml, line 5: order: expected a whole number"]),
    "invalid semver": (
        GOOD_META.replace("1.0.0", "1.0"), GOOD_TEXT,
        ["module.yml, line 2: version: '1.0' is not a semantic version"]),
    "id differs from folder": (
        GOOD_META.replace("id: maison", "id: autre"), GOOD_TEXT, ["line 1: id: 'autre' must match its folder name 'maison'"]),
    "requires unknown module": (
        GOOD_META.replace("[socle]", "[socl]"), GOOD_TEXT, ["requires: unknown module 'socl'. Did you mean 'socle'?"]),
    "duplicate clause id": (
        GOOD_META, GOOD_TEXT + "\n## Autre règle {#regle .regle}\nTexte.\n",
        ["modules/maison/fr.md, line 6: duplicate clause id 'regle' (first on line 3)"]),
    "heading without id": (
        GOOD_META, GOOD_TEXT + "\n## Une règle sans identifiant\nTexte.\n",
        ["modules/maison/fr.md, line 6: a '## ' heading needs a title and a clause id"]),
    "clause without nature": (
        GOOD_META, GOOD_TEXT + "\n## Une règle sans nature {#autre}\nTexte.\n",
        ["modules/maison/fr.md, line 6: clause 'autre' has no nature: add .regle", "'{#autre .regle}'"]),
    "unknown nature": (
        GOOD_META, "## Règle {#regle .obligation}\nTexte.\n",
        ["modules/maison/fr.md, line 1: unknown clause nature '.obligation': use .regle, .procedure, .information"]),
    "bad clause id": (
        GOOD_META, "## Règle {#Règle_1}\nTexte.\n", ["fr.md, line 1: clause id 'Règle_1' must use lowercase"]),
    "jinja syntax error": (
        GOOD_META, "Intro.\n\n## Règle {#regle .regle}\n{% if opt.x %}\nTexte.\n",
        ["modules/maison/fr.md, line 5: template syntax error"]),
    "undefined variable": (
        GOOD_META, "Intro.\n\n## Règle {#regle .regle}\nTexte {{ var.inconnue }}.\n",
        ["modules/maison/fr.md, line 4:", "inconnue"]),
    "python internals through __class__": (
        GOOD_META, "## Règle {#regle .regle}\n{{ ''.__class__.__mro__[1].__subclasses__() }}\n",
        ["modules/maison/fr.md, line 2:"]),
    "cycler globals": (
        GOOD_META, "## Règle {#regle .regle}\n{{ cycler.__init__.__globals__.os }}\n", ["modules/maison/fr.md, line 2:"]),
    "lipsum globals": (
        GOOD_META, "## Règle {#regle .regle}\n{{ lipsum.__globals__['os'] }}\n", ["modules/maison/fr.md, line 2:"]),
    "huge string": (
        GOOD_META, "## Règle {#regle .regle}\n{{ 'a' * 100000000 }}\n", ["line 2: refused by the sandbox: result too large"]),
    "ref to unknown clause": (
        GOOD_META, "## Règle {#regle .regle}\nVoir {{ ref('socle.nulle') }}.\n",
        ["modules/maison/fr.md, line 2: ref('socle.nulle'): no such clause in this charter"]),
    "non-utf8 text": (GOOD_META, "## R\xe8gle {#regle .regle}\n".encode("latin-1"), ["fr.md, line 1: not valid UTF-8"]),
    "missing text file": (GOOD_META, None, ["module 'maison' has no fr.md"]),
    "module.yml is a list": ("- id: maison\n", GOOD_TEXT, ["module.yml, line 1: module.yml must be a mapping"]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_bad_local_module(mini, name):
    meta, text, fragments = CASES[name]
    files = {"modules/maison/module.yml": meta}
    if text is not None:
        files["modules/maison/fr.md"] = text
    result = run("check", "-p", mini(PROFILE, files))
    assert_user_error(result, *fragments)


def test_dependency_cycle_among_local_modules(mini):
    files = {
        "modules/maison/module.yml": GOOD_META.replace("[socle]", "[jardin]"),
        "modules/maison/fr.md": GOOD_TEXT,
        "modules/jardin/module.yml": GOOD_META.replace("maison", "jardin").replace("[socle]", "[maison]"),
        "modules/jardin/fr.md": GOOD_TEXT,
    }
    assert_user_error(run("check", "-p", mini(PROFILE, files)), "dependency cycle: jardin → maison → jardin")


def test_symlink_outside_the_project_is_refused(mini, tmp_path):
    secret = tmp_path / "secret.md"
    secret.write_text("## Secret {#secret .regle}\nmot de passe\n")
    path = mini(PROFILE, {"modules/maison/module.yml": GOOD_META})
    (path.parent / "modules/maison/fr.md").symlink_to(secret)
    assert_user_error(run("check", "-p", path), "fr.md: points outside the module folder")


def test_local_module_replaces_library_module_with_a_notice(mini):
    files = {"modules/socle/module.yml": GOOD_META.replace("maison", "socle").replace("requires: [socle]\n", ""),
             "modules/socle/fr.md": "## Notre socle {#objet .regle}\nTexte maison.\n"}
    result = run("render", "-p", mini(MINI_PROFILE + "local_modules: modules\n", files))
    assert result.exit_code == 0, result.output
    assert "local module 'socle' replaces the library module" in result.output
    assert "Texte maison." in result.output


def test_unicode_lookalike_module_id_is_unknown(mini):
    result = run("check", "-p", mini(MINI_PROFILE + "  - ѕocle\n"))  # Cyrillic "ѕ"
    assert_user_error(result, "unknown module 'ѕocle'")
