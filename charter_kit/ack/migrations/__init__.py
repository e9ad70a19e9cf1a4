"""Alembic migrations of the registry, run programmatically when a registry is opened."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

HERE = Path(__file__).resolve().parent
#: The PostgreSQL advisory lock held while migrating (workers starting together migrate once).
MIGRATION_LOCK = 0x636B5F61636C


def config():
    """The Alembic configuration pointing at this folder (no alembic.ini needed)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    return cfg


def head_revision() -> str:
    """The newest revision shipped with this version of charter-kit."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(config()).get_current_head()


def current_revision(connection) -> str | None:
    """The revision the database is at (None for an empty database)."""
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def upgrade(registry) -> None:
    """Bring the registry's tables to the newest revision; a no-op when they already are."""
    from alembic import command

    wanted = head_revision()
    with registry.read_engine.connect() as conn:
        if current_revision(conn) == wanted:
            return
    with registry.engine.begin() as conn:
        if registry.dialect == "postgresql":
            # Several workers may start at once: one migrates, the others wait and find it done.
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK})
        if current_revision(conn) == wanted:
            return
        cfg = config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
