"""The registry's storage: SQLAlchemy 2 tables, the engine for a URL, and the ``Registry`` handle.

SQLite (WAL, ``synchronous=FULL``) is the default, in ``<project>/acks/registry.db``; PostgreSQL
is reached through a ``postgresql://`` URL (driver psycopg 3). Opening a registry brings its
tables to the newest Alembic revision.

Times are stored as fixed-width UTC text (``2027-09-01T08:15:30.123456Z``): the event log hashes
them, so they must read back byte for byte the same on both databases.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import (Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint,
                        create_engine, event, select, text)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from charter_kit.errors import AckError
from charter_kit.i18n import _

DEFAULT_PATH = Path("acks") / "registry.db"
URL_ENV = "CHARTER_ACK_DATABASE_URL"
#: The PostgreSQL advisory lock that serialises appends to the event log (any constant works).
CHAIN_LOCK = 0x636B5F61636B  # "ck_ack"


class Base(DeclarativeBase):
    """The registry's tables."""


class Employee(Base):
    """An employee as last imported; every change is also an event of the log."""

    __tablename__ = "employees"
    __table_args__ = (Index("ix_employees_active_place", "active", "entity", "establishment"),
                      {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    matricule: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), default="")
    entity: Mapped[str] = mapped_column(String(200), default="")
    establishment: Mapped[str] = mapped_column(String(200), default="")
    population: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    left_at: Mapped[str | None] = mapped_column(String(32), default=None)
    updated_at: Mapped[str] = mapped_column(String(32))


class Version(Base):
    """A release of the charter, as the release store describes it."""

    __tablename__ = "versions"

    version: Mapped[str] = mapped_column(String(32), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    digest: Mapped[str] = mapped_column(String(64))
    date: Mapped[str] = mapped_column(String(10))
    effective_date: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(16))
    previous_version: Mapped[str | None] = mapped_column(String(32), default=None)
    registered_at: Mapped[str] = mapped_column(String(32))


class Campaign(Base):
    """A request that the employees concerned acknowledge one version."""

    __tablename__ = "campaigns"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[str] = mapped_column(ForeignKey("versions.version"), unique=True)
    population: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[str] = mapped_column(String(32))
    created_by: Mapped[str] = mapped_column(String(200), default="")


class Acknowledgement(Base):
    """One employee's acknowledgement of one version: direct (link, SSO) or carried forward."""

    __tablename__ = "acknowledgements"
    __table_args__ = (UniqueConstraint("employee_id", "version", name="uq_ack_employee_version"),
                      Index("ix_ack_version_employee", "version", "employee_id"),
                      {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    version: Mapped[str] = mapped_column(ForeignKey("versions.version"))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"), default=None)
    method: Mapped[str] = mapped_column(String(16))
    carried_from_id: Mapped[int | None] = mapped_column(ForeignKey("acknowledgements.id"), default=None)
    at: Mapped[str] = mapped_column(String(32))
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), unique=True)


