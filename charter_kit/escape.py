"""Markdown text helpers: profile values made inert, profile-written clauses sanitized."""

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
    # At the start of a line these would open a list or underline a heading.
    m = _LEADING.match(text)
    if m and m.group(1) == "=":
        text = "&#61;" + text[1:]
    elif m and m.group(1)[0].isdigit():
        text = m.group(1)[:-1] + "\\." + text[m.end():]
    elif m:
        text = "\\" + text
    return text


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
