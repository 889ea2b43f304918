"""intake: contributions received outside Mesa, and the secretariat's disposition of each

A receipt records the channel (e-mail, front desk, workshop), the contributor (or that their
name is reserved), organization, sector, region and the date received; comments and amendments
entered by the secretariat point to it. Comments get the secretariat's disposition; amendments
not accepted can be marked outside the law's scope.

Revision ID: 0013
Revises: 0012
Created: 2026-12-01 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        'receipt',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('draft_id', sa.Integer(), nullable=False),
        sa.Column('channel', _TEXT(length=20), nullable=False),
        sa.Column('contributor', _TEXT(length=200), nullable=False),
        sa.Column('organization', _TEXT(length=200), nullable=False),
        sa.Column('sector', _TEXT(length=30), nullable=False),
        sa.Column('region', _TEXT(length=40), nullable=False),
        sa.Column('reserved', sa.Boolean(), nullable=False),
        sa.Column('received_on', sa.Date(), nullable=False),
        sa.Column('entered_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['draft_id'], ['draft.id'], name=op.f('fk_receipt_draft_id_draft')),
        sa.ForeignKeyConstraint(
            ['entered_by_id'], ['member.id'], name=op.f('fk_receipt_entered_by_id_member')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_receipt')),
    )
    with op.batch_alter_table('receipt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_receipt_draft_id'), ['draft_id'], unique=False)

    with op.batch_alter_table('amendment', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('out_of_scope', sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column('receipt_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_amendment_receipt_id_receipt'), 'receipt', ['receipt_id'], ['id']
        )

    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('receipt_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('disposition', _TEXT(length=20), nullable=True))
        batch_op.add_column(sa.Column('disposition_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('disposed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('disposed_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_comment_disposed_by_id_member'), 'member', ['disposed_by_id'], ['id']
        )
        batch_op.create_foreign_key(
            batch_op.f('fk_comment_receipt_id_receipt'), 'receipt', ['receipt_id'], ['id']
        )


def downgrade() -> None:
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_comment_receipt_id_receipt'), type_='foreignkey')
        batch_op.drop_constraint(
            batch_op.f('fk_comment_disposed_by_id_member'), type_='foreignkey'
        )
        batch_op.drop_column('disposed_by_id')
        batch_op.drop_column('disposed_at')
        batch_op.drop_column('disposition_reason')
        batch_op.drop_column('disposition')
        batch_op.drop_column('receipt_id')

    with op.batch_alter_table('amendment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_amendment_receipt_id_receipt'), type_='foreignkey')
        batch_op.drop_column('receipt_id')
        batch_op.drop_column('out_of_scope')

    with op.batch_alter_table('receipt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_receipt_draft_id'))
    op.drop_table('receipt')
