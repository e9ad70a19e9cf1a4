"""Clause ids are checked in the text a module renders, not only in its source (issue 17).

A loop can print one heading twice, a fence opened inside ``{% if false %}`` hides a heading from
the source check, a variable can write a heading: each one stops `check`, `build` and `release`
with a message naming the module file, before anything is written.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from charter_kit.compose.clauses import rendered_problems
from conftest import LOCAL_MODULE_META, MINI_PROFILE, assert_user_error, run

PROFILE = MINI_PROFILE + "  - maison\nlocal_modules: modules\n"
META = LOCAL_MODULE_META + """\
variables:
  titre: {type: string, default: "Titre", label: {fr: "Titre"}}
"""
FENCE = "```"

CASES = {
    "the same id twice through a loop": (
        "Intro.\n\n{% for i in [1, 2] %}\n## Règle {#regle .regle}\nTexte {{ i }}.\n{% endfor %}\n",
        "clause id 'regle' appears twice once the template is rendered"),
    "a bad id behind a fence inside if false": (
        f"Intro.\n\n## Règle {{#regle .regle}}\nTexte.\n{{% if false %}}\n{FENCE}\n{{% endif %}}\n"
        f"## Mauvais {{#Mauvais_Id .regle}}\nTexte.\n{FENCE}\n",
        "clause id 'Mauvais_Id' must use lowercase"),
    "an undeclared id behind a fence inside if false": (
        f"Intro.\n\n## Règle {{#regle .regle}}\nTexte.\n{{% if false %}}\n{FENCE}\n{{% endif %}}\n"
        f"## Autre {{#inventee .regle}}\nTexte.\n{FENCE}\n",
        "clause id 'inventee' is not a heading of the module's source"),
    "a heading written by a filter block": (
        "Intro.\n\n## Règle {#regle .regle}\nTexte.\n\n{% filter trim %}## Ajoutée {#ajoutee .regle}{% endfilter %}\n\n"
        "Texte.\n",
        "clause id 'ajoutee' is not a heading of the module's source"),
    "a nature changed by the template": (
        "Intro.\n\n{% if false %}\n```\n{% endif %}\n## Règle {#regle .information}\nTexte.\n```\n"
        "{% if false %}\n## Règle {#regle .regle}\nTexte.\n{% endif %}\n",
        "clause 'regle' is not declared with this nature and audience in the source"),
    "a heading without id once rendered": (
        "Intro.\n\n## Règle {#regle .regle}\nTexte.\n\n{% filter trim %}## Sans identifiant{% endfilter %}\n",
        "a '## ' heading without a title and a clause id"),
}


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("command", ["check", "build", "release"])
def test_rendered_clause_ids_are_checked(mini, name, command):
    text, fragment = CASES[name]
    profile = mini(PROFILE, {"modules/maison/module.yml": META, "modules/maison/fr.md": text})
    args = {"check": ["check"], "build": ["build"], "release": ["release", "1.0.0", "--date", "2026-01-05"]}[command]
    result = run(*args, "-p", profile)
    assert_user_error(result, "modules/maison/fr.md", fragment)
    assert "internal error" not in result.output
    assert not (profile.parent / "releases").exists() and not (profile.parent / "build").exists()


def test_a_module_whose_loop_makes_distinct_declared_clauses_renders(mini):
    """Control: a condition choosing between two declared headings is fine."""
    text = ("Intro.\n\n{% if var.titre == 'x' %}\n## Règle {#regle .regle}\nA.\n{% else %}\n"
            "## Autre {#autre .regle}\nB.\n{% endif %}\n")
    result = run("check", "-p", mini(PROFILE, {"modules/maison/module.yml": META, "modules/maison/fr.md": text}))
    assert result.exit_code == 0, result.output


KEYS = st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True)


@pytest.mark.slow
@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(declared=st.lists(KEYS, min_size=1, max_size=4, unique=True), emitted=st.lists(KEYS, max_size=6),
       fences=st.lists(st.booleans(), max_size=6))
def test_rendered_problems_accepts_exactly_unique_declared_headings(declared, emitted, fences):
    """Property: a rendered text passes iff its visible headings are declared and unique."""
    lines, visible, fence = [], [], False
    for i, key in enumerate(emitted):
        if i < len(fences) and fences[i]:
            lines.append(FENCE)
            fence = not fence
        lines += [f"## Titre {key} {{#{key} .regle}}", "Texte."]
        if not fence:
            visible.append(key)
    problems = rendered_problems("\n".join(lines), {k: ("regle", ()) for k in declared})
    ok = len(set(visible)) == len(visible) and set(visible) <= set(declared)
    assert (problems == []) == ok, (lines, problems)
