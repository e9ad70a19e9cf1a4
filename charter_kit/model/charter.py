"""The rendered Charter: numbered articles and clauses, its canonical JSON and its digest.

Pure model, no I/O. Every output (site, PDF, release, diff) is made from a ``Charter`` and
from nothing else, so it carries everything they need: text, metadata, branding and where each
article came from (module version, settings, changelog) for the diff's causes.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from charter_kit.i18n import _
from charter_kit.model.vocabulary import CLAUSE_LINK_RE

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class ChangelogEntry:
    """One line of a module's changelog: version, date (ISO) and note."""

    version: str
    """The module version."""
    date: str
    """ISO date."""
    note: str
    """What changed, in the charter's language."""


@dataclass(frozen=True)
class Clause:
    """One numbered rule: ``id`` is ``<module>.<clause>``, ``text`` its rendered Markdown body."""

    id: str
    """"<module>.<clause>", stable across versions."""
    number: str
    """"N.M" as printed."""
    title: str
    """The heading, inert Markdown."""
    text: str
    """The rendered Markdown body."""
    overridden: bool = False
    """True when the profile replaced its title or text."""
    nature: str | None = None
    """"regle", "procedure" or "information" (vocabulary.NATURES); None in charters released before natures."""
    audience: tuple[str, ...] = ()
    """Who the clause is addressed to (vocabulary.AUDIENCES); empty for everyone."""

    @property
    def key(self) -> str:
        """The clause id inside its module (``declarer-lien``)."""
        return self.id.split(".", 1)[1]

    @property
    def module(self) -> str:
        """The id of the module this clause belongs to."""
        return self.id.split(".", 1)[0]

    @property
    def digest(self) -> str:
        """sha256 of the clause's title and text: proof of what an employee read."""
        return _sha256(canonical({"title": self.title, "text": self.text}))


@dataclass(frozen=True)
class Article:
    """One module of the charter, numbered, with its clauses and provenance."""

    id: str
    """The module id."""
    number: int
    """Article number, from 1."""
    title: str
    """The module's title."""
    intro: str
    """Markdown before the first clause."""
    clauses: tuple[Clause, ...]
    """The numbered clauses."""
    legal_basis: tuple[str, ...] = ()
    """References shown under the article, for the charter's jurisdiction."""
    module_version: str = "0.0.0"
    """The module's version when rendered."""
    origin: str = "library"
    """"library" or "local": where the module's text came from."""
    variables: dict[str, Any] = field(default_factory=dict)
    """The module's resolved variables."""
    options: dict[str, Any] = field(default_factory=dict)
    """The module's resolved options."""
    contacts: tuple[str, ...] = ()
    """Contact roles the module cites."""
    changelog: tuple[ChangelogEntry, ...] = ()
    """The module's changelog, for the diff's causes."""


