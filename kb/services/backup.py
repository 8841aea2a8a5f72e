"""Backups of the whole database (`kb backup`) and restoring one into an empty instance
(`kb restore`): every example with its status, account, decision and revision. The search
index is not backed up: it is rebuilt from the restored database.

SQLite is copied with its online backup API (a consistent copy while the app runs, never a
copy of the live file); PostgreSQL with pg_dump's custom format, restored by pg_restore.
"""
import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import make_url

from kb.database import db
from kb.models import Attachment, Decision, Example, Revision, User
from kb.services import audit
from kb.services import permissions as perm
from kb.services.errors import Invalid

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


@dataclass
class Contents:
    """What a database holds, as a backup or restore reports it."""

    examples: dict[str, int]
    accounts: int
    decisions: int
    revisions: int
    attachments: int = 0

    def describe(self) -> str:
        """One line for the command line."""
        statuses = ", ".join(f"{n} {status}" for status, n in sorted(self.examples.items()))
        return (f"{sum(self.examples.values())} examples ({statuses or 'none'}), "
                f"{self.accounts} accounts, {self.decisions} decisions, "
                f"{self.revisions} revisions, {self.attachments} attachments")


def contents() -> Contents:
    """Count what the current database holds."""
    examples = dict(db.session.execute(select(Example.status, func.count(Example.id))
                                       .where(Example.status != "staged")
                                       .group_by(Example.status)).all())
    count = db.session.scalar
    return Contents(examples=examples, accounts=count(select(func.count(User.id))),
                    decisions=count(select(func.count(Decision.id))),
                    revisions=count(select(func.count(Revision.id))),
                    attachments=count(select(func.count(Attachment.id))))


def _url():
    """The database URL of the app."""
    from flask import current_app
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])


def _libpq(url) -> str:
    """The URL as pg_dump and pg_restore take it."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    """The path of a PostgreSQL client program, or a clear error."""
    found = shutil.which(name)
    if found is None:
        raise Invalid({"": _("%(program)s is niet gevonden; installeer de "
                             "PostgreSQL-clientprogramma's (Debian: postgresql-client) in de "
                             "versie van de server", program=name)})
    return found


def _run(command: list[str]) -> None:
    """Run a client program; its own message when it fails."""
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise Invalid({"": _("%(program)s faalde: %(output)s",
                             program=os.path.basename(command[0]),
                             output=(done.stderr or done.stdout).strip()[:2000])})


def backup(path: str) -> Contents:
    """Write a consistent copy of the whole database to path (readable by its owner only),
    replacing the file only once the copy is complete."""
    url = _url()
    folder = os.path.dirname(os.path.abspath(path)) or "."
    if not os.path.isdir(folder):
        raise Invalid({"file": _("map %(folder)s bestaat niet", folder=folder)})
    handle, partial = tempfile.mkstemp(prefix=".backup-", dir=folder)
    os.close(handle)
    os.chmod(partial, 0o600)
    try:
        if url.get_backend_name() == "sqlite":
            _sqlite_copy(url.database, partial)
        else:
            _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                  "--file", partial, _libpq(url)])
        os.replace(partial, path)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    audit.record("export", perm.SYSTEM, what="backup")  # a copy of everything, accounts too
    return contents()


def _sqlite_copy(source: str, target: str) -> None:
    """Copy a SQLite database with the online backup API."""
    with sqlite3.connect(source, timeout=30) as origin, sqlite3.connect(target) as copy:
        origin.backup(copy)
    copy.close()
    origin.close()


def kind_of(path: str) -> str:
    """'sqlite' or 'postgresql' from a backup file's first bytes; Invalid for anything else."""
    try:
        with open(path, "rb") as handle:
            start = handle.read(16)
    except OSError as exc:
        raise Invalid({"file": f"{path}: {exc.strerror}"}) from None
    if start.startswith(SQLITE_MAGIC):
        return "sqlite"
    if start.startswith(PG_MAGIC):
        return "postgresql"
    raise Invalid({"file": _("%(path)s is geen backup van Praktijkbank (geen SQLite-database "
                             "en geen pg_dump-bestand)", path=path)})


def _require_empty() -> None:
    """Restore only into an instance without examples and accounts (taxonomy defaults and
    partner organisations, from `kb init`, may be there)."""
    if "example" not in inspect(db.engine).get_table_names():
        return
    found = contents()
    if sum(found.examples.values()) or found.accounts:
        raise Invalid({"": _("deze instantie is niet leeg (%(contents)s); zet een backup terug "
                             "in een nieuwe, lege instantie", contents=found.describe())})


def restore(path: str) -> Contents:
    """Replace this empty instance's database with a backup, then bring its schema up to
    date. The caller rebuilds the search index."""
    kind = kind_of(path)
    url = _url()
    backend = url.get_backend_name()
    if kind != backend:
        raise Invalid({"file": _("een %(kind)s-backup kan niet in een %(backend)s-database "
                                 "worden teruggezet (gebruik een instantie van dezelfde soort)",
                                 kind=kind, backend=backend)})
    _require_empty()
    db.session.remove()
    db.engine.dispose()
    if kind == "sqlite":
        _restore_sqlite(path, url.database)
    else:
        _restore_postgres(path, url)
    db.engine.dispose()
    return contents()


def _restore_sqlite(path: str, database: str) -> None:
    """Check the backup, copy it beside the database and swap it in."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as source:
        verdict = source.execute("PRAGMA integrity_check").fetchone()[0]
        tables = {row[0] for row in source.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        version = source.execute("SELECT version_num FROM alembic_version").fetchone() \
            if "alembic_version" in tables else None
    source.close()
    if verdict != "ok" or version is None:
        raise Invalid({"file": _("%(path)s is beschadigd of geen Praktijkbank-database "
                                 "(%(verdict)s)", path=path, verdict=verdict)})
    _check_version(version[0])
    partial = database + ".restoring"
    _sqlite_copy(path, partial)
    os.chmod(partial, 0o600)
    for suffix in ("-wal", "-shm"):
        if os.path.exists(database + suffix):
            os.unlink(database + suffix)
    os.replace(partial, database)


def _restore_postgres(path: str, url) -> None:
    """Empty the (empty) database's schema and restore the dump in one transaction; when
    that fails, the database is initialised again as it was (empty)."""
    restore_tool = _tool("pg_restore")
    with db.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    try:
        _run([restore_tool, "--no-owner", "--no-privileges", "--single-transaction",
              "--exit-on-error", "--dbname", _libpq(url), path])
        db.engine.dispose()
        with db.engine.connect() as connection:
            _check_version(connection.execute(text("SELECT version_num FROM alembic_version"))
                           .scalar())
    except Exception:
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        _initialise_again()
        raise


def _check_version(version: str | None) -> None:
    """Refuse a backup whose schema this version of Praktijkbank does not know (a newer one)."""
    from alembic.script import ScriptDirectory

    from kb.database import MIGRATIONS
    scripts = ScriptDirectory(str(MIGRATIONS))
    known = {revision.revision for revision in scripts.walk_revisions()}
    if version not in known:
        raise Invalid({"file": _("de backup heeft databaseversie %(version)s, die deze versie "
                                 "van Praktijkbank niet kent: werk Praktijkbank eerst bij",
                                 version=version)})


def _initialise_again() -> None:
    """What `kb init` makes of an empty database: the schema and the defaults."""
    from flask_migrate import upgrade

    from kb.services.taxonomy import ensure_defaults
    db.engine.dispose()
    upgrade()
    ensure_defaults()
