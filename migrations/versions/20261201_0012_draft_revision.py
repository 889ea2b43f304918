"""draft revision

A number each draft's audited changes move in their own transaction: the outline, labels and
consensus outcomes are cached by (draft, revision), and pages revalidated by it, in every process.

Revision ID: 0012
Revises: 0011
Created: 2026-12-01 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('draft') as batch_op:
        batch_op.add_column(
            sa.Column('revision', sa.Integer(), nullable=False, server_default='0')
        )


def downgrade() -> None:
    with op.batch_alter_table('draft') as batch_op:
        batch_op.drop_column('revision')
