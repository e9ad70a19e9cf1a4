"""A standalone HTML redline: summary table, then each change struck in red or inserted in green."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from markupsafe import Markup, escape

from charter_kit.diff.changes import (DELETE, INSERT, ArticleChange, Cause, CharterDiff, ClauseChange, Op, Side,
                                      changed, new_text, old_text)
from charter_kit.diff.words import word_ops
from charter_kit.reports.markdown_text import BOLD, CODE, ITALIC, Segment, paragraphs, plain, segments
from charter_kit.reports.presentation import approval_label, presentation_lines
from charter_kit.reports.registry import ReportOptions
from charter_kit.reports.wording import (DIFF_KINDS, META_LABELS, article_heading_ops, article_nature,
                                         clause_heading_ops, clause_nature, describe, detailed, french_date,
                                         meta_value, of_side, renumbered_only, side_label, summary_sentence,
                                         version_label)
from charter_kit.templating import get_environment


def write(d: CharterDiff, options: ReportOptions) -> str:
    """The registry's entry point."""
    return to_html(d)


def to_html(d: CharterDiff) -> str:
    """A standalone HTML redline: summary table, then each change struck in red or inserted in green."""
    return get_environment().get_template("diff/redline.html").render(view=html_view(d))


def html_view(d: CharterDiff) -> dict[str, Any]:
    """What the redline template shows, with every redline already as safe HTML."""
    return {
        "title": plain(d.title), "old": _side_view(d.old), "new": _side_view(d.new),
        "kind": DIFF_KINDS[d.kind], "kind_class": d.kind, "summary": summary_sentence(d), "empty": d.is_empty,
        "created": d.new.date or d.new.effective_date,
        "metadata": [{"label": META_LABELS.get(m.field, m.field), "old": meta_value(m, m.old),
                      "new": meta_value(m, m.new)} for m in d.metadata],
        "rows": [_row(c) for c in d.clauses if detailed(c)],
        "articles": [_article_view(a) for a in d.articles if detailed(a)],
        "clauses": [_clause_view(c) for c in d.clauses if detailed(c)],
        "renumbered": renumbered_only(d),
        "causes": [_cause_view(c) for c in d.causes],
        "presentation": presentation_lines(d),
    }


def _side_view(side: Side) -> dict[str, Any]:
    """One compared version as the template shows it."""
    return {"label": version_label(side), "text": side_label(side), "of": of_side(side),
            "effective": french_date(side.effective_date), "digest": side.digest[:12],
            "approvals": [approval_label(a) for a in side.approvals], "notes": side.notes or ""}


def _row(c: ClauseChange) -> dict[str, Any]:
    """A clause change as a row of the summary table."""
    return {"anchor": anchor(c.id), "number": c.number, "title": plain(c.title), "nature": clause_nature(c),
            "editorial": c.editorial, "status": c.status,
            "causes": [describe(x) for x in c.causes]}


def _clause_view(c: ClauseChange) -> dict[str, Any]:
    """A clause change as the template shows it, with its redline."""
    show_body = c.status != "changed" or c.modified
    return {**_row(c), "heading": redline_html(clause_heading_ops(c)),
            "body": redline_html(c.text_ops, block=True) if show_body else None}


def _article_view(a: ArticleChange) -> dict[str, Any]:
    """An article change as the template shows it, with its redlines."""
    basis = word_ops(" ; ".join(a.old_legal_basis), " ; ".join(a.new_legal_basis))
    return {"anchor": anchor(a.id), "number": a.number, "title": plain(a.title), "nature": article_nature(a),
            "status": a.status,
            "heading": redline_html(article_heading_ops(a)),
            "intro": redline_html(a.intro_ops, block=True) if changed(a.intro_ops) else None,
            "basis": redline_html(basis) if a.old_legal_basis != a.new_legal_basis else None,
            "causes": [describe(c) for c in a.causes]}


def _cause_view(c: Cause) -> dict[str, Any]:
    """A module-level cause with its changelog notes."""
    return {"text": describe(c), "kind": c.kind,
            "notes": [f"{e.version} ({french_date(e.date)}) : {e.note}" for e in c.notes]}


def anchor(identifier: str) -> str:
    """An HTML id for a clause or article."""
    return "c-" + re.sub(r"[^a-z0-9-]", "-", identifier.lower())


def redline_html(ops: Sequence[Op], *, block: bool = False) -> Markup:
    """Readable text of an edit script as HTML: ``<del>`` for deletions, ``<ins>`` for insertions."""
    if not block:
        return Markup("".join(_html_segment(s) for s in segments(ops)))
    out = []
    # A paragraph break added or removed shows as a pilcrow, except in a block added or removed whole.
    whole = not (old_text(ops) and new_text(ops))
    for p in paragraphs(segments(ops)):
        cls = "" if whole else {INSERT: ' class="ins"', DELETE: ' class="del"'}.get(p.mark, "")
        out.append(f"<p{cls}>" + "".join(_html_segment(s) for s in p.segments) + "</p>")
    return Markup("\n".join(out))


def _html_segment(seg: Segment) -> str:
    """One readable run as HTML: escaped, styled, inside del or ins."""
    text = str(escape(seg.text))
    for flag, tag in ((CODE, "code"), (ITALIC, "em"), (BOLD, "strong")):
        if seg.style & flag:
            text = f"<{tag}>{text}</{tag}>"
    if seg.op == DELETE:
        return f"<del>{text}</del>"
    if seg.op == INSERT:
        return f"<ins>{text}</ins>"
    return text
