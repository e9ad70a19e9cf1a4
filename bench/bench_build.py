"""Benchmark: `charter build` against the floor and against each bare engine, warm and cold.

Run with ``python bench/bench_build.py [--rounds N] [--profile PATH]``. Every round measures each
contender once, in an order that turns from round to round, so the machine's load falls on all alike:

warm, in this process (imports loaded, what a preview or a publish pays per build):
- ``mkdocs``: a bare ``mkdocs build`` of the very project `charter build` generates (``site.write_project``),
  configuration loaded anew, no cache of ours;
- ``typst``: a bare Typst compile of the same PDFs (the annex, and the guide of a charter split in
  two), their data prepared beforehand;
- ``site``: `charter build --no-pdf` (profile, modules, pages, site);
- ``full``: `charter build` (site and PDFs, the PDF cache empty);
- ``second``: `charter build` again with nothing changed (the annex from the cache);

cold, each a new process started as a user starts it (``python -m``), with its own CPU time and its
own peak memory and its PDF worker's, measured inside the process (``measure.cold``):
- ``cli mkdocs``: ``mkdocs build`` of the generated project; ``cli typst``: a bare Typst compile of
  the same PDFs (import, fonts, compile);
- ``cli site`` and ``cli full``: `charter build --no-pdf` and `charter build` into the folder of
  the previous round, as a user builds again after an edit (compiled templates kept in
  ``.cache/site-templates``; the PDF cache emptied, so the PDFs are rendered);
- ``cli first``: `charter build` into a new folder (nothing cached).

It prints min and median per contender and the ratios of the medians (with the median of the
per-round ratios): site / mkdocs (target <= 1.15), full / mkdocs (target <= 1.3), full / floor,
the floor being the longer of the two bare engines (what a perfect overlap would cost), full /
each engine, second / full.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import ROOT, cold, load, summary, timed  # noqa: E402

DEFAULT_PROFILE = ROOT / "examples" / "groupe-horizon" / "charter.yml"

#: A cold bare Typst compile: the prepared data from a file, then the compiles (module run by measure.cold).
TYPST_MODULE = """
import json, sys
from charter_kit.typeset.engine import compile_pdf
job = json.load(open(sys.argv[1], encoding="utf-8"))
for data in job["parts"]:
    compile_pdf("annex.typ", data, date=job["date"], inputs=job["inputs"])
