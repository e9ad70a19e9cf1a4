"""French typography, applied once for every output: unbreakable spaces, apostrophes, ordinals.

- a narrow no-break space (U+202F) before ``; ! ?`` and ``»`` and after ``«``, a no-break space
  (U+00A0) before ``:``, so these marks never start a line (a missing space is added);
- a no-break space between a number and the word or unit after it ("24 heures", "10 %"), after
  "art.", "n°" and "§" before a number, and a narrow one between groups of thousands ("5 000");
- the typographic apostrophe (’) for the straight one;
- ordinals set as such: "1er" becomes "1ᵉʳ" in plain text and ``1<sup>er</sup>`` in HTML.

Only prose changes: addresses (https://…, www.…), e-mails, code, and in HTML every tag, attribute,
comment, script and style stay byte for byte. The changes never add markup beyond ``<sup>`` in
HTML, never remove a character that is not a space, and applying them twice changes nothing.

The text is seen as a stream of *atoms*: characters one can change, markup that takes no room
(inline tags, the boundary between two runs of a document), and what must stay as it is (code,
addresses, block boundaries). The rules run on the visible characters, across inline tags, so
``<strong>mot</strong> : suite`` gets its no-break space like ``mot : suite``.
"""

from __future__ import annotations

import html as _html
import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from typing import NamedTuple

NBSP = "\u00a0"
NNBSP = "\u202f"
APOSTROPHE = "\u2019"
#: Marks that must never start a line, with the space each wants before it.
BEFORE = {":": NBSP, ";": NNBSP, "!": NNBSP, "?": NNBSP, "»": NNBSP}
#: "1er", "2e", "1re", "2nd"…: a number of one to three digits and a French ordinal ending.
ORDINAL_RE = re.compile(r"(?<![\w.,\u2019'])(\d{1,3})(ers|res|er|re|es|e|nde|nd)(?![\w\u00b2\u00b3])")
_SUPERSCRIPT = str.maketrans({"e": "ᵉ", "r": "ʳ", "s": "ˢ", "n": "ⁿ", "d": "ᵈ"})

_OPAQUE = "\ufffc"  # stands for code or anything else that must stay as it is
_BREAK = "\u2029"  # stands for a block boundary: rules never reach across it
_SPACE = " \t\n\r\f"
_ANY_SPACE = _SPACE + NBSP + NNBSP
_PROTECTED_RE = re.compile(
    r"(?:https?|ftp|mailto|tel|file):[^\s<>\"\u00a0\u202f]*"
    r"|www\.[^\s<>\"\u00a0\u202f]+"
    r"|[\w.+\-']+@[\w\-]+(?:\.[\w\-]+)+"
    r"|\{\{.*?\}\}|\{%.*?%\}")  # Jinja in module text: its quotes are code, not prose
_RUN_BEFORE_RE = re.compile(r"[%s]+(?=[:;!?»])" % _ANY_SPACE)
_MISSING_BEFORE_RE = re.compile(r"(?<=[^\W_])([;!?])(?=[%s»)\"\u201d\u2019\u2029]|$)|(?<=[^\W\d_])(:)(?=[%s\u2029]|$)"
                                % (_ANY_SPACE, _ANY_SPACE))
_AFTER_OPEN_RE = re.compile(r"(?<=«)[%s]+" % _ANY_SPACE)
_OPEN_NO_SPACE_RE = re.compile(r"«(?=[^%s\u2029:;!?»])" % _ANY_SPACE)
_CLOSE_NO_SPACE_RE = re.compile(r"(?<=[^%s\u2029«])»" % _ANY_SPACE)
_NUMBER_WORD_RE = re.compile(r"\d(?:ers|res|er|re|es|e|nde|nd|ᵉʳˢ|ʳᵉˢ|ᵉʳ|ʳᵉ|ᵉˢ|ᵉ|ⁿᵈᵉ|ⁿᵈ)?([ \t\n\r])(?=[^\W\d_]|[%€$°‰])")
_THOUSANDS_RE = re.compile(r"(?<=\d)[ \t\n\r\u00a0](?=\d{3}(?![\d,]))")
_ABBREV_NUMBER_RE = re.compile(r"(?:(?<=\bart\.)|(?<=\bArt\.)|(?<=n°)|(?<=N°)|(?<=§))[ \t\n\r](?=\d)")


# -- front ends ---------------------------------------------------------------------------------
def typography(text: str, *, ordinals: str = "superscript") -> str:
    """Plain text (PDF, DOCX, text reports) set the French way.

    ``ordinals``: "superscript" writes "1ᵉʳ"; "keep" leaves "1er" for an output that sets the
    superscript itself (find them with ``ORDINAL_RE``).
    """
    return typography_runs([text], ordinals=ordinals)[0]


