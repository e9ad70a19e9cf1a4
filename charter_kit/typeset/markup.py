"""Clause Markdown → a document tree of plain data that the Typst templates turn into content.

Why data and not Typst markup: a Typst template receives this tree as JSON (``json(bytes(...))``)
and builds content with functions (``strong(..)``, ``list(..)``, ``link(..)``). Every piece of
text stays a Typst *string* value, and Typst never parses a string as markup or code unless it
is handed to ``eval``, which no template of charter-kit calls (a test pins this). So ``#read``,
``#import``, ``$``, ``@``, ``<label>``, ``*``, backslashes… in a profile value or a module print
as themselves, by construction rather than by an escaping table that could miss a character.

The Markdown is parsed by markdown-it-py (CommonMark, tables, raw HTML off, so HTML prints as
text), never by regular expressions. Links keep only http(s), mailto and tel addresses and
in-document targets the caller knows; anything else prints as its text.

Nodes (JSON-ready dicts): blocks ``par``, ``heading``, ``list``, ``quote``, ``table``, ``code``,
``rule``; inlines are strings or ``strong``, ``emph``, ``code``, ``link``, ``ref``, ``br``.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from markdown_it.token import Token

Node = dict[str, Any]
Inline = str | Node

#: Address schemes a link may keep; any other link prints as its text.
LINK_SCHEMES = ("http", "https", "mailto", "tel")
#: Prefix of a cross-reference to a clause in module text: ``[article 2.1](clause:confidentialite.perimetre)``.
CLAUSE_SCHEME = "clause:"
#: A run longer than this with no break opportunity gets invisible break points (see ``breakable``).
LONG_RUN = 30
_ZWSP = "\u200b"
# Typst breaks lines at spaces, hyphens, dashes and slashes; a longer run would overflow the page.
_UNBREAKABLE = re.compile(r"[^ \t\n/\-\u2010-\u2015]{%d,}" % (LONG_RUN + 1))
_BEFORE_COLON = re.compile(r" (?=[:»])")
_BEFORE_PUNCT = re.compile(r" (?=[;!?])")
_AFTER_GUILLEMET = re.compile(r"(?<=«) ")
# Characters with no glyph and no meaning in a document (C0/C1 controls, unassigned, surrogates).
_INVISIBLE = {"Cc", "Cn", "Cs"}


@functools.cache
def _parser() -> Any:
    """The CommonMark parser with tables (imported on first use: a site-only build never needs it)."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")


def blocks(markdown: str, anchors: Collection[str] = ()) -> list[Node]:
    """The block nodes of clause Markdown; ``anchors`` are the in-document targets links may reach."""
    tokens = _parser().parse(markdown)
    nodes, _ = _blocks(tokens, 0, anchors)
    return nodes


def inlines(markdown: str, anchors: Collection[str] = ()) -> list[Inline]:
    """The inline nodes of a one-line Markdown title (no paragraph around it)."""
    tokens = _parser().parseInline(" ".join(markdown.split()))
    return _inlines(tokens[0].children or [], anchors) if tokens else []


def text(value: Any) -> str:
    """A plain value (company name, reference, date…) as the text a Typst template prints."""
    return breakable(french_spacing(clean(str(value))))


def french_spacing(value: str) -> str:
    """The spaces of French typography made unbreakable, so ":" or "»" never starts a line:
    a no-break space before ":" and inside « », a narrow one before ";", "!" and "?"."""
    value = _BEFORE_COLON.sub("\u00a0", value)
    value = _BEFORE_PUNCT.sub("\u202f", value)
    return _AFTER_GUILLEMET.sub("\u00a0", value)


def clean(value: str) -> str:
    """The text without control or unassigned characters (tabs and line breaks become spaces)."""
    value = re.sub(r"[\t\n\r\f\v\u2028\u2029]", " ", value)
    return "".join(ch for ch in value if unicodedata.category(ch) not in _INVISIBLE)


