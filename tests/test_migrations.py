"""Migrations: upgrading an empty database to head gives exactly the models' schema."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from kb.extensions import db


def schema_drift() -> list:
    """Differences between the live database schema and the models."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_migrated_schema_equals_the_models(app):
    # The fixture's database was built from empty by `kb init` (alembic upgrade head).
    assert schema_drift() == []


def test_downgrade_to_empty_and_upgrade_again(app):
    db.session.remove()
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    assert schema_drift() == []