def typography_runs(runs: Sequence[str], *, ordinals: str = "superscript") -> list[str]:
    """Consecutive runs of one paragraph (Word runs, Typst strings) set as one text, run by run.

    The boundary between two runs takes no room: a space at the end of one run before a ":" at
    the start of the next becomes a no-break space, in the first run.
    """
    text = _Text()
    for run in runs:
        text.add(run, run)
        text.add("", "")  # the boundary
    edits = _apply(text, html=False, ordinals=ordinals)
    return [edits.output(seg) for seg in text.segments[::2]]


def typography_html(fragment: str) -> str:
    """An HTML page or fragment with its text nodes set the French way (tags and attributes untouched)."""
    text = _html_text(fragment)
    edits = _apply(text, html=True, ordinals="sup")
    return "".join(edits.output(seg) for seg in text.segments)


# -- the text as the rules see it ---------------------------------------------------------------
# Why segments and not one object per character: a page is tens of thousands of characters and
# the rules change a few hundred of them; the text is kept as runs and the changes as sparse
# tables keyed by the position in the visible text.
class _Segment(NamedTuple):
    """A piece of the source; ``visible`` is what the rules see ("" for markup taking no room)."""

    source: str
    visible: str
    start: int  # where ``visible`` starts in the whole visible text


class _Text:
    """The source as segments, the visible text they make, and what must not change in it."""

    def __init__(self) -> None:
        self.segments: list[_Segment] = []
        self._visible: list[str] = []
        self.length = 0
        self.fixed: list[int] = []  # visible positions of code, block boundaries, entities kept whole
        self.seams: list[int] = []  # visible positions where markup taking no room sits

    def add(self, source: str, visible: str, *, fixed: bool = False) -> None:
        """Append a piece: plain text (``visible`` is ``source``) or one marker of markup."""
        if not visible:
            self.seams.append(self.length)
        elif fixed:
            self.fixed.append(self.length)
        self.segments.append(_Segment(source, visible, self.length))
        self._visible.append(visible)
        self.length += len(visible)

    def visible(self) -> str:
        """The characters the rules read."""
        return "".join(self._visible)

    def touching(self, first: int, last: int) -> bool:
        """Whether visible positions ``first`` to ``last`` are contiguous in the source (no tag between)."""
        i = bisect_right(self.seams, first)
        return i == len(self.seams) or self.seams[i] > last


class _Edits:
    """Changes at visible positions: a replacement, text inserted before and after."""

    def __init__(self) -> None:
        self.new: dict[int, str] = {}
        self.before: dict[int, str] = {}
        self.after: dict[int, str] = {}
        self._order: list[int] | None = None

    def output(self, seg: _Segment) -> str:
        """The segment's source with the changes that fall in it."""
        if self._order is None:
            self._order = sorted({*self.new, *self.before, *self.after})
        start, end = seg.start, seg.start + len(seg.visible)
        i = bisect_left(self._order, start)
        if i == len(self._order) or self._order[i] >= end:
            return seg.source
        if len(seg.visible) == 1:  # one character, an entity or a marker: its source changes whole
            return self._char(start, seg.source)
        out, pos = [], start
        while i < len(self._order) and self._order[i] < end:
            k = self._order[i]
            out.append(seg.source[pos - start:k - start])
            out.append(self._char(k, seg.source[k - start]))
            pos, i = k + 1, i + 1
        out.append(seg.source[pos - start:])
        return "".join(out)

    def _char(self, k: int, source: str) -> str:
        return self.before.get(k, "") + self.new.get(k, source) + self.after.get(k, "")


_INLINE_TAGS = frozenset("a abbr b bdi bdo cite data dfn em i ins del mark q s small span strong sub sup "
                         "time u var wbr font label".split())
_RAW_TAGS = frozenset("script style pre code kbd samp textarea svg math template title".split())
_TOKEN_RE = re.compile(
    r"<!--.*?(?:-->|\Z)|<!\[CDATA\[.*?(?:\]\]>|\Z)|<![^>]*>|<\?[^>]*>"
    r"|</?([A-Za-z][^\s/>]*)(?:\s+[^\s\"'>/=]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'>]+))?)*\s*/?>",
    re.S)
