"""Charter × Charter → CharterDiff: what changed between two versions, clause by clause, and why.

Clauses are matched by their stable id, so each comparison stays small and the whole diff stays
fast. Texts are compared word by word (``words``); causes are found by ``causes``; the merged
reading order of both versions (``layout``) keeps removed articles and clauses where they were.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from difflib import SequenceMatcher

from charter_kit.diff.causes import charter_causes, clause_causes, module_causes, touches_article, value_words_of
from charter_kit.diff.presentation import contacts_only, presentation_changes
from charter_kit.locales import get as get_locale
from charter_kit.diff.changes import (META_FIELDS, STAMP_FIELDS, ArticleChange, Cause, CharterDiff, ClauseChange,
                                      ClausePlace, MetaChange, Placement, ReleaseInfo, Side, new_text, old_text)
from charter_kit.diff.words import same_words, substance, word_ops
from charter_kit.errors import DiffError
from charter_kit.i18n import _
from charter_kit.model.charter import Charter

__all__ = ["CharterDiff", "ReleaseInfo", "diff"]


def diff(a: Charter, b: Charter, *, a_meta: ReleaseInfo | None = None,
         b_meta: ReleaseInfo | None = None) -> CharterDiff:
    """Compare charter ``a`` (older) with ``b`` (newer), clause by clause."""
    ca, cb = _clause_index(a, a_meta), _clause_index(b, b_meta)
    layout = _layout(a, b, cb)
    causes = tuple(module_causes(a, b))
    articles = tuple(_article_changes(a, b, [p.id for p in layout], causes))
    # Charter settings (effective date, status…) print in module text; they explain clause changes
    # but are reported as metadata, not as causes of their own.
    clauses = tuple(_clause_changes(a, b, ca, cb, layout, causes + tuple(charter_causes(a, b))))
    old, new = _side(a, a_meta), _side(b, b_meta)
    return CharterDiff(old=old, new=new, title=b.title, metadata=tuple(_meta_changes(a, b, old, new)),
                       articles=articles, clauses=clauses, causes=causes, layout=layout,
                       presentation=tuple(presentation_changes(a, b)))


def _side(charter: Charter, meta: ReleaseInfo | None) -> Side:
    """How reports name one compared charter, from the charter and its release metadata."""
    meta = meta or ReleaseInfo(version=None, date=None)
    return Side(version=meta.version or charter.version, date=meta.date or charter.date,
                effective_date=charter.effective_date, digest=charter.digest,
                approvals=tuple(meta.approvals), notes=meta.notes)


def _clause_index(charter: Charter, meta: ReleaseInfo | None) -> dict[str, ClausePlace]:
    """Every clause of a charter by id, with its article and position; refuses duplicates."""
    index: dict[str, ClausePlace] = {}
    for article in charter.articles:
        for i, clause in enumerate(article.clauses):
            if clause.id in index:
                name = (meta and meta.version) or charter.display_version
                raise DiffError(_("version {version}: clause '{id}' appears twice; the charter is malformed").format(
                    version=name, id=clause.id))
            index[clause.id] = ClausePlace(clause, article, i)
    return index


def _meta_changes(a: Charter, b: Charter, sa: Side, sb: Side) -> Iterator[MetaChange]:
    """Charter-level fields that differ (release stamps as the two sides name them)."""
    for name in META_FIELDS:
        if name.startswith("company."):
            key = name.split(".", 1)[1]
            old, new = a.company.get(key), b.company.get(key)
        elif name in STAMP_FIELDS:
            old, new = getattr(sa, name), getattr(sb, name)
        else:
            old, new = getattr(a, name), getattr(b, name)
        if old != new:
            yield MetaChange(name, old, new, editorial=_meta_editorial(name, old, new))


def _meta_editorial(name: str, old, new) -> bool:
    """True for a release stamp, or a title whose words stay the same."""
    if name in STAMP_FIELDS:
        return True
    return name == "title" and isinstance(old, str) and isinstance(new, str) and same_words(old, new)


# -- reading order ---------------------------------------------------------------------------------
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


def _layout(a: Charter, b: Charter, cb: dict[str, ClausePlace]) -> tuple[Placement, ...]:
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


# -- articles --------------------------------------------------------------------------------------
def _article_changes(a: Charter, b: Charter, order: list[str],
                     causes: tuple[Cause, ...]) -> Iterator[ArticleChange]:
    """Articles added, removed or changed, in the merged reading order."""
    moved = _moved([x.id for x in a.articles], [x.id for x in b.articles])
    for aid in order:
        old, new = a.article(aid), b.article(aid)
        mine = tuple(c for c in causes if touches_article(c, old, new))
        change = ArticleChange(
            id=aid, status="added" if old is None else "removed" if new is None else "changed",
            old_number=old.number if old else None, new_number=new.number if new else None,
            old_title=old.title if old else None, new_title=new.title if new else None,
            title_ops=tuple(word_ops(old.title if old else "", new.title if new else "")),
            intro_ops=tuple(word_ops(old.intro if old else "", new.intro if new else "")),
            old_legal_basis=old.legal_basis if old else (), new_legal_basis=new.legal_basis if new else (),
            moved=aid in moved, causes=mine)
        if change.status != "changed" or change.kinds or mine:
            yield replace(change, editorial=_article_editorial(change))


def _article_editorial(change: ArticleChange) -> bool:
    """True when an article's words stay the same (see ``words``)."""
    if change.status != "changed":
        return False
    return (same_words(old_text(change.title_ops), new_text(change.title_ops))
            and same_words(old_text(change.intro_ops), new_text(change.intro_ops))
            and [substance(r) for r in change.old_legal_basis] == [substance(r) for r in change.new_legal_basis])


# -- clauses ---------------------------------------------------------------------------------------
def _clause_changes(a: Charter, b: Charter, ca: dict[str, ClausePlace], cb: dict[str, ClausePlace],
                    layout: tuple[Placement, ...],
                    causes: tuple[Cause, ...]) -> Iterator[ClauseChange]:
    """Every clause change, in the merged reading order."""
    moved = _moved_clauses(a, b, ca, cb)
    for placement in layout:
        for cid in placement.clauses:
            change = _clause_change(cid, ca.get(cid), cb.get(cid), cid in moved, a, b, causes)
            if change is not None:
                yield change


def _moved_clauses(a: Charter, b: Charter, ca: dict[str, ClausePlace], cb: dict[str, ClausePlace]) -> set[str]:
    """Ids of the clauses that changed article or relative order."""
    out = {cid for cid in set(ca) & set(cb) if ca[cid].article.id != cb[cid].article.id}
    for new_art in b.articles:
        old_art = a.article(new_art.id)
        if old_art is not None:
            out |= _moved([c.id for c in old_art.clauses], [c.id for c in new_art.clauses])
    return out


def _clause_change(cid: str, old: ClausePlace | None, new: ClausePlace | None, moved: bool,
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
    found = tuple(clause_causes(change, old, new, a, b, causes))
    # A clause whose words changed only where a contact it prints changed is presentation (issue 13).
    value_words = lambda v: value_words_of(v, get_locale(b.language).date)  # noqa: E731
    return replace(change, causes=found,
                   editorial=_clause_editorial(change) or contacts_only(change, found, value_words))


def _clause_editorial(change: ClauseChange) -> bool:
    """True when a clause's words stay the same (see ``words``)."""
    if change.status != "changed":
        return False
    return (same_words(old_text(change.title_ops), new_text(change.title_ops))
            and same_words(old_text(change.text_ops), new_text(change.text_ops)))
