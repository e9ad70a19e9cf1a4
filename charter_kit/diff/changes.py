"""The change model: what a CharterDiff holds (edit scripts, changes, causes, the two sides).

Pure data with no French: every sentence readers see is made by ``charter_kit.reports``. Whether a
change is editorial is decided by ``compare`` (see ``charter_kit.diff.words``) and stored on the change.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from charter_kit.model.charter import Article, ChangelogEntry, Clause

#: Version of the diff's JSON layout.
SCHEMA_VERSION = 1
EQUAL, INSERT, DELETE = "equal", "insert", "delete"
#: One step of an edit script: (EQUAL | INSERT | DELETE, text).
Op = tuple[str, str]

#: Release fields that change with every release: reported, but neither editorial nor substantive.
STAMP_FIELDS = ("version", "date", "effective_date")
#: Charter-level fields compared, in report order.
META_FIELDS = ("title", "status", "jurisdiction", "language", "company.name", "company.legal_name",
               "company.listed", "company.website", *STAMP_FIELDS)
#: Every kind of cause, in the order reports describe them.
CAUSE_KINDS = ("module-added", "module-removed", "module-updated", "module-replaced", "module-edited",
               "variable", "option", "contact", "override-added", "override-changed", "override-removed",
               "charter", "reference-renumbered")


# -- edit scripts ----------------------------------------------------------------------------------
def old_text(ops: Iterable[Op]) -> str:
    """The old text an edit script starts from."""
    return "".join(t for op, t in ops if op != INSERT)


def new_text(ops: Iterable[Op]) -> str:
    """The new text an edit script arrives at."""
    return "".join(t for op, t in ops if op != DELETE)


def changed(ops: Sequence[Op]) -> bool:
    """True when an edit script changes anything."""
    return any(op != EQUAL for op, _ in ops)


# -- the two sides ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReleaseInfo:
    """What the release store knows about one side of a diff (None everywhere for a draft)."""

    #: The release's version number.
    version: str | None
    #: The release date (ISO).
    date: str | None
    #: Who approved the release, in order.
    approvals: tuple[str, ...] = ()
    #: The release notes.
    notes: str | None = None


@dataclass(frozen=True)
class Side:
    """One of the two compared charters, as reports name it."""

    #: Its version number, None for the current draft.
    version: str | None
    #: Its release date (ISO), if any.
    date: str | None
    #: Its effective date (ISO), if any.
    effective_date: str | None
    #: The charter's digest (sha256 of its canonical JSON).
    digest: str
    #: Who approved it, in order.
    approvals: tuple[str, ...] = ()
    #: Its release notes.
    notes: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"version": self.version, "date": self.date, "effective_date": self.effective_date,
                "digest": self.digest, "approvals": list(self.approvals), "notes": self.notes}


# -- causes ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Cause:
    """Why something changed, as far as the two charters tell."""

    #: One of ``CAUSE_KINDS``.
    kind: str
    #: The module concerned (None for a contact or a charter setting).
    module: str | None = None
    #: The variable or option name, contact role, overridden clause id, charter setting or referenced clause.
    subject: str | None = None
    #: The value before (a module version, a profile value, an override…).
    old: Any = None
    #: The value after.
    new: Any = None
    #: The module's changelog entries between the two module versions.
    notes: tuple[ChangelogEntry, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (reports add the sentence readers see)."""
        return {"kind": self.kind, "module": self.module, "subject": self.subject,
                "old": _jsonable(self.old), "new": _jsonable(self.new),
                "notes": [{"version": e.version, "date": e.date, "note": e.note} for e in self.notes]}


def _jsonable(value: Any) -> Any:
    """A cause value with tuples as lists, ready for JSON."""
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


# -- changes ---------------------------------------------------------------------------------------
#: Presentation fields, in report order: a contact (by role), the logo, the brand colour, the site's address.
PRESENTATION_FIELDS = ("contact", "logo", "primary_color", "site_url")


@dataclass(frozen=True)
class PresentationChange:
    """A contact, the logo, the colour or the site address changed: presentation, never a rule."""

    #: One of ``PRESENTATION_FIELDS``.
    field: str
    #: The contact role for a contact, else None.
    subject: str | None
    #: The value before (a contact mapping, the logo's file name, a colour, an address).
    old: Any
    #: The value after.
    new: Any

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"field": self.field, "subject": self.subject, "old": _jsonable(self.old), "new": _jsonable(self.new)}