_ENTITY_RE = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def _html_text(source: str) -> _Text:
    text = _Text()
    pos = 0
    while pos < len(source):
        m = _TOKEN_RE.search(source, pos)
        end = m.start() if m else len(source)
        _add_text(source[pos:end], text)
        if not m:
            break
        name = (m.group(1) or "").lower()
        token = m.group()
        if name in _RAW_TAGS and not token.startswith("</") and not token.endswith("/>"):
            close = re.compile(r"</%s\s*>" % re.escape(name), re.I).search(source, m.end())
            stop = close.end() if close else len(source)
            # Code inside a sentence reads as a word; a block of code or a script ends the text.
            block = name in ("script", "style", "pre", "textarea", "template", "title")
            text.add(source[m.start():stop], _BREAK if block else _OPAQUE, fixed=True)
            pos = stop
            continue
        inline = name in _INLINE_TAGS and not token.startswith("<!")
        text.add(token, "" if inline or token.startswith("<!--") else _BREAK, fixed=True)
        pos = m.end()
    return text


def _add_text(chunk: str, text: _Text) -> None:
    pos = 0
    for m in _ENTITY_RE.finditer(chunk):
        if m.start() > pos:
            text.add(chunk[pos:m.start()], chunk[pos:m.start()])
        char = _html.unescape(m.group())
        if len(char) == 1:
            text.add(m.group(), char)
        else:
            text.add(m.group(), _OPAQUE, fixed=True)
        pos = m.end()
    if pos < len(chunk):
        text.add(chunk[pos:], chunk[pos:])


# -- the rules ----------------------------------------------------------------------------------
def _apply(text: _Text, *, html: bool, ordinals: str) -> _Edits:
    visible = text.visible()
    frozen = bytearray(len(visible))
    for k in text.fixed:
        frozen[k] = 1
    for m in _PROTECTED_RE.finditer(visible):
        frozen[m.start():m.end()] = b"\x01" * (m.end() - m.start())
    edits = _Edits()
    new, before, after = edits.new, edits.before, edits.after

    def replace_run(start: int, end: int, char: str) -> None:
        if end - start == 1 and visible[start] == char:
            return
        if frozen.find(1, start, end) != -1:
            return
        new[start] = char
        for k in range(start + 1, end):
            new[k] = ""

    for m in _RUN_BEFORE_RE.finditer(visible):
        replace_run(m.start(), m.end(), BEFORE[visible[m.end()]])
    for m in _MISSING_BEFORE_RE.finditer(visible):
        k = m.start(1) if m.group(1) else m.start(2)
        if not frozen[k] and not frozen[k - 1]:
            before[k] = BEFORE[visible[k]]
    for m in _AFTER_OPEN_RE.finditer(visible):
        if m.end() < len(visible) and visible[m.end()] in BEFORE:
            continue  # "« :": the mark's own space wins, so a second pass finds nothing to do
        replace_run(m.start(), m.end(), NNBSP)
    for m in _OPEN_NO_SPACE_RE.finditer(visible):
        if not frozen[m.start()]:
            after[m.start()] = NNBSP
    for m in _CLOSE_NO_SPACE_RE.finditer(visible):
        if not frozen[m.start()]:
            before[m.start()] = NNBSP
    for m in _NUMBER_WORD_RE.finditer(visible):
        if not frozen[m.start(1)] and m.start(1) not in new:
            replace_run(m.start(1), m.end(1), NBSP)
    for regex, char in ((_ABBREV_NUMBER_RE, NBSP), (_THOUSANDS_RE, NNBSP)):
        for m in regex.finditer(visible):
            if not frozen[m.start()] and m.start() not in new:
                replace_run(m.start(), m.end(), char)
    for m in _APOSTROPHE_RE.finditer(visible):
        if not frozen[m.start()]:
            new[m.start()] = APOSTROPHE
    if ordinals != "keep":
        _ordinals(text, edits, visible, frozen, html=html)
    return edits


_APOSTROPHE_RE = re.compile("'")


def _ordinals(text: _Text, edits: _Edits, visible: str, frozen: bytearray, *, html: bool) -> None:
    for m in ORDINAL_RE.finditer(visible):
        start, end = m.start(2), m.end(2)
        if frozen.find(1, m.start(), end) != -1:
            continue
        # Number and ending must touch in the source: "1<sup>er</sup>" is already set.
        if not text.touching(m.start(), end - 1):
            continue
        if html:
            edits.before[start] = edits.before.get(start, "") + "<sup>"
            edits.after[end - 1] = "</sup>" + edits.after.get(end - 1, "")
        else:
            for k in range(start, end):
                edits.new[k] = visible[k].translate(_SUPERSCRIPT)
