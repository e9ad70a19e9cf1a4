"""Renderers of a CharterDiff: terminal text, HTML redline, Markdown summary, JSON and PDF.

Diffs are computed on the Markdown source of clauses; readers see readable text: cross-reference
links show their label, backslash escapes and HTML entities their character, emphasis markers
become bold or italics, list markers become bullets (``readable_map``).
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from markupsafe import Markup, escape

from charter_kit.model.charter import Charter, link_clauses
from charter_kit.diff.compare import (DELETE, EQUAL, INSERT, ArticleChange, Cause, CharterDiff, ClauseChange, MetaChange,
                   Op, Side, changed, describe, new_text, old_text, word_ops)
from charter_kit.errors import DiffError, did_you_mean

BOLD, ITALIC, CODE = 1, 2, 4

CLAUSE_KINDS = {"added": "ajoutée", "removed": "supprimée", "modified": "modifiée",
                "moved": "déplacée", "renumbered": "renumérotée"}
ARTICLE_KINDS = {"added": "ajouté", "removed": "supprimé", "modified": "modifié",
                 "moved": "déplacé", "renumbered": "renuméroté"}
DIFF_KINDS = {"substantive": "modification substantielle", "editorial": "modification de forme"}
META_LABELS = {"title": "Titre", "status": "Statut", "jurisdiction": "Droit applicable", "language": "Langue",
               "company.name": "Entreprise", "company.legal_name": "Raison sociale",
               "company.listed": "Société cotée", "company.website": "Site de l'entreprise",
               "version": "Version", "date": "Date de publication", "effective_date": "Date d'entrée en vigueur"}
STATUS_LABELS = {"annexe-reglement-interieur": "annexe au règlement intérieur",
                 "note-de-service": "note de service", "guide": "guide"}
JURISDICTION_LABELS = {"fr": "France", "ch": "Suisse", "be": "Belgique", "lu": "Luxembourg", "qc": "Québec"}
#: Causes that describe the company's own settings; the employees' notice leaves them out.
_INTERNAL_CAUSES = {"variable", "option", "contact", "override-added", "override-changed",
                    "override-removed", "module-replaced", "module-edited", "reference-renumbered"}


# -- readable text ---------------------------------------------------------------------------------
_CODE_RE = re.compile(r"(?<![\\`])(`+)(?!`)(.+?)(?<!`)\1(?!`)")
_ESCAPE_RE = re.compile(r"\\([!-/:-@\[-`{-~])")
_ENTITY_RE = re.compile(r"&(?:amp|lt|gt|quot|apos|#\d{1,7}|#x[0-9a-fA-F]{1,6});")
_LINK_RE = re.compile(r"(?<![\\!])\[((?:\\.|[^\]\\\n])*)\]\(((?:\\.|[^()\s\\])*)\)")
_STRONG_RE = re.compile(r"(?<![\\*_])(\*\*|__)(?=[^\s*_])(.+?)(?<=[^\s\\])\1(?![*_])")
_EM_RE = re.compile(r"(?<![\\*\w])([*_])(?=[^\s*_])(.+?)(?<=[^\s\\*_])\1(?![*\w])")
_BULLET_RE = re.compile(r"(?m)^([ \t]*)([-*+])[ \t]+")
_HEADING_RE = re.compile(r"(?m)^[ \t]*(#{1,6})[ \t]+")
_QUOTE_RE = re.compile(r"(?m)^[ \t]*(>[ \t]?)")
_BLOCK_RE = re.compile(r"[ \t]*(?:[-*+][ \t]|\d+[.)][ \t]|#|>|```|~~~)")
_FENCE_RE = re.compile(r"[ \t]*(?:```|~~~)")


def readable_map(md: str) -> list[tuple[str, int]]:
    """For each character of Markdown ``md``: what a reader sees (maybe nothing) and its style."""
    shown: list[str] = list(md)
    style = [0] * len(md)
    literal: set[int] = set()  # characters that are text, never markup
    for m in _CODE_RE.finditer(md):
        _hide(shown, m.start(1), m.end(1))
        _hide(shown, m.end(2), m.end())
        literal.update(range(m.start(2), m.end(2)))
        for i in range(m.start(2), m.end(2)):
            style[i] |= CODE
    for m in _ESCAPE_RE.finditer(md):
        if m.start() not in literal:
            shown[m.start()] = ""
            literal.add(m.start() + 1)
    for m in _ENTITY_RE.finditer(md):
        if m.start() not in literal:
            _hide(shown, m.start(), m.end())
            shown[m.start()] = html.unescape(m.group())
            literal.update(range(m.start(), m.end()))
    for m in _LINK_RE.finditer(md):
        if m.start() in literal:
            continue
        shown[m.start()] = ""
        if m.group(2).startswith("clause:"):
            _hide(shown, m.end(1), m.end())
        else:  # an outside link keeps its address visible: "label (https://…)"
            shown[m.end(1)] = " "
    for regex, flag in ((_STRONG_RE, BOLD), (_EM_RE, ITALIC)):
        for m in regex.finditer(md):
            start, end = m.start(2), m.end(2)
            if {m.start(), end} & literal:
                continue
            _hide(shown, m.start(), start)
            _hide(shown, end, m.end())
            for i in range(start, end):
                style[i] |= flag
    for m in _BULLET_RE.finditer(md):
        if m.start(2) not in literal:
            shown[m.start(2)] = "•"
    for regex in (_HEADING_RE, _QUOTE_RE):
        for m in regex.finditer(md):
            if m.start(1) not in literal:
                _hide(shown, m.start(1), m.end())
    for i in _soft_breaks(md):
        shown[i] = " "  # a line wrapped inside a paragraph reads as a space
    return list(zip(shown, style))


def _soft_breaks(md: str) -> list[int]:
    """Positions of the newlines that wrap a paragraph (Markdown reads them as spaces)."""
    out, pos, fenced = [], 0, False
    lines = md.split("\n")
    for line, following in zip(lines, lines[1:]):
        pos += len(line)
        if _FENCE_RE.match(line):
            fenced = not fenced
        hard = line.endswith(("  ", "\\")) or _HEADING_RE.match(line)
        if not (fenced or hard or not line.strip() or not following.strip() or _BLOCK_RE.match(following)):
            out.append(pos)
        pos += 1
    return out


def _hide(shown: list[str], start: int, end: int) -> None:
    """Make characters ``start`` to ``end`` invisible."""
    for i in range(start, end):
        shown[i] = ""


def plain(md: str) -> str:
    """Markdown source as readable text."""
    return "".join(ch for ch, _ in readable_map(md))


@dataclass(frozen=True)
class Segment:
    """A run of readable text with one operation and one style."""

    op: str
    text: str
    style: int = 0


def segments(ops: Sequence[Op]) -> list[Segment]:
    """The readable text of an edit script on Markdown, as runs of (operation, text, style).

    Unchanged source that reads differently in the two versions (emphasis opened or closed by
    a change elsewhere) becomes a deletion and an insertion, so the deleted and unchanged runs
    always read as the old version and the inserted and unchanged runs as the new one.
    """
    old_map, new_map = readable_map(old_text(ops)), readable_map(new_text(ops))
    runs: list[tuple[str, int, list[str]]] = []
    i = j = 0
    for op, text in ops:
        n = len(text)
        before, after = old_map[i:i + n], new_map[j:j + n]
        if op != INSERT:
            i += n
        if op != DELETE:
            j += n
        if op == EQUAL and before != after:
            for same, pairs in groupby(zip(before, after), key=lambda pair: pair[0] == pair[1]):
                pairs = list(pairs)
                if same:
                    _extend(runs, EQUAL, [b for b, _ in pairs])
                else:
                    _extend(runs, DELETE, [b for b, _ in pairs])
                    _extend(runs, INSERT, [a for _, a in pairs])
        else:
            _extend(runs, op, before if op == DELETE else after)
    return [Segment(op, "".join(chars), style) for op, style, chars in runs]


def _extend(runs: list[tuple[str, int, list[str]]], op: str, chars: Sequence[tuple[str, int]]) -> None:
    """Append readable characters to the runs, merging runs of the same operation and style."""
    for shown, style in chars:
        if not shown:
            continue
        if runs and runs[-1][0] == op and runs[-1][1] == style:
            runs[-1][2].append(shown)
        else:
            runs.append((op, style, [shown]))


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of readable text and how its ending break changed (its paragraph mark)."""

    segments: tuple[Segment, ...]
    mark: str = EQUAL

    @property
    def changed(self) -> bool:
        """True when any of its text or its break was inserted or deleted."""
        return self.mark != EQUAL or any(s.op != EQUAL for s in self.segments)


