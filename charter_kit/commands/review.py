"""`charter review import`: the edits legal made in Word, brought back onto the clauses of the draft.

The document must be one charter-kit wrote (the consolidated DOCX or the redline): each clause lies
in its bookmark ``_ck_<module>_<clause>``. For every clause, the text before legal's revisions is
compared with the draft's (a clause that changed since the document was made is reported, never
overwritten), and the text after them is carried back onto the clause's Markdown
(``review_text.carry``). What cannot be placed on one clause exactly (a change outside any clause,
a heading added or deleted, a change across two clauses, a table edited beyond recognition) is
reported, not guessed. ``apply_review`` writes the proposals into charter.yml as overrides with
``text:`` (and ``title:``), with who proposed them; module files are never touched.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path

from charter_kit.commands.review_text import carry, normalize, reads_as
from charter_kit.compose.overrides_edit import OverrideEntry, write_overrides
from charter_kit.compose.pipeline import load_project
from charter_kit.diff.compare import diff
from charter_kit.errors import CharterError, ProfileError
from charter_kit.i18n import _
from charter_kit.fsutil import atomic_write
from charter_kit.model.charter import Charter, Clause
from charter_kit.reports.markdown_text import plain
from charter_kit.typeset.docx import ARTICLE_PREFIX, BOOKMARK_PREFIX, bookmark_name
from charter_kit.typeset.docx_read import DELETE, EQUAL, INSERT, Comment, Para, WordDocument, read_docx

HEADING = "Heading2"


@dataclass
class Proposal:
    """The changes legal proposes to one clause, and who proposed them."""

    clause: Clause
    text: str | None = None
    title: str | None = None
    authors: set[str] = field(default_factory=set)
    dates: set[str] = field(default_factory=set)
    comments: list[Comment] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """True when the clause's text or title changes."""
        return self.text is not None or self.title is not None


@dataclass
class Review:
    """What a reviewed document brings back: proposals per clause, and what could not be placed."""

    document: str
    proposals: list[Proposal]
    problems: list[str]
    comments_elsewhere: list[Comment]
    draft: Charter

    def proposed(self) -> Charter:
        """The draft with every proposal applied as the override --apply writes (shown as a diff)."""
        by_id = {p.clause.id: p for p in self.proposals if p.changed}

        def changed(c: Clause) -> Clause:
            p = by_id.get(c.id)
            if p is None:
                return c
            return dataclasses.replace(c, text=p.text if p.text is not None else c.text,
                                       title=p.title if p.title is not None else c.title, overridden=True)

        articles = tuple(dataclasses.replace(a, clauses=tuple(changed(c) for c in a.clauses)) for a in self.draft.articles)
        overrides = dict(self.draft.overrides)
        for cid, p in by_id.items():
            overrides[cid] = {k: v for k, v in (("text", p.text), ("title", p.title)) if v is not None}
        return dataclasses.replace(self.draft, articles=articles, overrides=dict(sorted(overrides.items())))


def import_review(profile: Path, docx: Path) -> Review:
    """Read ``docx`` and map legal's revisions and comments onto the draft's clauses."""
    draft = load_project(profile).charter
    word = read_docx(Path(docx).read_bytes(), str(docx))
    kind = word.properties.get("charter-kit.document")
    if kind not in ("charter", "redline"):
        raise CharterError(_("{file}: not a document made by charter-kit (no charter-kit properties)").format(file=docx),
                           hint=_("import the .docx made by {render} or {diff}, edited in Word with tracked changes")
                           .format(render="'charter render --format docx'", diff="'charter diff --format docx'"))
    ours = {word.properties.get("charter-kit.author", "charter-kit")} if kind == "redline" else set()
    names, problems = _names(draft)
    review = Review(str(docx), [], problems, [], draft)
    groups, clause_of = _group(word, names, ours, review)
    for cid, paras in groups.items():
        proposal = _proposal(draft.clause(cid), paras, ours, kind, review)
        if proposal is not None:
            review.proposals.append(proposal)
    _comments(word, clause_of, ours, review, draft)
    review.proposals.sort(key=lambda p: [int(x) for x in p.clause.number.split(".")])
    return review


def _names(draft: Charter) -> tuple[dict[str, str], list[str]]:
    names: dict[str, str] = {}
    problems = []
    for c in draft.clauses():
        name = bookmark_name(c.id)
        if name in names:
            problems.append(_("clauses {first} and {second} share the bookmark {name}: their edits are not imported")
                            .format(first=names[name], second=c.id, name=name))
        names[name] = c.id
    return names, problems


