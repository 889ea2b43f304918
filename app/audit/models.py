"""The audit trail: append-only events, each hashed together with the previous event's hash."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column
from sqlmodel import Field, SQLModel

from app.core.models import timestamp_field


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"

    # The sequence number is the primary key: two writers cannot both append event N.
    seq: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    at: datetime = timestamp_field()
    actor_id: int | None = Field(default=None, foreign_key="member.id", index=True)
    actor_name: str = Field(default="", max_length=200)  # as shown publicly at the time
    action: str = Field(max_length=60, index=True)
    object: str = Field(default="", max_length=120, index=True)  # "provision:<uid>", "member:7"
    draft_id: int | None = Field(default=None, foreign_key="draft.id", index=True)
    # Public values only (never an email or a gender): before/after of what changed.
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64, unique=True)