def paragraphs(segs: Iterable[Segment]) -> list[Paragraph]:
    """Split readable runs into paragraphs; each run of line breaks is one paragraph break.

    A break kept in both versions is unchanged; one only in the new version is inserted, one only
    in the old version is deleted, so accepting or rejecting every change gives each version back.
    """
    out: list[Paragraph] = []
    current: list[Segment] = []
    breaks: list[str] = []
    for seg in segs:
        for piece in re.split(r"(\n+)", seg.text):
            if not piece:
                continue
            if piece[0] == "\n":
                breaks.extend([seg.op] * len(piece))
                continue
            if breaks:
                out.append(Paragraph(tuple(current), _mark(breaks)))
                current, breaks = [], []
            current.append(Segment(seg.op, piece, seg.style))
    if current or breaks:
        out.append(Paragraph(tuple(current), _mark(breaks) if breaks else EQUAL))
    return out


def _mark(breaks: list[str]) -> str:
    """The paragraph mark of a run of line breaks from their operations."""
    ops = set(breaks)
    if EQUAL in ops or ops == {INSERT, DELETE}:
        return EQUAL
    return ops.pop()


# -- French wording --------------------------------------------------------------------------------
def french_date(value: str | None) -> str:
    """An ISO date as French readers write it, or the text as it is when it is not a date."""
    from charter_kit.locales.fr import date as _french

    if not value:
        return ""
    try:
        return _french(value)
    except ValueError:
        return value


