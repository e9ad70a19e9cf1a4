"""The production recipe as far as this machine allows: several uvicorn workers on one PostgreSQL."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from ack_support import serve
from test_faults import prepare, run_load, state_of

pytestmark = [pytest.mark.db, pytest.mark.slow]


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (read from /proc)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def test_three_workers_share_one_postgresql(horizon, pg_server, tmp_path):
    url = pg_server.url(pg_server.createdb())
    links = prepare(horizon, url, tmp_path, count=180)
    server = serve(horizon, url, workers=3, log=tmp_path / "server.log")
    try:
        workers = [p for p in children(server.process.pid) if Path(f"/proc/{p}/cmdline").read_bytes().count(b"python")]
        assert len(workers) >= 3, workers  # uvicorn's supervisor forked its workers
        shown: set[str] = set()
        run_load(server.url, links, shown, stop=threading.Event(), workers=24)
    finally:
        server.stop()
    assert len(shown) == 180
    done, rows, ok, problem = state_of(url)
    assert done == set(links) and rows == 180 and ok, problem  # one chain, no position taken twice
