"""Carrying an edit made on the text readers see (Word) back onto the clause's Markdown source.

Legal edits what Word shows: no Markdown, French typography (no-break spaces, ’, 1ᵉʳ), bullets as
Word lists. The edit is carried back character by character: the Word text before the edit is
aligned with the text the Markdown source reads as (``reports.markdown_text.readable_map`` says which
source character each readable one comes from), and each changed stretch replaces the source
characters it was read from. Markup that was not touched (bold, links, list markers) stays as it
was. The result is checked: it must read exactly as Word's text after the edit, else nothing is
guessed and the caller reports the clause.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from charter_kit.reports.markdown_text import readable_map

_SUPERSCRIPT = str.maketrans({"ᵉ": "e", "ʳ": "r", "ˢ": "s", "ⁿ": "n", "ᵈ": "d"})
_SPACES = "\u00a0\u202f\u2009\u2007\t"
_INVISIBLE = "\u200b\u00ad\ufeff"
#: Characters that would start Markdown markup if typed as they are.
_ESCAPE_RE = re.compile(r"([\\`*_\[\]<>])")


def normalize(text: str) -> tuple[str, list[int]]:
    """``text`` as compared: typography read as typed, bullets dropped, spaces collapsed (a line
    break stays one); and for each kept character, its index in ``text``."""
    out: list[str] = []
    index: list[int] = []
    pending: str | None = None  # a run of whitespace: " " or "\n"
    pending_at = 0
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in _INVISIBLE:
            i += 1
            continue
        if ch == "•" and (not out or out[-1] == "\n" or pending == "\n"):
            i += 1
            while i < len(text) and text[i] in " " + _SPACES:
                i += 1
            continue
        if ch.isspace() or ch in _SPACES:
            if pending != "\n":
                pending, pending_at = ("\n" if ch == "\n" else " "), i
            i += 1
            continue
        if pending is not None and out:
            out.append(pending)
            index.append(pending_at)
        pending = None
        out.append(ch.translate(_SUPERSCRIPT).replace("\u2019", "'"))
        index.append(i)
        i += 1
    return "".join(out), index


def readable(md: str) -> tuple[str, list[int]]:
    """What Markdown ``md`` reads as, and for each readable character the source index it comes from."""
    text: list[str] = []
    sources: list[int] = []
    for piece in readable_map(md):
        if piece.shown is None:
            text.append(md[piece.start:piece.end])
            sources.extend(range(piece.start, piece.end))
        elif piece.shown:
            text.append(piece.shown)
            sources.extend([piece.start] * len(piece.shown))
    return "".join(text), sources


def reads_as(md: str) -> str:
    """The normalized text of Markdown ``md``."""
    return normalize(readable(md)[0])[0]


def carry(md: str, before: str, after: str, *, block: bool = True) -> str | None:
    """``md`` with the edit that turned Word text ``before`` into ``after``; None when it cannot be
    carried exactly. ``block``: a line break typed in Word becomes a paragraph break."""
    source_text, sources = readable(md)
    r_norm, r_index = normalize(source_text)
    r_sources = [sources[k] for k in r_index]
    b_norm, _ = normalize(before)
    a_norm, _ = normalize(after)
    if b_norm == a_norm:
        return md
    b_to_r: dict[int, int] = {}
    for block_match in SequenceMatcher(None, b_norm, r_norm, autojunk=False).get_matching_blocks():
        for k in range(block_match.size):
            b_to_r[block_match.a + k] = block_match.b + k
    edits: list[tuple[int, int, str]] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, b_norm, a_norm, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        new = _escape(a_norm[j1:j2], block)
        if i1 < i2:
            mapped = [r_sources[b_to_r[k]] for k in range(i1, i2) if k in b_to_r]
            if len(mapped) != i2 - i1:
                return None
            edits.append((min(mapped), max(mapped) + 1, new))
        elif i1 in b_to_r:
            at = r_sources[b_to_r[i1]]
            edits.append((at, at, new))
        elif i1 > 0 and i1 - 1 in b_to_r:
            at = r_sources[b_to_r[i1 - 1]] + 1
            edits.append((at, at, new))
        else:
            return None
    result = md
    last = len(md) + 1
    for start, end, new in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        if end > last:
            return None  # two edits over the same source: not carried
        result = result[:start] + new + result[end:]
        last = start
    return result if reads_as(result) == a_norm else None


def _escape(text: str, block: bool) -> str:
    """Text typed in Word as Markdown that reads as itself."""
    text = _ESCAPE_RE.sub(r"\\\1", text)
    return text.replace("\n", "\n\n") if block else text.replace("\n", " ")
