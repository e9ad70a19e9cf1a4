"""Words: the word-level edit script between two texts, and whether two texts say the same thing.

Texts are compared as Markdown source, word by word; reports turn that source into readable text.

Editorial or substantive
------------------------
A change is *editorial* when the words of the document stay the same once these are ignored:

- whitespace (spaces, line breaks, blank lines) and non-breaking or thin spaces;
- punctuation and Markdown markup (``* _ # > | ~ ` ^``, backslash escapes, HTML entities);
- typography: straight or curly quotes and guillemets, hyphens and dashes, ``…`` and ``...``,
  thousands separators (``10 000`` and ``10000``), Unicode normalization;
- letter case (joining or splitting a sentence changes the case of its first word);
- numbering: clause and article numbers, and the numbers in cross-references
  (``[article 6.2](clause:crise.signaler)``), which follow from the order of the charter.

The signs ``% ‰ § @ &`` are kept: they carry meaning. Accents are kept (``a`` is not ``à``).
A clause added or removed, an article added or removed, or any other change of words is
*substantive*; so is a change of the charter's title wording, status, jurisdiction, language or
company. A clause that only moves (same words, another position) is editorial. The release stamp
(version, release date, effective date) is reported but is neither: it changes with every release.
Presentation settings (branding, site, PDF) are not compared.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from difflib import SequenceMatcher

from charter_kit.diff.changes import DELETE, EQUAL, INSERT, Op
from charter_kit.model.vocabulary import CLAUSE_LINK_RE

#: Every character is whitespace, part of a number or word, or one sign: the tokens rebuild the text
#: exactly. Dotted numbers ("2.1", "1.0.0", "10,5") are one token, so a renumbering reads "2.1 → 3.1".
TOKEN_RE = re.compile(r"\s+|\d+(?:[.,]\d+)+|\w+|[^\w\s]")
_WORD_RE = re.compile(r"\w+")
_WORD_CHAR_RE = re.compile(r"\w")
#: How far, in characters, ``settle`` may move a change.
_SLIDE = 256
_SENTENCE_END_RE = re.compile(r"[.!?;:…][ \t]+\Z")
#: The number a cross-reference's label ends with: "6.2" in "article 6.2" (whatever the language).
_REF_NUMBER_RE = re.compile(r"(?:^|(?<=\s))(\d+(?:\.\d+)*)$")
_TYPOGRAPHY = str.maketrans({
    "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " ", "\u2002": " ", "\u2003": " ",
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2032": "'", "\u00b4": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u2026": "...",
})
_MEANINGFUL_SIGNS = set("%‰§@&")
_MARKUP_SIGNS = set("`^|~")
_TYPOGRAPHY_RE = re.compile("[" + "".join(re.escape(chr(code)) for code in _TYPOGRAPHY) + "]")
#: A digit and the space after it, when three digits follow: "10 000" reads as "10000".
_THOUSANDS = re.compile(r"(\d) (?=\d{3}\b)")


# -- word-level operations -------------------------------------------------------------------------
def tokenize(text: str) -> list[str]:
    """Split text into whitespace runs, words and single signs; joining them gives ``text`` back."""
    return TOKEN_RE.findall(text)


def word_ops(old: str, new: str) -> list[Op]:
    """Word-level edit script from ``old`` to ``new``.

    ``equal`` + ``delete`` texts joined in order give ``old``; ``equal`` + ``insert`` give ``new``.
    Lines are matched first, then sentences inside changed lines, then words inside changed
    sentences: each comparison stays small, so long texts stay fast. A lone insertion or deletion
    is then placed where it reads best (``settle``).
    """
    if old == new:
        return [(EQUAL, old)] if old else []
    return settle(tidy_ops(_chunk_ops(old, new, 0)))


#: A sentence ends with a newline, or with signs followed by spaces or the end ("1.0.0" goes on).
#: Possessive and atomic parts keep the scan linear.
_SENTENCE_RE = re.compile(r"(?:[^\n.!?;…]++|(?>[.!?;…]+)(?![ \t\n]|$))*+(?:[.!?;…]+(?:[ \t]+|(?=\n)|$)|\n|$)")


def _sentences(text: str) -> list[str]:
    """Split text into sentences; joining them gives the text back."""
    return [s for s in _SENTENCE_RE.findall(text) if s]


_SPLITTERS = (
    lambda text: text.splitlines(keepends=True),
    _sentences,
    tokenize,
)


def _chunk_ops(old: str, new: str, level: int) -> Iterator[Op]:
    """Edit script at one level (lines, sentences, words), recursing into changed chunks.

    The chunks both texts start and end with are equal without a search: only the middle goes to
    SequenceMatcher, so one word changed in a long sentence costs a few comparisons.
    """
    a, b = _SPLITTERS[level](old), _SPLITTERS[level](new)
    last = level == len(_SPLITTERS) - 1
    head, tail = _common_ends(a, b)
    if head:
        yield EQUAL, "".join(a[:head])
    middle_a, middle_b = a[head:len(a) - tail], b[head:len(b) - tail]
    if middle_a and middle_b and (len(middle_a) > 1 or len(middle_b) > 1):
        # Whitespace may extend a match but never start one: no matches on lone spaces.
        junk = str.isspace if last else None
        for tag, i1, i2, j1, j2 in SequenceMatcher(junk, middle_a, middle_b, autojunk=False).get_opcodes():
            left, right = "".join(middle_a[i1:i2]), "".join(middle_b[j1:j2])
            if tag == "equal":
                yield EQUAL, left
            else:
                yield from _replaced(left, right, level)
    else:
        yield from _replaced("".join(middle_a), "".join(middle_b), level)
    if tail:
        yield EQUAL, "".join(a[len(a) - tail:])


def _replaced(left: str, right: str, level: int) -> Iterator[Op]:
    """Text ``left`` replaced by ``right``: compared at the next level, or deleted and inserted at the last."""
    if left and right and level < len(_SPLITTERS) - 1:
        yield from _chunk_ops(left, right, level + 1)
        return
    if left:
        yield DELETE, left
    if right:
        yield INSERT, right


def _common_ends(a: Sequence[str], b: Sequence[str]) -> tuple[int, int]:
    """How many chunks ``a`` and ``b`` share at their start, then at their end (not overlapping)."""
    n = min(len(a), len(b))
    head = 0
    while head < n and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < n - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    return head, tail


def tidy_ops(ops: Iterable[Op]) -> list[Op]:
    """Group each run of changes into one deletion then one insertion.

    Whitespace or signs left equal between two changes are folded into both sides, so a reader
    sees "~~the quick~~ a slow" rather than a word-by-word checkerboard.
    """
    ops = [(op, text) for op, text in ops if text]
    out: list[Op] = []
    deleted: list[str] = []
    inserted: list[str] = []

    def flush() -> None:
        old, new = "".join(deleted), "".join(inserted)
        head = _shared_space(old, new)
        old, new = old[len(head):], new[len(head):]
        tail = _shared_space(old[::-1], new[::-1])[::-1]
        old, new = old[:len(old) - len(tail)], new[:len(new) - len(tail)]
        for op, text in ((EQUAL, head), (DELETE, old), (INSERT, new), (EQUAL, tail)):
            if text:
                _append(out, op, text)
        deleted.clear()
        inserted.clear()

    for i, (op, text) in enumerate(ops):
        if op == DELETE:
            deleted.append(text)
        elif op == INSERT:
            inserted.append(text)
        elif (deleted or inserted) and i + 1 < len(ops) and ops[i + 1][0] != EQUAL and _is_glue(text):
            deleted.append(text)
            inserted.append(text)
        else:
            if deleted or inserted:
                flush()
            _append(out, EQUAL, text)
    flush()
    return out


def settle(ops: Sequence[Op]) -> list[Op]:
    """Move each lone insertion or deletion to where it reads best among the places it could be.

    "a b[+ b+] c" and "a b [+b +]c" say the same; a reader expects a change to start at a word,
    after a space, a sentence or a line, and to carry its own trailing space. Changes move by
    whole tokens, at most ``_SLIDE`` characters each way; on a tie the leftmost place wins.
    """
    out = list(ops)
    for k in range(1, len(out) - 1):
        (before, left), (op, text), (after, right) = out[k - 1], out[k], out[k + 1]
        # It can move only when the text before it ends, or the text after it starts, as it does.
        if (before == EQUAL == after and op != EQUAL and left and right
                and (left[-1] == text[-1] or right[0] == text[0])):
            out[k - 1], out[k], out[k + 1] = ((EQUAL, part) if i != 1 else (op, part)
                                              for i, part in enumerate(_best_place(left, text, right)))
    settled: list[Op] = []
    for op, text in out:
        if text:
            _append(settled, op, text)
    return settled


def _best_place(left: str, text: str, right: str) -> tuple[str, str, str]:
    """``text`` between ``left`` and ``right``, moved to its best-reading place (same joined text)."""
    near_left, near_right = left[-_SLIDE:], right[:_SLIDE]
    whole, n = near_left + text + near_right, len(text)
    start = first = last = len(near_left)
    # The unchanged text on either side never empties: the change stays between the two.
    while first > 1 and whole[first - 1] == whole[first - 1 + n]:
        first -= 1
    while last + n < len(whole) - 1 and whole[last] == whole[last + n]:
        last += 1
    best = None
    for q in range(first, last + 1):
        if not (_token_edge(whole, q) and _token_edge(whole, q + n)):
            continue
        score = (_edge(whole[max(0, q - 8):q], whole[q:q + 1])
                 + _edge(whole[max(q, q + n - 8):q + n], whole[q + n:q + n + 1]))
        if best is None or score > best[0]:
            best = (score, q)
    if best is None or best[1] == start:
        return left, text, right
    q = best[1]
    return (left[:len(left) - len(near_left)] + whole[:q], whole[q:q + n],
            whole[q + n:] + right[len(near_right):])


def _token_edge(text: str, i: int) -> bool:
    """True when position ``i`` of ``text`` falls between two tokens."""
    if i <= 0 or i >= len(text):
        return True
    a, b = text[i - 1], text[i]
    if a.isspace() or b.isspace():
        return a.isspace() != b.isspace()
    return not (_WORD_CHAR_RE.match(a) and _WORD_CHAR_RE.match(b))


def _edge(left: str, right: str) -> int:
    """How well a change boundary reads between ``left`` and ``right`` (higher is better)."""
    if left.endswith("\n"):
        return 5
    if right.startswith("\n"):
        return 1
    if _SENTENCE_END_RE.search(left):
        return 4
    if left[-1].isspace():
        return 1 if right[0].isspace() else 3
    return 1 if right[0].isspace() else 0


def _append(ops: list[Op], op: str, text: str) -> None:
    """Append an operation, merging it with the previous one of the same kind."""
    if ops and ops[-1][0] == op:
        ops[-1] = (op, ops[-1][1] + text)
    else:
        ops.append((op, text))


def _shared_space(a: str, b: str) -> str:
    """The whitespace both texts start with (a change should not swallow a line break both keep)."""
    n = 0
    while n < len(a) and n < len(b) and a[n] == b[n] and a[n].isspace():
        n += 1
    return a[:n]


def _is_glue(text: str) -> bool:
    """True for text between two changes that reads better inside them (spaces, signs)."""
    return not _WORD_RE.search(text) and "\n" not in text


def words_of(text: str) -> set[str]:
    """The set of words of a text, case-folded."""
    return {w.casefold() for w in _WORD_RE.findall(text)}


# -- cross-references ------------------------------------------------------------------------------
def ref_number(label: str) -> str | None:
    """The article number a cross-reference's label prints ("6.2" for "article 6.2"), or None."""
    m = _REF_NUMBER_RE.search(label)
    return m.group(1) if m else None


