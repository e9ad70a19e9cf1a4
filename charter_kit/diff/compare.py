"""Charter × Charter → CharterDiff: what changed between two versions, clause by clause, and why.

Clauses are matched by their stable id, so each comparison stays small and the whole diff stays
fast. Texts are compared as Markdown source, word by word; renderers (``diff_render``, ``docx``)
turn that source into readable text.

Editorial or substantive
------------------------
A change is *editorial* when the words of the document stay the same once these are ignored:

- whitespace (spaces, line breaks, blank lines) and non-breaking or thin spaces;
- punctuation and Markdown markup (``* _ # > | ~ ` ^``, backslash escapes, HTML entities);
- typography: straight or curly quotes and guillemets, hyphens and dashes, ``…`` and ``...``,
  thousands separators (``10 000`` and ``10000``), Unicode normalization;
- letter case (joining or splitting a sentence changes the case of its first word);
- numbering: clause and article numbers, and the numbers in cross-references
  (``[article 6.2](clause:crise.signaler)``), which follow from the order of the charter.

The signs ``% ‰ § @ &`` are kept: they carry meaning. Accents are kept (``a`` is not ``à``).
A clause added or removed, an article added or removed, or any other change of words is
*substantive*; so is a change of the charter's title wording, status, jurisdiction, language or
company. A clause that only moves (same words, another position) is editorial. The release stamp
(version, release date, effective date) is reported but is neither: it changes with every release.
Presentation settings (branding, site, PDF) are not compared.

Causes
------
Module-level causes come from what each article carries (module version and changelog, origin,
variables, options, cited contacts) and from the charters' overrides and contacts. A clause
change gets every cause that can explain it: its own override first; then, for text that comes
from the module on both sides, the module's upstream update, library/local replacement and
option changes (options act through conditions, invisible in the text), and the variables and
contacts whose old or new value shows in the deleted or inserted words. When those values
account for every changed word, they alone are kept. A change nothing explains is reported as
"module text edited without a version change".
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from typing import Any

from charter_kit.model.charter import Article, ChangelogEntry, Charter, Clause, canonical
from charter_kit.errors import DiffError
from charter_kit.model.semver import Version

SCHEMA_VERSION = 1
EQUAL, INSERT, DELETE = "equal", "insert", "delete"
Op = tuple[str, str]

#: Every character is whitespace, part of a number or word, or one sign: the tokens rebuild the text
#: exactly. Dotted numbers ("2.1", "1.0.0", "10,5") are one token, so a renumbering reads "2.1 → 3.1".
TOKEN_RE = re.compile(r"\s+|\d+(?:[.,]\d+)+|\w+|[^\w\s]")
REF_RE = re.compile(r"\[article (\d+(?:\.\d+)*)\]\(clause:([a-z0-9.-]+)\)")
_WORD_RE = re.compile(r"\w+")
_TYPOGRAPHY = str.maketrans({
    "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " ", "\u2002": " ", "\u2003": " ",
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2032": "'", "\u00b4": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u2026": "...",
})
_MEANINGFUL_SIGNS = set("%‰§@&")
_MARKUP_SIGNS = set("`^|~")
_THOUSANDS = re.compile(r"(?<=\d) (?=\d{3}\b)")
#: Release fields that change with every release: reported, but neither editorial nor substantive.
STAMP_FIELDS = ("version", "date", "effective_date")
META_FIELDS = ("title", "status", "jurisdiction", "language", "company.name", "company.legal_name",
               "company.listed", "company.website", *STAMP_FIELDS)


# -- release metadata ------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReleaseInfo:
    """What the release store knows about one side of a diff (None everywhere for a draft)."""

    version: str | None
    date: str | None
    approvals: tuple[str, ...] = ()
    notes: str | None = None


@dataclass(frozen=True)
class Side:
    """One of the two compared charters, as reports name it."""

    version: str | None
    date: str | None
    effective_date: str | None
    digest: str
    approvals: tuple[str, ...] = ()
    notes: str | None = None

    @property
    def label(self) -> str:
        """The version number, or "projet" for the current draft."""
        return self.version or "projet"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"version": self.version, "date": self.date, "effective_date": self.effective_date,
                "digest": self.digest, "approvals": list(self.approvals), "notes": self.notes}


def _side(charter: Charter, meta: ReleaseInfo | None) -> Side:
    """How reports name one compared charter, from the charter and its release metadata."""
    meta = meta or ReleaseInfo(version=None, date=None)
    return Side(version=meta.version or charter.version, date=meta.date or charter.date,
                effective_date=charter.effective_date, digest=charter.digest,
                approvals=tuple(meta.approvals), notes=meta.notes)


# -- word-level operations -------------------------------------------------------------------------
def tokenize(text: str) -> list[str]:
    """Split text into whitespace runs, words and single signs; joining them gives ``text`` back."""
    return TOKEN_RE.findall(text)


def word_ops(old: str, new: str) -> list[Op]:
    """Word-level edit script from ``old`` to ``new``.

    ``equal`` + ``delete`` texts joined in order give ``old``; ``equal`` + ``insert`` give ``new``.
    Lines are matched first, then sentences inside changed lines, then words inside changed
    sentences: each comparison stays small, so long texts stay fast.
    """
    if old == new:
        return [(EQUAL, old)] if old else []
    return tidy_ops(_chunk_ops(old, new, 0))


#: A sentence ends with a newline, or with signs followed by spaces or the end ("1.0.0" goes on).
_SENTENCE_RE = re.compile(r"[^\n]*?(?:[.!?;…]+(?:[ \t]+|(?=\n)|$)|\n|$)")


def _sentences(text: str) -> list[str]:
    """Split text into sentences; joining them gives the text back."""
    return [s for s in _SENTENCE_RE.findall(text) if s]


_SPLITTERS = (
    lambda text: text.splitlines(keepends=True),
    _sentences,
    tokenize,
)


def _chunk_ops(old: str, new: str, level: int) -> Iterator[Op]:
    """Edit script at one level (lines, sentences, words), recursing into changed chunks."""
    a, b = _SPLITTERS[level](old), _SPLITTERS[level](new)
    last = level == len(_SPLITTERS) - 1
    # Whitespace may extend a match but never start one: no matches on lone spaces.
    junk = str.isspace if last else None
    for tag, i1, i2, j1, j2 in SequenceMatcher(junk, a, b, autojunk=False).get_opcodes():
        left, right = "".join(a[i1:i2]), "".join(b[j1:j2])
        if tag == "equal":
            yield EQUAL, left
        elif tag == "replace" and not last:
            yield from _chunk_ops(left, right, level + 1)
        else:
            if left:
                yield DELETE, left
            if right:
                yield INSERT, right


def tidy_ops(ops: Iterable[Op]) -> list[Op]:
    """Group each run of changes into one deletion then one insertion.

    Whitespace or signs left equal between two changes are folded into both sides, so a reader
    sees "~~the quick~~ a slow" rather than a word-by-word checkerboard.
    """
    ops = [(op, text) for op, text in ops if text]
    out: list[Op] = []
    deleted: list[str] = []
    inserted: list[str] = []

    def flush() -> None:
        old, new = "".join(deleted), "".join(inserted)
        head = _shared_space(old, new)
        old, new = old[len(head):], new[len(head):]
        tail = _shared_space(old[::-1], new[::-1])[::-1]
        old, new = old[:len(old) - len(tail)], new[:len(new) - len(tail)]
        for op, text in ((EQUAL, head), (DELETE, old), (INSERT, new), (EQUAL, tail)):
            if text:
                _append(out, op, text)
        deleted.clear()
        inserted.clear()

    for i, (op, text) in enumerate(ops):
        if op == DELETE:
            deleted.append(text)
        elif op == INSERT:
            inserted.append(text)
        elif (deleted or inserted) and i + 1 < len(ops) and ops[i + 1][0] != EQUAL and _is_glue(text):
            deleted.append(text)
            inserted.append(text)
        else:
            flush()
            _append(out, EQUAL, text)
    flush()
    return out


def _append(ops: list[Op], op: str, text: str) -> None:
    """Append an operation, merging it with the previous one of the same kind."""
    if ops and ops[-1][0] == op:
        ops[-1] = (op, ops[-1][1] + text)
    else:
        ops.append((op, text))


def _shared_space(a: str, b: str) -> str:
    """The whitespace both texts start with (a change should not swallow a line break both keep)."""
    n = 0
    while n < len(a) and n < len(b) and a[n] == b[n] and a[n].isspace():
        n += 1
    return a[:n]


def _is_glue(text: str) -> bool:
    """True for text between two changes that reads better inside them (spaces, signs)."""
    return not _WORD_RE.search(text) and "\n" not in text


def old_text(ops: Iterable[Op]) -> str:
    """The old text an edit script starts from."""
    return "".join(t for op, t in ops if op != INSERT)


def new_text(ops: Iterable[Op]) -> str:
    """The new text an edit script arrives at."""
    return "".join(t for op, t in ops if op != DELETE)


def changed(ops: Sequence[Op]) -> bool:
    """True when an edit script changes anything."""
    return any(op != EQUAL for op, _ in ops)


# -- editorial or substantive ----------------------------------------------------------------------
def substance(text: str) -> tuple[str, ...]:
    """The words of ``text`` that matter for the editorial/substantive test (see module docstring)."""
    text = REF_RE.sub(r"[article](clause:\2)", text)
    text = html.unescape(unicodedata.normalize("NFC", text)).translate(_TYPOGRAPHY)
    text = _THOUSANDS.sub("", text).translate(_markup_table())
    return tuple(text.casefold().split())


@functools.cache
def _markup_table() -> dict[int, str]:
    """Every punctuation mark and Markdown sign (of the Basic Multilingual Plane) mapped to a space."""
    table = {ord(ch): " " for ch in _MARKUP_SIGNS}
    for code in range(0x10000):
        if unicodedata.category(chr(code)).startswith("P") and chr(code) not in _MEANINGFUL_SIGNS:
            table[code] = " "
    return table


def same_words(old: str, new: str) -> bool:
    """True when two texts differ only editorially."""
    return old == new or substance(old) == substance(new)


# -- causes ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Cause:
    """Why something changed, as far as the two charters tell.

    ``subject`` is the variable or option name, the contact role, the overridden clause id or
    the clause a renumbered cross-reference points to; ``notes`` are the module's changelog
    entries between the two module versions.
    """

    kind: str
    module: str | None = None
    subject: str | None = None
    old: Any = None
    new: Any = None
    notes: tuple[ChangelogEntry, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, with the French sentence readers see."""
        return {"kind": self.kind, "module": self.module, "subject": self.subject,
                "old": _jsonable(self.old), "new": _jsonable(self.new),
                "notes": [{"version": e.version, "date": e.date, "note": e.note} for e in self.notes],
                "description": describe(self)}