def breakable(value: str) -> str:
    """``value`` with an invisible break point (zero-width space) every ``LONG_RUN`` characters of
    any run Typst could not break, so a 500-letter word wraps instead of leaving the page."""
    def cut(m: re.Match[str]) -> str:
        run, out, since = m.group(), [], 0
        for ch in run:
            # Never between a letter and its accent: only before a base character.
            if since >= LONG_RUN and not unicodedata.combining(ch):
                out.append(_ZWSP)
                since = 0
            out.append(ch)
            since += 1
        return "".join(out)
    return _UNBREAKABLE.sub(cut, value)


_BLOCK_TYPES = {"par", "heading", "list", "quote", "table", "code", "rule"}


def plain(nodes: Iterable[Inline | Node]) -> str:
    """The text a reader sees in a node list, whitespace collapsed (``charter verify --pdf``, tests)."""
    out: list[str] = []
    for node in nodes:
        if isinstance(node, str):
            out.append(node)
        elif node["t"] == "br":
            out.append(" ")
        elif node["t"] in ("code", "rule"):
            out.append(node.get("text", ""))
        elif node["t"] == "list":
            out.append(" ".join(plain(item) for item in node["items"]))
        elif node["t"] == "table":
            out.append(" ".join(plain(cell) for row in [node["head"], *node["rows"]] for cell in row))
        else:
            out.append(plain(node["c"]))
        if isinstance(node, dict) and node["t"] in _BLOCK_TYPES:
            out.append(" ")
    return " ".join("".join(out).replace(_ZWSP, "").split())



# -- blocks -------------------------------------------------------------------------------------
def _blocks(tokens: list[Token], i: int, anchors: Collection[str], close: str | None = None) -> tuple[list[Node], int]:
    """Block nodes from ``tokens[i]`` up to the token of type ``close`` (returned index is after it)."""
    out: list[Node] = []
    while i < len(tokens):
        tok = tokens[i]
        if tok.type == close:
            return out, i + 1
        if tok.type == "paragraph_open":
            out.append({"t": "par", "c": _inlines(tokens[i + 1].children or [], anchors)})
            i += 3
        elif tok.type == "heading_open":
            out.append({"t": "heading", "level": int(tok.tag[1]),
                        "c": _inlines(tokens[i + 1].children or [], anchors)})
            i += 3
        elif tok.type in ("bullet_list_open", "ordered_list_open"):
            node, i = _list(tokens, i, anchors)
            out.append(node)
        elif tok.type == "blockquote_open":
            inner, i = _blocks(tokens, i + 1, anchors, "blockquote_close")
            out.append({"t": "quote", "c": inner})
        elif tok.type == "table_open":
            node, i = _table(tokens, i + 1, anchors)
            out.append(node)
        elif tok.type in ("fence", "code_block"):
            out.append({"t": "code", "text": breakable(clean_lines(tok.content))})
            i += 1
        elif tok.type == "hr":
            out.append({"t": "rule"})
            i += 1
        elif tok.type == "html_block":  # only with raw HTML enabled; then still text
            out.append({"t": "par", "c": [text(tok.content)]})
            i += 1
        else:
            i += 1
    return out, i


def clean_lines(value: str) -> str:
    """Code text: line breaks kept, other invisible characters removed."""
    return "\n".join(clean(line) for line in value.rstrip("\n").split("\n"))


def _list(tokens: list[Token], i: int, anchors: Collection[str]) -> tuple[Node, int]:
    opening = tokens[i]
    ordered = opening.type == "ordered_list_open"
    close = "ordered_list_close" if ordered else "bullet_list_close"
    items: list[list[Node]] = []
    tight = True
    i += 1
    while tokens[i].type != close:
        if tokens[i].type == "list_item_open":
            # markdown-it hides the paragraphs of a tight list; a loose one shows them.
            j = i + 1
            if tokens[j].type == "paragraph_open" and not tokens[j].hidden:
                tight = False
            item, i = _blocks(tokens, i + 1, anchors, "list_item_close")
            items.append(item)
        else:
            i += 1
    start = int(opening.attrs.get("start", 1)) if ordered else 1
    return {"t": "list", "ordered": ordered, "start": start, "tight": tight, "items": items}, i + 1


