"""Benchmark: how `charter build` grows with the number of modules (15, 60, 240 by default).

Run with ``python bench/bench_scale.py [--sizes 15 60 240] [--rounds N]``. A synthetic library is
written into a temporary folder (``CHARTER_KIT_LIBRARY``): module i has eight clauses of about 120
words each (rules and information, a list, bold text, a cross-reference to its first clause), about
the size of a shipped module; a profile selects all the modules of a size. Each round builds every
size once, in turning order, as a user does (`charter build`, a new process, ``measure.cold``):
wall and CPU seconds, peak memory of the main process and of its PDF worker.

It prints, per size, min and median wall and CPU, median peak memory, the site's size and the
navigation's bytes in an article page; then least-squares slopes per module with the intercept and
R², and the marginal cost per module from each size to the next: a line when the marginal costs
agree. The navigation must grow at most linearly with the articles: its bytes per article are printed.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import load, summary  # noqa: E402
from measure import cold as run_cold  # noqa: E402

WORDS = ("salarié entreprise réseau social publication message compte information client confidentiel public "
         "responsable contact juridique communication charte règle avis donnée personnelle respect image "
         "marque collègue groupe privé sanction signaler").split()
GLUE = ("de", "la", "le", "les", "des", "et", "en", "à", "un", "une", "pour", "sur", "dans")


def sentence(rng: random.Random, n: int) -> str:
    """A French-looking sentence of ``n`` words."""
    return " ".join(rng.choice(WORDS if i % 2 else GLUE) for i in range(n)).capitalize() + "."


def module_files(i: int, rng: random.Random) -> dict[str, str]:
    """module.yml and fr.md of synthetic module ``i``."""
    mid = f"m{i:03d}"
    meta = (f'id: {mid}\nversion: 1.0.0\ntitle: {{fr: "Module {i}"}}\nsummary: {{fr: "Règles synthétiques {i}."}}\n'
            f'order: {10 + i}\nlegal_basis: {{fr: ["C. trav., art. L1121-1"]}}\n'
            'changelog:\n  - {version: 1.0.0, date: 2026-11-22, note: {fr: "Première version."}}\n')
    parts = [f"Ce module fixe des règles chez {{{{ company.name }}}}. {sentence(rng, 14)}", ""]
    for k in range(1, 9):
        nature = ".regle" if k % 3 else ".information"
        parts += [f"## {sentence(rng, 4).rstrip('.')} {{#c{k} {nature}}}", "",
                  " ".join(sentence(rng, rng.randint(10, 16)) for _ in range(4)), "",
                  "**En pratique**", "", f"- Oui : {sentence(rng, 8)}", f"- Non : {sentence(rng, 8)}", "",
                  " ".join(sentence(rng, rng.randint(10, 16)) for _ in range(3))
                  + (f' Voir {{{{ ref("{mid}.c1") }}}}.' if k > 1 else ""), ""]
    return {f"{mid}/module.yml": meta, f"{mid}/fr.md": "\n".join(parts)}


PROFILE = """charter: {{title: "Charte d'utilisation des réseaux sociaux", jurisdiction: fr, status: annexe-reglement-interieur}}
company: {{name: Groupe Échelle, legal_name: Échelle SA}}
contacts:
  rh: {{name: Direction des ressources humaines, email: rh@echelle.example}}
  juridique: {{name: Direction juridique, email: juridique@echelle.example}}
  communication: {{name: Direction de la communication, email: communication@echelle.example}}