def describe(cause: Cause) -> str:
    """The cause as one French sentence, for every report."""
    try:
        return _DESCRIPTIONS[cause.kind](cause, f"module « {cause.module} »")
    except KeyError:
        raise ValueError(f"unknown cause kind {cause.kind!r}") from None


def _describe_update(cause: Cause, mod: str) -> str:
    """A module text changed in the library, with its changelog notes."""
    verb = "mis à jour" if _version_lt(cause.old, cause.new) else "ramené"
    notes = " ; ".join(f"{e.version} : {e.note}" for e in cause.notes if e.note)
    return (f"texte du {mod} {verb} dans la bibliothèque : version {cause.old} → {cause.new}"
            + (f" ({notes})" if notes else ""))


def _describe_replacement(cause: Cause, mod: str) -> str:
    """A library module replaced by a company module, or back."""
    where = {"library": "de la bibliothèque", "local": "propre à l'entreprise"}
    before, after = where.get(cause.old, cause.old), where.get(cause.new, cause.new)
    return f"{mod} : le module {before} est remplacé par le module {after}"


def _describe_setting(cause: Cause, mod: str) -> str:
    """A variable or option changed in the profile."""
    return (f"{cause.kind} « {cause.subject} » du {mod} changée dans le profil : "
            f"{show_value(cause.old)} → {show_value(cause.new)}")


