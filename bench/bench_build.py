"""Benchmark: `charter build` of the largest example against bare mkdocs + bare Typst.

Run with ``python bench/bench_build.py [--rounds N] [--profile PATH]``. In one process, with
imports already warm, each round measures side by side:

- a bare in-process ``mkdocs build`` of the same generated MkDocs project (``site.write_project``),
- a bare Typst compile of the annex template with the same data (``pdf.annex_data``),
- a full ``build.build`` (profile → site + PDF, PDF cache empty),
- a second ``build.build`` with nothing changed (the PDF comes from the cache).

It prints the medians, the ratio of the full build to the bare sum (target ≤ 1.15, aim < 0.85:
the site and the PDF are built concurrently) and of the second build to the first (target < 1/3),
then the peak memory of a cold `charter build` run in a child process.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PROFILE = ROOT / "examples" / "groupe-horizon" / "charter.yml"

#: Run in a child process: a cold `charter build`, then its own and its PDF worker's peak memory.
MEMORY_SCRIPT = """
import json, resource, sys
from charter_kit.commands.build import build
build(sys.argv[1], sys.argv[2])
print(json.dumps({"main": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "worker": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


def timed(action) -> float:
    """Wall-clock seconds taken by ``action()``."""
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def bare_mkdocs(config_file: Path, out: Path, epoch: int) -> None:
    """A plain in-process mkdocs build of a generated project."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    build(load_config(config_file=str(config_file), site_dir=str(out)))


def bare_typst(data: dict, date: str | None, inputs: dict[str, str]) -> bytes:
    """A plain Typst compile of the annex template, its data already prepared."""
    from charter_kit.typeset.engine import compile_pdf

    return compile_pdf("annex.typ", data, date=date, inputs=inputs)


def measure(profile: Path, rounds: int) -> dict[str, list[float]]:
    """Time the four variants ``rounds`` times, interleaved so machine load affects all alike."""
    from charter_kit.commands.build import build
    from charter_kit.outputs.markup import charter_date
    from charter_kit.outputs.pdf import annex_data
    from charter_kit.compose.pipeline import load_project
    from charter_kit.outputs.site import source_date_epoch, write_project

    charter = load_project(profile).charter
    data, date, inputs = annex_data(charter), charter_date(charter), {"charter": charter.to_json()}
    times: dict[str, list[float]] = {"mkdocs": [], "typst": [], "full": [], "second": []}
    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        work = Path(tmp)
        config_file = write_project(charter, work / "project")
        epoch = source_date_epoch(charter)
        for n in range(rounds + 1):  # round 0 warms imports and caches, and is not counted
            site_dir, out = work / f"bare-{n}", work / f"build-{n}"
            sample = {
                "mkdocs": timed(lambda: bare_mkdocs(config_file, site_dir, epoch)),
                "typst": timed(lambda: bare_typst(data, date, inputs)),
                "full": timed(lambda: build(profile, out)),
                "second": timed(lambda: build(profile, out)),
            }
            shutil.rmtree(site_dir, ignore_errors=True)
            shutil.rmtree(out, ignore_errors=True)
            if n:
                for key, value in sample.items():
                    times[key].append(value)
    return times


def peak_memory(profile: Path) -> dict[str, int]:
    """Peak resident memory (KiB) of a cold `charter build`: the main process and its PDF worker."""
    with tempfile.TemporaryDirectory(prefix="bench-build-mem-") as tmp:
        result = subprocess.run([sys.executable, "-c", MEMORY_SCRIPT, str(profile), str(Path(tmp) / "out")],
                                check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(result.stdout.strip().splitlines()[-1])


def cold_cli(profile: Path) -> float:
    """Wall-clock seconds of a cold `charter build` in a fresh interpreter (imports included)."""
    with tempfile.TemporaryDirectory(prefix="bench-build-cli-") as tmp:
        command = [sys.executable, "-c", "from charter_kit.cli import main; main()",
                   "build", "-p", str(profile), "--out", str(Path(tmp) / "out")]
        return timed(lambda: subprocess.run(command, check=True, capture_output=True, cwd=ROOT))


def report(times: dict[str, list[float]], memory: dict[str, int], cold: float) -> str:
    """The results as text."""
    med = {key: statistics.median(values) for key, values in times.items()}
    bare = med["mkdocs"] + med["typst"]
    # Ratios within each round, where the variants ran side by side under the same load.
    per_round = [f / (m + w) for f, m, w in zip(times["full"], times["mkdocs"], times["typst"])]
    second = [s / f for s, f in zip(times["second"], times["full"])]
    lines = [f"rounds: {len(times['full'])} (medians, seconds)"]
    lines += [f"  {key:<11} {med[key]:6.2f}   (min {min(v):.2f}, max {max(v):.2f})" for key, v in times.items()]
    lines += [
        f"bare sum (mkdocs + typst)           {bare:6.2f}",
        f"full build / bare sum                {med['full'] / bare:6.2f}   (target <= 1.15, aim < 0.85)",
        f"  median of per-round ratios         {statistics.median(per_round):6.2f}   "
        f"(rounds: {', '.join(f'{r:.2f}' for r in per_round)})",
        f"  floor with perfect overlap         {max(med['mkdocs'], med['typst']) / bare:6.2f}   "
        "(the longer of the two bare renders / bare sum)",
        f"second build / first build           {med['second'] / med['full']:6.2f}   (target < 0.33; "
        f"per round {', '.join(f'{r:.2f}' for r in second)})",
        f"cold `charter build` (new process)   {cold:6.2f}",
        f"peak memory: main process {memory['main'] / 1024:.0f} MiB, PDF worker {memory['worker'] / 1024:.0f} MiB "
        f"(at most {(memory['main'] + memory['worker']) / 1024:.0f} MiB together)",
        f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} "
        "(other work on the machine takes the second core the build overlaps on)",
    ]
    return "\n".join(lines)


def main() -> None:
    """Parse the options, run the benchmark, print the report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="measured rounds (default 5)")
    parser.add_argument("--profile", type=Path, default=DEFAULT_PROFILE, help="charter.yml to build")
    args = parser.parse_args()
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    times = measure(args.profile.resolve(), args.rounds)
    print(report(times, peak_memory(args.profile.resolve()), cold_cli(args.profile.resolve())))


if __name__ == "__main__":
    main()