@dataclass(frozen=True)
class MetaChange:
    """A charter-level field that differs: title, status, jurisdiction, company, release stamp."""

    #: One of ``META_FIELDS``.
    field: str
    #: The value before.
    old: Any
    #: The value after.
    new: Any
    #: True when the change is typography only (title wording) or a release stamp.
    editorial: bool = False

    @property
    def stamp(self) -> bool:
        """True for version and dates, which change with every release."""
        return self.field in STAMP_FIELDS

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"field": self.field, "old": self.old, "new": self.new,
                "stamp": self.stamp, "editorial": self.editorial}


class _Labels:
    """What article and clause changes share: their labels and the number readers look for."""

    @property
    def renumbered(self) -> bool:
        """True when its number changed."""
        return self.status == "changed" and self.old_number != self.new_number

    @property
    def kinds(self) -> tuple[str, ...]:
        """Labels: added, removed, or any of modified, moved, renumbered."""
        if self.status != "changed":
            return (self.status,)
        flags = (("modified", self.modified), ("moved", self.moved), ("renumbered", self.renumbered))
        return tuple(name for name, on in flags if on)

    @property
    def number(self):
        """The number readers look for: the new one, or the old one for a removed item."""
        return self.new_number if self.new_number is not None else self.old_number


@dataclass(frozen=True)
class ArticleChange(_Labels):
    """An article (module) added, removed, or changed in title, intro, references, place or cause."""

    #: The module id.
    id: str
    #: "added", "removed" or "changed".
    status: str
    #: Its number in the old version (None when added).
    old_number: int | None
    #: Its number in the new version (None when removed).
    new_number: int | None
    #: Its title in the old version.
    old_title: str | None
    #: Its title in the new version.
    new_title: str | None
    #: Edit script of its title.
    title_ops: tuple[Op, ...]
    #: Edit script of its introduction.
    intro_ops: tuple[Op, ...]
    #: Its legal references in the old version.
    old_legal_basis: tuple[str, ...]
    #: Its legal references in the new version.
    new_legal_basis: tuple[str, ...]
    #: True when its place among the articles changed.
    moved: bool
    #: Module-level causes that concern it.
    causes: tuple[Cause, ...]
    #: True when nothing changed in its words (see ``charter_kit.diff.words``).
    editorial: bool = False

    @property
    def modified(self) -> bool:
        """True when its title, introduction or legal references changed."""
        return changed(self.title_ops) or changed(self.intro_ops) or self.old_legal_basis != self.new_legal_basis

    @property
    def title(self) -> str:
        """The title readers look for: the new one, or the old one for a removed article."""
        return self.new_title if self.new_title is not None else self.old_title

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"id": self.id, "status": self.status, "kinds": list(self.kinds), "editorial": self.editorial,
                "old_number": self.old_number, "new_number": self.new_number,
                "old_title": self.old_title, "new_title": self.new_title,
                "title_ops": [list(o) for o in self.title_ops], "intro_ops": [list(o) for o in self.intro_ops],
                "old_legal_basis": list(self.old_legal_basis), "new_legal_basis": list(self.new_legal_basis),
                "causes": [c.to_dict() for c in self.causes]}


