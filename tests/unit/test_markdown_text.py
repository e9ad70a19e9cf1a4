"""The readable-text engine of the reports works on runs; it must read Markdown exactly as the plain
definition does, one source character at a time (kept here as the reference)."""

from __future__ import annotations

import html
from itertools import groupby

from hypothesis import given, settings
from hypothesis import strategies as st

from charter_kit.diff.changes import DELETE, EQUAL, INSERT, new_text, old_text
from charter_kit.diff.words import word_ops
from charter_kit.model.vocabulary import CLAUSE_LINK_RE
from charter_kit.reports import markdown_text as mt
from charter_kit.reports.markdown_text import BOLD, CODE, ITALIC, plain, readable_map, segments


# -- the reference: what each source character reads as -------------------------------------------
def reference_map(md: str) -> list[tuple[str, int]]:
    """For each character of ``md``: what a reader sees (maybe nothing) and its style."""
    shown, style, literal = list(md), [0] * len(md), set()

    def hide(start: int, end: int) -> None:
        shown[start:end] = [""] * (end - start)

    for m in mt._CODE_RE.finditer(md):
        hide(m.start(1), m.end(1))
        hide(m.end(2), m.end())
        literal.update(range(m.start(2), m.end(2)))
        for i in range(m.start(2), m.end(2)):
            style[i] |= CODE
    for m in mt._ESCAPE_RE.finditer(md):
        if m.start() not in literal:
            shown[m.start()] = ""
            literal.add(m.start() + 1)
    for m in mt._ENTITY_RE.finditer(md):
        if m.start() not in literal:
            hide(m.start(), m.end())
            shown[m.start()] = html.unescape(m.group())
            literal.update(range(m.start(), m.end()))
    for m in mt._LINK_RE.finditer(md):
        if m.start() in literal:
            continue
        shown[m.start()] = ""
        if CLAUSE_LINK_RE.fullmatch(m.group()):
            hide(m.end(1), m.end())
        else:
            shown[m.end(1)] = " "
    for regex, flag in ((mt._STRONG_RE, BOLD), (mt._EM_RE, ITALIC)):
        for m in regex.finditer(md):
            if {m.start(), m.end(2)} & literal:
                continue
            hide(m.start(), m.start(2))
            hide(m.end(2), m.end())
            for i in range(m.start(2), m.end(2)):
                style[i] |= flag
    for m in mt._BULLET_RE.finditer(md):
        if m.start(2) not in literal:
            shown[m.start(2)] = "•"
    for regex in (mt._HEADING_RE, mt._QUOTE_RE):
        for m in regex.finditer(md):
            if m.start(1) not in literal:
                hide(m.start(1), m.end())
    for i in mt._soft_breaks(md):
        shown[i] = " "
    return list(zip(shown, style))


def reference_segments(ops) -> list[tuple[str, str, int]]:
    """``segments`` computed character by character."""
    old_map, new_map = reference_map(old_text(ops)), reference_map(new_text(ops))
    runs: list[list] = []

    def extend(op, chars):
        for ch, style in chars:
            if not ch:
                continue
            if runs and runs[-1][0] == op and runs[-1][1] == style:
                runs[-1][2] += ch
            else:
                runs.append([op, style, ch])

    i = j = 0
    for op, text in ops:
        before, after = old_map[i:i + len(text)], new_map[j:j + len(text)]
        i += len(text) if op != INSERT else 0
        j += len(text) if op != DELETE else 0
        if op == EQUAL and before != after:
            for same, pairs in groupby(zip(before, after), key=lambda pair: pair[0] == pair[1]):
                pairs = list(pairs)
                extend(EQUAL if same else DELETE, [b for b, _ in pairs])
                if not same:
                    extend(INSERT, [a for _, a in pairs])
        else:
            extend(op, before if op == DELETE else after)
    return [(op, text, style) for op, style, text in runs]


# -- the engine matches it ------------------------------------------------------------------------
_MARKDOWN = st.lists(st.sampled_from([
    "**", "*", "_", "__", "[article 2.1](clause:a.b)", "[x](https://a.example)", "\\*", "\\\\", "\\", "&amp;",
    "&#233;", "&lt;", "`", "``", "- ", "* ", "1. ", "# ", "> ", ">", "mot", "autre", "x_y", " ", "  ", "\n", "\n\n",
    ".", "```", "[", "]", "(", ")", "&", "é"]), max_size=30).map("".join)


@settings(max_examples=400, deadline=None)
@given(md=_MARKDOWN)
def test_pieces_read_as_the_reference(md):
    pieces = readable_map(md)
    assert [p.start for p in pieces[1:]] == [p.end for p in pieces[:-1]]  # they tile the source
    per_char = [(md[i] if p.shown is None else p.shown if i == p.start else "", p.style)
                for p in pieces for i in range(p.start, p.end)]
    assert per_char == reference_map(md)
    assert plain(md) == "".join(ch for ch, _ in reference_map(md))


@settings(max_examples=400, deadline=None)
@given(old=_MARKDOWN, new=_MARKDOWN)
def test_segments_read_as_the_reference(old, new):
    ops = word_ops(old, new)
    assert [(s.op, s.text, s.style) for s in segments(ops)] == reference_segments(ops)


def test_emphasis_opened_by_a_change_elsewhere_reads_as_deleted_and_inserted():
    segs = segments([(INSERT, "*"), (EQUAL, "mot"), (INSERT, "*")])
    assert [(s.op, s.text, s.style) for s in segs] == [(DELETE, "mot", 0), (INSERT, "mot", ITALIC)]
