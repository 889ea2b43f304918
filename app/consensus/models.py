"""Positions on clauses, the draft's consensus rule, and consensus rounds."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.core.models import created_at_field, timestamp_field


class PositionFields(SQLModel):
    """What a position says: who, on which clause and version of its text, and why."""

    draft_id: int = Field(foreign_key="draft.id", index=True)
    provision_id: int = Field(foreign_key="provision.id", index=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    version: int
    stance: str = Field(max_length=30)
    reason: str | None = Field(default=None, sa_type=Text)
    # Declared in a working-group session, recorded by the secretariat for the member.
    declared_in_meeting_id: int | None = Field(default=None, foreign_key="meeting.id")


class Position(PositionFields, table=True):
    """A member's current position on a clause. One per member and clause (the unique
    constraint stands behind every change); earlier ones are in PositionRecord."""

    __table_args__ = (UniqueConstraint("member_id", "provision_id"),)

    id: int | None = Field(default=None, primary_key=True)
    updated_at: datetime = created_at_field()


class PositionRecord(PositionFields, table=True):
    """Every position ever taken, in order: the history, never changed."""

    __tablename__ = "position_record"

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = created_at_field()


class ConsensusRule(SQLModel, table=True):
    """The draft's rule, set by the secretariat; a draft without one uses the defaults."""

    __tablename__ = "consensus_rule"

    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="draft.id", unique=True)
    quorum: float
    require_sector_coverage: bool
    broad_support_share: float
    requires_rounds: bool


class ConsensusRound(SQLModel, table=True):
    __tablename__ = "consensus_round"

    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="draft.id", index=True)
    title: str = Field(max_length=200)
    deadline: datetime = timestamp_field()
    opened_by_id: int = Field(foreign_key="member.id")
    opened_at: datetime = created_at_field()
    # Closed early by the secretariat; otherwise the round ends at its deadline. Its results are
    # the positions recorded up to then (the history is append-only, so they never change).
    closed_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class RoundClause(SQLModel, table=True):
    __tablename__ = "round_clause"
    __table_args__ = (UniqueConstraint("round_id", "provision_id"),)

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="consensus_round.id", index=True)
    provision_id: int = Field(foreign_key="provision.id")


class ClauseOutcome(SQLModel, table=True):
    """A clause's consensus outcome as its positions, its text, the rule and the voting members
    make it now: kept current in the transaction of each change it follows from
    (app/consensus/reports.py), so that reading it recomputes nothing."""

    __tablename__ = "clause_outcome"

    provision_id: int = Field(foreign_key="provision.id", primary_key=True)
    draft_id: int = Field(foreign_key="draft.id", index=True)
    outcome: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
