"""Benchmark: the acknowledgement registry at the scale of a large group, on SQLite and PostgreSQL.

Usage: python bench/bench_ack.py [--employees 100000] [--acks 10000] [--concurrency 32]
                                 [--time-limit 1500] [--rows 1000000] [--db sqlite,postgresql]

For each database (PostgreSQL: a temporary cluster on 127.0.0.1, started and removed here):

1. import the employees from a generated CSV (then the same file again: nothing changes);
2. open the campaign of the example's current release and create personal links;
3. serve the registry (`charter ack serve`, one worker) and have ``--acks`` employees acknowledge
   over HTTP, ``--concurrency`` at a time, each doing what a person does (open the link, press the
   button, read the receipt), stopping at ``--time-limit`` seconds; then check that every receipt
   shown is in the registry, nothing twice, and that the chain verifies;
4. fill the registry to ``--rows`` acknowledgement rows (the remaining employees acknowledge in
   bulk, then editorial versions carry every acknowledgement forward) and time the HR dashboard
   page, the CSV and XLSX exports and `verify` (median of three).

Not a timed test: figures depend on the machine (and on what else it runs); see docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
EXAMPLE = ROOT / "examples" / "groupe-horizon"
PASSWORD = "une phrase de passe pour le banc"


# -- setting up -----------------------------------------------------------------------------------------
def employees_csv(path: Path, count: int) -> Path:
    lines = ["Matricule;Nom;Courriel;Société;Établissement"]
    lines += [f"E{n:07d};Salarié {n};s{n}@horizon.example;Entité {n % 6};Site {n % 120:03d}" for n in range(1, count + 1)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Postgres:
    """A throw-away PostgreSQL cluster (run as user postgres when we are root)."""

    def __init__(self) -> None:
        import glob

        self.bin = Path(shutil.which("initdb") or sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))[-1]).resolve().parent
        self.base = Path(tempfile.mkdtemp(prefix="bench-ack-pg-"))
        self.port = free_port()
        if os.geteuid() == 0:
            shutil.chown(self.base, "postgres")
        try:
            self._start()
        except BaseException:
            self.close()
            raise

    def _start(self) -> None:
        self._run("initdb", "-D", str(self.base / "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--locale=C", "--no-sync")
        self._run("pg_ctl", "-D", str(self.base / "data"), "-l", str(self.base / "log"), "-w", "-o",
                  f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 -c max_connections=200", "start")
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "acks")
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/acks"

    def _run(self, program: str, *args: str) -> None:
        cmd = [str(self.bin / program), *args]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stdout}{done.stderr}")

    def close(self) -> None:
        if (self.base / "data" / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.base / "data"), "-m", "immediate", "stop")
        shutil.rmtree(self.base, ignore_errors=True)


def editorial_release(root: Path, n: int) -> str:
    """Release n after the example's last one, through the store, changed only typographically
    (apostrophes): an editorial version. Returns its number."""
    import datetime as dt

    from charter_kit.store import releases as store

    previous = store.load_releases(root)[-1]
    major, minor, patch = (int(p) for p in previous.version.split("."))
    version = f"{major}.{minor}.{patch + 1}"
    day = (dt.date.fromisoformat(previous.date) + dt.timedelta(days=1)).isoformat()
    charter = store.load_charter(previous)
    article, clause = charter.articles[0], charter.articles[0].clauses[0]
    text = clause.text.replace("'", "\u2019") if "'" in clause.text else clause.text.replace("\u2019", "'")
    articles = (dataclasses.replace(article, clauses=(dataclasses.replace(clause, text=text),) + article.clauses[1:]),)
    new = dataclasses.replace(charter, articles=articles + charter.articles[1:]).with_release(
        version=version, date=day, effective_date=max(day, previous.effective_date))
    store.write_release(root, new, {f"charte-{version}.pdf": b"%PDF-1.7\n% bench\n"}, kind="editorial",
                        previous=previous)
    return version


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start


# -- acknowledging over HTTP -----------------------------------------------------------------------------
async def load(base: str, tokens: list[str], concurrency: int, limit: float) -> dict:
    """Each token's holder acknowledges like a person would; bounded in concurrency and time."""
    import httpx

    sem = asyncio.Semaphore(concurrency)
    whole, posts, shown, failed = [], [], [], 0
    reasons: dict[str, int] = {}
    deadline = time.monotonic() + limit
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async def one(client, token: str) -> None:
        nonlocal failed
        async with sem:
            if time.monotonic() > deadline:
                failed += 1
                return
            start = time.perf_counter()
            try:
                page = await client.get(f"/a/{token}")
                csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
                posted = time.perf_counter()
                answer = await client.post(f"/a/{token}", data={"csrf": csrf}, cookies=page.cookies,
                                           follow_redirects=True)
                if answer.status_code == 200 and "C'est enregistré" in answer.text:
                    end = time.perf_counter()
                    whole.append(end - start)
                    posts.append(end - posted)
                    shown.append(token)
                else:
                    failed += 1
                    reasons[f"HTTP {answer.status_code}"] = reasons.get(f"HTTP {answer.status_code}", 0) + 1
            except (httpx.HTTPError, AttributeError) as exc:
                failed += 1
                reasons[type(exc).__name__] = reasons.get(type(exc).__name__, 0) + 1

    start = time.perf_counter()
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        await asyncio.gather(*(one(client, t) for t in tokens))
    elapsed = time.perf_counter() - start
    return {"shown": shown, "failed": failed, "reasons": reasons, "elapsed": elapsed, "whole": whole, "posts": posts}


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def serve(root: Path, url: str, log: Path, port: int) -> subprocess.Popen:
    import httpx

    process = subprocess.Popen([sys.executable, "-m", "charter_kit", "ack", "-p", str(root / "charter.yml"), "--db", url,
                                "serve", "--port", str(port)], cwd=ROOT, stdout=open(log, "wb"),
                               stderr=subprocess.STDOUT, start_new_session=True)
    for _ in range(600):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/sante", timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.1)
    raise SystemExit(f"the server did not start:\n{log.read_text()}")