def side_label(side: Side) -> str:
    """ "la version 1.2.0 du 1er mars 2026" or "le projet en cours"."""
    if side.version is None:
        return "le projet en cours"
    return f"la version {side.version}" + (f" du {french_date(side.date)}" if side.date else "")


def of_side(side: Side) -> str:
    """ "de la version 1.2.0 du 1er mars 2026" or "du projet en cours"."""
    label = side_label(side)
    return "du " + label[3:] if label.startswith("le ") else "de " + label


def meta_value(change: MetaChange, value: Any) -> str:
    """A charter field's value as readers expect it."""
    if value is None:
        return "—"
    if change.field == "status":
        return STATUS_LABELS.get(value, value)
    if change.field == "jurisdiction":
        return JURISDICTION_LABELS.get(value, value)
    if change.field in ("date", "effective_date"):
        return french_date(value)
    if isinstance(value, bool):
        return "oui" if value else "non"
    return str(value)


def clause_nature(change: ClauseChange) -> str:
    """ "modifiée (forme), renumérotée (ancien n° 2.3)" and the like."""
    parts = []
    for kind in change.kinds:
        label = CLAUSE_KINDS[kind]
        if kind == "modified":
            label += " (forme)" if change.editorial else " (fond)"
        elif kind == "renumbered":
            label += f" (ancien n° {change.old_number})"
        elif kind == "moved" and change.old_article != change.new_article:
            label += f" (depuis l'article « {change.old_article} »)"
        parts.append(label)
    return ", ".join(parts)


def article_nature(change: ArticleChange) -> str:
    """ "ajouté", "modifié, renuméroté (ancien n° 3)" and the like."""
    parts = []
    for kind in change.kinds:
        label = ARTICLE_KINDS[kind]
        if kind == "renumbered":
            label += f" (ancien n° {change.old_number})"
        parts.append(label)
    return ", ".join(parts) or "sans changement de texte"


def summary_sentence(d: CharterDiff) -> str:
    """One sentence counting the changes, in French."""
    if d.is_empty:
        return "Aucune modification."
    counts = d.counts()
    parts = [_count(counts[k], "clause", label) for k, label in CLAUSE_KINDS.items() if counts[k]]
    parts += [_count(counts[k], "article", label)
              for k, label in (("articles_added", "ajouté"), ("articles_removed", "supprimé")) if counts[k]]
    if not parts:
        parts = ["aucun changement de clause"]
    from charter_kit.locales.fr import join as french_list

    sentence = french_list(parts) + "."
    return sentence[0].upper() + sentence[1:]


def _count(n: int, noun: str, adjective: str) -> str:
    """"3 clauses ajoutées": a count with French agreement."""
    plural = "s" if n > 1 else ""
    return f"{n} {noun}{plural} {adjective}{plural}"


