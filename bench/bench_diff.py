"""Benchmark: ``charter diff`` beside difflib run per clause and beside ``redlines``, in one run.

Run with ``python bench/bench_diff.py [--rounds N] [--words N] [--edits N]``. Two versions of a
synthetic charter (20,000 words, 75 clauses, 600 scattered word edits, from a fixed seed) are
compared by three contenders in every round, in rotating order, so machine load falls on all alike:

- ``charter diff``: ``diff()``, clauses matched by id, word-level edit scripts, causes and the
  editorial/substantive judgement;
- ``difflib per clause``: for the same clause pairs (title and text of each clause whose text
  differs), ``difflib.SequenceMatcher(None, old_tokens, new_tokens).get_opcodes()`` with difflib's
  defaults on the same tokens: the edit script alone, no causes, no judgement;
- ``redlines`` (the ``redlines`` package, optional extra ``bench``): the two whole texts at once.

``--renderers`` adds the reports (terminal text, HTML, Markdown, JSON, DOCX) to the rounds. It
prints CPU seconds (min and median over the rounds) and the ratios; the target is ``charter diff``
no slower than difflib per clause (median ratio <= 1.0), the exit status says whether it is met.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from difflib import SequenceMatcher

from charter_kit.diff.compare import diff
from charter_kit.diff.words import tokenize
from charter_kit.model.charter import Article, Charter, Clause

WORDS = ("salarié entreprise réseaux sociaux publication message compte information client "
         "confidentiel public responsable contact juridique communication charte règle avis "
         "donnée personnelle respect image marque collègue groupe privé sanction signaler").split()
GLUE = ("de", "la", "le", "les", "des", "et", "en", "à", "un", "une", "pour", "sur", "dans")


def sentence(rng: random.Random, n: int) -> str:
    """A French-looking sentence of ``n`` words."""
    words = [rng.choice(WORDS if i % 2 else GLUE) for i in range(n)]
    return " ".join(words).capitalize() + "."


def clause_text(rng: random.Random, words: int) -> str:
    """A clause body of about ``words`` words, in paragraphs and a short list."""
    paragraphs, left = [], words
    while left > 0:
        n = min(left, rng.randint(25, 60))
        paragraphs.append(" ".join(sentence(rng, k) for k in _split(rng, n)))
        left -= n
    paragraphs.insert(len(paragraphs) // 2, "**En pratique**\n\n- Oui : " + sentence(rng, 8)
                      + "\n- Non : " + sentence(rng, 8))
    return "\n\n".join(paragraphs)


def _split(rng: random.Random, n: int) -> list[int]:
    """Sentence lengths adding up to ``n`` words."""
    parts = []
    while n > 0:
        k = min(n, rng.randint(8, 18))
        parts.append(k)
        n -= k
    return parts


def make_charter(rng: random.Random, total_words: int = 20_000, articles: int = 15,
                 clauses_per_article: int = 5) -> Charter:
    """A synthetic charter of about ``total_words`` words."""
    per_clause = total_words // (articles * clauses_per_article)
    arts = []
    for n in range(1, articles + 1):
        clauses = tuple(Clause(id=f"m{n}.c{m}", number=f"{n}.{m}", title=sentence(rng, 4).rstrip("."),
                               text=clause_text(rng, per_clause)) for m in range(1, clauses_per_article + 1))
        arts.append(Article(id=f"m{n}", number=n, title=f"Module {n}", intro=sentence(rng, 20), clauses=clauses))
    return Charter(title="Charte", company={"name": "Acme", "legal_name": "Acme SA"}, articles=tuple(arts))


def edit(charter: Charter, rng: random.Random, edits: int = 600) -> Charter:
    """A copy of ``charter`` with ``edits`` word replacements, insertions and deletions spread over it."""
    clauses = charter.clauses()
    plan: dict[str, int] = {}
    for _ in range(edits):
        cid = rng.choice(clauses).id
        plan[cid] = plan.get(cid, 0) + 1
    arts = []
    for a in charter.articles:
        arts.append(replace(a, clauses=tuple(replace(c, text=_edit_text(c.text, plan.get(c.id, 0), rng))
                                             for c in a.clauses)))
    return replace(charter, articles=tuple(arts))


def _edit_text(text: str, n: int, rng: random.Random) -> str:
    """``text`` with ``n`` random word edits."""
    words = text.split(" ")
    for _ in range(n):
        i = rng.randrange(len(words))
        action = rng.choice(("replace", "insert", "delete"))
        if action == "replace":
            words[i] = rng.choice(WORDS)
        elif action == "insert":
            words.insert(i, rng.choice(WORDS))
        elif len(words) > 1:
            del words[i]
    return " ".join(words)


def difflib_per_clause(old: Charter, new: Charter) -> int:
    """difflib's edit script of every clause pair (title and text) that differs; how many opcodes."""
    theirs = {c.id: c for c in new.clauses()}
    count = 0
    for mine in old.clauses():
        other = theirs.get(mine.id)
        if other is None:
            continue
        for a, b in ((mine.title, other.title), (mine.text, other.text)):
            if a != b:
                count += len(SequenceMatcher(None, tokenize(a), tokenize(b)).get_opcodes())
    return count


