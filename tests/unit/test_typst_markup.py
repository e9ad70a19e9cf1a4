"""Clause Markdown → Typst data: structure, links, hostile text that must stay text.

The pure tests check the tree markdown-it-py gives; the compiled ones put text
through the real Typst engine and read it back from the PDF with pypdf and pdftotext.
"""

from __future__ import annotations

import io
import re
import subprocess
import unicodedata

import pypdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from charter_kit.escape import md_escape
from charter_kit.typeset import engine as typst_engine
from charter_kit.typeset.markup import (LONG_RUN, blocks, breakable, clean, french_spacing, inlines,
                                              plain, text)

HOSTILE = [
    "#", "[", "]", "$", "@", "<", ">", "\\", "*", "_", "`", "~", "/", '"', "'", "=", "-", "+", "{", "}",
    '#import "@preview/evil:1.0.0": *', '#read("/etc/passwd")', '#eval("1 + 1")', "#include \"annex.typ\"",
    "$x^2$", "@socle.champ-application", "<socle.champ-application>", "\\#", "\\\\", "*gras* _it_ `code`",
    "#let x = 1", "#{ panic() }", "#set text(fill: red)", "[#box[x]]", "= Titre", "- puce", "+ énum", "/ terme: def",
    "https://exemple.fr", "<script>alert(1)</script>", "&amp; &lt;b&gt;", "]]]]", "#sys.inputs",
]
PROBE = b'#import "/markup.typ": blocks\n#set document(title: "essai")\n#set text(lang: "fr")\n' \
        b'#blocks(json(bytes(sys.inputs.data)).blocks)\n'


def compile_blocks(nodes) -> bytes:
    """A one-page PDF of ``nodes`` through the real engine and the real markup.typ."""
    return typst_engine.compile_pdf(PROBE, {"blocks": nodes})


def pdf_text(data: bytes) -> str:
    """Every page's text, as pypdf reads it."""
    return "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)


def squash(value: str) -> str:
    """Whitespace (any kind, including no-break spaces) as single spaces."""
    return " ".join(value.replace("\u200b", "").split())


def unspaced(value: str) -> str:
    """The text in NFC without any whitespace."""
    return "".join(squash(unicodedata.normalize("NFC", value)).split())


# -- structure ------------------------------------------------------------------------------------
def test_paragraphs_emphasis_and_breaks():
    nodes = blocks("Un **gras** et *italique*\nsuite  \nligne dure\n\nDeux `code`.")
    assert nodes == [
        {"t": "par", "c": ["Un ", {"t": "strong", "c": ["gras"]}, " et ", {"t": "emph", "c": ["italique"]},
                           " suite", {"t": "br"}, "ligne dure"]},
        {"t": "par", "c": ["Deux ", {"t": "code", "text": "code"}, "."]},
    ]


def test_nested_and_ordered_lists():
    nodes = blocks("- un\n  - sous-point\n- deux\n\n3. trois\n4. quatre")
    outer, ordered = nodes
    assert outer["t"] == "list" and not outer["ordered"] and outer["tight"]
    first = outer["items"][0]
    assert first[0] == {"t": "par", "c": ["un"]}
    assert first[1]["t"] == "list" and first[1]["items"] == [[{"t": "par", "c": ["sous-point"]}]]
    assert ordered["ordered"] and ordered["start"] == 3 and len(ordered["items"]) == 2


def test_loose_list_quote_heading_table_and_rule():
    nodes = blocks("- a\n\n- b\n\n> cité\n\n### Exemples\n\n| x | y |\n|:--|--:|\n| 1 | 2 |\n\n---")
    kinds = [n["t"] for n in nodes]
    assert kinds == ["list", "quote", "heading", "table", "rule"]
    assert nodes[0]["tight"] is False
    assert nodes[1]["c"] == [{"t": "par", "c": ["cité"]}]
    assert nodes[2] == {"t": "heading", "level": 3, "c": ["Exemples"]}
    assert nodes[3] == {"t": "table", "align": ["left", "right"], "head": [["x"], ["y"]], "rows": [[["1"], ["2"]]]}


def test_title_inlines_have_no_paragraph():
    assert inlines("Les *comptes* concernés") == ["Les ", {"t": "emph", "c": ["comptes"]}, " concernés"]


# -- links ----------------------------------------------------------------------------------------
def test_clause_links_point_inside_the_document_only_when_the_clause_exists():
    nodes = blocks("Voir l'[article 2.1](clause:confidentialite.perimetre) et l'[article 9.9](clause:absent.x).",
                   anchors={"confidentialite.perimetre"})
    assert nodes[0]["c"] == ["Voir l'", {"t": "ref", "to": "confidentialite.perimetre", "c": ["article 2.1"]},
                             " et l'article 9.9."]


@pytest.mark.parametrize("href", ["https://cnil.fr/x", "http://exemple.fr", "mailto:rh@acme.example",
                                  "tel:+33123456789"])
def test_allowed_links(href):
    assert blocks(f"[ici]({href})")[0]["c"] == [{"t": "link", "url": href, "c": ["ici"]}]


@pytest.mark.parametrize("href", ["javascript:alert(1)", "file:///etc/passwd", "data:text/html,x", "ftp://x/y",
                                  "vbscript:x", "#nulle-part", "annex.typ", "/etc/passwd"])
def test_other_links_print_their_text(href):
    """No link survives: the label prints (markdown-it keeps a refused address as plain text too)."""
    inline = blocks(f"[ici]({href})")[0]["c"]
    assert all(isinstance(n, str) for n in inline) and "ici" in "".join(inline)


def test_in_document_anchor_links():
    assert blocks("[contacts](#contacts)", anchors={"contacts"})[0]["c"] == [
        {"t": "ref", "to": "contacts", "c": ["contacts"]}]


