"""The charter's canonical JSON as a file (``charter render --format json``): what releases freeze."""

from __future__ import annotations

from charter_kit.model.charter import Charter


def json_filename(charter: Charter) -> str:
    """``charter.json``, the name it has in every release."""
    return "charter.json"


def render_json(charter: Charter) -> bytes:
    """The canonical JSON, with a final newline for terminals and editors."""
    return (charter.to_json() + "\n").encode("utf-8")
