"""Presentation changes: contacts, logo, colour and site address, which change no rule.

A release that changes only them is editorial, never "no change": every report lists them in a
"Présentation" section. A clause whose words changed only because a contact it prints changed is
editorial too (issue 13: substance is judged on what the employee is asked to do).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from charter_kit.diff.changes import DELETE, INSERT, Cause, ClauseChange, PresentationChange
from charter_kit.diff.words import words_of
from charter_kit.model.charter import Charter


def presentation_changes(a: Charter, b: Charter) -> Iterator[PresentationChange]:
    """Contacts, logo, colour and site address that differ, in that order."""
    for role in sorted(set(a.contacts) | set(b.contacts)):
        if a.contacts.get(role) != b.contacts.get(role):
            yield PresentationChange("contact", role, a.contacts.get(role), b.contacts.get(role))
    old_logo, new_logo = a.branding.get("logo"), b.branding.get("logo")
    if _logo_key(old_logo) != _logo_key(new_logo):
        yield PresentationChange("logo", None, _logo_name(old_logo), _logo_name(new_logo))
    if a.branding.get("primary_color") != b.branding.get("primary_color"):
        yield PresentationChange("primary_color", None, a.branding.get("primary_color"),
                                 b.branding.get("primary_color"))
    if a.site.get("url") != b.site.get("url"):
        yield PresentationChange("site_url", None, a.site.get("url"), b.site.get("url"))


def _logo_key(logo: Any) -> str | None:
    """What identifies a logo: its bytes (a renamed file with the same image is the same logo)."""
    if not isinstance(logo, dict):
        return None
    return hashlib.sha256(str(logo.get("data", "")).encode("ascii", "replace")).hexdigest()


def _logo_name(logo: Any) -> str | None:
    return logo.get("name") if isinstance(logo, dict) else None


def contacts_only(change: ClauseChange, causes: Sequence[Cause], value_words: Callable[[Any], set[str] | None]) -> bool:
    """True when a clause's words changed only where a contact it prints changed: every deleted word
    was in an old contact value and every inserted word is in a new one."""
    if change.status != "changed" or not causes or any(c.kind != "contact" for c in causes):
        return False
    ops = (*change.title_ops, *change.text_ops)
    deleted = words_of(" ".join(t for op, t in ops if op == DELETE))
    inserted = words_of(" ".join(t for op, t in ops if op == INSERT))
    old = set().union(*(value_words(c.old) or set() for c in causes))
    new = set().union(*(value_words(c.new) or set() for c in causes))
    return deleted <= old and inserted <= new
