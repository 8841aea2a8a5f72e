"""evidence types: the taxonomy kind saying how an example's impact was made visible

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 19:10:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

# The values as they were at this revision (the seed data may change later; this may not).
EVIDENCE_TYPES = [
    ("spinnenweb", "Gesprek met het spinnenweb", "Positive Health dialogue tool"),
    ("vragenlijst", "Vragenlijst", "Questionnaire"),
    ("verhalen", "Verhalen en citaten", "Stories and quotes"),
    ("cijfers", "Cijfers en registratie", "Figures and records"),
    ("interviews", "Interviews of focusgroep", "Interviews or focus group"),
    ("nog-niet", "Nog niet zichtbaar gemaakt", "Not yet made visible"),
]
TERM = sa.table("term", sa.column("kind", sa.String), sa.column("slug", sa.String),
                sa.column("label_nl", sa.String), sa.column("label_en", sa.String),
                sa.column("position", sa.Integer), sa.column("active", sa.Boolean))


def upgrade():
    bind = op.get_bind()
    present = set(bind.scalars(sa.select(TERM.c.slug).where(TERM.c.kind == "evidence_type")))
    rows = [{"kind": "evidence_type", "slug": slug, "label_nl": nl, "label_en": en,
             "position": position, "active": True}
            for position, (slug, nl, en) in enumerate(EVIDENCE_TYPES) if slug not in present]
    if rows:
        op.bulk_insert(TERM, rows)


def downgrade():
    op.execute(sa.text("DELETE FROM example_term WHERE term_id IN "
                       "(SELECT id FROM term WHERE kind = 'evidence_type')"))
    op.execute(sa.text("DELETE FROM term WHERE kind = 'evidence_type'"))
