"""Markdown source as the text readers see: the engine under every report's redline.

Diffs are computed on the Markdown source of clauses; readers see readable text: cross-reference
links show their label, backslash escapes and HTML entities their character, emphasis markers
become bold or italics, list markers become bullets (``readable_map``). ``segments`` turns an
edit script on Markdown into runs of readable text, ``paragraphs`` groups those runs.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from heapq import heappop, heappush
from itertools import groupby
from typing import NamedTuple

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


class Piece(NamedTuple):
    """A slice of Markdown source and what a reader sees of it, in one style."""

    #: Where the slice starts in the source.
    start: int
    #: Where it ends.
    end: int
    #: None when the reader sees the slice itself; "" when nothing; else this text (for one character).
    shown: str | None
    #: BOLD, ITALIC and CODE flags.
    style: int


def readable_map(md: str) -> list[Piece]:
    """Markdown ``md`` cut into pieces, each with what a reader sees of it and its style."""
    paint = _Paint(len(md))
    for m in _scan(_CODE_RE, md, "`"):
        paint.hide(m.start(1), m.end(1))
        paint.hide(m.end(2), m.end())
        paint.literal(m.start(2), m.end(2))
        paint.style(m.start(2), m.end(2), CODE)
    paint.freeze()
    for m in _scan(_ESCAPE_RE, md, "\\"):
        if not paint.is_literal(m.start()):
            paint.hide(m.start(), m.start() + 1)
            paint.literal(m.start() + 1, m.start() + 2)
    paint.freeze()
    for m in _scan(_ENTITY_RE, md, "&"):
        if not paint.is_literal(m.start()):
            paint.hide(m.start(), m.end())
            paint.show(m.start(), html.unescape(m.group()))
            paint.literal(m.start(), m.end())
    paint.freeze()
    for m in _scan(_LINK_RE, md, "["):
        if paint.is_literal(m.start()):
            continue
        paint.hide(m.start(), m.start() + 1)
        if CLAUSE_LINK_RE.fullmatch(m.group()):
            paint.hide(m.end(1), m.end())
        else:  # an outside link keeps its address visible: "label (https://…)"
            paint.show(m.end(1), " ")
    for regex, flag in ((_STRONG_RE, BOLD), (_EM_RE, ITALIC)):
        for m in _scan(regex, md, "*", "_"):
            start, end = m.start(2), m.end(2)
            if paint.is_literal(m.start()) or paint.is_literal(end):
                continue
            paint.hide(m.start(), start)
            paint.hide(end, m.end())
            paint.style(start, end, flag)
    for m in _BULLET_RE.finditer(md):
        if not paint.is_literal(m.start(2)):
            paint.show(m.start(2), "•")
    for regex in (_HEADING_RE, _QUOTE_RE):
        for m in regex.finditer(md):
            if not paint.is_literal(m.start(1)):
                paint.hide(m.start(1), m.end())
    for i in _soft_breaks(md):
        paint.show(i, " ")  # a line wrapped inside a paragraph reads as a space
    return paint.pieces()


def _scan(regex: re.Pattern[str], md: str, *signs: str) -> Iterator[re.Match[str]]:
    """The matches of ``regex`` in ``md``; none without one of the ``signs`` every match holds."""
    return regex.finditer(md) if any(sign in md for sign in signs) else iter(())


class _Paint:
    """What readers see of a source, as layers of writes: a later write covers an earlier one."""

    def __init__(self, length: int) -> None:
        """An empty painting over a source of ``length`` characters."""
        self.length = length
        self.writes: list[tuple[int, int, str]] = []  # (start, end, shown): "" hides, else one character
        self.styles: list[tuple[int, int, int]] = []
        self._literal: list[tuple[int, int]] = []  # source that is text, never markup
        self._frozen: list[tuple[int, int]] = []
        self._starts: list[int] = []

    def hide(self, start: int, end: int) -> None:
        """Readers see nothing of ``start`` to ``end``."""
        if start < end:
            self.writes.append((start, end, ""))

    def show(self, pos: int, text: str) -> None:
        """Readers see ``text`` in place of the character at ``pos``."""
        self.writes.append((pos, pos + 1, text))

    def style(self, start: int, end: int, flag: int) -> None:
        """Characters ``start`` to ``end`` read in ``flag`` (bold, italic, code)."""
        if start < end:
            self.styles.append((start, end, flag))

    def literal(self, start: int, end: int) -> None:
        """Characters ``start`` to ``end`` are text: later markup may not start or end there."""
        if start < end:
            self._literal.append((start, end))

    def freeze(self) -> None:
        """Make the literal spans noted so far visible to ``is_literal`` (sorted, merged)."""
        merged: list[tuple[int, int]] = []
        for start, end in sorted(self._literal):
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        self._frozen, self._starts = merged, [start for start, _ in merged]

    def is_literal(self, pos: int) -> bool:
        """True when the character at ``pos`` is text, never markup."""
        i = bisect_right(self._starts, pos) - 1
        return i >= 0 and pos < self._frozen[i][1]

    def pieces(self) -> list[Piece]:
        """The source cut where what readers see or its style changes (the latest write wins)."""
        cuts = sorted({0, self.length, *(x for w in self.writes for x in w[:2]),
                       *(x for s in self.styles for x in s[:2])})
        starting: dict[int, list[tuple[int, int, str]]] = {}
        for seq, (start, end, shown) in enumerate(self.writes):
            starting.setdefault(start, []).append((-seq, end, shown))
        style_at = [0] * (len(cuts))
        index = {x: i for i, x in enumerate(cuts)}
        for start, end, flag in self.styles:
            for i in range(index[start], index[end]):
                style_at[i] |= flag
        live: list[tuple[int, int, str]] = []
        out: list[Piece] = []
        for i, (start, end) in enumerate(zip(cuts, cuts[1:])):
            for write in starting.get(start, ()):
                heappush(live, write)
            while live and live[0][1] <= start:
                heappop(live)
            shown = live[0][2] if live else None
            style = style_at[i]
            last = out[-1] if out else None
            if last and last.style == style and last.shown == shown and shown in (None, ""):
                out[-1] = last._replace(end=end)
            else:
                out.append(Piece(start, end, shown, style))
        return out


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


def plain(md: str) -> str:
    """Markdown source as readable text."""
    return "".join(md[p.start:p.end] if p.shown is None else p.shown for p in readable_map(md))


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
    old, new = _Reader(old_text(ops)), _Reader(new_text(ops))
    runs: list[tuple[str, int, list[str]]] = []
    for op, text in ops:
        n = len(text)
        if op == DELETE:
            _extend(runs, DELETE, old.take(n))
        elif op == INSERT:
            _extend(runs, INSERT, new.take(n))
        else:
            before, after = old.take(n), new.take(n)
            if before == after:
                _extend(runs, EQUAL, after)
                continue
            for same, pairs in groupby(_aligned(before, after), key=lambda pair: pair[0] == pair[1]):
                pairs = list(pairs)
                if same:
                    _extend(runs, EQUAL, [b for b, _ in pairs])
                else:
                    _extend(runs, DELETE, [b for b, _ in pairs])
                    _extend(runs, INSERT, [a for _, a in pairs])
    return [Segment(op, "".join(texts), style) for op, style, texts in runs]


#: A run of source characters as readers see them: (how many, what they read, style).
_Part = tuple[int, str, int]


class _Reader:
    """Reads a Markdown source from start to end, a slice at a time, as readers see it."""

    def __init__(self, md: str) -> None:
        """Start at the beginning of ``md``."""
        self.md = md
        self.pieces = readable_map(md)
        self.index = 0
        self.pos = 0

    def take(self, n: int) -> list[_Part]:
        """What readers see of the next ``n`` source characters, cut where pieces change."""
        out = []
        while n > 0:
            piece = self.pieces[self.index]
            k = min(piece.end - self.pos, n)
            shown = self.md[self.pos:self.pos + k] if piece.shown is None else piece.shown
            out.append((k, shown, piece.style))
            self.pos += k
            n -= k
            if self.pos == piece.end:
                self.index += 1
        return out


def _aligned(before: list[_Part], after: list[_Part]) -> Iterator[tuple[_Part, _Part]]:
    """The two readings of one source slice, cut at every place either changes, side by side.

    Each pair covers the same characters; a piece shown as one character (a bullet, an entity)
    is one character long, so only source read as itself or hidden is ever cut.
    """
    i = j = 0
    a, b = before[0], after[0]
    while True:
        k = min(a[0], b[0])
        yield (k, a[1][:k], a[2]), (k, b[1][:k], b[2])
        a = (a[0] - k, a[1][k:], a[2])
        b = (b[0] - k, b[1][k:], b[2])
        if not a[0]:
            i += 1
            if i == len(before):
                return
            a = before[i]
        if not b[0]:
            j += 1
            b = after[j]


def _extend(runs: list[tuple[str, int, list[str]]], op: str, parts: Sequence[_Part]) -> None:
    """Append readable text to the runs, merging runs of the same operation and style."""
    for _, shown, style in parts:
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
    breaks: set[str] = set()  # the operations of the line breaks since the last text
    for seg in segs:
        for piece in re.split(r"(\n+)", seg.text):
            if not piece:
                continue
            if piece[0] == "\n":
                breaks.add(seg.op)
                continue
            if breaks:
                out.append(Paragraph(tuple(current), _mark(breaks)))
                current, breaks = [], set()
            current.append(Segment(seg.op, piece, seg.style))
    if current or breaks:
        out.append(Paragraph(tuple(current), _mark(breaks) if breaks else EQUAL))
    return out


def _mark(ops: set[str]) -> str:
    """The paragraph mark of a run of line breaks from their operations."""
    if EQUAL in ops or ops == {INSERT, DELETE}:
        return EQUAL
    return next(iter(ops))
