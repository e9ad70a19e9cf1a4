"""French typography (charter_kit.locales.typography): fixed examples, then properties on random text.

Properties: a mark (; : ! ? ») never follows a breakable space, so it cannot start a line, in plain
text and in the site's rendered HTML; « is never followed by one; applying the rules twice changes
nothing; tags, attributes, links, addresses and code are never touched; a profile value made
inert for the page stays inert through the rules (no markup appears but <sup>).
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import markdown
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from charter_kit.escape import md_escape
from charter_kit.locales import fr
from charter_kit.locales.typography import NBSP, NNBSP, typography, typography_html, typography_runs
from charter_kit.outputs import markup

MARKS = ";:!?»"
BREAKABLE = " \t\n\r"


@pytest.mark.parametrize("text, expected", [
    ("Vous pouvez : publier", f"Vous pouvez{NBSP}: publier"),
    ("Publier ; partager ! Vraiment ?", f"Publier{NNBSP}; partager{NNBSP}! Vraiment{NNBSP}?"),
    ("« En pratique »", f"«{NNBSP}En pratique{NNBSP}»"),
    ("«oui»", f"«{NNBSP}oui{NNBSP}»"),
    ("Note: vraiment?", f"Note{NBSP}: vraiment{NNBSP}?"),
    ("L'entreprise et aujourd'hui", "L’entreprise et aujourd’hui"),
    ("5 000 salariés, 24 heures, 10 %", f"5{NNBSP}000{NBSP}salariés, 24{NBSP}heures, 10{NBSP}%"),
    ("le 1er mars, la 2e fois, la 1re", f"le 1ᵉʳ{NBSP}mars, la 2ᵉ{NBSP}fois, la 1ʳᵉ"),
    ("art. 7 et n° 5", f"art.{NBSP}7{NBSP}et n°{NBSP}5"),
    ("Voir https://x.fr/a?b=c'd ; l'rh@acme.fr : ok", f"Voir https://x.fr/a?b=c'd{NNBSP}; l'rh@acme.fr{NBSP}: ok"),
    ("10:30 et 2e4f et C3e", f"10:30{NBSP}et 2e4f et C3e"),
])
def test_examples(text, expected):
    assert typography(text) == expected


def test_ordinals_can_be_left_for_an_output_that_sets_them():
    assert typography("le 1er mars", ordinals="keep") == f"le 1er{NBSP}mars"


def test_runs_are_one_text_cut_in_pieces():
    assert typography_runs(["Voir ", "l'article", " : ici"]) == ["Voir ", "l’article", f"{NBSP}: ici"]
    assert typography_runs(["mot ", ": suite"]) == [f"mot{NBSP}", ": suite"]


def test_html_changes_text_nodes_only():
    source = ('<p title="a : b" data-x="l\'un">Le <strong>1er</strong> mars : '
              '<a href="https://x/?a=1">l\'article 2</a> ! <code>a : b\'c</code> &amp; l&#39;un</p>'
              '<script>var a = "x : y";</script><!-- a : b -->')
    out = typography_html(source)
    assert out == (f'<p title="a : b" data-x="l\'un">Le <strong>1<sup>er</sup></strong>{NBSP}mars{NBSP}: '
                   f'<a href="https://x/?a=1">l’article 2</a>{NNBSP}! <code>a : b\'c</code> &amp; l’un</p>'
                   '<script>var a = "x : y";</script><!-- a : b -->')


def test_rules_do_not_reach_across_blocks():
    assert typography_html("<p>fin </p>\n<p>: début</p>") == "<p>fin </p>\n<p>: début</p>"


def test_french_locale_exposes_the_rules():
    assert fr.typography("Oui ?") == f"Oui{NNBSP}?"


# -- properties ---------------------------------------------------------------------------------
WORDS = st.sampled_from(["mot", "l'entreprise", "Vous", "1er", "2e", "24", "5", "000", "heures", "%", "«", "»",
                         ":", ";", "!", "?", "art.", "n°", "https://acme.example/a?b=c", "rh@acme.example",
                         "é", "<b>", "&amp;", "*", "`code : x`", "'", "\"", "(", ")", "1.1"])
SEPARATORS = st.sampled_from(["", " ", "  ", "\n", " \n", "\t", NBSP, NNBSP])
PROSE = st.lists(st.tuples(WORDS, SEPARATORS), max_size=30).map(lambda ws: "".join(w + s for w, s in ws))


def breaks_before_a_mark(text: str) -> list[str]:
    """Places where a line could break just before a mark (or just after «)."""
    bad = []
    for i, ch in enumerate(text):
        if ch in MARKS and i > 0 and text[i - 1] in BREAKABLE and text[:i].strip(BREAKABLE):
            bad.append(text[max(0, i - 12):i + 2])
        if ch == "«" and i + 1 < len(text) and text[i + 1] in BREAKABLE and text[i + 1:].strip(BREAKABLE):
            bad.append(text[max(0, i - 2):i + 12])
    return bad


def strip_protected(text: str) -> str:
    """The text without the addresses and code the rules leave alone on purpose."""
    text = re.sub(r"https?://\S*|\S+@\S+", "ADDRESS", text)
    return re.sub(r"`[^`]*`", "CODE", text)


@given(PROSE)
@example("« En pratique » : oui ; non !")
def test_plain_text_no_mark_can_start_a_line(text):
    out = typography(text)
    assert breaks_before_a_mark(strip_protected(out)) == []


@given(PROSE)
def test_plain_text_is_idempotent(text):
    once = typography(text)
    assert typography(once) == once


@given(PROSE)
def test_plain_text_only_changes_spaces_apostrophes_and_ordinals(text):
    out = typography(text)
    def skeleton(value: str) -> str:
        value = value.replace("’", "'").translate(str.maketrans("ᵉʳˢⁿᵈ", "ersnd"))
        return re.sub(f"[{BREAKABLE}{NBSP}{NNBSP}]", "", value)
    assert skeleton(out) == skeleton(text)


class Text(HTMLParser):
    """The text a browser lays out from a fragment (code and scripts left out), and the tags met."""

    def __init__(self, fragment: str) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.tags: list[tuple[str, tuple]] = []
        self._skip = 0
        self.feed(fragment)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, tuple(attrs)))
        if tag in ("code", "pre", "script", "style"):
            self._skip += 1
        elif tag in ("p", "li", "h1", "h2", "h3", "br", "blockquote", "ul", "ol", "div"):
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("code", "pre", "script", "style"):
            self._skip -= 1
            self.parts.append("CODE")
        elif tag in ("p", "li", "h1", "h2", "h3", "blockquote"):
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)

    @property
    def lines(self) -> list[str]:
        """Blocks of text, one per line, as the browser starts them."""
        return [line for line in "".join(self.parts).split("\n") if line.strip(BREAKABLE)]


def site_html(text: str) -> str:
    """Markdown through the site's own extension list (markup's, toc, and the site's text pass)."""
    return markdown.markdown(text, extensions=[*markup.EXTENSIONS, "toc", "charter_kit.outputs.site_text"])


