"""clause outcomes

Each clause's consensus outcome, kept current in the transaction of every change it follows
from (app/consensus/reports.py) instead of computed from every position when read. A clause
with nothing kept yet (the drafts already here) is counted from its positions when read, as
before, until its next change keeps it: computing it here would read the tables through
today's models, which a later migration's new column would break on a fresh database.

Revision ID: 0019
Revises: 0018
Created: 2026-12-01 23:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0019'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('clause_outcome',
    sa.Column('provision_id', sa.Integer(), nullable=False),
    sa.Column('draft_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['draft_id'], ['draft.id'], ),
    sa.ForeignKeyConstraint(['provision_id'], ['provision.id'], ),
    sa.PrimaryKeyConstraint('provision_id')
    )
    with op.batch_alter_table('clause_outcome', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clause_outcome_draft_id'), ['draft_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('clause_outcome', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_clause_outcome_draft_id'))

    op.drop_table('clause_outcome')
