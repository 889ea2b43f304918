"""modifies

A disposition of a draft may modify an article of a law in force imported as another draft:
the cuadro comparativo then compares it with that article's text in force.

Revision ID: 0010
Revises: 0009
Created: 2026-12-01 16:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('provision', schema=None) as batch_op:
        batch_op.add_column(sa.Column('modifies_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            'fk_provision_modifies_id_provision', 'provision', ['modifies_id'], ['id']
        )


def downgrade() -> None:
    with op.batch_alter_table('provision', schema=None) as batch_op:
        batch_op.drop_constraint('fk_provision_modifies_id_provision', type_='foreignkey')
        batch_op.drop_column('modifies_id')
