"""The database: Flask-SQLAlchemy's `db` with portable constraint names, and engine tuning
(SQLite under several workers needs WAL, a busy timeout and BEGIN IMMEDIATE)."""
import contextvars
import functools
import os
from pathlib import Path

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, event, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import DeclarativeBase

# The schema's history (Alembic), shipped inside the package.
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


@functools.cache
def migration_head() -> str:
    """The newest migration this code knows (read from the files once per process)."""
    from alembic.script import ScriptDirectory
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def schema_revision(connection) -> str | None:
    """The migration a database is at; None before `kb init`."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


# Named constraints keep Alembic migrations portable between SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with the naming convention."""

    metadata = MetaData(naming_convention=NAMING)


db = SQLAlchemy(model_class=Base)

# Set by services.base.unit_of_work: the transaction about to begin will write.
write_intent: contextvars.ContextVar[bool] = contextvars.ContextVar("write_intent", default=False)


def configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """Make a SQLite engine safe for several processes writing one file."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Hand transaction control to SQLAlchemy's begin event below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # A write transaction takes the write lock up front, so it waits for the
        # busy timeout instead of failing with "database is locked" mid-way. An
        # autocommit block (a migration's pragma) opens no transaction.
        if connection.get_execution_options().get("isolation_level") == "AUTOCOMMIT":
            return
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write_intent.get() else "BEGIN")


def owner_only(database_url: str) -> None:
    """Keep a SQLite database file readable by its owner only: created so, and an existing
    one (with its write-ahead log) tightened. SQLite gives new -wal and -shm files the
    database file's mode."""
    url = make_url(database_url)
    path = url.database
    if url.get_backend_name() != "sqlite" or not path or path == ":memory:":
        return
    if not os.path.exists(path):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.chmod(path + suffix, 0o600)
