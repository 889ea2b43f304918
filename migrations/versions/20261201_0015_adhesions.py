"""adhesions, the secretariat's proposed handling, and the minimum support rule

Members co-sign pending amendments (one adhesion per member and amendment); the secretariat
publishes how it proposes to handle each amendment before deciding; a draft may require a
minimum of organizations and sectors before an amendment reaches the merge queue.

Revision ID: 0015
Revises: 0014
Created: 2026-12-01 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('adhesion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('amendment_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['amendment_id'], ['amendment.id'], name=op.f('fk_adhesion_amendment_id_amendment')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_adhesion_member_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_adhesion')),
    sa.UniqueConstraint('amendment_id', 'member_id', name=op.f('uq_adhesion_amendment_id_member_id'))
    )
    with op.batch_alter_table('adhesion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_adhesion_amendment_id'), ['amendment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_adhesion_member_id'), ['member_id'], unique=False)

    op.create_table('amendment_proposal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('amendment_id', sa.Integer(), nullable=False),
    sa.Column('proposal', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('proposed_by_id', sa.Integer(), nullable=False),
    sa.Column('proposed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('followed', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['amendment_id'], ['amendment.id'], name=op.f('fk_amendment_proposal_amendment_id_amendment')),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['member.id'], name=op.f('fk_amendment_proposal_proposed_by_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_amendment_proposal')),
    sa.UniqueConstraint('amendment_id', name=op.f('uq_amendment_proposal_amendment_id'))
    )

    op.create_table('support_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('draft_id', sa.Integer(), nullable=False),
    sa.Column('min_organizations', sa.Integer(), nullable=False),
    sa.Column('min_sectors', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['draft_id'], ['draft.id'], name=op.f('fk_support_rule_draft_id_draft')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_rule')),
    sa.UniqueConstraint('draft_id', name=op.f('uq_support_rule_draft_id'))
    )


def downgrade() -> None:
    op.drop_table('support_rule')
    op.drop_table('amendment_proposal')
    with op.batch_alter_table('adhesion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_adhesion_member_id'))
        batch_op.drop_index(batch_op.f('ix_adhesion_amendment_id'))
    op.drop_table('adhesion')