@settings(max_examples=150)
@given(PROSE)
def test_rendered_html_text_never_starts_a_line_with_a_mark(text):
    rendered = Text(site_html(text))
    for line in rendered.lines:
        assert breaks_before_a_mark(strip_protected(line.strip(BREAKABLE))) == [], (text, line)


@settings(max_examples=150)
@given(PROSE)
def test_html_is_idempotent_and_keeps_every_tag(text):
    rendered = markup.to_html(text)
    once = typography_html(rendered)
    assert typography_html(once) == once
    assert [t for t in Text(once).tags if t[0] != "sup"] == Text(rendered).tags


PROFILE_VALUES = st.lists(st.sampled_from(list("<>&\"'`*_[]()#!:;?«» \n/=abcé1") +
                                          ["<script>", "</p>", "&lt;", "javascript:", "{{ x }}",
                                           "1er", "<sup>", "onerror=", "&#39;"]), max_size=30).map("".join)


@settings(max_examples=200)
@given(PROFILE_VALUES)
def test_profile_values_stay_inert(value):
    """A value escaped for the page (md_escape) gains no tag through the rules but <sup>."""
    page = site_html(f"Entreprise : {md_escape(value)}")
    tags = {t[0] for t in Text(page).tags}
    assert tags <= {"p", "sup"}, (value, page)
    shown = html.unescape(re.sub(r"</?(p|sup)>", "", page))
    expected = " ".join(value.split())
    def skeleton(v: str) -> str:
        v = v.replace("’", "'").translate(str.maketrans("ᵉʳˢⁿᵈ", "ersnd"))
        return re.sub(f"[{BREAKABLE}{NBSP}{NNBSP}]", "", v)
    assert skeleton(shown) == skeleton(f"Entreprise : {expected}")
