"""The diff as a PDF (Typst): the redline for a legal file, PDF/A-3a and tagged.

Legible in black and white: deleted text is struck through and between brackets, inserted text
is underlined, so "24" replaced by "4" reads "[24]4" with the first struck, never "244". Rows
of the summary tables never split across pages. Every text reaches Typst as data (see
typeset/markup.py); the date is the new version's, never the clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from charter_kit.diff.changes import (DELETE, EQUAL, INSERT, ArticleChange, CharterDiff, ClauseChange, Op,
                                      changed, new_text, old_text)
from charter_kit.diff.words import word_ops
from charter_kit.typeset.engine import compile_pdf, typst_date
from charter_kit.typeset.markup import clean, text
from charter_kit.reports.html import html_view
from charter_kit.reports.markdown_text import Segment, paragraphs, segments
from charter_kit.reports.registry import ReportOptions
from charter_kit.reports.wording import (article_heading_ops, article_nature, clause_heading_ops, clause_nature,
                                         describe, detailed)

_OPS = {EQUAL: "=", DELETE: "-", INSERT: "+"}


def write(d: CharterDiff, options: ReportOptions) -> bytes:
    """The registry's entry point."""
    return to_pdf(d)


def to_pdf(d: CharterDiff) -> bytes:
    """The redline as PDF/A-3a bytes; the same diff always gives the same bytes."""
    return compile_pdf("diff.typ", pdf_view(d), date=d.new.date or d.new.effective_date)


def pdf_view(d: CharterDiff) -> dict[str, Any]:
    """What diff.typ shows: the HTML report's facts as plain text, redlines as runs."""
    view = html_view(d)
    side = lambda s: {k: _text(v) for k, v in s.items()}  # noqa: E731
    return {
        "meta": {"title": clean(f"Modifications : {view['title']} ({view['old']['label']} → {view['new']['label']})"),
                 "author": "charter-kit", "date": typst_date(d.new.date or d.new.effective_date)},
        "title": text(view["title"]), "old": side(view["old"]), "new": side(view["new"]),
        "kind": text(view["kind"]), "summary": text(view["summary"]), "empty": view["empty"],
        "metadata": [{k: text(v) for k, v in m.items()} for m in view["metadata"]],
        "rows": [{"number": text(r["number"]), "title": text(r["title"]), "nature": text(r["nature"]),
                  "causes": text(" ; ".join(r["causes"]) if r["causes"] else "—")} for r in view["rows"]],
        "articles": [_article(a) for a in d.articles if detailed(a)],
        "clauses": [_clause(c) for c in d.clauses if detailed(c)],
        "renumbered": [text(r) for r in view["renumbered"]],
        "causes": [{"text": text(c["text"]), "notes": [text(n) for n in c["notes"]]} for c in view["causes"]],
        "presentation": [text(line) for line in view["presentation"]],
    }


def _text(value: Any) -> Any:
    if isinstance(value, list):
        return [text(v) for v in value]
    return text(value)


def _clause(c: ClauseChange) -> dict[str, Any]:
    show_body = c.status != "changed" or c.modified
    return {"status": c.status, "heading": runs(clause_heading_ops(c)), "nature": text(clause_nature(c)),
            "body": blocks(c.text_ops) if show_body else None, "causes": [text(describe(x)) for x in c.causes]}


def _article(a: ArticleChange) -> dict[str, Any]:
    basis = word_ops(" ; ".join(a.old_legal_basis), " ; ".join(a.new_legal_basis))
    return {"status": a.status, "heading": runs(article_heading_ops(a)), "nature": text(article_nature(a)),
            "intro": blocks(a.intro_ops) if changed(a.intro_ops) else None,
            "basis": runs(basis) if a.old_legal_basis != a.new_legal_basis else None,
            "causes": [text(describe(x)) for x in a.causes]}


def runs(ops: Sequence[Op]) -> list[dict[str, Any]]:
    """An edit script as readable runs: operation ("=", "-", "+"), text and style bits."""
    return [_run(s) for s in segments(ops)]


def blocks(ops: Sequence[Op]) -> list[dict[str, Any]]:
    """An edit script as paragraphs of runs; ``mark`` says a paragraph break was added or removed
    (not shown inside a block added or removed whole)."""
    whole = not (old_text(ops) and new_text(ops))
    return [{"mark": "=" if whole else _OPS[p.mark], "runs": [_run(s) for s in p.segments]}
            for p in paragraphs(segments(ops))]


def _run(seg: Segment) -> dict[str, Any]:
    return {"op": _OPS[seg.op], "text": text(seg.text), "style": seg.style}