"""


def pdf_parts(charter) -> tuple[list[dict], str | None, dict[str, str]]:
    """The data of each PDF `charter build` makes, prepared as its renderer prepares it."""
    from charter_kit.outputs import markup
    from charter_kit.outputs.pdf import annex_data

    parts = [annex_data(charter)] + ([annex_data(charter, part="guide")] if markup.guide_filename(charter) else [])
    return parts, markup.charter_date(charter), {"charter": charter.to_json()}


def bare_mkdocs(config_file: Path, out: Path, epoch: int) -> None:
    """A plain in-process mkdocs build of a generated project (no cache of charter-kit's)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    build(load_config(config_file=str(config_file), site_dir=str(out)))


def bare_typst(parts: list[dict], date: str | None, inputs: dict[str, str]) -> None:
    """Plain Typst compiles of the annex template, their data already prepared."""
    from charter_kit.typeset.engine import compile_pdf

    for data in parts:
        compile_pdf("annex.typ", data, date=date, inputs=inputs)


def forget_pdf(out: Path) -> Path:
    """``out`` without its PDF cache (the next build renders the PDFs), its other caches kept."""
    for path in (out / ".cache").glob("pdf*"):
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    return out


def measure_rounds(profile: Path, rounds: int) -> dict[str, list[dict[str, float]]]:
    """Every contender ``rounds`` times, interleaved, after one warm-up round that is not counted."""
    from charter_kit.commands.build import build
    from charter_kit.compose.pipeline import load_project
    from charter_kit.outputs.pdf import pdf_filename
    from charter_kit.outputs.site import source_date_epoch, write_project

    charter = load_project(profile).charter
    parts, date, inputs = pdf_parts(charter)
    times: dict[str, list[dict[str, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        work = Path(tmp)
        config_file = write_project(charter, work / "project", pdf_name=pdf_filename(charter))
        epoch = source_date_epoch(charter)
        job = work / "typst.json"
        job.write_text(json.dumps({"parts": parts, "date": date, "inputs": inputs}), encoding="utf-8")
        (work / "typst_bare.py").write_text(TYPST_MODULE, encoding="utf-8")
        env = {"SOURCE_DATE_EPOCH": str(epoch), "PYTHONPATH": f"{work}{os.pathsep}{ROOT}"}
        for n in range(rounds + 1):  # round 0 warms imports and caches, and is not counted
            out = work / f"out-{n}"
            contenders = {
                "mkdocs": lambda: timed(lambda: bare_mkdocs(config_file, out / "bare", epoch)),
                "typst": lambda: timed(lambda: bare_typst(parts, date, inputs)),
                "site": lambda: timed(lambda: build(profile, out / "site-only", pdf=False)),
                "full": lambda: timed(lambda: build(profile, out / "full")),
                "second": lambda: timed(lambda: build(profile, out / "full")),
                "cli mkdocs": lambda: cold("mkdocs", ["build", "-q", "-f", str(config_file), "-d", str(out / "cli-bare")],
                                           env=env),
                "cli typst": lambda: cold("typst_bare", [str(job)], env=env),
                "cli site": lambda: cold("charter_kit", ["build", "-q", "--no-pdf", "-p", str(profile),
                                                         "--out", str(work / "cli-site")], env=env),
                "cli full": lambda: cold("charter_kit", ["build", "-q", "-p", str(profile),
                                                         "--out", str(forget_pdf(work / "cli-full"))], env=env),
                "cli first": lambda: cold("charter_kit", ["build", "-q", "-p", str(profile),
                                                          "--out", str(out / "cli-first")], env=env),
            }
            names = list(contenders)
            names = names[n % len(names):] + names[:n % len(names)]
            if "second" in names and names.index("second") < names.index("full"):  # second needs full's cache
                names.remove("second")
                names.insert(names.index("full") + 1, "second")
            sample = {name: contenders[name]() for name in names}
            shutil.rmtree(out, ignore_errors=True)
            if n:
                for name, value in sample.items():
                    times.setdefault(name, []).append(value)
                print(f"round {n}: " + ", ".join(f"{k} {v['wall']:.2f}" for k, v in sample.items()), flush=True)
    return times


def report(times: dict[str, list[dict[str, float]]]) -> str:
    """The results as text."""
    def values(name: str, key: str = "wall") -> list[float]:
        return [t[key] for t in times[name]]

    def med(name: str, key: str = "wall") -> float:
        return statistics.median(values(name, key))

    def ratio(label: str, top: str, bottom: list[str], target: str = "") -> str:
        floor = [max(row) for row in zip(*(values(b) for b in bottom))]
        rounds = [t / f for t, f in zip(values(top), floor)]
        whole = med(top) / max(med(b) for b in bottom)
        cpu = med(top, "cpu") / max(med(b, "cpu") for b in bottom)
        return (f"  {label:<34} wall {whole:5.2f}  CPU {cpu:5.2f}  {target}"
                f"(median of rounds {statistics.median(rounds):.2f}; {', '.join(f'{r:.2f}' for r in rounds)})")

    lines = [f"rounds: {len(times['full'])}; seconds, min / median (wall), median CPU"]
    lines += [f"  {name:<11} {summary(values(name))}   CPU {med(name, 'cpu'):6.3f}" for name in times]
    lines.append("warm (in this process)")
    lines += [ratio("site / bare mkdocs", "site", ["mkdocs"], "(target <= 1.15) "),
              ratio("full / bare mkdocs", "full", ["mkdocs"], "(target <= 1.3) "),
              ratio("full / floor max(mkdocs, typst)", "full", ["mkdocs", "typst"]),
              ratio("full / bare typst", "full", ["typst"]),
              ratio("second / full", "second", ["full"])]
    lines.append("cold (new processes, as a user runs them)")
    lines += [ratio("cli site / cli mkdocs", "cli site", ["cli mkdocs"], "(target <= 1.15) "),
              ratio("cli full / cli mkdocs", "cli full", ["cli mkdocs"], "(target <= 1.3) "),
              ratio("cli full / floor", "cli full", ["cli mkdocs", "cli typst"]),
              ratio("cli full / cli typst", "cli full", ["cli typst"]),
              ratio("cli first / cli mkdocs", "cli first", ["cli mkdocs"])]
    lines.append("peak memory of each process (MiB, median): "
                 + "; ".join(f"{name}: {statistics.median(values(name, 'rss_main')):.0f}"
                             + (f" + PDF worker {statistics.median(values(name, 'rss_worker')):.0f}"
                                if med(name, "rss_worker") > 0 else "")
                             for name in times if name.startswith("cli")))
    lines.append(f"machine: {load()}")
    return "\n".join(lines)


def main() -> None:
    """Parse the options, run the rounds, print the report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="measured rounds (default 5)")
    parser.add_argument("--profile", type=Path, default=DEFAULT_PROFILE, help="charter.yml to build")
    args = parser.parse_args()
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    print(report(measure_rounds(args.profile.resolve(), args.rounds)))


if __name__ == "__main__":
    main()
