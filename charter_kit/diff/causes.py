"""Causes: why an article or a clause changed, as far as the two charters tell.

Module-level causes come from what each article carries (module version and changelog, origin,
variables, options, cited contacts) and from the charters' overrides and contacts. A clause
change gets every cause that can explain it: its own override first; then, for text that comes
from the module on both sides, the module's upstream update, library/local replacement and
option changes (options act through conditions, invisible in the text), and the variables and
contacts whose old or new value shows in the deleted or inserted words. When those values
account for every changed word, they alone are kept. A change nothing explains is reported as
"module text edited without a version change" (``module-edited``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from charter_kit.diff.changes import DELETE, INSERT, Cause, ClauseChange, ClausePlace, changed, new_text, old_text
from charter_kit.diff.words import ref_number, without_ref_numbers, words_of
from charter_kit.locales import get as get_locale
from charter_kit.model.charter import Article, ChangelogEntry, Charter
from charter_kit.model.semver import Version
from charter_kit.model.vocabulary import CLAUSE_LINK_RE

#: Charter settings that module templates can print; a change explains the clauses that print them.
CHARTER_SETTINGS = ("effective_date", "version", "status", "jurisdiction", "title")
#: Settings that change with every release: charters released before issue 13 printed them, so they may
#: still explain an old change they visibly account for, but never a change they do not show.
STAMP_SETTINGS = ("effective_date", "version")
_ISO_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


# -- module-level causes ---------------------------------------------------------------------------
def module_causes(a: Charter, b: Charter) -> Iterator[Cause]:
    """Module-level causes: modules added, removed, updated; settings, contacts, overrides."""
    old_ids = {x.id for x in a.articles}
    for new in b.articles:
        old = a.article(new.id)
        if old is None:
            yield Cause("module-added", new.id, new=new.module_version)
        else:
            yield from _settings_causes(old, new)
    for old in a.articles:
        if b.article(old.id) is None:
            yield Cause("module-removed", old.id, old=old.module_version)
    for role in sorted(set(a.contacts) | set(b.contacts)):
        if a.contacts.get(role) != b.contacts.get(role):
            yield Cause("contact", None, role, a.contacts.get(role), b.contacts.get(role))
    for cid in sorted(set(a.overrides) | set(b.overrides)):
        old_ov, new_ov = a.overrides.get(cid), b.overrides.get(cid)
        if old_ov != new_ov:
            kind = ("override-added" if old_ov is None else "override-removed" if new_ov is None
                    else "override-changed")
            module = cid.split(".", 1)[0]
            if module in old_ids or b.article(module) is not None:
                yield Cause(kind, module, cid, old_ov, new_ov)


def charter_causes(a: Charter, b: Charter) -> Iterator[Cause]:
    """Charter-level settings that differ and that module templates can print."""
    for name in CHARTER_SETTINGS:
        if getattr(a, name) != getattr(b, name):
            yield Cause("charter", None, name, getattr(a, name), getattr(b, name))
    for key in ("name", "legal_name"):
        if a.company.get(key) != b.company.get(key):
            yield Cause("charter", None, f"company.{key}", a.company.get(key), b.company.get(key))


def _settings_causes(old: Article, new: Article) -> Iterator[Cause]:
    """Causes found by comparing one module's provenance and settings in both versions."""
    if old.origin != new.origin:
        yield Cause("module-replaced", new.id, old=old.origin, new=new.origin)
    if old.module_version != new.module_version:
        yield Cause("module-updated", new.id, old=old.module_version, new=new.module_version,
                    notes=_notes_between(old, new))
    for kind, before, after in (("variable", old.variables, new.variables), ("option", old.options, new.options)):
        for name in sorted(set(before) | set(after)):
            if before.get(name) != after.get(name):
                yield Cause(kind, new.id, name, before.get(name), after.get(name))


def _notes_between(old: Article, new: Article) -> tuple[ChangelogEntry, ...]:
    """Changelog entries of the versions in (old, new], or (new, old] when going back."""
    try:
        lo, hi = sorted((Version.parse(old.module_version), Version.parse(new.module_version)))
        entries = {e.version: e for e in (*old.changelog, *new.changelog)}
        picked = [e for v, e in entries.items() if _parses(v) and lo < Version.parse(v) <= hi]
        return tuple(sorted(picked, key=lambda e: Version.parse(e.version)))
    except ValueError:
        known = {e.version for e in old.changelog}
        return tuple(e for e in new.changelog if e.version not in known)


def _parses(text: str) -> bool:
    """True when ``text`` is a semantic version."""
    try:
        Version.parse(text)
    except ValueError:
        return False
    return True


def touches_article(cause: Cause, old: Article | None, new: Article | None) -> bool:
    """True when a module-level cause concerns this article."""
    module = (new or old).id
    if cause.kind == "contact":
        cited = set(old.contacts if old else ()) | set(new.contacts if new else ())
        return cause.subject in cited
    return cause.module == module


# -- clause causes ---------------------------------------------------------------------------------
def clause_causes(change: ClauseChange, old: ClausePlace | None, new: ClausePlace | None,
                  a: Charter, b: Charter, causes: tuple[Cause, ...]) -> Iterator[Cause]:
    """Every cause that can explain this clause's change, most specific first."""
    module = (new or old).article.id
    own = [c for c in causes if c.kind.startswith("override-") and c.subject == change.id]
    yield from own
    if change.status != "changed" and any(_is_removal(c) for c in own):
        return
    if change.status == "added" and old is None and a.article(module) is None:
        yield from (c for c in causes if c.kind == "module-added" and c.module == module)
        return
    if change.status == "removed" and new is None and b.article(module) is None:
        yield from (c for c in causes if c.kind == "module-removed" and c.module == module)
        return
    refs = list(_renumbered_refs(change))
    yield from refs
    if change.status == "changed" and not change.modified:
        if change.moved:
            yield from (c for c in causes if c.module == module and c.kind in ("module-updated", "module-replaced"))
        return
    if refs and _only_refs_changed(change):
        return
    if not _module_text_involved(change, a, b):
        return
    yield from _module_text_causes(change, old, new, causes, module, get_locale(b.language).date)


