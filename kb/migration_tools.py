"""Helpers the Alembic migrations share (kept small and stable: old migrations use them)."""
from contextlib import contextmanager

from alembic import op


@contextmanager
def foreign_keys_off():
    """On SQLite a batch recreates the table; dropping the old one with foreign keys on
    would cascade into (or be refused by) the tables that refer to it. The pragma only
    takes effect outside a transaction."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        with op.get_context().autocommit_block():
            op.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        if sqlite:
            with op.get_context().autocommit_block():
                op.execute("PRAGMA foreign_keys=ON")