def whole_text(charter: Charter) -> str:
    """The charter's clauses as one text, as one would hand it to a whole-document differ."""
    return "\n\n".join(f"{c.title}\n\n{c.text}" for c in charter.clauses())


def contenders(old: Charter, new: Charter, *, redlines: bool, renderers: bool) -> dict[str, Callable[[], object]]:
    """The functions timed in each round, by name."""
    out: dict[str, Callable[[], object]] = {
        "charter diff": lambda: diff(old, new),
        "difflib per clause": lambda: difflib_per_clause(old, new),
    }
    if redlines:
        from redlines import Redlines

        before, after = whole_text(old), whole_text(new)
        out["redlines"] = lambda: Redlines(before, after).changes
    if renderers:
        from charter_kit.reports.docx import to_docx
        from charter_kit.reports.html import to_html
        from charter_kit.reports.json import to_json
        from charter_kit.reports.markdown import to_markdown
        from charter_kit.reports.text import to_text

        result = diff(old, new)
        out.update({"report text": lambda: to_text(result, color=True),
                    "report html": lambda: to_html(result),
                    "report markdown": lambda: to_markdown(result),
                    "report json": lambda: to_json(result),
                    "report docx": lambda: to_docx(result, new)})
    return out


def rounds(runs: dict[str, Callable[[], object]], count: int) -> dict[str, list[float]]:
    """CPU seconds of each contender in ``count`` interleaved rounds (the order rotates each round)."""
    names = list(runs)
    times: dict[str, list[float]] = {name: [] for name in names}
    for r in range(count):
        for name in names[r % len(names):] + names[:r % len(names)]:
            start = time.process_time()
            runs[name]()
            times[name].append(time.process_time() - start)
    return times


def main(argv: list[str] | None = None) -> int:
    """Build the pair, time every contender in interleaved rounds, print min, median and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--words", type=int, default=20_000)
    parser.add_argument("--edits", type=int, default=600)
    parser.add_argument("--no-redlines", action="store_true", help="leave redlines out (it takes seconds a round)")
    parser.add_argument("--renderers", action="store_true", help="also time every report")
    args = parser.parse_args(argv)
    rng = random.Random(20261122)
    old = make_charter(rng, args.words)
    new = edit(old, rng, args.edits)
    result = diff(old, new)
    words = sum(len(c.text.split()) for c in old.clauses())
    print(f"{words} words, {len(old.clauses())} clauses, {args.edits} edits, "
          f"{result.counts()['modified']} clauses modified; CPU seconds over {args.rounds} interleaved rounds")
    times = rounds(contenders(old, new, redlines=not args.no_redlines, renderers=args.renderers), args.rounds)
    base = times["difflib per clause"]
    for name, values in times.items():
        print(f"{name:20} min {min(values):8.4f}  median {statistics.median(values):8.4f}  "
              f"x difflib: min {min(values) / min(base):7.2f}  median {statistics.median(values) / statistics.median(base):7.2f}")
    ours = times["charter diff"]
    if "redlines" in times:
        theirs = times["redlines"]
        print(f"redlines / charter diff: min {min(theirs) / min(ours):.0f}x, "
              f"median {statistics.median(theirs) / statistics.median(ours):.0f}x")
    ratio = statistics.median(ours) / statistics.median(base)
    print(f"target charter diff <= difflib per clause (median): {ratio:.2f} -> {'met' if ratio <= 1.0 else 'missed'}")
    return 0 if ratio <= 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
