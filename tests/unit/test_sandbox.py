"""A hostile module: it cannot rewrite what other modules print, nor exhaust time or memory.

Each case is a local module's text; rendering ends with one message naming the module's file and
line, never a hang, a traceback or gigabytes of memory (the limits live in charter_kit.templating).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from charter_kit import templating
from conftest import MINI_PROFILE, assert_user_error, run

MODULE_YML = """
id: hostile
version: 1.0.0
title: {fr: "Hostile"}
summary: {fr: "Un module copié d'internet."}
order: 15
contacts: [juridique]
"""



def render_hostile(mini, text: str):
    """`charter render` of a profile whose local module ``hostile`` has ``text`` as its fr.md."""
    profile = MINI_PROFILE.replace("modules:\n", "modules:\n  - hostile\n") + "local_modules: modules\n"
    path = mini(profile, {"modules/hostile/module.yml": MODULE_YML, "modules/hostile/fr.md": text})
    return run("render", "-p", path, "--format", "md")


SLOW_OR_HUGE = {
    "nested loops over a long string": "## A {#a .information}\n{% for a in 'x' * 100000 %}{% for b in 'y' * 100000 %}{% endfor %}{% endfor %}\n",
    "percent width": "## A {#a .information}\n{{ '%0300000000d' % 1 }}\n",
    "percent star width": "## A {#a .information}\n{{ '%*d' % (300000000, 1) }}\n",
    "center": "## A {#a .information}\n{{ 'a'.center(10000000000) }}\n",
    "ljust": "## A {#a .information}\n{{ 'a'.ljust(99999999) }}\n",
    "format width": "## A {#a .information}\n{{ '{:>300000000}'.format('a') }}\n",
    "replace blow-up": "## A {#a .information}\n{{ ('a' * 900000).replace('', 'bbbbbbbb') }}\n",
    "join blow-up": "## A {#a .information}\n{{ ('a' * 1000).join('b' * 1000) }}\n",
    "filter center": "## A {#a .information}\n{{ 'a' | center(10000000000) }}\n",
    "filter indent": "## A {#a .information}\n{{ 'a' | indent(10000000000) }}\n",
    "output size": "## A {#a .information}\n{% for i in 'x' * 900000 %}{{ 'abcdefghij' * 1000 }}{% endfor %}\n",
    "recursion": "## A {#a .information}\n{% macro m(n) %}{{ m(n) }}{% endmacro %}{{ m(1) }}\n",
}


@pytest.mark.parametrize("case", list(SLOW_OR_HUGE))
def test_a_module_cannot_exhaust_time_or_memory(mini, case):
    result = render_hostile(mini, SLOW_OR_HUGE[case])
    assert_user_error(result, "hostile/fr.md, line 2")


def test_one_module_cannot_rewrite_the_contacts_other_modules_print(mini):
    text = ("## A {#a .information}\n"
            "{% set _ = contacts.update({'juridique': 'pirate@evil.example'}) %}Écrivez à {{ contacts.juridique }}.\n")
    result = render_hostile(mini, text)
    assert_user_error(result, "hostile/fr.md, line 2")
    assert "pirate@evil.example" not in result.output.split("Error")[0]


def test_a_module_cannot_mutate_lists_it_is_given(mini):
    result = render_hostile(mini, "## A {#a .information}\n{% set _ = modules.append('crise') %}{{ modules }}\n")
    assert_user_error(result, "hostile/fr.md, line 2", "refused by the sandbox")


def test_a_normal_loop_renders(mini):
    text = "## A {#a .information}\n{% for e in ['un', 'deux'] %}- {{ e }}\n{% endfor %}Écrivez à {{ contacts.juridique.email }}.\n"
    result = render_hostile(mini, text)
    assert result.exit_code == 0, result.output
    assert "- un\n- deux" in result.output and "juridique@acme.example" in result.output


def test_the_loop_budget_is_counted_per_render():
    """A template with a modest loop renders many times in a row: the budget is not shared."""
    env = templating.environment()
    template = templating.module_template(env, "{% for i in s %}.{% endfor %}", "t", "t.md")
    for _ in range(3):
        with templating.limits(iterations=1000):
            assert template.render(s="x" * 900) == "." * 900


@settings(max_examples=60, deadline=None)
@given(width=st.integers(min_value=templating.MAX_OPERAND + 1, max_value=10**12),
       method=st.sampled_from(["center", "ljust", "rjust", "zfill"]))
def test_every_growing_string_method_is_bounded(width, method):
    env = templating.environment()
    template = templating.module_template(env, "{{ 'a'.%s(%d) }}" % (method, width), "t", "t.md")
    with templating.limits(), pytest.raises(templating.SecurityError):
        template.render()
