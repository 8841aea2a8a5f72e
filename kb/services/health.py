"""The health check (`GET /healthz`): does the database answer, and the search index?

Cheap enough for a monitor every few seconds: one small query, and the index's document
count from the searcher this process keeps open anyway. It changes nothing.
"""
import logging

from sqlalchemy.exc import SQLAlchemyError

from kb.database import db, migration_head, schema_revision
from kb.search.store import get_store

log = logging.getLogger(__name__)


def database_status() -> str:
    """"ok"; "unavailable" when the database does not answer; "schema_mismatch" when it
    answers at another migration than this code's (run `kb init` after an upgrade)."""
    try:
        with db.engine.connect() as connection:
            revision = schema_revision(connection)
    except SQLAlchemyError as exc:
        log.warning("health check: the database does not answer (%s)", type(exc).__name__)
        return "unavailable"
    return "ok" if revision == migration_head() else "schema_mismatch"


def index_status() -> str:
    """"ok", "rebuilding" or "unavailable" (see IndexStore.health); "unknown" when the
    database stopped answering meanwhile (the index is checked against its history)."""
    try:
        return get_store().health()
    except SQLAlchemyError:
        return "unknown"


def check() -> dict[str, str]:
    """Each part's status by name; all "ok" when the site is fully up."""
    database = database_status()
    index = "unknown" if database == "unavailable" else index_status()
    return {"database": database, "index": index}
