"""numbering modes

A draft's numbering: "renumber" (a new bill: labels follow position) or "fixed" (a law in force
being amended keeps its numbers; an inserted article takes a suffix, 12-A). A provision's fixed
number is kept in `fixed_number`.

Texts already stored keep their plain numbers: they read as written, and their references are
bound the next time they are written (new imports bind at once).

Revision ID: 0008
Revises: 0007
Created: 2026-12-01 15:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('draft', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'numbering',
                sqlmodel.sql.sqltypes.AutoString(length=10),
                nullable=False,
                server_default='renumber',
            )
        )
    with op.batch_alter_table('provision', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('fixed_number', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table('provision', schema=None) as batch_op:
        batch_op.drop_column('fixed_number')
    with op.batch_alter_table('draft', schema=None) as batch_op:
        batch_op.drop_column('numbering')
