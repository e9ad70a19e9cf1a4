"""Storage: the Alembic revision builds exactly the tables the models describe, on both databases."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import text

from ack_support import ROOT
from charter_kit.ack.db import Base, Registry, database_url, safe_url
from charter_kit.ack.migrations import current_revision, head_revision


def test_migration_matches_the_models_and_reopening_is_a_no_op(db_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    registry = Registry(db_url)
    with registry.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        assert current_revision(conn) == head_revision() == "0001"
    registry.close()
    again = Registry(db_url)  # opens without migrating twice
    with again.read() as session:
        assert session.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
    again.close()


def test_sqlite_is_in_wal_mode_with_full_sync(tmp_path):
    registry = Registry(f"sqlite:///{tmp_path / 'r.db'}")
    with registry.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    registry.close()


def test_urls(tmp_path):
    assert database_url(tmp_path) == f"sqlite:///{tmp_path.resolve()}/acks/registry.db"
    assert database_url(tmp_path, "postgresql://u:secret@db/acks") == "postgresql+psycopg://u:secret@db/acks"
    assert "secret" not in safe_url("postgresql+psycopg://u:secret@db/acks")


@pytest.mark.db
@pytest.mark.slow
def test_workers_starting_together_migrate_once(pg_server):
    """Several workers open a fresh PostgreSQL registry at the same moment: one migrates, none fails."""
    url = pg_server.url(pg_server.createdb())
    code = f"from charter_kit.ack.db import Registry; Registry({url!r}).close()"
    procs = [subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stderr=subprocess.PIPE) for _ in range(4)]
    errors = [p.communicate(timeout=120)[1].decode() for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], errors
    registry = Registry(url)
    with registry.engine.connect() as conn:
        assert current_revision(conn) == head_revision()
    registry.close()