@dataclass(frozen=True)
class Charter:
    """A rendered charter: metadata, articles, and everything outputs need, nothing else."""

    title: str
    """The charter's title ("Charte d'utilisation des réseaux sociaux")."""
    company: dict[str, Any]
    """name, legal_name, listed, website."""
    articles: tuple[Article, ...]
    """The numbered articles, one per selected module, in order."""
    language: str = "fr"
    """Language code of the text ("fr")."""
    jurisdiction: str = "fr"
    """Law the charter is written for (vocabulary.JURISDICTIONS)."""
    status: str = "guide"
    """Legal status (vocabulary.STATUSES)."""
    version: str | None = None
    """Release version; None for a draft."""
    date: str | None = None
    """Release date, ISO; None for a draft."""
    effective_date: str | None = None
    """Date from which it applies, ISO, if fixed."""
    contacts: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Contacts by role: name, email, phone."""
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)
    """The profile's clause overrides, kept for the diff's causes."""
    branding: dict[str, Any] = field(default_factory=dict)
    """Primary colour and the embedded logo."""
    site: dict[str, Any] = field(default_factory=dict)
    """The published site's URL."""
    pdf: dict[str, Any] = field(default_factory=dict)
    """PDF settings (variant, signature block)."""
    approvals: tuple[dict[str, Any], ...] = ()
    """Who approved this release ({name, role, date}), shown on the PDF's approval block; empty for a draft."""
    region: str | None = None
    """Belgium: the language region the text was written for (vocabulary.REGIONS); None elsewhere."""

    def __post_init__(self) -> None:
        for n, article in enumerate(self.articles, start=1):
            if article.number != n:
                raise ValueError(_("article {id} numbered {number}, expected {n}").format(
                    id=article.id, number=article.number, n=n))
            for m, clause in enumerate(article.clauses, start=1):
                if clause.number != f"{n}.{m}":
                    raise ValueError(_("clause {id} numbered {number}, expected {n}").format(
                        id=clause.id, number=clause.number, n=f"{n}.{m}"))

    # -- lookups -----------------------------------------------------------------------------
    def clauses(self) -> list[Clause]:
        """Every clause in reading order."""
        return [c for a in self.articles for c in a.clauses]

    def clause(self, clause_id: str) -> Clause | None:
        """The clause with this full id, or None."""
        return next((c for c in self.clauses() if c.id == clause_id), None)

    def article(self, module_id: str) -> Article | None:
        """The article made from this module, or None."""
        return next((a for a in self.articles if a.id == module_id), None)

    def legal_basis(self, article: Article) -> list[str]:
        """The references shown under an article (already filtered for the jurisdiction)."""
        return list(article.legal_basis)

    @property
    def display_version(self) -> str:
        """The version as readers see it: the number, or "projet" for a draft."""
        return self.version or "projet"

    @property
    def is_draft(self) -> bool:
        """True when the charter is not a release."""
        return self.version is None

    # -- serialization -----------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """A plain JSON-ready dict with a schema number."""
        data = asdict(self)
        for article in data["articles"]:
            for clause in article["clauses"]:
                # Fields added after the first releases are left out while unset, so that a
                # release written before them keeps its canonical form, hence its digest.
                for key, unset in _LATER_CLAUSE_FIELDS.items():
                    if clause[key] == unset:
                        del clause[key]
        if not data["approvals"]:
            del data["approvals"]  # added later: a release written before approvals keeps its digest
        if data["region"] is None:
            del data["region"]  # added later, and only Belgian charters have one
        data["schema"] = SCHEMA_VERSION
        return data

    def to_json(self) -> str:
        """The canonical JSON text: sorted keys, UTF-8, no floats, no whitespace."""
        return canonical(self.to_dict())

    @property
    def digest(self) -> str:
        """sha256 (hex) of the canonical JSON, encoded as UTF-8."""
        return _sha256(self.to_json())

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Charter:
        """Rebuild a Charter from ``to_dict`` output; raises ValueError on a malformed dict."""
        if not isinstance(data, dict):
            raise ValueError(_("a charter must be a JSON object"))
        data = dict(data)
        schema = data.pop("schema", None)
        if schema != SCHEMA_VERSION:
            raise ValueError(_("unsupported charter schema {schema} (expected {expected})").format(
                schema=repr(schema), expected=SCHEMA_VERSION))
        try:
            articles = tuple(_article(a) for a in data.pop("articles"))
            approvals = tuple(dict(a) for a in data.pop("approvals", ()))
            return cls(articles=articles, approvals=approvals, **_only(cls, data))
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(_("malformed charter: {error}").format(error=exc)) from None

    @classmethod
    def from_json(cls, text: str | bytes) -> Charter:
        """Rebuild a Charter from its JSON text; a document nested deeper than any charter is refused
        before it is parsed (ValueError), so a tampered file is reported, never a crash."""
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        if len(text) > MAX_JSON_CHARS:
            raise ValueError(f"larger than {MAX_JSON_CHARS // 1_000_000} million characters (no charter is)")
        if json_depth(text) > MAX_JSON_DEPTH:
            raise ValueError(f"nested more than {MAX_JSON_DEPTH} levels deep (a charter has about ten)")
        try:
            return cls.from_dict(json.loads(text))
        except RecursionError:
            raise ValueError(f"nested more than {MAX_JSON_DEPTH} levels deep") from None

    def with_release(self, *, version: str, date: str, effective_date: str | None,
                     approvals: tuple[dict[str, Any], ...] = ()) -> Charter:
        """This charter stamped with a release's version, dates and approvals."""
        return replace(self, version=version, date=date, effective_date=effective_date, approvals=tuple(approvals))


#: Deepest nesting a charter's JSON may have (articles, clauses, their fields: about ten).
MAX_JSON_DEPTH = 64
#: Longest charter JSON read: the text of a long charter and its logo take a few million characters.
MAX_JSON_CHARS = 64_000_000
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def json_depth(text: str, stop: int = MAX_JSON_DEPTH) -> int:
    """How deep the arrays and objects of a JSON text nest (brackets inside strings do not count),
    counted without parsing it; counting stops once past ``stop``."""
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub('""', text))
    passes = 0
    while passes < 8 and ("[]" in brackets or "{}" in brackets):  # innermost pairs, at C speed
        brackets = brackets.replace("[]", "").replace("{}", "")
        passes += 1
    depth, deepest = 0, passes
    if passes and not brackets:
        return passes
    for ch in brackets:
        depth += 1 if ch in "[{" else -1
        if depth + passes > deepest:
            deepest = depth + passes
            if deepest > stop:
                break
    return deepest


def canonical(data: Any) -> str:
    """Serialize ``data`` canonically; floats are refused so the form is stable across machines."""
    _refuse_floats(data)
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _refuse_floats(value: Any) -> None:
    if isinstance(value, float):
        raise TypeError(f"floats are not allowed in a charter: {value!r}")
    if isinstance(value, dict):
        for v in value.values():
            _refuse_floats(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _refuse_floats(v)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _only(cls: type, data: dict[str, Any]) -> dict[str, Any]:
    names = {f.name for f in fields(cls)}
    unknown = set(data) - names
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    return data


#: Clause fields added after schema 1 was first released, and their value when unset.
_LATER_CLAUSE_FIELDS: dict[str, Any] = {"nature": None, "audience": ()}


def _clause(data: dict[str, Any]) -> Clause:
    data = dict(data)
    data["audience"] = tuple(data.get("audience", ()))
    return Clause(**_only(Clause, data))


def _article(data: dict[str, Any]) -> Article:
    data = dict(data)
    clauses = tuple(_clause(c) for c in data.pop("clauses"))
    changelog = tuple(ChangelogEntry(**_only(ChangelogEntry, e)) for e in data.pop("changelog", ()))
    data["legal_basis"] = tuple(data.get("legal_basis", ()))
    data["contacts"] = tuple(data.get("contacts", ()))
    return Article(clauses=clauses, changelog=changelog, **_only(Article, data))


def link_clauses(text: str, target) -> str:
    """Rewrite cross-references ``[…](clause:<id>)`` with ``target(id)`` (a URL for each output)."""
    return CLAUSE_LINK_RE.sub(lambda m: f"[{m.group(1)}]({target(m.group(2))})", text)
