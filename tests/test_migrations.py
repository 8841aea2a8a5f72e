"""Migrations: upgrading an empty database to head gives exactly the models' schema."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from kb.database import db
from kb.models import Decision, Example, Term
from tests import factories


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


def test_0004_turns_marked_reasons_into_decisions_on_edits(app):
    example_id = factories.example("published").id
    db.session.remove()
    downgrade(revision="0003")
    with db.engine.begin() as connection:
        for reason in ("Bewerking: Graag de bron noemen.", "Bewerking", "Gewoon een reden"):
            connection.execute(text("INSERT INTO decision (example_id, action, reason, "
                                    "created_at) VALUES (:e, 'reject', :r, :t)"),
                               {"e": example_id, "r": reason, "t": "2026-01-01 00:00:00"})
    upgrade()
    rows = db.session.query(Decision.reason, Decision.on_edit).filter(
        Decision.action == "reject").order_by(Decision.id).all()
    assert rows == [("Graag de bron noemen.", True), ("", True), ("Gewoon een reden", False)]


def test_0007_adds_the_evidence_types_to_an_existing_installation(app):
    factories.example("published", evidence_types=["cijfers"])
    db.session.remove()
    downgrade(revision="0006")
    # (only the columns 0006 has: later ones, such as term.merged_into_id, are not there yet)
    assert db.session.query(Term.id).filter(Term.kind == "evidence_type").count() == 0
    db.session.remove()
    upgrade()
    slugs = [term.slug for term in db.session.query(Term).filter(
        Term.kind == "evidence_type").order_by(Term.position)]
    assert slugs == ["spinnenweb", "vragenlijst", "verhalen", "cijfers", "interviews",
                     "nog-niet"]


def test_0008_keeps_every_example_and_its_history_both_ways(app):
    example = factories.example("published", themes=["mantelzorg", "dementie"])
    before = (len(example.terms), len(example.decisions), len(example.revisions))
    db.session.remove()
    downgrade(revision="0007")
    upgrade()
    kept = db.session.get(Example, example.id)
    assert (len(kept.terms), len(kept.decisions), len(kept.revisions)) == before
    assert schema_drift() == []
