"""Benchmark: the same charter's annex rendered by WeasyPrint and by Typst, side by side.

Run with ``python bench/bench_pdf_engines.py [--rounds N] [--profile PATH]``. Each round renders
the annex once with each engine, in alternating order (so machine load falls on both alike):

- in this process, imports and fonts warm (what ``charter serve`` and ``publish`` pay per PDF);
- in a fresh child process, cold (what one ``charter build`` pays: import, fonts, render).

It prints, per engine, min and median CPU and wall seconds, and the Typst/WeasyPrint ratios.
The WeasyPrint side needs the engine it measures: the WeasyPrint annex (``outputs/pdf.py`` with
``pdf_html``, up to commit 0961780, when Typst was in ``outputs/typst_annex.py``) and the
``weasyprint`` package. Both are gone since Typst replaced WeasyPrint; on a later tree the script
measures Typst alone and says so (the compared figures are in docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PROFILE = ROOT / "examples" / "groupe-horizon" / "charter.yml"

#: Run in a child process: load the charter, render with one engine, report own CPU and wall.
COLD_SCRIPT = """
import json, sys, time, resource
wall = time.perf_counter()
from bench_pdf_engines import load, render
charter = load(sys.argv[2])
render(sys.argv[1], charter)
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"wall": time.perf_counter() - wall, "cpu": usage.ru_utime + usage.ru_stime,
                  "rss": usage.ru_maxrss}))
"""


def load(profile: str):
    """The profile's charter (as ``charter build`` renders it)."""
    from charter_kit.compose.pipeline import load_project

    return load_project(Path(profile)).charter


def weasyprint_available() -> bool:
    """True when this tree still has the WeasyPrint annex and the package is installed."""
    try:
        import weasyprint  # noqa: F401

        from charter_kit.outputs.pdf import pdf_html  # noqa: F401
    except ImportError:
        return False
    return True


def render(engine: str, charter) -> bytes:
    """The annex by ``engine`` ("typst" or "weasyprint")."""
    if engine == "typst":
        from charter_kit.outputs.pdf import render_pdf as typst_pdf

        return typst_pdf(charter)
    import logging

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    from charter_kit.outputs.pdf import render_pdf as weasy_pdf  # the tree before the switch

    return weasy_pdf(charter)


def measure(action) -> tuple[float, float]:
    """(CPU seconds of this process, wall seconds) taken by ``action()``."""
    cpu, wall = time.process_time(), time.perf_counter()
    action()
    return time.process_time() - cpu, time.perf_counter() - wall


def cold(engine: str, profile: str) -> dict[str, float]:
    """A cold render in a child process: its own CPU, wall and peak memory."""
    out = subprocess.run([sys.executable, "-c", COLD_SCRIPT, engine, profile], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).parent,
                         env={"PYTHONPATH": f"{ROOT}:{Path(__file__).parent}", "PATH": "/usr/bin:/bin"})
    return json.loads(out.stdout.strip().splitlines()[-1])


def summary(values: list[float]) -> str:
    return f"min {min(values):6.3f}  median {statistics.median(values):6.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", default=str(DEFAULT_PROFILE))
    args = parser.parse_args()
    charter = load(args.profile)
    engines = ["typst", "weasyprint"] if weasyprint_available() else ["typst"]
    if engines == ["typst"]:
        print("WeasyPrint is not in this tree any more: measuring Typst alone.")
    pages = {}
    for engine in engines:  # warm-up, and the page counts
        import io

        import pypdf

        pages[engine] = len(pypdf.PdfReader(io.BytesIO(render(engine, charter))).pages)
    warm = {e: {"cpu": [], "wall": []} for e in engines}
    colds = {e: {"cpu": [], "wall": [], "rss": []} for e in engines}
    for r in range(args.rounds):
        order = engines if r % 2 == 0 else engines[::-1]
        for engine in order:
            cpu, wall = measure(lambda: render(engine, charter))
            warm[engine]["cpu"].append(cpu)
            warm[engine]["wall"].append(wall)
        for engine in order:
            result = cold(engine, args.profile)
            for key in ("cpu", "wall", "rss"):
                colds[engine][key].append(result[key])
    print(f"{charter.title} — {len(charter.articles)} articles, {len(charter.clauses())} clauses; "
          f"{args.rounds} interleaved rounds; load average {open('/proc/loadavg').read().split()[0]}")
    for engine in engines:
        print(f"\n{engine} ({pages[engine]} pages)")
        print(f"  warm CPU s   {summary(warm[engine]['cpu'])}")
        print(f"  warm wall s  {summary(warm[engine]['wall'])}")
        print(f"  cold CPU s   {summary(colds[engine]['cpu'])}")
        print(f"  cold wall s  {summary(colds[engine]['wall'])}")
        print(f"  cold peak memory MiB  {statistics.median(colds[engine]['rss']) / 1024:6.0f}")
    if len(engines) == 2:
        print("\nTypst / WeasyPrint (medians; per-round ratios min–max)")
        for label, data in (("warm", warm), ("cold", colds)):
            for key in ("cpu", "wall"):
                t, w = data["typst"][key], data["weasyprint"][key]
                rounds = [a / b for a, b in zip(t, w)]
                print(f"  {label} {key:4}  {statistics.median(t) / statistics.median(w):6.3f}   "
                      f"({min(rounds):.3f}–{max(rounds):.3f})")


if __name__ == "__main__":
    main()