def _describe_override_removed(cause: Cause, mod: str) -> str:
    """An override taken out of the profile."""
    restored = _override_what(cause.old) == "clause supprimée"
    back = "clause rétablie" if restored else "texte de la bibliothèque rétabli"
    return f"adaptation retirée du profil pour la clause {cause.subject} ({back})"


_DESCRIPTIONS = {
    "module-added": lambda c, mod: f"{mod} ajouté à la charte (version {c.new})",
    "module-removed": lambda c, mod: f"{mod} retiré de la charte (il était en version {c.old})",
    "module-updated": _describe_update,
    "module-replaced": _describe_replacement,
    "module-edited": lambda c, mod: f"texte du {mod} modifié sans changement de version ({c.new})",
    "variable": _describe_setting,
    "option": _describe_setting,
    "contact": lambda c, mod: (f"contact « {c.subject} » changé dans le profil : "
                               f"{show_value(c.old)} → {show_value(c.new)}"),
    "override-added": lambda c, mod: (f"adaptation ajoutée dans le profil pour la clause {c.subject} "
                                      f"({_override_what(c.new)})"),
    "override-changed": lambda c, mod: (f"adaptation modifiée dans le profil pour la clause {c.subject} "
                                        f"({_override_what(c.new)})"),
    "override-removed": _describe_override_removed,
    "charter": lambda c, mod: (f"réglage de la charte modifié ({CHARTER_SETTINGS.get(c.subject, c.subject)}) : "
                               f"{show_value(c.old)} → {show_value(c.new)}"),
    "reference-renumbered": lambda c, mod: (f"renvoi vers la clause {c.subject} renuméroté : "
                                            f"article {c.old} → article {c.new}"),
}
CAUSE_KINDS = tuple(_DESCRIPTIONS)


