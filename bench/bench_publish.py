"""Benchmark: what `charter publish` costs with 2 versions and with N (default 50), side by side.

Usage: python bench/bench_publish.py [--versions N] [--rounds R] [--profile examples/groupe-horizon/charter.yml]

Set-up (not timed): the example charter is released N times into a temporary project (each
release rewords one clause, so every release differs; each is in force from its own date, the
earlier ones archived), with its PDFs rendered as `charter release` renders them, and published.
Two projects come out of it: one with 1 version and one with N-1, both published, and the same
two with one version more (2 and N), published.

Each round then times, in alternating order, both in this process (imports warm) and as a user
runs it (`charter publish`, a new process: ``measure.cold``):

- a no-op publish of 2 versions and of N versions (nothing changed since the last publish);
- adding the 2nd and the Nth version to hard-linked copies of the 1- and (N-1)-version projects,
  then publishing: ``upcoming`` (the new version applies in the future: its folder alone is
  built) and ``in force`` (it applies on the publishing day: it and the version it archives are
  built).

It prints min and median seconds (wall and CPU) and the ratios N/2 of the medians, with their
targets: no-op <= 1.5, adding <= 1.3.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from charter_kit.commands.publish import publish  # noqa: E402
from charter_kit.commands.publish_folder import state_path  # noqa: E402
from charter_kit.compose.pipeline import load_project  # noqa: E402
from charter_kit.model.charter import Charter  # noqa: E402
from charter_kit.outputs.registry import render_released  # noqa: E402
from charter_kit.store.releases import load_releases, write_release  # noqa: E402
from measure import cold, load, timed  # noqa: E402

START = dt.date(2027, 1, 1)
FAR = dt.date(2099, 1, 1)


def variant(base: Charter, n: int, effective: dt.date) -> Charter:
    """Release ``n`` of the charter: one clause gains a sentence, stamped 1.n.0."""
    article = base.articles[n % len(base.articles)]
    clause = article.clauses[0]
    changed = replace(clause, text=clause.text + f"\n\nPrécision n° {n}.")
    articles = tuple(replace(a, clauses=(changed, *a.clauses[1:])) if a.id == article.id else a
                     for a in base.articles)
    return replace(base, articles=articles).with_release(
        version=f"1.{n}.0", date=(START + dt.timedelta(days=n)).isoformat(), effective_date=effective.isoformat())


def day(n: int) -> dt.date:
    """The publishing day of version ``n`` (it applies from that day when in force)."""
    return START + dt.timedelta(days=n)


def add_release(root: Path, base: Charter, n: int, effective: dt.date) -> None:
    """Write release ``n`` into the project at ``root``, its outputs rendered as `charter release` does."""
    charter = variant(base, n, effective)
    previous = load_releases(root)[-1] if n > 1 else None
    write_release(root, charter, render_released(charter), kind="substantive", previous=previous)


def link_copy(source: Path, target: Path) -> None:
    """A copy of a project whose release and output files are hard links (what publish never edits
    in place); the files beside them are copied. It is the same project to publish: its record of
    the output folder (publish_folder.state_path, keyed by the folder's path) moves with it."""
    target.mkdir(parents=True)
    for entry in source.iterdir():
        if entry.is_dir():
            shutil.copytree(entry, target / entry.name, copy_function=os.link)
        else:
            shutil.copy2(entry, target / entry.name)
    state, moved = state_path(source, source / "public"), state_path(target, target / "public")
    if state.is_file():
        (target / state.relative_to(source)).unlink()
        moved.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(state, moved)


def set_up(base: Charter, versions: int, folder: Path, profile: Path, log=print) -> dict[str, Path]:
    """The four published projects: ``1``, ``2``, ``N-1`` and ``N`` versions (by name)."""
    big = folder / "big"
    big.mkdir(parents=True)
    shutil.copy2(profile, big / "charter.yml")  # `charter publish -p` names the project by its profile
    projects = {}
    for n in range(1, versions + 1):
        add_release(big, base, n, day(n))
        if n == versions - 2:
            # As HR publishes each release: the (N-1)-version project then keeps beside it the folders
            # of the publish before, which adding version N takes back instead of copying them.
            publish(big, big / "public", day(n))
        if n in (1, 2, versions - 1, versions):
            publish(big, big / "public", day(n))
            name = {1: "1", 2: "2", versions - 1: "N-1", versions: "N"}[n]
            projects[name] = folder / f"v{name}"
            link_copy(big, projects[name])
            log(f"  set-up: {n} versions released and published")
    return projects


def main() -> None:
    """Set up, run the rounds, print the report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--versions", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", type=Path, default=ROOT / "examples" / "groupe-horizon" / "charter.yml")
    args = parser.parse_args()
    n = args.versions
    base = load_project(args.profile).charter
    print(f"charter: {len(base.articles)} articles, {len(base.clauses())} clauses; 2 and {n} versions; "
          f"{args.rounds} rounds", flush=True)
    times: dict[str, list[tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-publish-") as tmp:
        folder = Path(tmp)
        projects = set_up(base, n, folder, args.profile)
        for name, version in (("2", 2), ("N", n)):  # warm-up, not counted
            publish(projects[name], projects[name] / "public", day(version))
        for r in range(args.rounds):
            runs = []
            for mode in ("", "cli "):
                for size, name, version in (("2", "2", 2), (str(n), "N", n)):
                    runs.append((f"{mode}no-op {size}", publisher(mode, projects[name], version)))
                for scenario, effective in (("upcoming", FAR), ("in force", None)):
                    for size, template, version in (("2", "1", 2), (str(n), "N-1", n)):
                        clone = folder / f"round-{r}-{mode}{scenario}-{size}".replace(" ", "-")
                        link_copy(projects[template], clone)
                        add_release(clone, base, version, effective or day(version))
                        runs.append((f"{mode}add {size} {scenario}", publisher(mode, clone, version)))
            for name, action in (runs if r % 2 == 0 else runs[::-1]):
                times.setdefault(name, []).append(action())
            print(f"round {r + 1}: " + ", ".join(f"{k} {v[-1]['wall']:.3f}" for k, v in times.items()), flush=True)
            for clone in folder.glob(f"round-{r}-*"):
                shutil.rmtree(clone)
    print(report(times, n))


def publisher(mode: str, project: Path, version: int):
    """A publish of ``project`` on version ``version``'s day: in this process, or as `charter publish`."""
    if mode:
        return lambda: cold("charter_kit", ["publish", "-q", "-p", str(project / "charter.yml"),
                                            "--on", day(version).isoformat()], cwd=project)
    return lambda: timed(lambda: publish(project, project / "public", day(version)))


def report(times: dict[str, list[dict[str, float]]], n: int) -> str:
    """Min and median per measure, and the N/2 ratios with their targets."""
    def med(name: str, key: str = "wall") -> float:
        return statistics.median(t[key] for t in times[name])

    lines = ["seconds (wall min / median, CPU median)"]
    lines += [f"  {name:<26} {min(t['wall'] for t in v):6.3f} / {med(name):6.3f}   CPU {med(name, 'cpu'):6.3f}"
              for name, v in times.items()]
    targets = {"no-op": 1.5, "add": 1.3}
    for mode in ("", "cli "):
        for kind, suffix in (("no-op", ""), ("add", " upcoming"), ("add", " in force")):
            small, big = f"{mode}{kind} 2{suffix}", f"{mode}{kind} {n}{suffix}"
            per_round = [b["wall"] / s["wall"] for s, b in zip(times[small], times[big])]
            lines.append(f"{big} / {small}: wall {med(big) / med(small):5.2f}, CPU {med(big, 'cpu') / med(small, 'cpu'):5.2f} "
                         f"(target <= {targets[kind]}; rounds {', '.join(f'{x:.2f}' for x in per_round)})")
    lines.append(f"machine: {load()}")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
