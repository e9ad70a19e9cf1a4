"""Writing clause overrides into charter.yml by hand, as a careful person would: the rest of the file
(its comments, order, quotes and blank lines) stays byte for byte.

An override is written as a block under ``overrides:`` (added at the end of the file when there is
none), with YAML comments above it saying who proposed it and what they wrote in the margin:

    overrides:
      # Proposé par Me Durand (Word, 2026-12-03), importé par charter review import.
      socle.respect:
        text: |-
          Restez courtois avec vos collègues, vos clients et le public.

An existing override of the same clause is replaced whole (its comments above it too). The caller
reloads the profile afterwards: a file that no longer loads is put back as it was.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_TOP_KEY = re.compile(r"^(?P<key>[A-Za-z_][\w-]*)\s*:(?P<rest>.*)$")
#: Characters YAML reads as line breaks inside a block scalar: never written raw.
_LINE_BREAKS = re.compile(r"[\r\u0085\u2028\u2029]")


@dataclass(frozen=True)
class OverrideEntry:
    """One override to write: the clause, its new text and/or title, and the comment lines above it."""

    clause_id: str
    text: str | None = None
    title: str | None = None
    notes: Sequence[str] = ()


def write_overrides(source: str, entries: Sequence[OverrideEntry]) -> str:
    """``source`` (charter.yml's text) with every entry written under ``overrides:``."""
    lines = source.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    start, end, indent = _overrides_block(lines)
    if start is None:
        block = ["\n", "overrides:\n"] + [line for e in entries for line in _entry(e, "  ")]
        return "".join(lines + block)
    body = lines[start + 1:end]
    for entry in entries:
        body = _replace(body, entry, indent or "  ")
    return "".join(lines[:start] + ["overrides:\n"] + body + lines[end:])


def _overrides_block(lines: list[str]) -> tuple[int | None, int, str]:
    """Where the top-level ``overrides:`` mapping is: its line, the line after its block, its indent.

    A flow mapping (``overrides: {…}``) or an empty one is turned into a block: its line is
    returned with an empty block, and its entries are rewritten by the caller when they are ours."""
    for i, line in enumerate(lines):
        m = _TOP_KEY.match(line)
        if not m or m.group("key") != "overrides":
            continue
        rest = m.group("rest").split("#", 1)[0].strip()
        if rest not in ("", "{}", "null", "~"):
            raise ValueError("overrides is written on one line ({…}): rewrite it as a block, one clause per line")
        end = i + 1
        indent = ""
        while end < len(lines) and (not lines[end].strip() or lines[end][:1] in " \t#"):
            if lines[end].strip() and not indent and not lines[end].lstrip().startswith("#"):
                indent = lines[end][: len(lines[end]) - len(lines[end].lstrip())]
            end += 1
        while end > i + 1 and not lines[end - 1].strip():
            end -= 1  # blank lines after the block stay where they are
        return i, end, indent
    return None, len(lines), ""


def _replace(body: list[str], entry: OverrideEntry, indent: str) -> list[str]:
    """The block's lines with ``entry`` in place of the clause's existing override, or appended."""
    key = re.compile(rf"^{re.escape(indent)}{re.escape(entry.clause_id)}\s*:")
    for i, line in enumerate(body):
        if not key.match(line):
            continue
        first = i
        while first > 0 and body[first - 1].startswith(indent + "#"):
            first -= 1  # the comments that belong to it
        end = i + 1
        while end < len(body) and (not body[end].strip() or len(body[end]) - len(body[end].lstrip()) > len(indent)):
            end += 1
        while end > i + 1 and not body[end - 1].strip():
            end -= 1
        return body[:first] + _entry(entry, indent) + body[end:]
    return body + _entry(entry, indent)


def _entry(entry: OverrideEntry, indent: str) -> list[str]:
    """The lines of one override: comments, the clause key, title and text as literal blocks."""
    inner = indent + "  "
    out = [f"{indent}# {_one_line(note)}\n" for note in entry.notes]
    out.append(f"{indent}{entry.clause_id}:\n")
    if entry.title is not None:
        out += _literal("title", entry.title, inner)
    if entry.text is not None:
        out += _literal("text", entry.text, inner)
    return out


def _literal(key: str, value: str, indent: str) -> list[str]:
    """``key: |-`` and the value's lines, indented (a value starting with a space gets an indicator)."""
    value = _LINE_BREAKS.sub("\n", value).strip("\n")
    head = f"{indent}{key}: |2-\n" if value[:1] in (" ", "\t") else f"{indent}{key}: |-\n"
    return [head] + [f"{indent}  {line}\n" if line else "\n" for line in value.split("\n")]


def _one_line(text: str) -> str:
    """A comment on one line (line breaks become spaces)."""
    return " ".join(_LINE_BREAKS.sub(" ", text).split())