def stop(process: subprocess.Popen) -> None:
    import signal

    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=60)


# -- filling to a million rows ---------------------------------------------------------------------------
def bulk_acknowledge(registry, campaign_id: int, version: str, digest: str) -> int:
    """Every pending employee acknowledges (events through the log's own append, rows in bulk)."""
    from sqlalchemy import insert, select

    from charter_kit.ack.campaigns import LINK
    from charter_kit.ack.db import Acknowledgement, Employee, iso
    from charter_kit.ack.events import NewEvent, append_many

    with registry.write() as session:
        registry.lock_chain(session)
        done = select(Acknowledgement.employee_id).where(Acknowledgement.version == version)
        rows = session.execute(select(Employee.id, Employee.matricule, Employee.name)
                               .where(Employee.active.is_(True), Employee.id.not_in(done))).all()
        moment = registry.now()
        at = iso(moment)
        events = append_many(registry, session, [NewEvent("ack.recorded", {
            "matricule": m, "name": n, "version": version, "digest": digest, "method": LINK, "at": at,
            "campaign": campaign_id}, e, version) for e, m, n in rows], at=moment)
        acks = [dict(employee_id=e, version=version, campaign_id=campaign_id, method=LINK, at=at, event_id=ev.id)
                for (e, _, _), ev in zip(rows, events)]
        for start in range(0, len(acks), 10000):
            session.execute(insert(Acknowledgement), acks[start:start + 10000])
    return len(rows)


def median_time(fn, rounds: int = 3) -> float:
    times = []
    for _ in range(rounds):
        _, seconds = timed(fn)
        times.append(seconds)
    return statistics.median(times)