def _table(tokens: list[Token], i: int, anchors: Collection[str]) -> tuple[Node, int]:
    head: list[list[Inline]] = []
    rows: list[list[list[Inline]]] = []
    align: list[str] = []
    row: list[list[Inline]] | None = None
    in_head = False
    while tokens[i].type != "table_close":
        tok = tokens[i]
        if tok.type == "thead_open":
            in_head = True
        elif tok.type == "thead_close":
            in_head = False
        elif tok.type == "tr_open":
            row = []
        elif tok.type == "tr_close" and row is not None:
            if in_head:
                head = row
            else:
                rows.append(row)
        elif tok.type in ("th_open", "td_open") and row is not None:
            if in_head:
                style = str(tok.attrs.get("style", ""))
                align.append(style.split(":", 1)[1] if ":" in style else "left")
            row.append(_inlines(tokens[i + 1].children or [], anchors))
        i += 1
    width = len(head)
    rows = [(r + [[]] * width)[:width] for r in rows]  # a short or long row keeps the grid
    return {"t": "table", "align": align, "head": head, "rows": rows}, i + 1


# -- inlines ------------------------------------------------------------------------------------
def _inlines(tokens: list[Token], anchors: Collection[str]) -> list[Inline]:
    out, _ = _inline_run(tokens, 0, anchors, None)
    return out


def _inline_run(tokens: list[Token], i: int, anchors: Collection[str], close: str | None) -> tuple[list[Inline], int]:
    out: list[Inline] = []
    while i < len(tokens):
        tok = tokens[i]
        if tok.type == close:
            return _merge(out), i + 1
        if tok.type in ("text", "html_inline"):
            out.append(tok.content)
        elif tok.type == "softbreak":
            out.append(" ")
        elif tok.type == "hardbreak":
            out.append({"t": "br"})
        elif tok.type == "code_inline":
            out.append({"t": "code", "text": breakable(clean(tok.content))})
        elif tok.type in ("strong_open", "em_open"):
            inner, i = _inline_run(tokens, i + 1, anchors, tok.type.replace("_open", "_close"))
            out.append({"t": "strong" if tok.type == "strong_open" else "emph", "c": inner})
            continue
        elif tok.type == "link_open":
            inner, i = _inline_run(tokens, i + 1, anchors, "link_close")
            out.extend(_link(str(tok.attrs.get("href", "")), inner, anchors))
            continue
        elif tok.type == "image":  # never fetched: the PDF prints the image's description
            out.extend(_inlines(tok.children or [], anchors))
        i += 1
    return _merge(out), i


def _link(href: str, inner: list[Inline], anchors: Collection[str]) -> list[Inline]:
    """A link node when its target is allowed, else its text alone."""
    if href.startswith(CLAUSE_SCHEME) or href.startswith("#"):
        target = href[len(CLAUSE_SCHEME):] if href.startswith(CLAUSE_SCHEME) else href[1:]
        return [{"t": "ref", "to": target, "c": inner}] if target in anchors else inner
    try:
        scheme = urlsplit(href).scheme.lower()
    except ValueError:
        return inner
    if scheme in LINK_SCHEMES and all(ch.isprintable() and not ch.isspace() for ch in href):
        return [{"t": "link", "url": href, "c": inner}]
    return inner


def _merge(nodes: list[Inline]) -> list[Inline]:
    """Adjacent strings joined into one text run (see ``text``)."""
    out: list[Inline] = []
    buffer: list[str] = []
    for node in nodes:
        if isinstance(node, str):
            buffer.append(node)
            continue
        if buffer:
            out.append(text("".join(buffer)))
            buffer = []
        out.append(node)
    if buffer:
        out.append(text("".join(buffer)))
    return [n for n in out if n != ""]
