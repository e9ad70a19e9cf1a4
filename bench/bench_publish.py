"""Benchmark: what publishing one more version costs, with 2 versions and with N (default 20).

Usage: python bench/bench_publish.py [--versions N] [--profile examples/groupe-horizon/charter.yml]

It renders the example charter once, then writes N releases of it into a temporary project (each
with one clause reworded, so every release differs), publishing after each one. Two scenarios:

- upcoming: the new version is not in force yet on the publishing day (HR publishes ahead of the
  effective date). Only the new version's folder is built; the others are reused.
- in force: the new version applies at once. It and the version it archives are rebuilt (the
  banners link to latest/ without naming the version in force); every other folder is reused.

Prints one line per publish and a summary. Not a timed test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from charter_kit.model.charter import Charter  # noqa: E402
from charter_kit.compose.pipeline import load_project  # noqa: E402
from charter_kit.commands.publish import publish  # noqa: E402
from charter_kit.outputs.pdf import pdf_filename, render_pdf  # noqa: E402
from charter_kit.store.releases import load_releases, write_release  # noqa: E402

START = dt.date(2027, 1, 1)


def variant(base: Charter, n: int, effective: dt.date) -> Charter:
    """Release ``n`` of the charter: one clause gains a sentence, stamped 1.n.0."""
    article = base.articles[n % len(base.articles)]
    clause = article.clauses[0]
    changed = replace(clause, text=clause.text + f"\n\nPrécision n° {n}.")
    articles = tuple(replace(a, clauses=(changed, *a.clauses[1:])) if a.id == article.id else a
                     for a in base.articles)
    day = START + dt.timedelta(days=n)
    return replace(base, articles=articles).with_release(
        version=f"1.{n}.0", date=day.isoformat(), effective_date=effective.isoformat())


def run_scenario(base: Charter, versions: int, in_force: bool, folder: Path) -> list[tuple[int, float, int]]:
    """Release and publish ``versions`` times; return (versions, seconds, folders built) per publish."""
    root = folder / ("in-force" if in_force else "upcoming")
    out = root / "public"
    rows = []
    for n in range(1, versions + 1):
        # Upcoming: every version after the first applies in the far future; in force: at once.
        effective = START + dt.timedelta(days=n) if in_force or n == 1 else dt.date(2099, 1, 1)
        charter = variant(base, n, effective)
        previous = load_releases(root)[-1] if n > 1 else None
        write_release(root, charter, {pdf_filename(charter): render_pdf(charter)}, kind="substantive", previous=previous)
        on = START + dt.timedelta(days=n)
        started = time.perf_counter()
        report = publish(root, out, on)
        rows.append((n, time.perf_counter() - started, len(report.built)))
        print(f"  {'in force' if in_force else 'upcoming'}: version {n:2d}: publish {rows[-1][1]:.2f} s, "
              f"built {len(report.built)}, reused {len(report.reused)}", flush=True)
    return rows


def main() -> None:
    """Run both scenarios and print the cost of the 2nd and the last publish."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--versions", type=int, default=20)
    parser.add_argument("--profile", type=Path, default=ROOT / "examples" / "groupe-horizon" / "charter.yml")
    args = parser.parse_args()
    base = load_project(args.profile).charter
    words = sum(len(c.text.split()) for c in base.clauses())
    print(f"charter: {len(base.articles)} articles, {len(base.clauses())} clauses, {words} words; "
          f"{args.versions} versions per scenario")
    with tempfile.TemporaryDirectory(prefix="bench-publish-") as tmp:
        for in_force in (False, True):
            rows = run_scenario(base, args.versions, in_force, Path(tmp))
            later = [seconds for n, seconds, _ in rows[2:]]
            print(f"{'in force' if in_force else 'upcoming'}: 2nd version {rows[1][1]:.2f} s, "
                  f"{args.versions}th version {rows[-1][1]:.2f} s, median from the 3rd on "
                  f"{statistics.median(later) if later else float('nan'):.2f} s")


if __name__ == "__main__":
    main()
