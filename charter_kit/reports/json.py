"""The diff as canonical JSON, with the sentence readers see beside each cause."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from charter_kit.diff.changes import Cause, CharterDiff
from charter_kit.model.charter import canonical
from charter_kit.reports.presentation import presentation_line
from charter_kit.reports.registry import ReportOptions
from charter_kit.reports.wording import describe


def write(d: CharterDiff, options: ReportOptions) -> str:
    """The registry's entry point."""
    return to_json(d)


def to_json(d: CharterDiff) -> str:
    """The diff as canonical JSON (sorted keys, no whitespace): same diff, same text."""
    return canonical(to_dict(d))


def to_dict(d: CharterDiff) -> dict[str, Any]:
    """The diff's JSON-ready form, each cause with its ``description``."""
    data = d.to_dict()
    _describe(data["causes"], d.causes)
    for item, change in zip(data["presentation"], d.presentation, strict=True):
        item["description"] = presentation_line(change)
    for key, changes in (("articles", d.articles), ("clauses", d.clauses)):
        for item, change in zip(data[key], changes, strict=True):
            _describe(item["causes"], change.causes)
    return data


def _describe(items: list[dict[str, Any]], causes: Sequence[Cause]) -> None:
    """Add the French sentence of each cause to its JSON form."""
    for item, cause in zip(items, causes, strict=True):
        item["description"] = describe(cause)