@dataclass(frozen=True)
class ClauseChange(_Labels):
    """A clause added, removed, or changed in words, place or number, with its causes."""

    #: The clause's full id, ``<module>.<clause>``.
    id: str
    #: "added", "removed" or "changed".
    status: str
    #: Its number in the old version ("2.3"; None when added).
    old_number: str | None
    #: Its number in the new version (None when removed).
    new_number: str | None
    #: The article that held it in the old version.
    old_article: str | None
    #: The article that holds it in the new version.
    new_article: str | None
    #: Edit script of its title.
    title_ops: tuple[Op, ...]
    #: Edit script of its text (Markdown).
    text_ops: tuple[Op, ...]
    #: True when it changed article or relative order.
    moved: bool
    #: Every cause that can explain the change, most specific first.
    causes: tuple[Cause, ...]
    #: True when an override replaced it in the old version.
    old_overridden: bool = False
    #: True when an override replaces it in the new version.
    new_overridden: bool = False
    #: True when its words are the same (see ``charter_kit.diff.words``).
    editorial: bool = False

    @property
    def modified(self) -> bool:
        """True when its title or text changed (even editorially)."""
        return self.status == "changed" and (changed(self.title_ops) or changed(self.text_ops))

    @property
    def title(self) -> str:
        """The current title (the old one for a removed clause)."""
        return new_text(self.title_ops) if self.status != "removed" else old_text(self.title_ops)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"id": self.id, "status": self.status, "kinds": list(self.kinds), "editorial": self.editorial,
                "old_number": self.old_number, "new_number": self.new_number,
                "old_article": self.old_article, "new_article": self.new_article,
                "old_overridden": self.old_overridden, "new_overridden": self.new_overridden,
                "title_ops": [list(o) for o in self.title_ops], "text_ops": [list(o) for o in self.text_ops],
                "causes": [c.to_dict() for c in self.causes]}


@dataclass(frozen=True)
class Placement:
    """An article in the merged reading order: its number and title (new, else old), its clause ids."""

    #: The module id.
    id: str
    #: Its number (new, else old).
    number: int
    #: Its title (new, else old).
    title: str
    #: Ids of its clauses in both versions, merged in reading order.
    clauses: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"id": self.id, "number": self.number, "title": self.title, "clauses": list(self.clauses)}


@dataclass(frozen=True)
class ClausePlace:
    """Where a clause stands in one charter: the clause, its article and its position there."""

    #: The clause.
    clause: Clause
    #: The article holding it.
    article: Article
    #: Its position inside the article (0 first).
    index: int


@dataclass(frozen=True)
class CharterDiff:
    """Everything that differs between two charters, in the new charter's reading order."""

    #: The older charter.
    old: Side
    #: The newer charter.
    new: Side
    #: The new charter's title.
    title: str
    #: Charter-level fields that differ.
    metadata: tuple[MetaChange, ...]
    #: Articles added, removed or changed, in reading order.
    articles: tuple[ArticleChange, ...]
    #: Clauses added, removed or changed, in reading order.
    clauses: tuple[ClauseChange, ...]
    #: Module-level causes: modules, settings, contacts, overrides.
    causes: tuple[Cause, ...]
    #: Both versions' reading order merged; removed articles and clauses stay where they were.
    layout: tuple[Placement, ...] = ()
    #: Contacts, logo, colour and site address that changed (editorial: they change no rule).
    presentation: tuple[PresentationChange, ...] = ()

    @property
    def is_empty(self) -> bool:
        """True when the charters say the same thing; the release stamp alone does not count."""
        return not (self.clauses or self.articles or self.causes or self.presentation
                    or any(not m.stamp for m in self.metadata))

    @property
    def kind(self) -> str:
        """ "substantive" when words changed, a clause or article came or went; else "editorial"."""
        parts = (*self.clauses, *self.articles, *(m for m in self.metadata if not m.stamp))
        return "editorial" if all(p.editorial for p in parts) else "substantive"

    def counts(self) -> dict[str, int]:
        """How many clauses were added, removed, modified, moved, renumbered; articles added, removed."""
        out = {k: 0 for k in ("added", "removed", "modified", "moved", "renumbered")}
        for c in self.clauses:
            for k in c.kinds:
                out[k] += 1
        out["articles_added"] = sum(a.status == "added" for a in self.articles)
        out["articles_removed"] = sum(a.status == "removed" for a in self.articles)
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``schema`` numbers its layout)."""
        return {"schema": SCHEMA_VERSION, "title": self.title, "old": self.old.to_dict(), "new": self.new.to_dict(),
                "empty": self.is_empty, "kind": self.kind, "counts": self.counts(),
                "metadata": [m.to_dict() for m in self.metadata],
                "articles": [a.to_dict() for a in self.articles],
                "clauses": [c.to_dict() for c in self.clauses],
                "causes": [c.to_dict() for c in self.causes],
                "layout": [p.to_dict() for p in self.layout],
                "presentation": [p.to_dict() for p in self.presentation]}
