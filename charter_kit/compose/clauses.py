"""The one scanner of clause headings: ``## Title {#id .nature audience=a,b}`` in module Markdown.

Used on a module's source (to list its clauses and check them) and on its rendered text (to split
it into clauses); lines inside fenced code blocks are never headings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from charter_kit.i18n import _
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
                problems.append(_("clause '{id}' declares two natures ({first} and {second})").format(
                    id=m.group("id"), first=f".{nature}", second=attr))
            nature = attr[1:]
            if nature not in NATURES:
                problems.append(_("unknown clause nature '{attr}': use {natures}").format(
                    attr=attr, natures=", ".join("." + n for n in NATURES)))
        elif attr.startswith("audience="):
            audience = tuple(a for a in attr.removeprefix("audience=").split(",") if a)
            unknown = [a for a in audience if a not in AUDIENCES]
            if unknown or not audience:
                problems.append(_("unknown audience {audience}: use {audiences}").format(
                    audience=", ".join(unknown) or _("(empty)"), audiences=", ".join(AUDIENCES)))
        else:
            problems.append(_("unknown clause attribute '{attr}': write '.regle', '.procedure' or "
                              "'.information', and optionally 'audience=…'").format(attr=attr))
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
    return None if ID_RE.match(key) else _("clause id '{key}' must use lowercase letters, digits and hyphens").format(
        key=key)


def rendered_problems(text: str, declared: dict[str, tuple[str | None, tuple[str, ...]]]) -> list[str]:
    """What is wrong with the clause headings of a module's *rendered* text, where a loop may have
    repeated a heading or an ``{% if false %}`` around a fence may have hidden one from the source
    check: each id once, well formed, declared by the source (``declared``: id -> (nature, audience))
    with the same nature and audience, and no '## ' heading without an id."""
    problems: list[str] = []
    seen: set[str] = set()
    for n, line, heading, is_heading in scan(text):
        if not is_heading:
            continue
        where = _("rendered line {n} ('{line}')").format(n=n, line=line.strip()[:60])
        if heading is None or not heading.title:
            problems.append(_("{where}: a '## ' heading without a title and a clause id appears once the "
                              "template is rendered").format(where=where))
            continue
        key = heading.key
        if key_problem(key) or heading.problems:
            problems.append(_("{where}: {problem}").format(where=where, problem=key_problem(key) or heading.problems[0]))
        elif key in seen:
            problems.append(_("{where}: clause id '{key}' appears twice once the template is rendered "
                              "(a heading inside a loop?)").format(where=where, key=key))
        elif key not in declared:
            problems.append(_("{where}: clause id '{key}' is not a heading of the module's source "
                              "(a template may not make up a clause)").format(where=where, key=key))
        elif (heading.nature, heading.audience) != declared[key]:
            problems.append(_("{where}: clause '{key}' is not declared with this nature and audience in the source")
                            .format(where=where, key=key))
        seen.add(key)
    return problems