def _override_what(override: Any) -> str:
    """What an override does, in French."""
    if not isinstance(override, dict):
        return "—"
    if override.get("remove"):
        return "clause supprimée"
    parts = [name for key, name in (("title", "titre"), ("text", "texte")) if override.get(key)]
    return " et ".join(parts) + " remplacé" + ("s" if len(parts) > 1 else "") if parts else "—"


def show_value(value: Any) -> str:
    """A profile value as French readers expect it."""
    if value is None:
        return "(aucune)"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(f"« {v} »" for v in value) + "]"
    if isinstance(value, dict):
        return _show_contact(value)
    if value == "":
        return "(vide)"
    return f"« {value} »"


def _show_contact(contact: dict[str, Any]) -> str:
    """A contact as "Name (email, phone)"."""
    details = ", ".join(str(contact[k]) for k in ("email", "phone") if contact.get(k))
    name = contact.get("name")
    if name and details:
        return f"{name} ({details})"
    return str(name or details or "(vide)")


def _jsonable(value: Any) -> Any:
    """A cause value with tuples as lists, ready for JSON."""
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def _version_lt(old: str, new: str) -> bool:
    """True when version ``old`` precedes ``new`` (or when either is not semver)."""
    try:
        return Version.parse(old) < Version.parse(new)
    except ValueError:
        return True