def _legal(para: Para, ours: set[str]) -> set[str]:
    return para.authors() - ours


def _group(word: WordDocument, names: dict[str, str], ours: set[str], review: Review):
    """Paragraphs by clause id; changes outside any clause of the draft reported."""
    groups: dict[str, list[Para]] = {}
    clause_of: dict[int, str] = {}
    last: str | None = None  # the clause just read: a paragraph typed after its end belongs to it
    for para in word.paragraphs:
        marks = [b for b in para.bookmarks if b.startswith(BOOKMARK_PREFIX) and not b.startswith(ARTICLE_PREFIX)]
        clauses = sorted({names[b] for b in marks if b in names})
        if not clauses and last and _typed_by(para, ours) and para.style not in (HEADING, "Heading1"):
            clauses = [last]  # Word leaves the bookmark's end before a paragraph typed after it
        last = clauses[0] if len(clauses) == 1 else None
        unknown = [b for b in marks if b not in names and b.startswith(BOOKMARK_PREFIX) and b.count("_") > 2]
        authors = _legal(para, ours)
        if len(clauses) > 1:
            if authors:
                review.problems.append(_("a change by {authors} joins clauses {clauses} ({snippet}): not imported, "
                                         "report it by hand").format(authors=", ".join(sorted(authors)),
                                                                     clauses=_(" and ").join(clauses),
                                                                     snippet=f"« {_snippet(para)} »"))
            continue
        if clauses:
            groups.setdefault(clauses[0], []).append(para)
            clause_of[para.index] = clauses[0]
        elif authors:
            where = _("a clause that is not in the draft") if unknown else _("no clause")
            review.problems.append(_("a change by {authors} outside the clauses ({where}): {snippet}; not imported")
                                   .format(authors=", ".join(sorted(authors)), where=where,
                                           snippet=f"« {_snippet(para)} »"))
    return groups, clause_of


def _typed_by(para: Para, ours: set[str]) -> bool:
    """True when all of a paragraph's text was inserted by someone other than charter-kit."""
    return bool(para.pieces) and all(p.op == INSERT and p.author not in ours for p in para.pieces)


def _snippet(para: Para, size: int = 70) -> str:
    text = " ".join((para.text(True) or para.text(False)).split())
    return text if len(text) <= size else text[: size - 1] + "…"


def _view(paras: list[Para], accept: bool, ours: set[str]) -> list[str]:
    """The paragraphs' texts with legal's revisions accepted (or rejected) and ours accepted;
    a paragraph whose break is gone in that view joins the next one."""
    out: list[str] = []
    carry_text = ""
    for para in paras:
        text = carry_text + para.text(accept, only=(para.authors() - ours) or {"\0"})
        mark = para.mark
        legal_mark = mark.op != EQUAL and mark.author not in ours
        dropped = legal_mark and ((mark.op == DELETE and accept) or (mark.op == INSERT and not accept))
        ours_dropped = mark.op == DELETE and mark.author in ours
        if dropped or ours_dropped:
            carry_text = text
            continue
        out.append(text)
        carry_text = ""
    if carry_text:
        out.append(carry_text)
    return out


