"""Escaping profile values, sanitizing override text, French formatting, semver."""

from __future__ import annotations

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from charter_kit.escape import md_escape, sanitize_markdown
from charter_kit.locales.fr import date as french_date, join as french_list
from charter_kit.model.semver import Version, is_semver

EXTENSIONS = ["attr_list", "tables", "toc", "sane_lists"]


def html(text: str) -> str:
    return markdown.markdown(text, extensions=EXTENSIONS)


@pytest.mark.parametrize("value", [
    "<script>alert(1)</script>", "# Titre", "- liste", "1. un", "= = =", "[x](javascript:alert(1))",
    "![img](http://evil.example/x.png)", "`code`", "**gras** _it_", "{: onclick=alert(1)}", "a | b | c",
    "ligne\n## Titre", "&lt;déjà&gt;", "\\*", "+ plus", "> citation",
])
def test_escaped_values_render_as_the_same_text(value):
    out = html("Avant " + md_escape(value) + " après")
    assert out.startswith("<p>Avant ") and out.endswith(" après</p>")
    for tag in ("<script", "<a ", "<img", "<h", "<li", "<code", "<strong", "<em", "<table", "onclick=\""):
        assert tag not in out, (value, out)
    out_alone = html(md_escape(value))
    assert out_alone.startswith("<p>"), (value, out_alone)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40))
def test_any_value_stays_one_paragraph_without_markup(value):
    out = html("- " + md_escape(value))
    assert out.count("<li>") <= 1
    for tag in ("<script", "<a ", "<img", "<h1", "<h2", "<strong", "<em", "<code", "<ol", "<blockquote"):
        assert tag not in out, (value, out)


def test_override_text_keeps_paragraphs_and_lists_but_no_html_links_or_headings():
    text = sanitize_markdown("Un *paragraphe*.\n\n- point un\n- point deux\n\n# Titre\n<b>x</b> [lien](javascript:y)\n===")
    out = html(text)
    assert "<em>paragraphe</em>" in out and out.count("<li>") == 2
    for tag in ("<h1", "<b>", "<a ", "<h2"):
        assert tag not in out


def test_french_formats():
    assert french_date("2026-03-01") == "1er mars 2026"
    assert french_date("2026-12-25") == "25 décembre 2026"
    assert french_list(["a"]) == "a"
    assert french_list(["a", "b", "c"]) == "a, b et c"


@pytest.mark.parametrize("text", ["1.0.0", "0.1.2", "10.20.30", "1.0.0-rc.1", "1.0.0+build.5"])
def test_valid_semver(text):
    assert is_semver(text)


@pytest.mark.parametrize("text", ["2026.1", "v1", "1.0", "01.0.0", "1.0.0.0", "", "1.0.0-"])
def test_invalid_semver(text):
    assert not is_semver(text)
    with pytest.raises(ValueError, match="not a semantic version"):
        Version.parse(text)


def test_semver_order_and_next():
    order = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-beta", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "2.0.0"]
    assert sorted((Version.parse(v) for v in reversed(order)), key=lambda v: v._key()) == [Version.parse(v) for v in order]
    assert Version.parse("1.2.3").next_versions() == ["1.2.4", "1.3.0", "2.0.0"]
    assert Version.parse("1.0.0") < Version.parse("1.0.1") and Version.parse("1.0.0+a") == Version.parse("1.0.0")


def test_block_tags_keep_paragraph_breaks_unless_alone_on_their_line():
    from charter_kit.compose.render import keep_line_breaks
    from charter_kit.templating import get_environment

    env = get_environment()
    source = "Un.{% if x %} Deux.{% endif %}\n\nTrois.\n{% if x %}\nQuatre.\n{% endif %}\nCinq.\n"
    out = env.from_string(keep_line_breaks(source)).render(x=True)
    assert out == "Un. Deux.\n\nTrois.\nQuatre.\nCinq.\n"
