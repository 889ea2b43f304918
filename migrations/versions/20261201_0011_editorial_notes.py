"""editorial notes

The notes a compiler (SPIJ) prints around a law in force — "(*) Artículo modificado por…",
CONCORDANCIAS, NOTA — kept beside the provision they follow (or the law), never as its text;
`superseded` holds the text a reported modification replaced.

Revision ID: 0011
Revises: 0010
Created: 2026-12-01 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'editorial_note',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('draft_id', sa.Integer(), nullable=False),
        sa.Column('provision_id', sa.Integer(), nullable=True),
        sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('superseded', sa.Text(), nullable=False),
        sa.Column('line', sa.Integer(), nullable=True),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['draft_id'], ['draft.id']),
        sa.ForeignKeyConstraint(['provision_id'], ['provision.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('editorial_note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_editorial_note_draft_id'), ['draft_id'], unique=False)
        batch_op.create_index(
            batch_op.f('ix_editorial_note_provision_id'), ['provision_id'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('editorial_note', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_editorial_note_provision_id'))
        batch_op.drop_index(batch_op.f('ix_editorial_note_draft_id'))
    op.drop_table('editorial_note')
