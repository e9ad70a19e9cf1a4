""""L'essentiel" takes each rule's first sentence from the clause's first block only; it must read
exactly what converting the whole clause would give (a reference link defined further down, a
table or code first, lists tight or loose)."""

from __future__ import annotations

import html
import re

from hypothesis import given, settings, strategies as st

from charter_kit.model.charter import link_clauses
from charter_kit.outputs import markup, site_text


def whole_clause_first_sentence(text: str) -> str:
    """The first sentence found by converting the whole clause, as before the shortcut."""
    found = site_text._FIRST_BLOCK.search(markup.to_html(link_clauses(text, lambda _id: "#")))
    if not found:
        return ""
    plain = " ".join(html.unescape(site_text._TAG.sub("", found.group(2))).split())
    for end in site_text._SENTENCE_END.finditer(plain):
        word = re.search(r"(\w+)$", plain[:end.start()])
        if end.group() == "." and word and word.group(1).lower() in site_text._ABBREVIATIONS:
            continue
        return plain[:end.end()]
    return plain


BLOCKS = [
    "Vous publiez en votre nom. Vous restez courtois.",
    "Voir [la note][ref] avant de publier. Ensuite seulement.",
    "[ref]: https://exemple.invalid/note",
    "| rôle | contact |\n|---|---|\n| RH | rh@exemple.invalid |",
    "```\nexemple de code\n```",
    "    un bloc indenté",
    "- un point. Suite.\n- deux",
    "- un\n\n- deux (liste lâche)",
    "1. premier. Oui.\n2. second",
    "> Une citation. Et la suite.",
    "*Attention* : art. L1121-1 du C. trav. s'applique. Puis la suite.",
    "",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(BLOCKS), min_size=1, max_size=5), st.sampled_from(["\n\n", "\n\n\n", "\n \n"]))
def test_the_first_block_gives_what_the_whole_clause_gives(blocks, separator):
    text = separator.join(blocks)
    assert site_text.first_sentence(text) == whole_clause_first_sentence(text)


def test_a_reference_link_defined_below_reads_as_its_text():
    text = "Lisez [la note][ref] d'abord. Puis publiez.\n\n[ref]: https://exemple.invalid/note"
    assert site_text.first_sentence(text) == "Lisez la note d'abord."
