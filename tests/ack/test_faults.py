"""Faults: the server killed mid-load, PostgreSQL restarted mid-load, a full disk under SQLite.

The promise checked each time: no acknowledgement whose receipt page was shown is lost, no half
record is left (the chain verifies and every acknowledgement matches its event), nothing is
recorded twice, and the error the user sees is a clear one.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from ack_support import PYTHON, ROOT, acknowledge_over_http, employees_csv, free_port, serve, write_csv

pytestmark = pytest.mark.slow
COUNT = 150


def prepare(horizon: Path, url: str, tmp_path: Path, count: int = COUNT, port: int | None = None) -> dict[str, str]:
    """Import ``count`` employees, open the 2.0.0 campaign, return {matricule: personal link}."""
    from charter_kit.ack.campaigns import start_campaign
    from charter_kit.ack.config import load_config
    from charter_kit.ack.db import Registry
    from charter_kit.ack.importing import import_employees
    from charter_kit.ack.invitations import issue_links
    from charter_kit.ack.versions import sync

    registry = Registry(url)
    sync(registry, horizon)
    import_employees(registry, write_csv(tmp_path / "load.csv", employees_csv(count)), actor="test")
    start_campaign(registry, "2.0.0", actor="test")
    config = load_config(horizon).with_(public_url=f"http://127.0.0.1:{port or 1}")
    links = {i.matricule: i.link for i in issue_links(registry, config, "2.0.0", purpose="test")}
    registry.close()
    return links


def state_of(url: str) -> tuple[set[str], int, bool, str | None]:
    """(matricules acknowledged, acknowledgement rows, chain verifies, first problem)."""
    from charter_kit.ack.db import Acknowledgement, Employee, Registry
    from charter_kit.ack.events import verify

    registry = Registry(url)
    with registry.read() as session:
        done = set(session.execute(select(Employee.matricule).join(
            Acknowledgement, Acknowledgement.employee_id == Employee.id)).scalars())
        rows = session.scalar(select(func.count()).select_from(Acknowledgement))
    result = verify(registry)
    registry.close()
    return done, rows, result.ok, result.problem


def run_load(base: str, links: dict[str, str], shown: set[str], *, stop: threading.Event, workers: int = 12,
             retry_until: float | None = None) -> None:
    """Every employee acknowledges over HTTP (bounded pool); with ``retry_until`` each retries until shown."""
    lock = threading.Lock()

    def one(item):
        matricule, link = item
        path = link.split("/a/", 1)[1]
        with httpx.Client(base_url=base, timeout=10) as client:
            while not stop.is_set():
                if acknowledge_over_http(client, "/a/" + path):
                    with lock:
                        shown.add(matricule)
                    return
                if retry_until is None or time.monotonic() > retry_until:
                    return
                time.sleep(0.2)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(one, links.items()))


def test_sigkill_mid_load_loses_no_shown_receipt(horizon, db_url, tmp_path):
    links = prepare(horizon, db_url, tmp_path)
    server = serve(horizon, db_url, log=tmp_path / "server.log")
    shown: set[str] = set()
    stop = threading.Event()
    loader = threading.Thread(target=run_load, args=(server.url, links, shown), kwargs={"stop": stop})
    loader.start()
    deadline = time.monotonic() + 120
    while len(shown) < COUNT // 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    server.kill()  # SIGKILL to the whole process group, mid-run
    killed_at = len(shown)
    loader.join(timeout=120)
    assert COUNT // 3 <= killed_at < COUNT, killed_at
    done, rows, ok, problem = state_of(db_url)
    assert shown <= done, sorted(shown - done)[:5]  # every receipt shown is in the registry
    assert ok, problem  # no half record: the chain and every acknowledgement check out
    assert rows == len(done)  # nothing twice
    # Back up: everyone else acknowledges; the total is exact.
    server = serve(horizon, db_url, log=tmp_path / "server2.log", port=int(server.url.rsplit(":", 1)[1]))
    try:
        rest = {m: link for m, link in links.items() if m not in shown}
        run_load(server.url, rest, shown, stop=threading.Event())
    finally:
        server.stop()
    done, rows, ok, problem = state_of(db_url)
    assert len(shown) == COUNT and done == set(links) and rows == COUNT and ok, problem


@pytest.mark.db
def test_postgresql_restart_mid_load(horizon, pg_server, tmp_path):
    url = pg_server.url(pg_server.createdb())
    links = prepare(horizon, url, tmp_path)
    server = serve(horizon, url, log=tmp_path / "server.log")
    shown: set[str] = set()
    stop = threading.Event()
    loader = threading.Thread(target=run_load, args=(server.url, links, shown),
                              kwargs={"stop": stop, "retry_until": time.monotonic() + 180})
    try:
        loader.start()
        while len(shown) < COUNT // 4:
            time.sleep(0.01)
        pg_server.restart()  # every connection is cut; requests in flight fail with 503
        loader.join(timeout=240)
        stop.set()
    finally:
        server.stop()
    assert len(shown) == COUNT  # each employee got a receipt, some after retrying
    done, rows, ok, problem = state_of(url)
    assert done == set(links) and rows == COUNT and ok, problem
    log = (tmp_path / "server.log").read_text(errors="replace")
    assert "Traceback" not in log or "registre indisponible" in log


# -- a full disk under SQLite --------------------------------------------------------------------------
@contextlib.contextmanager
def small_disk(tmp_path: Path, megabytes: int = 3):
    """A real small filesystem (tmpfs, when mounting is allowed), else None (a file-size limit is used)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    # ACK_TEST_FILE_LIMIT=1 exercises the file-size-limit path a non-root run takes.
    mounted = os.geteuid() == 0 and not os.environ.get("ACK_TEST_FILE_LIMIT") and subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs", str(mount)], capture_output=True).returncode == 0
    try:
        yield mount if mounted else None, mount
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(folder: Path, leave: int) -> Path:
    """Fill the filesystem of ``folder`` until about ``leave`` bytes remain; return the filler file."""
    filler = folder / "filler.bin"
    free = os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize
    with open(filler, "wb") as fh:
        try:
            fh.write(b"\0" * max(free - leave, 0))
            fh.flush()
            os.fsync(fh.fileno())
        except OSError:
            pass
    return filler


