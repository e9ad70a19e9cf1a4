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
from collections.abc import Sequence
from dataclasses import dataclass

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
    atoms: list[_Atom] = []
    ends: list[int] = []
    for run in runs:
        atoms.extend(_Atom(ch, ch) for ch in run)
        ends.append(len(atoms))
        atoms.append(_Atom("", ""))  # the boundary
    _apply(atoms, html=False, ordinals=ordinals)
    out, start = [], 0
    for end in ends:
        out.append("".join(a.output() for a in atoms[start:end]))
        start = end + 1
    return out


def typography_html(fragment: str) -> str:
    """An HTML page or fragment with its text nodes set the French way (tags and attributes untouched)."""
    atoms = _html_atoms(fragment)
    _apply(atoms, html=True, ordinals="sup")
    return "".join(a.output() for a in atoms)


# -- atoms --------------------------------------------------------------------------------------
@dataclass
class _Atom:
    """A piece of the source: ``visible`` is what the rules see ("" for markup taking no room)."""

    source: str
    visible: str
    fixed: bool = False
    new: str | None = None
    before: str = ""
    after: str = ""

    def output(self) -> str:
        """The source, or its replacement, with what was inserted around it."""
        body = self.source if self.new is None else self.new
        return self.before + body + self.after


_INLINE_TAGS = frozenset("a abbr b bdi bdo cite data dfn em i ins del mark q s small span strong sub sup "
                         "time u var wbr font label".split())
_RAW_TAGS = frozenset("script style pre code kbd samp textarea svg math template title".split())
_TOKEN_RE = re.compile(
    r"<!--.*?(?:-->|\Z)|<!\[CDATA\[.*?(?:\]\]>|\Z)|<![^>]*>|<\?[^>]*>"
    r"|</?([A-Za-z][^\s/>]*)(?:\s+[^\s\"'>/=]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'>]+))?)*\s*/?>",
    re.S)
_ENTITY_RE = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def _html_atoms(source: str) -> list[_Atom]:
    atoms: list[_Atom] = []
    pos = 0
    while pos < len(source):
        m = _TOKEN_RE.search(source, pos)
        end = m.start() if m else len(source)
        _text_atoms(source[pos:end], atoms)
        if not m:
            break
        name = (m.group(1) or "").lower()
        token = m.group()
        if name in _RAW_TAGS and not token.startswith("</") and not token.endswith("/>"):
            close = re.compile(r"</%s\s*>" % re.escape(name), re.I).search(source, m.end())
            stop = close.end() if close else len(source)
            # Code inside a sentence reads as a word; a block of code or a script ends the text.
            block = name in ("script", "style", "pre", "textarea", "template", "title")
            atoms.append(_Atom(source[m.start():stop], _BREAK if block else _OPAQUE, fixed=True))
            pos = stop
            continue
        inline = name in _INLINE_TAGS and not token.startswith("<!")
        atoms.append(_Atom(token, "" if inline or token.startswith("<!--") else _BREAK, fixed=True))
        pos = m.end()
    return atoms


def _text_atoms(text: str, atoms: list[_Atom]) -> None:
    pos = 0
    for m in _ENTITY_RE.finditer(text):
        atoms.extend(_Atom(ch, ch) for ch in text[pos:m.start()])
        char = _html.unescape(m.group())
        atoms.append(_Atom(m.group(), char) if len(char) == 1 else _Atom(m.group(), _OPAQUE, fixed=True))
        pos = m.end()
    atoms.extend(_Atom(ch, ch) for ch in text[pos:])


# -- the rules ----------------------------------------------------------------------------------
def _apply(atoms: list[_Atom], *, html: bool, ordinals: str) -> None:
    index = [i for i, a in enumerate(atoms) if a.visible]
    visible = "".join(atoms[i].visible for i in index)
    frozen = [atoms[i].fixed for i in index]
    for m in _PROTECTED_RE.finditer(visible):
        for k in range(m.start(), m.end()):
            frozen[k] = True

    def free(k: int) -> bool:
        return not frozen[k]

    def replace_run(start: int, end: int, char: str) -> None:
        if end - start == 1 and visible[start] == char:
            return
        if not all(free(k) for k in range(start, end)):
            return
        atoms[index[start]].new = char
        for k in range(start + 1, end):
            atoms[index[k]].new = ""

    for m in _RUN_BEFORE_RE.finditer(visible):
        replace_run(m.start(), m.end(), BEFORE[visible[m.end()]])
    for m in _MISSING_BEFORE_RE.finditer(visible):
        k = m.start(1) if m.group(1) else m.start(2)
        if free(k) and free(k - 1):
            atoms[index[k]].before = BEFORE[visible[k]]
    for m in _AFTER_OPEN_RE.finditer(visible):
        if m.end() < len(visible) and visible[m.end()] in BEFORE:
            continue  # "« :": the mark's own space wins, so a second pass finds nothing to do
        replace_run(m.start(), m.end(), NNBSP)
    for m in _OPEN_NO_SPACE_RE.finditer(visible):
        if free(m.start()):
            atoms[index[m.start()]].after = NNBSP
    for m in _CLOSE_NO_SPACE_RE.finditer(visible):
        if free(m.start()):
            atoms[index[m.start()]].before = NNBSP
    for m in _NUMBER_WORD_RE.finditer(visible):
        if free(m.start(1)) and atoms[index[m.start(1)]].new is None:
            replace_run(m.start(1), m.end(1), NBSP)
    for regex, char in ((_ABBREV_NUMBER_RE, NBSP), (_THOUSANDS_RE, NNBSP)):
        for m in regex.finditer(visible):
            if free(m.start()) and atoms[index[m.start()]].new is None:
                replace_run(m.start(), m.end(), char)
    for k, ch in enumerate(visible):
        if ch == "'" and free(k):
            atoms[index[k]].new = APOSTROPHE
    if ordinals != "keep":
        _ordinals(atoms, index, visible, frozen, html=html)


def _ordinals(atoms: list[_Atom], index: list[int], visible: str, frozen: list[bool], *, html: bool) -> None:
    for m in ORDINAL_RE.finditer(visible):
        start, end = m.start(2), m.end(2)
        if any(frozen[k] for k in range(m.start(), end)):
            continue
        # Number and ending must touch in the source: "1<sup>er</sup>" is already set.
        if index[end - 1] - index[m.start()] != end - 1 - m.start():
            continue
        if html:
            atoms[index[start]].before += "<sup>"
            atoms[index[end - 1]].after = "</sup>" + atoms[index[end - 1]].after
        else:
            for k in range(start, end):
                atoms[index[k]].new = visible[k].translate(_SUPERSCRIPT)