def test_images_are_never_fetched_their_description_prints():
    assert blocks("![le logo](https://tracker.example/pixel.png)")[0]["c"] == ["le logo"]


def test_raw_html_is_text():
    assert plain(blocks("<script>alert(1)</script>\n\n<b>gras</b> &amp;")) == "<script>alert(1)</script> <b>gras</b> &"


# -- text -----------------------------------------------------------------------------------------
def test_long_words_get_invisible_break_points_and_short_ones_do_not():
    word = "a" * 100
    cut = breakable(word)
    assert cut.replace("\u200b", "") == word and cut.count("\u200b") == 100 // LONG_RUN - (100 % LONG_RUN == 0)
    assert breakable("anticonstitutionnellement https://cnil.fr/fr/un-chemin/long") == \
        "anticonstitutionnellement https://cnil.fr/fr/un-chemin/long"
    accented = ("e\u0301" * 40)
    assert all(not unicodedata.combining(part[0]) for part in breakable(accented).split("\u200b"))


def test_clean_drops_control_characters():
    assert clean("a\x00b\x07c\td\ne\u2028f") == "abc d e f"


def test_french_spacing_keeps_punctuation_with_its_word():
    assert french_spacing("Attention : oui ; non ! vrai ? « cité »") == \
        "Attention\u00a0: oui\u202f; non\u202f! vrai\u202f? «\u00a0cité\u00a0»"


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_profile_values_stay_text(value):
    """A profile value enters module Markdown escaped (md_escape); it comes out as the same text."""
    assert squash(plain(blocks(md_escape(value)))) == squash(text(value))


@given(st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Cn", "Co")), max_size=80))
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_any_profile_value_reads_as_itself(value):
    assert squash(plain(blocks(md_escape(value)))) == squash(text(value))


def test_templates_never_evaluate_read_or_import_a_package():
    """What makes the data inert: no template turns a string into code or reaches a file or package."""
    for path in typst_engine.TEMPLATES.glob("*.typ"):
        source = path.read_text(encoding="utf-8")
        code = "\n".join(line.split("//")[0] for line in source.splitlines())
        for forbidden in ("eval(", "read(", "@preview", "@local", "plugin(", "include "):
            assert forbidden not in code, f"{path.name}: {forbidden}"
        assert re.findall(r"json\(([^)]*)\)", code) in ([], ["bytes(sys.inputs.data"])


# -- through the real engine ----------------------------------------------------------------------
def test_hostile_text_prints_as_itself_in_the_pdf():
    nodes = [{"t": "par", "c": [text(v)]} for v in HOSTILE]
    extracted = squash(pdf_text(compile_blocks(nodes)))
    for value in HOSTILE:
        assert squash(text(value)) in extracted, value


def test_markdown_from_a_hostile_profile_prints_as_text():
    md = "Bonjour " + " ".join(md_escape(v) for v in HOSTILE)
    extracted = squash(pdf_text(compile_blocks(blocks(md))))
    assert extracted == squash("Bonjour " + " ".join(text(v) for v in HOSTILE))


def test_a_very_long_word_wraps_inside_the_page():
    word = "x" * 400
    data = compile_blocks([{"t": "par", "c": [text(word)]}])
    page = pypdf.PdfReader(io.BytesIO(data)).pages[0]
    lines = [line for line in page.extract_text().split("\n") if line.strip()]
    assert len(lines) >= 4 and "".join(lines).replace("\u200b", "") == word


def test_right_to_left_text_keeps_its_logical_order():
    words = ["שלום עולם", "مرحبا بالعالم"]
    data = compile_blocks([{"t": "par", "c": [text(w)]} for w in words])
    out = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    out = re.sub(r"[\u202a-\u202e]", "", out)
    for w in words:
        assert w in out


def test_characters_no_font_shows_are_replaced_not_fatal():
    data = compile_blocks([{"t": "par", "c": [text("Équipe 🚀 漢字 \ue000 fin")]}])
    assert squash(pdf_text(data)) == "Équipe \ufffd \ufffd\ufffd \ufffd fin"


#: Characters that print: format characters (Cf, such as the soft hyphen U+00AD) show only where a
#: line breaks at them, so they are not in the page's text.
_PRINTABLE = st.characters(min_codepoint=0x20, max_codepoint=0x17F,
                           exclude_categories=("Cc", "Cf", "Cs", "Cn", "Mn", "Zs"))


@pytest.mark.slow
@given(st.lists(st.text(_PRINTABLE, min_size=1, max_size=40).filter(str.strip), min_size=1, max_size=6))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_arbitrary_text_round_trips_through_the_pdf(values):
    data = compile_blocks([{"t": "par", "c": [text(v)]} for v in values])
    extracted = pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text()
    # Text extraction may put a space where the glyphs come from another font ("fŢ" reads "f Ţ"):
    # the characters and their order are what must come back.
    for value in values:
        assert unspaced(text(value)) in unspaced(extracted)


def test_a_child_forked_after_its_parent_compiled_still_gets_its_pdf():
    """Typst's runtime does not survive fork(): the child compiles in a fresh interpreter, same bytes."""
    import os
    import signal
    import time

    nodes = [{"t": "par", "c": ["Bonjour"]}]
    expected = compile_blocks(nodes)  # the parent's Typst runtime is now live
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(read_end)
        try:
            os.write(write_end, b"same" if compile_blocks(nodes) == expected else b"diff")
        finally:
            os._exit(0)
    os.close(write_end)
    for _ in range(600):  # 30 s: a compile takes well under one; a deadlocked child never ends
        if os.waitpid(pid, os.WNOHANG) != (0, 0):
            break
        time.sleep(0.05)
    else:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    answer = os.read(read_end, 4)
    os.close(read_end)
    assert answer == b"same"
