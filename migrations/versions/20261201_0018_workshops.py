"""workshops: regional workshops, their stances, plain-language summaries, required coverage

A workshop counts its participants by gender (never names them); a receipt may point to the
workshop it was gathered in; a summary is versioned per article and language (es, qu, ay); a
draft may require that a round hear from chosen regions before it closes.

Revision ID: 0018
Revises: 0017
Created: 2026-12-01 22:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0018'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('coverage_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('draft_id', sa.Integer(), nullable=False),
    sa.Column('regions', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['draft_id'], ['draft.id'], name=op.f('fk_coverage_rule_draft_id_draft')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coverage_rule')),
    sa.UniqueConstraint('draft_id', name=op.f('uq_coverage_rule_draft_id'))
    )
    op.create_table('workshop',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('draft_id', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('region', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('place', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('women', sa.Integer(), nullable=False),
    sa.Column('men', sa.Integer(), nullable=False),
    sa.Column('other', sa.Integer(), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['draft_id'], ['draft.id'], name=op.f('fk_workshop_draft_id_draft')),
    sa.ForeignKeyConstraint(['entered_by_id'], ['member.id'], name=op.f('fk_workshop_entered_by_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workshop'))
    )
    with op.batch_alter_table('workshop', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workshop_draft_id'), ['draft_id'], unique=False)

    op.create_table('provision_summary',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('draft_id', sa.Integer(), nullable=False),
    sa.Column('provision_id', sa.Integer(), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('translator', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['draft_id'], ['draft.id'], name=op.f('fk_provision_summary_draft_id_draft')),
    sa.ForeignKeyConstraint(['entered_by_id'], ['member.id'], name=op.f('fk_provision_summary_entered_by_id_member')),
    sa.ForeignKeyConstraint(['provision_id'], ['provision.id'], name=op.f('fk_provision_summary_provision_id_provision')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_provision_summary')),
    sa.UniqueConstraint('provision_id', 'language', 'number', name=op.f('uq_provision_summary_provision_id_language_number'))
    )
    with op.batch_alter_table('provision_summary', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_provision_summary_draft_id'), ['draft_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_provision_summary_provision_id'), ['provision_id'], unique=False)

    op.create_table('workshop_stance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('provision_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('stance', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['provision_id'], ['provision.id'], name=op.f('fk_workshop_stance_provision_id_provision')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['member.id'], name=op.f('fk_workshop_stance_recorded_by_id_member')),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshop.id'], name=op.f('fk_workshop_stance_workshop_id_workshop')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workshop_stance')),
    sa.UniqueConstraint('workshop_id', 'provision_id', name=op.f('uq_workshop_stance_workshop_id_provision_id'))
    )
    with op.batch_alter_table('workshop_stance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workshop_stance_provision_id'), ['provision_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_workshop_stance_workshop_id'), ['workshop_id'], unique=False)

    with op.batch_alter_table('receipt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('workshop_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_receipt_workshop_id'), ['workshop_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_receipt_workshop_id_workshop'), 'workshop', ['workshop_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('receipt', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_receipt_workshop_id_workshop'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_receipt_workshop_id'))
        batch_op.drop_column('workshop_id')

    with op.batch_alter_table('workshop_stance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workshop_stance_workshop_id'))
        batch_op.drop_index(batch_op.f('ix_workshop_stance_provision_id'))

    op.drop_table('workshop_stance')
    with op.batch_alter_table('provision_summary', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_provision_summary_provision_id'))
        batch_op.drop_index(batch_op.f('ix_provision_summary_draft_id'))

    op.drop_table('provision_summary')
    with op.batch_alter_table('workshop', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workshop_draft_id'))

    op.drop_table('workshop')
    op.drop_table('coverage_rule')
