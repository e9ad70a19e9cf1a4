"""The one scanner of clause headings: ``## Title {#id .nature audience=a,b}`` in module Markdown.

Used on a module's source (to list its clauses and check them) and on its rendered text (to split
it into clauses); lines inside fenced code blocks are never headings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from charter_kit.model.vocabulary import AUDIENCES, ID_RE, NATURES

HEADING_RE = re.compile(r"^##(?!#)[ \t]*(?P<rest>.*?)[ \t]*$")
CLAUSE_RE = re.compile(r"^(?P<title>.*?)\s*\{#(?P<id>[^}\s]*)(?P<attrs>(?:\s+[^}\s]+)*)\s*\}$")
_FENCES = ("```", "~~~")


@dataclass(frozen=True)
class Heading:
    """A clause heading: its title, id, declared nature and audience, and what is wrong with it."""

    title: str
    key: str
    nature: str | None
    audience: tuple[str, ...]
    problems: tuple[str, ...] = ()


def parse_heading(rest: str) -> Heading | None:
    """The clause heading in the text after ``## ``; None when it carries no ``{#id}``."""
    m = CLAUSE_RE.match(rest)
    if not m:
        return None
    nature, audience, problems = None, (), []
    for attr in m.group("attrs").split():
        if attr.startswith("."):
            if nature is not None:
                problems.append(f"clause '{m.group('id')}' declares two natures (.{nature} and {attr})")
            nature = attr[1:]
            if nature not in NATURES:
                problems.append(f"unknown clause nature '{attr}': use " + ", ".join("." + n for n in NATURES))
        elif attr.startswith("audience="):
            audience = tuple(a for a in attr.removeprefix("audience=").split(",") if a)
            unknown = [a for a in audience if a not in AUDIENCES]
            if unknown or not audience:
                problems.append(f"unknown audience {', '.join(unknown) or '(empty)'}: use " + ", ".join(AUDIENCES))
        else:
            problems.append(f"unknown clause attribute '{attr}': write '.regle', '.procedure' or "
                            "'.information', and optionally 'audience=…'")
    return Heading(m.group("title").strip(), m.group("id"), nature, audience, tuple(problems))


def scan(text: str) -> Iterator[tuple[int, str, Heading | None, bool]]:
    """Each line of ``text``: (number from 1, line, its clause heading or None, True for a '## ' line)."""
    fence = False
    for n, line in enumerate(text.split("\n"), start=1):
        if line.lstrip().startswith(_FENCES):
            fence = not fence
        heading = None if fence else HEADING_RE.match(line)
        yield n, line, parse_heading(heading.group("rest")) if heading else None, bool(heading)


def key_problem(key: str) -> str | None:
    """Why a clause id is not valid, or None."""
    return None if ID_RE.match(key) else f"clause id '{key}' must use lowercase letters, digits and hyphens"
