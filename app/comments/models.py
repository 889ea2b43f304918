"""Comments on a clause or on a quoted passage of it, threaded, never deleted."""

from datetime import datetime

from sqlalchemy import DateTime, Text
from sqlmodel import Field, SQLModel

from app.core.models import created_at_field


class Comment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="draft.id", index=True)
    provision_id: int = Field(foreign_key="provision.id", index=True)
    parent_id: int | None = Field(default=None, foreign_key="comment.id", index=True)
    author_id: int = Field(foreign_key="member.id", index=True)
    body: str = Field(sa_type=Text)
    # The passage commented on, as it read in `version`, and where it started there.
    quote: str | None = Field(default=None, sa_type=Text)
    quote_start: int | None = None
    version: int
    created_at: datetime = created_at_field()
    edited_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    hidden_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    hidden_reason: str | None = Field(default=None, sa_type=Text)
    hidden_by_id: int | None = Field(default=None, foreign_key="member.id")
    # Entered by the secretariat for someone who wrote through another channel.
    receipt_id: int | None = Field(default=None, foreign_key="receipt.id")
    # The secretariat's answer for the matriz de aportes (app/intake/models.py Disposition).
    disposition: str | None = Field(default=None, max_length=20)
    disposition_reason: str | None = Field(default=None, sa_type=Text)
    disposed_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    disposed_by_id: int | None = Field(default=None, foreign_key="member.id")


class CommentRevision(SQLModel, table=True):
    """A comment's earlier wording, kept when its author edits it."""

    __tablename__ = "comment_revision"

    id: int | None = Field(default=None, primary_key=True)
    comment_id: int = Field(foreign_key="comment.id", index=True)
    body: str = Field(sa_type=Text)
    created_at: datetime = created_at_field()