def detailed(change: ClauseChange | ArticleChange) -> bool:
    """True when a change is shown in full: not a mere renumbering, not causes alone."""
    return bool(change.kinds) and change.kinds != ("renumbered",)


def renumbered_only(d: CharterDiff) -> list[str]:
    """ "article 2 → 3", "2.3 → 2.4": every article or clause whose number alone changed."""
    articles = [f"article {a.old_number} → {a.new_number}" for a in d.articles if a.kinds == ("renumbered",)]
    return articles + [f"{c.old_number} → {c.new_number}" for c in d.clauses if c.kinds == ("renumbered",)]


def clause_heading(change: ClauseChange) -> str:
    """ "2.4 Titre" as readers see it (the old number and title for a removed clause)."""
    return f"{change.number} {plain(change.title)}"


def clause_heading_ops(change: ClauseChange) -> list[Op]:
    """The edit script of a clause's heading, "2.3 Titre" to "2.4 Titre" (empty on a side without it)."""
    return word_ops(_heading(change.old_number, old_text(change.title_ops)),
                    _heading(change.new_number, new_text(change.title_ops)))


def _heading(number: str | None, title: str) -> str:
    """"2.3 Titre", or nothing when the clause is absent from that version."""
    return f"{number} {title}" if number is not None else ""


def article_heading_ops(change: ArticleChange) -> list[Op]:
    """The edit script of an article's heading, "Article 2. Titre" to "Article 3. Titre"."""
    return word_ops(_article_heading(change.old_number, old_text(change.title_ops)),
                    _article_heading(change.new_number, new_text(change.title_ops)))


def _article_heading(number: int | None, title: str) -> str:
    """"Article 2. Titre", or nothing when the article is absent from that version."""
    return f"Article {number}. {title}" if number is not None else ""


# -- terminal text ---------------------------------------------------------------------------------
_ANSI = {"red": "\x1b[31m", "green": "\x1b[32m", "bold": "\x1b[1m", "strike": "\x1b[9m", "reset": "\x1b[0m"}


def to_text(d: CharterDiff, color: bool) -> str:
    """The diff for a terminal: summary, then each change with its words and causes."""
    paint = _painter(color)
    block = functools.partial(_text_block, paint=paint, color=color)
    out = [paint("bold", plain(d.title)), f"Comparaison {of_side(d.old)} avec {side_label(d.new)}.",
           summary_sentence(d) if d.is_empty else f"Nature : {DIFF_KINDS[d.kind]}. {summary_sentence(d)}"]
    for m in d.metadata:
        out.append(f"  {META_LABELS.get(m.field, m.field)} : {meta_value(m, m.old)} → {meta_value(m, m.new)}")
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


# -- HTML ------------------------------------------------------------------------------------------
def to_html(d: CharterDiff) -> str:
    """A standalone HTML redline: summary table, then each change struck in red or inserted in green."""
    from charter_kit.templating import get_environment

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
    }


def _side_view(side: Side) -> dict[str, Any]:
    """One compared version as the template shows it."""
    return {"label": side.label, "text": side_label(side), "of": of_side(side), "effective": french_date(side.effective_date),
            "digest": side.digest[:12], "approvals": list(side.approvals), "notes": side.notes or ""}


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


