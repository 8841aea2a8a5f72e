"""The database as a test sees it: a snapshot of the tables, and calls that must be refused
without changing anything."""
import pytest
from sqlalchemy import select

from kb.database import db

SNAPSHOT_TABLES = ("term", "organisation", "example_term", "example", "user_account",
                   "index_event", "revision", "synonym_group")


def snapshot() -> dict:
    """Every row of the tables curation touches: compared before and after a refusal."""
    db.session.expire_all()
    tables = db.metadata.tables
    return {name: sorted(tuple(map(str, row)) for row in
                         db.session.execute(select(tables[name])).all())
            for name in SNAPSHOT_TABLES}


def refused(error, call, *args, field: str | None = None):
    """Call must raise error (naming field, for Invalid) and leave the database as it was."""
    before = snapshot()
    with pytest.raises(error) as info:
        call(*args)
    db.session.rollback()
    if field is not None:
        assert field in info.value.errors, info.value.errors
    assert snapshot() == before