def limit_file_size(limit: int):
    """A preexec function capping the size of any file the child writes (it then gets EFBIG)."""
    def apply():
        import resource

        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_full_disk_import_is_a_clear_error_and_loses_nothing(horizon, tmp_path):
    with small_disk(tmp_path) as (disk, folder):
        url = f"sqlite:///{folder / 'registry.db'}"
        small = write_csv(tmp_path / "small.csv", employees_csv(5))
        big = write_csv(tmp_path / "big.csv", employees_csv(30000, start=1))
        cmd = [PYTHON, "-m", "charter_kit", "ack", "-p", str(horizon / "charter.yml"), "--db", url, "import"]
        assert subprocess.run(cmd + [str(small)], cwd=ROOT, capture_output=True).returncode == 0
        size = sum(p.stat().st_size for p in folder.iterdir())
        preexec = None
        if disk is not None:
            fill(folder, leave=256 * 1024)
        else:
            preexec = limit_file_size(size + 256 * 1024)
        result = subprocess.run(cmd + [str(big)], cwd=ROOT, capture_output=True, text=True, preexec_fn=preexec)
        assert result.returncode == 1, result.stdout + result.stderr
        assert "Traceback" not in result.stderr
        assert "the disk is full" in result.stderr and "nothing was recorded" in result.stderr
        assert "Hint: free some space" in result.stderr  # the advice (English test locale)
        (folder / "filler.bin").unlink(missing_ok=True)
        from charter_kit.ack.db import Employee, Registry

        registry = Registry(url)
        with registry.read() as session:
            assert session.scalar(select(func.count()).select_from(Employee)) == 5  # the earlier import stands
        registry.close()
        done, rows, ok, problem = state_of(url)
        assert ok, problem


def test_full_disk_while_acknowledging_shows_no_false_receipt(horizon, tmp_path):
    with small_disk(tmp_path) as (disk, folder):
        url = f"sqlite:///{folder / 'registry.db'}"
        port = free_port()
        links = prepare(horizon, url, tmp_path, count=60, port=port)
        size = max(p.stat().st_size for p in folder.iterdir())
        preexec = None
        if disk is not None:
            fill(folder, leave=48 * 1024)
        else:
            preexec = limit_file_size(size + 48 * 1024)
        server = serve(horizon, url, log=tmp_path / "server.log", port=port, preexec=preexec)
        shown: set[str] = set()
        refused = 0
        try:
            with httpx.Client(base_url=server.url, timeout=10) as client:
                for matricule, link in links.items():
                    if acknowledge_over_http(client, "/a/" + link.split("/a/", 1)[1]):
                        shown.add(matricule)
                    else:
                        refused += 1
                page = client.get("/a/" + links[next(m for m in links if m not in shown)].split("/a/", 1)[1])
                form = page.text
                import re

                token = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
                answer = client.post(page.url.path, data={"csrf": token})
                assert answer.status_code == 503 and "Enregistrement impossible pour le moment" in answer.text
                assert answer.headers["retry-after"] == "30"
        finally:
            server.stop()
        assert refused > 0 and len(shown) < len(links)  # the disk did fill up
        (folder / "filler.bin").unlink(missing_ok=True)
        done, rows, ok, problem = state_of(url)
        assert shown <= done and ok, problem
        assert rows == len(done)
