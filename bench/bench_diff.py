"""Benchmark: diff two versions of a 20,000-word charter with 600 scattered edits.

Run with ``python bench/bench_diff.py``; prints the best time of several runs. The target is
under 0.5 s (the ``redlines`` package takes about 7 s on such a pair, per the tech notes).
Inputs are generated from a fixed seed, so every run compares the same pair.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import replace

from charter_kit.model.charter import Article, Charter, Clause
from charter_kit.diff.compare import diff

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


def main(argv: list[str] | None = None) -> int:
    """Build the pair, time ``diff`` and print the best of ``--runs`` runs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--words", type=int, default=20_000)
    parser.add_argument("--edits", type=int, default=600)
    parser.add_argument("--renderers", action="store_true", help="also time every renderer once")
    args = parser.parse_args(argv)
    rng = random.Random(20261122)
    old = make_charter(rng, args.words)
    new = edit(old, rng, args.edits)
    words = sum(len(c.text.split()) for c in old.clauses())
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        result = diff(old, new)
        times.append(time.perf_counter() - start)
    counts = result.counts()
    print(f"{words} words, {len(old.clauses())} clauses, {args.edits} edits, "
          f"{counts['modified']} clauses modified")
    print(f"diff: best {min(times):.3f} s, median {sorted(times)[len(times) // 2]:.3f} s over {args.runs} runs"
          f" (target < 0.5 s)")
    if args.renderers:
        _time_renderers(result, new)
    return 0 if min(times) < 0.5 else 1


def _time_renderers(result, new: Charter) -> None:
    """Print how long each renderer takes on the diff (one run each)."""
    from charter_kit.reports.docx import to_docx
    from charter_kit.reports.html import to_html
    from charter_kit.reports.json import to_json
    from charter_kit.reports.markdown import to_markdown
    from charter_kit.reports.pdf import to_pdf
    from charter_kit.reports.text import to_text

    renderers = {"text": lambda: to_text(result, color=True), "markdown": lambda: to_markdown(result),
                 "json": lambda: to_json(result), "html": lambda: to_html(result),
                 "docx": lambda: to_docx(result, new), "pdf": lambda: to_pdf(result)}
    for name, render in renderers.items():
        start = time.perf_counter()
        size = len(render())
        print(f"{name}: {time.perf_counter() - start:.3f} s, {size} characters or bytes")


if __name__ == "__main__":
    sys.exit(main())
