"""The diff for a terminal: summary, then each change with its words and causes.

Changes are coloured (red struck deletions, green insertions) or, without colour, between
wdiff's markers ``[-…-]`` and ``{+…+}``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

from charter_kit.diff.changes import DELETE, EQUAL, CharterDiff, Op
from charter_kit.reports.markdown_text import Segment, paragraphs, plain, segments
from charter_kit.reports.presentation import TITLE as PRESENTATION, presentation_lines
from charter_kit.reports.registry import ReportOptions
from charter_kit.reports.wording import (DIFF_KINDS, META_LABELS, article_nature, clause_heading, clause_nature,
                                         describe, detailed, meta_value, of_side, renumbered_only, side_label,
                                         summary_sentence)

_ANSI = {"red": "\x1b[31m", "green": "\x1b[32m", "bold": "\x1b[1m", "strike": "\x1b[9m", "reset": "\x1b[0m"}


def write(d: CharterDiff, options: ReportOptions) -> str:
    """The registry's entry point."""
    return to_text(d, options.color)


def to_text(d: CharterDiff, color: bool) -> str:
    """The diff for a terminal: summary, then each change with its words and causes."""
    paint = _painter(color)
    block = functools.partial(_text_block, paint=paint, color=color)
    out = [paint("bold", plain(d.title)), f"Comparaison {of_side(d.old)} avec {side_label(d.new)}.",
           summary_sentence(d) if d.is_empty else f"Nature : {DIFF_KINDS[d.kind]}. {summary_sentence(d)}"]
    for m in d.metadata:
        out.append(f"  {META_LABELS.get(m.field, m.field)} : {meta_value(m, m.old)} → {meta_value(m, m.new)}")
    if d.presentation:
        out += ["", paint("bold", PRESENTATION)] + [f"  - {line}" for line in presentation_lines(d)]
    for a in d.articles:
        if not detailed(a):
            continue
        out += ["", paint("bold", f"Article {a.number}. {plain(a.title)}") + f" ({article_nature(a)})"]
        out += block(a.title_ops, full=False, label="titre") if a.status == "changed" else []
        out += block(a.intro_ops, full=a.status != "changed", label="introduction")
        out += [f"    pourquoi : {describe(c)}" for c in a.causes]
    for c in d.clauses:
        if not detailed(c):
            continue
        sign = {"added": "+", "removed": "-"}.get(c.status, "~")
        out += ["", paint("bold", f"{sign} {clause_heading(c)}") + f" ({clause_nature(c)})"]
        out += block(c.title_ops, full=False, label="titre") if c.status == "changed" else []
        out += block(c.text_ops, full=c.status != "changed")
        out += [f"    pourquoi : {describe(cause)}" for cause in c.causes]
    moves = renumbered_only(d)
    if moves:
        out += ["", "Seulement renumérotés : " + ", ".join(moves) + "."]
    if d.causes:
        out += ["", paint("bold", "Origine des changements")]
        out += [f"  - {describe(c)}" for c in d.causes]
    return "\n".join(out) + "\n"


def _painter(color: bool) -> Callable[[str, str], str]:
    """A function that colours text with ANSI codes, or leaves it as is."""
    def paint(style: str, text: str) -> str:
        return f"{_ANSI[style]}{text}{_ANSI['reset']}" if color and text else text
    return paint


def _text_block(ops: Sequence[Op], *, paint, color: bool, full: bool, label: str | None = None) -> list[str]:
    """Indented readable paragraphs of an edit script; only the changed ones unless ``full``."""
    paras = paragraphs(segments(ops))
    if not any(p.changed for p in paras):
        return []
    lines, skipped = [], False
    prefix = f"    {label} : " if label else "    "
    for p in paras:
        if not (full or p.changed):
            skipped = True
            continue
        if skipped:
            lines.append("    …")
            skipped = False
        lines.append(prefix + "".join(_text_segment(s, paint, color) for s in p.segments))
    if skipped:
        lines.append("    …")
    return lines


def _text_segment(seg: Segment, paint, color: bool) -> str:
    """One readable run for the terminal: coloured, or between wdiff markers."""
    if seg.op == EQUAL:
        return seg.text
    if not color:  # wdiff's markers
        return f"[-{seg.text}-]" if seg.op == DELETE else f"{{+{seg.text}+}}"
    if seg.op == DELETE:
        return paint("red", paint("strike", seg.text))
    return paint("green", seg.text)
