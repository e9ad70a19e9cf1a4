"""Markdown source as the text readers see: the engine under every report's redline.

Diffs are computed on the Markdown source of clauses; readers see readable text: cross-reference
links show their label, backslash escapes and HTML entities their character, emphasis markers
become bold or italics, list markers become bullets (``readable_map``). ``segments`` turns an
edit script on Markdown into runs of readable text, ``paragraphs`` groups those runs.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby

from charter_kit.diff.changes import DELETE, EQUAL, INSERT, Op, new_text, old_text
from charter_kit.model.vocabulary import CLAUSE_LINK_RE

#: Style flags of a run of readable text.
BOLD, ITALIC, CODE = 1, 2, 4


_CODE_RE = re.compile(r"(?<![\\`])(`+)(?!`)(.+?)(?<!`)\1(?!`)")
_ESCAPE_RE = re.compile(r"\\([!-/:-@\[-`{-~])")
_ENTITY_RE = re.compile(r"&(?:amp|lt|gt|quot|apos|#\d{1,7}|#x[0-9a-fA-F]{1,6});")
_LINK_RE = re.compile(r"(?<![\\!])\[((?:\\.|[^\]\\\n])*)\]\(((?:\\.|[^()\s\\])*)\)")
_STRONG_RE = re.compile(r"(?<![\\*_])(\*\*|__)(?=[^\s*_])(.+?)(?<=[^\s\\])\1(?![*_])")
_EM_RE = re.compile(r"(?<![\\*\w])([*_])(?=[^\s*_])(.+?)(?<=[^\s\\*_])\1(?![*\w])")
_BULLET_RE = re.compile(r"(?m)^([ \t]*)([-*+])[ \t]+")
_HEADING_RE = re.compile(r"(?m)^[ \t]*(#{1,6})[ \t]+")
_QUOTE_RE = re.compile(r"(?m)^[ \t]*(>[ \t]?)")
_BLOCK_RE = re.compile(r"[ \t]*(?:[-*+][ \t]|\d+[.)][ \t]|#|>|```|~~~)")
_FENCE_RE = re.compile(r"[ \t]*(?:```|~~~)")


def readable_map(md: str) -> list[tuple[str, int]]:
    """For each character of Markdown ``md``: what a reader sees (maybe nothing) and its style."""
    shown: list[str] = list(md)
    style = [0] * len(md)
    literal: set[int] = set()  # characters that are text, never markup
    for m in _CODE_RE.finditer(md):
        _hide(shown, m.start(1), m.end(1))
        _hide(shown, m.end(2), m.end())
        literal.update(range(m.start(2), m.end(2)))
        for i in range(m.start(2), m.end(2)):
            style[i] |= CODE
    for m in _ESCAPE_RE.finditer(md):
        if m.start() not in literal:
            shown[m.start()] = ""
            literal.add(m.start() + 1)
    for m in _ENTITY_RE.finditer(md):
        if m.start() not in literal:
            _hide(shown, m.start(), m.end())
            shown[m.start()] = html.unescape(m.group())
            literal.update(range(m.start(), m.end()))
    for m in _LINK_RE.finditer(md):
        if m.start() in literal:
            continue
        shown[m.start()] = ""
        if CLAUSE_LINK_RE.fullmatch(m.group()):
            _hide(shown, m.end(1), m.end())
        else:  # an outside link keeps its address visible: "label (https://…)"
            shown[m.end(1)] = " "
    for regex, flag in ((_STRONG_RE, BOLD), (_EM_RE, ITALIC)):
        for m in regex.finditer(md):
            start, end = m.start(2), m.end(2)
            if {m.start(), end} & literal:
                continue
            _hide(shown, m.start(), start)
            _hide(shown, end, m.end())
            for i in range(start, end):
                style[i] |= flag
    for m in _BULLET_RE.finditer(md):
        if m.start(2) not in literal:
            shown[m.start(2)] = "•"
    for regex in (_HEADING_RE, _QUOTE_RE):
        for m in regex.finditer(md):
            if m.start(1) not in literal:
                _hide(shown, m.start(1), m.end())
    for i in _soft_breaks(md):
        shown[i] = " "  # a line wrapped inside a paragraph reads as a space
    return list(zip(shown, style))


def _soft_breaks(md: str) -> list[int]:
    """Positions of the newlines that wrap a paragraph (Markdown reads them as spaces)."""
    out, pos, fenced = [], 0, False
    lines = md.split("\n")
    for line, following in zip(lines, lines[1:]):
        pos += len(line)
        if _FENCE_RE.match(line):
            fenced = not fenced
        hard = line.endswith(("  ", "\\")) or _HEADING_RE.match(line)
        if not (fenced or hard or not line.strip() or not following.strip() or _BLOCK_RE.match(following)):
            out.append(pos)
        pos += 1
    return out


def _hide(shown: list[str], start: int, end: int) -> None:
    """Make characters ``start`` to ``end`` invisible."""
    for i in range(start, end):
        shown[i] = ""


def plain(md: str) -> str:
    """Markdown source as readable text."""
    return "".join(ch for ch, _ in readable_map(md))


@dataclass(frozen=True)
class Segment:
    """A run of readable text with one operation and one style."""

    op: str
    text: str
    style: int = 0


def segments(ops: Sequence[Op]) -> list[Segment]:
    """The readable text of an edit script on Markdown, as runs of (operation, text, style).

    Unchanged source that reads differently in the two versions (emphasis opened or closed by
    a change elsewhere) becomes a deletion and an insertion, so the deleted and unchanged runs
    always read as the old version and the inserted and unchanged runs as the new one.
    """
    old_map, new_map = readable_map(old_text(ops)), readable_map(new_text(ops))
    runs: list[tuple[str, int, list[str]]] = []
    i = j = 0
    for op, text in ops:
        n = len(text)
        before, after = old_map[i:i + n], new_map[j:j + n]
        if op != INSERT:
            i += n
        if op != DELETE:
            j += n
        if op == EQUAL and before != after:
            for same, pairs in groupby(zip(before, after), key=lambda pair: pair[0] == pair[1]):
                pairs = list(pairs)
                if same:
                    _extend(runs, EQUAL, [b for b, _ in pairs])
                else:
                    _extend(runs, DELETE, [b for b, _ in pairs])
                    _extend(runs, INSERT, [a for _, a in pairs])
        else:
            _extend(runs, op, before if op == DELETE else after)
    return [Segment(op, "".join(chars), style) for op, style, chars in runs]


def _extend(runs: list[tuple[str, int, list[str]]], op: str, chars: Sequence[tuple[str, int]]) -> None:
    """Append readable characters to the runs, merging runs of the same operation and style."""
    for shown, style in chars:
        if not shown:
            continue
        if runs and runs[-1][0] == op and runs[-1][1] == style:
            runs[-1][2].append(shown)
        else:
            runs.append((op, style, [shown]))


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of readable text and how its ending break changed (its paragraph mark)."""

    segments: tuple[Segment, ...]
    mark: str = EQUAL

    @property
    def changed(self) -> bool:
        """True when any of its text or its break was inserted or deleted."""
        return self.mark != EQUAL or any(s.op != EQUAL for s in self.segments)


def paragraphs(segs: Iterable[Segment]) -> list[Paragraph]:
    """Split readable runs into paragraphs; each run of line breaks is one paragraph break.

    A break kept in both versions is unchanged; one only in the new version is inserted, one only
    in the old version is deleted, so accepting or rejecting every change gives each version back.
    """
    out: list[Paragraph] = []
    current: list[Segment] = []
    breaks: list[str] = []
    for seg in segs:
        for piece in re.split(r"(\n+)", seg.text):
            if not piece:
                continue
            if piece[0] == "\n":
                breaks.extend([seg.op] * len(piece))
                continue
            if breaks:
                out.append(Paragraph(tuple(current), _mark(breaks)))
                current, breaks = [], []
            current.append(Segment(seg.op, piece, seg.style))
    if current or breaks:
        out.append(Paragraph(tuple(current), _mark(breaks) if breaks else EQUAL))
    return out


def _mark(breaks: list[str]) -> str:
    """The paragraph mark of a run of line breaks from their operations."""
    ops = set(breaks)
    if EQUAL in ops or ops == {INSERT, DELETE}:
        return EQUAL
    return ops.pop()