# -- changes ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MetaChange:
    """A charter-level field that differs: title, status, jurisdiction, company, release stamp."""

    field: str
    old: Any
    new: Any

    @property
    def stamp(self) -> bool:
        """True for version and dates, which change with every release."""
        return self.field in STAMP_FIELDS

    @property
    def editorial(self) -> bool:
        """True when the change is typography only (title wording) or a release stamp."""
        if self.stamp:
            return True
        if isinstance(self.old, str) and isinstance(self.new, str) and self.field == "title":
            return same_words(self.old, self.new)
        return False

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

    id: str
    status: str  # "added" | "removed" | "changed"
    old_number: int | None
    new_number: int | None
    old_title: str | None
    new_title: str | None
    title_ops: tuple[Op, ...]
    intro_ops: tuple[Op, ...]
    old_legal_basis: tuple[str, ...]
    new_legal_basis: tuple[str, ...]
    moved: bool
    causes: tuple[Cause, ...]

    @property
    def modified(self) -> bool:
        """True when its title, introduction or legal references changed."""
        return changed(self.title_ops) or changed(self.intro_ops) or self.old_legal_basis != self.new_legal_basis

    @functools.cached_property
    def editorial(self) -> bool:
        """True when nothing changed in its words (see the module docstring)."""
        if self.status != "changed":
            return False
        return (same_words(old_text(self.title_ops), new_text(self.title_ops))
                and same_words(old_text(self.intro_ops), new_text(self.intro_ops))
                and [substance(r) for r in self.old_legal_basis] == [substance(r) for r in self.new_legal_basis])

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

    id: str
    status: str  # "added" | "removed" | "changed"
    old_number: str | None
    new_number: str | None
    old_article: str | None
    new_article: str | None
    title_ops: tuple[Op, ...]
    text_ops: tuple[Op, ...]
    moved: bool
    causes: tuple[Cause, ...]
    old_overridden: bool = False
    new_overridden: bool = False

    @property
    def modified(self) -> bool:
        """True when its title or text changed (even editorially)."""
        return self.status == "changed" and (changed(self.title_ops) or changed(self.text_ops))

    @functools.cached_property
    def editorial(self) -> bool:
        """True when its words are the same (see the module docstring)."""
        if self.status != "changed":
            return False
        return (same_words(old_text(self.title_ops), new_text(self.title_ops))
                and same_words(old_text(self.text_ops), new_text(self.text_ops)))

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

    id: str
    number: int
    title: str
    clauses: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"id": self.id, "number": self.number, "title": self.title, "clauses": list(self.clauses)}


@dataclass(frozen=True)
class CharterDiff:
    """Everything that differs between two charters, in the new charter's reading order."""

    old: Side
    new: Side
    title: str
    metadata: tuple[MetaChange, ...]
    articles: tuple[ArticleChange, ...]
    clauses: tuple[ClauseChange, ...]
    causes: tuple[Cause, ...]
    #: Both versions' reading order merged; removed articles and clauses stay where they were.
    layout: tuple[Placement, ...] = ()

    @property
    def is_empty(self) -> bool:
        """True when the charters say the same thing; the release stamp alone does not count."""
        return not (self.clauses or self.articles or self.causes
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
                "layout": [p.to_dict() for p in self.layout]}

    def to_json(self) -> str:
        """Canonical JSON: sorted keys, UTF-8, no whitespace; same diff, same text."""
        return canonical(self.to_dict())


# -- the algorithm ---------------------------------------------------------------------------------
def diff(a: Charter, b: Charter, *, a_meta: ReleaseInfo | None = None,
         b_meta: ReleaseInfo | None = None) -> CharterDiff:
    """Compare charter ``a`` (older) with ``b`` (newer), clause by clause."""
    ca, cb = _clause_index(a, a_meta), _clause_index(b, b_meta)
    layout = _layout(a, b, cb)
    causes = tuple(_module_causes(a, b))
    articles = tuple(_article_changes(a, b, [p.id for p in layout], causes))
    # Charter settings (effective date, status…) print in module text; they explain clause changes
    # but are reported as metadata, not as causes of their own.
    clauses = tuple(_clause_changes(a, b, ca, cb, layout, causes + tuple(_charter_causes(a, b))))
    return CharterDiff(old=_side(a, a_meta), new=_side(b, b_meta), title=b.title,
                       metadata=tuple(_meta_changes(a, b, a_meta, b_meta)),
                       articles=articles, clauses=clauses, causes=causes, layout=layout)


