"""working-group sessions: meetings, their agenda, attendance, decisions and acta

A session of a draft is numbered per draft; its agenda items point at a clause or an amendment;
attendance is one row per present member; decisions record the outcome and its text. A position
declared in the room records the session it was declared in.

Revision ID: 0017
Revises: 0016
Created: 2026-12-01 22:25:52
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('draft_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('place', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('convened_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('concluded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('minutes_text', sa.Text(), nullable=True),
    sa.Column('minutes_edited_by_id', sa.Integer(), nullable=True),
    sa.Column('minutes_edited_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('minutes_approved_in_id', sa.Integer(), nullable=True),
    sa.Column('minutes_approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['convened_by_id'], ['member.id'], name=op.f('fk_meeting_convened_by_id_member')),
    sa.ForeignKeyConstraint(['draft_id'], ['draft.id'], name=op.f('fk_meeting_draft_id_draft')),
    sa.ForeignKeyConstraint(['minutes_approved_in_id'], ['meeting.id'], name=op.f('fk_meeting_minutes_approved_in_id_meeting')),
    sa.ForeignKeyConstraint(['minutes_edited_by_id'], ['member.id'], name=op.f('fk_meeting_minutes_edited_by_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting')),
    sa.UniqueConstraint('draft_id', 'number', name=op.f('uq_meeting_draft_id_number'))
    )
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_draft_id'), ['draft_id'], unique=False)

    op.create_table('meeting_attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_meeting_attendance_meeting_id_meeting')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_meeting_attendance_member_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_attendance')),
    sa.UniqueConstraint('meeting_id', 'member_id', name=op.f('uq_meeting_attendance_meeting_id_member_id'))
    )
    with op.batch_alter_table('meeting_attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_attendance_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('meeting_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('provision_id', sa.Integer(), nullable=True),
    sa.Column('amendment_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['amendment_id'], ['amendment.id'], name=op.f('fk_meeting_item_amendment_id_amendment')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_meeting_item_meeting_id_meeting')),
    sa.ForeignKeyConstraint(['provision_id'], ['provision.id'], name=op.f('fk_meeting_item_provision_id_provision')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_item'))
    )
    with op.batch_alter_table('meeting_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_item_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('meeting_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('approves_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('result_version', sa.Integer(), nullable=True),
    sa.Column('amendment_status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['approves_id'], ['meeting.id'], name=op.f('fk_meeting_decision_approves_id_meeting')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['member.id'], name=op.f('fk_meeting_decision_decided_by_id_member')),
    sa.ForeignKeyConstraint(['item_id'], ['meeting_item.id'], name=op.f('fk_meeting_decision_item_id_meeting_item')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_meeting_decision_meeting_id_meeting')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_decision')),
    sa.UniqueConstraint('item_id', name=op.f('uq_meeting_decision_item_id'))
    )
    with op.batch_alter_table('meeting_decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_decision_meeting_id'), ['meeting_id'], unique=False)

    with op.batch_alter_table('position', schema=None) as batch_op:
        batch_op.add_column(sa.Column('declared_in_meeting_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_position_declared_in_meeting_id_meeting'), 'meeting', ['declared_in_meeting_id'], ['id'])

    with op.batch_alter_table('position_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('declared_in_meeting_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_position_record_declared_in_meeting_id_meeting'), 'meeting', ['declared_in_meeting_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('position_record', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_position_record_declared_in_meeting_id_meeting'), type_='foreignkey')
        batch_op.drop_column('declared_in_meeting_id')

    with op.batch_alter_table('position', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_position_declared_in_meeting_id_meeting'), type_='foreignkey')
        batch_op.drop_column('declared_in_meeting_id')

    with op.batch_alter_table('meeting_decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_decision_meeting_id'))

    op.drop_table('meeting_decision')
    with op.batch_alter_table('meeting_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_item_meeting_id'))

    op.drop_table('meeting_item')
    with op.batch_alter_table('meeting_attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_attendance_meeting_id'))

    op.drop_table('meeting_attendance')
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_draft_id'))

    op.drop_table('meeting')