def without_ref_numbers(text: str) -> str:
    """``text`` with the numbers of its cross-references left out (they follow from the charter's order)."""
    def strip(m: re.Match[str]) -> str:
        number = _REF_NUMBER_RE.search(m.group(1))
        if number is None:
            return m.group()
        label = m.group(1)
        return "[" + label[:number.start(1)].rstrip() + m.group()[1 + len(label):]
    return CLAUSE_LINK_RE.sub(strip, text)


# -- editorial or substantive ----------------------------------------------------------------------
def substance(text: str) -> tuple[str, ...]:
    """The words of ``text`` that matter for the editorial/substantive test (see module docstring)."""
    text = without_ref_numbers(text)
    text = html.unescape(unicodedata.normalize("NFC", text))
    text = _TYPOGRAPHY_RE.sub(lambda m: _TYPOGRAPHY[ord(m.group())], text)
    text = _THOUSANDS.sub(r"\1", text).casefold()
    return tuple(_signs_re().sub(" ", text).split())


@functools.cache
def _signs_re() -> re.Pattern[str]:
    """Every punctuation mark (of the Basic Multilingual Plane) but the meaningful signs, and the
    Markdown signs: what the test reads as a space."""
    signs = set(_MARKUP_SIGNS)
    for code in range(0x10000):
        if unicodedata.category(chr(code)).startswith("P") and chr(code) not in _MEANINGFUL_SIGNS:
            signs.add(chr(code))
    return re.compile("[" + "".join(re.escape(ch) for ch in sorted(signs)) + "]")


def same_words(old: str, new: str) -> bool:
    """True when two texts differ only editorially."""
    return old == new or substance(old) == substance(new)