@dataclass(frozen=True)
class _Place:
    clause: Clause
    article: Article
    index: int  # position inside its article


def _clause_index(charter: Charter, meta: ReleaseInfo | None) -> dict[str, _Place]:
    """Every clause of a charter by id, with its article and position; refuses duplicates."""
    index: dict[str, _Place] = {}
    for article in charter.articles:
        for i, clause in enumerate(article.clauses):
            if clause.id in index:
                name = (meta and meta.version) or charter.display_version
                raise DiffError(f"version {name}: clause '{clause.id}' appears twice; the charter is malformed")
            index[clause.id] = _Place(clause, article, i)
    return index


def _meta_changes(a: Charter, b: Charter, a_meta: ReleaseInfo | None,
                  b_meta: ReleaseInfo | None) -> Iterator[MetaChange]:
    """Charter-level fields that differ."""
    sa, sb = _side(a, a_meta), _side(b, b_meta)
    for name in META_FIELDS:
        if name.startswith("company."):
            key = name.split(".", 1)[1]
            old, new = a.company.get(key), b.company.get(key)
        elif name in ("version", "date", "effective_date"):
            old, new = getattr(sa, name), getattr(sb, name)
        else:
            old, new = getattr(a, name), getattr(b, name)
        if old != new:
            yield MetaChange(name, old, new)


def _merge_order(old: Sequence[str], new: Sequence[str]) -> list[str]:
    """Ids of both sequences in the new order, each removed id kept just after its old predecessor."""
    kept = set(new)
    after: dict[str | None, list[str]] = {}
    last = None
    for i in old:
        if i in kept:
            last = i
        else:
            after.setdefault(last, []).append(i)
    out = list(after.get(None, []))
    for i in new:
        out.append(i)
        out.extend(after.get(i, []))
    return out


def _moved(old: Sequence[str], new: Sequence[str]) -> set[str]:
    """Ids present in both sequences whose relative order changed (outside a longest common run)."""
    common = set(old) & set(new)
    a = [i for i in old if i in common]
    b = [i for i in new if i in common]
    kept = set()
    for block in SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks():
        kept.update(a[block.a:block.a + block.size])
    return common - kept


# -- articles --------------------------------------------------------------------------------------
def _article_changes(a: Charter, b: Charter, order: list[str],
                     causes: tuple[Cause, ...]) -> Iterator[ArticleChange]:
    """Articles added, removed or changed, in the merged reading order."""
    moved = _moved([x.id for x in a.articles], [x.id for x in b.articles])
    for aid in order:
        old, new = a.article(aid), b.article(aid)
        mine = tuple(c for c in causes if _cause_touches_article(c, old, new))
        change = ArticleChange(
            id=aid, status="added" if old is None else "removed" if new is None else "changed",
            old_number=old.number if old else None, new_number=new.number if new else None,
            old_title=old.title if old else None, new_title=new.title if new else None,
            title_ops=tuple(word_ops(old.title if old else "", new.title if new else "")),
            intro_ops=tuple(word_ops(old.intro if old else "", new.intro if new else "")),
            old_legal_basis=old.legal_basis if old else (), new_legal_basis=new.legal_basis if new else (),
            moved=aid in moved, causes=mine)
        if change.status != "changed" or change.kinds or mine:
            yield change


def _cause_touches_article(cause: Cause, old: Article | None, new: Article | None) -> bool:
    """True when a module-level cause concerns this article."""
    module = (new or old).id
    if cause.kind == "contact":
        cited = set(old.contacts if old else ()) | set(new.contacts if new else ())
        return cause.subject in cited
    return cause.module == module


# -- module-level causes ---------------------------------------------------------------------------
def _module_causes(a: Charter, b: Charter) -> Iterator[Cause]:
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


