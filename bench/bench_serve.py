"""Benchmark: edit-to-page in `charter serve` beside plain `mkdocs serve` of the same generated site.

Run with ``python bench/bench_serve.py [--rounds N] [--profile PATH]``. Two servers run side by
side on 127.0.0.1, each started as a user starts it (a new process):

- ``charter serve`` of a copy of the profile's project (site and PDF);
- ``mkdocs serve`` of the MkDocs project ``charter build`` generates for the same charter
  (``site.write_project``), with mkdocs' own live reload.

Each round edits one file per server, in alternating order, and polls the served home page every
20 ms until it shows the edit (bounded: a server that takes over 120 s fails the run):
``charter.yml`` (the company's legal name, printed on every page and in the PDF) for charter-kit, the
home page's Markdown for mkdocs. For charter-kit it then polls the annex PDF until its bytes change:
the PDF's delay after the page. A bare Typst compile of the same PDFs (the annex, and the guide of
a charter split in two), data prepared, warm, in this process, is timed in the same round.

It prints min and median wall seconds over the rounds and the ratios: edit-to-page charter/mkdocs
(target <= 1.2), PDF delay after the page / bare Typst compile (target <= 1.5).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PROFILE = ROOT / "examples" / "groupe-horizon" / "charter.yml"
POLL, LIMIT = 0.02, 120.0


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> bytes | None:
    """The body at ``url``; None while the server is not answering or the file is missing."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - local server
            return response.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_until(condition, what: str) -> float:
    """Poll ``condition`` every 20 ms; the moment it became true (perf_counter), or fail after LIMIT s."""
    deadline = time.perf_counter() + LIMIT
    while True:
        if condition():
            return time.perf_counter()
        if time.perf_counter() > deadline:
            raise SystemExit(f"{what}: no change after {LIMIT:g} s")
        time.sleep(POLL)


def set_company(profile: Path, name: str) -> None:
    """Give the company a new legal name in charter.yml (on every page and in the PDF: a new digest)."""
    text = profile.read_text(encoding="utf-8")
    new = re.sub(r"(?m)^(\s+legal_name: ?)[^\n]+", lambda m: m.group(1) + name, text, count=1)
    assert new != text, "company.legal_name not found in the profile"
    profile.write_text(new, encoding="utf-8")


def start(command: list[str], url: str, cwd: Path) -> subprocess.Popen:
    """Start a server and wait for its first page."""
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    wait_until(lambda: process.poll() is not None or get(url) is not None, f"{command[2]} start")
    if process.poll() is not None:
        raise SystemExit(f"{' '.join(command)} exited with {process.returncode}")
    time.sleep(2.0)  # the file watchers take their first snapshot: an edit before it goes unseen
    return process


def bare_typst(charter) -> float:
    """Wall seconds of a bare Typst compile of the preview's PDFs, their data prepared beforehand."""
    from charter_kit.outputs import markup
    from charter_kit.outputs.pdf import annex_data
    from charter_kit.typeset.engine import compile_pdf

    parts = [annex_data(charter)] + ([annex_data(charter, part="guide")] if markup.guide_filename(charter) else [])
    date, inputs = markup.charter_date(charter), {"charter": charter.to_json()}
    started = time.perf_counter()
    for data in parts:
        compile_pdf("annex.typ", data, date=date, inputs=inputs)
    return time.perf_counter() - started


def main() -> None:
    """Start both servers, run the rounds, print the report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--profile", type=Path, default=DEFAULT_PROFILE)
    args = parser.parse_args()
    from charter_kit.compose.pipeline import load_project
    from charter_kit.outputs.pdf import pdf_filename
    from charter_kit.outputs.site import write_project

    times: dict[str, list[float]] = {"charter": [], "mkdocs": [], "pdf_after_page": [], "typst": []}
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as tmp:
        work = Path(tmp)
        project = work / "project"
        shutil.copytree(args.profile.parent, project, ignore=shutil.ignore_patterns("build", "public", "releases"))
        profile = project / args.profile.name
        charter = load_project(profile).charter
        config = write_project(charter, work / "mkdocs", pdf_name=pdf_filename(charter))
        home = config.parent / "docs" / "index.md"
        ports = free_port(), free_port()
        urls = [f"http://127.0.0.1:{port}/" for port in ports]
        servers = [
            start([sys.executable, "-m", "charter_kit", "serve", "-p", str(profile), "--port", str(ports[0])],
                  urls[0], project),
            start([sys.executable, "-m", "mkdocs", "serve", "-q", "-f", str(config), "-a", f"127.0.0.1:{ports[1]}"],
                  urls[1], config.parent),
        ]
        pdf_url = urls[0] + pdf_filename(charter)
        wait_until(lambda: get(pdf_url) is not None, "first PDF")
        try:
            for n in range(args.rounds + 1):  # round 0 warms both servers and is not counted
                marker = f"Horizon{n}Banc"
                sample: dict[str, float] = {}
                for side in (("charter", "mkdocs") if n % 2 == 0 else ("mkdocs", "charter")):
                    if side == "charter":
                        before = hashlib.sha256(get(pdf_url) or b"").digest()
                        set_company(profile, marker)
                        edited = time.perf_counter()
                        page = wait_until(lambda: marker.encode() in (get(urls[0]) or b""), "charter serve page")
                        pdf = wait_until(lambda: hashlib.sha256(get(pdf_url) or b"").digest() != before,
                                         "charter serve PDF")
                        sample["charter"], sample["pdf_after_page"] = page - edited, max(0.0, pdf - page)
                    else:
                        text = home.read_text(encoding="utf-8")
                        home.write_text(re.sub(r"(?m)^# .*$", f"# {marker}", text, count=1), encoding="utf-8")
                        edited = time.perf_counter()
                        sample["mkdocs"] = wait_until(lambda: marker.encode() in (get(urls[1]) or b""),
                                                      "mkdocs serve page") - edited
                    time.sleep(0.5)  # let the server settle (the PDF's guide, mkdocs' log) before the next edit
                sample["typst"] = bare_typst(load_project(profile).charter)
                if n:
                    for key, value in sample.items():
                        times[key].append(value)
                    print(f"round {n}: " + ", ".join(f"{k} {v:.3f}" for k, v in sample.items()), flush=True)
        finally:
            for server in servers:
                server.terminate()
                server.wait(timeout=30)
    print(report(times))


def report(times: dict[str, list[float]]) -> str:
    """The results as text: min and median per measure, ratios of medians and per round."""
    med = {key: statistics.median(values) for key, values in times.items()}
    page = [c / m for c, m in zip(times["charter"], times["mkdocs"])]
    pdf = [p / t for p, t in zip(times["pdf_after_page"], times["typst"])]
    lines = [f"rounds: {len(times['charter'])} (wall seconds, min / median)"]
    lines += [f"  {key:<15} {min(v):6.3f} / {med[key]:6.3f}" for key, v in times.items()]
    lines += [
        f"edit-to-page charter / mkdocs serve  {med['charter'] / med['mkdocs']:5.2f}   (target <= 1.2; "
        f"median of rounds {statistics.median(page):.2f}, rounds {', '.join(f'{r:.2f}' for r in page)})",
        f"PDF after the page / bare Typst       {med['pdf_after_page'] / med['typst']:5.2f}   (target <= 1.5; "
        f"median of rounds {statistics.median(pdf):.2f}, rounds {', '.join(f'{r:.2f}' for r in pdf)})",
        f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
