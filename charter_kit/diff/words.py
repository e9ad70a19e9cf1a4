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
from collections.abc import Iterable, Iterator
from difflib import SequenceMatcher

from charter_kit.diff.changes import DELETE, EQUAL, INSERT, Op
from charter_kit.model.vocabulary import CLAUSE_LINK_RE

#: Every character is whitespace, part of a number or word, or one sign: the tokens rebuild the text
#: exactly. Dotted numbers ("2.1", "1.0.0", "10,5") are one token, so a renumbering reads "2.1 → 3.1".
TOKEN_RE = re.compile(r"\s+|\d+(?:[.,]\d+)+|\w+|[^\w\s]")
_WORD_RE = re.compile(r"\w+")
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
_THOUSANDS = re.compile(r"(?<=\d) (?=\d{3}\b)")


# -- word-level operations -------------------------------------------------------------------------
def tokenize(text: str) -> list[str]:
    """Split text into whitespace runs, words and single signs; joining them gives ``text`` back."""
    return TOKEN_RE.findall(text)


def word_ops(old: str, new: str) -> list[Op]:
    """Word-level edit script from ``old`` to ``new``.

    ``equal`` + ``delete`` texts joined in order give ``old``; ``equal`` + ``insert`` give ``new``.
    Lines are matched first, then sentences inside changed lines, then words inside changed
    sentences: each comparison stays small, so long texts stay fast.
    """
    if old == new:
        return [(EQUAL, old)] if old else []
    return tidy_ops(_chunk_ops(old, new, 0))


#: A sentence ends with a newline, or with signs followed by spaces or the end ("1.0.0" goes on).
_SENTENCE_RE = re.compile(r"[^\n]*?(?:[.!?;…]+(?:[ \t]+|(?=\n)|$)|\n|$)")


def _sentences(text: str) -> list[str]:
    """Split text into sentences; joining them gives the text back."""
    return [s for s in _SENTENCE_RE.findall(text) if s]


_SPLITTERS = (
    lambda text: text.splitlines(keepends=True),
    _sentences,
    tokenize,
)


def _chunk_ops(old: str, new: str, level: int) -> Iterator[Op]:
    """Edit script at one level (lines, sentences, words), recursing into changed chunks."""
    a, b = _SPLITTERS[level](old), _SPLITTERS[level](new)
    last = level == len(_SPLITTERS) - 1
    # Whitespace may extend a match but never start one: no matches on lone spaces.
    junk = str.isspace if last else None
    for tag, i1, i2, j1, j2 in SequenceMatcher(junk, a, b, autojunk=False).get_opcodes():
        left, right = "".join(a[i1:i2]), "".join(b[j1:j2])
        if tag == "equal":
            yield EQUAL, left
        elif tag == "replace" and not last:
            yield from _chunk_ops(left, right, level + 1)
        else:
            if left:
                yield DELETE, left
            if right:
                yield INSERT, right


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
            flush()
            _append(out, EQUAL, text)
    flush()
    return out


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
        return f"[{m.group(1)[:number.start(1)].rstrip()}](clause:{m.group(2)})"
    return CLAUSE_LINK_RE.sub(strip, text)


# -- editorial or substantive ----------------------------------------------------------------------
def substance(text: str) -> tuple[str, ...]:
    """The words of ``text`` that matter for the editorial/substantive test (see module docstring)."""
    text = without_ref_numbers(text)
    text = html.unescape(unicodedata.normalize("NFC", text)).translate(_TYPOGRAPHY)
    text = _THOUSANDS.sub("", text).translate(_markup_table())
    return tuple(text.casefold().split())


@functools.cache
def _markup_table() -> dict[int, str]:
    """Every punctuation mark and Markdown sign (of the Basic Multilingual Plane) mapped to a space."""
    table = {ord(ch): " " for ch in _MARKUP_SIGNS}
    for code in range(0x10000):
        if unicodedata.category(chr(code)).startswith("P") and chr(code) not in _MEANINGFUL_SIGNS:
            table[code] = " "
    return table


def same_words(old: str, new: str) -> bool:
    """True when two texts differ only editorially."""
    return old == new or substance(old) == substance(new)