class Token(Base):
    """A personal link's secret, stored as its sha256 only; valid for one employee and campaign."""

    __tablename__ = "tokens"
    __table_args__ = (Index("ix_tokens_employee", "employee_id", "campaign_id"),
                      {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    purpose: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[str] = mapped_column(String(32))
    expires_at: Mapped[str] = mapped_column(String(32))


class Event(Base):
    """One record of the append-only log; ``hash`` covers its position, time, kind, data and the
    previous record's hash. ``data`` is erased (NULL) only by a logged retention purge."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_employee", "employee_id"), Index("ix_events_kind", "kind"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(40))
    employee_id: Mapped[int | None] = mapped_column(Integer, default=None)
    version: Mapped[str | None] = mapped_column(String(32), default=None)
    data: Mapped[str | None] = mapped_column(Text, default=None)
    data_hash: Mapped[str] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class Admin(Base):
    """An HR user of the dashboard; the password is kept as an argon2 hash."""

    __tablename__ = "admins"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(200), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[str] = mapped_column(String(32))


class Throttle(Base):
    """One failed attempt (bad token, bad password) from one address: the rate limiter's memory."""

    __tablename__ = "throttle"
    __table_args__ = (Index("ix_throttle_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(100))
    at: Mapped[float] = mapped_column(Float)


class Setting(Base):
    """A registry-wide value shared by every worker (the cookie signing secret)."""

    __tablename__ = "settings"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


# -- time -------------------------------------------------------------------------------------------
def iso(moment: dt.datetime) -> str:
    """The stored form of a moment: UTC, microseconds, fixed width."""
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_iso(value: str) -> dt.datetime:
    """A stored moment back as an aware datetime."""
    return dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.timezone.utc)


def utc_now() -> dt.datetime:
    """The clock (the registry records when things happen: this is the one place it is read)."""
    return dt.datetime.now(dt.timezone.utc)


# -- URLs -------------------------------------------------------------------------------------------
def database_url(root: Path, given: str | None = None) -> str:
    """The registry's SQLAlchemy URL: given, else $CHARTER_ACK_DATABASE_URL, else SQLite in acks/."""
    value = given or os.environ.get(URL_ENV) or ""
    if not value:
        return "sqlite:///" + str((Path(root) / DEFAULT_PATH).resolve())
    if "://" not in value:  # a file path: SQLite
        return "sqlite:///" + str(Path(value).resolve())
    for prefix in ("postgresql://", "postgres://", "postgresql+psycopg2://"):
        if value.startswith(prefix):
            return "postgresql+psycopg://" + value[len(prefix):]
    return value


def safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return re.sub(r"//[^@/]*@", "//***@", url)


# -- the registry handle ----------------------------------------------------------------------------
class Registry:
    """An open registry: engines, transactions, the chain lock and the clock."""

    def __init__(self, url: str, *, clock: Callable[[], dt.datetime] = utc_now, upgrade: bool = True) -> None:
        self.url = url
        self.clock = clock
        try:
            parsed = make_url(url)
        except ArgumentError:
            raise AckError(_("unreadable database address: {url}").format(url=safe_url(url)),
                           hint=_("sqlite:///path/registry.db or postgresql://user@host/database")) from None
        self.dialect = parsed.get_backend_name()
        if self.dialect not in ("sqlite", "postgresql"):
            raise AckError(_("database not supported: {dialect}").format(dialect=self.dialect),
                           hint=_("use SQLite (the default) or PostgreSQL"))
        if self.dialect == "sqlite":
            path = Path(parsed.database or "")
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise AckError(_("{folder}: cannot create the registry's folder ({reason})").format(
                    folder=path.parent, reason=exc.strerror)) from None
            self.engine = _sqlite_engine(url, immediate=True)
            self.read_engine = _sqlite_engine(url, immediate=False)
            self._local_writer = threading.Lock()
        else:
            self.engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20,
                                        connect_args={"connect_timeout": 10})
            self.read_engine = self.engine
            self._local_writer = contextlib.nullcontext()
        if upgrade:
            from charter_kit.ack.migrations import upgrade as run_upgrade

            with self.errors(_("opening the registry")):
                run_upgrade(self)

    def now(self) -> dt.datetime:
        """The registry's clock (injectable for tests of expiry)."""
        return self.clock()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction, committed on exit (on SQLite it holds the write lock throughout)."""
        # SQLite lets one writer in at a time and makes the others poll with growing sleeps: threads
        # of one process queue here instead, so a busy worker serves writes one after the other.
        with self._local_writer, Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only session."""
        with Session(self.read_engine, expire_on_commit=False) as session:
            yield session

    def lock_chain(self, session: Session) -> None:
        """Serialise appends to the event log until the transaction ends."""
        if self.dialect == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": CHAIN_LOCK})
        # SQLite: every write transaction began with BEGIN IMMEDIATE and already holds the lock.

    @contextmanager
    def errors(self, doing: str) -> Iterator[None]:
        """Turn database failures into one readable error; ``doing`` says what failed ("reading the registry")."""
        try:
            yield
        except AckError:
            raise
        except (OperationalError, DBAPIError) as exc:
            raise AckError(describe_db_error(exc, self.url, doing), hint=_db_hint(exc)) from None
        except SQLAlchemyError as exc:
            raise AckError(_("registry {url}: {doing} failed ({reason})").format(
                url=safe_url(self.url), doing=doing, reason=_one_line(exc))) from None

    def secret(self) -> str:
        """The cookie signing secret: $CHARTER_ACK_SECRET, else one generated once and kept here."""
        env = os.environ.get("CHARTER_ACK_SECRET")
        if env:
            return env
        with self.read() as session:
            found = session.get(Setting, "secret")
            if found is not None:
                return found.value
        import secrets

        with self.write() as session:
            found = session.get(Setting, "secret")
            if found is None:
                found = Setting(name="secret", value=secrets.token_urlsafe(48))
                session.add(found)
            return found.value

    def close(self) -> None:
        """Release every connection."""
        self.engine.dispose()
        if self.read_engine is not self.engine:
            self.read_engine.dispose()


def _sqlite_engine(url: str, *, immediate: bool) -> Engine:
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (see below)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # FULL: a commit is on disk before the receipt page is sent, even if the machine stops.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:
        # IMMEDIATE takes the write lock first: two writers never deadlock upgrading a read lock.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def describe_db_error(exc: BaseException, url: str, doing: str) -> str:
    """One sentence, in the user's language, for a database failure (full disk, unreachable server, locked file)."""
    raw = _one_line(getattr(exc, "orig", exc))
    low = raw.lower()
    url = safe_url(url)
    if is_full_disk(exc):
        return _("registry {url}: the disk is full (or refuses writing); nothing was recorded ({doing})").format(
            url=url, doing=doing)
    if "database is locked" in low:
        return _("registry {url}: the database is busy with another program; nothing was recorded ({doing})").format(
            url=url, doing=doing)
    if "connection" in low or "could not connect" in low or "server closed" in low or "terminating" in low:
        return _("registry {url}: database server unreachable; nothing was recorded ({doing})").format(
            url=url, doing=doing)
    return _("registry {url}: {doing} failed ({reason})").format(url=url, doing=doing, reason=raw)


def _db_hint(exc: BaseException) -> str | None:
    low = _one_line(getattr(exc, "orig", exc)).lower()
    if is_full_disk(exc):
        return _("free some space on the registry's disk, then start again; what was already recorded is intact")
    if "connection" in low or "could not connect" in low:
        return _("check that PostgreSQL is running and that its address (--db or {variable}) is right").format(
            variable=URL_ENV)
    return None


def is_full_disk(exc: BaseException) -> bool:
    """True when a database error means the disk (or the file size limit) is exhausted."""
    low = _one_line(getattr(exc, "orig", exc)).lower()
    return any(w in low for w in ("disk is full", "no space", "file too large", "disk i/o"))


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:500]


def head(session: Session) -> tuple[int, str]:
    """The position and hash of the newest event (0 and the genesis hash for an empty log)."""
    row = session.execute(select(Event.id, Event.hash).order_by(Event.id.desc()).limit(1)).first()
    return (row[0], row[1]) if row else (0, "0" * 64)