def _is_removal(cause: Cause) -> bool:
    """True when an override cause is about removing the clause."""
    return any(isinstance(v, dict) and v.get("remove") for v in (cause.old, cause.new))


def _ref_numbers(text: str) -> dict[str, str]:
    """{target clause id: the article number its cross-reference prints}."""
    out = {}
    for m in CLAUSE_LINK_RE.finditer(text):
        number = ref_number(m.group(1))
        if number is not None:
            out[m.group(2)] = number
    return out


def _renumbered_refs(change: ClauseChange) -> Iterator[Cause]:
    """Causes for cross-references whose target number changed."""
    if change.status != "changed":
        return
    before = _ref_numbers(old_text(change.text_ops) + "\n" + old_text(change.title_ops))
    after = _ref_numbers(new_text(change.text_ops) + "\n" + new_text(change.title_ops))
    for target in sorted(set(before) & set(after)):
        if before[target] != after[target]:
            yield Cause("reference-renumbered", target.split(".", 1)[0], target, before[target], after[target])


def _only_refs_changed(change: ClauseChange) -> bool:
    """True when only cross-reference numbers changed in a clause."""
    return all(without_ref_numbers(old_text(ops)) == without_ref_numbers(new_text(ops))
               for ops in (change.title_ops, change.text_ops))


def _module_text_involved(change: ClauseChange, a: Charter, b: Charter) -> bool:
    """True when a changed part (title or text) comes from the module on both sides.

    A part replaced by an override on either side is explained by that override alone.
    """
    if change.status != "changed":
        return True
    ov_a, ov_b = a.overrides.get(change.id) or {}, b.overrides.get(change.id) or {}
    parts = (("text", change.text_ops), ("title", change.title_ops))
    return any(changed(ops) and not (ov_a.get(key) or ov_b.get(key)) for key, ops in parts)


def _module_text_causes(change: ClauseChange, old: ClausePlace | None, new: ClausePlace | None,
                        causes: tuple[Cause, ...], module: str, date: Callable[[str], str]) -> Iterator[Cause]:
    """The module's causes that can explain a change of module text (``date`` prints an ISO date)."""
    cited = set(old.article.contacts if old else ()) | set(new.article.contacts if new else ())
    general = [c for c in causes if c.module == module and c.kind in ("module-updated", "module-replaced", "option")]
    valued = [c for c in causes if (c.module == module and c.kind == "variable")
              or (c.kind == "contact" and c.subject in cited) or c.kind == "charter"]
    ops = (*change.title_ops, *change.text_ops)
    deleted = words_of(" ".join(t for op, t in ops if op == DELETE))
    inserted = words_of(" ".join(t for op, t in ops if op == INSERT))
    shown = [c for c in valued if _evident(c, deleted, inserted, date)]
    if shown and _explained(shown, deleted, inserted, date):
        yield from shown  # the new values account for every changed word
        return
    # A value that cannot be seen in the text (a bool, a value used in a condition) may still be why;
    # never a release stamp (version, dates), which module text can no longer print (issue 13).
    if not shown and not general:
        shown = [c for c in valued if not (c.kind == "charter" and c.subject in STAMP_SETTINGS)]
    yield from general
    yield from shown
    if not general and not shown:
        yield Cause("module-edited", module, new=(new or old).article.module_version)


def _explained(causes: list[Cause], deleted: set[str], inserted: set[str], date: Callable[[str], str]) -> bool:
    """True when every deleted word was in an old value and every inserted word is in a new one."""
    old = set().union(*(_value_words(c.old, date) or set() for c in causes))
    new = set().union(*(_value_words(c.new, date) or set() for c in causes))
    return deleted <= old and inserted <= new


def _evident(cause: Cause, deleted: set[str], inserted: set[str], date: Callable[[str], str]) -> bool:
    """True when the old value's words left the text or the new value's words arrived in it."""
    old, new = _value_words(cause.old, date), _value_words(cause.new, date)
    if old is None or new is None:
        return isinstance(cause.old, bool) or isinstance(cause.new, bool)
    return bool((old - new) & deleted or (new - old) & inserted)


def value_words_of(value: Any, date: Callable[[str], str]) -> set[str] | None:
    """The words a profile value prints as (None for a bool); dates as ``date`` prints them."""
    return _value_words(value, date)


def _value_words(value: Any, date: Callable[[str], str]) -> set[str] | None:
    """The words a value prints as (None for a bool, which prints nothing); dates as ``date`` prints them."""
    if isinstance(value, bool):
        return None
    if value is None:
        return set()
    if isinstance(value, dict):
        return set().union(*(_value_words(v, date) or set() for v in value.values())) if value else set()
    if isinstance(value, (list, tuple)):
        return set().union(*(_value_words(v, date) or set() for v in value)) if value else set()
    text = str(value)
    words = words_of(text)
    if _ISO_DATE_RE.fullmatch(text):
        words |= words_of(_printed_date(text, date))
    return words


def _printed_date(iso: str, date: Callable[[str], str]) -> str:
    """An ISO date as the templates print it, or as it is when it is not a real date."""
    try:
        return date(iso)
    except ValueError:
        return iso
