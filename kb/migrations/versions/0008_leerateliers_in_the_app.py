"""leerateliers run in the app: theme, listed, open for contributions, learning questions,
and the question an example answers

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 08:05:18.945659

"""
import sqlalchemy as sa
from alembic import op

from kb.migration_tools import foreign_keys_off

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None



def upgrade():
    op.create_table(
        'learning_question',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('leeratelier_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('text', sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(['leeratelier_id'], ['leeratelier.id'],
                                name=op.f('fk_learning_question_leeratelier_id_leeratelier'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_learning_question')))
    op.create_index(op.f('ix_learning_question_leeratelier_id'), 'learning_question',
                    ['leeratelier_id'], unique=False)
    with foreign_keys_off():
        with op.batch_alter_table('example', schema=None) as batch_op:
            batch_op.add_column(sa.Column('learning_question_id', sa.Integer(), nullable=True))
            batch_op.create_index(batch_op.f('ix_example_learning_question_id'),
                                  ['learning_question_id'], unique=False)
            batch_op.create_foreign_key(
                batch_op.f('fk_example_learning_question_id_learning_question'),
                'learning_question', ['learning_question_id'], ['id'], ondelete='SET NULL')
        with op.batch_alter_table('leeratelier', schema=None) as batch_op:
            batch_op.add_column(sa.Column('theme_id', sa.Integer(), nullable=True))
            batch_op.add_column(sa.Column('listed', sa.Boolean(), server_default=sa.false(),
                                          nullable=False))
            batch_op.add_column(sa.Column('open_for_contributions', sa.Boolean(),
                                          server_default=sa.false(), nullable=False))
            batch_op.create_foreign_key(batch_op.f('fk_leeratelier_theme_id_term'), 'term',
                                        ['theme_id'], ['id'])
    # Leerateliers with a date were announced (loaded with their details): public.
    op.execute("UPDATE leeratelier SET listed = true WHERE date IS NOT NULL")


def downgrade():
    with foreign_keys_off():
        with op.batch_alter_table('leeratelier', schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f('fk_leeratelier_theme_id_term'),
                                     type_='foreignkey')
            batch_op.drop_column('open_for_contributions')
            batch_op.drop_column('listed')
            batch_op.drop_column('theme_id')
        with op.batch_alter_table('example', schema=None) as batch_op:
            batch_op.drop_constraint(
                batch_op.f('fk_example_learning_question_id_learning_question'),
                type_='foreignkey')
            batch_op.drop_index(batch_op.f('ix_example_learning_question_id'))
            batch_op.drop_column('learning_question_id')
    op.drop_index(op.f('ix_learning_question_leeratelier_id'), table_name='learning_question')
    op.drop_table('learning_question')
