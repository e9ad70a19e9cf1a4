"""Fixtures of the acknowledgement registry's tests: a copy of the listed example, registries on
SQLite and on a real PostgreSQL (a temporary cluster this file starts and stops), releases made
through the store, a local SMTP server, and the registry's web server in a subprocess.

Every database test runs on both: the ``db_url`` fixture is parametrized, the PostgreSQL side is
marked ``db`` (``make test-fast`` leaves it out; the cluster only starts when such a test runs).
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest

from ack_support import Clock, free_port, pg_binary, write_csv

ROOT = Path(__file__).resolve().parents[2]
LISTED_EXAMPLE = ROOT / "examples" / "groupe-horizon"


def pytest_configure(config):
    for line in ("slow: takes more than about 2 seconds", "browser: drives the Debian Chromium through Playwright",
                 "db: needs a PostgreSQL server"):
        config.addinivalue_line("markers", line)
    # Starlette's TestClient prefers httpx2; httpx is what the registry's extra installs.
    config.addinivalue_line("filterwarnings", "ignore:Using `httpx` with `starlette.testclient`")


# -- the project --------------------------------------------------------------------------------------
FIXED_RELEASES = ("1.0.0", "1.1.0", "2.0.0")


@pytest.fixture
def horizon_full(tmp_path: Path) -> Path:
    """A private copy of examples/groupe-horizon as it is (profile, local module, logo, every release)."""
    root = tmp_path / "horizon"
    shutil.copytree(LISTED_EXAMPLE, root, ignore=shutil.ignore_patterns("build", "public", "acks"))
    return root


@pytest.fixture
def horizon(horizon_full: Path) -> Path:
    """The same copy with only the example's first three releases (1.0.0, 1.1.0, 2.0.0): the tests
    that name versions stay fixed when the example gains new ones."""
    for folder in (horizon_full / "releases").iterdir():
        if folder.name not in FIXED_RELEASES:
            shutil.rmtree(folder)
    return horizon_full


# -- databases ----------------------------------------------------------------------------------------
@dataclasses.dataclass
class PgServer:
    """A temporary PostgreSQL cluster on 127.0.0.1, run as the unprivileged user ``postgres``."""

    data: Path
    port: int
    log: Path

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = list(args)
        if os.geteuid() == 0:  # initdb and postgres refuse to run as root
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, check=check, capture_output=True, text=True, timeout=120)

    def start(self) -> None:
        self._run(pg_binary("pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "-o",
                  f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c max_connections=200 "
                  "-c fsync=on -c synchronous_commit=on", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run(pg_binary("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def restart(self) -> None:
        self.stop("fast")
        self.start()

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def createdb(self) -> str:
        name = "t_" + uuid.uuid4().hex[:12]
        self._run(pg_binary("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)
        return name


@pytest.fixture(scope="session")
def pg_server() -> PgServer:
    """One cluster for the session: initdb into a temporary folder, started on a free port."""
    # A folder of its own under /tmp: pytest's temporary root is private to root, postgres could not enter it.
    base = Path(tempfile.mkdtemp(prefix="charter-ack-pg-"))
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
    server = PgServer(base / "data", free_port(), base / "postgres.log")
    try:
        server._run(pg_binary("initdb"), "-D", str(server.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                    "--locale=C", "--no-sync")
        server.start()
    except subprocess.CalledProcessError as exc:
        shutil.rmtree(base, ignore_errors=True)
        pytest.fail(f"PostgreSQL did not start: {exc.cmd}\n{exc.stdout}\n{exc.stderr}")
    try:
        yield server
    finally:
        server.stop("immediate")
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.db)])
def db_url(request, tmp_path: Path) -> str:
    """The registry's URL: a SQLite file, or a fresh database of the temporary PostgreSQL cluster."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'acks' / 'registry.db'}"
    server: PgServer = request.getfixturevalue("pg_server")
    return server.url(server.createdb())


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def registry(db_url: str, clock: Clock, horizon: Path):
    """An open registry (tables migrated) with the example's three versions registered."""
    from charter_kit.ack.db import Registry
    from charter_kit.ack.versions import sync

    reg = Registry(db_url, clock=clock)
    sync(reg, horizon)
    yield reg
    reg.close()


@pytest.fixture
def config(horizon: Path, db_url: str):
    """The registry's settings for the example (defaults, the test database)."""
    from charter_kit.ack.config import load_config

    return load_config(horizon).with_(database=db_url)


@pytest.fixture
def employees(registry, tmp_path: Path):
    """The five example employees imported; returns {matricule: employee id}."""
    from sqlalchemy import select

    from charter_kit.ack.db import Employee
    from charter_kit.ack.importing import import_employees

    import_employees(registry, write_csv(tmp_path / "salaries.csv"), actor="test")
    with registry.read() as session:
        return dict(session.execute(select(Employee.matricule, Employee.id)).all())


# -- servers ------------------------------------------------------------------------------------------
@pytest.fixture
def smtp_server():
    """A local SMTP server (aiosmtpd) on 127.0.0.1 that keeps every message it receives."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Keep(Message):
        def handle_message(self, message):
            received.append(message)

    controller = Controller(Keep(), hostname="127.0.0.1", port=free_port())
    controller.start()
    controller.received = received
    try:
        yield controller
    finally:
        controller.stop()