def _proposal(clause: Clause, paras: list[Para], ours: set[str], kind: str, review: Review) -> Proposal | None:
    authors = set().union(*(_legal(p, ours) for p in paras))
    dates = {piece.date[:10] for p in paras for piece in [*p.pieces, p.mark]
             if piece.op != EQUAL and piece.author in authors and piece.date}
    proposal = Proposal(clause, authors=authors, dates=dates)
    heading = paras[0]
    where = _("clause {number} ({id})").format(number=clause.number, id=clause.id)
    if heading.style != HEADING or any(p.style == HEADING for p in paras[1:]):
        if authors:
            review.problems.append(_("{where}: its heading was removed or a heading was added inside it: not "
                                     "imported (a new clause goes into a module; a removal is 'remove: true' in "
                                     "overrides)").format(where=where))
        return proposal
    before, after = _view(paras, False, ours), _view(paras, True, ours)
    if normalize("\n".join(before))[0] == normalize("\n".join(after))[0]:
        return proposal  # nothing changed in its words (comments only, or changes undone)
    if not "".join(after[1:]).strip() and not after[0].strip():
        review.problems.append(_("{where}: deleted whole by {authors}: to remove it, add 'remove: true' for it under "
                                 "overrides").format(where=where,
                                                     authors=", ".join(sorted(authors)) or _("an untracked edit")))
        return proposal
    number = re.compile(r"^\s*" + re.escape(clause.number) + r"[\s\u00a0\u202f]+")
    if not (number.match(before[0]) and number.match(after[0])):
        review.problems.append(_("{where}: its number was edited; numbers follow the order of clauses: not imported")
                               .format(where=where))
        return proposal
    title_before, title_after = number.sub("", before[0], 1), number.sub("", after[0], 1)
    expected_body = _expected_body(clause, kind)
    if normalize("\n".join(before[1:]))[0] != expected_body or normalize(title_before)[0] != reads_as(clause.title):
        review.problems.append(_("{where}: the clause changed in the draft since the document was made; its edits "
                                 "are not imported: make them by hand or import a document made from the draft")
                               .format(where=where))
        return proposal
    if normalize(before[0])[0] != normalize(after[0])[0]:
        proposal.title = carry(clause.title, title_before, title_after, block=False)
        if proposal.title is None:
            review.problems.append(_("{where}: the edit of its title cannot be carried into the Markdown exactly")
                                   .format(where=where))
    if normalize("\n".join(before[1:]))[0] != normalize("\n".join(after[1:]))[0]:
        proposal.text = carry(clause.text, "\n".join(before[1:]), "\n".join(after[1:]))
        if proposal.text is None:
            review.problems.append(_("{where}: the edit cannot be carried into the Markdown exactly (a table, a link "
                                     "or formatting changed): copy it by hand; proposed text: {text}").format(
                where=where, text=f"« {' '.join(after[1:])} »"))
    if not authors:
        review.problems.append(_("{where}: edited without tracked changes (author unknown); imported all the same")
                               .format(where=where))
    return proposal


def _expected_body(clause: Clause, kind: str) -> str:
    """How the clause's text reads in a document of this kind, normalized: written again the same way."""
    if kind == "redline":
        return normalize(plain(clause.text))[0]
    from charter_kit.outputs.docx import clause_paragraphs
    from charter_kit.typeset.docx import DocInfo, Docx

    doc = Docx(DocInfo(title="", subject="", author=""))
    clause_paragraphs(doc, clause, anchors=())
    word = read_docx(doc.to_bytes())
    return normalize("\n".join(p.text(True) for p in word.paragraphs if p.style != HEADING))[0]


def _comments(word: WordDocument, clause_of: dict[int, str], ours: set[str], review: Review, draft: Charter) -> None:
    by_id = {p.clause.id: p for p in review.proposals}
    for comment in word.comments:
        if comment.author in ours:
            continue
        cid = clause_of.get(comment.first)
        if cid is None:
            review.comments_elsewhere.append(comment)
            continue
        proposal = by_id.get(cid)
        if proposal is None:
            proposal = by_id[cid] = Proposal(draft.clause(cid))
            review.proposals.append(proposal)
        proposal.comments.append(comment)


# -- applying ----------------------------------------------------------------------------------------
def apply_review(profile: Path, review: Review, *, source_name: str) -> list[str]:
    """Write every proposal into charter.yml as an override; the clause ids written.

    The file is reloaded and rendered afterwards; if it no longer loads it is put back as it was."""
    path = Path(profile)
    entries = [OverrideEntry(p.clause.id, p.text, p.title, _notes(p, source_name)) for p in review.proposals if p.changed]
    if not entries:
        return []
    original = path.read_text(encoding="utf-8")
    try:
        updated = write_overrides(original, entries)
    except ValueError as exc:
        raise CharterError(_("{file}: {problem}; nothing was written").format(file=path, problem=exc)) from None
    atomic_write(path, updated)
    try:
        load_project(path)
    except ProfileError as exc:
        atomic_write(path, original)
        raise CharterError(_("{file}: the imported edits make the profile invalid; it was put back as it was:\n"
                             "{error}").format(file=path, error=exc.message)) from None
    return [e.clause_id for e in entries]


def _notes(p: Proposal, source: str) -> list[str]:
    who = ", ".join(sorted(p.authors)) or "un auteur inconnu (modifications non suivies)"
    when = f" le {', '.join(sorted(p.dates))}" if p.dates else ""
    notes = [f"Proposé par {who}{when} dans {Path(source).name} (modifications suivies Word), "
             f"importé par charter review import."]
    notes += [f"Commentaire de {c.author}{' le ' + c.date[:10] if c.date else ''} : {c.text}" for c in p.comments]
    return notes


def review_diff(review: Review):
    """The proposals as a CharterDiff against the draft (every report format can show it)."""
    return diff(review.draft, review.proposed())
