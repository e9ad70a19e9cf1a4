"""Markdown text helpers: profile values made inert, profile-written clauses sanitized, module HTML as text."""

from __future__ import annotations

import re
from typing import Any

_INLINE = re.compile(r"([\\`*_{}\[\]()#|!])")
_LEADING = re.compile(r"^([-+=]|\d+\.)")


def md_escape(value: Any) -> str:
    """Make a profile value inert Markdown text: no HTML, no links, no block structure."""
    text = " ".join(str(value).split())  # one line: a newline could start a heading or a list
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _INLINE.sub(r"\\\1", text)
    # "~~~" opens a code fence and "~~a~~" strikes through in CommonMark readers (the PDF's), while
    # Python-Markdown (the site's) has no escape for "~": an entity reads as "~" in both.
    text = text.replace("~", "&#126;")
    # At the start of a line these would open a list or underline a heading.
    m = _LEADING.match(text)
    if m and m.group(1) == "=":
        text = "&#61;" + text[1:]
    elif m and m.group(1)[0].isdigit():
        text = m.group(1)[:-1] + "\\." + text[m.end():]
    elif m:
        text = "\\" + text
    return text


def md_text(value: Any) -> str:
    """Plain text in a Markdown report (notes, labels): no tag, entity or link can open, and ordinary
    prose reads unchanged in the raw file (md_escape's backslashes are for text set inside the site)."""
    text = re.sub(r"&(?=#?\w+;)", "&amp;", str(value)).replace("<", "&lt;")
    return re.sub(r"([\[\]])", r"\\\1", text)


def sanitize_markdown(text: str) -> str:
    """Profile-written clause text (overrides): paragraphs, lists and emphasis, but no HTML,
    links, attribute lists or headings, so it cannot leave its clause."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = re.sub(r"([\\{}\[\]`|])", r"\\\1", text)
    text = re.sub(r"(?m)^(\s*)#", r"\1\\#", text)
    text = re.sub(r"(?m)^(\s*)(=+|-{3,}|\*{3,}|_{3,})\s*$", lambda m: m.group(1) + "\\" + m.group(2), text)
    return normalize_block(text)


def normalize_block(text: str) -> str:
    """Trim trailing spaces and runs of blank lines, so whitespace never differs between builds."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


# Python-Markdown's own code span rule, kept to one line: a backtick run, then the same run.
_CODE_SPAN = re.compile(r"(?<!\\)(`+)(.+?)(?<!`)\1(?!`)")
# Autolinks Python-Markdown understands and whose address we keep: web pages and e-mail addresses.
_AUTOLINK = re.compile(r"<(?:https?://[^<>\s]+|(?:mailto:)?[^<>\s!@]+@[^@<>\s]+)>", re.I)


def inert_markdown(text: str) -> str:
    """Module Markdown whose raw HTML prints as text: ``<`` outside code spans and autolinks -> ``&lt;``."""
    return "\n".join(_inert_line(line) for line in text.split("\n"))


def _inert_line(line: str) -> str:
    """One line of module Markdown made inert (code spans are kept as they are)."""
    out, pos = [], 0
    for m in _CODE_SPAN.finditer(line):
        out += [_escape_text(line[pos:m.start()]), m.group(0)]  # a code span shows its text as is
        pos = m.end()
    out.append(_escape_text(line[pos:]))
    return "".join(out)


def _escape_text(text: str) -> str:
    """Text outside code spans: every ``<`` but those opening an autolink."""
    out, pos = [], 0
    for m in _AUTOLINK.finditer(text):
        out += [text[pos:m.start()].replace("<", "&lt;"), m.group(0)]
        pos = m.end()
    out.append(text[pos:].replace("<", "&lt;"))
    return "".join(out)