modules: [{modules}]
"""


def nav_bytes(page: str) -> int:
    """Bytes of the primary navigation (``<nav class="md-nav md-nav--primary"…>`` and all it holds) in a page."""
    start = page.find('class="md-nav md-nav--primary"')
    start = page.rfind("<nav", 0, start)
    depth, pos = 0, start
    for m in re.compile(r"<nav\b|</nav>").finditer(page, start):
        depth += 1 if m.group() == "<nav" else -1
        pos = m.end()
        if depth == 0:
            break
    return len(page[start:pos].encode("utf-8"))


def fit(xs: list[float], ys: list[float]) -> tuple[float, float, float]:
    """Least-squares slope, intercept and R² of ys against xs."""
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx
    intercept = my - slope * mx
    total = sum((y - my) ** 2 for y in ys)
    residual = sum((y - intercept - slope * x) ** 2 for x, y in zip(xs, ys))
    return slope, intercept, 1 - residual / total if total else 1.0


def main() -> None:
    """Write the library, run the rounds, print the report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[15, 60, 240])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    sizes = sorted(args.sizes)
    runs: dict[int, list[dict[str, float]]] = {n: [] for n in sizes}
    site: dict[int, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        root = Path(tmp)
        rng = random.Random(240)
        for i in range(1, max(sizes) + 1):
            for rel, text in module_files(i, rng).items():
                (root / "library" / rel).parent.mkdir(parents=True, exist_ok=True)
                (root / "library" / rel).write_text(text, encoding="utf-8")
        env = {"CHARTER_KIT_LIBRARY": str(root / "library")}
        for n in sizes:
            (root / f"p{n}").mkdir()
            ids = ", ".join(f"m{i:03d}" for i in range(1, n + 1))
            (root / f"p{n}" / "charter.yml").write_text(PROFILE.format(modules=ids), encoding="utf-8")
        for r in range(args.rounds):
            for n in sizes[r % len(sizes):] + sizes[:r % len(sizes)]:
                out = root / f"out-{n}-{r}"
                runs[n].append(run_cold("charter_kit", ["build", "-q", "-p", str(root / f"p{n}" / "charter.yml"),
                                                        "--out", str(out)], env=env))
                if n not in site:
                    page = (out / "site" / "articles" / "m001" / "index.html").read_text(encoding="utf-8")
                    files = [p for p in (out / "site").rglob("*") if p.is_file()]
                    site[n] = {"nav": nav_bytes(page), "page": len(page.encode("utf-8")),
                               "site": sum(p.stat().st_size for p in files) / 2**20,
                               "pdf": sum(p.stat().st_size for p in out.glob("*.pdf")) / 2**20}
                print(f"round {r + 1}, {n} modules: {runs[n][-1]['wall']:.2f} s", flush=True)
    print(report(sizes, runs, site))


def report(sizes: list[int], runs: dict[int, list[dict[str, float]]], site: dict[int, dict[str, float]]) -> str:
    """The table, the slopes and the marginal costs."""
    def med(n: int, key: str) -> float:
        return statistics.median(run[key] for run in runs[n])

    lines = ["modules  wall min / median   CPU median   peak MiB (main + PDF worker)   site MiB   PDFs MiB   "
             "nav bytes in an article page (per article)"]
    for n in sizes:
        lines.append(f"{n:7d}  {summary([run['wall'] for run in runs[n]])}   {med(n, 'cpu'):10.2f}   "
                     f"{med(n, 'rss_main'):6.0f} + {med(n, 'rss_worker'):4.0f}{'':17}{site[n]['site']:8.1f}   "
                     f"{site[n]['pdf']:8.2f}   {site[n]['nav']:8d} ({site[n]['nav'] / n:.0f})")
    for key, unit, small in (("wall", "s", "ms"), ("cpu", "s", "ms"), ("rss_main", "MiB", "KiB"),
                             ("rss_worker", "MiB", "KiB")):
        scale = 1000 if unit == "s" else 1024
        xs = [float(n) for n in sizes for _ in runs[n]]
        ys = [run[key] for n in sizes for run in runs[n]]
        slope, intercept, r2 = fit(xs, ys)
        steps = [(med(b, key) - med(a, key)) / (b - a) for a, b in zip(sizes, sizes[1:])]
        lines.append(f"{key:<10} slope {slope * scale:8.1f} {small}/module, intercept {intercept:7.2f} {unit}, "
                     f"R² {r2:.3f}; per module from size to size: "
                     + ", ".join(f"{s * scale:.1f} {small}" for s in steps))
    slope, intercept, r2 = fit([float(n) for n in sizes], [float(site[n]["nav"]) for n in sizes])
    lines.append(f"navigation bytes per page: slope {slope:.0f} bytes/article, intercept {intercept:.0f}, R² {r2:.4f} "
                 f"(linear in the articles; the whole site's navigation is then pages x articles)")
    lines.append(f"machine: {load()}")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
