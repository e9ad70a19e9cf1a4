"""Benchmark: `charter check` of a 5 MB profile against a bare PyYAML parse of the same file.

Run with ``python bench/bench_check.py [--rounds N] [--items N]``. The profile is the mini test
library's with a list variable of 70,000 entries (about 5 MB), as in the test suite. Each round, in
one warm process, times side by side (interleaved, so a loaded machine slows both alike):

- a bare ``yaml.safe_load`` of the file (PyYAML's pure-Python loader, as charter-kit uses),
- ``load_project`` of the same file: what `charter check` does (parse with line numbers, alias
  guard, validation, library, rendering of every module).

It prints the min and median of each and the ratio check / parse. The target (from the removed
test budget of 20 s, which failed on loaded machines) is a ratio of at most 3: checking a large
profile costs a small multiple of reading it, whatever the machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from conftest import MINI_LIBRARY, MINI_PROFILE, write_tree  # noqa: E402

TARGET = 3.0


def large_profile(folder: Path, items: int) -> Path:
    """A project using the mini library whose profile holds ``items`` list entries; its charter.yml."""
    padding = "\n".join(f"        - « valeur numéro {i} avec un peu de texte pour remplir la ligne »"
                        for i in range(items))
    profile = MINI_PROFILE.replace("{reseau: LinkedIn}", "\n      reseau: LinkedIn\n      exemples:\n" + padding)
    write_tree(folder / "library", MINI_LIBRARY)
    return write_tree(folder / "proj", {"charter.yml": profile}) / "charter.yml"


def timed(action) -> float:
    """Wall-clock seconds taken by ``action()``."""
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    """Time both sides over interleaved rounds, print min/median and the ratio; exit 1 over target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--items", type=int, default=70_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = large_profile(Path(tmp), args.items)
        os.environ["CHARTER_KIT_LIBRARY"] = str(Path(tmp) / "library")
        from charter_kit.compose.pipeline import load_project

        text = path.read_text(encoding="utf-8")
        size = len(text.encode("utf-8"))
        parse, check = [], []
        for _ in range(args.rounds):
            parse.append(timed(lambda: yaml.safe_load(text)))
            check.append(timed(lambda: load_project(path)))
    print(f"profile: {size / 1e6:.1f} MB, {args.items} list entries, {args.rounds} interleaved rounds")
    for name, times in (("yaml.safe_load", parse), ("charter check (load_project)", check)):
        print(f"{name:30} min {min(times):.2f} s  median {statistics.median(times):.2f} s")
    ratio_min, ratio_median = min(check) / min(parse), statistics.median(check) / statistics.median(parse)
    print(f"ratio check / parse: min {ratio_min:.2f}, median {ratio_median:.2f} (target <= {TARGET:g})")
    return 0 if ratio_median <= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