# -- one database ----------------------------------------------------------------------------------------
def run(kind: str, args) -> dict:
    from charter_kit.ack.admins import create_admin
    from charter_kit.ack.campaigns import start_campaign
    from charter_kit.ack.config import load_config
    from charter_kit.ack.db import Acknowledgement, Registry, database_url
    from charter_kit.ack.events import verify
    from charter_kit.ack.importing import import_employees
    from charter_kit.ack.invitations import issue_links
    from charter_kit.ack.versions import records, sync
    from sqlalchemy import func, select

    work = Path(tempfile.mkdtemp(prefix=f"bench-ack-{kind}-"))
    root = work / "horizon"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("build", "public", "acks"))
    pg = Postgres() if kind == "postgresql" else None
    url = database_url(root, pg.url if pg else None)
    out: dict = {"database": kind}
    try:
        registry = Registry(url)
        sync(registry, root)
        with registry.read() as session:
            current = records(session)[-1]  # the example's current release
        out["version"] = current.version
        csv_path = employees_csv(work / "salaries.csv", args.employees)
        _, out["import_s"] = timed(import_employees, registry, csv_path, actor="bench")
        _, out["reimport_s"] = timed(import_employees, registry, csv_path, actor="bench")
        started, out["campaign_s"] = timed(start_campaign, registry, current.version, actor="bench")
        port = free_port()
        config = load_config(root).with_(public_url=f"http://127.0.0.1:{port}", database=url)
        invitations, out["links_s"] = timed(issue_links, registry, config, current.version, limit=args.acks,
                                            purpose="bench")
        tokens = [i.link.rsplit("/a/", 1)[1] for i in invitations]
        create_admin(registry, "rh", PASSWORD, actor="bench")
        registry.close()
        print(f"[{kind}] imported {args.employees} in {out['import_s']:.1f} s; serving; {len(tokens)} acknowledgements…",
              flush=True)

        server = serve(root, url, work / "server.log", port)
        try:
            result = asyncio.run(load(f"http://127.0.0.1:{port}", tokens, args.concurrency, args.time_limit))
        finally:
            stop(server)
        registry = Registry(url)
        holder = {i.link.rsplit("/a/", 1)[1]: i.employee_id for i in invitations}
        with registry.read() as session:
            rows = session.scalar(select(func.count()).select_from(Acknowledgement))
            distinct = session.scalar(select(func.count(func.distinct(Acknowledgement.employee_id))))
            recorded = set(session.execute(select(Acknowledgement.employee_id)
                                           .where(Acknowledgement.version == current.version)).scalars())
        shown_ids = {holder[t] for t in result["shown"]}
        checked, out["verify_after_load_s"] = timed(verify, registry)
        out.update(acks_asked=len(tokens), acks_shown=len(result["shown"]), acks_failed=result["failed"],
                   failure_reasons=result["reasons"],
                   load_s=result["elapsed"], throughput=len(result["shown"]) / result["elapsed"],
                   p50_ms=1000 * pct(result["whole"], 0.5), p95_ms=1000 * pct(result["whole"], 0.95),
                   post_p50_ms=1000 * pct(result["posts"], 0.5), post_p95_ms=1000 * pct(result["posts"], 0.95),
                   rows_after_load=rows, lost=len(shown_ids - recorded), recorded_not_shown=len(recorded - shown_ids),
                   duplicates=rows - distinct,
                   chain_ok=checked.ok)
        print(f"[{kind}] {out['acks_shown']} receipts in {out['load_s']:.0f} s ({out['throughput']:.1f}/s), "
              f"p50 {out['p50_ms']:.0f} ms, p95 {out['p95_ms']:.0f} ms; lost {out['lost']}, duplicates "
              f"{out['duplicates']}, chain {'ok' if checked.ok else checked.problem}", flush=True)

        # Fill to --rows acknowledgement rows: everyone acknowledges the current version, editorial ones carry it.
        _, out["bulk_ack_s"] = timed(bulk_acknowledge, registry, started.campaign_id, current.version, current.digest)
        n = 1
        version = current.version
        carry_times = []
        while True:
            with registry.read() as session:
                total = session.scalar(select(func.count()).select_from(Acknowledgement))
            if total >= args.rows:
                break
            version = editorial_release(root, n)
            sync(registry, root)
            carried, seconds = timed(start_campaign, registry, version, actor="bench")
            carry_times.append(seconds)
            n += 1
        out["rows"] = total
        out["carry_campaign_s"] = statistics.median(carry_times) if carry_times else None
        latest = version if n > 1 else current.version
        registry.close()
        print(f"[{kind}] {total} acknowledgement rows; timing the dashboard and exports…", flush=True)

        server = serve(root, url, work / "server2.log", port)
        try:
            import httpx

            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=600) as c:
                page = c.get("/admin/connexion")
                csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
                c.post("/admin/connexion", data={"utilisateur": "rh", "mot_de_passe": PASSWORD, "csrf": csrf})
                assert c.get("/admin").status_code == 200
                out["dashboard_home_s"] = median_time(lambda: c.get("/admin").raise_for_status())
                out["dashboard_campaign_s"] = median_time(lambda: c.get(f"/admin/campagnes/{latest}").raise_for_status())
                out["export_csv_s"] = median_time(lambda: c.get(f"/admin/campagnes/{latest}/export.csv").raise_for_status())
                out["export_xlsx_s"] = median_time(lambda: c.get(f"/admin/campagnes/{latest}/export.xlsx").raise_for_status(),
                                                   rounds=1)
        finally:
            stop(server)
        registry = Registry(url)
        checked, out["verify_s"] = timed(verify, registry)
        out["verify_ok"] = checked.ok
        out["events"] = checked.count
        registry.close()
    finally:
        if pg:
            pg.close()
        shutil.rmtree(work, ignore_errors=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=100_000)
    parser.add_argument("--acks", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--time-limit", type=float, default=1500.0, help="seconds for the HTTP load, per database")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--db", default="sqlite,postgresql")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} CPU, load average {os.getloadavg()[0]:.1f} at start", flush=True)
    results = []
    for kind in args.db.split(","):
        results.append(run(kind, args))
        print(json.dumps(results[-1], indent=1, default=str), flush=True)
        if args.json:  # written after each database: a later failure keeps the earlier figures
            args.json.write_text(json.dumps(results, indent=1, default=str))


if __name__ == "__main__":
    main()