CHARTER_SETTINGS = {
    "effective_date": "date d'entrée en vigueur", "version": "version", "status": "statut",
    "jurisdiction": "droit applicable", "title": "titre",
}


def _charter_causes(a: Charter, b: Charter) -> Iterator[Cause]:
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


# -- clauses ---------------------------------------------------------------------------------------
def _layout(a: Charter, b: Charter, cb: dict[str, _Place]) -> tuple[Placement, ...]:
    """Merged reading order of both versions: removed articles and clauses stay where they were."""
    out = []
    for aid in _merge_order([x.id for x in a.articles], [x.id for x in b.articles]):
        old_art, new_art = a.article(aid), b.article(aid)
        old_ids = [c.id for c in old_art.clauses] if old_art else []
        new_ids = [c.id for c in new_art.clauses] if new_art else []
        # A clause that left this article (another module) is listed once, where it is now.
        merged = _merge_order(old_ids, new_ids)
        shown = new_art or old_art
        out.append(Placement(aid, shown.number, shown.title,
                             tuple(i for i in merged if i in new_ids or i not in cb)))
    return tuple(out)


def _clause_changes(a: Charter, b: Charter, ca: dict[str, _Place], cb: dict[str, _Place],
                    layout: tuple[Placement, ...],
                    causes: tuple[Cause, ...]) -> Iterator[ClauseChange]:
    """Every clause change, in the merged reading order."""
    moved = _moved_clauses(a, b, ca, cb)
    for placement in layout:
        for cid in placement.clauses:
            change = _clause_change(cid, ca.get(cid), cb.get(cid), cid in moved, a, b, causes)
            if change is not None:
                yield change


def _moved_clauses(a: Charter, b: Charter, ca: dict[str, _Place], cb: dict[str, _Place]) -> set[str]:
    """Ids of the clauses that changed article or relative order."""
    out = {cid for cid in set(ca) & set(cb) if ca[cid].article.id != cb[cid].article.id}
    for new_art in b.articles:
        old_art = a.article(new_art.id)
        if old_art is not None:
            out |= _moved([c.id for c in old_art.clauses], [c.id for c in new_art.clauses])
    return out


def _clause_change(cid: str, old: _Place | None, new: _Place | None, moved: bool,
                   a: Charter, b: Charter, causes: tuple[Cause, ...]) -> ClauseChange | None:
    """The change of one clause with its causes, or None when it did not change."""
    oc, nc = (old.clause if old else None), (new.clause if new else None)
    change = ClauseChange(
        id=cid, status="added" if oc is None else "removed" if nc is None else "changed",
        old_number=oc.number if oc else None, new_number=nc.number if nc else None,
        old_article=old.article.id if old else None, new_article=new.article.id if new else None,
        title_ops=tuple(word_ops(oc.title if oc else "", nc.title if nc else "")),
        text_ops=tuple(word_ops(oc.text if oc else "", nc.text if nc else "")),
        moved=moved, causes=(), old_overridden=bool(oc and oc.overridden),
        new_overridden=bool(nc and nc.overridden))
    if not change.kinds:
        return None
    return replace(change, causes=tuple(_clause_causes(change, old, new, a, b, causes)))