# -- Markdown --------------------------------------------------------------------------------------
def to_markdown(d: CharterDiff, *, link: Callable[[str], str] | None = None) -> str:
    """A summary for the notice to employees and the site's "Modifications" page.

    It lists what changed, article by article, with the new wording of each added or modified
    clause; ``link`` turns a clause id into a URL for cross-references (plain text without it).
    Technical causes (profile settings) are left to the legal reports; changelog notes stay.
    """
    out = [f"# Modifications de la charte : {d.new.label}", "",
           f"Ce document compare {side_label(d.new)} avec {side_label(d.old)}."]
    if d.new.effective_date:
        out[-1] += f" Cette version entre en vigueur le {french_date(d.new.effective_date)}."
    nature = "" if d.is_empty else f"**Nature** : {DIFF_KINDS[d.kind]}. "
    out += ["", nature + summary_sentence(d), ""]
    if d.new.notes:
        out += [_md_quote(d.new.notes), ""]
    if d.is_empty:
        return "\n".join(out).rstrip("\n") + "\n"
    if any(not m.stamp for m in d.metadata):
        out += ["## La charte", ""]
        out += [f"- {META_LABELS.get(m.field, m.field)} : {meta_value(m, m.old)} → {meta_value(m, m.new)}"
                for m in d.metadata if not m.stamp]
        out.append("")
    out += _md_articles(d, link)
    moves = renumbered_only(d)
    if moves:
        out += ["## Numérotation", "", "Changent seulement de numéro : " + ", ".join(moves) + ".", ""]
    notes = [c for c in d.causes if c.kind not in _INTERNAL_CAUSES]
    if notes:
        out += ["## Origine des changements", ""]
        for c in notes:
            out.append(f"- {describe(c)}")
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _md_articles(d: CharterDiff, link: Callable[[str], str] | None) -> list[str]:
    """The Markdown sections of changed articles and clauses."""
    out = []
    articles = {a.id: a for a in d.articles if detailed(a)}
    by_article: dict[str, list[ClauseChange]] = {}
    for c in d.clauses:
        if detailed(c):
            by_article.setdefault(c.new_article or c.old_article, []).append(c)
    for place in d.layout:
        a, clauses = articles.get(place.id), by_article.get(place.id, [])
        if a is None and not clauses:
            continue
        out += [f"## Article {place.number}. {place.title}", ""]
        if a is not None:
            out += [f"*Article {article_nature(a)}.*", ""]
            if a.status != "removed" and changed(a.intro_ops):
                out += [_md_quote(_unlink(new_text(a.intro_ops), link)), ""]
            if a.status != "removed" and a.old_legal_basis != a.new_legal_basis and a.new_legal_basis:
                out += ["*Références : " + " ; ".join(a.new_legal_basis) + "*", ""]
        for c in clauses:
            out += _md_clause(c, link)
    return out


def _unlink(text: str, link: Callable[[str], str] | None) -> str:
    """Cross-references as links to ``link(id)``, or as their plain label without ``link``."""
    return link_clauses(text, link) if link else re.sub(r"\[([^\]]*)\]\(clause:[^)]*\)", r"\1", text)


def _md_clause(c: ClauseChange, link: Callable[[str], str] | None) -> list[str]:
    """One clause change as a Markdown list item with its new wording."""
    title = new_text(c.title_ops) if c.status != "removed" else old_text(c.title_ops)
    head = f"- **{c.number} {title}** : clause {clause_nature(c)}."
    if c.status == "removed" or not (c.status == "added" or c.modified):
        return [head, ""]
    text = _unlink(new_text(c.text_ops), link)
    label = "Texte" if c.status == "added" else "Nouvelle rédaction"
    # Four spaces: Python-Markdown only keeps a list item's continuation with that indent.
    return [head, "", f"    {label} :", "", _md_quote(text, indent="    "), ""]


def _md_quote(text: str, indent: str = "") -> str:
    """Text as a Markdown block quote."""
    return "\n".join(f"{indent}> {line}".rstrip() for line in text.split("\n"))


# -- by format name (the CLI's --format) ----------------------------------------------------------
FORMATS = ("text", "html", "markdown", "json", "docx", "pdf")


def render_diff(d: CharterDiff, fmt: str, *, new: Charter | None = None, color: bool = False,
                author: str | None = None) -> str | bytes:
    """The diff in one of ``FORMATS``: text for text formats, bytes for docx and pdf (docx needs ``new``)."""
    if fmt == "text":
        return to_text(d, color)
    if fmt in ("html", "markdown", "json", "pdf"):
        return {"html": to_html, "markdown": to_markdown, "json": to_json, "pdf": to_pdf}[fmt](d)
    if fmt == "docx":
        if new is None:
            raise ValueError("the docx format needs the new charter")
        from charter_kit.reports.docx import to_docx

        return to_docx(d, new, author=author)
    raise DiffError(f"unknown diff format '{fmt}'." + did_you_mean(fmt, FORMATS),
                    hint="choose one of " + ", ".join(FORMATS))


# -- JSON and PDF ----------------------------------------------------------------------------------
def to_json(d: CharterDiff) -> str:
    """The diff as canonical JSON (sorted keys, no whitespace): same diff, same text."""
    return d.to_json()


def to_pdf(d: CharterDiff) -> bytes:
    """The HTML redline printed with WeasyPrint."""
    import weasyprint

    return weasyprint.HTML(string=to_html(d), base_url=None).write_pdf()