def _clause_causes(change: ClauseChange, old: _Place | None, new: _Place | None,
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
    yield from _module_text_causes(change, old, new, causes, module)


def _is_removal(cause: Cause) -> bool:
    """True when an override cause is about removing the clause."""
    return any(isinstance(v, dict) and v.get("remove") for v in (cause.old, cause.new))


def _renumbered_refs(change: ClauseChange) -> Iterator[Cause]:
    """Causes for cross-references whose target number changed."""
    if change.status != "changed":
        return
    text = old_text(change.text_ops) + "\n" + old_text(change.title_ops)
    before = {target: number for number, target in REF_RE.findall(text)}
    text = new_text(change.text_ops) + "\n" + new_text(change.title_ops)
    after = {target: number for number, target in REF_RE.findall(text)}
    for target in sorted(set(before) & set(after)):
        if before[target] != after[target]:
            yield Cause("reference-renumbered", target.split(".", 1)[0], target, before[target], after[target])


def _only_refs_changed(change: ClauseChange) -> bool:
    """True when only cross-reference numbers changed in a clause."""
    def strip(text: str) -> str:
        return REF_RE.sub(r"[article](clause:\2)", text)
    return all(strip(old_text(ops)) == strip(new_text(ops)) for ops in (change.title_ops, change.text_ops))


def _module_text_involved(change: ClauseChange, a: Charter, b: Charter) -> bool:
    """True when a changed part (title or text) comes from the module on both sides.

    A part replaced by an override on either side is explained by that override alone.
    """
    if change.status != "changed":
        return True
    ov_a, ov_b = a.overrides.get(change.id) or {}, b.overrides.get(change.id) or {}
    parts = (("text", change.text_ops), ("title", change.title_ops))
    return any(changed(ops) and not (ov_a.get(key) or ov_b.get(key)) for key, ops in parts)


def _module_text_causes(change: ClauseChange, old: _Place | None, new: _Place | None,
                        causes: tuple[Cause, ...], module: str) -> Iterator[Cause]:
    """The module's causes that can explain a change of module text."""
    cited = set(old.article.contacts if old else ()) | set(new.article.contacts if new else ())
    general = [c for c in causes if c.module == module and c.kind in ("module-updated", "module-replaced", "option")]
    valued = [c for c in causes if (c.module == module and c.kind == "variable")
              or (c.kind == "contact" and c.subject in cited) or c.kind == "charter"]
    deleted = _words(" ".join(t for op, t in (*change.title_ops, *change.text_ops) if op == DELETE))
    inserted = _words(" ".join(t for op, t in (*change.title_ops, *change.text_ops) if op == INSERT))
    shown = [c for c in valued if _evident(c, deleted, inserted)]
    if shown and _explained(shown, deleted, inserted):
        yield from shown  # the new values account for every changed word
        return
    # A value that cannot be seen in the text (a bool, a value used in a condition) may still be why.
    if not shown and not general:
        shown = valued
    yield from general
    yield from shown
    if not general and not shown:
        yield Cause("module-edited", module, new=(new or old).article.module_version)


def _explained(causes: list[Cause], deleted: set[str], inserted: set[str]) -> bool:
    """True when every deleted word was in an old value and every inserted word is in a new one."""
    old = set().union(*(_value_words(c.old) or set() for c in causes))
    new = set().union(*(_value_words(c.new) or set() for c in causes))
    return deleted <= old and inserted <= new


def _evident(cause: Cause, deleted: set[str], inserted: set[str]) -> bool:
    """True when the old value's words left the text or the new value's words arrived in it."""
    old, new = _value_words(cause.old), _value_words(cause.new)
    if old is None or new is None:
        return isinstance(cause.old, bool) or isinstance(cause.new, bool)
    return bool((old - new) & deleted or (new - old) & inserted)


def _value_words(value: Any) -> set[str] | None:
    """The words a value prints as (None for a bool, which prints nothing)."""
    if isinstance(value, bool):
        return None
    if value is None:
        return set()
    if isinstance(value, dict):
        return set().union(*(_value_words(v) or set() for v in value.values())) if value else set()
    if isinstance(value, (list, tuple)):
        return set().union(*(_value_words(v) or set() for v in value)) if value else set()
    text = str(value)
    words = _words(text)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        words |= _words(_french_date(text))
    return words


def _french_date(iso: str) -> str:
    """An ISO date as the templates print it."""
    from charter_kit.locales.fr import date as french_date  # the same wording the templates print

    try:
        return french_date(dt.date.fromisoformat(iso))
    except ValueError:
        return iso


def _words(text: str) -> set[str]:
    """The set of words of a text, case-folded."""
    return {w.casefold() for w in _WORD_RE.findall(text)}
